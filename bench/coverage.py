"""The cascade's coverage map through the gateway, for the trust's 30 schools and for 300:
five programmes over every school, each from two trust-wide sessions (bookings) and a
network follow-up meeting (networks), with most schools' sprints planned, many held and
noted (catalogue).  Server time of the coverage map page and of one GraphQL query for
all five programmes' coverage (gunicorn, real processes; p50/p95 of sequential
requests, an admin signed in through the provider), and the backend calls each makes —
which must be the same at 30 schools as at 300.

Calls are counted on a gateway made in this process (its Backends' fetch, as
tests/support/counting.py counts them) against the same services and databases."""
from __future__ import annotations

import logging
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from datetime import time as clock
from pathlib import Path

import httpx
import sqlalchemy as sa

from bench.booking_rush import _signed_in_client
from bench.harness import ROOT, base_env, free_port, fresh_databases, percentile, start, table, wait_ready

PROGRAMMES = 5
SIZES = (30, 300)
WARM_UP = 3
ADMIN_EMAIL = "ll.admin@lighthouse.test"
COMPONENTS = {"gateway": "gateway.db", "catalogue": "services.catalogue.db", "bookings": "services.bookings.db",
              "networks": "services.networks.db"}
QUERY = """{ programmes { id title coverage(orderBy: RISK) { school { name supportBand { band } } stage
  attendedSource attendedFollowUp sessionsPlanned firstSessionHeldOn qaRecorded gaps steps { stage state } } } }"""


def _admin():
    from shared import tokens

    return tokens.Identity(subject="1", name="Bench admin", grants=(tokens.Grant("ll_admin"),))


def _weekday(ahead: int) -> datetime:
    """`ahead` weekdays from today (back, when negative), 15:45 UK time."""
    from shared.clock import LONDON

    day, step = datetime.now(timezone.utc).astimezone(LONDON).date(), 1 if ahead > 0 else -1
    for _ in range(abs(ahead)):
        day += timedelta(days=step)
        while day.weekday() >= 5:
            day += timedelta(days=step)
    return datetime.combine(day, clock(15, 45), LONDON)


def _schools(total: int, rng: random.Random) -> list[int]:
    """The demo trust's 30 schools (and accounts), then bench schools up to `total`."""
    from gateway.db import database
    from gateway.identity.models import School
    from gateway.seed import seed

    seed()
    with database().session() as db:
        have = db.execute(sa.select(sa.func.count()).select_from(School)).scalar_one()
        db.add_all([School(name=f"Bench School {i:03d}", urn=f"8{i:05d}", phase="PRIMARY", pupil_count=200,
                           risk_band=rng.choice(["LOW", "LOW", "MEDIUM", "HIGH"])) for i in range(have, total)])
        db.flush()
        return list(db.execute(sa.select(School.id).order_by(School.id)).scalars())


def _sources(rng: random.Random) -> tuple[int, list[list[int]], int, list[int]]:
    """The course, each programme's two trust-wide sessions held last term, and the
    network with a follow-up meeting for each programme."""
    from services.bookings.db import database as bookings_db
    from services.bookings.sessions.models import CourseSession
    from services.catalogue.courses.schemas import CourseIn
    from services.catalogue.courses.service import save_course
    from services.catalogue.db import database as catalogue_db
    from services.networks.db import database as networks_db
    from services.networks.meetings.models import Meeting
    from services.networks.networks.models import Network
    from shared.vocabulary import MeetingStatus, SessionStatus

    with catalogue_db().session() as db:
        course = save_course(db, _admin(), CourseIn(
            title="White Rose Maths mastery", summary="Mastery in primary maths.", description="A day on mastery.",
            subject="Maths", phases=["KS1", "KS2"], audiences=["TEACHER"], provider="White Rose Maths",
            delivery_mode="IN_PERSON", duration_minutes=300, visibility="TRUST", status="PUBLISHED")).id
    held = datetime.now(timezone.utc) - timedelta(days=60)
    with bookings_db().session() as db:
        rows = [CourseSession(course_id=course, course_title="White Rose Maths mastery", starts_at=held + timedelta(days=i),
                              ends_at=held + timedelta(days=i, hours=5), venue="Harbourside Academy", capacity=400,
                              booking_closes_at=held, cancellation_deadline=held, status=SessionStatus.COMPLETED,
                              register_taken_at=held + timedelta(days=i, hours=6)) for i in range(2 * PROGRAMMES)]
        db.add_all(rows)
        db.flush()
        sessions = [[rows[2 * p].id, rows[2 * p + 1].id] for p in range(PROGRAMMES)]
    with networks_db().session() as db:
        network = Network(name="Bench maths network", subject="Maths")
        db.add(network)
        db.flush()
        meetings = [Meeting(network_id=network.id, title=f"Follow-up {p + 1}", term="SUMMER", status=MeetingStatus.HELD,
                            starts_at=held + timedelta(days=20 + p), ends_at=held + timedelta(days=20 + p, hours=2),
                            venue="Harbourside Academy") for p in range(PROGRAMMES)]
        db.add_all(meetings)
        db.flush()
        return course, sessions, network.id, [m.id for m in meetings]


