"""After a session: the register, the CPD record it feeds, certificates and feedback."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date, datetime, time

import sqlalchemy as sa
from sqlmodel import Session, func, select

from services.bookings import messages
from services.bookings.access import get_booking, oversees, own_or_overseen
from services.bookings.audit import booking_state, log_booking, log_booking_change, log_session
from services.bookings.bookings.models import LIVE, Booking
from services.bookings.periods import starts_of
from services.bookings.sessions.models import CourseSession
from services.bookings.sessions.places import session_for_update
from shared.audit import diff, snapshot
from shared.clock import LONDON, academic_year_of, as_utc, utcnow
from shared.errors import Conflict, Forbidden, Invalid, NotFound, field_error
from shared.tokens import Identity
from shared.vocabulary import BookingStatus, Role, SessionStatus

# The places a register decides between: who had a place, and what the register said.
ON_REGISTER = (BookingStatus.CONFIRMED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW)
FEEDBACK = ("feedback_rating", "feedback_comment")


def take_register(db: Session, identity: Identity, session_id: int, attended_ids: list[int]) -> CourseSession:
    """Mark who came: the listed bookings ATTENDED, every other place NO_SHOW, the
    session COMPLETED.  Taking it again corrects it; a feedback request goes out once
    per attendee however often it is taken."""
    if not identity.is_admin:
        raise Forbidden("Only Lighthouse Learning admins and facilitators can take the register.")
    session = session_for_update(db, session_id)
    if session.status == SessionStatus.CANCELLED:
        raise Conflict("This session was cancelled, so it has no register.")
    if as_utc(session.starts_at) > utcnow():
        raise Conflict("The register opens when the session starts.")
    places = db.exec(select(Booking).where(Booking.session_id == session_id,
                                           Booking.status.in_(ON_REGISTER))).all()
    unknown = sorted(set(attended_ids) - {b.id for b in places})
    if unknown:
        raise Invalid("Only people with a confirmed place can be marked as attending.",
                      [field_error("attended_booking_ids",
                                   f"Booking {', '.join(map(str, unknown))} is not a confirmed place on this session.")])
    now = utcnow()
    again = session.register_taken_at is not None
    came_before = sum(b.status == BookingStatus.ATTENDED for b in places)
    for booking in places:
        before = booking_state(booking)
        booking.status = BookingStatus.ATTENDED if booking.id in attended_ids else BookingStatus.NO_SHOW
        booking.updated_at = now
        log_booking_change(db, identity, "booking.attendance_corrected" if again else "booking.attendance_taken",
                           booking, before)
        if booking.status == BookingStatus.ATTENDED and booking.feedback_requested_at is None:
            booking.feedback_requested_at = now
            if booking.person_id is None:
                # Another school's attendee has no account to sign in and rate it with:
                # their certificate comes to them instead.
                messages.certificate_sent(db, session, booking, certificate_of(booking, session))
            else:
                messages.feedback_request(db, session, booking)
    # Whoever still waited (or waited on a decision) did not get a place; the session
    # is over, so there is nothing left to offer them.
    for booking in db.exec(select(Booking).where(Booking.session_id == session_id, Booking.status.in_(LIVE))).all():
        before = booking_state(booking)
        booking.status, booking.offer_expires_at, booking.updated_at = BookingStatus.CANCELLED, None, now
        log_booking_change(db, identity, "booking.cancelled", booking, before)
    before = {"status": session.status, "attended": came_before}
    session.status = SessionStatus.COMPLETED
    session.register_taken_at = now
    session.updated_at = now
    log_session(db, identity, "session.register_corrected" if again else "session.register_taken", session_id,
                diff(before, {"status": session.status, "attended": sum(b.status == BookingStatus.ATTENDED
                                                                         for b in places)}))
    db.flush()
    return session


def leave_feedback(db: Session, identity: Identity, booking_id: int, rating: int, comment: str | None) -> Booking:
    """The attendee rates the session (1–5) and may comment; a second answer replaces
    the first."""
    booking = get_booking(db, identity, booking_id)
    if booking.person_id != identity.person_id:
        raise Forbidden("Only the person who attended can leave feedback on it.")
    if booking.status != BookingStatus.ATTENDED:
        raise Conflict("Feedback opens once the register shows you attended.")
    before = snapshot(booking, FEEDBACK)
    booking.feedback_rating = rating
    booking.feedback_comment = comment or None
    booking.feedback_at = utcnow()
    log_booking(db, identity, "booking.feedback_left", booking, diff(before, snapshot(booking, FEEDBACK)))
    db.flush()
    return booking


def course_feedback(db: Session, identity: Identity, course_id: int) -> dict:
    """For admins: how a course's attendees rated it, across all its sessions."""
    feedback = courses_feedback(db, identity, [course_id])[0]
    return {k: v for k, v in feedback.items() if k != "course_id"}


