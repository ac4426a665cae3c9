"""School sprints straight against the catalogue: a school's leaders plan theirs
(school days only, at least one session, partners joining), record sessions held and
complete it; nobody outside its schools' leaders, SIPs and admins learns it exists;
bad input is refused on its field with nothing changed."""
from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from services.catalogue.tests.cascade_helpers import (
    ADMIN,
    LEADER_A,
    LEADER_B,
    LEADER_C,
    OUTSIDERS,
    SIP_A,
    STAFF_A,
    iso,
    move_session,
    school_day,
    weekend_day,
)
from shared.clock import LONDON, utcnow


def flags(sprint: dict) -> list[bool]:
    return [s["flagged_for_central"] for s in sprint["sessions"]]


def test_a_leader_plans_their_schools_sprint_and_the_first_session_is_flagged(cascade):
    programme = cascade.programme()
    sprint = cascade.plan(programme["id"], expect=201).json()
    assert (sprint["school_id"], sprint["status"], sprint["lead_name"]) == (1, "PLANNED", "Lee Leader")
    assert [s["sequence"] for s in sprint["sessions"]] == [1, 2] and flags(sprint) == [True, False]
    assert cascade.get(f"/sprints/{sprint['id']}", LEADER_A).json() == sprint
    # Planned again as a list (no ids), the sessions keep their ids and take the changes in order.
    later = [{"topic": "Reasoning", "scheduled_at": iso(school_day(12))},
             {"topic": "Fluency first", "scheduled_at": iso(school_day(4))},
             {"topic": "Bar models", "scheduled_at": iso(school_day(15)), "duration_minutes": 120}]
    again = cascade.plan(programme["id"], sessions=later, expect=200).json()
    assert [s["topic"] for s in again["sessions"]] == ["Fluency first", "Reasoning", "Bar models"]
    assert {s["id"] for s in again["sessions"]} > {s["id"] for s in sprint["sessions"]}
    assert again["sessions"][2]["duration_minutes"] == 120


def test_a_high_risk_school_has_every_session_flagged(cascade):
    programme = cascade.programme()
    cascade.band(1, "HIGH")
    sprint = cascade.plan(programme["id"], expect=201).json()
    assert flags(sprint) == [True, True] and sprint["school_risk_band"] == "HIGH"


def test_a_small_school_may_plan_one_long_session_with_pre_work(cascade, make_video):
    programme = cascade.programme()
    video = make_video(title="Bar models in Year 2")
    one = [{"topic": "The whole cascade in one twilight", "scheduled_at": iso(school_day(5)),
            "duration_minutes": 180, "video_ids": [video.id]}]
    sprint = cascade.plan(programme["id"], sessions=one, expect=201).json()
    assert [(s["duration_minutes"], s["video_ids"]) for s in sprint["sessions"]] == [(180, [video.id])]


@pytest.mark.parametrize("sessions, field, words", [
    ([{"topic": "Saturday", "scheduled_at": f"{weekend_day()}T10:00:00+00:00"}],
     ["sessions", "0", "scheduled_at"], "is not a school day (a weekend); choose another"),
    ([], ["sessions"], "plan at least one session"),
    ([{"topic": "Past", "scheduled_at": iso(utcnow() - timedelta(days=7))}], ["sessions", "0", "scheduled_at"], None),
    ([{"topic": "No time zone", "scheduled_at": "2030-01-08T10:00:00"}], ["sessions", "0", "scheduled_at"], "offset"),
    ([{"topic": "", "scheduled_at": iso(school_day(2))}], ["sessions", "0", "topic"], "blank"),
    ([{"topic": "Clip", "scheduled_at": iso(school_day(2)), "video_ids": [4242]}],
     ["sessions", "0", "video_ids"], "no video 4242"),
])
def test_a_bad_plan_is_refused_on_its_field_and_nothing_changes(cascade, sessions, field, words):
    programme = cascade.programme()
    before = cascade.plan(programme["id"], expect=201).json()
    answer = cascade.plan(programme["id"], sessions=sessions)
    assert answer.status_code == 422, answer.text
    errors = answer.json()["fieldErrors"]
    if words is None:  # a weekend in the past: either sentence will do, on the same field
        assert any(e["field"] == field for e in errors), errors
    else:
        assert any(e["field"] == field and words in e["message"].lower() for e in errors), errors
    assert cascade.get(f"/sprints/{before['id']}").json() == before


