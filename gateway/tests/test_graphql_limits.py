"""What the GraphQL API refuses before running anything, and what it stops while
running: too costly (aliases and pages counted), too deep, fragments that never end
or do not exist, JSON nested without end, too many calls to the services; and the
pages, which go through the same limits, still fit under them."""
from __future__ import annotations

import ast
import importlib
from pathlib import Path

from graphql import GraphQLSyntaxError, parse

from gateway.app import create_app
from gateway.backends import Backends
from gateway.graph.limits import Limits, refusals
from gateway.schema import schema
from services.networks.tests.test_networks_api import add
from tests.support.fixtures import gql, sign_in

NETWORK_ALIASES = "{" + "".join(f"a{i}:networks{{id}}" for i in range(1000)) + "}"
SESSION_ALIASES = "{" + "".join(f"a{i}:sessions(first:100){{totalCount}}" for i in range(500)) + "}"


class RecordingBackends(Backends):
    def __init__(self, settings):
        super().__init__(settings)
        self.requests: list[str] = []

    def fetch(self, service, method, path, **kwargs):
        self.requests.append(f"{method} {path}")
        return super().fetch(service, method, path, **kwargs)


def recording_client(settings, **overrides):
    backends = RecordingBackends(settings)
    return create_app(settings.model_copy(update=overrides), backends=backends).test_client(), backends


def codes(result) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in result.get("errors", [])]


# ---------- cost ----------


def test_a_thousand_aliases_of_the_networks_are_refused_before_any_call(stack):
    add("Maths network", "English network")
    client, backends = recording_client(stack.settings)
    assert len(NETWORK_ALIASES) < 20_000  # under the length limit: the cost is what refuses it
    result = gql(client, NETWORK_ALIASES, expect_status=400)
    assert codes(result) == ["TOO_COSTLY"]
    assert "would cost 21,000 points and the limit is 10,000" in result["errors"][0]["message"]
    assert "data" not in result
    assert backends.requests == []


def test_five_hundred_session_counts_are_refused_though_they_select_one_field(stack):
    client, backends = recording_client(stack.settings)
    result = gql(client, SESSION_ALIASES, expect_status=400)
    assert codes(result) == ["TOO_COSTLY"]
    assert "would cost 50,500 points" in result["errors"][0]["message"]
    assert backends.requests == []


def test_a_page_size_given_by_a_variable_counts_as_the_largest_page(stack):
    client, backends = recording_client(stack.settings, graphql_max_cost=5_000)
    query = "query($n: Int) {" + "".join(f"a{i}: sessions(first: $n) {{ totalCount }} " for i in range(50)) + "}"
    result = gql(client, query, {"n": 1}, expect_status=400)
    assert "would cost 5,050 points and the limit is 5,000" in result["errors"][0]["message"]
    assert backends.requests == []


def test_fragments_are_counted_where_they_are_spread(stack):
    client, backends = recording_client(stack.settings)
    query = "fragment N on Query { networks { id name } } {" + "".join(f"a{i}: __typename ...N " for i in range(300)) + "}"
    result = gql(client, query, expect_status=400)
    assert "would cost 12,600 points" in result["errors"][0]["message"]
    assert backends.requests == []


def test_the_ceiling_is_a_setting(stack):
    add("Maths network")
    client, _ = recording_client(stack.settings, graphql_max_cost=100)
    assert gql(client, "{ networks { id name } }")["data"]["networks"][0]["name"] == "Maths network"  # 41 points
    result = gql(client, "{ courses(first: 50) { edges { node { title } } } }", expect_status=400)
    assert "would cost 102 points and the limit is 100" in result["errors"][0]["message"]


def test_pages_are_held_to_the_same_ceiling(stack, make_course):
    make_course(title="Public phonics", visibility="PUBLIC")
    client, _ = recording_client(stack.settings, graphql_max_cost=100)
    page = client.get("/courses")
    text = page.get_data(as_text=True)
    assert "This query would cost" in text and "the limit is 100" in text
    assert "Public phonics" not in text


