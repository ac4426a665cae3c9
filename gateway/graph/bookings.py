"""Sessions and bookings in the GraphQL API: types, queries and mutations.

Everything that hangs off a list (a session's course, my booking on each session, a
booking's session and attendee) is fetched for the whole list at once through
per-request caches: one call per kind of thing, however long the list.
"""
from __future__ import annotations

import threading
from datetime import datetime, timedelta

import graphene
from cachetools import TTLCache, cached
from graphql import GraphQLError
from sqlmodel import col, select

from gateway.backends import BackendError, BackendUnavailable
from gateway.graph.errors import as_graphql_error
from gateway.graph.ids import parse_id, parse_ids, parse_slug
from gateway.graph.payloads import called, no_such, refusal, refused, remember
from gateway.graph.types import Course, PageInfo, Person, UserError, _connection, _page_args
from gateway.identity.models import Person as PersonRow

def _phase():
    from gateway.graph.types import Phase

    return Phase


SessionStatus = graphene.Enum("SessionStatus", [(n, n) for n in ("SCHEDULED", "CANCELLED", "COMPLETED")])
BookingStatus = graphene.Enum("BookingStatus", [(n, n) for n in (
    "PENDING_APPROVAL", "HELD", "CONFIRMED", "WAITLISTED", "OFFERED", "CANCELLED", "DECLINED", "ATTENDED", "NO_SHOW")])


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _call(ctx, service: str, method: str, path: str, **kwargs):
    try:
        return ctx.call(service, method, path, **kwargs)
    except (BackendUnavailable, BackendError) as exc:
        raise as_graphql_error(exc) from exc


def _chunks(ids: list[int], size: int = 100):
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def courses_by_id(ctx) -> dict:
    """Every course the sessions in view belong to, in one call per 100."""
    loaded = ctx.cache.setdefault("course_by_id", {})
    wanted = {s["course_id"] for s in ctx.cache.get("sessions", {}).values()} - loaded.keys()
    for chunk in _chunks(sorted(wanted)):
        page = _call(ctx, "catalogue", "GET", "/courses", params={"ids": ",".join(map(str, chunk))})
        loaded.update({c["id"]: c for c in page["items"]})
        loaded.update({i: None for i in chunk if i not in loaded})
    return loaded


def my_bookings_by_session(ctx) -> dict:
    loaded = ctx.cache.setdefault("my_booking_by_session", {})
    if ctx.identity.person_id is None:
        return loaded
    asked = ctx.cache.setdefault("my_booking_asked", set())
    wanted = sorted(set(ctx.cache.get("sessions", {})) - asked)
    for chunk in _chunks(wanted):
        items = _call(ctx, "bookings", "GET", "/bookings/mine", params={"session_ids": ",".join(map(str, chunk))})
        loaded.update({b["session_id"]: b for b in remember(ctx, "bookings", items["items"])})
        asked.update(chunk)
    return loaded


def sessions_by_id(ctx) -> dict:
    """The sessions of every booking in view."""
    sessions = ctx.cache.setdefault("sessions", {})
    wanted = sorted({b["session_id"] for b in ctx.cache.get("bookings", {}).values()} - sessions.keys())
    for chunk in _chunks(wanted):
        page = _call(ctx, "bookings", "GET", "/sessions", params={"ids": ",".join(map(str, chunk))})
        remember(ctx, "sessions", page["items"])
    return sessions


def _public(path: str) -> str:
    """An absolute address on the gateway (LL_PUBLIC_URL), for links that leave the
    page: calendar subscriptions, certificates saved for later."""
    from flask import current_app, has_app_context

    from shared.settings import get_settings

    settings = current_app.extensions["lighthouse_settings"] if has_app_context() else get_settings()
    return settings.public_url.rstrip("/") + path


def bookings_on_session(ctx, session_id: int) -> list[dict]:
    """Session.bookings for every session in view in one call per 100; the service
    answers only what the caller may see (nothing for most people)."""
    by_session = ctx.cache.setdefault("bookings_by_session", {})
    if session_id not in by_session:
        wanted = sorted(set(ctx.cache.get("sessions", {})) - by_session.keys() | {session_id})
        for i in wanted:
            by_session[i] = []
        for chunk in _chunks(wanted):
            items = _call(ctx, "bookings", "GET", "/bookings/by-session",
                          params={"session_ids": ",".join(map(str, chunk))})["items"]
            for b in remember(ctx, "bookings", items):
                by_session[b["session_id"]].append(b)
    return by_session[session_id]


