"""Booking a place on a session (or a place in its queue), cancelling it, and what the
bookings say: a person's own, a school's, who is on a session, and when people are
busy.  The booking path is tuned for a rush (bench/booking_rush.py): keep its round
trips as they are."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from services.bookings import messages
from services.bookings.access import VISIBLE, audience, get_booking, oversees, overseen
from services.bookings.audit import AuditEntry, log_booking
from services.bookings.bookings.models import HOLDS_PLACE, LIVE, Booking
from services.bookings.reminders import approval_remind_at
from services.bookings.sessions.models import CourseSession
from services.bookings.sessions.places import give_back_place, session_for_update, take_trust_place
from services.bookings.waiting_list.service import release, waiting_list_position
from shared.audit import created, entry_params, snapshot, with_entry
from shared.clock import LONDON, as_utc, utcnow
from shared.errors import Conflict, Forbidden, NotFound
from shared.tokens import Identity
from shared.vocabulary import BookingStatus, Role, SessionStatus


@dataclass(frozen=True)
class Attendee:
    person_id: int
    name: str
    email: str
    school_id: int | None


def _may_book_for(identity: Identity, attendee: Attendee) -> bool:
    if identity.person_id == attendee.person_id:
        return identity.is_trust_member
    return oversees(identity, attendee.school_id)


# The booking path's statements, built once.  In a rush every request runs them, and
# building a statement and its cache key costs SQLAlchemy more than PostgreSQL takes to
# run it (bench/booking_rush.py).  Writes and counts go straight to the tables; the
# capacity guard is sessions/places.py's.
_SESSIONS, _BOOKINGS = CourseSession.__table__, Booking.__table__
# The session and any live booking the person already has on it, in one round trip.
_FIND_FOR_BOOKING = {
    who: select(CourseSession, Booking)
    .outerjoin(Booking, sa.and_(Booking.session_id == CourseSession.id, Booking.person_id == sa.bindparam("person_id"),
                                Booking.status.in_(LIVE)))
    .where(CourseSession.id == sa.bindparam("session_id"), visible)
    for who, visible in VISIBLE.items()
}
_BY_IDEMPOTENCY_KEY = select(Booking).where(Booking.booked_by_id == sa.bindparam("booked_by_id"),
                                            Booking.idempotency_key == sa.bindparam("key"))
_LIVE_BOOKING = select(Booking).where(Booking.session_id == sa.bindparam("session_id"),
                                      Booking.person_id == sa.bindparam("person_id"), Booking.status.in_(LIVE))
_QUEUE_LOCK = (
    # The queue lock is held until commit, and commit waits for the disk: in a rush,
    # joiners would queue behind each other's disk writes.  A place in the queue is not
    # a place on the course, so its commit does not wait for the disk — a crash in that
    # instant could lose a queue entry (never a confirmed place, which keeps the full
    # guarantee).  Said in the same round trip as the lock (SET LOCAL would cost
    # another).  Measured in bench/booking_rush.py.
    sa.select(_SESSIONS.c.id, sa.func.set_config("synchronous_commit", "off", True))
    .where(_SESSIONS.c.id == sa.bindparam("session_id")).with_for_update(of=_SESSIONS)
)
# ON CONFLICT DO NOTHING rather than a savepoint: a concurrent request that booked the
# same person (or used the same key) first makes this insert return no row, without
# the two extra round trips a savepoint costs every booking.
# What a new booking's audit entry says it was made with.
_MADE_WITH = ("status", "decision_note")
_NEW_BOOKING = ("session_id", "person_id", "attendee_name", "attendee_email", "school_id", "booked_by_id",
                "idempotency_key", "status", "approval_remind_at", "decided_by_id", "decided_at", "decision_note",
                "created_at", "updated_at")
# On PostgreSQL the booking's audit entry is written by the same statement (a round trip
# more, made while the session's row is locked, measurably slowed the rush); SQLite,
# in the process, pays nothing for a second statement.
_INSERT_BOOKING = {
    "postgresql": with_entry(pg_insert(_BOOKINGS).values({k: sa.bindparam(k, type_=_BOOKINGS.c[k].type)
                                                          for k in _NEW_BOOKING})
                             .on_conflict_do_nothing().returning(*_BOOKINGS.c),
                             AuditEntry, "booking.made", "booking", created_from=_MADE_WITH, at="created_at",
                             label="attendee_name", parent_type="session", parent_id="session_id"),
    "sqlite": sqlite_insert(_BOOKINGS).on_conflict_do_nothing().returning(*_BOOKINGS.c),
}

_BOOKED_BY_LEADER = "Booked by their school leader"


def book(db: Session, identity: Identity, session_id: int, attendee: Attendee,
         idempotency_key: str | None = None) -> tuple[Booking, bool]:
    """Book a trust place, or a place on the waiting list when the session is full.

    Guarantees: never more trust places held than the session has (one conditional
    UPDATE decides); one live booking per person per session (a second attempt, or a
    retry with the same idempotency key, answers the first booking: created=False).
    On a session that needs approval, a booking made by a leader of the attendee's
    school is approved as it is made (and recorded as decided by them); anyone else's,
    an admin's included, waits for the school's leaders, who decide on cover.
    """
    if not _may_book_for(identity, attendee):
        if identity.person_id == attendee.person_id:
            raise Forbidden("Only trust staff can book trust CPD; schools outside the trust buy places instead.")
        raise Forbidden("You can book for staff of your own school only.")
    if idempotency_key:
        earlier = db.exec(_BY_IDEMPOTENCY_KEY, params={"booked_by_id": identity.person_id,
                                                       "key": idempotency_key}).first()
        if earlier is not None:
            return earlier, False
    found = db.exec(_FIND_FOR_BOOKING[audience(identity)],
                    params={"session_id": session_id, "person_id": attendee.person_id}).first()
    if found is None:
        raise NotFound("There is no such session, or it is not open to you.")
    session, existing = found
    if existing is not None:
        return existing, False
    now = utcnow()
    if session.status != SessionStatus.SCHEDULED:
        raise Conflict("This session has been cancelled, so it cannot be booked.")
    if as_utc(session.starts_at) <= now:
        raise Conflict("This session has already started; look for a later date.")
    if as_utc(session.booking_closes_at) <= now:
        raise Conflict("Booking for this session has closed; ask the CPD team if a late place is possible.")

    dialect = db.get_bind().dialect.name
    # The attendee's school leader booking them has given the approval by booking:
    # recorded as the decision, and a place on the waiting list keeps it for later.
    approved = session.requires_approval and attendee.school_id in identity.schools_for(Role.SCHOOL_LEADER)
    took_place = take_trust_place(db, session_id)
    if took_place:
        status = (BookingStatus.PENDING_APPROVAL if session.requires_approval and not approved
                  else BookingStatus.CONFIRMED)
    else:
        # Join the queue one at a time per session, so that ids (queue order) and the
        # positions people are told agree even in a rush.  (On SQLite, BEGIN IMMEDIATE
        # — see begin_write — already lets one writer in at a time.)
        if dialect == "postgresql":
            db.execute(_QUEUE_LOCK, {"session_id": session_id})
        status = BookingStatus.WAITLISTED
    stamp = utcnow()
    row = db.execute(_INSERT_BOOKING[dialect], {
        "session_id": session_id, "person_id": attendee.person_id, "attendee_name": attendee.name,
        "attendee_email": attendee.email, "school_id": attendee.school_id, "booked_by_id": identity.person_id or 0,
        "idempotency_key": idempotency_key, "status": status,
        "approval_remind_at": approval_remind_at(db, stamp) if status == BookingStatus.PENDING_APPROVAL else None, "decided_by_id": identity.person_id if approved else None,
        "decided_at": stamp if approved else None, "decision_note": _BOOKED_BY_LEADER if approved else None,
        "created_at": stamp, "updated_at": stamp, **(entry_params(identity) if dialect == "postgresql" else {})
    }).first()
    if row is None:
        if took_place:
            give_back_place(db, session_id)
        existing = _live_booking(db, session_id, attendee.person_id)
        if existing is None and idempotency_key:
            existing = db.exec(_BY_IDEMPOTENCY_KEY, params={"booked_by_id": identity.person_id,
                                                            "key": idempotency_key}).first()
        if existing is None:
            raise Conflict("This booking clashed with another made at the same moment; please try again.")
        return existing, False
    # The new row as it was written, for the answer and the message; nothing in this
    # request changes it again, so it need not join the unit of work.
    booking = Booking(**row._mapping)
    if dialect != "postgresql":  # there, the insert wrote it
        log_booking(db, identity, "booking.made", booking, created(snapshot(booking, _MADE_WITH)))
    messages.booking_changed(db, session, booking, waiting_list_position(db, booking))
    return booking, True


def _live_booking(db: Session, session_id: int, person_id: int) -> Booking | None:
    return db.exec(_LIVE_BOOKING, params={"session_id": session_id, "person_id": person_id}).first()


def my_bookings(db: Session, identity: Identity, session_ids: list[int] | None, upcoming: bool) -> list[Booking]:
    """The caller's own live or past bookings, soonest session first."""
    if identity.person_id is None:
        return []
    stmt = (select(Booking).join(CourseSession, CourseSession.id == Booking.session_id)
            .where(Booking.person_id == identity.person_id).order_by(CourseSession.starts_at, Booking.id))
    if session_ids is not None:
        stmt = stmt.where(Booking.session_id.in_(session_ids), Booking.status.in_(LIVE))
    if upcoming:
        stmt = stmt.where(CourseSession.starts_at > utcnow(), Booking.status.in_(LIVE))
    return list(db.exec(stmt).all())


