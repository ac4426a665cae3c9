"""Domain operations on sessions and bookings.  Each takes the acting identity."""
from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Sequence
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, func, select

from services.bookings import messages
from services.bookings.reminders import APPROVAL_SCHOOL_DAYS, school_days_after
from services.bookings.sessions.models import HOLDS_PLACE, LIVE, Booking, CourseSession
from services.bookings.sessions.schemas import SessionIn, SessionQuery
from shared.clock import as_utc, utcnow
from shared.errors import Conflict, Forbidden, Invalid, NotFound, field_error
from shared.tokens import Identity
from shared.vocabulary import BookingStatus, Role, SessionStatus, Visibility

DEFAULT_CANCELLATION_NOTICE = timedelta(hours=48)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# ---------- sessions ----------


def schedule_session(db: Session, identity: Identity, data: SessionIn, session_id: int | None = None) -> CourseSession:
    """Create or change a session.  Admins only.  Never leaves fewer trust places than
    are already taken; never starts a session (or moves one) in the past."""
    if not identity.is_admin:
        raise Forbidden("Only Lighthouse Learning admins can schedule sessions.")
    row = None if session_id is None else _session_for_update(db, session_id)
    # A session already under way keeps its start when other details change.
    if as_utc(data.starts_at) <= utcnow() and (row is None or as_utc(row.starts_at) != as_utc(data.starts_at)):
        raise Invalid("The session was not scheduled; see the field errors.",
                      [field_error("starts_at", "That time has passed; choose a time in the future.")])
    closes = data.booking_closes_at or data.starts_at
    deadline = data.cancellation_deadline or min(closes, data.starts_at - DEFAULT_CANCELLATION_NOTICE)
    values = data.model_dump(exclude={"booking_closes_at", "cancellation_deadline", "course_phases"})
    values.update(booking_closes_at=closes, cancellation_deadline=deadline,
                  course_phases=phases_column(data.course_phases))
    if row is None:
        row = CourseSession(**values)
        db.add(row)
    else:
        if row.status != SessionStatus.SCHEDULED:
            raise Conflict("This session was cancelled or has finished; schedule a new one instead.")
        if data.capacity - data.external_places < row.trust_taken:
            raise Conflict(f"{row.trust_taken} trust places are already taken; the capacity cannot leave fewer.")
        for key, value in values.items():
            setattr(row, key, value)
        row.sequence += 1
        row.updated_at = utcnow()
        db.flush()
        # Everyone holding a place gets the changed calendar entry (same UID, higher SEQUENCE).
        for booking in db.exec(select(Booking).where(Booking.session_id == row.id,
                                                     Booking.status.in_(HOLDS_PLACE))).all():
            messages.session_changed(db, row, booking)
        offer_free_places(db, row.id)  # capacity may have grown
    db.flush()
    return row


def phases_column(phases: list[str] | None) -> str | None:
    """",KS1,KS2,": the delimiters let one LIKE find a phase without matching part of another."""
    return f",{','.join(phases)}," if phases else None


def _session_for_update(db: Session, session_id: int) -> CourseSession:
    row = db.exec(select(CourseSession).where(CourseSession.id == session_id).with_for_update()).first()
    if row is None:
        raise NotFound("There is no such session.")
    return row


def _audience(identity: Identity) -> str:
    return "admin" if identity.is_admin else "trust" if identity.is_trust_member else "public"


_VISIBLE = {
    # Sessions follow their course: admins see all, trust people those of published
    # courses, everybody else those of published PUBLIC courses.
    "admin": sa.true(),
    "trust": CourseSession.course_published.is_(True),
    "public": sa.and_(CourseSession.course_published.is_(True), CourseSession.course_visibility == Visibility.PUBLIC),
}


def _visible_to(identity: Identity):
    return _VISIBLE[_audience(identity)]


def get_session(db: Session, session_id: int, identity: Identity | None = None) -> CourseSession:
    stmt = select(CourseSession).where(CourseSession.id == session_id)
    if identity is not None:
        stmt = stmt.where(_visible_to(identity))
    row = db.exec(stmt).first()
    if row is None:
        raise NotFound("There is no such session, or it is not open to you.")
    return row