def test_an_unknown_school_or_partner_is_refused(cascade):
    programme = cascade.programme(schools=(1, 2))
    answer = cascade.plan(programme["id"], school_id=7, identity=ADMIN)
    assert answer.status_code == 422
    assert answer.json()["fieldErrors"] == [{"field": ["school_id"],
                                              "message": "This school is not taking part in the programme."}]
    answer = cascade.plan(programme["id"], partner_school_ids=[2, 8, 1])
    assert answer.status_code == 422
    assert [e["field"] for e in answer.json()["fieldErrors"]] == [["partner_school_ids", "1"],
                                                                  ["partner_school_ids", "2"]]
    assert cascade.get("/sprints").json()["total"] == 0
    assert cascade.plan(99999, expect=404).json()["message"] == "There is no such programme."


def test_a_partner_school_joins_a_sprint_its_leaders_see_it_and_cannot_plan_their_own(cascade):
    programme = cascade.programme()
    sprint = cascade.plan(programme["id"], partner_school_ids=[3], expect=201).json()
    assert sprint["partner_school_ids"] == [3]
    assert cascade.get(f"/sprints/{sprint['id']}", LEADER_C).status_code == 200
    assert [s["id"] for s in cascade.get("/sprints", LEADER_C, school_ids="3").json()["items"]] == [sprint["id"]]
    own = cascade.plan(programme["id"], school_id=3, identity=LEADER_C, lead_id=33, expect=409).json()
    assert own["message"] == ("This school has joined school 1's sprint in this programme; "
                              "that school's leaders plan it.")
    assert cascade.plan(programme["id"], identity=LEADER_C).status_code == 403
    # School 2 cannot take school 3 into a second sprint of the same programme.
    taken = cascade.plan(programme["id"], school_id=2, identity=LEADER_B, partner_school_ids=[3], expect=409).json()
    assert "School 3 is already in another sprint of this programme" in taken["message"]
    assert cascade.get("/sprints").json()["total"] == 1


@pytest.mark.parametrize("who", [SIP_A, LEADER_B, STAFF_A], ids=["SIP", "another school's leader", "staff"])
def test_only_the_schools_leaders_plan_it(cascade, who):
    programme = cascade.programme()
    assert cascade.plan(programme["id"], identity=who).status_code == 403
    assert cascade.get("/sprints").json()["total"] == 0


@pytest.mark.parametrize("name", list(OUTSIDERS))
def test_nobody_outside_the_schools_leaders_and_sips_learns_a_sprint_exists(cascade, name):
    who = OUTSIDERS[name]
    programme = cascade.programme()
    sprint = cascade.plan(programme["id"], expect=201).json()
    session_id = sprint["sessions"][0]["id"]
    assert cascade.get(f"/sprints/{sprint['id']}", who).status_code == 404
    page = cascade.get("/sprints", who, programme_ids=str(programme["id"])).json()
    assert (page["items"], page["total"]) == ([], 0)
    assert cascade.get("/sprints", who, ids=str(sprint["id"])).json()["total"] == 0
    assert cascade.record(session_id, who).status_code == 404
    assert cascade.call("catalogue", "POST", f"/sprints/{sprint['id']}/complete", who).status_code == 404
    coverage = cascade.get(f"/programmes/{programme['id']}/coverage", LEADER_B if who is LEADER_B else ADMIN)
    if who is LEADER_B:
        assert [r["school_id"] for r in coverage.json()["items"]] == [2]


