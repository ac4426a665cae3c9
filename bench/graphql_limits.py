"""The GraphQL API's limits against the attacks that needed them: a thousand aliases of
`networks { id }` and five hundred `sessions(first: 100) { totalCount }`, each sent
to a gateway with the default limits and to one with them opened as far as the
settings go (which answers as the gateway did before it had limits), beside a
network's page.  Real processes (gunicorn) on SQLite, 30 networks."""
from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from bench.harness import base_env, free_port, start, table, wait_ready

ATTACKS = {
    "1,000 × networks { id }": "{" + "".join(f"a{i}:networks{{id}}" for i in range(1000)) + "}",
    "500 × sessions(first: 100) { totalCount }":
        "{" + "".join(f"a{i}:sessions(first:100){{totalCount}}" for i in range(500)) + "}",
    "a network's page": """query($id: ID!) { network(id: $id) { id name subject meetingsPerYear
        leads { id name school { name } } members { role person { id name } school { id name } }
        schoolsWithoutMember { id name }
        meetings(academicYear: "2026-27") { id title term startsAt status venue attendees { id school { id } } }
        openActions { id description dueOn owner { name } } } }""",
}
OPEN = {"LL_GRAPHQL_MAX_COST": "10000000", "LL_GRAPHQL_MAX_BACKEND_CALLS": "10000"}


def run(repeats: int = 3) -> None:
    var_dir = Path(tempfile.mkdtemp(prefix="ll-bench-limits-"))
    env = base_env(var_dir, None)
    ports = {name: free_port() for name in ("catalogue", "bookings", "networks", "gateway", "open")}
    env.update({f"LL_{n.upper()}_URL": f"http://127.0.0.1:{ports[n]}" for n in ("catalogue", "bookings", "networks")})
    os.environ.update(env)
    from gateway.db import MIGRATIONS as GATEWAY
    from services.bookings.db import MIGRATIONS as BOOKINGS
    from services.catalogue.db import MIGRATIONS as CATALOGUE
    from services.networks.db import MIGRATIONS as NETWORKS
    from services.networks.db import database as networks_db
    from services.networks.networks.models import Network
    from shared.migrations import upgrade
    from shared.settings import get_settings

    settings = get_settings()
    for component, migrations in (("gateway", GATEWAY), ("catalogue", CATALOGUE), ("bookings", BOOKINGS),
                                  ("networks", NETWORKS)):
        upgrade(migrations, settings.database_url_for(component))
    with networks_db().session() as db:
        db.add_all([Network(name=f"Network {i}", subject="Maths", meetings_per_year=3) for i in range(30)])
    procs = [start(f"services.{n}", ports[n], env) for n in ("catalogue", "bookings", "networks")]
    procs += [start("gateway", ports["gateway"], env), start("gateway", ports["open"], {**env, **OPEN})]
    rows = []
    try:
        for port in ports.values():
            wait_ready(f"http://127.0.0.1:{port}")
        for name, query in ATTACKS.items():
            for label, port in (("opened", ports["open"]), ("defaults", ports["gateway"])):
                timings, answer = [], ""
                for _ in range(repeats):
                    t = time.perf_counter()
                    reply = httpx.post(f"http://127.0.0.1:{port}/graphql", timeout=120,
                                       json={"query": query, "variables": {"id": "1"} if "$id" in query else {}})
                    timings.append(time.perf_counter() - t)
                    errors = reply.json().get("errors") or []
                    code = errors[0].get("extensions", {}).get("code", "error") if errors else "answered"
                    answer = f"{reply.status_code} {code}" + (f" ×{len(errors)}" if len(errors) > 1 else "")
                rows.append([name, label, answer, f"{len(query):,}", timings[0] * 1000,
                             statistics.median(timings) * 1000])
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(10)
    print(f"\nGraphQL limits: {repeats} requests each, through gunicorn on SQLite (the first one parses and "
          "checks the query; later ones find it checked)\n")
    print(table(["query", "limits", "answer", "bytes", "first ms", "median ms"], rows))
