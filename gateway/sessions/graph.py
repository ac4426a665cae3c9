"""Sessions and bookings in the GraphQL API, stored by the bookings service: the
queries (`sessions`, `session`, `myBookings`, `schoolBookings`,
`bookingsAwaitingApproval`) and the mutations on sessions and bookings."""
from __future__ import annotations

from datetime import datetime

import graphene

from gateway.backends import BackendError, BackendUnavailable
from gateway.graph.compose import ref
from gateway.graph.ids import parse_id, parse_ids, parse_slug
from gateway.graph.mutations import Refused, an_id, mutation, mutations, refusal
from gateway.graph.shapes import EMPTY_PAGE, connection, page, page_args, payload
from gateway.identity.models import Person as PersonRow
from gateway.sessions.types import Booking, BookingStatus, Session
from shared.clock import LONDON

SessionConnection = connection(Session)
SessionPayload = payload("Session", session=graphene.Field(Session))
BookingPayload = payload("Booking", booking=graphene.Field(Booking))


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


class SessionsQuery(graphene.ObjectType):
    sessions = graphene.Field(
        SessionConnection, required=True,
        from_=graphene.Argument(graphene.DateTime, name="from"), to=graphene.DateTime(),
        course_slug=graphene.String(), first=graphene.Int(default_value=20), after=graphene.String(),
        subject=graphene.String(), phase=graphene.Argument(ref("Phase")),
    )
    school_bookings = graphene.List(
        graphene.NonNull(Booking), required=True, school_id=graphene.ID(required=True),
        upcoming=graphene.Boolean(default_value=True), person_id=graphene.ID(), subject=graphene.String(),
        status=graphene.Argument(BookingStatus), from_=graphene.Argument(graphene.Date, name="from"),
        to=graphene.Date(), description="A school's bookings, for its leaders and admins (at most 1000, soonest "
                                         "first), narrowed by person, subject, status and UK days (both included).")
    session = graphene.Field(Session, id=graphene.ID(required=True))
    my_bookings = graphene.List(graphene.NonNull(Booking), required=True,
                                upcoming=graphene.Boolean(default_value=True))
    bookings_awaiting_approval = graphene.List(graphene.NonNull(Booking), required=True,
                                               description="For school leaders: their staff's bookings to decide.")

    @staticmethod
    def resolve_sessions(root, info, first=20, after=None, from_=None, to=None, course_slug=None, subject=None,
                         phase=None):
        ctx = info.context
        params = page_args(first, after)
        if subject:
            params["subject"] = subject[:80]
        if phase:
            params["phase"] = getattr(phase, "value", phase)
        if from_:
            params["from"] = from_.isoformat()
        if to:
            params["to"] = to.isoformat()
        if course_slug:
            course = ctx.one("catalogue", f"/courses/by-slug/{course_slug}") if parse_slug(course_slug) else None
            if course is None:
                return EMPTY_PAGE
            params["course_id"] = course["id"]
        answer = ctx.read("bookings", "GET", "/sessions", params=params)
        ctx.remember("session", answer["items"])
        return page(answer)

    @staticmethod
    def resolve_session(root, info, id):
        return info.context.one("bookings", f"/sessions/{parse_id(id)}", remember="session") if parse_id(id) else None

    @staticmethod
    def resolve_my_bookings(root, info, upcoming=True):
        ctx = info.context
        if ctx.identity.person_id is None:
            return []
        items = ctx.read("bookings", "GET", "/bookings/mine", params={"upcoming": str(upcoming).lower()})["items"]
        return ctx.remember("booking", items)

    @staticmethod
    def resolve_school_bookings(root, info, school_id, upcoming=True, person_id=None, subject=None, status=None,
                                from_=None, to=None):
        ctx = info.context
        if parse_id(school_id) is None or ctx.identity.person_id is None:
            return []
        params = {"school_id": parse_id(school_id), "upcoming": str(upcoming).lower()}
        if person_id is not None:
            if parse_id(person_id) is None:
                return []
            params["person_id"] = parse_id(person_id)
        if subject:
            params["subject"] = subject[:80]
        if status:
            params["status"] = getattr(status, "value", status)
        if from_:
            params["from"] = from_.isoformat()
        if to:
            params["to"] = to.isoformat()
        items = ctx.read("bookings", "GET", "/bookings/school", params=params)["items"]
        return ctx.remember("booking", items)

    @staticmethod
    def resolve_bookings_awaiting_approval(root, info):
        ctx = info.context
        if ctx.identity.person_id is None:
            return []
        return ctx.remember("booking", ctx.read("bookings", "GET", "/bookings/awaiting-approval")["items"])


