"""The catalogue through the gateway's GraphQL API: visibility by role, paging,
saving with userErrors, batching, hardening, and a service that is down."""
from __future__ import annotations

import pytest

from gateway.app import create_app
from gateway.backends import Backends
from tests.support.fixtures import gql, sign_in

COURSES = """query($search: String, $first: Int, $after: String, $phase: Phase) {
  courses(search: $search, first: $first, after: $after, phase: $phase) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { title slug visibility status phases } } } }"""
SAVE = """mutation($input: CourseInput!) { saveCourse(input: $input) {
  course { id slug title status phases audiences deliveryMode durationMinutes externalPricePence }
  userErrors { field message } } }"""


def course_input(**overrides) -> dict:
    data = {"title": "Reading fluency", "summary": "Fluency in KS2.", "description": "Echo and choral reading.",
            "subject": "English", "phases": ["KS2"], "audiences": ["TEACHER"], "provider": "Lighthouse Learning",
            "deliveryMode": "IN_PERSON", "durationMinutes": 120, "visibility": "TRUST", "status": "PUBLISHED",
            "externalPricePence": None}
    data.update(overrides)
    return data


def titles(result) -> list[str]:
    assert "errors" not in result, result
    return [e["node"]["title"] for e in result["data"]["courses"]["edges"]]


@pytest.fixture
def catalogue(make_course):
    make_course(title="Public phonics", visibility="PUBLIC", external_price_pence=9500)
    make_course(title="Trust maths", visibility="TRUST")
    make_course(title="Draft science", status="DRAFT")


def test_a_visitor_sees_published_public_courses_only(anon_client, catalogue):
    assert titles(gql(anon_client, COURSES)) == ["Public phonics"]


def test_trust_staff_also_see_trust_courses(client, catalogue, make_school, make_person):
    school = make_school()
    make_person("teacher@lighthouse.test", roles=[("staff", school)], school_id=school)
    sign_in(client, "teacher@lighthouse.test")
    assert titles(gql(client, COURSES)) == ["Public phonics", "Trust maths"]


def test_someone_without_roles_sees_what_a_visitor_sees(client, catalogue):
    sign_in(client, "stranger@example.test")
    assert titles(gql(client, COURSES)) == ["Public phonics"]


def test_admins_see_drafts(client, catalogue, make_person):
    make_person("ll.admin@lighthouse.test", roles=[("ll_admin",)])
    sign_in(client, "ll.admin@lighthouse.test")
    assert titles(gql(client, COURSES)) == ["Draft science", "Public phonics", "Trust maths"]


def test_course_by_slug_is_null_when_hidden(anon_client, make_course):
    trust = make_course(title="Trust maths", visibility="TRUST")
    public = make_course(title="Open phonics", visibility="PUBLIC")
    q = "query($slug: String!) { course(slug: $slug) { title visibility } }"
    assert gql(anon_client, q, {"slug": trust["slug"]}) == {"data": {"course": None}}
    assert gql(anon_client, q, {"slug": public["slug"]})["data"]["course"]["title"] == "Open phonics"
    assert gql(anon_client, q, {"slug": "no-such-course"}) == {"data": {"course": None}}


def test_paging_with_cursors_and_the_100_cap(anon_client, make_course):
    for i in range(5):
        make_course(title=f"Course {i}", visibility="PUBLIC")
    first = gql(anon_client, COURSES, {"first": 2})["data"]["courses"]
    assert first["totalCount"] == 5 and first["pageInfo"]["hasNextPage"]
    second = gql(anon_client, COURSES, {"first": 10, "after": first["pageInfo"]["endCursor"]})["data"]["courses"]
    assert [e["node"]["title"] for e in second["edges"]] == ["Course 2", "Course 3", "Course 4"]
    assert not second["pageInfo"]["hasNextPage"]
    capped = gql(anon_client, COURSES, {"first": 101})
    assert capped["data"] is None
    assert "between 0 and 100" in capped["errors"][0]["message"]


def test_search_and_filters_pass_through(anon_client, make_course):
    make_course(title="Fractions in Year 5", visibility="PUBLIC", phases=["KS2"])
    make_course(title="Algebra for GCSE", visibility="PUBLIC", phases=["KS4"], summary="Fractions revisited.")
    assert titles(gql(anon_client, COURSES, {"search": "fraction"})) == ["Fractions in Year 5", "Algebra for GCSE"]
    assert titles(gql(anon_client, COURSES, {"search": "fraction", "phase": "KS4"})) == ["Algebra for GCSE"]


