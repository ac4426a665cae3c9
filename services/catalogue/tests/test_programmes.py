"""Programmes in the catalogue: admins make and change them, the trust reads them, bad
input is refused on its field with nothing changed, and every change is in the audit
trail."""
from __future__ import annotations

import pytest

from services.catalogue.tests.cascade_helpers import (
    ADMIN,
    EXTERNAL,
    GOVERNOR_A,
    LEADER_A,
    NETWORK_LEAD,
    SIP_A,
    STAFF_A,
    VISITOR,
)


def test_an_admin_sets_up_a_programme_and_the_trust_reads_it(cascade, service_call):
    made = cascade.programme(schools=(3, 1, 2))
    assert made["school_ids"] == [1, 2, 3] and made["source_session_ids"] == [11, 12]
    assert made["follow_up_meeting_ids"] == [5] and made["created_by_name"] == "Ada Admin"
    for who in (ADMIN, SIP_A, LEADER_A, STAFF_A, GOVERNOR_A, NETWORK_LEAD):
        page = cascade.get("/programmes", who).json()
        assert [p["id"] for p in page["items"]] == [made["id"]] and page["total"] == 1
        assert cascade.get(f"/programmes/{made['id']}", who).json()["title"] == "White Rose Maths mastery"


@pytest.mark.parametrize("who", [EXTERNAL, VISITOR], ids=["external booker", "visitor"])
def test_someone_outside_the_trust_sees_no_programme(cascade, who):
    made = cascade.programme()
    assert cascade.get("/programmes", who).json() == {"items": [], "total": 0, "has_next": False,
                                                      "end_cursor": None, "cursors": []}
    assert cascade.get(f"/programmes/{made['id']}", who).status_code == 404


@pytest.mark.parametrize("who", [SIP_A, LEADER_A, STAFF_A, EXTERNAL], ids=["SIP", "leader", "staff", "external"])
def test_only_admins_make_or_change_programmes(cascade, service_call, who):
    made = cascade.programme()
    refused = cascade.programme(identity=who, expect=403)
    assert "admins" in refused["message"]
    changed = service_call("catalogue", "PUT", f"/programmes/{made['id']}", who,
                           json={**_body(made), "title": "Renamed"})
    assert changed.status_code == 403
    assert cascade.get(f"/programmes/{made['id']}").json()["title"] == made["title"]


def _body(programme: dict) -> dict:
    keys = ("title", "source_course_id", "source_session_ids", "network_id", "follow_up_meeting_ids", "school_scope",
            "school_phase", "school_ids")
    return {k: programme[k] for k in keys}


def test_a_batch_read_and_a_schools_programmes(cascade):
    course = cascade.course()
    first = cascade.programme(schools=(1, 2), course_id=course)
    second = cascade.programme(schools=(2, 3), course_id=course, title="Reading fluency")
    both = cascade.get("/programmes", ids=f"{first['id']},{second['id']}").json()
    assert sorted(p["id"] for p in both["items"]) == sorted([first["id"], second["id"]])
    assert [p["id"] for p in cascade.get("/programmes", school_id=3).json()["items"]] == [second["id"]]
    assert cascade.get("/programmes", school_id=9).json()["total"] == 0


@pytest.mark.parametrize("change, field, words", [
    ({"source_course_id": 99999}, "source_course_id", "no such course"),
    ({"school_ids": []}, "school_ids", "at least one"),
    ({"school_ids": [1, 1]}, "school_ids", "once"),
    ({"title": "  "}, "title", "at least 3"),
    ({"network_id": None}, "network_id", "network"),
    ({"school_scope": "PHASE"}, "school_phase", "phase"),
    ({"school_scope": "LIST", "school_phase": "PRIMARY"}, "school_phase", "only"),
    ({"source_session_ids": [0]}, "source_session_ids", "at least 1"),
])
def test_bad_input_is_refused_on_its_field_and_nothing_is_saved(cascade, service_call, change, field, words):
    made = cascade.programme()
    for method, path in (("POST", "/programmes"), ("PUT", f"/programmes/{made['id']}")):
        answer = service_call("catalogue", method, path, ADMIN, json={**_body(made), **change})
        assert answer.status_code == 422, answer.text
        errors = answer.json()["fieldErrors"]
        assert any(e["field"][0] == field and words in e["message"].lower() for e in errors), errors
    assert cascade.get("/programmes").json()["total"] == 1
    assert cascade.get(f"/programmes/{made['id']}").json() == made


def test_a_phase_programme_keeps_how_its_schools_were_chosen(cascade):
    made = cascade.programme(school_scope="PHASE", school_phase="PRIMARY")
    assert (made["school_scope"], made["school_phase"]) == ("PHASE", "PRIMARY")


def test_changing_a_programme_is_audited_and_a_school_in_a_sprint_stays(cascade, service_call):
    made = cascade.programme(schools=(1, 2))
    body = {**_body(made), "title": "White Rose Maths: mastery", "school_ids": [2, 3]}
    answer = service_call("catalogue", "PUT", f"/programmes/{made['id']}", ADMIN, json=body)
    assert answer.status_code == 200 and answer.json()["school_ids"] == [2, 3]
    cascade.plan(made["id"], school_id=3, identity=ADMIN, expect=201)
    refused = service_call("catalogue", "PUT", f"/programmes/{made['id']}", ADMIN, json={**body, "school_ids": [2]})
    assert refused.status_code == 409 and "School 3 already has a sprint" in refused.json()["message"]
    assert cascade.get(f"/programmes/{made['id']}").json()["school_ids"] == [2, 3]
    history = cascade.get(f"/history/programme/{made['id']}").json()["items"]
    mine = [e for e in history if e["object_type"] == "programme"]
    assert [e["action"] for e in mine] == ["programme.changed", "programme.created"]
    changes = {c["field"]: (c["before"], c["after"]) for c in mine[0]["changes"]}
    assert changes["school_ids"] == ([1, 2], [2, 3]) and changes["title"][1] == "White Rose Maths: mastery"
    assert mine[0]["summary"] == "Programme changed: White Rose Maths: mastery"
