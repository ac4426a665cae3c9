"""The admin home's figures, read in a fixed number of queries however many sessions
and bookings there are (services/bookings/tests/test_bookings_query_counts.py)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlmodel import Session, func, select

from services.bookings.attendance.service import academic_year_bounds
from services.bookings.bookings.models import Booking
from services.bookings.sessions.models import CourseSession
from shared.clock import LONDON, academic_year_of, as_utc, utcnow
from shared.errors import Forbidden
from shared.tokens import Identity
from shared.vocabulary import BookingStatus, SessionStatus

# A session starting within UNDER_FILLED_DAYS with fewer than this share of its places
# booked is worth a nudge to schools (or cancelling) while there is still time.
UNDER_FILLED_PERCENT = 50
UNDER_FILLED_DAYS = 14
# Feedback left within this many days: how courses are landing now, not years ago.
RECENT_FEEDBACK_DAYS = 90
# What a home page section can show without becoming a report of its own.
THIS_WEEK_MOST = 50
REGISTERS_SHOWN = 20
UNDER_FILLED_SHOWN = 20
FEEDBACK_COURSES = 10


def _fill(row: CourseSession) -> dict:
    # Booked is the trust places held: places for other schools are not sold here
    # yet, so they count as empty, and a session half kept for others shows half full.
    return {"id": row.id, "course_id": row.course_id, "course_title": row.course_title,
            "starts_at": as_utc(row.starts_at), "ends_at": as_utc(row.ends_at), "venue": row.venue,
            "capacity": row.capacity, "booked": row.trust_taken, "status": row.status.value}


def _london_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), LONDON)


def _a_year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February: the same point last year is the 28th
        return day.replace(year=day.year - 1, day=28)


def admin_dashboard(db: Session, identity: Identity, governor_course_ids: list[int]) -> dict:
    """The admin home's figures as of now: this week's sessions (Monday to Sunday,
    London) with places booked, registers still to take, sessions under-filled in the
    next fortnight, recent feedback by course, and governor CPD this academic year
    against the same point last year.  Five queries, whatever the numbers."""
    if not identity.is_admin:
        raise Forbidden("Only Lighthouse Learning admins can see the admin dashboard.")
    now = utcnow()
    today = now.astimezone(LONDON).date()
    monday = today - timedelta(days=today.weekday())
    live = CourseSession.status != SessionStatus.CANCELLED

    week = db.exec(select(CourseSession).where(
        live, CourseSession.starts_at >= _london_midnight(monday),
        CourseSession.starts_at < _london_midnight(monday + timedelta(days=7)))
        .order_by(CourseSession.starts_at, CourseSession.id).limit(THIS_WEEK_MOST)).all()

    # A register opens when the session starts (attendance.service.take_register).
    waiting = func.count().over().label("total")
    registers = db.exec(select(CourseSession, waiting).where(
        CourseSession.status == SessionStatus.SCHEDULED, CourseSession.register_taken_at.is_(None),
        CourseSession.starts_at <= now)
        .order_by(CourseSession.starts_at.desc(), CourseSession.id.desc()).limit(REGISTERS_SHOWN)).all()

    under = db.exec(select(CourseSession).where(
        CourseSession.status == SessionStatus.SCHEDULED, CourseSession.starts_at > now,
        CourseSession.starts_at < now + timedelta(days=UNDER_FILLED_DAYS),
        CourseSession.trust_taken * 100 < CourseSession.capacity * UNDER_FILLED_PERCENT)
        .order_by(CourseSession.starts_at, CourseSession.id).limit(UNDER_FILLED_SHOWN)).all()

    count = func.count().label("count")
    feedback = db.exec(
        select(CourseSession.course_id, func.max(CourseSession.course_title), count, func.avg(Booking.feedback_rating))
        .select_from(Booking).join(CourseSession, CourseSession.id == Booking.session_id)
        .where(Booking.feedback_rating.is_not(None), Booking.feedback_at >= now - timedelta(days=RECENT_FEEDBACK_DAYS))
        .group_by(CourseSession.course_id).order_by(count.desc(), CourseSession.course_id)
        .limit(FEEDBACK_COURSES)).all()

    return {"week_starts_on": monday, "this_week": [_fill(r) for r in week],
            "registers_to_take": {"total": registers[0][1] if registers else 0,
                                  "items": [_fill(r) for r, _ in registers]},
            "under_filled_below": UNDER_FILLED_PERCENT / 100, "under_filled_days": UNDER_FILLED_DAYS,
            "under_filled": [_fill(r) for r in under],
            "feedback_days": RECENT_FEEDBACK_DAYS,
            "feedback": [{"course_id": c, "course_title": t, "count": n, "average": round(float(a), 2)}
                         for c, t, n, a in feedback],
            "governor_cpd": governor_cpd(db, governor_course_ids, now)}


def governor_cpd(db: Session, course_ids: list[int], now: datetime) -> dict:
    """Places attended (by the register) at sessions of governor courses, this academic
    year so far and last year up to the same date, month by month.  One query."""
    today = now.astimezone(LONDON).date()
    label = academic_year_of(today)
    start, _ = academic_year_bounds(label)
    last_label = academic_year_of(_a_year_before(start.date()))
    last_start, _ = academic_year_bounds(last_label)
    last_point = _a_year_before(today)
    # "The same point" is the same date: last year counts up to the end of that day, as
    # this year counts everything attended so far today.
    last_end = _london_midnight(last_point + timedelta(days=1))
    rows = db.exec(select(CourseSession.starts_at, func.count()).select_from(Booking)
                   .join(CourseSession, CourseSession.id == Booking.session_id)
                   .where(CourseSession.course_id.in_(course_ids), Booking.status == BookingStatus.ATTENDED,
                          CourseSession.starts_at >= last_start, CourseSession.starts_at <= now,
                          sa.or_(CourseSession.starts_at >= start, CourseSession.starts_at < last_end))
                   .group_by(CourseSession.id, CourseSession.starts_at)).all() if course_ids else []
    months = [(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1)
              for i in range((today.year - start.year) * 12 + today.month - start.month + 1)]
    this_year = {m: 0 for m in months}
    last_year = {m: 0 for m in months}
    for starts_at, attended in rows:
        local = as_utc(starts_at).astimezone(LONDON)
        if local >= start:
            this_year[(local.year, local.month)] += attended
        else:
            last_year[(local.year + 1, local.month)] += attended
    return {"academic_year": label, "last_academic_year": last_label, "as_of": today,
            "same_point_last_year": last_point, "attended": sum(this_year.values()),
            "attended_last_year": sum(last_year.values()),
            "by_month": [{"month": f"{y}-{m:02d}", "this_year": this_year[(y, m)], "last_year": last_year[(y, m)]}
                         for y, m in months]}
