"""Capacity under a rush: many real requests in parallel for one session, on whichever
database the suite runs (SQLite or PostgreSQL).  The control test shows the race the
guard exists for."""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import httpx
import pytest
import sqlalchemy as sa

from services.bookings.db import database
from services.bookings.bookings.models import Booking
from services.bookings.sessions.models import CourseSession
from shared import tokens
from shared.vocabulary import BookingStatus

CAPACITY, CLIENTS = 10, 40


def _session(service_call, schedule) -> int:
    start = datetime.now(timezone.utc) + timedelta(days=7)
    body = {"course_id": 1, "course_title": "Team Teach Level 1", "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=1)).isoformat(),
            "venue": "Hall", "capacity": CAPACITY, "external_places": 0, "requires_approval": False}
    return schedule("POST", "/sessions", json=body).json()["id"]


def test_a_rush_confirms_exactly_capacity(stack, service_call, schedule):
    session_id = _session(service_call, schedule)
    private = stack.settings.private_key_pem()
    people = [tokens.Identity(subject=str(1000 + i), name=f"P{i}", email=f"p{i}@t.test", school_id=1,
                              grants=(tokens.Grant("staff", school_id=1),)) for i in range(CLIENTS)]
    headers = [{"Authorization": f"Bearer {tokens.sign(p, 'bookings', private)}"} for p in people]
    gate = threading.Barrier(CLIENTS)

    def rush(h):
        with httpx.Client(timeout=60) as http:
            gate.wait()
            return http.post(f"{stack.bookings.url}/sessions/{session_id}/bookings", json={}, headers=h)

    with ThreadPoolExecutor(CLIENTS) as pool:
        responses = list(pool.map(rush, headers))
    assert [r.status_code for r in responses] == [201] * CLIENTS, [r.text for r in responses if r.status_code != 201]
    statuses = [r.json()["status"] for r in responses]
    assert statuses.count("CONFIRMED") == CAPACITY
    assert statuses.count("WAITLISTED") == CLIENTS - CAPACITY
    positions = sorted(r.json()["waiting_list_position"] for r in responses if r.json()["status"] == "WAITLISTED")
    assert positions == list(range(1, CLIENTS - CAPACITY + 1))
    with database().session() as db:
        held = db.execute(sa.select(sa.func.count()).select_from(Booking).where(
            Booking.session_id == session_id, Booking.status == BookingStatus.CONFIRMED)).scalar_one()
        assert held == CAPACITY == db.get(CourseSession, session_id).trust_taken


def test_control_read_then_write_overbooks(service_call, schedule):
    """The naive way — count the confirmed bookings, then insert if there is room — lets
    concurrent requests all see the same free place.  This is what the guard prevents."""
    session_id = _session(service_call, schedule)
    gate = threading.Barrier(CLIENTS)
    db = database()

    def naive(i):
        gate.wait()
        with db.engine.begin() as conn:
            taken = conn.execute(sa.select(sa.func.count()).select_from(Booking).where(
                Booking.session_id == session_id, Booking.status == "CONFIRMED")).scalar_one()
        time.sleep(0.05)  # the work a real request does between its read and its write
        if taken < CAPACITY:
            with db.engine.begin() as conn:
                conn.execute(sa.insert(Booking).values(
                    session_id=session_id, person_id=2000 + i, attendee_name="x", attendee_email="x@t.test",
                    booked_by_id=2000 + i, status="CONFIRMED", created_at=datetime.now(timezone.utc),
                    updated_at=datetime.now(timezone.utc)))

    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(naive, range(CLIENTS)))
    with db.session() as s:
        confirmed = s.execute(sa.select(sa.func.count()).select_from(Booking).where(
            Booking.session_id == session_id, Booking.status == "CONFIRMED")).scalar_one()
    assert confirmed > CAPACITY


def test_one_person_booking_many_times_at_once_holds_one_place(stack, service_call, schedule):
    """A double-click, or a retry that overtakes the first try: every request answers the
    same booking, and only one place is taken."""
    session_id = _session(service_call, schedule)
    who = tokens.Identity(subject="3001", name="Quick Clicker", email="qc@t.test", school_id=1,
                          grants=(tokens.Grant("staff", school_id=1),))
    header = {"Authorization": f"Bearer {tokens.sign(who, 'bookings', stack.settings.private_key_pem())}"}
    gate = threading.Barrier(12)

    def click(_):
        with httpx.Client(timeout=60) as http:
            gate.wait()
            return http.post(f"{stack.bookings.url}/sessions/{session_id}/bookings", json={}, headers=header)

    with ThreadPoolExecutor(12) as pool:
        responses = list(pool.map(click, range(12)))
    assert sorted(r.status_code for r in responses).count(201) == 1
    assert {r.status_code for r in responses} <= {200, 201}, [r.text for r in responses]
    assert len({r.json()["id"] for r in responses}) == 1
    with database().session() as db:
        assert db.get(CourseSession, session_id).trust_taken == 1


def test_a_confirmed_place_waits_for_the_disk_and_a_queue_entry_does_not(service_call, schedule):
    """The durability policy: a confirmed place commits synchronously; joining the queue
    of a full session (under its lock) does not wait for the disk.  PostgreSQL only —
    SQLite has no such setting."""
    if not database().engine.dialect.name == "postgresql":
        pytest.skip("synchronous_commit is PostgreSQL's")
    from services.bookings.bookings import service

    session_id = _session(service_call, schedule)
    admin = tokens.Identity(subject="service:test", grants=(tokens.Grant("ll_admin"),))
    seen = []
    for i in range(CAPACITY + 1):
        with database().session() as db:
            booking, _ = service.book(db, admin, session_id, service.Attendee(5000 + i, f"Q{i}", f"q{i}@t.test", 1))
            seen.append((booking.status, db.execute(sa.text("SHOW synchronous_commit")).scalar_one()))
            db.commit()
    assert seen[:CAPACITY] == [(BookingStatus.CONFIRMED, "on")] * CAPACITY
    assert seen[CAPACITY] == (BookingStatus.WAITLISTED, "off")
