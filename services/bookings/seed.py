"""Demo sessions for the embedded default: dates over the coming term for some of the
demo courses (the catalogue seeds them first, so their ids are 1, 2, 3…).  The
components are set up side by side, before any of them serves, so the listings the
catalogue will deliver (shared.facts) are put in this service's copy here, as it will
deliver them (tests/test_demo_data.py checks them against the catalogue's; its
delivery then finds them current), and the sessions are scheduled by the same
operation as any other, so a seeded session is held to everything a scheduled one is."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlmodel import select

from services.bookings.copies.schemas import CourseListingFact
from services.bookings.copies.service import keep_course_listing
from services.bookings.db import database
from services.bookings.sessions.models import CourseSession
from services.bookings.sessions.schemas import SessionIn
from services.bookings.sessions.service import schedule_session
from shared.clock import LONDON
from shared.tokens import Grant, Identity
from shared.vocabulary import Role

SEEDER = Identity(subject="service:seed", name="Demo data", grants=(Grant(Role.LL_ADMIN),))

# course id: (title, visibility, subject, phases), as services/catalogue/demo_courses.py has them
PRIMARY = ["EYFS", "KS1", "KS2"]
ALL_PHASES = PRIMARY + ["KS3", "KS4"]
COURSES = {
    1: ("White Rose Maths: Teaching for Mastery in Year 1", "PUBLIC", "Maths", ["KS1"]),
    2: ("White Rose Maths: Fractions in Key Stage 2", "PUBLIC", "Maths", ["KS2"]),
    3: ("White Rose Maths: Mastery in Mixed-Age Classes", "PUBLIC", "Maths", ["KS1", "KS2"]),
    4: ("Maths subject leadership: monitoring and the deep dive", "TRUST", "Maths", PRIMARY),
    5: ("Times tables that stick: the Year 4 multiplication check", "PUBLIC", "Maths", ["KS2"]),
    7: ("Unlocking Letters and Sounds: full training", "PUBLIC", "Phonics", ["EYFS", "KS1"]),
    8: ("Phonics refresher for learning partners", "TRUST", "Phonics", ["EYFS", "KS1"]),
    10: ("Writing moderation: Key Stage 1", "TRUST", "English", ["KS1"]),
    11: ("Writing moderation: Key Stage 2", "PUBLIC", "English", ["KS2"]),
    24: ("Team Teach Level 1: positive handling", "PUBLIC", "Behaviour", ALL_PHASES),
    27: ("ECF mentor training: year one", "TRUST", "Induction", ALL_PHASES),
    30: ("Governor induction: roles and responsibilities", "PUBLIC", "Governance", ALL_PHASES),
    31: ("Safeguarding for governors", "PUBLIC", "Governance", ALL_PHASES),
    32: ("Governor finance and the school budget", "TRUST", "Governance", ALL_PHASES),
}

# (course id, weeks from now, weekday 0=Mon, start, minutes, places, for other schools,
#  venue or None for online, needs approval)
DEMO = [
    (1, 2, 2, "09:00", 360, 24, 6, "Saltmarsh Primary School", True),
    (2, 3, 3, "09:00", 360, 30, 8, "Harbourside Academy", True),
    (3, 1, 1, "15:45", 120, 40, 10, None, False),
    (4, 2, 1, "15:45", 180, 30, 0, "Brackenfield Primary School", False),
    (5, 4, 2, "15:45", 90, 40, 10, None, False),
    (7, 1, 3, "09:00", 360, 20, 4, "St Aidan's CE Primary School", True),
    (7, 6, 3, "09:00", 360, 20, 4, "Beacon Hill Primary", True),
    (8, 2, 0, "15:45", 120, 3, 0, "Saltmarsh Primary School", False),
    (10, 3, 2, "13:30", 180, 25, 0, "Kestrel Rise Primary", True),
    (11, 5, 2, "13:30", 180, 25, 5, "Harbourside Academy", True),
    (24, 2, 4, "09:00", 360, 12, 2, "Saltmarsh High School", True),
    (27, 1, 3, "15:45", 120, 40, 0, None, False),
    # governor CPD, online in the evening after work
    (30, 2, 1, "18:30", 120, 60, 10, None, False),
    (31, 3, 3, "18:30", 90, 60, 10, None, False),
    (32, 5, 2, "18:30", 90, 40, 0, None, False),
    (31, 7, 1, "18:30", 90, 60, 10, None, False),
]


def _at(weeks: int, weekday: int, clock: str) -> datetime:
    today = date.today()
    day = today + timedelta(weeks=weeks, days=(weekday - today.weekday()) % 7)
    while _closed(day):  # no trust runs CPD on Christmas Day: the next school day instead
        day += timedelta(days=1)
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=LONDON)


def _closed(day: date) -> bool:
    """Weekends, England's bank holidays and the usual Christmas and summer breaks (the
    demo's own calendar is networks', which bookings has not been told of when it seeds)."""
    import holidays

    christmas = (day.month == 12 and day.day >= 20) or (day.month == 1 and day.day <= 3)
    summer = (day.month == 7 and day.day >= 22) or day.month == 8
    return day.weekday() >= 5 or christmas or summer or day in holidays.country_holidays("GB", subdiv="ENG",
                                                                                       years=day.year)


def seed() -> bool:
    with database().session() as db:
        if db.exec(select(CourseSession.id).limit(1)).first() is not None:
            return False
        for course_id, weeks, weekday, clock, minutes, places, external, venue, approval in DEMO:
            title, visibility, subject, phases = COURSES[course_id]
            keep_course_listing(db, course_id, CourseListingFact(
                version=1, title=title, visibility=visibility, published=True, subject=subject, phases=phases))
            starts = _at(weeks, weekday, clock)
            schedule_session(db, SEEDER, SessionIn(
                course_id=course_id, starts_at=starts, ends_at=starts + timedelta(minutes=minutes), venue=venue,
                online_url=None if venue else "https://meet.example.org/lighthouse-demo",
                capacity=places, external_places=external, requires_approval=approval,
                booking_closes_at=starts - timedelta(days=2 if approval else 0),
                cancellation_deadline=starts - timedelta(days=2)))
        return True
