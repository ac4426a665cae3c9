"""Who is in a network: leads and admins change it, members see it, everyone else sees
its name only — and a refused change changes nothing."""
from __future__ import annotations

from services.networks.tests.test_networks_api import add
from shared import tokens


def who(pid: int, *grants: tokens.Grant, school: int | None = 1) -> tokens.Identity:
    return tokens.Identity(subject=str(pid), name=f"Person {pid}", email=f"p{pid}@trust.test", school_id=school,
                           grants=grants or (tokens.Grant("staff", school_id=school),))


def member(pid: int, school: int = 1, role: str = "MEMBER") -> dict:
    return {"person_id": pid, "name": f"Person {pid}", "email": f"p{pid}@trust.test", "school_id": school, "role": role}


def names(service_call, network_id, identity) -> list[str]:
    r = service_call("networks", "GET", f"/networks/{network_id}/members", identity)
    assert r.status_code == 200, r.text
    return [m["name"] for m in r.json()["items"]]


def test_a_lead_builds_the_roster_and_members_see_it(service_call):
    maths, english = add("Maths network", "English network")
    lead = who(50, tokens.Grant("network_lead", network_id=maths))
    for pid in (1, 2):
        added = service_call("networks", "POST", f"/networks/{maths}/members", lead, json=member(pid))
        assert added.status_code == 201, added.text
    # one person, several networks: the head of a small school leads two subjects
    service_call("networks", "POST", f"/networks/{english}/members", json=member(1, role="LEAD"))
    assert names(service_call, maths, lead) == ["Person 1", "Person 2"]
    assert names(service_call, maths, who(2)) == ["Person 1", "Person 2"]  # a member
    assert names(service_call, maths, who(3)) == []  # not a member: nothing, not even a count
    assert names(service_call, english, who(2)) == []
    mine = service_call("networks", "GET", "/memberships/mine", who(1)).json()["items"]
    assert sorted((m["network_id"], m["role"]) for m in mine) == [(maths, "MEMBER"), (english, "LEAD")]
    batch = service_call("networks", "GET", "/memberships", who(2), params={"network_ids": f"{maths},{english}"})
    assert {m["network_id"] for m in batch.json()["items"]} == {maths}


def test_refusals_say_why_and_change_nothing(service_call):
    maths, english = add("Maths network", "English network")
    lead = who(50, tokens.Grant("network_lead", network_id=maths))
    service_call("networks", "POST", f"/networks/{maths}/members", lead, json=member(1))
    twice = service_call("networks", "POST", f"/networks/{maths}/members", lead, json=member(1))
    assert twice.status_code == 409 and "Person 1 is already a member of the Maths network" in twice.json()["message"]
    other = service_call("networks", "POST", f"/networks/{english}/members", lead, json=member(2))
    assert other.status_code == 403 and "leads" in other.json()["message"]
    staff = service_call("networks", "POST", f"/networks/{maths}/members", who(1), json=member(2))
    assert staff.status_code == 403
    unknown = service_call("networks", "POST", "/networks/99999/members", json=member(2))
    assert unknown.status_code == 404
    bad = service_call("networks", "POST", f"/networks/{maths}/members", lead, json={**member(2), "role": "BOSS"})
    assert bad.status_code == 422 and bad.json()["fieldErrors"][0]["field"] == ["role"]
    assert service_call("networks", "DELETE", f"/networks/{maths}/members/1", who(1)).status_code == 403
    gone = service_call("networks", "DELETE", f"/networks/{maths}/members/7", lead)
    assert gone.status_code == 404 and "not a member" in gone.json()["message"]
    assert names(service_call, maths, lead) == ["Person 1"]
    assert names(service_call, english, tokens.Identity(subject="9", grants=(tokens.Grant("ll_admin"),))) == []
    assert service_call("networks", "DELETE", f"/networks/{maths}/members/1", lead).status_code == 204
    assert names(service_call, maths, lead) == []
