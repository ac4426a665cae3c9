"""Timed messages: reminders before a session, and to school leaders who have left a
booking undecided.  Each booking is stamped as its message is written (in the same
transaction), so running a job twice — or two schedulers by mistake — sends once."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from services.bookings import messages
from services.bookings.bookings.models import Booking
from services.bookings.copies.models import SCHOOL_DAYS, SchoolLeader
from services.bookings.sessions.models import CourseSession
from shared.clock import LONDON, as_utc, school_days_after, utcnow
from shared.vocabulary import BookingStatus, SessionStatus

WEEK, DAY = timedelta(days=7), timedelta(days=1)
APPROVAL_SCHOOL_DAYS = 3


def approval_remind_at(db: Session, waiting_since: datetime) -> datetime:
    """When a booking that began waiting for approval at `waiting_since` is due its
    reminder to the school's leaders (remind_approvers): three school days on, by this
    service's copy of the academic calendar."""
    return school_days_after(waiting_since, APPROVAL_SCHOOL_DAYS, SCHOOL_DAYS.calendar(db).is_school_day)


def school_days_before(moment: datetime, days: int) -> datetime:
    """`days` weekdays (London) before `moment`: the count for bookings that began
    waiting before their reminder time was recorded (see school_days_after)."""
    local = moment.astimezone(LONDON)
    while days:
        local -= DAY
        if local.weekday() < 5:
            days -= 1
    return local


def _due(db: Session, *where):
    return db.exec(select(Booking, CourseSession).join(CourseSession, CourseSession.id == Booking.session_id)
                   .where(CourseSession.status == SessionStatus.SCHEDULED, *where)
                   .order_by(Booking.id).with_for_update(skip_locked=True, of=Booking)).all()


def remind_attendees(db: Session, now: datetime | None = None) -> int:
    """A week before and a day before, to everyone holding a confirmed place.  Somebody
    who booked inside a window (on the Tuesday for the Thursday) is not reminded of
    what they have just been told."""
    now = now or utcnow()
    sent = 0
    windows = ((Booking.reminded_week_at, WEEK, DAY, "in a week"), (Booking.reminded_day_at, DAY, None, "tomorrow"))
    for stamp, ahead, until, words in windows:
        where = [Booking.status == BookingStatus.CONFIRMED, stamp.is_(None),
                 CourseSession.starts_at <= now + ahead, CourseSession.starts_at > now + (until or timedelta(0))]
        for booking, session in _due(db, *where):
            # Stamped either way: one booked inside the window needs no reminder now
            # and must not be picked up again on the next run.
            setattr(booking, stamp.key, now)
            if as_utc(booking.created_at) <= as_utc(session.starts_at) - ahead:
                messages.session_reminder(db, session, booking, words)
                sent += 1
    db.flush()
    return sent


def remind_approvers(db: Session, now: datetime | None = None) -> int:
    """Once, to the school leaders of a booking left PENDING_APPROVAL for three school
    days."""
    now = now or utcnow()
    due_now = sa.or_(Booking.approval_remind_at <= now,
                     sa.and_(Booking.approval_remind_at.is_(None),
                             Booking.created_at <= school_days_before(now, APPROVAL_SCHOOL_DAYS)))
    # A school with no leader known yet is asked once one is: its bookings stay due.
    due = _due(db, Booking.status == BookingStatus.PENDING_APPROVAL, Booking.approval_reminded_at.is_(None),
               Booking.school_id.in_(select(SchoolLeader.school_id)), due_now, CourseSession.starts_at > now)
    for booking, session in due:
        booking.approval_reminded_at = now
        messages.approval_reminder(db, session, booking)
    db.flush()
    return len(due)
