"""The admin dashboard (GET /dashboards/admin): the admin home's figures as of a fixed
moment, Wednesday 17 March 2027 at noon, and nobody but an admin gets them."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import time_machine

from services.bookings.bookings.models import Booking
from services.bookings.db import database
from services.bookings.sessions.models import CourseSession
from shared import tokens
from shared.vocabulary import BookingStatus, SessionStatus
from tests.support.fixtures import ADMIN

NOW = datetime(2027, 3, 17, 12, 0, tzinfo=timezone.utc)  # a Wednesday in the spring term of 2026-27
GOVERNOR_COURSE, PHONICS, MATHS = 50, 1, 2


def at(year, month, day, hour=15):
    return datetime(year, month, day, hour, 30, tzinfo=timezone.utc)


def session(starts_at, course_id=PHONICS, title="Phonics", capacity=10, booked=0, **values) -> int:
    with database().session() as db:
        row = CourseSession(course_id=course_id, course_title=title, starts_at=starts_at,
                            ends_at=starts_at + timedelta(hours=2), venue="Hall", capacity=capacity,
                            trust_taken=booked, booking_closes_at=starts_at, cancellation_deadline=starts_at, **values)
        db.add(row)
        db.flush()
        return row.id


def places(session_id, statuses, **values) -> None:
    with database().session() as db:
        db.add_all([Booking(session_id=session_id, person_id=100 + i, attendee_name=f"P{i}", attendee_email="p@t.test",
                            school_id=1, booked_by_id=100 + i, status=s, **values) for i, s in enumerate(statuses)])


def dashboard(service_call, identity=ADMIN, governor_courses=(GOVERNOR_COURSE,)):
    params = {"governor_course_ids": ",".join(map(str, governor_courses))} if governor_courses else {}
    return service_call("bookings", "GET", "/dashboards/admin", identity, params=params)


@pytest.fixture
def wednesday():
    with time_machine.travel(NOW, tick=False):
        yield


def test_this_weeks_sessions_with_their_places_booked(service_call, wednesday):
    tuesday = session(at(2027, 3, 16), title="Phonics refresher", booked=3)
    friday = session(at(2027, 3, 19), title="Fractions", course_id=MATHS, capacity=20, booked=16)
    session(at(2027, 3, 18), status=SessionStatus.CANCELLED)
    session(at(2027, 3, 22))  # next Monday
    session(at(2027, 3, 14))  # last Sunday
    week = dashboard(service_call).json()
    assert week["week_starts_on"] == "2027-03-15"
    assert [(s["id"], s["course_title"], s["booked"], s["capacity"]) for s in week["this_week"]] == [
        (tuesday, "Phonics refresher", 3, 10), (friday, "Fractions", 16, 20)]


def test_registers_to_take_are_sessions_started_and_not_yet_marked(service_call, wednesday):
    started = session(NOW - timedelta(minutes=30), title="Started this morning")
    older = session(at(2027, 3, 1), title="Early March")
    session(at(2027, 3, 2), register_taken_at=at(2027, 3, 2, 18), status=SessionStatus.COMPLETED)
    session(at(2027, 3, 3), status=SessionStatus.CANCELLED)
    session(NOW + timedelta(minutes=30))  # not started yet
    registers = dashboard(service_call).json()["registers_to_take"]
    assert registers["total"] == 2
    assert [s["id"] for s in registers["items"]] == [started, older]  # the latest first


def test_under_filled_is_below_half_within_two_weeks(service_call, wednesday):
    empty = session(at(2027, 3, 22), title="Monday, 2 of 10", booked=2)
    session(at(2027, 3, 25), booked=5)  # exactly half: not under
    session(at(2027, 3, 19), booked=8)
    session(at(2027, 4, 5), booked=1)  # 19 days away: time yet
    session(at(2027, 3, 23), booked=0, status=SessionStatus.CANCELLED)
    session(NOW - timedelta(hours=1), booked=0)  # started
    board = dashboard(service_call).json()
    assert (board["under_filled_below"], board["under_filled_days"]) == (0.5, 14)
    assert [(s["id"], s["booked"]) for s in board["under_filled"]] == [(empty, 2)]


def test_feedback_averages_by_course_from_recent_ratings(service_call, wednesday):
    phonics = session(at(2027, 2, 1), title="Phonics")
    maths = session(at(2027, 2, 2), course_id=MATHS, title="Fractions")
    old = session(at(2026, 6, 1), title="Phonics")
    for rating in (4, 5):
        places(phonics, [BookingStatus.ATTENDED], feedback_rating=rating, feedback_at=at(2027, 2, 5))
    places(maths, [BookingStatus.ATTENDED], feedback_rating=3, feedback_at=at(2027, 2, 6))
    places(old, [BookingStatus.ATTENDED], feedback_rating=1, feedback_at=at(2026, 6, 2))  # 9 months ago
    places(phonics, [BookingStatus.ATTENDED])  # no rating
    board = dashboard(service_call).json()
    assert board["feedback_days"] == 90
    assert board["feedback"] == [
        {"course_id": PHONICS, "course_title": "Phonics", "count": 2, "average": 4.5},
        {"course_id": MATHS, "course_title": "Fractions", "count": 1, "average": 3.0}]


def test_governor_cpd_this_year_against_the_same_point_last_year(service_call, wednesday):
    this_autumn = session(at(2026, 10, 10), course_id=GOVERNOR_COURSE, title="Governor induction")
    places(this_autumn, [BookingStatus.ATTENDED] * 3 + [BookingStatus.NO_SHOW])
    places(session(at(2027, 2, 1), course_id=GOVERNOR_COURSE), [BookingStatus.ATTENDED] * 2)
    places(session(at(2025, 11, 5), course_id=GOVERNOR_COURSE), [BookingStatus.ATTENDED])
    places(session(at(2026, 3, 17), course_id=GOVERNOR_COURSE), [BookingStatus.ATTENDED])  # the same day
    places(session(at(2026, 3, 18), course_id=GOVERNOR_COURSE), [BookingStatus.ATTENDED] * 5)  # after it
    places(session(at(2025, 8, 30), course_id=GOVERNOR_COURSE), [BookingStatus.ATTENDED] * 7)  # the year before
    places(session(at(2027, 1, 12), course_id=PHONICS), [BookingStatus.ATTENDED] * 9)  # not governor CPD
    kpi = dashboard(service_call).json()["governor_cpd"]
    assert {k: kpi[k] for k in ("academic_year", "last_academic_year", "as_of", "same_point_last_year",
                                "attended", "attended_last_year")} == {
        "academic_year": "2026-27", "last_academic_year": "2025-26", "as_of": "2027-03-17",
        "same_point_last_year": "2026-03-17", "attended": 5, "attended_last_year": 2}
    assert [(m["month"], m["this_year"], m["last_year"]) for m in kpi["by_month"]] == [
        ("2026-09", 0, 0), ("2026-10", 3, 0), ("2026-11", 0, 1), ("2026-12", 0, 0), ("2027-01", 0, 0),
        ("2027-02", 2, 0), ("2027-03", 0, 1)]
    assert dashboard(service_call, governor_courses=()).json()["governor_cpd"]["attended"] == 0


def test_the_same_point_last_year_of_29_february_is_the_28th(service_call):
    with time_machine.travel(datetime(2028, 2, 29, 12, tzinfo=timezone.utc), tick=False):
        places(session(at(2027, 2, 28), course_id=GOVERNOR_COURSE), [BookingStatus.ATTENDED])
        places(session(at(2027, 3, 1), course_id=GOVERNOR_COURSE), [BookingStatus.ATTENDED] * 4)
        kpi = dashboard(service_call).json()["governor_cpd"]
    assert (kpi["same_point_last_year"], kpi["attended_last_year"]) == ("2027-02-28", 1)


@pytest.mark.parametrize("who", [
    tokens.Identity(subject="7", school_id=1, grants=(tokens.Grant("staff", school_id=1),)),
    tokens.Identity(subject="9", school_id=1, grants=(tokens.Grant("staff", school_id=1),
                                                      tokens.Grant("school_leader", school_id=1))),
    tokens.Identity(subject="50", grants=(tokens.Grant("network_lead", network_id=1),)),
    tokens.Identity(subject="60", school_id=1, grants=(tokens.Grant("governor", school_id=1),)),
], ids=["staff", "school leader", "network lead", "governor"])
def test_only_admins_get_the_dashboard(service_call, who):
    session(datetime.now(timezone.utc) + timedelta(days=2), booked=1)
    refused = dashboard(service_call, who)
    assert refused.status_code == 403
    assert "Only Lighthouse Learning admins" in refused.json()["message"]
    assert "under_filled" not in refused.text


def test_bad_course_ids_are_refused(service_call):
    assert service_call("bookings", "GET", "/dashboards/admin", params={"governor_course_ids": "1;2"}).status_code == 422
