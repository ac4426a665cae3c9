"""HTTP for sessions and bookings: thin — parse, call the domain operation, shape."""
from __future__ import annotations

from flask import Response
from flask_openapi3 import APIBlueprint, Tag

from services.bookings import messages
from services.bookings.sessions import attendance, service
from services.bookings.sessions.models import Booking, CourseSession
from services.bookings.sessions.schemas import (
    Commitments,
    CommitmentsIn,
    AcceptIn,
    AttendanceIn,
    CourseFeedback,
    CpdRecordOut,
    FeedbackIn,
    RecordQuery,
    SchoolBookingsQuery,
    BookingIdPath,
    BookingIn,
    BookingList,
    CancelSessionIn,
    CourseIdPath,
    CourseListingIn,
    DecisionIn,
    ListingResult,
    BookingOut,
    MyBookingsQuery,
    SessionIdPath,
    SessionIn,
    SessionOut,
    SessionPage,
    SessionQuery,
)
from shared import calendars
from shared.db import begin_write, request_session
from shared.errors import Conflict
from shared.paging import decode_cursor, page_of
from shared.web import SECURITY, current_identity

bp = APIBlueprint("sessions", __name__, abp_tags=[Tag(name="sessions")], abp_security=SECURITY)


def sessions_out(db, rows: list[CourseSession]) -> list[dict]:
    """Sessions as the caller may see them: the online link only for people with a
    confirmed place (and admins).  Two queries for the whole list."""
    ids = [r.id for r in rows]
    waiting = service.waiting_list_lengths(db, ids)
    identity = current_identity()
    attending = set(ids) if identity.is_admin else service.attending(db, identity, ids)
    return [session_out(r, waiting.get(r.id, 0), r.id in attending) for r in rows]


def session_out(row: CourseSession, waiting: int, show_link: bool) -> dict:
    return SessionOut(
        **{k: getattr(row, k) for k in ("id", "course_id", "course_title", "course_subject", "course_visibility",
                                         "course_published", "starts_at", "ends_at", "venue", "online_url",
                                         "capacity", "external_places", "requires_approval", "booking_closes_at",
                                         "cancellation_deadline", "status", "sequence")},
        course_phases=[p for p in (row.course_phases or "").split(",") if p],
        places_left=row.trust_places - row.trust_taken, waiting_list_length=waiting,
    ).model_dump(mode="json") | ({} if show_link else {"online_url": None})


def booking_out(db, booking: Booking) -> dict:
    return BookingOut(
        **{k: getattr(booking, k) for k in ("id", "session_id", "person_id", "attendee_name", "school_id", "status",
                                             "offer_expires_at", "decision_note", "feedback_rating",
                                             "feedback_comment", "created_at")},
        waiting_list_position=service.waiting_list_position(db, booking),
    ).model_dump(mode="json")


@bp.get("/sessions", responses={200: SessionPage})
def list_sessions(query: SessionQuery):
    """Sessions by start time; `ids` for a batch read."""
    db = request_session()
    offset = 0 if query.ids else decode_cursor(query.after)
    rows, total = service.list_sessions(db, current_identity(), query, offset)
    return page_of(sessions_out(db, rows), total, offset)


@bp.get("/sessions/<int:session_id>", responses={200: SessionOut})
def get_session(path: SessionIdPath):
    db = request_session()
    return sessions_out(db, [service.get_session(db, path.session_id, current_identity())])[0]


@bp.post("/sessions", responses={201: SessionOut})
def create_session(body: SessionIn):
    """Admins only."""
    db = request_session()
    return sessions_out(db, [service.schedule_session(db, current_identity(), body)])[0], 201


@bp.put("/sessions/<int:session_id>", responses={200: SessionOut})
def update_session(path: SessionIdPath, body: SessionIn):
    """Admins only; capacity never below the places taken."""
    db = request_session()
    begin_write(db)
    return sessions_out(db, [service.schedule_session(db, current_identity(), body, path.session_id)])[0]


@bp.post("/sessions/<int:session_id>/cancel", responses={200: SessionOut})
def cancel_session(path: SessionIdPath, body: CancelSessionIn):
    """Admins only: cancels every booking on it and tells each attendee."""
    db = request_session()
    begin_write(db)
    return sessions_out(db, [service.cancel_session(db, current_identity(), path.session_id, body.reason)])[0]


