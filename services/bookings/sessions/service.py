"""Sessions: admins schedule, change and cancel them (those booked are told), each
session follows its course's listing (as the catalogue delivers it) until it starts,
and anyone lists the sessions open to them."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, func, select

from services.bookings import messages
from services.bookings.access import booked_by_or_overseen, visible_to
from services.bookings.audit import SESSION_FIELDS, booking_state, log_booking_change, log_session
from services.bookings.bookings.models import HOLDS_PLACE, LIVE, Booking
from services.bookings.copies.models import CourseListing
from services.bookings.copies.service import course_listing
from services.bookings.orders import session_cancelled
from services.bookings.sessions.models import CourseSession
from services.bookings.sessions.places import session_for_update
from services.bookings.sessions.schemas import SessionIn, SessionQuery
from services.bookings.waiting_list.service import offer_free_places
from shared.audit import created, diff, snapshot
from shared.clock import as_utc, utcnow
from shared.errors import Conflict, Forbidden, Invalid, field_error
from shared.tokens import Identity
from shared.vocabulary import BookingStatus, SessionStatus

DEFAULT_CANCELLATION_NOTICE = timedelta(hours=48)


def schedule_session(db: Session, identity: Identity, data: SessionIn, session_id: int | None = None) -> CourseSession:
    """Create or change a session.  Admins only.  Never leaves fewer trust places than
    are already taken; never starts a session (or moves one) in the past."""
    if not identity.is_admin:
        raise Forbidden("Only Lighthouse Learning admins can schedule sessions.")
    row = None if session_id is None else session_for_update(db, session_id)
    problems = []
    # A session already under way keeps its start when other details change.
    if as_utc(data.starts_at) <= utcnow() and (row is None or as_utc(row.starts_at) != as_utc(data.starts_at)):
        problems.append(field_error("starts_at", "That time has passed; choose a time in the future."))
    listing = course_listing(db, data.course_id) if row is None or row.course_id != data.course_id else None
    if listing is None and (row is None or row.course_id != data.course_id):
        problems.append(field_error("course_id", "The catalogue has not told bookings about this course yet; "
                                                 "if it was added a moment ago, try again in a minute."))
    if problems:
        raise Invalid("The session was not scheduled; see the field errors.", problems)
    closes = data.booking_closes_at or data.starts_at
    deadline = data.cancellation_deadline or min(closes, data.starts_at - DEFAULT_CANCELLATION_NOTICE)
    values = data.model_dump(exclude={"booking_closes_at", "cancellation_deadline"})
    values.update(booking_closes_at=closes, cancellation_deadline=deadline)
    if listing is not None:
        values.update(_as_listed(listing))
    if row is None:
        row = CourseSession(**values)
        db.add(row)
        db.flush()
        log_session(db, identity, "session.scheduled", row.id,
                    created(snapshot(row, ("course_id", "course_title", *SESSION_FIELDS))))
    else:
        if row.status != SessionStatus.SCHEDULED:
            raise Conflict("This session was cancelled or has finished; schedule a new one instead.")
        if data.capacity - data.external_places < row.trust_taken:
            raise Conflict(f"{row.trust_taken} trust places are already taken; the capacity cannot leave fewer.")
        if data.external_places < row.external_taken:
            raise Conflict(f"Other schools have already bought or hold {row.external_taken} places; "
                           "the places for other schools cannot be fewer.")
        before = snapshot(row, SESSION_FIELDS)
        for key, value in values.items():
            setattr(row, key, value)
        row.sequence += 1
        row.updated_at = utcnow()
        db.flush()
        log_session(db, identity, "session.changed", row.id, diff(before, snapshot(row, SESSION_FIELDS)))
        # Everyone holding a place gets the changed calendar entry (same UID, higher SEQUENCE).
        for booking in db.exec(select(Booking).where(Booking.session_id == row.id,
                                                     Booking.status.in_(HOLDS_PLACE))).all():
            messages.session_changed(db, row, booking)
        offer_free_places(db, row.id)  # capacity may have grown
    db.flush()
    return row


def _as_listed(listing: CourseListing) -> dict:
    return {"course_title": listing.title, "course_subject": listing.subject, "course_phases": listing.phases,
            "course_visibility": listing.visibility, "course_published": listing.published}


def follow_listing(db: Session, listing: CourseListing) -> int:
    """Every session of the course takes its listing as the catalogue now has it (who
    may see it, its subject and phases); one that has started keeps the title it had:
    it is what its attendees' records and certificates say they attended."""
    values = _as_listed(listing)
    values["course_title"] = sa.case((CourseSession.starts_at > utcnow(), listing.title),
                                     else_=CourseSession.course_title)
    result = db.execute(sa.update(CourseSession).where(CourseSession.course_id == listing.course_id)
                        .values(**values).execution_options(synchronize_session=False))
    return result.rowcount