@mutation(SessionPayload, "session", remember="session", input=SessionInput(required=True))
def schedule_session(root, info, input):
    ctx = info.context
    if not ctx.identity.is_admin:
        raise Refused("Only Lighthouse Learning admins can schedule sessions.")
    course_id = parse_id(input["course_id"])
    try:
        course = ctx.call("catalogue", "GET", f"/courses/{course_id}") if course_id else None
    except BackendError:
        course = None
    if course is None:
        raise Refused("There is no such course.", "courseId")
    session_id = an_id(input.get("id"), "id", "session", optional=True)
    body = {k: v for k, v in dict(input).items() if k not in ("id", "course_id", "outside_term_confirmed")}
    body = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in body.items()}
    # bookings takes the course's title, subject and visibility from its own copy of the
    # listing, which the catalogue keeps current (shared.facts)
    body["course_id"] = course_id
    method, path = ("PUT", f"/sessions/{session_id}") if session_id else ("POST", "/sessions")
    problems = [] if input.get("outside_term_confirmed") else _not_a_school_day(ctx, input["starts_at"])
    if not problems:
        return ctx.call("bookings", method, path, json=body)
    # Not saved whatever bookings says; it only checks the rest, so every problem shows at once.
    with ctx.only_checking():
        try:
            ctx.call("bookings", method, path, json=body)
        except (BackendError, BackendUnavailable) as exc:
            problems += refusal(exc)
    raise Refused(problems=problems)


def _not_a_school_day(ctx, starts_at: datetime) -> list[dict]:
    """A userError on startsAt when the academic calendar (networks) has schools
    closed that day: a weekend, a holiday, half term, an INSET day."""
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


@mutation(BookingPayload, "booking", remember="booking", session_id=graphene.ID(required=True),
          attendee_id=graphene.ID(), idempotency_key=graphene.String())
def book_session(root, info, session_id, attendee_id=None, idempotency_key=None):
    """Book yourself, or (school leaders) a member of your school's staff."""
    ctx = info.context
    if ctx.person is None:
        raise Refused("Sign in to book a place.")
    session_id = an_id(session_id, "sessionId", "session")
    body: dict = {"idempotency_key": idempotency_key} if idempotency_key else {}
    if attendee_id is not None and str(attendee_id) != str(ctx.person.id):
        attendee = ctx.db.get(PersonRow, parse_id(attendee_id)) if parse_id(attendee_id) else None
        if attendee is None:
            raise Refused("There is no such person.", "attendeeId")
        body["attendee"] = {"person_id": attendee.id, "name": attendee.name, "email": attendee.email,
                            "school_id": attendee.school_id}
    return ctx.call("bookings", "POST", f"/sessions/{session_id}/bookings", json=body)


def _booking(booking_id, then: str) -> str:
    return f"/bookings/{an_id(booking_id, 'bookingId', 'booking')}/{then}"


def _session(session_id, then: str) -> str:
    return f"/sessions/{an_id(session_id, 'sessionId', 'session')}/{then}"


@mutation(BookingPayload, "booking", remember="booking", booking_id=graphene.ID(required=True))
def cancel_booking(root, info, booking_id):
    return info.context.call("bookings", "POST", _booking(booking_id, "cancel"))


@mutation(BookingPayload, "booking", remember="booking", booking_id=graphene.ID(required=True))
def accept_waiting_list_offer(root, info, booking_id):
    return info.context.call("bookings", "POST", _booking(booking_id, "accept"))


@mutation(BookingPayload, "booking", remember="booking", booking_id=graphene.ID(required=True),
          approve=graphene.Boolean(required=True), note=graphene.String())
def decide_booking(root, info, booking_id, approve, note=None):
    """A school leader approves or declines a booking that needs cover."""
    return info.context.call("bookings", "POST", _booking(booking_id, "decide"),
                             json={"approve": approve, "note": note})


@mutation(SessionPayload, "session", remember="session", session_id=graphene.ID(required=True),
          reason=graphene.String(required=True))
def cancel_session(root, info, session_id, reason):
    """Admins cancel a session; its attendees are told."""
    return info.context.call("bookings", "POST", _session(session_id, "cancel"), json={"reason": reason})


@mutation(SessionPayload, "session", remember="session", session_id=graphene.ID(required=True),
          attended_booking_ids=graphene.List(graphene.NonNull(graphene.ID), required=True))
def record_attendance(root, info, session_id, attended_booking_ids):
    """Admins take the register: the listed bookings attended, the rest did not show."""
    path = _session(session_id, "attendance")
    ids = parse_ids(attended_booking_ids)
    if ids is None:
        raise Refused("Every attendee must be one of the session's bookings.", "attendedBookingIds")
    return info.context.call("bookings", "POST", path, json={"attended_booking_ids": ids})


@mutation(BookingPayload, "booking", remember="booking", booking_id=graphene.ID(required=True),
          rating=graphene.Int(required=True), comment=graphene.String())
def leave_feedback(root, info, booking_id, rating, comment=None):
    """An attendee rates a session they attended, 1 to 5, with an optional comment."""
    path = _booking(booking_id, "feedback")
    if not 1 <= rating <= 5:
        raise Refused("Rate it from 1 to 5.", "rating")
    return info.context.call("bookings", "POST", path, json={"rating": rating, "comment": comment})


SessionsMutation = mutations("SessionsMutation", schedule_session, book_session, cancel_booking,
                             accept_waiting_list_offer, decide_booking, cancel_session, record_attendance,
                             leave_feedback)
