"""The booking rush: 200 clients book one session of 40 places at the same moment,
through the gateway (signed-in browsers' GraphQL) and direct to the bookings service.
Decisions per second, latency percentiles, and the count of confirmed places."""
from __future__ import annotations

import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from bench.harness import (
    ROOT,
    base_env,
    cpu_seconds,
    free_port,
    fresh_databases,
    percentile,
    start,
    table,
    wait_for,
    wait_ready,
)

BOOK = """mutation($s: ID!) { bookSession(sessionId: $s) { booking { status } userErrors { message } } }"""
LOOK = """query($s: ID!) { session(id: $s) { placesLeft } }"""
WARM_UP = 3  # rounds of looking at the session, by every client, before each rush




def _people(n: int, prefix: str = "rush") -> list[str]:
    from gateway.db import database
    from gateway.identity.models import Person, Role, RoleGrant, School

    with database().session() as db:
        school = School(name="Bench Primary", urn="999999", phase="PRIMARY", pupil_count=400, risk_band="LOW")
        db.add(school)
        db.flush()
        emails = [f"{prefix}{i}@bench.test" for i in range(n)]
        for email in emails:
            person = Person(email=email, name=email, school_id=school.id)
            person.grants = [RoleGrant(role=Role.STAFF, school_id=school.id)]
            db.add(person)
    return emails


def _course(title: str = "Rush course", visibility: str = "TRUST", external_price_pence: int | None = None) -> int:
    from services.catalogue.courses.schemas import CourseIn
    from services.catalogue.courses.service import save_course
    from services.catalogue.db import database
    from shared.tokens import Grant, Identity

    admin = Identity(subject="service:bench", grants=(Grant("ll_admin"),))
    with database().session() as db:
        return save_course(db, admin, CourseIn(
            title=title, summary="s", description="d", subject="Maths", phases=["KS2"],
            audiences=["TEACHER"], provider="Bench", delivery_mode="IN_PERSON", duration_minutes=90,
            visibility=visibility, status="PUBLISHED", external_price_pence=external_price_pence)).id


def wait_for_listing(course_id: int, timeout: float = 60) -> None:
    """Until bookings holds the course's listing (it schedules no session without it),
    delivering what the catalogue has waiting."""
    from services.bookings.copies.models import CourseListing
    from services.bookings.db import database
    from services.catalogue.facts import FACTS

    def held() -> bool:
        with database().session() as db:
            return db.get(CourseListing, course_id) is not None

    wait_for(f"bookings has not received course {course_id}'s listing from the catalogue", held,
             FACTS.deliver_now, timeout)


def _session(bookings_url: str, token: str, course_id: int, places: int) -> int:
    start_at = datetime.now(timezone.utc) + timedelta(days=30)
    body = {"course_id": course_id, "starts_at": start_at.isoformat(),
            "ends_at": (start_at + timedelta(hours=2)).isoformat(), "venue": "Hall", "capacity": places}
    response = httpx.post(f"{bookings_url}/sessions", json=body, headers={"Authorization": f"Bearer {token}"})
    response.raise_for_status()
    return response.json()["id"]


def _signed_in_client(gateway: str, email: str, attempts: int = 3) -> tuple[httpx.Client, str]:
    """A browser-like client signed in through the provider.  Signing 200 in one after
    another sometimes meets a keep-alive connection the server has just closed; that
    is the setup's problem, not the rush's, so it is simply tried again."""
    for attempt in range(attempts):
        try:
            return _sign_in_once(gateway, email)
        except httpx.TransportError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.2)
    raise AssertionError("unreachable")


def _sign_in_once(gateway: str, email: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=gateway, timeout=120)
    start_resp = client.get("/auth/login/default")
    provider = httpx.post(start_resp.headers["location"], data={"sub": email})
    back = urlsplit(provider.headers["location"])
    client.get(f"{back.path}?{back.query}")
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").text).group(1)
    return client, token