def attending(db: Session, identity: Identity, session_ids: list[int]) -> set[int]:
    """Of these sessions, those the caller holds a confirmed place on."""
    if identity.person_id is None or not session_ids:
        return set()
    rows = db.exec(select(Booking.session_id).where(
        Booking.person_id == identity.person_id, Booking.session_id.in_(session_ids),
        Booking.status.in_((BookingStatus.CONFIRMED, BookingStatus.ATTENDED))))
    return set(rows.all())


def cancel_booking(db: Session, identity: Identity, booking_id: int) -> Booking:
    """Cancel a booking.  The attendee (or their school leader) until the cancellation
    deadline, an admin at any time.  A place it held goes back to the session."""
    booking = get_booking(db, identity, booking_id)
    if booking.order_attendee_id is not None:
        # its place is the order's (external_taken), and so is any refund owed for it
        raise Conflict("This place was bought by another school on an order; cancel it from the order, "
                       "so that its place and its money are given back together.")
    session = session_for_update(db, booking.session_id)
    if booking.status not in LIVE:
        raise Conflict("This booking is no longer active, so there is nothing to cancel.")
    if not identity.is_admin and utcnow() > as_utc(session.cancellation_deadline):
        raise Conflict("The cancellation deadline has passed; ask the CPD team to cancel for you.")
    release(db, booking, BookingStatus.CANCELLED, identity, "booking.cancelled")
    db.flush()
    return booking