@bp.put("/courses/<int:course_id>/listing", responses={200: ListingResult})
def set_course_listing(path: CourseIdPath, body: CourseListingIn):
    """Admins (the gateway, after saving a course): the course's visibility and
    whether it is published, copied onto its sessions."""
    db = request_session()
    begin_write(db)
    count = service.set_course_listing(db, current_identity(), path.course_id, body.visibility, body.published,
                                       body.title, body.subject, body.phases)
    return {"sessions": count}


@bp.post("/sessions/<int:session_id>/bookings", responses={200: BookingOut, 201: BookingOut})
def book(path: SessionIdPath, body: BookingIn):
    """Book a place, or join the waiting list when full.  201 for a new booking, 200
    when the person already had one (or the idempotency key was seen before)."""
    db = request_session()
    begin_write(db)
    identity = current_identity()
    if body.attendee is None:
        if identity.person_id is None:
            raise Conflict("Sign in to book a place.")
        attendee = service.Attendee(identity.person_id, identity.name, identity.email or "", identity.school_id)
    else:
        a = body.attendee
        attendee = service.Attendee(a.person_id, a.name, str(a.email), a.school_id)
    booking, created = service.book(db, identity, path.session_id, attendee, body.idempotency_key, body.approvers,
                                    body.school_days)
    answer = booking_out(db, booking)
    # Commit before the response is serialised: the session's row lock is held until
    # commit, and every other booking of the session waits for it.
    db.commit()
    return answer, 201 if created else 200


@bp.get("/bookings/mine", responses={200: BookingList})
def my_bookings(query: MyBookingsQuery):
    """The caller's bookings; with `session_ids`, their live booking on each (batch)."""
    db = request_session()
    ids = [int(i) for i in query.session_ids.split(",")] if query.session_ids else None
    return {"items": [booking_out(db, b) for b in service.my_bookings(db, current_identity(), ids, query.upcoming)]}


@bp.get("/bookings/awaiting-approval", responses={200: BookingList})
def awaiting_approval():
    """For school leaders: their staff's bookings that need a decision."""
    db = request_session()
    return {"items": [booking_out(db, b) for b in service.awaiting_approval(db, current_identity())]}


@bp.post("/bookings/<int:booking_id>/decide", responses={200: BookingOut})
def decide(path: BookingIdPath, body: DecisionIn):
    db = request_session()
    begin_write(db)
    return booking_out(db, service.decide(db, current_identity(), path.booking_id, body.approve, body.note))


@bp.get("/bookings/<int:booking_id>", responses={200: BookingOut})
def get_booking(path: BookingIdPath):
    db = request_session()
    return booking_out(db, service.get_booking(db, current_identity(), path.booking_id))


@bp.post("/bookings/<int:booking_id>/accept", responses={200: BookingOut})
def accept_offer(path: BookingIdPath, body: AcceptIn):
    """Take up a waiting-list offer."""
    db = request_session()
    begin_write(db)
    return booking_out(db, service.accept_offer(db, current_identity(), path.booking_id, body.school_days))


@bp.post("/bookings/<int:booking_id>/cancel", responses={200: BookingOut})
def cancel_booking(path: BookingIdPath):
    db = request_session()
    begin_write(db)
    return booking_out(db, service.cancel_booking(db, current_identity(), path.booking_id))


@bp.get("/sessions/<int:session_id>/bookings", responses={200: BookingList})
def session_bookings(path: SessionIdPath):
    """Admins: everyone booked; school leaders: their own school's staff; anyone
    else: an empty list."""
    db = request_session()
    return {"items": [booking_out(db, b) for b in service.session_bookings(db, current_identity(), [path.session_id])]}


@bp.get("/bookings/by-session", responses={200: BookingList})
def bookings_by_session(query: MyBookingsQuery):
    """`session_ids`: the bookings on each of these sessions the caller may see (a
    batch read of the above)."""
    db = request_session()
    ids = [int(i) for i in (query.session_ids or "").split(",") if i]
    return {"items": [booking_out(db, b) for b in service.session_bookings(db, current_identity(), ids)]}


