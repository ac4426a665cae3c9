"""Networks through the gateway: leads build the roster, members see it and the
schools it does not reach yet, everyone else sees the name only."""
from __future__ import annotations

import pytest

from services.networks.tests.test_networks_api import add
from tests.support.fixtures import gql, sign_in

ADD = """mutation($n: ID!, $p: ID!, $r: MembershipRole!) { addNetworkMember(networkId: $n, personId: $p, role: $r) {
  network { name members { person { name } school { name } role } } userErrors { field message } } }"""
REMOVE = """mutation($n: ID!, $p: ID!) { removeNetworkMember(networkId: $n, personId: $p) {
  network { members { person { name } } } userErrors { message } } }"""
NETWORK = """query($id: ID!) { network(id: $id) { name leads { name } members { person { name } role }
  schoolsWithoutMember { name } } }"""


@pytest.fixture
def world(gateway_app, make_school, make_person):
    maths, english = add("Maths network", "English network")
    a, b, c = (make_school(name=n) for n in ("Ashby Primary", "Brook Academy", "Cove Infants"))
    people = {
        "lead": make_person("lead@a.test", "Lena Lead", roles=[("staff", a), ("network_lead", None, maths)], school_id=a),
        "t1": make_person("t1@a.test", "Tara One", roles=[("staff", a)], school_id=a),
        "t2": make_person("t2@b.test", "Theo Two", roles=[("staff", b)], school_id=b),
        "out": make_person("out@c.test", "Olly Out", roles=[("staff", c)], school_id=c),
    }
    clients = {}
    for key, email in (("lead", "lead@a.test"), ("t1", "t1@a.test"), ("out", "out@c.test")):
        clients[key] = gateway_app.test_client()
        sign_in(clients[key], email)
    return {"maths": maths, "english": english, "people": people, "c": clients}


def test_a_lead_builds_the_roster_and_sees_the_schools_missing(world):
    c, p, maths = world["c"], world["people"], world["maths"]
    for who in ("t1", "t2"):
        done = gql(c["lead"], ADD, {"n": str(maths), "p": str(p[who]), "r": "MEMBER"})["data"]["addNetworkMember"]
        assert done["userErrors"] == []
    seen = gql(c["lead"], NETWORK, {"id": str(maths)})["data"]["network"]
    assert seen["leads"] == [{"name": "Lena Lead"}]
    assert sorted(m["person"]["name"] for m in seen["members"]) == ["Tara One", "Theo Two"]
    assert [s["name"] for s in seen["schoolsWithoutMember"]] == ["Cove Infants"]
    member_view = gql(c["t1"], NETWORK, {"id": str(maths)})["data"]["network"]
    assert sorted(m["person"]["name"] for m in member_view["members"]) == ["Tara One", "Theo Two"]
    outsider = gql(c["out"], NETWORK, {"id": str(maths)})["data"]["network"]
    assert outsider == {"name": "Maths network", "leads": [{"name": "Lena Lead"}], "members": [],
                        "schoolsWithoutMember": []}
    mine = gql(c["t1"], "{ myNetworks { name } }")["data"]["myNetworks"]
    assert mine == [{"name": "Maths network"}]


def test_refusals_say_why_and_change_nothing(world):
    c, p, maths, english = world["c"], world["people"], world["maths"], world["english"]
    gql(c["lead"], ADD, {"n": str(maths), "p": str(p["t1"]), "r": "MEMBER"})
    twice = gql(c["lead"], ADD, {"n": str(maths), "p": str(p["t1"]), "r": "LEAD"})["data"]["addNetworkMember"]
    assert twice["network"] is None and "already a member" in twice["userErrors"][0]["message"]
    unknown = gql(c["lead"], ADD, {"n": str(maths), "p": "99999", "r": "MEMBER"})["data"]["addNetworkMember"]
    assert unknown["userErrors"] == [{"field": ["personId"], "message": "There is no such person."}]
    not_theirs = gql(c["lead"], ADD, {"n": str(english), "p": str(p["t2"]), "r": "MEMBER"})["data"]["addNetworkMember"]
    assert "Only this network's leads" in not_theirs["userErrors"][0]["message"]
    by_member = gql(c["t1"], REMOVE, {"n": str(maths), "p": str(p["t1"])})["data"]["removeNetworkMember"]
    assert by_member["network"] is None and by_member["userErrors"]
    removed = gql(c["lead"], REMOVE, {"n": str(maths), "p": str(p["t1"])})["data"]["removeNetworkMember"]
    assert removed == {"network": {"members": []}, "userErrors": []}
    again = gql(c["lead"], REMOVE, {"n": str(maths), "p": str(p["t1"])})["data"]["removeNetworkMember"]
    assert "not a member" in again["userErrors"][0]["message"]


def test_a_networks_service_that_is_down_says_so_on_the_field(stack, make_person):
    from gateway.app import create_app

    down = stack.settings.model_copy(update={"networks_url": "http://127.0.0.1:9"})
    client = create_app(down).test_client()
    make_person("t1@a.test", "Tara One", roles=[])
    sign_in(client, "t1@a.test")
    for query in ('{ network(id: "1") { name } }', '{ meeting(id: "1") { title } }',
                  '{ academicYear(label: "2027-28") { label } }'):
        result = gql(client, query)
        assert result["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE", result
        assert "unavailable just now" in result["errors"][0]["message"]
    page = client.get("/networks/1")
    assert page.status_code == 503 and "unavailable just now" in page.get_data(as_text=True)