def set_course_listing(db: Session, identity: Identity, course_id: int, visibility: str, published: bool,
                       title: str | None = None, subject: str | None = None, phases: list[str] | None = None) -> int:
    """Keep the course snapshot of every session of a course in step with the
    catalogue (the gateway calls this after saving a course).  A session that has
    started keeps the title it had: it is what its attendees' records and
    certificates say they attended."""
    if not identity.is_admin:
        raise Forbidden("Only Lighthouse Learning admins can change a course's listing.")
    retitled = sa.case((CourseSession.starts_at > utcnow(), title), else_=CourseSession.course_title)
    result = db.execute(sa.update(CourseSession).where(CourseSession.course_id == course_id)
                        .values(course_visibility=visibility, course_published=published,
                                **({"course_title": retitled} if title else {}),
                                **({"course_subject": subject} if subject else {}),
                                **({"course_phases": phases_column(phases)} if phases is not None else {}))
                        .execution_options(synchronize_session=False))
    return result.rowcount


def _booked_by_or_overseen(identity: Identity):
    """Sessions holding a booking the caller may see: their own, and (school leaders)
    their school's."""
    mine = Booking.person_id == identity.person_id if identity.person_id is not None else sa.false()
    schools = identity.schools_for(Role.SCHOOL_LEADER)
    whose = sa.or_(mine, Booking.school_id.in_(schools)) if schools else mine
    return sa.exists().where(Booking.session_id == CourseSession.id, whose)


def list_sessions(db: Session, identity: Identity, q: SessionQuery, offset: int) -> tuple[list[CourseSession], int]:
    """Sessions the caller may see, by start time.  A batch read by `ids` (how a
    booking's session is read) also answers the sessions of the caller's own bookings
    and those they oversee, whatever has become of the course's listing since: a
    person's history outlives the catalogue.  Lists and single reads follow the
    listing alone, so a withdrawn course's sessions are found and booked by nobody."""
    where = [_visible_to(identity)]
    if q.ids:
        if not identity.is_admin:
            where = [sa.or_(where[0], _booked_by_or_overseen(identity))]
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


def waiting_list_lengths(db: Session, session_ids: list[int]) -> dict[int, int]:
    """How many wait on each session, in one query for a whole page."""
    if not session_ids:
        return {}
    rows = db.exec(select(Booking.session_id, func.count()).where(
        Booking.session_id.in_(session_ids), Booking.status == BookingStatus.WAITLISTED).group_by(Booking.session_id))
    return dict(rows.all())


# ---------- bookings ----------


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
# run it (bench/booking_rush.py).  Writes and counts go straight to the tables.
_SESSIONS, _BOOKINGS = CourseSession.__table__, Booking.__table__
# The session and any live booking the person already has on it, in one round trip.
_FIND_FOR_BOOKING = {
    audience: select(CourseSession, Booking)
    .outerjoin(Booking, sa.and_(Booking.session_id == CourseSession.id, Booking.person_id == sa.bindparam("person_id"),
                                Booking.status.in_(LIVE)))
    .where(CourseSession.id == sa.bindparam("session_id"), visible)
    for audience, visible in _VISIBLE.items()
}
_BY_IDEMPOTENCY_KEY = select(Booking).where(Booking.booked_by_id == sa.bindparam("booked_by_id"),
                                            Booking.idempotency_key == sa.bindparam("key"))
_LIVE_BOOKING = select(Booking).where(Booking.session_id == sa.bindparam("session_id"),
                                      Booking.person_id == sa.bindparam("person_id"), Booking.status.in_(LIVE))
# The capacity guard: one statement that only succeeds while a place is free.
_TAKE_TRUST_PLACE = (
    sa.update(_SESSIONS)
    .where(_SESSIONS.c.id == sa.bindparam("session_id"),
           _SESSIONS.c.status == SessionStatus.SCHEDULED,
           _SESSIONS.c.trust_taken < _SESSIONS.c.capacity - _SESSIONS.c.external_places)
    .values(trust_taken=_SESSIONS.c.trust_taken + 1)
)
_GIVE_BACK_PLACE = (sa.update(_SESSIONS)
                    .where(_SESSIONS.c.id == sa.bindparam("session_id"), _SESSIONS.c.trust_taken > 0)
                    .values(trust_taken=_SESSIONS.c.trust_taken - 1))
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
_INSERT_BOOKING = {dialect: insert(_BOOKINGS).on_conflict_do_nothing().returning(*_BOOKINGS.c)
                   for dialect, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))}
_WAITING_AHEAD = (sa.select(sa.func.count()).select_from(_BOOKINGS)
                  .where(_BOOKINGS.c.session_id == sa.bindparam("session_id"),
                         _BOOKINGS.c.status == BookingStatus.WAITLISTED,
                         _BOOKINGS.c.id < sa.bindparam("booking_id")))