def list_sessions(db: Session, identity: Identity, q: SessionQuery, offset: int) -> tuple[list[CourseSession], int]:
    """Sessions the caller may see, by start time.  A batch read by `ids` (how a
    booking's session is read) also answers the sessions of the caller's own bookings
    and those they oversee, whatever has become of the course's listing since: a
    person's history outlives the catalogue.  Lists and single reads follow the
    listing alone, so a withdrawn course's sessions are found and booked by nobody."""
    where = [visible_to(identity)]
    if q.ids:
        if not identity.is_admin:
            where = [sa.or_(where[0], booked_by_or_overseen(identity))]
        where.append(CourseSession.id.in_([int(i) for i in q.ids.split(",")]))
    if q.course_id:
        where.append(CourseSession.course_id == q.course_id)
    if q.course_ids:
        where.append(CourseSession.course_id.in_([int(i) for i in q.course_ids.split(",")]))
    if q.upcoming:
        where.append(CourseSession.starts_at > utcnow())
    if q.starts_from:
        where.append(CourseSession.starts_at >= q.starts_from)
    if q.starts_to:
        where.append(CourseSession.starts_at < q.starts_to)
    if q.subject:
        where.append(func.lower(CourseSession.course_subject) == q.subject.lower())
    if q.phase:
        where.append(CourseSession.course_phases.like(f"%,{q.phase.value},%"))
    total = db.exec(select(func.count()).select_from(CourseSession).where(*where)).one()
    limit = 1000 if q.course_ids else 100 if q.ids else q.first
    rows = db.exec(select(CourseSession).where(*where).order_by(CourseSession.starts_at, CourseSession.id)
                   .offset(offset).limit(limit)).all()
    return list(rows), total


def cancel_session(db: Session, identity: Identity, session_id: int, reason: str) -> CourseSession:
    """Admins cancel a session: every live booking is cancelled and its attendee told
    (with a calendar cancellation); nobody is offered a place on it again.  Every place
    other schools bought on it is cancelled too and its money given back — refunded
    by card (Stripe asked after this transaction commits) or credited against the
    invoice — and each booker told once (orders/session_cancelled.py).  A second
    cancellation is refused and changes nothing."""
    if not identity.is_admin:
        raise Forbidden("Only Lighthouse Learning admins can cancel sessions.")
    # The orders' rows before the session's: every other path that changes both
    # (cancelling places, a payment landing, a hold lapsing) locks an order first, so
    # locking the session first here could deadlock with one of them.
    session_cancelled.orders_holding_places_on(db, session_id)
    session = session_for_update(db, session_id)
    if session.status != SessionStatus.SCHEDULED:
        raise Conflict("This session is already cancelled or has finished.")
    # Read again under the session's lock: an order that took places between the two
    # reads is among them now, and none can take any more (the session is ours).
    orders = session_cancelled.orders_holding_places_on(db, session_id)
    before = snapshot(session, SESSION_FIELDS)
    session.status = SessionStatus.CANCELLED
    session.cancel_reason = reason
    session.sequence += 1
    session.trust_taken = 0
    session.updated_at = utcnow()
    log_session(db, identity, "session.cancelled", session_id, diff(before, snapshot(session, SESSION_FIELDS)))
    live = db.exec(select(Booking).where(Booking.session_id == session_id, Booking.status.in_(LIVE))).all()
    for booking in live:
        was = booking_state(booking)
        held = booking.status == BookingStatus.HELD
        booking.status = BookingStatus.CANCELLED
        booking.offer_expires_at = None
        booking.updated_at = utcnow()
        log_booking_change(db, identity, "booking.cancelled", booking, was)
        if not held:
            # A place held for an unpaid card order was never announced to its attendee
            # (orders/attendees.py), so its end is not either: the booker is told.
            messages.session_cancelled(db, session, booking)
    session.external_taken = 0  # as trust_taken: every order's places on it are cancelled below
    session_cancelled.cancel_orders_on(db, identity, session, orders)
    db.flush()
    return session
