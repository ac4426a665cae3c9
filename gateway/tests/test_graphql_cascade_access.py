"""Who sees what of the cascade through the GraphQL API, for every role: programmes are
the trust's; each school's coverage, sprint, QA notes and risk band are for admins and
that school's own SIPs and leaders — a leader of Ashby asking for Brook's note or band
gets nothing, staff, governors and outsiders never see a note or a band, and a SIP sees
only their own schools' unless they are an admin.  (The services' own tests check the
same rules straight against them: services/catalogue/tests, test_cascade_attendance.py,
test_cascade_reads.py.)"""
from __future__ import annotations

import pytest

from gateway.tests.cascade_world import build, hold_first, note, plan
from tests.support.fixtures import gql, sign_in

# email: the schools whose cascade, notes and band they see (None: a visitor)
SEES = {"admin@trust.test": {"a", "b", "c"}, "sip.a@trust.test": {"a"}, "sip.b@trust.test": {"b"},
        "head.a@a.test": {"a"}, "head.b@b.test": {"b"}, "teacher.a@a.test": set(), "governor.a@a.test": set(),
        "lead@trust.test": set(), "booker@outside.test": set(), None: set()}
TRUST = {"admin@trust.test", "sip.a@trust.test", "sip.b@trust.test", "head.a@a.test", "head.b@b.test",
         "teacher.a@a.test", "governor.a@a.test", "lead@trust.test"}
NAMES = {"a": "Ashby Primary", "b": "Brook Academy", "c": "Cedar Infants"}

READ = """query($p: ID!, $sa: ID!, $sb: ID!, $a: ID!, $b: ID!) {
  programmes { id }
  programme(id: $p) { coverage { school { name } } sprints { school { name } sessions { qaNote { strengths } } } }
  sprintA: sprint(id: $sa) { id sessions { qaNote { strengths revisions { strengths } } } }
  sprintB: sprint(id: $sb) { id }
  schoolA: school(id: $a) { supportBand { band } cascades { stage } }
  schoolB: school(id: $b) { supportBand { band } cascades { stage } } }"""


@pytest.fixture
def cascade(client, make_school, make_person, make_course):
    """Ashby's sprint with its first session held and noted (and the note edited);
    Brook's planned."""
    world = build(client, make_school, make_person, make_course)
    sign_in(client, "head.a@a.test")
    plan(client, world, "a")
    hold_first(client, world, "a")
    sign_in(client, "head.b@b.test")
    plan(client, world, "b", lead="head.b@b.test")
    sign_in(client, "sip.a@trust.test")
    first = world.sprints["a"]["sessions"][0]["id"]
    assert note(client, first)["userErrors"] == []
    assert note(client, first, strengths="Clear modelling; pupils explained.")["userErrors"] == []
    return world


@pytest.mark.parametrize("email", list(SEES), ids=lambda e: e or "visitor")
def test_what_each_role_sees_of_the_cascade(gateway_app, cascade, email):
    client = gateway_app.test_client()  # a fresh browser: nobody signed in yet
    if email:
        sign_in(client, email)
    world, sees = cascade, SEES[email]
    answer = gql(client, READ, {"p": world.programme_id, "sa": world.sprints["a"]["id"],
                                "sb": world.sprints["b"]["id"], "a": str(world.schools["a"]),
                                "b": str(world.schools["b"])})
    assert "errors" not in answer, answer
    data = answer["data"]
    assert bool(data["programmes"]) == (email in TRUST)
    programme = data["programme"]
    assert (programme is not None) == (email in TRUST)
    if programme:
        assert {c["school"]["name"] for c in programme["coverage"]} == {NAMES[k] for k in sees}
        assert {s["school"]["name"] for s in programme["sprints"]} == {NAMES[k] for k in sees & {"a", "b"}}
        notes = [s["qaNote"] for sprint in programme["sprints"] for s in sprint["sessions"] if s["qaNote"]]
        assert len(notes) == (1 if "a" in sees else 0)
    assert (data["sprintA"] is not None) == ("a" in sees)
    assert (data["sprintB"] is not None) == ("b" in sees)
    if data["sprintA"]:
        seen = data["sprintA"]["sessions"][0]["qaNote"]
        assert seen["strengths"] == "Clear modelling; pupils explained."
        assert [r["strengths"] for r in seen["revisions"]] == ["Clear modelling."]
    for key in ("a", "b"):
        school = data[f"school{key.upper()}"]
        assert (school["supportBand"] is not None) == (key in sees)
        assert bool(school["cascades"]) == (key in sees)


@pytest.mark.parametrize("email", [e for e in SEES if e], ids=str)
def test_only_the_schools_sips_and_admins_write_its_notes(gateway_app, cascade, email):
    client = gateway_app.test_client()
    sign_in(client, email)
    first = cascade.sprints["a"]["sessions"][0]["id"]
    done = note(client, first, strengths=f"Seen by {email}.")
    assert (done["userErrors"] == []) == (email in ("admin@trust.test", "sip.a@trust.test")), done
    if done["userErrors"]:
        assert done["qaNote"] is None


def test_a_leader_asking_for_another_schools_cascade_gets_an_error_not_the_school(client, cascade):
    sign_in(client, "head.a@a.test")
    asked = gql(client, "query($b: ID!, $p: ID!) { school(id: $b) { name cascade(programmeId: $p) { stage } } }",
                {"b": str(cascade.schools["b"]), "p": cascade.programme_id})
    assert asked["data"]["school"] is None and asked["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    own = gql(client, "query($a: ID!, $p: ID!) { school(id: $a) { cascade(programmeId: $p) { stage } } }",
              {"a": str(cascade.schools["a"]), "p": cascade.programme_id})
    assert own["data"]["school"]["cascade"]["stage"] == "QA_RECORDED"
