"""Odd input through the GraphQL API: ids that are not ours, text that is not text,
values too long to send.  Whatever arrives, the answer is "not found", a userError or
a 400 saying what is wrong — never INTERNAL, never a service looking down, never a
5xx.  The fields and arguments tried are read from the schema, so a new field is
tried as soon as it exists."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLObjectType,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
    is_non_null_type,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.schema import schema
from services.networks.tests.test_networks_api import add
from tests.support.fixtures import csrf_token, sign_in

SCHEMA = schema.graphql_schema
SAMPLES = {"ID": "1", "String": "x", "Int": 1, "Float": 1.0, "Boolean": False,
           "DateTime": "2027-01-14T16:00:00+00:00", "Date": "2027-01-14"}
ODD_IDS = ["²", "١٢", "１", "99999999999999999999", "2147483648", "-1", "0", " 1", "1.0", ""]
ODD_TEXT = ["\ud800", "a\udfffb", "\x00", "x" * 5_000, "é" * 12_000]


@dataclass(frozen=True)
class Target:
    """One argument (or input field, `path` deep) of one field, the value tried
    there and valid samples everywhere else.  `via`: the root field the target's
    type is reached through, when the field is not on Query or Mutation."""

    operation: str
    field: str
    path: tuple[str, ...]
    kind: str  # "ID" or "String"
    via: str | None = None

    def __str__(self):
        return f"{self.operation} {self.via + '.' if self.via else ''}{self.field}({'.'.join(self.path)})"


def _inputs(type_, path: tuple[str, ...]):
    """The (path, kind) of every ID and String inside an argument's type."""
    named = get_named_type(type_)
    if isinstance(named, GraphQLInputObjectType):
        for name, field in named.fields.items():
            yield from _inputs(field.type, (*path, name))
    elif named.name in ("ID", "String"):
        yield path, named.name


def targets() -> list[Target]:
    found = []
    for operation, root in (("query", SCHEMA.query_type), ("mutation", SCHEMA.mutation_type)):
        for name, field in root.fields.items():
            for arg_name, arg in field.args.items():
                found += [Target(operation, name, path, kind) for path, kind in _inputs(arg.type, (arg_name,))]
    for type_ in SCHEMA.type_map.values():
        if not isinstance(type_, GraphQLObjectType) or type_ in (SCHEMA.query_type, SCHEMA.mutation_type) \
                or type_.name.startswith("__"):
            continue
        for name, field in type_.fields.items():
            for arg_name, arg in field.args.items():
                for path, kind in _inputs(arg.type, (arg_name,)):
                    found.append(Target("query", name, path, kind, via=_root_returning(type_)))
    return found


def _root_returning(type_) -> str:
    """A Query field without required arguments whose answer is (a list of) type_."""
    for name, field in SCHEMA.query_type.fields.items():
        if get_named_type(field.type) is type_ and not any(is_non_null_type(a.type) for a in field.args.values()):
            return name
    raise AssertionError(f"no argument-free Query field reaches {type_.name}: add one to targets()")


def _sample(type_, path: tuple[str, ...], value):
    """A valid value of type_, with `value` at `path` (the rest of the path below here)."""
    nullable = get_nullable_type(type_)
    if isinstance(nullable, GraphQLList):
        return [_sample(nullable.of_type, path, value)]
    if not path and value is not None:
        return value
    if isinstance(nullable, GraphQLInputObjectType):
        return {name: _sample(field.type, path[1:] if path and path[0] == name else (),
                              value if path and path[0] == name else None)
                for name, field in nullable.fields.items()
                if is_non_null_type(field.type) or (path and path[0] == name)}
    if isinstance(nullable, GraphQLEnumType):
        return next(iter(nullable.values))
    return SAMPLES[nullable.name]


def operation_for(target: Target, value) -> tuple[str, dict]:
    """The operation that sends `value` to the target, through variables (so that
    anything JSON can carry arrives as it was sent)."""
    parent = SCHEMA.query_type if target.operation == "query" and not target.via else \
        SCHEMA.mutation_type if not target.via else get_named_type(SCHEMA.query_type.fields[target.via].type)
    field = parent.fields[target.field]
    declared, passed, variables = [], [], {}
    for arg_name, arg in field.args.items():
        hit = target.path[0] == arg_name
        if not hit and not is_non_null_type(arg.type):
            continue
        declared.append(f"${arg_name}: {arg.type}")
        passed.append(f"{arg_name}: ${arg_name}")
        variables[arg_name] = _sample(arg.type, target.path[1:] if hit else (), value if hit else None)
    selection = "" if is_leaf_type(get_named_type(field.type)) else " { __typename }"
    call = f"{target.field}{'(' + ', '.join(passed) + ')' if passed else ''}{selection}"
    if target.via:
        call = f"{target.via} {{ {call} }}"
    head = f"{target.operation}({', '.join(declared)})" if declared else target.operation
    return f"{head} {{ {call} }}", variables


def ask(client, token: str, target: Target, value):
    query, variables = operation_for(target, value)
    response = client.post("/graphql", json={"query": query, "variables": variables},
                           headers={"X-CSRFToken": token})
    body = response.get_json()
    where = f"{target} = {value!r:.60}"
    assert response.status_code < 500, (where, body)
    assert response.status_code in (200, 400), (where, body)
    for error in body.get("errors", []):
        assert error["message"], where
        assert error.get("extensions", {}).get("code") not in ("INTERNAL", "SERVICE_UNAVAILABLE"), (where, error)
    return response.status_code, body