def _per_decision(before: dict, after: dict, decisions: int) -> list[float]:
    used = [(after[k] - before[k]) * 1000 / decisions for k in ("gateway", "bookings", "postgres", "bench clients")]
    return used + [sum(used)]


class _Raw:
    """One client's open connection and a request ready to send: the standard library's
    http.client, so the clients spend as little of the shared CPU as a real browser
    would of the server's (httpx costs several times more per request)."""

    def __init__(self, base_url: str, path: str, body: dict | None, headers: dict, method: str = "POST"):
        parts = urlsplit(str(base_url))
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
        self.conn.connect()
        self.method, self.path = method, path
        self.body = json.dumps(body).encode() if body is not None else None
        self.headers = {"Content-Type": "application/json", **headers}

    def __call__(self) -> dict:
        self.conn.request(self.method, self.path, self.body, self.headers)
        answer = json.loads(self.conn.getresponse().read())
        self.conn.close()
        return answer


def _warm(make_calls) -> None:
    """Every client looks at the session a few times first, as people do before a
    rush opens: the services' worker threads, connection pools and caches are then in
    the state a live system is in, and the rush measures booking, not start-up.
    (Each round's connections are opened just before it: gunicorn's threads wait on a
    connection from the moment it is accepted.)"""
    for _ in range(WARM_UP):
        _rush(make_calls())


def _rush(calls) -> tuple[list[float], float, list]:
    gate = threading.Barrier(len(calls))
    latencies, results = [0.0] * len(calls), [None] * len(calls)

    def one(i):
        gate.wait()
        t = time.perf_counter()
        results[i] = calls[i]()
        latencies[i] = (time.perf_counter() - t) * 1000

    wall = time.perf_counter()
    with ThreadPoolExecutor(len(calls)) as pool:
        list(pool.map(one, range(len(calls))))
    return latencies, time.perf_counter() - wall, results


def _decided(path: str, clients: int, wall: float, latencies: list[float], statuses: list[str]) -> list:
    return [path, clients, clients / wall, percentile(latencies, 50), percentile(latencies, 95),
            percentile(latencies, 99), statuses.count("CONFIRMED"), statuses.count("WAITLISTED")]


def _medians(rows: list[list], label: str) -> list:
    """Each column's median over the runs (the per-run rows are printed too)."""
    return [label] + [statistics.median(column) for column in list(zip(*rows))[1:]]


