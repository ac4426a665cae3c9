"""The home page's sections for staff, school leaders, governors, SIPs and external
bookers, through the gateway as a signed-in person sees them: what each shows of
what was set up, who sees which section, leaders booking several staff at once, and
the calls to the services a home page costs (the same however many bookings)."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import pytest

from shared import tokens
from shared.clock import LONDON, academic_year_of
from shared.vocabulary import BookingStatus
from tests.support.counting import count_backend_calls
from tests.support.fixtures import sign_in

NOW = datetime.now(timezone.utc).replace(microsecond=0)
SOON = NOW + timedelta(days=14)
# (gateway.home.hours is not imported here: it brings pygal, whose import hook must not
# be installed before the services' apps are made)
THIS_YEAR = academic_year_of(NOW.astimezone(LONDON).date())
LAST_YEAR = f"{int(THIS_YEAR[:4]) - 1}-{THIS_YEAR[2:4]}"


def text(response) -> str:
    """The page as words, tags gone and spaces squeezed: what a reader reads."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def identity(person_id: int, school_id: int | None, *roles: str, name: str = "") -> tokens.Identity:
    grants = tuple(tokens.Grant(r, school_id=school_id) for r in roles or ("staff",))
    return tokens.Identity(subject=str(person_id), name=name or f"Person {person_id}",
                           email=f"p{person_id}@trust.test", school_id=school_id, grants=grants)


def term_day(label: str, term: int) -> datetime:
    """A Wednesday afternoon well inside a term (0 autumn, 1 spring, 2 summer) of `label`."""
    start = int(label[:4])
    day = [date(start, 10, 8), date(start + 1, 2, 4), date(start + 1, 6, 10)][term]
    day += timedelta(days=(2 - day.weekday()) % 7)
    return datetime(day.year, day.month, day.day, 15, 30, tzinfo=LONDON)


def attended(rows: list[tuple[str, datetime, int, int, str, int]]) -> list[int]:
    """Past sessions, each with one attended booking: (title, starts, minutes, person
    id, attendee's name, school id); made straight in bookings' tables, as a year of
    registers taken would have left them.  The bookings' ids."""
    from services.bookings.bookings.models import Booking
    from services.bookings.db import database
    from services.bookings.sessions.models import CourseSession

    ids = []
    with database().session() as db:
        for title, starts, minutes, person_id, name, school_id in rows:
            s = CourseSession(course_id=900, course_title=title, course_subject="Maths", course_phases=",KS2,",
                              starts_at=starts, ends_at=starts + timedelta(minutes=minutes), venue="Hall",
                              capacity=30, requires_approval=False, booking_closes_at=starts,
                              cancellation_deadline=starts, status="COMPLETED")
            db.add(s)
            db.flush()
            b = Booking(session_id=s.id, person_id=person_id, attendee_name=name, attendee_email=f"p{person_id}@x.test",
                        school_id=school_id, booked_by_id=person_id, status=BookingStatus.ATTENDED)
            db.add(b)
            db.flush()
            ids.append(b.id)
    return ids


@pytest.fixture
def trust(make_school, make_person):
    a, b = make_school(name="Ashby Primary"), make_school(name="Brook Academy")
    return {
        "a": a, "b": b,
        "tara": make_person("tara@a.test", "Tara Teacher", roles=[("staff", a)], school_id=a),
        "theo": make_person("theo@a.test", "Theo Two", roles=[("staff", a)], school_id=a),
        "nina": make_person("nina@a.test", "Nina None", roles=[("staff", a)], school_id=a),
        "head": make_person("head@a.test", "Hannah Head", roles=[("staff", a), ("school_leader", a)], school_id=a),
        "ola": make_person("ola@b.test", "Ola Other", roles=[("staff", b)], school_id=b),
        "headb": make_person("head@b.test", "Bob Brookhead", roles=[("staff", b), ("school_leader", b)],
                             school_id=b),
        "gwen": make_person("gwen@a.test", "Gwen Governor", roles=[("governor", a)], school_id=a),
        "sip": make_person("sip@trust.test", "Sam Improvement", roles=[("sip", a)]),
        "bursar": make_person("bursar@external.test", "Bella Bursar", roles=[("external_booker",)]),
    }


@pytest.fixture
def session_of(schedule):
    def _make(title: str, starts: datetime = SOON, capacity: int = 10, **extra) -> int:
        body = {"course_title": title, "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(hours=2)).isoformat(), "venue": "Ashby Primary, hall",
                "capacity": capacity, "external_places": 0, "requires_approval": False, **extra}
        made = schedule("POST", "/sessions", json=body)
        assert made.status_code == 201, made.text
        return made.json()["id"]
    return _make


def book(service_call, session_id: int, who: tokens.Identity) -> dict:
    made = service_call("bookings", "POST", f"/sessions/{session_id}/bookings", who, json={})
    assert made.status_code in (200, 201), made.text
    return made.json()


def home_of(client, email: str):
    sign_in(client, email)
    page = client.get("/")
    assert page.status_code == 200, page.get_data(as_text=True)[:2000]
    return page


# ---------- staff ----------


def test_staff_see_their_next_sessions_places_queue_offers_hours_and_certificates(
        client, trust, session_of, service_call):
    a = trust["a"]
    tara = identity(trust["tara"], a, name="Tara Teacher")
    booked = session_of("Fractions in Year 4")
    full = session_of("Phonics refresher", capacity=1, starts=SOON + timedelta(days=1))
    book(service_call, booked, tara)
    book(service_call, full, identity(trust["theo"], a))
    book(service_call, full, tara)
    this, last = THIS_YEAR, LAST_YEAR
    [cert, *_] = attended([("Team Teach", NOW - timedelta(days=20), 90, trust["tara"], "Tara Teacher", a),
                           ("Writing moderation", term_day(last, 1), 180, trust["tara"], "Tara Teacher", a)])

    page = home_of(client, "tara@a.test")
    words = text(page)
    assert "Welcome, Tara Teacher" in words
    assert "Fractions in Year 4" in words and "Booked" in words
    assert "Phonics refresher" in words and "1st on the waiting list" in words
    # this year's hours against last year's, in figures and as the chart's table
    assert "This year (" + this + ") 1.5 h" in words and "Last year (" + last + ") 3 h" in words
    assert "My CPD hours by term" in words and "as a table" in words
    assert f'/certificates/{cert}.pdf' in page.get_data(as_text=True)
    assert "Team Teach" in words
    assert "Places offered to you" not in words
    # no leader section for a teacher
    assert "Book several staff" not in words and "waiting for your approval" not in words