def test_recording_sessions_moves_the_sprint_along_and_completes_it(cascade):
    programme = cascade.programme()
    sprint = cascade.plan(programme["id"], expect=201).json()
    first, second = (s["id"] for s in sprint["sessions"])
    early = cascade.record(first)
    assert early.status_code == 422 and "record it as held once it has happened" in early.json()["fieldErrors"][0][
        "message"]
    move_session(first, utcnow() - timedelta(days=2))
    missing = cascade.record(first, staff_attending=None)
    assert missing.json()["fieldErrors"] == [{"field": ["staff_attending"],
                                               "message": "Say how many staff came to the session."}]
    held = cascade.record(first, SIP_A, staff_attending=11).json()  # the school's SIP may record it too
    assert held["status"] == "IN_PROGRESS" and held["sessions"][0]["staff_attending"] == 11
    complete = f"/sprints/{sprint['id']}/complete"
    refused = cascade.call("catalogue", "POST", complete, LEADER_A)
    assert refused.status_code == 409 and refused.json()["message"].startswith("1 session is still planned")
    assert cascade.call("catalogue", "POST", complete, SIP_A).status_code == 403
    cancelled = cascade.record(second, status="CANCELLED", staff_attending=None).json()
    assert cancelled["sessions"][1]["status"] == "CANCELLED"
    done = cascade.call("catalogue", "POST", complete, LEADER_A).json()
    assert done["status"] == "COMPLETE" and done["completed_at"]
    assert cascade.call("catalogue", "POST", complete, LEADER_A).json() == done
    # Another session planned reopens it.
    more = [{"topic": "Follow-up", "scheduled_at": iso(school_day(6))}]
    assert cascade.plan(programme["id"], sessions=more, expect=200).json()["status"] == "IN_PROGRESS"


def test_a_cancelled_first_session_passes_its_flag_to_the_next(cascade):
    programme = cascade.programme()
    sprint = cascade.plan(programme["id"], expect=201).json()
    after = cascade.record(sprint["sessions"][0]["id"], status="CANCELLED", staff_attending=None).json()
    assert flags(after) == [False, True]


def test_held_and_cancelled_sessions_stay_as_they_were_when_the_plan_changes(cascade):
    programme = cascade.programme()
    sprint = cascade.held(cascade.plan(programme["id"], expect=201).json())
    held_id, planned_id = (s["id"] for s in sprint["sessions"])
    changed = cascade.plan(programme["id"], sessions=[{"id": planned_id, "topic": "Renamed",
                                                       "scheduled_at": iso(school_day(9))}], expect=200).json()
    assert [(s["id"], s["status"], s["topic"]) for s in changed["sessions"]] == [
        (held_id, "HELD", sprint["sessions"][0]["topic"]), (planned_id, "PLANNED", "Renamed")]
    wrong = cascade.plan(programme["id"], sessions=[{"id": held_id, "topic": "Rewrite history",
                                                     "scheduled_at": iso(school_day(9))}])
    assert wrong.status_code == 422 and wrong.json()["fieldErrors"][0]["field"] == ["sessions", "0", "id"]
    # Only the held session left: the plan may hold nothing more to come.
    assert cascade.plan(programme["id"], sessions=[], expect=200).json()["sessions"][0]["id"] == held_id


def test_the_plan_is_numbered_in_time_order_and_sessions_on_the_same_day_keep_theirs(cascade):
    programme = cascade.programme()
    day = school_day(4)
    both = [{"topic": "Afternoon", "scheduled_at": iso(datetime.combine(day.date(), time(15, 30), LONDON))},
            {"topic": "Morning", "scheduled_at": iso(datetime.combine(day.date(), time(8, 15), LONDON))}]
    sprint = cascade.plan(programme["id"], sessions=both, expect=201).json()
    assert [s["topic"] for s in sprint["sessions"]] == ["Morning", "Afternoon"]


def test_planning_recording_and_completing_are_in_the_audit_trail(cascade):
    programme = cascade.programme()
    sprint = cascade.held(cascade.plan(programme["id"], expect=201).json())
    cascade.record(sprint["sessions"][1]["id"], status="CANCELLED", staff_attending=None)
    cascade.call("catalogue", "POST", f"/sprints/{sprint['id']}/complete", LEADER_A)
    history = cascade.get(f"/history/sprint/{sprint['id']}").json()["items"]
    assert [e["action"] for e in history] == ["sprint.completed", "sprint_session.recorded",
                                              "sprint_session.recorded", "sprint.planned"]
    assert {e["actor_name"] for e in history} == {"Lee Leader"}
    held = {c["field"]: c["after"] for c in history[2]["changes"]}
    assert held == {"status": "HELD", "staff_attending": 9}