_BOOKED_BY_LEADER = "Booked by their school leader"


def book(db: Session, identity: Identity, session_id: int, attendee: Attendee,
         idempotency_key: str | None = None, approvers: list[str] = (),
         school_days: Sequence[date] = ()) -> tuple[Booking, bool]:
    """Book a trust place, or a place on the waiting list when the session is full.
    `school_days` (the academic calendar's, from today) time the approval reminder.

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
    found = db.exec(_FIND_FOR_BOOKING[_audience(identity)],
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
    took_place = _take_trust_place(db, session_id)
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
        "idempotency_key": idempotency_key, "status": status, "approver_emails": ",".join(approvers) or None,
        "approval_remind_at": _approval_remind_at(stamp, school_days) if status == BookingStatus.PENDING_APPROVAL
        else None, "decided_by_id": identity.person_id if approved else None,
        "decided_at": stamp if approved else None, "decision_note": _BOOKED_BY_LEADER if approved else None,
        "created_at": stamp, "updated_at": stamp}).first()
    if row is None:
        if took_place:
            _give_back_place(db, session_id)
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
    messages.booking_changed(db, session, booking, waiting_list_position(db, booking))
    return booking, True


def _approval_remind_at(waiting_since: datetime, school_days: Sequence[date]) -> datetime:
    return school_days_after(waiting_since, APPROVAL_SCHOOL_DAYS, school_days)


def _give_back_place(db: Session, session_id: int) -> None:
    db.execute(_GIVE_BACK_PLACE, {"session_id": session_id})


def _take_trust_place(db: Session, session_id: int) -> bool:
    return db.execute(_TAKE_TRUST_PLACE, {"session_id": session_id}).rowcount == 1


def _live_booking(db: Session, session_id: int, person_id: int) -> Booking | None:
    return db.exec(_LIVE_BOOKING, params={"session_id": session_id, "person_id": person_id}).first()


def waiting_list_position(db: Session, booking: Booking) -> int | None:
    if booking.status != BookingStatus.WAITLISTED:
        return None
    # Asked twice in one request (the message, the answer): counted once.
    known = db.info.setdefault("waiting_positions", {})
    if (booking.id, booking.updated_at) not in known:
        # Queue order is id order: ids are handed out under the session's lock (see book).
        ahead = db.execute(_WAITING_AHEAD, {"session_id": booking.session_id, "booking_id": booking.id}).scalar_one()
        known[(booking.id, booking.updated_at)] = ahead + 1
    return known[(booking.id, booking.updated_at)]


def full_message(position: int) -> str:
    return f"This session is full — you are {_ordinal(position)} on the waiting list."


def oversees(identity: Identity, school_id: int | None) -> bool:
    """Whether the caller answers for bookings made through this school: its school
    leaders do, and admins for every school."""
    return identity.is_admin or (school_id is not None and school_id in identity.schools_for(Role.SCHOOL_LEADER))


def overseen(identity: Identity, stmt):
    """`stmt` (a select of bookings) narrowed to those the caller oversees, or None
    when that is none at all: callers then answer with nothing, not even a count."""
    if identity.is_admin:
        return stmt
    schools = identity.schools_for(Role.SCHOOL_LEADER)
    return stmt.where(Booking.school_id.in_(schools)) if schools else None


def _may_see(identity: Identity, booking: Booking) -> bool:
    return identity.person_id == booking.person_id or oversees(identity, booking.school_id)


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


def get_booking(db: Session, identity: Identity, booking_id: int) -> Booking:
    booking = db.get(Booking, booking_id)
    if booking is None or not _may_see(identity, booking):
        raise NotFound("There is no such booking, or it is not yours to see.")
    return booking


def cancel_booking(db: Session, identity: Identity, booking_id: int) -> Booking:
    """Cancel a booking.  The attendee (or their school leader) until the cancellation
    deadline, an admin at any time.  A place it held goes back to the session."""
    booking = get_booking(db, identity, booking_id)
    session = _session_for_update(db, booking.session_id)
    if booking.status not in LIVE:
        raise Conflict("This booking is no longer active, so there is nothing to cancel.")
    if not identity.is_admin and utcnow() > as_utc(session.cancellation_deadline):
        raise Conflict("The cancellation deadline has passed; ask the CPD team to cancel for you.")
    _release(db, booking, BookingStatus.CANCELLED)
    db.flush()
    return booking


def _release(db: Session, booking: Booking, new_status: BookingStatus) -> None:
    """End a booking; a place it held goes to the first person waiting."""
    held = booking.status in HOLDS_PLACE
    booking.status = new_status
    booking.updated_at = utcnow()
    booking.offer_expires_at = None
    db.flush()
    messages.booking_changed(db, get_session(db, booking.session_id), booking)
    if held:
        _give_back_place(db, booking.session_id)
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
        if first is None or not _take_trust_place(db, session_id):
            return offered
        first.status = BookingStatus.OFFERED
        first.offer_expires_at = utcnow() + window
        first.updated_at = utcnow()
        db.flush()
        messages.booking_changed(db, get_session(db, session_id), first)
        offered.append(first)


def accept_offer(db: Session, identity: Identity, booking_id: int, school_days: Sequence[date] = ()) -> Booking:
    """Take up a waiting-list offer before it lapses (on a session that needs approval,
    the wait for the school leader starts now, unless the approval came with the
    booking)."""
    booking = get_booking(db, identity, booking_id)
    if booking.status != BookingStatus.OFFERED:
        raise Conflict("There is no open offer on this booking.")
    if as_utc(booking.offer_expires_at) <= utcnow():
        raise Conflict("This offer has lapsed and the place has gone to the next person waiting.")
    session = get_session(db, booking.session_id)
    booking.status = (BookingStatus.PENDING_APPROVAL if session.requires_approval and booking.decided_at is None
                      else BookingStatus.CONFIRMED)
    booking.offer_expires_at = None
    booking.updated_at = utcnow()
    if booking.status == BookingStatus.PENDING_APPROVAL:
        booking.approval_remind_at = _approval_remind_at(booking.updated_at, school_days)
    db.flush()
    messages.booking_changed(db, session, booking)
    return booking


def expire_offers(db: Session) -> int:
    """The scheduler's job: offers past their time lapse and pass on.  Idempotent:
    a second run finds nothing left to do.  Returns how many lapsed."""
    lapsed = db.exec(select(Booking).where(Booking.status == BookingStatus.OFFERED,
                                           Booking.offer_expires_at <= utcnow()).order_by(Booking.id)
                     .with_for_update(skip_locked=True)).all()
    for booking in lapsed:
        _release(db, booking, BookingStatus.CANCELLED)
    return len(lapsed)


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
    _session_for_update(db, booking.session_id)
    booking.decided_by_id = identity.person_id
    booking.decided_at = utcnow()
    booking.decision_note = note or None
    if approve:
        booking.status = BookingStatus.CONFIRMED
        booking.updated_at = utcnow()
        db.flush()
        messages.booking_changed(db, get_session(db, booking.session_id), booking)
    else:
        _release(db, booking, BookingStatus.DECLINED)
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


def school_bookings(db: Session, identity: Identity, school_id: int, upcoming: bool) -> list[Booking]:
    """A school's bookings, for its leaders (and admins)."""
    if not oversees(identity, school_id):
        return []
    stmt = (select(Booking).join(CourseSession, CourseSession.id == Booking.session_id)
            .where(Booking.school_id == school_id).order_by(*_order_for_lists()).limit(1000))
    if upcoming:
        stmt = stmt.where(CourseSession.starts_at > utcnow(), Booking.status.in_(LIVE))
    return list(db.exec(stmt).all())


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


def cancel_session(db: Session, identity: Identity, session_id: int, reason: str) -> CourseSession:
    """Admins cancel a session: every live booking is cancelled and its attendee told
    (with a calendar cancellation); nobody is offered a place on it again."""
    if not identity.is_admin:
        raise Forbidden("Only Lighthouse Learning admins can cancel sessions.")
    session = _session_for_update(db, session_id)
    if session.status != SessionStatus.SCHEDULED:
        raise Conflict("This session is already cancelled or has finished.")
    session.status = SessionStatus.CANCELLED
    session.cancel_reason = reason
    session.sequence += 1
    session.trust_taken = 0
    session.updated_at = utcnow()
    live = db.exec(select(Booking).where(Booking.session_id == session_id, Booking.status.in_(LIVE))).all()
    for booking in live:
        booking.status = BookingStatus.CANCELLED
        booking.offer_expires_at = None
        booking.updated_at = utcnow()
        messages.session_cancelled(db, session, booking)
    db.flush()
    return session