def test_admin_saves_a_course_and_edits_it(client, make_person):
    make_person("ll.admin@lighthouse.test", roles=[("ll_admin",)])
    sign_in(client, "ll.admin@lighthouse.test")
    created = gql(client, SAVE, {"input": course_input(externalPricePence=4500, visibility="PUBLIC")})
    payload = created["data"]["saveCourse"]
    assert payload["userErrors"] == []
    assert payload["course"]["slug"] == "reading-fluency"
    assert payload["course"]["externalPricePence"] == 4500
    edited = gql(client, SAVE, {"input": course_input(id=payload["course"]["id"], title="Reading fluency 2",
                                                      phases=["KS1", "KS2"], status="DRAFT")})
    course = edited["data"]["saveCourse"]["course"]
    assert course["title"] == "Reading fluency 2" and course["slug"] == "reading-fluency"
    assert course["phases"] == ["KS1", "KS2"] and course["status"] == "DRAFT"


def test_save_course_explains_each_bad_field_and_saves_nothing(client, make_person, make_course):
    make_person("ll.admin@lighthouse.test", roles=[("ll_admin",)])
    existing = make_course(title="Keep me")
    sign_in(client, "ll.admin@lighthouse.test")
    result = gql(client, SAVE, {"input": course_input(id=str(existing["id"]), title="", phases=[],
                                                      durationMinutes=5, externalPricePence=-1)})
    payload = result["data"]["saveCourse"]
    assert payload["course"] is None
    fields = {tuple(e["field"]) for e in payload["userErrors"]}
    assert fields == {("title",), ("phases",), ("durationMinutes",), ("externalPricePence",)}
    again = gql(client, "query($s: String!) { course(slug: $s) { title } }", {"s": existing["slug"]})
    assert again["data"]["course"]["title"] == "Keep me"


def test_staff_cannot_save_courses(client, make_school, make_person):
    school = make_school()
    make_person("teacher@lighthouse.test", roles=[("staff", school)], school_id=school)
    sign_in(client, "teacher@lighthouse.test")
    payload = gql(client, SAVE, {"input": course_input()})["data"]["saveCourse"]
    assert payload["course"] is None
    assert "Only Lighthouse Learning admins" in payload["userErrors"][0]["message"]
    assert titles(gql(client, COURSES)) == []


def test_wrong_types_are_refused_before_anything_runs(anon_client):
    result = gql(anon_client, COURSES, {"first": "many"}, expect_status=400)
    assert "Int cannot represent" in result["errors"][0]["message"]
    assert anon_client.post("/graphql", data="not json", content_type="application/json").status_code == 400


class CountingBackends(Backends):
    """The real backends, noting each call's method and path as the service saw it."""

    def __init__(self, settings):
        super().__init__(settings)
        self.requests: list[str] = []

    def fetch(self, service, method, path, **kwargs):
        self.requests.append(f"{method} {path.split('?')[0]}")
        return super().fetch(service, method, path, **kwargs)


def test_backend_calls_do_not_grow_with_the_list(stack, make_course):
    backends = CountingBackends(stack.settings)
    app = create_app(stack.settings, backends=backends)
    client = app.test_client()
    for i in range(100):
        make_course(title=f"Course {i:03d}", visibility="PUBLIC")
    query = "query($n: Int) { courses(first: $n) { edges { node { title phases audiences slug } } } courseSubjects }"
    calls = []
    for n in (10, 100):
        backends.requests.clear()
        result = gql(client, query, {"n": n})
        assert len(result["data"]["courses"]["edges"]) == n
        calls.append(list(backends.requests))
    assert calls[0] == calls[1] == ["GET /courses", "GET /courses/subjects"]


def test_a_service_that_is_down_costs_only_its_part(stack, make_school, make_person):
    down = stack.settings.model_copy(update={"catalogue_url": "http://127.0.0.1:9"})
    client = create_app(down).test_client()
    make_school(name="Saltmarsh Primary")
    result = gql(client, """{ schools { name } course(slug: "anything") { title } }""")
    assert result["data"]["schools"] == [{"name": "Saltmarsh Primary"}]
    assert result["data"]["course"] is None
    assert result["errors"][0]["path"] == ["course"]
    assert "unavailable just now" in result["errors"][0]["message"]
    page = client.get("/courses")
    assert page.status_code == 200
    assert "unavailable just now" in page.get_data(as_text=True)


def test_depth_limit_and_no_introspection_outside_development(anon_client):
    deep = "{ me { " + "school { staff { " * 6 + "name" + " } }" * 6 + " } }"
    result = gql(anon_client, deep, expect_status=400)
    assert "nests deeper than 10 levels" in result["errors"][0]["message"]
    introspection = gql(anon_client, "{ __schema { types { name } } }", expect_status=400)
    assert "introspection" in introspection["errors"][0]["message"].lower()
