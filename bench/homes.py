"""Each role's home page with a year of data: the trust's 30 schools and their staff
(the demo data's), 300 sessions from eight months ago to four months ahead, and first
1,000 then 3,000 bookings among the staff.  Server time through the gateway (gunicorn,
real processes; p50/p95 of sequential requests, each person signed in through the
provider) and the backend calls each page makes, which must be the same at both sizes.

Calls are counted on a gateway made in this process (its Backends' fetch, as
tests/support/counting.py counts them) against the same services and databases: the
gunicorn gateway only says how long it took."""
from __future__ import annotations

import logging
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from datetime import time as clock
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import sqlalchemy as sa

from bench.booking_rush import _signed_in_client
from bench.harness import ROOT, base_env, free_port, fresh_databases, percentile, start, table, wait_ready

# (role, demo account: gateway/seed.py DEMO_ACCOUNTS)
ROLES = [("staff", "teacher@lighthouse.test"), ("school leader", "head@lighthouse.test"),
         ("network lead", "maths.lead@lighthouse.test"), ("admin", "ll.admin@lighthouse.test"),
         ("governor", "governor@lighthouse.test")]
SESSIONS = 300
SIZES = (1_000, 3_000)
WARM_UP = 3
COMPONENTS = {"gateway": "gateway.db", "catalogue": "services.catalogue.db", "bookings": "services.bookings.db",
              "networks": "services.networks.db"}




def _seed() -> tuple[list[tuple], dict[str, tuple]]:
    """The demo schools, staff, accounts, courses and networks; the courses' listings in
    bookings' copy (as the catalogue would deliver them).  Returns every staff member
    (id, name, email, school id) and the demo accounts by email."""
    from gateway.db import database as gateway_db
    from gateway.identity.models import Person, RoleGrant
    from gateway.seed import seed as seed_gateway
    from services.bookings.copies.schemas import CourseListingFact
    from services.bookings.copies.service import keep_course_listing
    from services.bookings.db import database as bookings_db
    from services.catalogue.courses.models import Course
    from services.catalogue.db import database as catalogue_db
    from services.catalogue.seed import seed as seed_catalogue
    from services.networks.seed import seed as seed_networks
    from shared.vocabulary import CourseStatus, Role

    seed_gateway()
    seed_catalogue()
    seed_networks()
    with catalogue_db().session() as db, bookings_db().session() as copies:
        for course in db.exec(sa.select(Course)).scalars().all():
            keep_course_listing(copies, course.id, CourseListingFact(
                version=1, title=course.title, subject=course.subject, phases=[p.value for p in course.phases],
                visibility=course.visibility.value, published=course.status == CourseStatus.PUBLISHED))
    with gateway_db().session() as db:
        people = db.execute(sa.select(Person.id, Person.name, Person.email, Person.school_id)
                            .join(RoleGrant, RoleGrant.person_id == Person.id)
                            .where(RoleGrant.role == Role.STAFF).distinct()).all()
        accounts = {email: row for email, *_ in ROLES
                    for row in db.execute(sa.select(Person.id, Person.name, Person.email, Person.school_id)
                                          .where(Person.email == email)).all()}
    return [tuple(p) for p in people], {e: tuple(r) for e, r in accounts.items()}


