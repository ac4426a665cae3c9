"""The central team's side of sprints: the SIPs' list of flagged sessions coming up in
their schools (highest risk first), taking one on (two SIPs at once: one has it), and
the coverage read the gateway's map is built on."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from services.catalogue.tests.cascade_helpers import (
    ADMIN,
    EXTERNAL,
    LEADER_A,
    LEADER_B,
    LEADER_C,
    SIP_A,
    SIP_A2,
    SIP_B,
    STAFF_A,
    move_session,
)
from shared.clock import LONDON, utcnow


@pytest.fixture
def three(cascade):
    """Schools 1 (LOW), 2 (HIGH) and 3 (MEDIUM) each planning two sessions."""
    programme = cascade.programme()
    plans = {1: (LEADER_A, "LOW"), 2: (LEADER_B, "HIGH"), 3: (LEADER_C, "MEDIUM")}
    for school, (_, band) in plans.items():
        cascade.band(school, band)
    return programme, {school: cascade.plan(programme["id"], school_id=school, identity=who, expect=201).json()
                       for school, (who, _) in plans.items()}


def listed(cascade, who, **params) -> list[tuple[int, int]]:
    page = cascade.get("/sprint-sessions/central", who, **params).json()
    return [(row["school_id"], row["session"]["sequence"]) for row in page["items"]]


def test_a_sip_sees_the_flagged_sessions_coming_up_in_their_schools_highest_risk_first(cascade, three):
    assert listed(cascade, SIP_A) == [(3, 1), (1, 1)]
    assert listed(cascade, SIP_B) == [(2, 1), (2, 2)]
    assert listed(cascade, ADMIN) == [(2, 1), (2, 2), (3, 1), (1, 1)]
    assert listed(cascade, SIP_A, school_ids="1,2") == [(1, 1)]
    row = cascade.get("/sprint-sessions/central", SIP_A).json()["items"][0]
    assert (row["programme_title"], row["school_risk_band"], row["lead_name"]) == (
        "White Rose Maths mastery", "MEDIUM", "Lee Leader")
    # A session held, or one whose day has passed, is no longer coming up.
    move_session(three[1][3]["sessions"][0]["id"], utcnow() - timedelta(days=3))
    assert listed(cascade, SIP_A) == [(1, 1)]


@pytest.mark.parametrize("who", [LEADER_A, STAFF_A, EXTERNAL], ids=["leader", "staff", "external"])
def test_the_list_is_the_central_teams(cascade, three, who):
    assert cascade.get("/sprint-sessions/central", who).status_code == 403


def test_a_sip_takes_a_session_on_and_another_sip_is_told_who_has(cascade, three):
    session_id = three[1][1]["sessions"][0]["id"]
    path = f"/sprint-sessions/{session_id}/central-attendee"
    taken = cascade.call("catalogue", "PUT", path, SIP_A)
    assert taken.status_code == 200 and taken.json()["sessions"][0]["central_attendee_name"] == "Sita Sip"
    assert cascade.call("catalogue", "PUT", path, SIP_A).status_code == 200  # again: still theirs
    other = cascade.call("catalogue", "PUT", path, SIP_A2)
    assert other.status_code == 409
    assert other.json()["message"] == "Sita Sip is already attending this session for the central team."
    assert listed(cascade, SIP_A, mine="true") == [(1, 1)] and listed(cascade, SIP_A2, mine="true") == []
    assert cascade.call("catalogue", "PUT", path, SIP_B).status_code == 404  # another school's SIP
    assert cascade.call("catalogue", "PUT", path, LEADER_A).status_code == 403
    assert cascade.call("catalogue", "DELETE", path, SIP_A2).status_code == 403
    given_up = cascade.call("catalogue", "DELETE", path, SIP_A).json()
    assert given_up["sessions"][0]["central_attendee_id"] is None
    assert cascade.call("catalogue", "PUT", path, SIP_A2).status_code == 200
    history = cascade.get(f"/history/sprint_session/{session_id}").json()["items"]
    assert [(e["action"], e["actor_name"]) for e in history] == [
        ("sprint_session.taken_on", "Sam Second"), ("sprint_session.given_up", "Sita Sip"),
        ("sprint_session.taken_on", "Sita Sip")]


def test_two_sips_taking_a_session_on_at_once_one_has_it(cascade, three):
    path = f"/sprint-sessions/{three[1][1]['sessions'][0]['id']}/central-attendee"
    start = threading.Barrier(2)

    def take(who):
        start.wait(timeout=10)
        return cascade.call("catalogue", "PUT", path, who)

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(take, [SIP_A, SIP_A2]))
    assert sorted(a.status_code for a in answers) == [200, 409]
    winner = next(a for a in answers if a.status_code == 200).json()["sessions"][0]["central_attendee_name"]
    assert cascade.get(f"/sprints/{three[1][1]['id']}").json()["sessions"][0]["central_attendee_name"] == winner


def test_coverage_says_where_each_school_stands(cascade):
    programme = cascade.programme(schools=(1, 2, 3, 4))
    cascade.band(3, "HIGH")  # the partner's: the sprint is supported as its riskiest school needs
    sprint = cascade.plan(programme["id"], partner_school_ids=[3], expect=201).json()
    cascade.held(sprint)
    cascade.note(sprint["sessions"][0]["id"])
    rows = {r["school_id"]: r for r in cascade.get(f"/programmes/{programme['id']}/coverage").json()["items"]}
    assert sorted(rows) == [1, 2, 3, 4]
    one = rows[1]
    assert (one["sprint_id"], one["host_school_id"], one["sprint_status"], one["school_risk_band"]) == (
        sprint["id"], 1, "IN_PROGRESS", "HIGH")
    assert (one["sessions_held"], one["sessions_planned"], one["qa_recorded"]) == (1, 1, True)
    assert one["first_session_held_on"] == (utcnow() - timedelta(days=1)).astimezone(LONDON).date().isoformat()
    assert one["next_session_at"] == sprint["sessions"][1]["scheduled_at"]
    assert rows[3]["sprint_id"] == sprint["id"] and rows[3]["host_school_id"] == 1  # joined school 1's
    assert rows[2] == {"programme_id": programme["id"], "school_id": 2, "sprint_id": None, "host_school_id": None,
                       "sprint_status": None, "school_risk_band": None, "sessions_planned": 0, "sessions_held": 0,
                       "first_session_held_on": None, "next_session_at": None, "qa_recorded": False}
    # A SIP sees their schools' rows; a leader their school's; staff none.
    assert [r["school_id"] for r in cascade.get(f"/programmes/{programme['id']}/coverage", SIP_A).json()["items"]] \
        == [1, 3]
    assert [r["school_id"] for r in cascade.get("/programmes/coverage", LEADER_B,
                                                ids=str(programme["id"])).json()["items"]] == [2]
    assert cascade.get(f"/programmes/{programme['id']}/coverage", STAFF_A).json()["items"] == []
    assert cascade.get(f"/programmes/{programme['id']}/coverage", EXTERNAL).status_code == 404