def _page_documents():
    """Every GraphQL document the pages send, read from the source of the features'
    pages: string literals and f-strings, their placeholders filled from the module's
    constants or, for a local, the longest literal assigned to it (the heavier variant
    of a page)."""
    found = []
    gateway = Path(__file__).resolve().parents[1]
    for path in sorted(gateway.glob("*/*pages.py")):
        module = importlib.import_module(".".join(path.relative_to(gateway.parent).with_suffix("").parts))
        tree = ast.parse(path.read_text())
        local: dict[str, str] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                texts = [n.value for n in ast.walk(node.value) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
                if texts:
                    local[node.targets[0].id] = max([local.get(node.targets[0].id, ""), *texts], key=len)

        def text_of(node) -> str:
            if isinstance(node, ast.Constant):
                return node.value
            parts = []
            for value in node.values:
                if isinstance(value, ast.Constant):
                    parts.append(value.value)
                elif isinstance(value.value, ast.Name):
                    constant = getattr(module, value.value.id, None)
                    parts.append(constant if isinstance(constant, str) else local.get(value.value.id, ""))
            return "".join(parts)

        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str)):
                text = text_of(node)
                if text.strip().startswith(("query", "mutation", "{")) and "}" in text:
                    try:
                        found.append((f"{path.name}:{node.lineno}", parse(text)))
                    except GraphQLSyntaxError:
                        continue
    return found


def test_every_page_query_fits_under_the_default_ceiling(stack):
    documents = _page_documents()
    assert len(documents) >= 30, "the pages' queries were not found: are they still in gateway/<feature>/*pages.py?"
    limits = Limits(max_depth=stack.settings.graphql_max_depth, max_cost=stack.settings.graphql_max_cost,
                    allow_introspection=True)
    too_much = {where: [e.message for e in refusals(schema.graphql_schema, document, limits)]
                for where, document in documents}
    assert {k: v for k, v in too_much.items() if v} == {}


# ---------- backend calls ----------


def test_a_request_stops_calling_the_services_at_the_cap(stack):
    client, backends = recording_client(stack.settings)
    query = "{" + "".join(f'a{i}: session(id: "{i + 1}") {{ id }} ' for i in range(60)) + "}"  # cheap: 120 points
    result = gql(client, query)
    assert len(backends.requests) == 50
    assert codes(result) == ["TOO_MANY_CALLS"] * 10
    assert result["errors"][0]["message"].startswith("This request needs more than 50 calls to the services")
    assert result["data"]["a0"] is None and result["data"]["a59"] is None


def test_the_cap_is_a_setting_and_covers_mutations(stack, make_person):
    make_person("ll.admin@lighthouse.test", roles=[("ll_admin",)])
    client, backends = recording_client(stack.settings, graphql_max_backend_calls=5)
    sign_in(client, "ll.admin@lighthouse.test")
    query = "mutation {" + "".join(f'a{i}: cancelBooking(bookingId: "{i + 1}") {{ userErrors {{ message }} }} '
                                   for i in range(6)) + "}"
    result = gql(client, query)
    assert len(backends.requests) == 5
    assert codes(result) == ["TOO_MANY_CALLS"]
    assert result["errors"][0]["path"] == ["a5"]


# ---------- depth, fragments, JSON ----------


def test_fragment_cycles_and_unknown_fragments_are_400s(anon_client):
    for query, said in (
        ("fragment A on Query { ...A } { ...A }", "Cannot spread fragment 'A' within itself."),
        ("fragment A on Query { ...B } fragment B on Query { ...A } { ...A }",
         "Cannot spread fragment 'A' within itself via 'B'."),
        ("{ ...Nope }", "Unknown fragment 'Nope'."),
        ("query { me { ...P } } fragment P on Person { school { staff { ...P } } }",
         "Cannot spread fragment 'P' within itself."),
    ):
        result = gql(anon_client, query, expect_status=400)
        assert any(e["message"].startswith(said) for e in result["errors"]), (query, result)


def test_json_nested_without_end_is_a_400(anon_client):
    deep = "[" * 50_000 + "]" * 50_000
    for body in ('{"query": "{ me { name } }", "variables": {"v": ' + deep + "}}", deep,
                 '{"query": "{ me { name } }", "variables": {"v": ' + "[" * 40 + "]" * 40 + "}}"):
        response = anon_client.post("/graphql", data=body, content_type="application/json")
        assert response.status_code == 400
        assert response.get_json()["errors"][0]["message"] == \
            "The JSON is nested more than 32 levels deep; no query needs that."


# ---------- introspection ----------


def test_introspection_in_development_is_counted_like_any_query(stack):
    client, _ = recording_client(stack.settings, env="development")
    one = gql(client, "{ __schema { types { name } } }")
    assert {"name": "Session"} in one["data"]["__schema"]["types"]
    many = "{" + "".join(f"a{i}: __schema {{ types {{ name }} }} " for i in range(550)) + "}"
    result = gql(client, many, expect_status=400)
    assert codes(result) == ["TOO_COSTLY"]
    assert "would cost 12,100 points" in result["errors"][0]["message"]
    assert "data" not in result

