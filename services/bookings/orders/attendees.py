"""The bookings an order's attendees hold.

A place bought by another school is a Booking like a trust person's, so it is on the
session's register, gets its certificate, its calendar invitation and its reminders.
It has no person (the attendee has no account): it hangs off its `OrderAttendee`, and
the order alone moves it.  Its place is counted in the session's `external_taken`,
which the order took; a booking never takes or gives back a place itself.

`align(db, identity, order)` makes each attendee's booking say what the order says,
and is called at the end of every change to an order, in its transaction:

- the order awaiting card payment: HELD (the attendee is not told yet);
- invoiced, paid or partly refunded: CONFIRMED (the attendee gets the invitation);
- the attendee cancelled, or the order lapsed, cancelled or refunded: CANCELLED (an
  attendee who had been invited is sent the calendar cancellation);
- a register already taken (ATTENDED, NO_SHOW) or the session cancelled: left as it is;
- refunded in full: left as it is too.  An admin's refund gives money back, never a
  place (places go by cancelling them), so a place kept stays CONFIRMED, and one the
  order had already lost (a lapse, a cancellation) stays CANCELLED.

Deciding from the state rather than from which change happened means a change made
twice, or a payment that lands after its hold lapsed, ends in the same bookings.
"""
from __future__ import annotations

from types import SimpleNamespace

from sqlmodel import Session, select

from services.bookings import messages
from services.bookings.audit import booking_state, log_booking, log_booking_change
from services.bookings.bookings.models import Booking
from services.bookings.orders.models import Order, OrderAttendee, OrderLine
from services.bookings.sessions.models import CourseSession
from shared.audit import created
from shared.clock import utcnow
from shared.tokens import Identity
from shared.vocabulary import BookingStatus, OrderStatus, SessionStatus

_WANTED = {
    OrderStatus.AWAITING_PAYMENT: BookingStatus.HELD,
    OrderStatus.INVOICED: BookingStatus.CONFIRMED,
    OrderStatus.PAID: BookingStatus.CONFIRMED,
    OrderStatus.PARTIALLY_REFUNDED: BookingStatus.CONFIRMED,
}
# What the register decided stays decided, whatever later happens to the order's money.
_SETTLED = (BookingStatus.ATTENDED, BookingStatus.NO_SHOW)


def _wanted(order: Order, attendee: OrderAttendee) -> BookingStatus | None:
    if attendee.cancelled_at is not None:
        return BookingStatus.CANCELLED
    if order.status == OrderStatus.REFUNDED:
        return None
    return _WANTED.get(order.status, BookingStatus.CANCELLED)


def align(db: Session, identity: Identity | None, order: Order) -> None:
    """Make the order's attendees' bookings match the order (see the module's note)."""
    rows = db.exec(select(OrderAttendee, OrderLine, Booking, CourseSession)
                   .join(OrderLine, OrderLine.id == OrderAttendee.line_id)
                   .join(CourseSession, CourseSession.id == OrderLine.session_id)
                   .outerjoin(Booking, Booking.order_attendee_id == OrderAttendee.id)
                   .where(OrderLine.order_id == order.id).order_by(OrderAttendee.id)).all()
    now = utcnow()
    for attendee, line, booking, session in rows:
        wanted = _wanted(order, attendee)
        if booking is None:
            if wanted in (None, BookingStatus.CANCELLED):
                continue  # never held a place worth a booking
            booking = Booking(session_id=line.session_id, order_attendee_id=attendee.id, attendee_name=attendee.name,
                              attendee_email=attendee.email, booked_by_id=order.created_by_id, status=wanted,
                              created_at=now, updated_at=now)
            db.add(booking)
            db.flush()
            log_booking(db, identity, "booking.made", booking, created(booking_state(booking)))
            _tell(db, session, booking, was=None)
            continue
        if wanted is None or booking.status == wanted or booking.status in _SETTLED or session.status != SessionStatus.SCHEDULED:
            continue
        was, before = booking.status, booking_state(booking)
        booking.status, booking.updated_at = wanted, now
        db.add(booking)
        db.flush()
        log_booking_change(db, identity, "booking.cancelled" if wanted == BookingStatus.CANCELLED
                           else "booking.confirmed", booking, before)
        _tell(db, session, booking, was=was)


def _tell(db: Session, session: CourseSession, booking: Booking, was: BookingStatus | None) -> None:
    # The attendee hears of their place once it is theirs (paid for or invoiced), and of
    # its end only if they had heard of it: a card order's held places are the booker's
    # business until Stripe says the money came.
    if booking.status == BookingStatus.CONFIRMED or (booking.status == BookingStatus.CANCELLED
                                                     and was == BookingStatus.CONFIRMED):
        messages.booking_changed(db, session, booking)


def substitute(db: Session, identity: Identity, attendee: OrderAttendee, session: CourseSession) -> None:
    """The attendee's place has a new name and email (already on `attendee`): the booking
    follows, the old attendee's calendar entry is cancelled and the new one invited (if
    the place was confirmed; a held place's invitation waits for the payment)."""
    booking = db.exec(select(Booking).where(Booking.order_attendee_id == attendee.id)).first()
    if booking is None:
        return
    if booking.status == BookingStatus.CONFIRMED:
        # the place as the old attendee knew it, ended (a stand-in, never stored)
        leaving = SimpleNamespace(id=booking.id, attendee_name=booking.attendee_name, decision_note=None,
                                  attendee_email=booking.attendee_email, status=BookingStatus.CANCELLED)
        messages.booking_changed(db, session, leaving)
    booking.attendee_name, booking.attendee_email, booking.updated_at = attendee.name, attendee.email, utcnow()
    db.add(booking)
    db.flush()
    if booking.status == BookingStatus.CONFIRMED:
        messages.booking_changed(db, session, booking)


def bookings_of(db: Session, attendee_ids: list[int]) -> dict[int, Booking]:
    """The booking each of these attendees holds (by attendee id), in one query."""
    if not attendee_ids:
        return {}
    return {b.order_attendee_id: b for b in db.exec(select(Booking).where(
        Booking.order_attendee_id.in_(attendee_ids))).all()}
