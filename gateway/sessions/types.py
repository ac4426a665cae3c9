"""Sessions and bookings as the GraphQL API shows them, stored by the bookings service,
and the fields they add to other features' types: `Course.sessions`,
`Course.feedback`, `Person.cpdRecord`.

Everything that hangs off a list (a session's course, my booking on each session, a
booking's session and attendee) is read for the whole list at once, through the
request's loaders: one call per kind of thing, however long the list.
"""
from __future__ import annotations

from datetime import datetime

import graphene

from gateway.graph.compose import Extension, named, ref
from gateway.graph.history import history_field
from gateway.graph.loaders import grouped, ids_param, loaded, loads
from gateway.graph.values import moment, parsed, public_url
from shared.clock import LONDON

SessionStatus = graphene.Enum("SessionStatus", [(n, n) for n in ("SCHEDULED", "CANCELLED", "COMPLETED")])
BookingStatus = graphene.Enum("BookingStatus", [(n, n) for n in (
    "PENDING_APPROVAL", "HELD", "CONFIRMED", "WAITLISTED", "OFFERED", "CANCELLED", "DECLINED", "ATTENDED", "NO_SHOW")])


@loads("session")
def _sessions(ctx, ids: list[int]) -> dict:
    """The sessions of the bookings in view."""
    answer = ctx.read("bookings", "GET", "/sessions", params={"ids": ids_param(ids)})
    return {s["id"]: s for s in ctx.remember("session", answer["items"])}


@loads("sessions of course", missing=list)
def _sessions_of_courses(ctx, course_ids: list[int], upcoming: bool) -> dict:
    answer = ctx.read("bookings", "GET", "/sessions",
                      params={"course_ids": ids_param(course_ids), "upcoming": str(upcoming).lower()})
    return grouped((s["course_id"], s) for s in ctx.remember("session", answer["items"]))


@loads("bookings of session", missing=list)
def _bookings_of_sessions(ctx, session_ids: list[int]) -> dict:
    """The service answers only what the caller may see (nothing for most people)."""
    items = ctx.read("bookings", "GET", "/bookings/by-session", params={"session_ids": ids_param(session_ids)})["items"]
    return grouped((b["session_id"], b) for b in ctx.remember("booking", items))


@loads("my booking")
def _my_bookings(ctx, session_ids: list[int]) -> dict:
    """The signed-in person's booking on each session, by session."""
    if ctx.identity.person_id is None:
        return {}
    items = ctx.read("bookings", "GET", "/bookings/mine", params={"session_ids": ids_param(session_ids)})["items"]
    return {b["session_id"]: b for b in ctx.remember("booking", items)}


@loads("feedback of course")
def _feedback_of_courses(ctx, course_ids: list[int]) -> dict:
    """Admins only: the service refuses anyone else."""
    answer = ctx.read("bookings", "GET", "/courses/feedback", params={"course_ids": ids_param(course_ids)})
    return {f["course_id"]: f for f in answer["items"]}


@loads("cpd record")
def _cpd_records(ctx, person_ids: list[int], academic_year: str | None) -> dict:
    params = {"person_ids": ids_param(person_ids)}
    if academic_year:
        params["academic_year"] = academic_year
    return {r["person_id"]: r for r in ctx.read("bookings", "GET", "/cpd-records", params=params)["items"]}


def course_as_recorded(session: dict) -> dict:
    """The course as `session` keeps it: what the bookings service shows of a session
    to the people it still shows it to (its attendees, their school's leaders) once
    the catalogue no longer shows them the course (archived, back to draft, no longer
    public).  Its title is the one they booked; the rest of the course is the
    catalogue's to show, so it is left empty."""
    minutes = (moment(session["ends_at"]) - moment(session["starts_at"])).total_seconds() // 60
    return {"id": session["course_id"], "slug": "", "title": session["course_title"], "summary": "",
            "description": "", "subject": session["course_subject"] or "", "phases": session["course_phases"],
            "audiences": [], "provider": "", "delivery_mode": "IN_PERSON" if session["venue"] else "ONLINE",
            "duration_minutes": int(minutes), "visibility": session["course_visibility"],
            "status": "PUBLISHED" if session["course_published"] else "ARCHIVED", "external_price_pence": None,
            "updated_at": None}


@named
@parsed(moment, "starts_at", "ends_at", "booking_closes_at", "cancellation_deadline")
class Session(graphene.ObjectType):
    id = graphene.ID(required=True)
    course = graphene.Field(ref("Course"), required=True, description=(
        "For a session of yours whose course the catalogue no longer shows you (archived, back to draft, no longer "
        "public): the course as the session keeps it, its title as booked, subject, phases and visibility, status "
        "ARCHIVED once withdrawn, and nothing more."))
    starts_at = graphene.DateTime(required=True)
    ends_at = graphene.DateTime(required=True)
    venue = graphene.String()
    online_url = graphene.String(description="Only for people with a confirmed place.")
    capacity = graphene.Int(required=True)
    places_left = graphene.Int(required=True)
    external_places = graphene.Int(required=True)
    external_places_left = graphene.Int(required=True, description="Places still on sale to schools outside the trust.")
    requires_approval = graphene.Boolean(required=True)
    booking_closes_at = graphene.DateTime(required=True)
    cancellation_deadline = graphene.DateTime(required=True)
    status = graphene.Field(SessionStatus, required=True)
    waiting_list_length = graphene.Int(required=True)
    my_booking = graphene.Field(lambda: Booking)
    bookings = graphene.List(graphene.NonNull(lambda: Booking), required=True,
                             description="Admins: everyone; school leaders: their own staff; others: none.")
    ics_url = graphene.String(required=True)
    history = history_field("bookings", "session", among="session",
                            description="the changes made to this session and to its bookings")

    resolve_bookings = loaded("bookings of session", "id", among="session")
    resolve_my_booking = loaded("my booking", "id", among="session")

    @staticmethod
    def resolve_ics_url(session, info):
        return public_url(f"/sessions/{session['id']}.ics")

    @staticmethod
    def resolve_course(session, info):
        ctx = info.context
        course = ctx.loader("course").load(session["course_id"], among=(s["course_id"] for s in ctx.in_view("session")))
        return course or course_as_recorded(session)