def courses_feedback(db: Session, identity: Identity, course_ids: list[int]) -> list[dict]:
    """For admins: how each of these courses' attendees rated it (the count, the
    average, the latest hundred comments), in two queries however many courses."""
    if not identity.is_admin:
        raise Forbidden("Only Lighthouse Learning admins can read course feedback.")
    rated = sa.and_(CourseSession.course_id.in_(course_ids), Booking.feedback_rating.is_not(None))
    totals = {course: (count, average) for course, count, average in db.exec(
        select(CourseSession.course_id, func.count(), func.avg(Booking.feedback_rating))
        .select_from(Booking).join(CourseSession, CourseSession.id == Booking.session_id)
        .where(rated).group_by(CourseSession.course_id)).all()}
    newest_first = (Booking.feedback_at.desc(), Booking.id.desc())
    latest = (select(Booking.id, func.row_number().over(partition_by=CourseSession.course_id, order_by=newest_first)
                     .label("place"))
              .join(CourseSession, CourseSession.id == Booking.session_id).where(rated).subquery())
    rows = db.exec(select(Booking, CourseSession.course_id, CourseSession.starts_at)
                   .join(CourseSession, CourseSession.id == Booking.session_id)
                   .join(latest, latest.c.id == Booking.id).where(latest.c.place <= 100)
                   .order_by(*newest_first)).all()
    items: dict[int, list[dict]] = {}
    for b, course, starts_at in rows:
        items.setdefault(course, []).append({"rating": b.feedback_rating, "comment": b.feedback_comment,
                                             "session_id": b.session_id, "session_starts_at": starts_at,
                                             "left_at": b.feedback_at})
    out = []
    for course in course_ids:
        count, average = totals.get(course, (0, None))
        out.append({"course_id": course, "count": count,
                    "average": round(float(average), 2) if average is not None else None,
                    "items": items.get(course, [])})
    return out


# ---------- the CPD record ----------

YEAR = re.compile(r"^(\d{4})-(\d{2})$")


def academic_year_bounds(label: str) -> tuple[datetime, datetime]:
    match = YEAR.match(label)
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        raise Invalid("Give the academic year as, for example, 2026-27.",
                      [field_error("academic_year", "Use the form 2026-27.")])
    start = int(match[1])
    return (datetime.combine(date(start, 9, 1), time(), LONDON), datetime.combine(date(start + 1, 9, 1), time(), LONDON))


@dataclass(frozen=True)
class Entry:
    booking_id: int
    session_id: int
    title: str
    starts_at: datetime
    minutes: int


def cpd_record(db: Session, identity: Identity, person_id: int, academic_year: str | None) -> dict:
    """A person's attended sessions in one academic year.  They see their own, their
    school's leaders see those booked through their school, admins see all; anyone else
    gets an empty record (not an error, which would tell them the person exists)."""
    record = cpd_records(db, identity, [person_id], academic_year)[0]
    return {k: v for k, v in record.items() if k != "person_id"}


