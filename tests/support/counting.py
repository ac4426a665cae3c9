"""Counting what answering something costs, for the N+1 guards: the SQL statements a
component runs on its own database, and the calls the gateway makes to the services.
(The idea is indico's `count_queries` in testing/fixtures/database.py.)

The services run in threads of the test process (tests/support/fixtures.py), each on
the engine of its own database, so listening on one component's engine counts that
component's statements and no other's.  What a component asks of its database is the
same on SQLite and PostgreSQL; how a transaction is begun and ended is not (on SQLite
shared.db says BEGIN itself, through the engine, so that writers take the lock up
front; psycopg says it inside the driver, out of sight).  So transaction control is
left out of the count, and what is counted is the same on both.
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Mapping

import httpx
from sqlalchemy import event

from shared import tokens
from shared.db import get_database
from tests.support import components

# BEGIN [DEFERRED|IMMEDIATE] / COMMIT / ROLLBACK / END — but not ROLLBACK TO SAVEPOINT,
# which, like SAVEPOINT, the application asks for and both databases see.
_TRANSACTION_CONTROL = re.compile(r"\s*(BEGIN|COMMIT|END|ROLLBACK(?!\s+TO))\b[\w\s]*;?\s*$", re.IGNORECASE)


@contextmanager
def count_queries(component: str) -> Iterator[list[str]]:
    """The statements `component` ("catalogue", "bookings", "networks", "gateway")
    runs on its database inside the block, in order (transaction control left out)."""
    engine = get_database(components.url(component)).engine
    statements: list[str] = []

    def _count(_conn, _cursor, statement, _parameters, _context, _executemany):
        if not _TRANSACTION_CONTROL.match(statement):
            statements.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", _count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", _count)


@contextmanager
def count_backend_calls(app) -> Iterator[list[tuple[str, str, str]]]:
    """The calls the gateway `app` makes to the services inside the block, in order, as
    (service, method, path without its query): every call goes through its Backends'
    fetch (gateway/backends.py), as GraphContext.backend_calls records per operation."""
    backends = app.extensions["lighthouse_backends"]
    calls: list[tuple[str, str, str]] = []
    fetch = backends.fetch

    def _counted(service, method, path, **kwargs):
        calls.append((service, method, path.split("?")[0]))
        return fetch(service, method, path, **kwargs)

    backends.fetch = _counted
    try:
        yield calls
    finally:
        del backends.fetch  # the class's own again


# ---------- the services' list endpoints ----------


@dataclass(frozen=True)
class Ask:
    """How to ask for the list a case made, and how many items the answer holds."""

    path: str
    identity: tokens.Identity
    items: Callable[[httpx.Response], int]
    method: str = "GET"
    params: dict = field(default_factory=dict)
    json: Any = None


@dataclass(frozen=True)
class ListRead:
    """One list a service answers, by its route as the service's url_map has it
    ("GET /sessions/<int:session_id>/bookings"): `make(n)` makes n items (cheaply,
    through the domain or the tables) and says how to ask for them; answering costs
    `queries` statements however many there are."""

    route: str
    variant: str
    make: Callable[[int], Ask]
    queries: int

    @property
    def id(self) -> str:
        return f"{self.route} ({self.variant})"


SIZES = (10, 100)


def list_queries(component: str, case: ListRead, service_call) -> dict[int, list[str]]:
    """The statements answering `case` costs, at each of SIZES items (each size made
    afresh in emptied tables)."""
    seen = {}
    for n in SIZES:
        components.empty_all()
        ask = case.make(n)
        with count_queries(component) as statements:
            response = service_call(component, ask.method, ask.path, ask.identity, params=ask.params, json=ask.json)
        assert response.status_code == 200, response.text[:500]
        assert ask.items(response) == n, f"{case.id}: the answer does not hold the {n} items made"
        seen[n] = statements
    return seen


def assert_constant_queries(component: str, case: ListRead, service_call) -> None:
    seen = list_queries(component, case, service_call)
    counts = {n: len(s) for n, s in seen.items()}
    assert counts == {n: case.queries for n in SIZES}, (
        f"{case.id}: {counts} statements, not {case.queries} at every size:\n"
        + "\n".join(f"  {n}: " + "\n      ".join(s) for n, s in seen.items()))


# What every service answers (shared.web) and is no list.
SERVICE_ROUTES = {
    "GET /healthz": "a probe: no database",
    "GET /readyz": "a probe: one ping",
    "GET /openapi.json": "the API's description",
    "GET /static/<path:filename>": "files",
}


def uncovered_routes(app, cases: Iterable[ListRead], not_lists: Mapping[str, str]) -> list[str]:
    """The GET routes of a service `app` that neither have a query-count case nor are
    said (with a reason) not to answer a list; and entries naming no route."""
    routes = {f"GET {rule.rule}" for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    covered = {case.route for case in cases} | set(not_lists) | set(SERVICE_ROUTES)
    missing = sorted(routes - covered)
    stale = sorted(r for r in covered - routes if r.startswith("GET "))
    return [f"no query-count case for {r}" for r in missing] + [f"no such route: {r}" for r in stale]


# ---------- the GraphQL API's lists ----------


@dataclass(frozen=True)
class GraphAsk:
    """An operation reaching the list a case made, as a signed-in `client` sends it, and
    how many items the answer's data holds."""

    client: Any
    query: str
    items: Callable[[dict], int]
    variables: dict = field(default_factory=dict)