def run(clients: int = 200, places: int = 40, database_url: str | None = None, runs: int = 3) -> None:
    """`runs` rushes down each path, alternately, each for a new session of `places`
    places: this machine is shared, and one rush can be a third off its neighbour, so
    the medians are the figures to quote."""
    var_dir = Path(tempfile.mkdtemp(prefix="ll-bench-rush-"))
    env = base_env(var_dir, database_url)
    os.environ.update(env)
    fresh_databases(database_url, {"gateway": "gateway.db", "catalogue": "services.catalogue.db",
                                   "bookings": "services.bookings.db"})
    emails = _people(clients)
    ports = {name: free_port() for name in ("catalogue", "bookings", "gateway", "oidc")}
    env.update({f"LL_{n.upper()}_URL": f"http://127.0.0.1:{ports[n]}" for n in ("catalogue", "bookings")})
    env.update({"LL_NETWORKS_URL": "http://127.0.0.1:9", "LL_OIDC_ISSUER": f"http://127.0.0.1:{ports['oidc']}"})
    os.environ.update(env)
    procs = [subprocess.Popen([sys.executable, "-m", "gateway.dev_oidc", "--port", str(ports["oidc"])], cwd=ROOT,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
             start("services.catalogue", ports["catalogue"], env), start("services.bookings", ports["bookings"], env),
             start("gateway", ports["gateway"], env)]
    rows = {"through gateway": [], "direct to bookings": []}
    cpu_rows = {"through gateway": [], "direct to bookings": []}
    try:
        urls = {n: f"http://127.0.0.1:{p}" for n, p in ports.items()}
        for name in ("catalogue", "bookings", "gateway"):
            wait_ready(urls[name])
        # Saved once bookings is up, so its listing lands on its first delivery (saved
        # before, it waited out the publisher's 10-second retry pause, and a quick start
        # could schedule the session before bookings knew the course).
        course_id = _course()
        wait_for_listing(course_id)
        from shared import tokens
        from shared.settings import get_settings

        private = get_settings().private_key_pem()
        admin = tokens.sign(tokens.Identity(subject="service:bench", grants=(tokens.Grant("ll_admin"),)),
                            "bookings", private, ttl_seconds=900)
        roots = {"gateway": procs[3].pid, "bookings": procs[2].pid}
        # through the gateway: every client a signed-in browser session
        t = time.perf_counter()
        sessions = [_signed_in_client(urls["gateway"], e) for e in emails]
        sign_in_s = time.perf_counter() - t
        # Fresh connections for each rush: the server has long closed the idle keep-alive
        # ones from signing in, and a POST on a closed connection is not retried.
        browsers = [{"X-CSRFToken": tok, "Cookie": "; ".join(f"{k}={v}" for k, v in c.cookies.items())}
                    for c, tok in sessions]
        # direct: the same people, a token each, as the gateway would sign
        people = [tokens.Identity(subject=str(i + 1), name=e, email=e, school_id=1,
                                  grants=(tokens.Grant("staff", school_id=1),)) for i, e in enumerate(emails)]
        heads = [{"Authorization": f"Bearer {tokens.sign(p, 'bookings', private, ttl_seconds=3600)}"} for p in people]

        def through_gateway(sid: int) -> tuple[list, list[str]]:
            _warm(lambda: [_Raw(urls["gateway"], "/graphql", {"query": LOOK, "variables": {"s": str(sid)}}, h)
                           for h in browsers])
            return [_Raw(urls["gateway"], "/graphql", {"query": BOOK, "variables": {"s": str(sid)}}, h)
                    for h in browsers], ["data", "bookSession", "booking", "status"]

        def direct(sid: int) -> tuple[list, list[str]]:
            _warm(lambda: [_Raw(urls["bookings"], f"/sessions/{sid}", None, h, method="GET") for h in heads])
            return [_Raw(urls["bookings"], f"/sessions/{sid}/bookings", {}, h) for h in heads], ["status"]

        for n in range(runs):
            for path, prepare in (("through gateway", through_gateway), ("direct to bookings", direct)):
                calls, status_at = prepare(_session(urls["bookings"], admin, course_id, places))
                before = cpu_seconds(roots)
                latencies, wall, results = _rush(calls)
                cpu_rows[path].append([f"{path}, run {n + 1}", *_per_decision(before, cpu_seconds(roots), clients)])
                statuses = []
                for r in results:
                    for key in status_at:
                        r = r[key]
                    statuses.append(r)
                rows[path].append(_decided(f"{path}, run {n + 1}", clients, wall, latencies, statuses))
                print(f"  {path}, run {n + 1} of {runs}: {rows[path][-1][2]:.0f} decisions/s", file=sys.stderr)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(10)
    backend = "PostgreSQL" if database_url else "SQLite"
    print(f"\nBooking rush on {backend}: {clients} clients at once for one session of {places} places, "
          f"{runs} run(s) down each path, alternately (signing {clients} browsers in first took {sign_in_s:.1f} s; "
          f"clients share the 2 cores)\n")
    headers = ["path", "clients", "decisions/s", "p50 ms", "p95 ms", "p99 ms", "confirmed", "waitlisted"]
    summary_rows = [_medians(r, f"{path}: median") for path, r in rows.items()]
    print(table(headers, summary_rows + [r for path_rows in rows.values() for r in path_rows]))
    print("\nCPU milliseconds per decision, by process (PostgreSQL counts the whole server):\n")
    print(table(["path", "gateway", "bookings", "postgres", "bench clients", "total"],
                [_medians(r, f"{path}: median") for path, r in cpu_rows.items()]
                + [r for path_rows in cpu_rows.values() for r in path_rows]))
