"""HTTP for bookings: thin — parse, call the domain operation, shape."""
from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag
from sqlmodel import select

from services.bookings import access, messages
from services.bookings.bookings import service
from services.bookings.bookings.models import Booking
from services.bookings.bookings.schemas import (
    BookingIdPath,
    BookingIn,
    BookingList,
    BookingOut,
    Commitments,
    CommitmentsIn,
    MyBookingsQuery,
    SchoolBookingsQuery,
)
from services.bookings.sessions.schemas import SessionIdPath
from services.bookings.waiting_list.service import waiting_list_position, waiting_list_positions
from shared import calendars
from shared.clock import as_utc
from shared.db import begin_write, request_session
from shared.errors import Conflict
from shared.web import SECURITY, current_identity

bp = APIBlueprint("bookings", __name__, abp_tags=[Tag(name="bookings")], abp_security=SECURITY)


def booking_out(db, booking: Booking, order_ids: dict[int, int] | None = None) -> dict:
    if order_ids is None:
        order_ids = orders_of(db, [booking])
    return BookingOut(
        **{k: getattr(booking, k) for k in ("id", "session_id", "person_id", "attendee_name", "school_id", "status",
                                             "offer_expires_at", "decision_note", "feedback_rating",
                                             "feedback_comment", "created_at")},
        order_id=order_ids.get(booking.order_attendee_id),
        waiting_list_position=waiting_list_position(db, booking),
    ).model_dump(mode="json")


def bookings_out(db, rows: list[Booking]) -> list[dict]:
    """A list of bookings: the places in the queue of those that wait, and the orders
    of those another school bought, in one query each for the lot, not one per booking."""
    waiting_list_positions(db, rows)
    order_ids = orders_of(db, rows)
    return [booking_out(db, b, order_ids) for b in rows]


def orders_of(db, rows: list[Booking]) -> dict[int, int]:
    """The order of each bought place among `rows`, by its attendee id (no query when
    none was bought)."""
    from services.bookings.orders.models import OrderAttendee, OrderLine

    ids = [b.order_attendee_id for b in rows if b.order_attendee_id is not None]
    if not ids:
        return {}
    return dict(db.exec(select(OrderAttendee.id, OrderLine.order_id)
                        .join(OrderLine, OrderLine.id == OrderAttendee.line_id)
                        .where(OrderAttendee.id.in_(ids))).all())


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
    return {"items": bookings_out(db, service.my_bookings(db, current_identity(), ids, query.upcoming))}


@bp.get("/bookings/<int:booking_id>", responses={200: BookingOut})
def get_booking(path: BookingIdPath):
    db = request_session()
    return booking_out(db, access.get_booking(db, current_identity(), path.booking_id))


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
    return {"items": bookings_out(db, service.session_bookings(db, current_identity(), [path.session_id]))}


@bp.get("/bookings/by-session", responses={200: BookingList})
def bookings_by_session(query: MyBookingsQuery):
    """`session_ids`: the bookings on each of these sessions the caller may see (a
    batch read of the above)."""
    db = request_session()
    ids = [int(i) for i in (query.session_ids or "").split(",") if i]
    return {"items": bookings_out(db, service.session_bookings(db, current_identity(), ids))}


@bp.get("/bookings/school", responses={200: BookingList})
def school_bookings(query: SchoolBookingsQuery):
    """A school's bookings, for its leaders and admins, narrowed by person, subject, status
    and UK days; empty for anyone else."""
    db = request_session()
    narrow = service.SchoolFilter(query.person_id, query.subject, query.status, query.starts_from, query.starts_to)
    rows = service.school_bookings(db, current_identity(), query.school_id, query.upcoming, narrow)
    return {"items": bookings_out(db, rows)}


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
    booking = access.get_booking(db, current_identity(), path.booking_id)
    session = access.get_session(db, booking.session_id)
    event = messages.event(session, booking)
    method = "CANCEL" if event["STATUS"] == "CANCELLED" else "PUBLISH"
    return calendars.download(calendars.calendar([event], method), f"booking-{booking.id}")


@bp.post("/bookings/commitments", responses={200: Commitments})
def commitments(body: CommitmentsIn):
    """Network leads and admins: when these people are booked on trust CPD in a span
    (a read, sent as POST because the list of people can be long)."""
    rows = service.commitments(request_session(), current_identity(), body.person_ids, body.starts_from,
                               body.starts_to)
    return {"items": [{"person_id": p, "starts_at": as_utc(s).isoformat(), "ends_at": as_utc(e).isoformat(),
                       "title": t} for p, s, e, t in rows]}
