"""The catalogue's copies of other services' facts (copies/): the school days networks
delivers keep sprint sessions off closed days, and the risk bands the gateway delivers
flag the sessions still to come of every sprint a school is in — a band that changes
after planning re-flags them, leaving held sessions and those a SIP took on as they
were.  Only the owner of a fact changes its copy."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from services.catalogue.db import database
from services.catalogue.tests.cascade_helpers import ADMIN, LEADER_A, SIP_A, iso, school_day
from shared import tokens
from shared.clock import academic_year_of


def flags(sprint: dict) -> list[bool]:
    return [s["flagged_for_central"] for s in sprint["sessions"]]


def sprint_of(cascade, sprint: dict) -> dict:
    return cascade.get(f"/sprints/{sprint['id']}").json()


def central(cascade, who=SIP_A) -> list[tuple[int, int]]:
    """The SIPs' list: (school, session number) of each flagged session coming up."""
    page = cascade.get("/sprint-sessions/central", who).json()
    return [(row["school_id"], row["session"]["sequence"]) for row in page["items"]]


def closing(cascade, day: date) -> None:
    """The copy of `day`'s academic year: every weekday a school day but `day`."""
    label = academic_year_of(day)
    first = date(int(label[:4]), 9, 1)
    days = [first + timedelta(days=d) for d in range(365)]
    cascade.school_days(label, [d for d in days if d.weekday() < 5 and d != day])


# ---------- school days ----------


def test_a_session_on_a_day_the_calendar_copy_closes_is_refused_beside_it(cascade):
    programme = cascade.programme()
    closed = school_day(5)
    closing(cascade, closed.date())
    sessions = [{"topic": "Fine", "scheduled_at": iso(school_day(3))},
                {"topic": "On the INSET day", "scheduled_at": iso(closed)}]
    refused = cascade.plan(programme["id"], sessions=sessions)
    assert refused.status_code == 422, refused.text
    assert refused.json()["fieldErrors"] == [{"field": ["sessions", "1", "scheduled_at"], "message": (
        f"{closed:%A %-d %B %Y} is not a school day (half term, a holiday or an INSET day); choose another.")}]
    assert cascade.get("/sprints").json()["total"] == 0  # nothing saved
    sessions[1]["scheduled_at"] = iso(school_day(6))
    assert cascade.plan(programme["id"], sessions=sessions, expect=201)


def test_a_session_planned_before_its_day_closed_is_not_refused_until_it_moves(cascade):
    """The calendar corrected after planning: the plan can still be changed in other
    ways; moving the session asks for an open day."""
    programme = cascade.programme()
    sprint = cascade.plan(programme["id"], expect=201).json()
    closing(cascade, school_day(8).date())  # the second session's day
    renamed = [{"id": s["id"], "topic": f"{s['topic']}, renamed", "scheduled_at": s["scheduled_at"]}
               for s in sprint["sessions"]]
    assert cascade.plan(programme["id"], sessions=renamed, expect=200)
    renamed[1]["scheduled_at"] = iso(school_day(8) + timedelta(minutes=30))
    moved = cascade.plan(programme["id"], sessions=renamed, expect=422).json()
    assert [e["field"] for e in moved["fieldErrors"]] == [["sessions", "1", "scheduled_at"]]


# ---------- risk bands ----------


def test_a_sprint_takes_its_riskiest_schools_band_and_none_when_unknown(cascade):
    programme = cascade.programme(schools=(1, 2, 3))
    unknown = cascade.plan(programme["id"], expect=201).json()
    assert unknown["school_risk_band"] is None and flags(unknown) == [True, False]
    cascade.band(1, "LOW")
    cascade.band(3, "MEDIUM")
    joined = cascade.plan(programme["id"], partner_school_ids=[3], expect=200).json()
    assert joined["school_risk_band"] == "MEDIUM" and flags(joined) == [True, False]