def _order_for_lists():
    return (CourseSession.starts_at, Booking.attendee_name, Booking.id)


def session_bookings(db: Session, identity: Identity, session_ids: list[int]) -> list[Booking]:
    """Who is booked on these sessions: every booking for admins, their own school's
    for school leaders, nothing at all for anyone else."""
    stmt = (select(Booking).join(CourseSession, CourseSession.id == Booking.session_id)
            .where(Booking.session_id.in_(session_ids)).order_by(*_order_for_lists()))
    stmt = overseen(identity, stmt)
    return [] if stmt is None else list(db.exec(stmt).all())


@dataclass(frozen=True)
class SchoolFilter:
    """How a school's leader narrows its bookings: all optional; days are UK days, both ends included."""

    person_id: int | None = None
    subject: str | None = None
    status: BookingStatus | None = None
    starts_from: date | None = None
    starts_to: date | None = None


def school_bookings(db: Session, identity: Identity, school_id: int, upcoming: bool,
                    narrow: SchoolFilter = SchoolFilter()) -> list[Booking]:
    """A school's bookings, for its leaders (and admins): never another school's, and
    nothing at all for anyone else; at most 1000, soonest first."""
    if not oversees(identity, school_id):
        return []
    stmt = (select(Booking).join(CourseSession, CourseSession.id == Booking.session_id)
            .where(Booking.school_id == school_id).order_by(*_order_for_lists()).limit(1000))
    if upcoming:
        stmt = stmt.where(CourseSession.starts_at > utcnow(), Booking.status.in_(LIVE))
    if narrow.person_id is not None:
        stmt = stmt.where(Booking.person_id == narrow.person_id)
    if narrow.subject:
        stmt = stmt.where(sa.func.lower(CourseSession.course_subject) == narrow.subject.lower())
    if narrow.status is not None:
        stmt = stmt.where(Booking.status == narrow.status)
    if narrow.starts_from is not None:
        stmt = stmt.where(CourseSession.starts_at >= uk_midnight(narrow.starts_from))
    if narrow.starts_to is not None:
        stmt = stmt.where(CourseSession.starts_at < uk_midnight(narrow.starts_to + timedelta(days=1)))
    return list(db.exec(stmt).all())


def uk_midnight(day: date) -> datetime:
    """The moment a UK day begins, in UTC (23:00 the day before in summer)."""
    return datetime.combine(day, time(), LONDON).astimezone(timezone.utc)


def commitments(db: Session, identity: Identity, person_ids: list[int], start, end) -> list[tuple]:
    """When these people are booked on trust CPD between two times — for a network lead
    planning meetings around them (admins too), in one query however many people."""
    if not (identity.is_admin or identity.networks_for(Role.NETWORK_LEAD)):
        raise Forbidden("Only network leads and admins can see when people are booked.")
    if not person_ids:
        return []
    held = HOLDS_PLACE + (BookingStatus.ATTENDED,)
    return list(db.exec(select(Booking.person_id, CourseSession.starts_at, CourseSession.ends_at,
                               CourseSession.course_title)
                        .join(CourseSession, CourseSession.id == Booking.session_id)
                        .where(Booking.person_id.in_(person_ids), Booking.status.in_(held),
                               CourseSession.status != SessionStatus.CANCELLED,
                               CourseSession.starts_at < end, CourseSession.ends_at > start)).all())


def calendar_bookings(db: Session, identity: Identity) -> list[tuple[Booking, CourseSession]]:
    """The caller's places, for their calendar: those they hold (confirmed, or held for
    them while someone decides) and what they attended in the last year.  A place on
    the waiting list is not one."""
    if identity.person_id is None:
        return []
    return list(db.exec(select(Booking, CourseSession).join(CourseSession, CourseSession.id == Booking.session_id)
                        .where(Booking.person_id == identity.person_id,
                               Booking.status.in_(HOLDS_PLACE + (BookingStatus.ATTENDED,)),
                               CourseSession.starts_at > utcnow() - timedelta(days=366))
                        .order_by(CourseSession.starts_at)).all())