@pytest.fixture
def admin(client, make_person, make_school):
    """An admin (who gets furthest into every mutation), and a network for the
    fields reached through `networks`."""
    add("Maths network")
    school = make_school()
    make_person("ll.admin@lighthouse.test", roles=[("ll_admin",)], school_id=school)
    sign_in(client, "ll.admin@lighthouse.test")
    return client, csrf_token(client)


def test_every_id_and_text_argument_is_tried():
    found = {str(t) for t in targets()}
    for expected in ("query session(id)", "query meeting(id)", "query network(id)", "query school(id)",
                     "mutation recordAttendance(attendedBookingIds)", "mutation recordMinutes(input.actions.ownerId)",
                     "query courses(search)", "query networks.meetings(academicYear)",
                     "query me.cpdRecord(academicYear)", "mutation saveCourse(input.title)"):
        assert expected in found


@pytest.mark.parametrize("field", ["session", "meeting", "network", "school"])
def test_an_id_that_is_not_ours_is_not_found(admin, field):
    client, token = admin
    for odd in ODD_IDS:
        status, body = ask(client, token, Target("query", field, ("id",), "ID"), odd)
        assert (status, body) == (200, {"data": {field: None}}), odd


def test_odd_ids_anywhere_never_fail_inside(admin):
    client, token = admin
    for target in targets():
        if target.kind == "ID":
            for odd in ("²", "١٢", "99999999999999999999"):
                ask(client, token, target, odd)


def test_odd_text_anywhere_never_fails_inside(admin):
    client, token = admin
    for target in targets():
        if target.kind == "String":
            for odd in ODD_TEXT:
                ask(client, token, target, odd)


def test_what_is_not_text_is_refused_whole(admin):
    client, token = admin
    for odd, what in (("\ud800", "a lone surrogate, such as \\ud800"), ("a\x00", "a NUL character")):
        status, body = ask(client, token, Target("query", "courses", ("search",), "String"), odd)
        assert status == 400
        assert body["errors"][0]["message"] == f"`search` is not valid text (it holds {what}); remove it."
    status, body = ask(client, token, Target("query", "people", ("search",), "String"), "\x00")
    assert status == 400  # the gateway's own database would refuse it too


@pytest.mark.parametrize("length", [4_000, 5_000, 70_000])
def test_a_search_too_long_is_invalid_however_long(admin, length):
    client, token = admin
    status, body = ask(client, token, Target("query", "courses", ("search",), "String"), "x" * length)
    assert status == 200 and body["data"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["INVALID"]


def test_a_search_too_long_to_send_says_so(admin):
    client, token = admin
    _, body = ask(client, token, Target("query", "courses", ("search",), "String"), "é" * 1_000)
    assert body["errors"][0]["message"] == \
        "search: Too long (1,000 characters) to send to the course catalogue; shorten it."


def test_a_query_refused_by_a_service_says_what_is_wrong_with_which_argument(admin):
    client, token = admin
    _, body = ask(client, token, Target("query", "courses", ("search",), "String"), "x" * 300)
    assert body["errors"][0]["message"] == "search: Use 200 characters or fewer (this has 300)."
    assert body["errors"][0]["extensions"]["code"] == "INVALID"


def test_a_slug_that_cannot_be_ours_asks_no_service(stack, make_course):
    from gateway.app import create_app
    from gateway.backends import Backends

    class Recording(Backends):
        requests: list = []

        def fetch(self, service, method, path, **kwargs):
            self.requests.append(path)
            return super().fetch(service, method, path, **kwargs)

    make_course(title="Public phonics", visibility="PUBLIC")
    client = create_app(stack.settings, backends=Recording(stack.settings)).test_client()
    for odd in ("public phonics", "public-phonics?x=1", "../1", "Public-Phonics", "public-phonics/", "x" * 121):
        body = client.post("/graphql", json={"query": "query($s: String!) { course(slug: $s) { id } "
                                                      "sessions(courseSlug: $s) { totalCount } }",
                                             "variables": {"s": odd}}).get_json()
        assert body == {"data": {"course": None, "sessions": {"totalCount": 0}}}, odd
    assert Recording.requests == []


# ---------- property-based: anything at all, anywhere ----------

FUZZ = settings(max_examples=120, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
ANY_TEXT = st.one_of(st.text(st.characters(exclude_categories=())), st.text(max_size=5),
                     st.builds(lambda c, n: c * n, st.characters(), st.integers(0, 12_000)))
ANY_ID = st.one_of(st.sampled_from(ODD_IDS), st.text(st.characters(exclude_categories=()), max_size=12),
                   st.integers(-2**70, 2**70).map(str), st.from_regex(r"\A[0-9]{1,12}\Z"))


@pytest.mark.slow
@FUZZ
@given(data=st.data())
def test_any_id_anywhere(admin, data):
    client, token = admin
    target = data.draw(st.sampled_from([t for t in targets() if t.kind == "ID"]), label="target")
    ask(client, token, target, data.draw(ANY_ID, label="id"))


@pytest.mark.slow
@FUZZ
@given(data=st.data())
def test_any_text_anywhere(admin, data):
    client, token = admin
    target = data.draw(st.sampled_from([t for t in targets() if t.kind == "String"]), label="target")
    ask(client, token, target, data.draw(ANY_TEXT, label="text"))