def sessions_for_course(ctx, course_id: int, upcoming: bool) -> list[dict]:
    """Course.sessions, for every course in view in one call."""
    key = f"sessions_by_course:{upcoming}"
    by_course = ctx.cache.setdefault(key, {})
    if course_id not in by_course:
        wanted = sorted(set(ctx.cache.get("courses_in_view", ())) | {course_id})
        for i in wanted:
            by_course.setdefault(i, [])
        for chunk in _chunks(wanted):
            params = {"course_ids": ",".join(map(str, chunk)), "upcoming": str(upcoming).lower()}
            page = _call(ctx, "bookings", "GET", "/sessions", params=params)
            for s in remember(ctx, "sessions", page["items"]):
                by_course[s["course_id"]].append(s)
    return by_course[course_id]


def course_as_recorded(session: dict) -> dict:
    """The course as `session` keeps it: what the bookings service shows of a session
    to the people it still shows it to (its attendees, their school's leaders) once
    the catalogue no longer shows them the course (archived, back to draft, no longer
    public).  Its title is the one they booked; the rest of the course is the
    catalogue's to show, so it is left empty."""
    minutes = (_dt(session["ends_at"]) - _dt(session["starts_at"])).total_seconds() // 60
    return {"id": session["course_id"], "slug": "", "title": session["course_title"], "summary": "",
            "description": "", "subject": session["course_subject"] or "", "phases": session["course_phases"],
            "audiences": [], "provider": "", "delivery_mode": "IN_PERSON" if session["venue"] else "ONLINE",
            "duration_minutes": int(minutes), "visibility": session["course_visibility"],
            "status": "PUBLISHED" if session["course_published"] else "ARCHIVED", "external_price_pence": None,
            "updated_at": None}