def _grow(schools: list[int], known: set[int], course: int, sessions: list[list[int]], network: int,
          meetings: list[int], programmes: list[int], rng: random.Random) -> list[int]:
    """Every school in each programme; each new school with its staff at the source
    sessions and the follow-up (most of them), and its sprint (most), first session
    held (many) and noted (some) — through the catalogue's own operations."""
    from services.bookings.bookings.models import Booking
    from services.bookings.db import database as bookings_db
    from services.catalogue.cascade.models import SprintSession
    from services.catalogue.cascade.notes import record_note
    from services.catalogue.cascade.programmes import save_programme
    from services.catalogue.cascade.schemas import ProgrammeIn, QaNoteIn, SprintPlanIn
    from services.catalogue.cascade.sprints import plan_sprint
    from services.catalogue.db import database as catalogue_db
    from services.networks.db import database as networks_db
    from services.networks.meetings.models import Attendance
    from shared.vocabulary import BookingStatus

    new = [s for s in schools if s not in known]
    admin = _admin()
    with catalogue_db().session() as db:
        for p in range(PROGRAMMES):
            data = ProgrammeIn(title=f"Cascade {p + 1}", source_course_id=course, source_session_ids=sessions[p],
                               network_id=network, follow_up_meeting_ids=[meetings[p]], school_scope="ALL",
                               school_ids=schools)
            made = save_programme(db, admin, data, programmes[p] if p < len(programmes) else None)
            if p >= len(programmes):
                programmes.append(made.id)
            for school in new:
                if rng.random() < 0.8:
                    plan = SprintPlanIn(lead_id=1, lead_name="Bench lead", sessions=[
                        {"topic": f"Session {i + 1}", "scheduled_at": _weekday(3 + 5 * i)} for i in range(3)])
                    plan_sprint(db, admin, made.id, school, plan)
        db.flush()
        first = db.execute(sa.select(SprintSession.id).where(SprintSession.sequence == 1,
                                                             SprintSession.status == "PLANNED")).scalars().all()
        held = [s for s in first if rng.random() < 0.6]
        if held:
            db.execute(sa.update(SprintSession).where(SprintSession.id.in_(held)).values(
                status="HELD", staff_attending=8, scheduled_at=_weekday(-3)))
        for session_id in held:
            if rng.random() < 0.6:
                record_note(db, admin, session_id, QaNoteIn(judgement=rng.choice(["SECURE", "DEVELOPING"]),
                                                            strengths="Modelling.", development_points="Reasoning.",
                                                            next_session_plan="Bar models."))
    with bookings_db().session() as db:
        person = 100_000 + 10 * max(known, default=0)
        rows, made_at = [], datetime.now(timezone.utc) - timedelta(days=90)
        for school in new:
            for p in range(PROGRAMMES):
                for _ in range(rng.choice([0, 1, 2, 3, 4])):
                    person += 1
                    rows.append({"session_id": rng.choice(sessions[p]), "person_id": person, "school_id": school,
                                 "attendee_name": f"Teacher {person}", "attendee_email": f"t{person}@bench.test",
                                 "booked_by_id": person, "status": BookingStatus.ATTENDED, "created_at": made_at,
                                 "updated_at": made_at})
        if rows:
            db.execute(sa.insert(Booking), rows)
    with networks_db().session() as db:
        db.add_all([Attendance(meeting_id=m, person_id=200_000 + school, school_id=school)
                    for school in new for m in meetings if rng.random() < 0.6])
    known.update(new)
    return programmes


def _calls(app, programmes: list[int]) -> tuple[int, int]:
    """The backend calls of the coverage map page and of the GraphQL query, on the
    gateway made here."""
    from urllib.parse import urlsplit

    client = app.test_client()
    begin = client.get("/auth/login/default")
    back = urlsplit(httpx.post(begin.headers["Location"], data={"sub": ADMIN_EMAIL}).headers["location"])
    client.get(f"{back.path}?{back.query}")
    backends = app.extensions["lighthouse_backends"]
    counts = []
    for ask in (lambda: client.get(f"/programmes/{programmes[0]}?order=RISK"),
                lambda: client.post("/graphql", json={"query": QUERY}, headers={"X-CSRFToken": _token(client)})):
        calls: list = []
        fetch = backends.fetch

        def counted(service, method, path, **kwargs):
            calls.append(path)
            return fetch(service, method, path, **kwargs)

        backends.fetch = counted
        try:
            response = ask()
        finally:
            del backends.fetch
        assert response.status_code == 200, response.status_code
        counts.append(len(calls))
    return counts[0], counts[1]