@bp.post("/sessions/<int:session_id>/attendance", responses={200: SessionOut})
def take_register(path: SessionIdPath, body: AttendanceIn):
    """Admins: the listed bookings attended, the other places did not show."""
    db = request_session()
    begin_write(db)
    session = attendance.take_register(db, current_identity(), path.session_id, body.attended_booking_ids)
    return sessions_out(db, [session])[0]


@bp.get("/sessions/<int:session_id>/calendar")
def session_calendar(path: SessionIdPath):
    """The session as an .ics file (text/calendar)."""
    db = request_session()
    session = service.get_session(db, path.session_id, current_identity())
    return calendars.download(calendars.calendar([messages.event(session)], "PUBLISH"), f"session-{session.id}")


@bp.get("/bookings/school", responses={200: BookingList})
def school_bookings(query: SchoolBookingsQuery):
    """A school's bookings, for its leaders and admins; empty for anyone else."""
    db = request_session()
    rows = service.school_bookings(db, current_identity(), query.school_id, query.upcoming)
    return {"items": [booking_out(db, b) for b in rows]}


@bp.get("/bookings/mine/calendar")
def my_calendar():
    """The caller's places as one calendar (text/calendar), for a subscribed feed:
    each as it stands for them, so a place that ends leaves it at the next refresh."""
    db = request_session()
    rows = service.calendar_bookings(db, current_identity())
    events = [messages.event(s, b) for b, s in rows]
    return calendars.download(calendars.calendar(events, "PUBLISH", "Lighthouse Learning CPD"), "my-cpd")


@bp.get("/bookings/<int:booking_id>/calendar")
def booking_calendar(path: BookingIdPath):
    """A booking's session as an .ics file, as it stands for its person; an ended
    booking cancels the event."""
    db = request_session()
    booking = service.get_booking(db, current_identity(), path.booking_id)
    session = service.get_session(db, booking.session_id)
    event = messages.event(session, booking)
    method = "CANCEL" if event["STATUS"] == "CANCELLED" else "PUBLISH"
    return calendars.download(calendars.calendar([event], method), f"booking-{booking.id}")


@bp.get("/bookings/<int:booking_id>/certificate")
def certificate(path: BookingIdPath):
    """The PDF certificate of attendance of an attended booking."""
    db = request_session()
    name, pdf = attendance.certificate(db, current_identity(), path.booking_id)
    return Response(pdf, mimetype="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'})


@bp.post("/bookings/<int:booking_id>/feedback", responses={200: BookingOut})
def leave_feedback(path: BookingIdPath, body: FeedbackIn):
    """The attendee's rating (1–5) and comment, after the register marks them attended."""
    db = request_session()
    begin_write(db)
    booking = attendance.leave_feedback(db, current_identity(), path.booking_id, body.rating, body.comment)
    return booking_out(db, booking)


@bp.get("/courses/<int:course_id>/feedback", responses={200: CourseFeedback})
def course_feedback(path: CourseIdPath):
    """Admins: the average rating of a course and its latest comments."""
    db = request_session()
    return CourseFeedback(**attendance.course_feedback(db, current_identity(), path.course_id)).model_dump(mode="json")


@bp.get("/cpd-record", responses={200: CpdRecordOut})
def cpd_record(query: RecordQuery):
    """A person's attended CPD in one academic year, with minutes per session."""
    db = request_session()
    record = attendance.cpd_record(db, current_identity(), query.person_id, query.academic_year)
    return CpdRecordOut(**record).model_dump(mode="json")


@bp.post("/bookings/commitments", responses={200: Commitments})
def commitments(body: CommitmentsIn):
    """Network leads and admins: when these people are booked on trust CPD in a span
    (a read, sent as POST because the list of people can be long)."""
    rows = service.commitments(request_session(), current_identity(), body.person_ids, body.starts_from,
                               body.starts_to)
    from shared.clock import as_utc

    return {"items": [{"person_id": p, "starts_at": as_utc(s).isoformat(), "ends_at": as_utc(e).isoformat(),
                       "title": t} for p, s, e, t in rows]}
