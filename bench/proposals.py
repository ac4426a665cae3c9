"""Planning a network's year: proposals for a network of 10 and of 30 members when
the members already hold 2,000 commitments (trust CPD bookings and other networks'
meetings).  Time per proposal run and backend calls (three: candidates, commitments,
ranked proposals), which must not grow with members."""
from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bench.harness import base_env, free_port, start, table, wait_ready

YEAR = "2027-28"


def _prepare(members: int, commitments: int) -> int:
    """A network with `members` members; 2,000 commitments among everybody in the trust's
    networks, two thirds of them trust CPD bookings, the rest other networks' meetings."""
    from services.bookings.bookings.models import Booking
    from services.bookings.db import database as bookings_db
    from services.bookings.sessions.models import CourseSession
    from services.networks.db import database as networks_db
    from services.networks.meetings.models import Meeting
    from services.networks.networks.models import Membership, Network
    from services.networks.terms.seed import seed_calendar
    from shared.vocabulary import BookingStatus

    rng = random.Random(members)
    start = datetime(2027, 9, 1, 15, 0, tzinfo=timezone.utc)
    with networks_db().session() as db:
        seed_calendar(db)
        network = Network(name=f"Bench network {members}", subject="Maths")
        other = Network(name=f"Other network {members}", subject="English")
        db.add_all([network, other])
        db.flush()
        people = list(range(10_000 * members, 10_000 * members + members))
        for pid in people:
            for n in (network, other):
                db.add(Membership(network_id=n.id, person_id=pid, name=f"P{pid}", email=f"p{pid}@b.test"))
        for i in range(commitments // 3):
            when = start + timedelta(days=rng.randrange(300), hours=rng.choice([0, 1, 2]))
            db.add(Meeting(network_id=other.id, title=f"Other {i}", starts_at=when, ends_at=when + timedelta(hours=1),
                           venue="Hall"))
        network_id = network.id
    with bookings_db().session() as db:
        left = commitments - commitments // 3
        while left > 0:
            when = start + timedelta(days=rng.randrange(300), hours=rng.choice([0, 1, 2]))
            session = CourseSession(course_id=1, course_title="Bench CPD", starts_at=when,
                                    ends_at=when + timedelta(hours=2), venue="Hall", capacity=40,
                                    booking_closes_at=when, cancellation_deadline=when)
            db.add(session)
            db.flush()
            for pid in rng.sample(people, min(10, left, len(people))):
                db.add(Booking(session_id=session.id, person_id=pid, attendee_name="x", attendee_email="x@b.test",
                               booked_by_id=pid, status=BookingStatus.CONFIRMED))
                left -= 1
    return network_id


def run(commitments: int = 2000, repeats: int = 15) -> None:
    var_dir = Path(tempfile.mkdtemp(prefix="ll-bench-proposals-"))
    env = base_env(var_dir, None)
    ports = {name: free_port() for name in ("bookings", "networks")}
    env.update({f"LL_{n.upper()}_URL": f"http://127.0.0.1:{p}" for n, p in ports.items()})
    os.environ.update(env)
    from gateway.db import MIGRATIONS as GATEWAY
    from gateway.db import database as gateway_db
    from services.bookings.db import MIGRATIONS as BOOKINGS
    from services.networks.db import MIGRATIONS as NETWORKS
    from shared.migrations import upgrade
    from shared.settings import get_settings

    settings = get_settings()
    for component, migrations in (("gateway", GATEWAY), ("bookings", BOOKINGS), ("networks", NETWORKS)):
        upgrade(migrations, settings.database_url_for(component))
    networks = {n: _prepare(n, commitments) for n in (10, 30)}
    procs = [start("services.bookings", ports["bookings"], env), start("services.networks", ports["networks"], env)]
    rows = []
    try:
        for name, port in ports.items():
            wait_ready(f"http://127.0.0.1:{port}")
        from gateway.backends import Backends
        from gateway.graph.context import GraphContext
        from gateway.networks.proposals import propose
        from shared import tokens

        backends = Backends(settings)
        admin = tokens.Identity(subject="service:bench", grants=(tokens.Grant("ll_admin"),))
        for members, network_id in networks.items():
            timings, calls, found = [], 0, []
            for _ in range(repeats):
                with gateway_db().session() as db:
                    ctx = GraphContext(db=db, backends=backends, identity=admin)
                    t = time.perf_counter()
                    found = propose(ctx, network_id, YEAR, [2, 3, 4], "16:00", 90, 1)
                    timings.append((time.perf_counter() - t) * 1000)
                    calls = len(ctx.backend_calls)
            clashing = sum(1 for p in found if p["clashes"])
            rows.append([members, commitments, len(found), clashing, calls, statistics.median(timings),
                         max(timings)])
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(10)
    print(f"\nProposals for {YEAR} (Tue–Thu at 16:00, one a term), SQLite, {repeats} runs each\n")
    print(table(["members", "commitments", "proposals", "with clashes", "backend calls", "p50 ms", "max ms"], rows))