@dataclass(frozen=True)
class GraphRead:
    """One list of the GraphQL API, `grows` ("Network.members": the field whose items
    `make(app, n)` makes n of), read with the fields below its items: answering costs the
    `calls` to the services (in order) and `queries` statements on the gateway's own
    database (people, schools, role grants), however many items there are."""

    grows: tuple[str, ...]
    variant: str
    make: Callable[[Any, int], GraphAsk]
    calls: tuple[str, ...]  # "service METHOD /path"
    queries: int

    @property
    def id(self) -> str:
        return f"{', '.join(self.grows)} ({self.variant})"


def graph_costs(app, case: GraphRead) -> dict[int, tuple[list, list]]:
    """What answering `case` cost at each of SIZES items, made afresh in emptied tables:
    the calls to the services, and the gateway's own statements."""
    from tests.support.fixtures import csrf_token

    seen = {}
    for n in SIZES:
        components.empty_all()
        ask = case.make(app, n)
        headers = {"X-CSRFToken": csrf_token(ask.client)}
        with count_backend_calls(app) as calls, count_queries("gateway") as statements:
            response = ask.client.post("/graphql", json={"query": ask.query, "variables": ask.variables},
                                       headers=headers)
        body = response.get_json()
        assert response.status_code == 200 and not body.get("errors"), body
        assert ask.items(body["data"]) == n, f"{case.id}: the answer does not hold the {n} items made"
        seen[n] = ([f"{s} {m} {re.sub(r'/[0-9]+(?=/|$)', '/<id>', p)}" for s, m, p in calls], statements)
    return seen


def assert_constant_graph_costs(app, case: GraphRead) -> None:
    seen = graph_costs(app, case)
    costs = {n: (calls, len(statements)) for n, (calls, statements) in seen.items()}
    assert costs == {n: (list(case.calls), case.queries) for n in SIZES}, (
        f"{case.id}: (calls to the services, statements on the gateway's database) {costs}, not "
        f"{(list(case.calls), case.queries)} at every size:\n"
        + "\n".join(f"  {n}: " + "\n      ".join(s) for n, (_, s) in seen.items()))


def list_fields(schema) -> set[str]:
    """Every field of the schema ("Type.field") whose items are objects: a list of
    them, or a page of them (a `…Connection`).  A list of values (strings, dates,
    enums) resolves nothing per item and is left out."""
    from graphql import GraphQLObjectType, get_named_type, get_nullable_type, is_list_type

    found = set()
    for name, type_ in schema.type_map.items():
        if name.startswith("__") or not isinstance(type_, GraphQLObjectType):
            continue
        for field_name, definition in type_.fields.items():
            named = get_named_type(definition.type)
            if isinstance(named, GraphQLObjectType) and (
                    is_list_type(get_nullable_type(definition.type)) or named.name.endswith("Connection")):
                found.add(f"{name}.{field_name}")
    return found


def uncovered_list_fields(schema, cases: Iterable[GraphRead], not_counted: Mapping[str, str]) -> list[str]:
    """The schema's list fields that no case grows and none says (with a reason) why it
    has no count; and entries naming no such field."""
    fields = list_fields(schema)
    grown = {f for case in cases for f in case.grows}
    covered = grown | {f for f in fields if any(re.fullmatch(p, f) for p in not_counted)}
    return ([f"no call-count case grows {f}" for f in sorted(fields - covered)]
            + [f"no such list field: {f}" for f in sorted(grown - fields)]
            + [f"the exclusion {p!r} matches no list field" for p in not_counted
               if not any(re.fullmatch(p, f) for f in fields)])