class Session(graphene.ObjectType):
    id = graphene.ID(required=True)
    course = graphene.Field(Course, required=True, description=(
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
    external_places_left = graphene.Int(required=True)
    requires_approval = graphene.Boolean(required=True)
    booking_closes_at = graphene.DateTime(required=True)
    cancellation_deadline = graphene.DateTime(required=True)
    status = graphene.Field(SessionStatus, required=True)
    waiting_list_length = graphene.Int(required=True)
    my_booking = graphene.Field(lambda: Booking)
    bookings = graphene.List(graphene.NonNull(lambda: Booking), required=True,
                             description="Admins: everyone; school leaders: their own staff; others: none.")
    ics_url = graphene.String(required=True)

    @staticmethod
    def resolve_bookings(session, info):
        return bookings_on_session(info.context, session["id"])

    @staticmethod
    def resolve_ics_url(session, info):
        return _public(f"/sessions/{session['id']}.ics")

    @staticmethod
    def resolve_course(session, info):
        return courses_by_id(info.context).get(session["course_id"]) or course_as_recorded(session)

    @staticmethod
    def resolve_external_places_left(session, info):
        return session["external_places"]  # places sold to other schools arrive with orders

    @staticmethod
    def resolve_my_booking(session, info):
        return my_bookings_by_session(info.context).get(session["id"])


for _field in ("starts_at", "ends_at", "booking_closes_at", "cancellation_deadline"):
    setattr(Session, f"resolve_{_field}", staticmethod(lambda s, info, _f=_field: _dt(s[_f])))


class Booking(graphene.ObjectType):
    id = graphene.ID(required=True)
    session = graphene.Field(Session, required=True)
    attendee = graphene.Field(Person)
    attendee_name = graphene.String(required=True)
    status = graphene.Field(BookingStatus, required=True)
    waiting_list_position = graphene.Int()
    offer_expires_at = graphene.DateTime()
    created_at = graphene.DateTime(required=True)
    certificate_url = graphene.String(description="Once the register shows the session attended.")
    ics_url = graphene.String(required=True)
    feedback_rating = graphene.Int(description="What the attendee rated the session, 1–5.")
    feedback_comment = graphene.String()

    @staticmethod
    def resolve_certificate_url(booking, info):
        return _public(f"/certificates/{booking['id']}.pdf") if booking["status"] == "ATTENDED" else None

    @staticmethod
    def resolve_ics_url(booking, info):
        return _public(f"/bookings/{booking['id']}.ics")

    @staticmethod
    def resolve_feedback_rating(booking, info):
        return booking.get("feedback_rating")

    @staticmethod
    def resolve_feedback_comment(booking, info):
        return booking.get("feedback_comment")

    @staticmethod
    def resolve_session(booking, info):
        return sessions_by_id(info.context)[booking["session_id"]]

    @staticmethod
    def resolve_attendee(booking, info):
        ctx = info.context
        people = ctx.cache.setdefault("people_by_id", {})
        if booking["person_id"] not in people:
            ids = {b["person_id"] for b in ctx.cache.get("bookings", {}).values()} | {booking["person_id"]}
            for person in ctx.db.exec(select(PersonRow).where(col(PersonRow.id).in_(ids))).all():
                people[person.id] = person
            for i in ids:
                people.setdefault(i, None)
        return people[booking["person_id"]]

    @staticmethod
    def resolve_offer_expires_at(booking, info):
        return _dt(booking["offer_expires_at"])

    @staticmethod
    def resolve_created_at(booking, info):
        return _dt(booking["created_at"])


class SessionEdge(graphene.ObjectType):
    node = graphene.Field(Session, required=True)
    cursor = graphene.String(required=True)


class SessionConnection(graphene.ObjectType):
    edges = graphene.List(graphene.NonNull(SessionEdge), required=True)
    page_info = graphene.Field(PageInfo, required=True)
    total_count = graphene.Int(required=True)


class SessionInput(graphene.InputObjectType):
    id = graphene.ID()
    course_id = graphene.ID(required=True)
    starts_at = graphene.DateTime(required=True)
    ends_at = graphene.DateTime(required=True)
    venue = graphene.String()
    online_url = graphene.String()
    capacity = graphene.Int(required=True)
    external_places = graphene.Int(required=True)
    requires_approval = graphene.Boolean(required=True)
    booking_closes_at = graphene.DateTime()
    cancellation_deadline = graphene.DateTime()
    outside_term_confirmed = graphene.Boolean(default_value=False,
                                              description="Hold it on a day that is not a school day.")


class SessionPayload(graphene.ObjectType):
    session = graphene.Field(Session)
    user_errors = graphene.List(graphene.NonNull(UserError), required=True)


class BookingPayload(graphene.ObjectType):
    booking = graphene.Field(Booking)
    user_errors = graphene.List(graphene.NonNull(UserError), required=True)


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


def cpd_record(ctx, person_id: int, academic_year: str | None) -> dict:
    from shared.clock import LONDON

    params = {"person_id": person_id}
    if academic_year:
        params["academic_year"] = academic_year[:10]
    record = _call(ctx, "bookings", "GET", "/cpd-record", params=params)
    entries = [{"title": e["title"], "date": datetime.fromisoformat(e["starts_at"]).astimezone(LONDON).date(),
                "minutes": e["minutes"], "kind": "Trust CPD session",
                "certificate_url": _public(f"/certificates/{e['booking_id']}.pdf")} for e in record["entries"]]
    return {"academic_year": record["academic_year"], "hours": round(record["minutes"] / 60, 2),
            "sessions_attended": record["sessions_attended"], "entries": entries}


class FeedbackComment(graphene.ObjectType):
    rating = graphene.Int(required=True)
    comment = graphene.String()
    session_starts_at = graphene.DateTime(required=True)

    @staticmethod
    def resolve_session_starts_at(item, info):
        return _dt(item["session_starts_at"])


class CourseFeedback(graphene.ObjectType):
    count = graphene.Int(required=True)
    average = graphene.Float()
    comments = graphene.List(graphene.NonNull(FeedbackComment), required=True)

    @staticmethod
    def resolve_comments(feedback, info):
        return feedback["items"]


def course_feedback(ctx, course_id: int) -> dict | None:
    if not ctx.identity.is_admin:
        return None
    return _call(ctx, "bookings", "GET", f"/courses/{course_id}/feedback")


class BookingsQuery(graphene.ObjectType):
    sessions = graphene.Field(
        SessionConnection, required=True,
        from_=graphene.Argument(graphene.DateTime, name="from"), to=graphene.DateTime(),
        course_slug=graphene.String(), first=graphene.Int(default_value=20), after=graphene.String(),
        subject=graphene.String(), phase=graphene.Argument(lambda: _phase()),
    )
    school_bookings = graphene.List(graphene.NonNull(Booking), required=True, school_id=graphene.ID(required=True),
                                    upcoming=graphene.Boolean(default_value=True),
                                    description="A school's bookings, for its leaders and admins.")
    session = graphene.Field(Session, id=graphene.ID(required=True))
    my_bookings = graphene.List(graphene.NonNull(Booking), required=True,
                                upcoming=graphene.Boolean(default_value=True))
    bookings_awaiting_approval = graphene.List(graphene.NonNull(Booking), required=True,
                                               description="For school leaders: their staff's bookings to decide.")

    @staticmethod
    def resolve_sessions(root, info, first=20, after=None, from_=None, to=None, course_slug=None, subject=None,
                         phase=None):
        ctx = info.context
        params = _page_args(first, after)
        if subject:
            params["subject"] = subject[:80]
        if phase:
            params["phase"] = getattr(phase, "value", phase)
        if from_:
            params["from"] = from_.isoformat()
        if to:
            params["to"] = to.isoformat()
        if course_slug:
            none = {"edges": [], "page_info": {"has_next_page": False, "end_cursor": None}, "total_count": 0}
            if parse_slug(course_slug) is None:
                return none
            try:
                params["course_id"] = ctx.call("catalogue", "GET", f"/courses/by-slug/{course_slug}")["id"]
            except BackendError:
                return none
            except BackendUnavailable as exc:
                raise as_graphql_error(exc) from exc
        page = _call(ctx, "bookings", "GET", "/sessions", params=params)
        remember(ctx, "sessions", page["items"])
        return _connection(page)

    @staticmethod
    def resolve_session(root, info, id):
        if parse_id(id) is None:
            return None
        try:
            session = info.context.call("bookings", "GET", f"/sessions/{parse_id(id)}")
        except BackendError:
            return None
        except BackendUnavailable as exc:
            raise as_graphql_error(exc) from exc
        return remember(info.context, "sessions", [session])[0]

    @staticmethod
    def resolve_my_bookings(root, info, upcoming=True):
        ctx = info.context
        if ctx.identity.person_id is None:
            return []
        items = _call(ctx, "bookings", "GET", "/bookings/mine", params={"upcoming": str(upcoming).lower()})["items"]
        return remember(ctx, "bookings", items)


    @staticmethod
    def resolve_school_bookings(root, info, school_id, upcoming=True):
        ctx = info.context
        if parse_id(school_id) is None or ctx.identity.person_id is None:
            return []
        items = _call(ctx, "bookings", "GET", "/bookings/school",
                      params={"school_id": parse_id(school_id), "upcoming": str(upcoming).lower()})["items"]
        return remember(ctx, "bookings", items)

    @staticmethod
    def resolve_bookings_awaiting_approval(root, info):
        ctx = info.context
        if ctx.identity.person_id is None:
            return []
        return remember(ctx, "bookings", _call(ctx, "bookings", "GET", "/bookings/awaiting-approval")["items"])


class ScheduleSession(graphene.Mutation):
    class Arguments:
        input = SessionInput(required=True)

    Output = SessionPayload

    @staticmethod
    def mutate(root, info, input):
        ctx = info.context
        if not ctx.identity.is_admin:
            return refused("session", "Only Lighthouse Learning admins can schedule sessions.")
        course_id = parse_id(input["course_id"])
        try:
            course = ctx.call("catalogue", "GET", f"/courses/{course_id}") if course_id else None
        except BackendError:
            course = None
        except BackendUnavailable as exc:
            return {"session": None, "user_errors": refusal(exc)}
        if course is None:
            return no_such("session", "courseId", "course")
        if input.get("id") and parse_id(input["id"]) is None:
            return no_such("session", "id", "session")
        body = {k: v for k, v in dict(input).items() if k not in ("id", "course_id", "outside_term_confirmed")}
        body = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in body.items()}
        body.update(course_id=course_id, course_visibility=course["visibility"],
                    course_published=course["status"] == "PUBLISHED", course_title=course["title"],
                    course_subject=course["subject"], course_phases=course["phases"])
        method, path = ("PUT", f"/sessions/{parse_id(input['id'])}") if input.get("id") else ("POST", "/sessions")
        problems = [] if input.get("outside_term_confirmed") else _not_a_school_day(ctx, input["starts_at"])
        if not problems:
            return called(ctx, "session", "bookings", method, path, kind="sessions", json=body)
        # Not saved whatever bookings says; it only checks the rest, so every problem shows at once.
        checking, ctx.check_only = ctx.check_only, True
        try:
            payload = called(ctx, "session", "bookings", method, path, kind="sessions", json=body)
        finally:
            ctx.check_only = checking
        return {"session": None, "user_errors": problems + payload["user_errors"]}


def _not_a_school_day(ctx, starts_at: datetime) -> list[dict]:
    """A userError on startsAt when the academic calendar (networks) has schools
    closed that day: a weekend, a holiday, half term, an INSET day."""
    from shared.clock import LONDON

    day = starts_at.astimezone(LONDON).date()
    try:
        known = ctx.call("networks", "GET", f"/calendar-days/{day.isoformat()}")
    except BackendError:
        return []  # a day the calendar cannot speak of is not ours to refuse
    except BackendUnavailable:
        return [{"field": ["startsAt"], "message": "The academic calendar cannot be checked just now. Try again in "
                                                   "a minute, or confirm that the session should go ahead anyway."}]
    if known["school_day"]:
        return []
    return [{"field": ["startsAt"], "message": f"{day:%A %-d %B %Y} is not a school day (a weekend, holiday, half "
                                               "term or INSET day). Confirm to hold it anyway."}]


class BookSession(graphene.Mutation):
    """Book yourself, or (school leaders) a member of your school's staff."""

    class Arguments:
        session_id = graphene.ID(required=True)
        attendee_id = graphene.ID()
        idempotency_key = graphene.String()

    Output = BookingPayload

    @staticmethod
    def mutate(root, info, session_id, attendee_id=None, idempotency_key=None):
        ctx = info.context
        if ctx.person is None:
            return refused("booking", "Sign in to book a place.")
        if parse_id(session_id) is None:
            return no_such("booking", "sessionId", "session")
        body: dict = {"idempotency_key": idempotency_key} if idempotency_key else {}
        if attendee_id is not None and str(attendee_id) != str(ctx.person.id):
            attendee = ctx.db.get(PersonRow, parse_id(attendee_id)) if parse_id(attendee_id) else None
            if attendee is None:
                return no_such("booking", "attendeeId", "person")
            body["attendee"] = {"person_id": attendee.id, "name": attendee.name, "email": attendee.email,
                                "school_id": attendee.school_id}
        school_id = body["attendee"]["school_id"] if "attendee" in body else ctx.person.school_id
        if school_id is not None:
            body["approvers"] = _leaders_of(ctx, school_id)
        body["school_days"] = _school_days_ahead(ctx)
        return called(ctx, "booking", "bookings", "POST", f"/sessions/{parse_id(session_id)}/bookings", kind="bookings",
                      json=body)


_LEADERS: TTLCache = TTLCache(maxsize=1024, ttl=60)


@cached(_LEADERS, key=lambda ctx, school_id: school_id, lock=threading.Lock())
def _leaders_of(ctx, school_id: int) -> list[str]:
    """Who approves for a school: its school leaders, told when a booking needs cover.
    Asked on every booking, so kept for a minute: a newly granted leader is missed by
    at most a minute's bookings, and the three-day reminder goes to whoever it was."""
    from gateway.identity.models import Role, RoleGrant

    rows = ctx.db.exec(select(PersonRow.email).join(RoleGrant, RoleGrant.person_id == PersonRow.id)
                       .where(RoleGrant.role == Role.SCHOOL_LEADER, RoleGrant.school_id == school_id)
                       .order_by(PersonRow.id).limit(10)).all()
    return list(rows)


_SCHOOL_DAYS: TTLCache = TTLCache(maxsize=2, ttl=300)


def _school_days_ahead(ctx) -> list[str]:
    """The trust's school days in the next ten weeks, from the networks service's
    academic calendar, for the bookings service to time approval reminders by (a
    Christmas holiday is not three days of a head ignoring a request)."""
    from shared.clock import LONDON, utcnow

    return _school_days_from(ctx, utcnow().astimezone(LONDON).date())


@cached(_SCHOOL_DAYS, key=lambda ctx, today: today, lock=threading.Lock())
def _school_days_from(ctx, today) -> list[str]:
    """Asked at most every five minutes; while networks cannot answer, none are sent
    and bookings counts weekdays."""
    try:
        return ctx.call("networks", "GET", "/school-days",
                        params={"from": today.isoformat(), "to": (today + timedelta(days=70)).isoformat()})["days"]
    except (BackendError, BackendUnavailable):
        return []


def forget_cached_calendar() -> None:
    """After the academic calendar changes here, or between tests."""
    _SCHOOL_DAYS.clear()


def forget_cached_leaders() -> None:
    """After a role change here, or between tests."""
    _LEADERS.clear()


def _booking_action(action: str):
    class Action(graphene.Mutation):
        class Arguments:
            booking_id = graphene.ID(required=True)

        Output = BookingPayload

        @staticmethod
        def mutate(root, info, booking_id):
            if parse_id(booking_id) is None:
                return no_such("booking", "bookingId", "booking")
            # accepting an offer may start a wait for approval, timed like a booking's
            body = {"school_days": _school_days_ahead(info.context)} if action == "accept" else None
            return called(info.context, "booking", "bookings", "POST", f"/bookings/{parse_id(booking_id)}/{action}",
                          kind="bookings", json=body)

    Action.__name__ = {"cancel": "CancelBooking", "accept": "AcceptWaitingListOffer"}[action]
    return Action


CancelBooking = _booking_action("cancel")
AcceptWaitingListOffer = _booking_action("accept")


class CancelSession(graphene.Mutation):
    """Admins cancel a session; its attendees are told."""

    class Arguments:
        session_id = graphene.ID(required=True)
        reason = graphene.String(required=True)

    Output = SessionPayload

    @staticmethod
    def mutate(root, info, session_id, reason):
        if parse_id(session_id) is None:
            return no_such("session", "sessionId", "session")
        return called(info.context, "session", "bookings", "POST", f"/sessions/{parse_id(session_id)}/cancel",
                      kind="sessions", json={"reason": reason})


class DecideBooking(graphene.Mutation):
    """A school leader approves or declines a booking that needs cover."""

    class Arguments:
        booking_id = graphene.ID(required=True)
        approve = graphene.Boolean(required=True)
        note = graphene.String()

    Output = BookingPayload

    @staticmethod
    def mutate(root, info, booking_id, approve, note=None):
        if parse_id(booking_id) is None:
            return no_such("booking", "bookingId", "booking")
        return called(info.context, "booking", "bookings", "POST", f"/bookings/{parse_id(booking_id)}/decide",
                      kind="bookings", json={"approve": approve, "note": note})


class RecordAttendance(graphene.Mutation):
    """Admins take the register: the listed bookings attended, the rest did not show."""

    class Arguments:
        session_id = graphene.ID(required=True)
        attended_booking_ids = graphene.List(graphene.NonNull(graphene.ID), required=True)

    Output = SessionPayload

    @staticmethod
    def mutate(root, info, session_id, attended_booking_ids):
        if parse_id(session_id) is None:
            return no_such("session", "sessionId", "session")
        ids = parse_ids(attended_booking_ids)
        if ids is None:
            return refused("session", "Every attendee must be one of the session's bookings.", "attendedBookingIds")
        return called(info.context, "session", "bookings", "POST", f"/sessions/{parse_id(session_id)}/attendance",
                      kind="sessions", json={"attended_booking_ids": ids})


class LeaveFeedback(graphene.Mutation):
    """An attendee rates a session they attended, 1 to 5, with an optional comment."""

    class Arguments:
        booking_id = graphene.ID(required=True)
        rating = graphene.Int(required=True)
        comment = graphene.String()

    Output = BookingPayload

    @staticmethod
    def mutate(root, info, booking_id, rating, comment=None):
        if parse_id(booking_id) is None:
            return no_such("booking", "bookingId", "booking")
        if not 1 <= rating <= 5:
            return refused("booking", "Rate it from 1 to 5.", "rating")
        return called(info.context, "booking", "bookings", "POST", f"/bookings/{parse_id(booking_id)}/feedback",
                      kind="bookings", json={"rating": rating, "comment": comment})


class ResetCalendarFeed(graphene.Mutation):
    """A new private calendar address for the signed-in person; the old one stops
    working at once (for a link shared by mistake)."""

    Output = graphene.String

    @staticmethod
    def mutate(root, info):
        from gateway.identity.service import reset_calendar_token

        ctx = info.context
        if ctx.person is None:
            raise GraphQLError("Sign in to manage your calendar feed.")
        return _public(f"/calendar/{reset_calendar_token(ctx.db, ctx.person)}.ics")


class BookingsMutation(graphene.ObjectType):
    schedule_session = ScheduleSession.Field(required=True)
    book_session = BookSession.Field(required=True)
    cancel_booking = CancelBooking.Field(required=True)
    accept_waiting_list_offer = AcceptWaitingListOffer.Field(required=True)
    decide_booking = DecideBooking.Field(required=True)
    cancel_session = CancelSession.Field(required=True)
    record_attendance = RecordAttendance.Field(required=True)
    leave_feedback = LeaveFeedback.Field(required=True)
    reset_calendar_feed = ResetCalendarFeed.Field(required=True)