@named
@parsed(moment, "offer_expires_at", "created_at")
class Booking(graphene.ObjectType):
    id = graphene.ID(required=True)
    session = graphene.Field(Session, required=True)
    attendee = graphene.Field(ref("Person"))
    attendee_name = graphene.String(required=True)
    status = graphene.Field(BookingStatus, required=True)
    waiting_list_position = graphene.Int()
    offer_expires_at = graphene.DateTime()
    created_at = graphene.DateTime(required=True)
    certificate_url = graphene.String(description="Once the register shows the session attended.")
    ics_url = graphene.String(required=True)
    feedback_rating = graphene.Int(description="What the attendee rated the session, 1–5.")
    feedback_comment = graphene.String()
    history = history_field("bookings", "booking", among="booking", description="the changes made to this booking")

    @staticmethod
    def resolve_certificate_url(booking, info):
        return public_url(f"/certificates/{booking['id']}.pdf") if booking["status"] == "ATTENDED" else None

    @staticmethod
    def resolve_ics_url(booking, info):
        return public_url(f"/bookings/{booking['id']}.ics")

    resolve_session = loaded("session", "session_id", among="booking")
    resolve_attendee = loaded("person", "person_id", among="booking")


class CpdEntry(graphene.ObjectType):
    title = graphene.String(required=True)
    date = graphene.Date(required=True)
    minutes = graphene.Int(required=True)
    kind = graphene.String(required=True)
    certificate_url = graphene.String()


class CpdRecord(graphene.ObjectType):
    academic_year = graphene.String(required=True, description="For example 2026-27 (September to August).")
    hours = graphene.Float(required=True)
    sessions_attended = graphene.Int(required=True)
    entries = graphene.List(graphene.NonNull(CpdEntry), required=True)


@parsed(moment, "session_starts_at")
class FeedbackComment(graphene.ObjectType):
    rating = graphene.Int(required=True)
    comment = graphene.String()
    session_starts_at = graphene.DateTime(required=True)


class CourseFeedback(graphene.ObjectType):
    count = graphene.Int(required=True)
    average = graphene.Float()
    comments = graphene.List(graphene.NonNull(FeedbackComment), required=True, source="items")


class CourseSessions(Extension):
    extends = "Course"
    sessions = graphene.List(graphene.NonNull(Session), required=True, upcoming=graphene.Boolean(default_value=True))
    feedback = graphene.Field(CourseFeedback,
                              description="Admins: attendees' ratings and comments; null for everyone else.")

    @staticmethod
    def resolve_sessions(course, info, upcoming=True):
        """For every course in view in one call per 100."""
        ctx = info.context
        return ctx.loader("sessions of course", upcoming=upcoming).load(
            course["id"], among=(c["id"] for c in ctx.in_view("course")))

    @staticmethod
    def resolve_feedback(course, info):
        ctx = info.context
        if not ctx.identity.is_admin:
            return None
        # for every course in view in one call per 100
        return ctx.loader("feedback of course").load(course["id"], among=(c["id"] for c in ctx.in_view("course")))


class PersonCpdRecord(Extension):
    extends = "Person"
    cpd_record = graphene.Field(CpdRecord, required=True,
                                academic_year=graphene.String(description="For example 2026-27; now when left out."))

    @staticmethod
    def resolve_cpd_record(person, info, academic_year=None):
        """The service shows the person themselves, their school's leaders and admins
        the record; anyone else gets an empty one.  Read for everyone the answer holds
        at once, in one call per 100."""
        ctx = info.context
        year = academic_year[:10] if academic_year else None
        record = ctx.loader("cpd record", academic_year=year).load(person.id, among=ctx.loader("person").keys())
        # The videos watched that year come from the catalogue, which keeps them
        # (gateway/videos/cpd.py says why they are not copied into bookings).
        videos = ctx.loader("videos in cpd record", academic_year=record["academic_year"]).load(
            person.id, among=ctx.loader("person").keys())
        entries = [{"title": e["title"], "date": datetime.fromisoformat(e["starts_at"]).astimezone(LONDON).date(),
                    "minutes": e["minutes"], "kind": "Trust CPD session",
                    "certificate_url": public_url(f"/certificates/{e['booking_id']}.pdf")} for e in record["entries"]]
        entries = sorted(entries + videos["entries"], key=lambda e: e["date"])
        minutes = record["minutes"] + videos["minutes"]
        return {"academic_year": record["academic_year"], "hours": round(minutes / 60, 2),
                "sessions_attended": record["sessions_attended"], "entries": entries}

