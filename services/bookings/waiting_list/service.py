"""The waiting list of a full session: people queue in the order they asked (queue
order is booking id order), a place that comes free is offered to the first of them for
a while, and an offer not taken up in time passes to the next."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, func, select

from services.bookings import messages
from services.bookings.access import get_booking, get_session
from services.bookings.audit import booking_state, log_booking_change
from services.bookings.bookings.models import HOLDS_PLACE, Booking
from services.bookings.reminders import approval_remind_at
from services.bookings.sessions.places import give_back_place, take_trust_place
from shared.clock import as_utc, utcnow
from shared.errors import Conflict
from shared.tokens import Identity
from shared.vocabulary import BookingStatus

_BOOKINGS = Booking.__table__
# Built once: asked of every booking that joins the queue in a rush.
_WAITING_AHEAD = (sa.select(sa.func.count()).select_from(_BOOKINGS)
                  .where(_BOOKINGS.c.session_id == sa.bindparam("session_id"),
                         _BOOKINGS.c.status == BookingStatus.WAITLISTED,
                         _BOOKINGS.c.id < sa.bindparam("booking_id")))
_POSITIONS = "waiting_positions"


def waiting_list_lengths(db: Session, session_ids: list[int]) -> dict[int, int]:
    """How many wait on each session, in one query for a whole page."""
    if not session_ids:
        return {}
    rows = db.exec(select(Booking.session_id, func.count()).where(
        Booking.session_id.in_(session_ids), Booking.status == BookingStatus.WAITLISTED).group_by(Booking.session_id))
    return dict(rows.all())


def waiting_list_position(db: Session, booking: Booking) -> int | None:
    """Where a waiting booking stands in its queue (1 is next); None for any other."""
    if booking.status != BookingStatus.WAITLISTED:
        return None
    # Asked twice in one request (the message, the answer): counted once.
    known = db.info.setdefault(_POSITIONS, {})
    if (booking.id, booking.updated_at) not in known:
        # Queue order is id order: ids are handed out under the session's lock (see book).
        ahead = db.execute(_WAITING_AHEAD, {"session_id": booking.session_id, "booking_id": booking.id}).scalar_one()
        known[(booking.id, booking.updated_at)] = ahead + 1
    return known[(booking.id, booking.updated_at)]


def waiting_list_positions(db: Session, bookings: Sequence[Booking]) -> None:
    """Where each waiting booking of a list stands in its queue, in one query for the
    whole list, so that waiting_list_position answers each without asking again."""
    known = db.info.setdefault(_POSITIONS, {})
    waiting = {b.id: b for b in bookings
               if b.status == BookingStatus.WAITLISTED and (b.id, b.updated_at) not in known}
    if not waiting:
        return
    ahead = _BOOKINGS.alias("ahead")
    rows = db.execute(sa.select(_BOOKINGS.c.id, sa.select(sa.func.count()).select_from(ahead).where(
        ahead.c.session_id == _BOOKINGS.c.session_id, ahead.c.status == BookingStatus.WAITLISTED,
        ahead.c.id < _BOOKINGS.c.id).scalar_subquery()).where(_BOOKINGS.c.id.in_(list(waiting))))
    for booking_id, count in rows:
        known[(booking_id, waiting[booking_id].updated_at)] = count + 1


def release(db: Session, booking: Booking, new_status: BookingStatus, identity: Identity | None, action: str,
            before: dict | None = None) -> None:
    """End a booking and tell its person; a place it held goes to the first person waiting.
    Audited as `action` by `identity` (None: the system), from `before` (booking_state;
    as it stands now when not given), ahead of any offer it leads to."""
    held = booking.status in HOLDS_PLACE
    before = before or booking_state(booking)
    booking.status = new_status
    booking.updated_at = utcnow()
    booking.offer_expires_at = None
    db.flush()
    log_booking_change(db, identity, action, booking, before)
    messages.booking_changed(db, get_session(db, booking.session_id), booking)
    if held:
        give_back_place(db, booking.session_id)
        offer_free_places(db, booking.session_id)


def offer_free_places(db: Session, session_id: int, window: timedelta | None = None) -> list[Booking]:
    """Offer each free trust place to the next person waiting, in queue order, for
    `window` (LL_WAITLIST_OFFER_HOURS, 24 by default).  An offer holds its place until
    it is accepted or lapses."""
    if window is None:
        from shared.settings import get_settings

        window = timedelta(hours=get_settings().waitlist_offer_hours)
    offered = []
    while True:
        first = db.exec(select(Booking).where(Booking.session_id == session_id,
                                              Booking.status == BookingStatus.WAITLISTED)
                        .order_by(Booking.id).limit(1)).first()
        if first is None or not take_trust_place(db, session_id):
            return offered
        before = booking_state(first)
        first.status = BookingStatus.OFFERED
        first.offer_expires_at = utcnow() + window
        first.updated_at = utcnow()
        db.flush()
        # The rule's doing, not the person's whose change freed the place: the system's.
        log_booking_change(db, None, "booking.offered", first, before)
        messages.booking_changed(db, get_session(db, session_id), first)
        offered.append(first)


def accept_offer(db: Session, identity: Identity, booking_id: int) -> Booking:
    """Take up a waiting-list offer before it lapses (on a session that needs approval,
    the wait for the school leader starts now, unless the approval came with the
    booking)."""
    booking = get_booking(db, identity, booking_id)
    if booking.status != BookingStatus.OFFERED:
        raise Conflict("There is no open offer on this booking.")
    if as_utc(booking.offer_expires_at) <= utcnow():
        raise Conflict("This offer has lapsed and the place has gone to the next person waiting.")
    session = get_session(db, booking.session_id)
    before = booking_state(booking)
    booking.status = (BookingStatus.PENDING_APPROVAL if session.requires_approval and booking.decided_at is None
                      else BookingStatus.CONFIRMED)
    booking.offer_expires_at = None
    booking.updated_at = utcnow()
    if booking.status == BookingStatus.PENDING_APPROVAL:
        booking.approval_remind_at = approval_remind_at(db, booking.updated_at)
    db.flush()
    log_booking_change(db, identity, "booking.offer_accepted", booking, before)
    messages.booking_changed(db, session, booking)
    return booking


def expire_offers(db: Session) -> int:
    """The scheduler's job: offers past their time lapse and pass on.  Idempotent:
    a second run finds nothing left to do.  Returns how many lapsed."""
    lapsed = db.exec(select(Booking).where(Booking.status == BookingStatus.OFFERED,
                                           Booking.offer_expires_at <= utcnow()).order_by(Booking.id)
                     .with_for_update(skip_locked=True)).all()
    for booking in lapsed:
        release(db, booking, BookingStatus.CANCELLED, None, "booking.offer_lapsed")
    return len(lapsed)
