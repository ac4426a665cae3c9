"""Planning a network's year: dates in term time only, ranked so nobody is double
booked — with another network's meeting or with trust CPD — in two backend calls
however many members the network has."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from gateway.tests.test_graphql_networks import ADD, world  # noqa: F401
from shared import tokens
from tests.support.fixtures import gql

PROPOSE = """mutation($n: ID!, $y: String!, $p: MeetingPatternInput!) {
  proposeMeetings(networkId: $n, academicYear: $y, pattern: $p) {
    proposals { term startsAt endsAt clashes { person { name } with } } userErrors { field message } } }"""


def seed_calendar():
    from services.networks.db import database
    from services.networks.terms.seed import seed_calendar as seed

    with database().session() as db:
        seed(db)


def test_proposals_avoid_holidays_and_clashes(world, service_call, schedule):  # noqa: F811
    c, p, maths, english = world["c"], world["people"], world["maths"], world["english"]
    seed_calendar()
    for who in ("t1", "t2"):
        gql(c["lead"], ADD, {"n": str(maths), "p": str(p[who]), "r": "MEMBER"})
    # Theo is also in the English network, which meets on Wednesday 15 September 2027 at four
    service_call("networks", "POST", f"/networks/{english}/members", json={
        "person_id": p["t2"], "name": "Theo Two", "email": "t2@b.test", "school_id": None})
    service_call("networks", "POST", "/meetings", json={
        "network_id": english, "title": "Autumn", "starts_at": "2027-09-15T15:00:00+00:00",
        "ends_at": "2027-09-15T16:30:00+00:00", "venue": "Brook Academy"})
    # Tara is booked on trust CPD on Wednesday 8 September 2027, 15:30-17:00 UK time
    start = datetime(2027, 9, 8, 14, 30, tzinfo=timezone.utc)
    sid = schedule("POST", "/sessions", json={
        "course_id": 1, "course_title": "Team Teach Level 1", "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(minutes=90)).isoformat(), "venue": "Hall", "capacity": 5}).json()["id"]
    tara = tokens.Identity(subject=str(p["t1"]), name="Tara One", email="t1@a.test", school_id=1,
                           grants=(tokens.Grant("staff", school_id=1),))
    assert service_call("bookings", "POST", f"/sessions/{sid}/bookings", tara, json={}).status_code == 201

    pattern = {"weekdays": [3], "startTime": "16:00", "durationMinutes": 90, "perTerm": 1}
    result = gql(c["lead"], PROPOSE, {"n": str(maths), "y": "2027-28", "p": pattern})["data"]["proposeMeetings"]
    assert result["userErrors"] == []
    starts = [(x["term"], x["startsAt"][:16]) for x in result["proposals"]]
    # 1 Sep is an INSET day; 8 Sep clashes with Tara's course, 15 Sep with Theo's other network
    assert starts == [("AUTUMN", "2027-09-22T16:00"), ("SPRING", "2028-01-05T16:00"), ("SUMMER", "2028-04-19T16:00")]
    assert all(x["clashes"] == [] for x in result["proposals"])

    # six a term, a fortnight apart, still all free of clashes
    every = {"weekdays": [3], "startTime": "15:00", "durationMinutes": 120, "perTerm": 6}
    many = gql(c["lead"], PROPOSE, {"n": str(maths), "y": "2027-28", "p": every})["data"]["proposeMeetings"]
    assert len([x for x in many["proposals"] if x["term"] == "AUTUMN"]) == 6
    assert all(not x["clashes"] for x in many["proposals"])

    refused = gql(c["t1"], PROPOSE, {"n": str(maths), "y": "2027-28", "p": pattern})["data"]["proposeMeetings"]
    assert refused["proposals"] == [] and "leads" in refused["userErrors"][0]["message"]
    bad = gql(c["lead"], PROPOSE, {"n": str(maths), "y": "2027", "p": {**pattern, "weekdays": [9]}})
    fields = [e["field"] for e in bad["data"]["proposeMeetings"]["userErrors"]]
    assert fields == [["academicYear"], ["pattern", "weekdays"]]
    unknown_year = gql(c["lead"], PROPOSE, {"n": str(maths), "y": "2031-32", "p": pattern})["data"]["proposeMeetings"]
    assert "no calendar for that year" in unknown_year["userErrors"][0]["message"]


def test_clashes_are_shown_when_every_date_has_one(world, service_call, schedule):  # noqa: F811
    c, p, maths = world["c"], world["people"], world["maths"]
    seed_calendar()
    gql(c["lead"], ADD, {"n": str(maths), "p": str(p["t1"]), "r": "MEMBER"})
    # A summer term squeezed to one week leaves one possible Friday, and Tara is booked then.
    start = datetime(2028, 4, 21, 15, 0, tzinfo=timezone.utc)  # Friday 21 April 2028, 16:00 UK
    sid = schedule("POST", "/sessions", json={
        "course_id": 1, "course_title": "NPQ SEND day 1", "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=1)).isoformat(), "venue": "Hall", "capacity": 5}).json()["id"]
    tara = tokens.Identity(subject=str(p["t1"]), name="Tara One", email="t1@a.test", school_id=1,
                           grants=(tokens.Grant("staff", school_id=1),))
    service_call("bookings", "POST", f"/sessions/{sid}/bookings", tara, json={})
    from services.networks.db import database
    from services.networks.terms.models import Term, TermName
    from sqlmodel import select

    with database().session() as db:  # squeeze the summer term to that one week for the test
        summer = db.exec(select(Term).where(Term.academic_year == "2027-28", Term.name == TermName.SUMMER)).one()
        summer.ends_on = summer.half_term_ends_on = summer.half_term_starts_on = datetime(2028, 4, 24).date()
    pattern = {"weekdays": [5], "startTime": "16:00", "durationMinutes": 60, "perTerm": 1}
    result = gql(c["lead"], PROPOSE, {"n": str(maths), "y": "2027-28", "p": pattern})["data"]["proposeMeetings"]
    summer_pick = [x for x in result["proposals"] if x["term"] == "SUMMER"]
    assert summer_pick == [{"term": "SUMMER", "startsAt": "2028-04-21T16:00:00+01:00",
                            "endsAt": "2028-04-21T17:00:00+01:00",
                            "clashes": [{"person": {"name": "Tara One"}, "with": "Trust CPD: NPQ SEND day 1"}]}]


def test_admins_correct_the_calendar_and_bank_holidays_come_by_themselves(client, make_person):
    seed_calendar()
    make_person("admin@trust.test", "Alex Admin", roles=[("ll_admin",)])
    make_person("t@trust.test", "Tess", roles=[])
    from tests.support.fixtures import sign_in

    save = """mutation($l: String!, $t: [TermInput!]!) { saveAcademicYear(label: $l, terms: $t) {
      academicYear { terms { name endsOn closureDetails { on kind } } } userErrors { message } } }"""
    terms = [
        {"name": "AUTUMN", "startsOn": "2027-09-02", "endsOn": "2027-12-17", "halfTermStartsOn": "2027-10-25",
         "halfTermEndsOn": "2027-10-29", "insetDays": ["2027-09-02"]},
        {"name": "SPRING", "startsOn": "2028-01-04", "endsOn": "2028-03-31", "halfTermStartsOn": "2028-02-14",
         "halfTermEndsOn": "2028-02-18", "insetDays": []},
        {"name": "SUMMER", "startsOn": "2028-04-18", "endsOn": "2028-07-19", "halfTermStartsOn": "2028-05-29",
         "halfTermEndsOn": "2028-06-02", "insetDays": []},
    ]
    sign_in(client, "t@trust.test")
    refused = gql(client, save, {"l": "2027-28", "t": terms})["data"]["saveAcademicYear"]
    assert refused["academicYear"] is None and "Only Lighthouse Learning admins" in refused["userErrors"][0]["message"]
    sign_in(client, "admin@trust.test")
    saved = gql(client, save, {"l": "2027-28", "t": terms})["data"]["saveAcademicYear"]
    assert saved["userErrors"] == []
    summer = saved["academicYear"]["terms"][2]
    assert summer["endsOn"] == "2028-07-19"
    assert {"on": "2028-05-01", "kind": "BANK_HOLIDAY"} in summer["closureDetails"]
    page = client.get("/admin/academic-years/2027-28").get_data(as_text=True)
    assert 'value="2028-07-19"' in page and "May Day Mon 1 May 2028" in page


def test_proposals_start_tomorrow_and_count_the_networks_own_meetings(gateway_app, world, service_call):  # noqa: F811
    import time_machine

    from tests.support.fixtures import sign_in

    c, p, maths = world["c"], world["people"], world["maths"]
    seed_calendar()
    gql(c["lead"], ADD, {"n": str(maths), "p": str(p["t1"]), "r": "MEMBER"})
    # Wednesday 8 December 2027, in the last fortnight of the autumn term
    with time_machine.travel(datetime(2027, 12, 8, 9, 0, tzinfo=timezone.utc)):
        lead = gateway_app.test_client()
        sign_in(lead, "lead@a.test")
        own = service_call("networks", "POST", "/meetings", json={
            "network_id": maths, "title": "Autumn catch-up", "starts_at": "2027-12-15T10:00:00+00:00",
            "ends_at": "2027-12-15T11:00:00+00:00", "venue": "Ashby Primary"})
        assert own.status_code == 201, own.text
        pattern = {"weekdays": [3], "startTime": "16:00", "durationMinutes": 90, "perTerm": 1}
        result = gql(lead, PROPOSE, {"n": str(maths), "y": "2027-28", "p": pattern})["data"]["proposeMeetings"]
    assert result["userErrors"] == []
    starts = [x["startsAt"][:10] for x in result["proposals"]]
    assert min(starts) > "2027-12-08"  # nothing that has passed, nor today
    [autumn] = [x for x in result["proposals"] if x["term"] == "AUTUMN"]
    # the only Wednesday left of the autumn term already has the network's own meeting (in the morning)
    assert autumn["startsAt"][:10] == "2027-12-15"
    assert {"person": {"name": "Tara One"}, "with": "Maths network: Autumn catch-up"} in autumn["clashes"]
