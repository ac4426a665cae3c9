"""HTTP for sessions and bookings: thin — parse, call the domain operation, shape."""
from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag

from services.bookings.sessions import service
from services.bookings.sessions.models import Booking, CourseSession
from services.bookings.sessions.schemas import (
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
        **{k: getattr(row, k) for k in ("id", "course_id", "starts_at", "ends_at", "venue", "online_url", "capacity",
                                         "external_places", "requires_approval", "booking_closes_at",
                                         "cancellation_deadline", "status", "sequence")},
        places_left=row.trust_places - row.trust_taken, waiting_list_length=waiting,
    ).model_dump(mode="json") | ({} if show_link else {"online_url": None})


def booking_out(db, booking: Booking) -> dict:
    return BookingOut(
        **{k: getattr(booking, k) for k in ("id", "session_id", "person_id", "attendee_name", "school_id", "status",
                                             "offer_expires_at", "decision_note", "created_at")},
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
                                       body.title)
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
    booking, created = service.book(db, identity, path.session_id, attendee, body.idempotency_key)
    return booking_out(db, booking), 201 if created else 200


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
def accept_offer(path: BookingIdPath):
    """Take up a waiting-list offer."""
    db = request_session()
    begin_write(db)
    return booking_out(db, service.accept_offer(db, current_identity(), path.booking_id))


@bp.post("/bookings/<int:booking_id>/cancel", responses={200: BookingOut})
def cancel_booking(path: BookingIdPath):
    db = request_session()
    begin_write(db)
    return booking_out(db, service.cancel_booking(db, current_identity(), path.booking_id))