def cpd_records(db: Session, identity: Identity, person_ids: list[int], academic_year: str | None) -> list[dict]:
    """Several people's records (as cpd_record shows each) in one query, one record
    for each id asked for."""
    label = academic_year or academic_year_of(utcnow().astimezone(LONDON).date())
    start, end = academic_year_bounds(label)
    stmt = (select(Booking, CourseSession).join(CourseSession, CourseSession.id == Booking.session_id)
            .where(Booking.person_id.in_(person_ids), Booking.status == BookingStatus.ATTENDED,
                   CourseSession.starts_at >= start, CourseSession.starts_at < end)
            .order_by(CourseSession.starts_at, Booking.id))
    # The caller's own record whole; other people's as far as the caller oversees them.
    stmt = stmt.where(own_or_overseen(identity))
    entries: dict[int, list[Entry]] = {}
    for b, s in db.exec(stmt).all():
        entries.setdefault(b.person_id, []).append(Entry(
            b.id, s.id, s.course_title, as_utc(s.starts_at),
            int((as_utc(s.ends_at) - as_utc(s.starts_at)).total_seconds() // 60)))
    return [{"person_id": p, "academic_year": label, "minutes": sum(e.minutes for e in entries.get(p, [])),
             "sessions_attended": len(entries.get(p, [])), "entries": [e.__dict__ for e in entries.get(p, [])]}
            for p in person_ids]


def cpd_hours(db: Session, identity: Identity, bounds: list[date], *, person_id: int | None = None,
              school_id: int | None = None) -> list[dict]:
    """Attended CPD minutes and sessions per period, for one person or for everyone
    booked through one school: `bounds` are the periods' first days (UK dates, rising),
    the last one the day after the last period, so n + 1 bounds make n periods (the
    terms of two years, say).  One query, however many people or bookings.

    A school's hours are for its leaders and admins (Forbidden for anyone else: a
    school is no secret, its staff's CPD is); a person's are theirs, and as far as the
    caller oversees them otherwise (nothing at all for anyone else, as cpd_record)."""
    if (person_id is None) == (school_id is None):
        raise Invalid("Ask for one person's hours or one school's.",
                      [field_error("school_id", "Give a person_id or a school_id, not both.")])
    starts = starts_of(bounds)
    stmt = (select(Booking.person_id, Booking.attendee_name, CourseSession.starts_at, CourseSession.ends_at)
            .join(CourseSession, CourseSession.id == Booking.session_id)
            .where(Booking.status == BookingStatus.ATTENDED, CourseSession.starts_at >= starts[0],
                   CourseSession.starts_at < starts[-1])
            .order_by(Booking.person_id, CourseSession.starts_at))
    if school_id is not None:
        if not oversees(identity, school_id):
            raise Forbidden("A school's CPD hours are for its school leaders.")
        stmt = stmt.where(Booking.school_id == school_id)
    else:
        stmt = stmt.where(Booking.person_id == person_id, own_or_overseen(identity))
    people: dict[int, dict] = {}
    periods = len(starts) - 1
    for who, name, began, ended in db.exec(stmt).all():
        began, ended = as_utc(began), as_utc(ended)
        period = bisect.bisect_right(starts, began) - 1
        row = people.setdefault(who, {"person_id": who, "name": name, "minutes": [0] * periods,
                                      "sessions": [0] * periods})
        row["minutes"][period] += int((ended - began).total_seconds() // 60)
        row["sessions"][period] += 1
    return list(people.values())


def certificate(db: Session, identity: Identity, booking_id: int) -> tuple[str, bytes]:
    """The PDF certificate of an attended booking, with a file name for it."""
    booking = get_booking(db, identity, booking_id)
    if booking.status != BookingStatus.ATTENDED:
        raise NotFound("A certificate is issued once the register shows the session was attended.")
    return certificate_of(booking, db.get(CourseSession, booking.session_id))


def certificate_of(booking: Booking, session: CourseSession) -> tuple[str, bytes]:
    from services.bookings.attendance.certificates import certificate_pdf

    starts, ends = as_utc(session.starts_at), as_utc(session.ends_at)
    pdf = certificate_pdf(attendee_name=booking.attendee_name, course_title=session.course_title,
                          starts_at=starts, ends_at=ends, venue=session.venue,
                          minutes=int((ends - starts).total_seconds() // 60), certificate_id=f"LL-{booking.id:06d}")
    return f"certificate-{booking.id}.pdf", pdf


def attendance_by_school(db: Session, identity: Identity, session_ids: list[int]) -> list[dict]:
    """Who from each school attended each of these sessions (the register's ATTENDED),
    for following a cascade from its trust-wide sessions: admins see every school's, a
    SIP or a school leader their own schools' (as the catalogue shows the rest of the
    cascade); anyone else nothing.  People by id only, so that those who came to two of
    the sessions count once.  One query, however many sessions and schools."""
    if identity.is_admin:
        whose = Booking.school_id.is_not(None)
    elif schools := identity.schools_for(Role.SIP) | identity.schools_for(Role.SCHOOL_LEADER):
        whose = Booking.school_id.in_(sorted(schools))
    else:
        return []
    rows = db.exec(select(Booking.session_id, Booking.school_id, Booking.person_id)
                   .where(Booking.session_id.in_(session_ids), Booking.status == BookingStatus.ATTENDED, whose)
                   .order_by(Booking.session_id, Booking.school_id, Booking.person_id)).all()
    found: dict[tuple[int, int], list[int]] = {}
    for session_id, school_id, person_id in rows:
        found.setdefault((session_id, school_id), []).append(person_id)
    return [{"session_id": s, "school_id": school, "person_ids": people} for (s, school), people in found.items()]
