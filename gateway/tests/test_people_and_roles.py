"""Schools, staff and role grants: who may see whom, and who may grant what."""
from __future__ import annotations

import pytest

from tests.support.fixtures import gql, sign_in

SCHOOLS = "{ schools { id name staff { name email } } }"
GRANT = """mutation($p: ID!, $r: Role!, $s: ID, $n: ID) { grantRole(personId: $p, role: $r, schoolId: $s, networkId: $n) {
  person { email roles { role schoolId networkId } } userErrors { field message } } }"""


@pytest.fixture
def trust(make_school, make_person):
    a, b = make_school(name="Ashby Primary"), make_school(name="Brook Academy")
    people = {
        "teacher": make_person("teacher@a.test", "Tara", roles=[("staff", a)], school_id=a),
        "head": make_person("head@a.test", "Hannah", roles=[("staff", a), ("school_leader", a)], school_id=a),
        "other": make_person("teacher@b.test", "Ola", roles=[("staff", b)], school_id=b),
        "sip": make_person("sip@trust.test", "Sam", roles=[("sip", b)]),
        "admin": make_person("admin@trust.test", "Alex", roles=[("ll_admin",)]),
    }
    return {"a": a, "b": b, **people}


def staff_by_school(result) -> dict:
    assert "errors" not in result, result
    return {s["name"]: s["staff"] for s in result["data"]["schools"]}


def test_a_visitor_sees_school_names_but_no_staff(anon_client, trust):
    schools = staff_by_school(gql(anon_client, SCHOOLS))
    assert schools == {"Ashby Primary": [], "Brook Academy": []}


def test_a_teacher_sees_no_staff_lists(client, trust):
    sign_in(client, "teacher@a.test")
    assert staff_by_school(gql(client, SCHOOLS)) == {"Ashby Primary": [], "Brook Academy": []}


def test_a_school_leader_sees_their_own_school_only(client, trust):
    sign_in(client, "head@a.test")
    schools = staff_by_school(gql(client, SCHOOLS))
    assert schools["Brook Academy"] == []
    assert {p["email"] for p in schools["Ashby Primary"]} == {"teacher@a.test", "head@a.test"}


def test_a_sip_sees_the_schools_they_support(client, trust):
    sign_in(client, "sip@trust.test")
    schools = staff_by_school(gql(client, SCHOOLS))
    assert schools["Ashby Primary"] == []
    assert schools["Brook Academy"] == [{"name": "Ola", "email": "teacher@b.test"}]


def test_admins_see_everyone(client, trust):
    sign_in(client, "admin@trust.test")
    schools = staff_by_school(gql(client, SCHOOLS))
    assert len(schools["Ashby Primary"]) == 2 and len(schools["Brook Academy"]) == 1


def test_staff_lists_cost_one_query_however_many_schools(client, trust, make_school, make_person):
    from sqlalchemy import event

    from gateway.db import database

    for i in range(10):
        s = make_school(name=f"Extra {i:02d}")
        make_person(f"p{i}@x.test", roles=[("staff", s)], school_id=s)
    sign_in(client, "admin@trust.test")
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(database().engine, "before_cursor_execute", listener)
    try:
        result = gql(client, SCHOOLS)
    finally:
        event.remove(database().engine, "before_cursor_execute", listener)
    assert len(result["data"]["schools"]) == 12
    person_selects = [s for s in statements if "FROM person" in s and "login_session" not in s]
    # one for the session's person, one for all staff of every school listed
    assert len(person_selects) <= 3, person_selects


def test_school_lookup(anon_client, trust):
    q = "query($id: ID!) { school(id: $id) { name phase } }"
    assert gql(anon_client, q, {"id": str(trust["a"])})["data"]["school"] == {
        "name": "Ashby Primary", "phase": "PRIMARY"}
    assert gql(anon_client, q, {"id": "999"})["data"]["school"] is None
    assert gql(anon_client, q, {"id": "not-a-number"})["data"]["school"] is None
    # a school's risk band is the central team's and its leaders' (gateway/tests/test_risk_bands.py)
    banded = gql(anon_client, "query($id: ID!) { school(id: $id) { name riskBand } }", {"id": str(trust["a"])})
    assert banded["data"]["school"] is None and banded["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_admin_grants_a_scoped_role_once(client, trust):
    sign_in(client, "admin@trust.test")
    vars = {"p": str(trust["teacher"]), "r": "SCHOOL_LEADER", "s": str(trust["a"])}
    first = gql(client, GRANT, vars)["data"]["grantRole"]
    assert first["userErrors"] == []
    again = gql(client, GRANT, vars)["data"]["grantRole"]
    roles = again["person"]["roles"]
    assert sorted(r["role"] for r in roles) == ["SCHOOL_LEADER", "STAFF"]


def test_grants_need_their_scope(client, trust):
    sign_in(client, "admin@trust.test")
    missing_school = gql(client, GRANT, {"p": str(trust["teacher"]), "r": "SIP"})["data"]["grantRole"]
    assert missing_school["person"] is None
    assert missing_school["userErrors"][0]["field"] == ["schoolId"]
    missing_network = gql(client, GRANT, {"p": str(trust["teacher"]), "r": "NETWORK_LEAD"})["data"]["grantRole"]
    assert missing_network["userErrors"][0]["field"] == ["networkId"]


def test_only_admins_grant_roles(client, trust):
    sign_in(client, "head@a.test")
    refused = gql(client, GRANT, {"p": str(trust["head"]), "r": "LL_ADMIN"})["data"]["grantRole"]
    assert refused["person"] is None
    assert "Only Lighthouse Learning admins" in refused["userErrors"][0]["message"]
    me = gql(client, "{ me { roles { role } } }")["data"]["me"]
    assert sorted(r["role"] for r in me["roles"]) == ["SCHOOL_LEADER", "STAFF"]


def test_a_granted_role_takes_effect_on_the_next_request(client, anon_client, trust, make_course):
    make_course(title="Trust only course", visibility="TRUST")
    courses = "{ courses { totalCount } }"
    sign_in(client, "newcomer@trust.test")
    assert gql(client, courses)["data"]["courses"]["totalCount"] == 0
    admin = anon_client
    sign_in(admin, "admin@trust.test")
    people = gql(admin, '{ people(search: "newcomer") { edges { node { id } } } }')["data"]["people"]["edges"]
    gql(admin, GRANT, {"p": people[0]["node"]["id"], "r": "STAFF", "s": str(trust["a"])})
    assert gql(client, courses)["data"]["courses"]["totalCount"] == 1


def test_people_list_is_for_admins(client, trust):
    sign_in(client, "head@a.test")
    result = gql(client, "{ people { totalCount } }")
    assert result["data"] is None
    assert "Only Lighthouse Learning admins" in result["errors"][0]["message"]
