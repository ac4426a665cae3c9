"""Demo sessions for the embedded default: dates over the coming term for some of the
demo courses (the catalogue seeds them first, so their ids are 1, 2, 3…).  The course
listing is copied here as the gateway would when scheduling."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlmodel import select

from services.bookings.db import database
from services.bookings.sessions.models import CourseSession
from shared.clock import LONDON

# (course id, its visibility, weeks from now, weekday 0=Mon, start, minutes, places, for other schools,
#  venue or None for online, needs approval)
DEMO = [
    (1, "PUBLIC", 2, 2, "09:00", 360, 24, 6, "Saltmarsh Primary School", True),
    (2, "PUBLIC", 3, 3, "09:00", 360, 30, 8, "Harbourside Academy", True),
    (3, "PUBLIC", 1, 1, "15:45", 120, 40, 10, None, False),
    (4, "TRUST", 2, 1, "15:45", 180, 30, 0, "Brackenfield Primary School", False),
    (5, "PUBLIC", 4, 2, "15:45", 90, 40, 10, None, False),
    (7, "PUBLIC", 1, 3, "09:00", 360, 20, 4, "St Aidan's CE Primary School", True),
    (7, "PUBLIC", 6, 3, "09:00", 360, 20, 4, "Beacon Hill Primary", True),
    (8, "TRUST", 2, 0, "15:45", 120, 3, 0, "Saltmarsh Primary School", False),
    (10, "TRUST", 3, 2, "13:30", 180, 25, 0, "Kestrel Rise Primary", True),
    (11, "PUBLIC", 5, 2, "13:30", 180, 25, 5, "Harbourside Academy", True),
    (24, "PUBLIC", 2, 4, "09:00", 360, 12, 2, "Saltmarsh High School", True),
    (27, "TRUST", 1, 3, "15:45", 120, 40, 0, None, False),
]


def _at(weeks: int, weekday: int, clock: str) -> datetime:
    today = date.today()
    day = today + timedelta(weeks=weeks, days=(weekday - today.weekday()) % 7)
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=LONDON)


def seed() -> bool:
    with database().session() as db:
        if db.exec(select(CourseSession.id).limit(1)).first() is not None:
            return False
        for course_id, visibility, weeks, weekday, clock, minutes, places, external, venue, approval in DEMO:
            starts = _at(weeks, weekday, clock)
            db.add(CourseSession(
                course_id=course_id, course_visibility=visibility, course_published=True,
                starts_at=starts, ends_at=starts + timedelta(minutes=minutes), venue=venue,
                online_url=None if venue else "https://meet.example.org/lighthouse-demo",
                capacity=places, external_places=external, requires_approval=approval,
                booking_closes_at=starts - timedelta(days=2 if approval else 0),
                cancellation_deadline=starts - timedelta(days=2)))
        return True