def _courses() -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(id, title) of the governor courses and of the others."""
    from services.catalogue.courses.models import Course, CourseAudience
    from services.catalogue.db import database as catalogue_db
    from shared.vocabulary import Audience

    with catalogue_db().session() as db:
        governor = set(db.execute(sa.select(CourseAudience.course_id)
                                  .where(CourseAudience.audience == Audience.GOVERNOR)).scalars())
        rows = db.execute(sa.select(Course.id, Course.title).order_by(Course.id)).all()
    return [tuple(r) for r in rows if r[0] in governor], [tuple(r) for r in rows if r[0] not in governor]


def _sessions(rng: random.Random) -> list[dict]:
    """300 sessions on weekdays from eight months ago to four months ahead, one in ten
    for governors.  Those over are COMPLETED with their register taken, but for the
    last few (registers to take)."""
    from services.bookings.db import database
    from services.bookings.sessions.models import CourseSession
    from shared.clock import LONDON
    from shared.vocabulary import SessionStatus

    governor, others = _courses()
    now = datetime.now(timezone.utc)
    first = now.astimezone(LONDON).date() - timedelta(days=240)
    days = [first + timedelta(days=i) for i in range(360) if (first + timedelta(days=i)).weekday() < 5]
    made = []
    with database().session() as db:
        for i in range(SESSIONS):
            course_id, title = (governor if i % 10 == 0 else others)[rng.randrange(len(governor if i % 10 == 0
                                                                                     else others))]
            day = days[i * len(days) // SESSIONS]
            starts = datetime.combine(day, clock(15, 45) if i % 2 else clock(9, 0), LONDON)
            over = starts.astimezone(timezone.utc) < now - timedelta(days=3)
            row = CourseSession(course_id=course_id, course_title=title, starts_at=starts,
                                ends_at=starts + timedelta(hours=2), venue="Saltmarsh Primary School",
                                capacity=40, booking_closes_at=starts, cancellation_deadline=starts - timedelta(days=2),
                                status=SessionStatus.COMPLETED if over else SessionStatus.SCHEDULED,
                                register_taken_at=starts + timedelta(hours=3) if over else None)
            db.add(row)
            db.flush()
            made.append({"id": row.id, "starts": starts.astimezone(timezone.utc), "governor": i % 10 == 0,
                         "taken": 0, "people": set()})
    return made


def _book(sessions: list[dict], people: list[tuple], accounts: dict, target: int, made: int,
          rng: random.Random) -> int:
    """Bookings up to `target` in all: staff on ordinary sessions, governors (the demo
    governor among them) on governor ones; attended and often rated once a session is
    over, confirmed (or waiting, when full) before.  The demo accounts hold a share."""
    from services.bookings.bookings.models import Booking
    from services.bookings.db import database
    from services.bookings.sessions.models import CourseSession
    from shared.vocabulary import BookingStatus

    now = datetime.now(timezone.utc)
    demo = [accounts[e] for e in ("teacher@lighthouse.test", "head@lighthouse.test", "maths.lead@lighthouse.test")
            if e in accounts]
    governor = accounts.get("governor@lighthouse.test")
    rows = []
    while made + len(rows) < target:
        s = sessions[rng.randrange(len(sessions))]
        who = governor if s["governor"] and rng.random() < 0.1 else (
            rng.choice(demo) if demo and rng.random() < 0.02 else rng.choice(people))
        if who is None or who[0] in s["people"]:
            continue
        s["people"].add(who[0])
        over = s["starts"] < now - timedelta(days=3)
        started = s["starts"] < now
        if s["taken"] >= 40:
            status = BookingStatus.CANCELLED if started else BookingStatus.WAITLISTED
        elif over:
            status = BookingStatus.ATTENDED if rng.random() < 0.88 else BookingStatus.NO_SHOW
        else:
            status = BookingStatus.PENDING_APPROVAL if rng.random() < 0.1 else BookingStatus.CONFIRMED
        if status in (BookingStatus.ATTENDED, BookingStatus.NO_SHOW, BookingStatus.CONFIRMED,
                      BookingStatus.PENDING_APPROVAL):
            s["taken"] += 1
        rated = status == BookingStatus.ATTENDED and rng.random() < 0.5
        rows.append({"session_id": s["id"], "person_id": who[0], "attendee_name": who[1], "attendee_email": who[2],
                     "school_id": who[3], "booked_by_id": who[0], "status": status,
                     "feedback_rating": rng.choice([3, 4, 4, 5, 5]) if rated else None,
                     "feedback_at": s["starts"] + timedelta(days=1) if rated else None,
                     "created_at": s["starts"] - timedelta(days=20), "updated_at": s["starts"] - timedelta(days=20)})
    with database().session() as db:
        if rows:
            db.execute(sa.insert(Booking), rows)
        for s in sessions:
            db.execute(sa.update(CourseSession).where(CourseSession.id == s["id"]).values(trust_taken=s["taken"]))
    return made + len(rows)


def _networks(people: list[tuple], accounts: dict, rng: random.Random) -> None:
    """The maths network (its lead the demo network lead) with a member from every
    school, a year of meetings with RSVPs and actions; the governors' network led by
    the demo governor."""
    from services.networks.db import database
    from services.networks.meetings.models import Action, Meeting, Rsvp
    from services.networks.networks.models import Membership
    from shared.vocabulary import MembershipRole, RsvpResponse

    by_school: dict[int, tuple] = {}
    for p in people:
        by_school.setdefault(p[3], p)
    lead, governor = accounts.get("maths.lead@lighthouse.test"), accounts.get("governor@lighthouse.test")
    now = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    with database().session() as db:
        members = [p for p in by_school.values() if lead is None or p[0] != lead[0]]
        for network_id, head, crowd in ((1, lead, members), (10, governor, [])):
            if head is not None:
                db.add(Membership(network_id=network_id, person_id=head[0], name=head[1], email=head[2],
                                  school_id=head[3], role=MembershipRole.LEAD))
            for p in crowd:
                db.add(Membership(network_id=network_id, person_id=p[0], name=p[1], email=p[2], school_id=p[3]))
        for n, days in enumerate((-200, -90, 20, 110)):
            when = now + timedelta(days=days)
            meeting = Meeting(network_id=1, title=f"Maths network meeting {n + 1}", starts_at=when,
                              ends_at=when + timedelta(hours=2), venue="Harbourside Academy")
            db.add(meeting)
            db.flush()
            for p in members:
                if rng.random() < 0.7:
                    db.add(Rsvp(meeting_id=meeting.id, person_id=p[0], response=rng.choice(list(RsvpResponse))))
            if days < 0 and lead is not None:
                for k in range(3):
                    owner = rng.choice(members)
                    db.add(Action(meeting_id=meeting.id, network_id=1, description=f"Share the resource {n}.{k}",
                                  owner_id=owner[0], owner_name=owner[1], owner_email=owner[2],
                                  due_on=(now + timedelta(days=14 * (k - 1))).date()))


def _count_calls(app, email: str) -> tuple[int, list[str]]:
    """The backend calls the home page makes for `email`, and the sections it shows,
    on the gateway made here."""
    client = app.test_client()
    begin = client.get("/auth/login/default")
    provider = httpx.post(begin.headers["Location"], data={"sub": email})
    back = urlsplit(provider.headers["location"])
    client.get(f"{back.path}?{back.query}")
    backends = app.extensions["lighthouse_backends"]
    calls: list = []
    fetch = backends.fetch

    def counted(service, method, path, **kwargs):
        calls.append((service, method, path))
        return fetch(service, method, path, **kwargs)

    backends.fetch = counted
    try:
        page = client.get("/")
    finally:
        del backends.fetch
    assert page.status_code == 200, page.status_code
    return len(calls), re.findall(r'aria-labelledby="home-([a-z_]+)"', page.get_data(as_text=True))


def _time(gateway: str, email: str, requests: int) -> list[float]:
    client, _ = _signed_in_client(gateway, email)
    for _ in range(WARM_UP):
        client.get("/")
    timings = []
    for _ in range(requests):
        t = time.perf_counter()
        response = client.get("/")
        timings.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, (email, response.status_code)
    client.close()
    return timings


def run(database_url: str | None = None, requests: int = 30, sizes: tuple[int, ...] = SIZES) -> None:
    var_dir = Path(tempfile.mkdtemp(prefix="ll-bench-homes-"))
    env = base_env(var_dir, database_url)
    ports = {name: free_port() for name in ("catalogue", "bookings", "networks", "gateway", "oidc")}
    env.update({f"LL_{n.upper()}_URL": f"http://127.0.0.1:{ports[n]}" for n in ("catalogue", "bookings", "networks")})
    env["LL_OIDC_ISSUER"] = f"http://127.0.0.1:{ports['oidc']}"
    os.environ.update(env)
    t = time.perf_counter()
    fresh_databases(database_url, COMPONENTS)
    rng = random.Random(13)
    people, accounts = _seed()
    sessions = _sessions(rng)
    _networks(people, accounts, rng)
    print(f"  {len(people)} staff in {len({p[3] for p in people})} schools, {len(sessions)} sessions "
          f"({time.perf_counter() - t:.1f} s)", file=sys.stderr)
    procs = [subprocess.Popen([sys.executable, "-m", "gateway.dev_oidc", "--port", str(ports["oidc"])], cwd=ROOT,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    procs += [start(f"services.{n}", ports[n], env) for n in ("catalogue", "bookings", "networks")]
    procs.append(start("gateway", ports["gateway"], env))
    rows, calls_at = [], {}
    try:
        for name in ("catalogue", "bookings", "networks", "gateway"):
            wait_ready(f"http://127.0.0.1:{ports[name]}")
        from gateway.app import create_app
        from shared.settings import get_settings

        app = create_app(get_settings())
        # a line per request would bury the table
        for noisy in ("httpx", "lighthouse.access"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
        made = 0
        for size in sizes:
            made = _book(sessions, people, accounts, size, made, rng)
            for role, email in ROLES:
                calls, sections = _count_calls(app, email)
                timings = _time(f"http://127.0.0.1:{ports['gateway']}", email, requests)
                calls_at.setdefault(role, []).append(calls)
                rows.append([role, f"{made:,}", " ".join(sections) or "(none yet)", requests,
                             percentile(timings, 50), percentile(timings, 95), calls])
                print(f"  {role} at {made:,} bookings: {percentile(timings, 50):.0f} ms p50", file=sys.stderr)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(10)
    backend = "PostgreSQL" if database_url else "SQLite"
    print(f"\nHome pages on {backend}: {len({p[3] for p in people})} schools' staff ({len(people)} people), "
          f"{len(sessions)} sessions over a year, each role's demo account; {requests} sequential requests "
          "after a warm-up, through gunicorn (2 workers)\n")
    print(table(["role", "bookings", "sections shown", "requests", "p50 ms", "p95 ms", "backend calls"], rows))
    steady = all(len(set(c)) == 1 for c in calls_at.values())
    print(f"\nBackend calls per page {'the same' if steady else 'NOT the same'} at "
          f"{' and '.join(f'{s:,}' for s in sizes)} bookings.")
