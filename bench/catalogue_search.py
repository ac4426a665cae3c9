"""Catalogue search over 10,000 courses: latency direct to the catalogue service and
through the gateway's GraphQL API, and the gateway's share (their ratio)."""
from __future__ import annotations

import itertools
import os
import random
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import httpx
import sqlalchemy as sa

from bench.harness import base_env, free_port, start, summary, table, wait_ready

TERMS = ["fractions", "phonics", "moderation", "autism", "governor", "mastery", "reading", "safeguarding",
         "science practical", "behaviour", "early years", "algebra", "writing", "mentor", "assessment"]
SUBJECTS = ["Maths", "English", "Phonics", "Science", "History", "Geography", "RE", "SEND", "Behaviour",
            "Leadership", "Governance", "Early Years", "Computing", "Safeguarding", "Assessment"]
WORDS = ("fractions place value reasoning phonics blending segmenting moderation writing reading fluency "
         "vocabulary autism adaptive teaching governor finance safeguarding mastery algebra geometry "
         "enquiry practical fieldwork chronology worldviews mentor coaching behaviour regulation curriculum "
         "assessment feedback retrieval practice early years play oracy leadership wellbeing").split()


def _prepare(var_dir: Path, database_url: str | None, n: int) -> None:
    """Migrate an empty catalogue and bulk-load n synthetic courses."""
    os.environ.update(base_env(var_dir, database_url))
    from gateway.db import MIGRATIONS as GATEWAY_MIGRATIONS
    from services.catalogue.db import MIGRATIONS
    from shared.db import normalise_url
    from shared.migrations import upgrade
    from shared.settings import get_settings

    settings = get_settings()
    url = settings.database_url_for("catalogue")
    for component, migrations in (("catalogue", MIGRATIONS), ("gateway", GATEWAY_MIGRATIONS)):
        if database_url:
            server = sa.create_engine(normalise_url(database_url).rsplit("/", 1)[0] + "/postgres",
                                      isolation_level="AUTOCOMMIT")
            with server.connect() as conn:
                name = sa.engine.make_url(normalise_url(settings.database_url_for(component))).database
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
            server.dispose()
        upgrade(migrations, settings.database_url_for(component))
    rng = random.Random(2026)
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    now = datetime(2026, 11, 22, tzinfo=timezone.utc)
    courses, phases, audiences = [], [], []
    for i in range(1, n + 1):
        words = rng.sample(WORDS, 12)
        courses.append({
            "id": i, "slug": f"course-{i}", "title": f"{' '.join(words[:3]).capitalize()} {i}",
            "summary": " ".join(words[3:8]).capitalize() + ".", "description": " ".join(rng.choices(WORDS, k=80)),
            "subject": rng.choice(SUBJECTS), "provider": "Lighthouse Learning",
            "delivery_mode": rng.choice(["IN_PERSON", "ONLINE", "HYBRID"]), "duration_minutes": 90,
            "visibility": rng.choice(["TRUST", "PUBLIC"]), "status": "PUBLISHED", "external_price_pence": None,
            "created_at": now, "updated_at": now})
        phases += [{"course_id": i, "phase": p} for p in rng.sample(["EYFS", "KS1", "KS2", "KS3", "KS4"], 2)]
        audiences.append({"course_id": i, "audience": "TEACHER"})
    meta = sa.MetaData()
    meta.reflect(engine, only=["course", "course_phase", "course_audience"])
    with engine.begin() as conn:
        conn.execute(meta.tables["course"].insert(), courses)
        conn.execute(meta.tables["course_phase"].insert(), phases)
        conn.execute(meta.tables["course_audience"].insert(), audiences)
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('course','id'), (SELECT max(id) FROM course))")
            conn.exec_driver_sql("ANALYZE")
    engine.dispose()


def run(n_courses: int, n_requests: int, database_url: str | None) -> None:
    var_dir = Path(tempfile.mkdtemp(prefix="ll-bench-"))
    t0 = time.perf_counter()
    _prepare(var_dir, database_url, n_courses)
    load_s = time.perf_counter() - t0
    env = base_env(var_dir, database_url)
    cat_port, gw_port = free_port(), free_port()
    env.update({"LL_CATALOGUE_URL": f"http://127.0.0.1:{cat_port}", "LL_BOOKINGS_URL": "http://127.0.0.1:9",
                "LL_NETWORKS_URL": "http://127.0.0.1:9"})
    from shared import tokens
    from shared.settings import get_settings

    procs = [start("services.catalogue", cat_port, env), start("gateway", gw_port, env)]
    try:
        catalogue, gateway = f"http://127.0.0.1:{cat_port}", f"http://127.0.0.1:{gw_port}"
        wait_ready(catalogue)
        wait_ready(gateway)
        private = get_settings().private_key_pem()
        visitor = tokens.ANONYMOUS_IDENTITY  # the gateway call below is a visitor's too
        query = ("query($q: String) { courses(search: $q, first: 20) { totalCount "
                 "edges { node { title slug summary subject phases } } } }")
        results = {}
        with httpx.Client(timeout=30) as http:
            def direct(term):
                token = tokens.sign(visitor, "catalogue", private)  # as the gateway does, per call
                r = http.get(f"{catalogue}/courses", params={"search": term, "first": 20},
                             headers={"Authorization": f"Bearer {token}"})
                r.raise_for_status()
                return r.json()["total"]

            def through_gateway(term):
                r = http.post(f"{gateway}/graphql", json={"query": query, "variables": {"q": term}})
                r.raise_for_status()
                body = r.json()
                if body.get("errors"):
                    raise RuntimeError(body["errors"])
                return body["data"]["courses"]["totalCount"]

            # Interleave the two paths so machine noise hits both alike.
            samples = {"direct": [], "gateway": []}
            terms = itertools.cycle(TERMS)
            for _ in range(20):
                term = next(terms)
                direct(term), through_gateway(term)
            for _ in range(n_requests):
                term = next(terms)
                for name, fn in (("direct", direct), ("gateway", through_gateway)):
                    t = time.perf_counter()
                    fn(term)
                    samples[name].append((time.perf_counter() - t) * 1000)
            results = {k: summary(v) for k, v in samples.items()}
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(10)
    d, g = results["direct"], results["gateway"]
    backend = "PostgreSQL" if database_url else "SQLite"
    print(f"\nCatalogue search, {n_courses:,} courses on {backend} (loaded in {load_s:.1f} s), "
          f"{n_requests} sequential searches per path, first 20 results\n")
    print(table(["path", "n", "p50 ms", "p95 ms", "mean ms"],
                [["direct to catalogue", d["n"], d["p50"], d["p95"], d["mean"]],
                 ["through gateway (GraphQL)", g["n"], g["p50"], g["p95"], g["mean"]],
                 ["ratio gateway / direct", "", g["p50"] / d["p50"], g["p95"] / d["p95"], g["mean"] / d["mean"]]]))
