"""Schools' risk bands: the central team sets them with a reason and a review date, every
change is kept with who and when, and nobody but admins and the school's own SIPs and
leaders ever sees one — through GraphQL, whichever field they ask for."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from tests.support.fixtures import gql, sign_in

SET = """mutation($s: ID!, $b: RiskBand!, $r: String!, $d: Date!) {
  setRiskBand(schoolId: $s, band: $b, reason: $r, reviewOn: $d) {
    school { name supportBand { band reason reviewOn reviewDue setByName setAt canChange
                                history { actorName summary changes { field before after } } } }
    userErrors { field message } } }"""
BAND = "query($s: ID!) { school(id: $s) { name supportBand { band reason reviewOn canChange } } }"
SOON = (date.today() + timedelta(days=60)).isoformat()


@pytest.fixture
def trust(make_school, make_person):
    a, b = make_school(name="Ashby Primary"), make_school(name="Brook Academy", risk_band="HIGH")
    for email, roles, school in [
            ("admin@trust.test", [("ll_admin",)], None), ("sip.a@trust.test", [("sip", a)], None),
            ("sip.b@trust.test", [("sip", b)], None), ("head.a@a.test", [("staff", a), ("school_leader", a)], a),
            ("teacher.a@a.test", [("staff", a)], a), ("governor.a@a.test", [("governor", a)], None),
            ("booker@outside.test", [("external_booker",)], None), ("lead@trust.test", [("network_lead", None, 1)],
                                                                    None)]:
        make_person(email, email.split("@")[0].replace(".", " ").title(), roles=roles, school_id=school)
    return {"a": str(a), "b": str(b)}


def set_band(client, school: str, band="HIGH", reason="Two new leaders and a falling maths attainment.",
             review_on=SOON) -> dict:
    return gql(client, SET, {"s": school, "b": band, "r": reason, "d": review_on})["data"]["setRiskBand"]


def test_the_central_team_sets_a_band_and_every_change_is_kept(client, trust):
    sign_in(client, "sip.a@trust.test")
    done = set_band(client, trust["a"])
    assert done["userErrors"] == []
    band = done["school"]["supportBand"]
    assert band["band"] == "HIGH" and band["reason"].startswith("Two new leaders") and band["reviewOn"] == SOON
    assert band["setByName"] == "Sip A" and band["setAt"] and band["canChange"] and not band["reviewDue"]
    # the same again changes nothing and writes nothing
    assert len(set_band(client, trust["a"])["school"]["supportBand"]["history"]) == 1
    later = set_band(client, trust["a"], "MEDIUM", "New head settled; maths improving.")["school"]["supportBand"]
    assert [h["actorName"] for h in later["history"]] == ["Sip A", "Sip A"]
    assert later["history"][0]["summary"] == "Ashby Primary's risk band set"
    assert {c["field"]: (c["before"], c["after"]) for c in later["history"][0]["changes"]} == {
        "risk_band": ("HIGH", "MEDIUM"),
        "risk_reason": ("Two new leaders and a falling maths attainment.", "New head settled; maths improving.")}
    from gateway.db import database
    from gateway.identity.models import AuditEntry

    with database().session() as db:
        entries = db.exec(select(AuditEntry).where(AuditEntry.object_type == "school")).all()
    assert [(e.actor_name, e.action, e.object_id) for e in entries] == [("Sip A", "school.risk_band_set", trust["a"])] * 2


@pytest.mark.parametrize("email", ["sip.b@trust.test", "head.a@a.test", "teacher.a@a.test", "governor.a@a.test",
                                   "booker@outside.test", "lead@trust.test"])
def test_only_admins_and_the_schools_own_sips_set_it(client, trust, email):
    sign_in(client, email)
    refused = set_band(client, trust["a"])
    assert refused["school"] is None
    assert refused["userErrors"] == [{"field": None, "message": "Only Lighthouse Learning admins and the school's "
                                                                "own SIPs can set its risk band."}]
    sign_in(client, "admin@trust.test")
    assert gql(client, BAND, {"s": trust["a"]})["data"]["school"]["supportBand"]["band"] == "LOW"  # unchanged


def test_an_admin_sets_any_schools_band(client, trust):
    sign_in(client, "admin@trust.test")
    assert set_band(client, trust["b"], "LOW", "Strong results three years running.")["userErrors"] == []


def test_bad_input_is_refused_whole_beside_each_field(client, trust):
    sign_in(client, "admin@trust.test")
    refused = set_band(client, trust["a"], reason="  ", review_on=date.today().isoformat())
    assert refused == {"school": None, "userErrors": [
        {"field": ["reason"], "message": "Say why the school is in this band, so the team can review it."},
        {"field": ["reviewOn"], "message": "The review date must be in the future."}]}
    far = set_band(client, trust["a"], reason="x" * 501, review_on=(date.today() + timedelta(days=800)).isoformat())
    assert [e["field"] for e in far["userErrors"]] == [["reason"], ["reviewOn"]]
    assert "Review the band within two years" in far["userErrors"][1]["message"]
    assert set_band(client, "999")["userErrors"] == [{"field": None, "message": "There is no such school."}]
    assert set_band(client, "x")["userErrors"] == [{"field": ["schoolId"], "message": "There is no such school."}]
    assert gql(client, BAND, {"s": trust["a"]})["data"]["school"]["supportBand"] == {
        "band": "LOW", "reason": None, "reviewOn": None, "canChange": True}


# who may see a band: admins every school's, a school's SIPs and leaders their own
SEES = {"admin@trust.test": {"a", "b"}, "sip.a@trust.test": {"a"}, "head.a@a.test": {"a"},
        "teacher.a@a.test": set(), "governor.a@a.test": set(), "booker@outside.test": set(),
        "lead@trust.test": set(), None: set()}


@pytest.mark.parametrize("email", list(SEES))
def test_who_sees_a_band(client, trust, email):
    if email:
        sign_in(client, email)
    for key in ("a", "b"):
        school = gql(client, BAND, {"s": trust[key]})["data"]["school"]
        assert (school["supportBand"] is not None) == (key in SEES[email]), key
        contract = gql(client, "query($s: ID!) { school(id: $s) { riskBand } }", {"s": trust[key]})
        if key in SEES[email]:
            assert contract["data"]["school"]["riskBand"] == ("LOW" if key == "a" else "HIGH")
        else:  # the contract's field is non-null: an error, never a band that is not the school's
            assert contract["data"]["school"] is None
            assert contract["errors"][0]["message"] == ("Only admins and the school's own SIPs and leaders can see "
                                                        "its risk band.")