def test_a_band_change_reflags_the_sessions_still_to_come(cascade):
    programme = cascade.programme()
    cascade.band(1, "LOW")
    sessions = [{"topic": f"Session {n}", "scheduled_at": iso(school_day(d))} for n, d in ((1, 3), (2, 5), (3, 8))]
    sprint = cascade.plan(programme["id"], sessions=sessions, expect=201).json()
    assert flags(sprint) == [True, False, False] and central(cascade) == [(1, 1)]

    assert cascade.band(1, "HIGH") == {"applied": True}  # the central team raised it, in the gateway
    high = sprint_of(cascade, sprint)
    assert high["school_risk_band"] == "HIGH" and flags(high) == [True, True, True]
    assert central(cascade) == [(1, 1), (1, 2), (1, 3)]  # now in the SIPs' list, highest risk first
    # the second session is held; the third taken on by Sita
    cascade.held(high, 0, days_ago=3)
    cascade.held(sprint_of(cascade, sprint), 1, days_ago=1)
    third = high["sessions"][2]["id"]
    assert cascade.call("catalogue", "PUT", f"/sprint-sessions/{third}/central-attendee", SIP_A).status_code == 200

    cascade.band(1, "LOW")
    low = sprint_of(cascade, sprint)
    # held sessions keep the flag they were held under; Sita still goes to the third
    assert low["school_risk_band"] == "LOW" and flags(low) == [True, True, True]
    sessions = [{"id": s["id"], "topic": s["topic"], "scheduled_at": s["scheduled_at"]} for s in low["sessions"]
                if s["status"] == "PLANNED"] + [{"topic": "Session 4", "scheduled_at": iso(school_day(12))}]
    more = cascade.plan(programme["id"], sessions=sessions, expect=200).json()
    assert flags(more) == [True, True, True, False]  # a plan changed later keeps them too
    cascade.band(1, "HIGH")
    cascade.band(1, "LOW")
    assert flags(sprint_of(cascade, more)) == [True, True, True, False]  # the fourth, not taken on, is let go
    assert central(cascade) == [(1, 3)]
    history = cascade.get(f"/history/sprint/{sprint['id']}", ADMIN).json()["items"]
    followed = [e for e in history if e["action"] == "sprint.band_changed"]
    assert [e["actor_name"] for e in followed] == ["gateway"] * 4
    latest = {c["field"]: [c["before"], c["after"]] for c in followed[0]["changes"]}
    assert latest == {"school_1_band": ["HIGH", "LOW"], "school_risk_band": ["HIGH", "LOW"],
                      "sessions_flagged_for_central": [[1, 2, 3, 4], [1, 2, 3]]}


def test_a_partners_band_reaches_the_sprint_it_joined_and_a_complete_sprint_keeps_its_own(cascade):
    programme = cascade.programme(schools=(1, 2, 3))
    cascade.band(1, "LOW")
    joined = cascade.plan(programme["id"], partner_school_ids=[3], expect=201).json()
    cascade.band(3, "HIGH")
    assert flags(sprint_of(cascade, joined)) == [True, True]
    solo = cascade.plan(cascade.programme(schools=(1,))["id"], sessions=[
        {"topic": "Only", "scheduled_at": iso(school_day(2))}], expect=201).json()
    cascade.held(solo)
    assert cascade.call("catalogue", "POST", f"/sprints/{solo['id']}/complete", LEADER_A).status_code == 200
    cascade.band(1, "MEDIUM")
    assert sprint_of(cascade, solo)["school_risk_band"] == "LOW"  # it ran under LOW
    assert sprint_of(cascade, joined)["school_risk_band"] == "HIGH"  # the partner is still the riskiest


@pytest.mark.parametrize("path, fact, owner", [
    ("/copies/school-bands/1", {"band": "HIGH"}, "gateway"),
    ("/copies/school-days/2026-27", {"school_days": []}, "networks"),
])
def test_only_the_owner_of_a_fact_changes_the_catalogues_copy(cascade, deliver_fact, path, fact, owner):
    other = "networks" if owner == "gateway" else "gateway"  # a publisher to the catalogue, of other facts
    for who in (tokens.service_identity(other), ADMIN, SIP_A, LEADER_A):
        refused = deliver_fact(owner, "catalogue", path, who, **fact)
        assert refused.status_code == 403, (who, refused.text)
        assert refused.json()["message"] == f"Only the {owner} service publishes this; it is not changed here."
    # the catalogue publishes nothing to itself: its own token opens nothing here
    assert deliver_fact(owner, "catalogue", path, tokens.service_identity("catalogue"), **fact).status_code == 401
    with database().session() as db:
        assert db.exec(sa.text("SELECT count(*) FROM fact_received")).scalar() == 0
        assert db.exec(sa.text("SELECT count(*) FROM school_band")).scalar() == 0
    assert deliver_fact(owner, "catalogue", path, **fact).json() == {"applied": True}