def _token(client) -> str:
    import re

    return re.search(r'name="csrf-token" content="([^"]+)"', client.get("/sign-in").get_data(as_text=True)).group(1)


def _time(gateway: str, programmes: list[int], requests: int) -> tuple[list[float], list[float], int]:
    client, token = _signed_in_client(gateway, ADMIN_EMAIL)
    page, query, rows = [], [], 0
    for i in range(WARM_UP + requests):
        t = time.perf_counter()
        response = client.get(f"/programmes/{programmes[i % len(programmes)]}?order=RISK")
        elapsed = (time.perf_counter() - t) * 1000
        assert response.status_code == 200, response.status_code
        t = time.perf_counter()
        answer = client.post("/graphql", json={"query": QUERY}, headers={"X-CSRFToken": token})
        took = (time.perf_counter() - t) * 1000
        assert answer.status_code == 200 and not answer.json().get("errors"), answer.text[:500]
        rows = sum(len(p["coverage"]) for p in answer.json()["data"]["programmes"])
        if i >= WARM_UP:
            page.append(elapsed)
            query.append(took)
    client.close()
    return page, query, rows


def run(database_url: str | None = None, requests: int = 30, sizes: tuple[int, ...] = SIZES) -> None:
    var_dir = Path(tempfile.mkdtemp(prefix="ll-bench-coverage-"))
    env = base_env(var_dir, database_url)
    ports = {name: free_port() for name in ("catalogue", "bookings", "networks", "gateway", "oidc")}
    env.update({f"LL_{n.upper()}_URL": f"http://127.0.0.1:{ports[n]}" for n in ("catalogue", "bookings", "networks")})
    env["LL_OIDC_ISSUER"] = f"http://127.0.0.1:{ports['oidc']}"
    os.environ.update(env)
    fresh_databases(database_url, COMPONENTS)
    rng = random.Random(16)
    procs = [subprocess.Popen([sys.executable, "-m", "gateway.dev_oidc", "--port", str(ports["oidc"])], cwd=ROOT,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    procs += [start(f"services.{n}", ports[n], env) for n in ("catalogue", "bookings", "networks")]
    procs.append(start("gateway", ports["gateway"], env))
    rows, calls_at = [], []
    try:
        for name in ("catalogue", "bookings", "networks", "gateway"):
            wait_ready(f"http://127.0.0.1:{ports[name]}")
        from gateway.app import create_app
        from shared.settings import get_settings

        app = create_app(get_settings())
        for noisy in ("httpx", "lighthouse.access"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
        course, sessions, network, meetings = _sources(rng)
        programmes, known = [], set()
        for size in sizes:
            t = time.perf_counter()
            programmes = _grow(_schools(size, rng), known, course, sessions, network, meetings, programmes, rng)
            print(f"  {size} schools × {PROGRAMMES} programmes made ({time.perf_counter() - t:.1f} s)",
                  file=sys.stderr)
            page_calls, query_calls = _calls(app, programmes)
            page, query, seen = _time(f"http://127.0.0.1:{ports['gateway']}", programmes, requests)
            calls_at.append((page_calls, query_calls))
            rows.append([f"{size}", "the coverage map page (one programme, by risk)", requests,
                         percentile(page, 50), percentile(page, 95), page_calls])
            rows.append([f"{size}", f"GraphQL: all {PROGRAMMES} programmes' coverage ({seen:,} rows)", requests,
                         percentile(query, 50), percentile(query, 95), query_calls])
            print(f"  {size} schools: page {percentile(page, 50):.0f} ms, query {percentile(query, 50):.0f} ms p50",
                  file=sys.stderr)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(10)
    backend = "PostgreSQL" if database_url else "SQLite"
    print(f"\nThe cascade's coverage map on {backend}: {PROGRAMMES} programmes over every school, each from two "
          f"trust-wide sessions and a network follow-up; {requests} sequential requests of each after a warm-up, "
          "through gunicorn (2 workers), signed in as an admin\n")
    print(table(["schools", "what", "requests", "p50 ms", "p95 ms", "backend calls"], rows))
    steady = len(set(calls_at)) == 1
    print(f"\nBackend calls {'the same' if steady else 'NOT the same'} at "
          f"{' and '.join(str(s) for s in sizes)} schools.")
