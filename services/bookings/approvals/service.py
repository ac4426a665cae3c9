"""Approvals: on a session that needs cover, a booking holds its place while the
attendee's school leaders decide; approving confirms the place, declining passes it
to the next person waiting."""
from __future__ import annotations

from sqlmodel import Session, select

from services.bookings import messages
from services.bookings.access import get_booking, get_session, oversees, overseen
from services.bookings.audit import booking_state, log_booking_change
from services.bookings.bookings.models import Booking
from services.bookings.sessions.models import CourseSession
from services.bookings.sessions.places import session_for_update
from services.bookings.waiting_list.service import release
from shared.clock import utcnow
from shared.errors import Conflict, Forbidden
from shared.tokens import Identity
from shared.vocabulary import BookingStatus


def awaiting_approval(db: Session, identity: Identity) -> list[Booking]:
    """Bookings waiting for this school leader's decision (admins: every school's),
    soonest session first."""
    stmt = (select(Booking).join(CourseSession, CourseSession.id == Booking.session_id)
            .where(Booking.status == BookingStatus.PENDING_APPROVAL).order_by(CourseSession.starts_at, Booking.id))
    stmt = overseen(identity, stmt)
    return [] if stmt is None else list(db.exec(stmt).all())


def decide(db: Session, identity: Identity, booking_id: int, approve: bool, note: str | None) -> Booking:
    """The attendee's school leader approves (the held place is confirmed) or declines
    (the place goes to the next person waiting)."""
    booking = get_booking(db, identity, booking_id)
    if not oversees(identity, booking.school_id):
        raise Forbidden("Only the attendee's school leader can decide on this booking.")
    if booking.status != BookingStatus.PENDING_APPROVAL:
        raise Conflict("This booking is not waiting for a decision.")
    session_for_update(db, booking.session_id)
    before = booking_state(booking)
    booking.decided_by_id = identity.person_id
    booking.decided_at = utcnow()
    booking.decision_note = note or None
    if approve:
        booking.status = BookingStatus.CONFIRMED
        booking.updated_at = utcnow()
        db.flush()
        log_booking_change(db, identity, "booking.approved", booking, before)
        messages.booking_changed(db, get_session(db, booking.session_id), booking)
    else:
        release(db, booking, BookingStatus.DECLINED, identity, "booking.declined", before)
    db.flush()
    return booking
