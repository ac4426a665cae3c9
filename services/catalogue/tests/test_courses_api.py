"""The catalogue's HTTP API: who sees which courses, search, paging, batch reads,
saving, and bad input refused whole."""
from __future__ import annotations

from shared import tokens
from tests.support.fixtures import ADMIN, course_data

VISITOR = tokens.ANONYMOUS_IDENTITY
TEACHER = tokens.Identity(subject="7", name="Tara", grants=(tokens.Grant("staff", school_id=1),))
EXTERNAL = tokens.Identity(subject="8", name="Bella", grants=(tokens.Grant("external_booker"),))


def titles(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [c["title"] for c in response.json()["items"]]


def test_visibility_depends_on_who_asks(make_course, service_call):
    make_course(title="Public phonics", visibility="PUBLIC", external_price_pence=9500)
    make_course(title="Trust maths twilight", visibility="TRUST")
    make_course(title="Draft science day", status="DRAFT")
    make_course(title="Archived history walk", status="ARCHIVED", visibility="PUBLIC")

    assert titles(service_call("catalogue", "GET", "/courses", VISITOR)) == ["Public phonics"]
    assert titles(service_call("catalogue", "GET", "/courses", EXTERNAL)) == ["Public phonics"]
    assert titles(service_call("catalogue", "GET", "/courses", TEACHER)) == ["Public phonics", "Trust maths twilight"]
    assert titles(service_call("catalogue", "GET", "/courses", ADMIN)) == [
        "Archived history walk", "Draft science day", "Public phonics", "Trust maths twilight"]


def test_a_hidden_course_is_not_found_even_by_id(make_course, service_call):
    draft = make_course(title="Secret draft", status="DRAFT")
    trust = make_course(title="Trust only", visibility="TRUST")
    assert service_call("catalogue", "GET", f"/courses/{draft['id']}", TEACHER).status_code == 404
    assert service_call("catalogue", "GET", f"/courses/by-slug/{trust['slug']}", VISITOR).status_code == 404
    assert service_call("catalogue", "GET", f"/courses/by-slug/{trust['slug']}", TEACHER).json()["title"] == "Trust only"


def test_full_text_search_ranks_and_matches_prefixes(make_course, service_call):
    make_course(title="Unlocking Letters and Sounds", summary="Systematic synthetic phonics.",
                description="Daily phonics sessions in Reception and Year 1.", subject="Phonics")
    make_course(title="Writing moderation KS2", summary="Agree standards.",
                description="Moderating writing against the framework; phonics not covered.", subject="English")
    make_course(title="Team Teach level 1", summary="Positive handling.", description="De-escalation.")

    found = titles(service_call("catalogue", "GET", "/courses", TEACHER, params={"search": "phonics"}))
    assert found == ["Unlocking Letters and Sounds", "Writing moderation KS2"]  # title/summary beat description
    assert titles(service_call("catalogue", "GET", "/courses", TEACHER, params={"search": "moder"})) == [
        "Writing moderation KS2"]
    assert titles(service_call("catalogue", "GET", "/courses", TEACHER, params={"search": "team de-escalation"})) == [
        "Team Teach level 1"]
    # punctuation that would be query syntax is just ignored
    assert titles(service_call("catalogue", "GET", "/courses", TEACHER, params={"search": '"or" AND (*'})) == []


def test_filters(make_course, service_call):
    make_course(title="EYFS maths", phases=["EYFS"], audiences=["LEARNING_PARTNER"], subject="Maths")
    make_course(title="KS3 maths", phases=["KS3", "KS4"], audiences=["TEACHER"], subject="Maths",
                delivery_mode="ONLINE")
    make_course(title="KS3 history", phases=["KS3"], subject="History")

    def q(**params):
        return titles(service_call("catalogue", "GET", "/courses", TEACHER, params=params))

    assert q(phase="KS3") == ["KS3 history", "KS3 maths"]
    assert q(phase="KS3", subject="maths") == ["KS3 maths"]
    assert q(audience="LEARNING_PARTNER") == ["EYFS maths"]
    assert q(delivery_mode="ONLINE") == ["KS3 maths"]
    subjects = service_call("catalogue", "GET", "/courses/subjects", TEACHER).json()["subjects"]
    assert subjects == ["History", "Maths"]


def test_paging_walks_every_course_once(make_course, service_call):
    for i in range(7):
        make_course(title=f"Course {i:02d}")
    seen, after = [], None
    while True:
        params = {"first": 3, **({"after": after} if after else {})}
        page = service_call("catalogue", "GET", "/courses", TEACHER, params=params).json()
        seen += [c["title"] for c in page["items"]]
        assert page["total"] == 7
        if not page["has_next"]:
            break
        after = page["end_cursor"]
    assert seen == [f"Course {i:02d}" for i in range(7)]
    too_many = service_call("catalogue", "GET", "/courses", TEACHER, params={"first": 101})
    assert too_many.status_code == 422
    assert too_many.json()["fieldErrors"][0]["field"] == ["first"]
    bad_cursor = service_call("catalogue", "GET", "/courses", TEACHER, params={"after": "nonsense!"})
    assert bad_cursor.status_code == 422 and "cursor" in bad_cursor.json()["message"]


def test_batch_read_answers_only_what_the_caller_may_see(make_course, service_call):
    a = make_course(title="Alpha")
    b = make_course(title="Beta", status="DRAFT")
    c = make_course(title="Gamma", visibility="PUBLIC")
    ids = f"{a['id']},{b['id']},{c['id']},999999"
    assert titles(service_call("catalogue", "GET", "/courses", TEACHER, params={"ids": ids})) == ["Alpha", "Gamma"]
    assert titles(service_call("catalogue", "GET", "/courses", ADMIN, params={"ids": ids})) == ["Alpha", "Beta", "Gamma"]
    assert service_call("catalogue", "GET", "/courses", ADMIN, params={"ids": "1;DROP"}).status_code == 422


def test_admin_creates_and_updates_keeping_the_slug(service_call):
    created = service_call("catalogue", "POST", "/courses", json=course_data(title="Team Teach Level 1"))
    assert created.status_code == 201, created.text
    course = created.json()
    assert course["slug"] == "team-teach-level-1"
    again = service_call("catalogue", "POST", "/courses", json=course_data(title="Team Teach level 1!"))
    assert again.json()["slug"] == "team-teach-level-1-2"

    updated = service_call("catalogue", "PUT", f"/courses/{course['id']}",
                           json=course_data(title="Team Teach Level 1 (renewal)", phases=["KS1", "EYFS"]))
    assert updated.status_code == 200, updated.text
    assert updated.json()["slug"] == "team-teach-level-1"
    assert updated.json()["phases"] == ["EYFS", "KS1"]


def test_only_admins_may_save(service_call):
    refused = service_call("catalogue", "POST", "/courses", TEACHER, json=course_data())
    assert refused.status_code == 403
    assert "admins" in refused.json()["message"]
    assert titles(service_call("catalogue", "GET", "/courses", ADMIN)) == []


def test_bad_input_is_refused_field_by_field_and_changes_nothing(make_course, service_call):
    course = make_course(title="Original title")
    bad = course_data(title="x", phases=[], duration_minutes="long", colour="blue", external_price_pence=-5)
    response = service_call("catalogue", "PUT", f"/courses/{course['id']}", json=bad)
    assert response.status_code == 422
    body = response.json()
    fields = {tuple(e["field"]): e["message"] for e in body["fieldErrors"]}
    assert set(fields) == {("title",), ("phases",), ("duration_minutes",), ("colour",), ("external_price_pence",)}
    assert fields[("colour",)] == "This field is not recognised; remove it."
    assert service_call("catalogue", "GET", f"/courses/{course['id']}").json()["title"] == "Original title"

    huge = service_call("catalogue", "POST", "/courses", json=course_data(description="x" * 20_001))
    assert huge.status_code == 422
    assert service_call("catalogue", "POST", "/courses", content=b"{not json",
                        headers={"Content-Type": "application/json"}).status_code in (400, 422)
    assert service_call("catalogue", "PUT", "/courses/424242", json=course_data()).status_code == 404
    assert titles(service_call("catalogue", "GET", "/courses")) == ["Original title"]


def test_tokens_are_required_and_must_be_for_this_service(stack, service_call):
    import httpx

    assert httpx.get(f"{stack.catalogue.url}/courses").status_code == 401
    assert httpx.get(f"{stack.catalogue.url}/courses", headers={"Authorization": "Bearer nonsense"}).status_code == 401
    wrong_audience = service_call("catalogue", "GET", "/courses", audience="bookings")
    assert wrong_audience.status_code == 401
    assert wrong_audience.json()["code"] == "unauthorized"
    # probes and the OpenAPI document are open
    assert httpx.get(f"{stack.catalogue.url}/healthz").status_code == 200
    assert httpx.get(f"{stack.catalogue.url}/readyz").json()["status"] == "ready"
    spec = httpx.get(f"{stack.catalogue.url}/openapi.json").json()
    assert "/courses" in spec["paths"] and spec["components"]["securitySchemes"]["serviceToken"]["scheme"] == "bearer"


def test_a_lost_race_on_a_unique_slug_is_a_409_not_a_500(stack, make_course, service_call, monkeypatch):
    from services.catalogue.courses import service

    make_course(title="Phonics")
    # as if another request took the slug between our check and our insert
    monkeypatch.setattr(service, "_unique_slug", lambda db, title, exclude: "phonics")
    response = service_call("catalogue", "POST", "/courses", json=course_data(title="Phonics"))
    assert response.status_code == 409
    assert "reload and try again" in response.json()["message"]
    assert titles(service_call("catalogue", "GET", "/courses")) == ["Phonics"]
