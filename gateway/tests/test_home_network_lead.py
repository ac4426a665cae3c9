"""The network lead's section of the home page: the next meeting with its answers so
far, the open actions (overdue marked), attendance by school as a chart with its
table; only the networks the person leads; and a cost in calls to the services that
does not grow with the meetings, members and actions behind it."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import time_machine

from services.networks.tests.test_networks_api import add
from shared import tokens
from tests.support.counting import count_backend_calls, count_queries
from tests.support.fixtures import sign_in
from tests.support.html import Page


def person_token(pid: int, name: str) -> tokens.Identity:
    return tokens.Identity(subject=str(pid), name=name, email=f"p{pid}@trust.test")


def led_network(service_call, make_school, make_person, *, n: int, name: str = "Maths network",
                lead_email: str = "lead@a.test", schools: tuple[int, int] | None = None) -> dict:
    """A network led from Ashby Primary with n members besides its lead (alternately at
    Brook Academy and Ashby), n meetings held this year that only the lead came to, each
    with an action for the first member (the first due yesterday, the rest next month),
    and a meeting to come that the lead said yes to and the first member maybe."""
    (network,) = add(name)
    ashby, brook = schools or (make_school(name="Ashby Primary"), make_school(name="Brook Academy"))
    lead = make_person(lead_email, "Lena Lead", roles=[("staff", ashby), ("network_lead", None, network)],
                       school_id=ashby)
    people = {lead: ("Lena Lead", ashby)}
    for i in range(1, n + 1):
        school = brook if i % 2 else ashby
        pid = make_person(f"m{i}.{network}@trust.test", f"Member {i:02d}", roles=[("staff", school)], school_id=school)
        people[pid] = (f"Member {i:02d}", school)
    first_member = next(p for p in people if p != lead)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    with time_machine.travel(now - timedelta(days=3)):
        for pid, (who, school) in people.items():
            joined = service_call("networks", "POST", f"/networks/{network}/members", json={
                "person_id": pid, "name": who, "email": f"p{pid}@trust.test", "school_id": school,
                "role": "LEAD" if pid == lead else "MEMBER"})
            assert joined.status_code == 201, joined.text
    today, held = now.date(), []
    for i in range(n):  # held within the last hours: this academic year whatever the date
        start = now - timedelta(hours=2 + i)
        with time_machine.travel(start - timedelta(days=1)):
            meeting = service_call("networks", "POST", "/meetings", json={
                "network_id": network, "title": f"Held meeting {i}", "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(minutes=30)).isoformat(), "venue": "Ashby",
                "outside_term_confirmed": True})
            assert meeting.status_code == 201, meeting.text
        due = today - timedelta(days=1) if i == 0 else today + timedelta(days=30 + i)
        recorded = service_call("networks", "POST", f"/meetings/{meeting.json()['id']}/minutes", json={
            "minutes": "Done.", "attendee_ids": [lead],
            "actions": [{"description": f"Share the slides {i}", "owner_id": first_member, "due_on": due.isoformat()}]})
        assert recorded.status_code == 200, recorded.text
        held.append(meeting.json()["id"])
    start = now + timedelta(days=10)
    coming = service_call("networks", "POST", "/meetings", json={
        "network_id": network, "title": f"{name} next meeting", "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=1)).isoformat(), "venue": "Brook Academy", "outside_term_confirmed": True})
    assert coming.status_code == 201, coming.text
    for pid, answer in ((lead, "YES"), (first_member, "MAYBE")):
        said = service_call("networks", "POST", f"/meetings/{coming.json()['id']}/rsvp", person_token(pid, "x"),
                            json={"response": answer})
        assert said.status_code == 200, said.text
    return {"network": network, "lead": lead, "meeting": coming.json()["id"], "held": held, "ashby": ashby,
            "brook": brook,
            "overdue_on": today - timedelta(days=1)}


def lead_section(client) -> Page:
    response = client.get("/")
    assert response.status_code == 200
    return Page(response.get_data(as_text=True))


def test_a_lead_sees_the_next_meeting_its_answers_the_open_actions_and_attendance(
        client, service_call, make_school, make_person):
    made = led_network(service_call, make_school, make_person, n=3)
    sign_in(client, "lead@a.test")
    page = lead_section(client).text()
    assert "The network you lead" in page
    assert "Next meeting Maths network next meeting" in page and ", Brook Academy." in page
    # three members beside the lead; the lead said yes and Member 01 maybe
    assert ("Answers so far: 1 coming, 1 maybe, 0 not coming. Not answered yet (2): Member 02, Member 03."
            in page)
    assert "3 open, 1 overdue." in page
    overdue = made["overdue_on"].strftime("%a %-d %b %Y")
    # overdue first, with its owner and the word, not a colour alone
    assert f"Share the slides 0 Member 01 {overdue} Overdue" in page
    assert "Maths network: meetings attended by each school" in page
    # the chart's text equivalent: Ashby (the lead) came to all three, Brook to none
    assert "Ashby Primary 3 0" in page and "Brook Academy 0 3" in page
    assert "Missed two meetings or more: Brook Academy (came to 0 of 3)." in page


def test_a_lead_sees_only_the_networks_they_lead(client, gateway_app, service_call, make_school, make_person):
    made = led_network(service_call, make_school, make_person, n=1)
    led_network(service_call, make_school, make_person, n=1, name="English network", lead_email="other@a.test",
                schools=(made["ashby"], made["brook"]))
    sign_in(client, "lead@a.test")
    page = lead_section(client).text()
    assert "Maths network next meeting" in page
    assert "English network" not in page
    # a member of the network who leads nothing has no lead section
    member = gateway_app.test_client()
    sign_in(member, f"m1.{made['network']}@trust.test")
    assert "you lead" not in lead_section(member).text()


def test_a_lead_of_two_networks_sees_both(client, service_call, make_school, make_person):
    from gateway.db import database
    from gateway.identity.models import Role, RoleGrant

    made = led_network(service_call, make_school, make_person, n=1)
    other = led_network(service_call, make_school, make_person, n=2, name="English network",
                        lead_email="other@a.test", schools=(made["ashby"], made["brook"]))
    with database().session() as db:
        db.add(RoleGrant(person_id=made["lead"], role=Role.NETWORK_LEAD, network_id=other["network"]))
    sign_in(client, "lead@a.test")
    page = lead_section(client).text()
    assert "The networks you lead" in page
    assert page.index("English network next meeting") < page.index("Maths network next meeting")
    assert "English network: meetings attended by each school" in page


def section_costs(client, app) -> tuple[list, int]:
    """The calls to the services and the statements on the gateway's database the home page costs."""
    with count_backend_calls(app) as calls, count_queries("gateway") as statements:
        page = lead_section(client)
    assert "next meeting" in page.text()
    return calls, len(statements)


def test_the_section_costs_the_same_calls_however_many_meetings_members_and_actions(
        client, gateway_app, service_call, make_school, make_person):
    from gateway.db import database
    from gateway.identity.models import Role, RoleGrant
    from tests.support import components

    seen = {}
    for n in (1, 6):
        components.empty_all()
        made = led_network(service_call, make_school, make_person, n=n)
        other = led_network(service_call, make_school, make_person, n=n, name="English network",
                            lead_email="other@a.test", schools=(made["ashby"], made["brook"]))
        with database().session() as db:
            db.add(RoleGrant(person_id=made["lead"], role=Role.NETWORK_LEAD, network_id=other["network"]))
        sign_in(client, "lead@a.test")
        seen[n] = section_costs(client, gateway_app)
    assert seen[1] == seen[6], seen
    # the page's own `me` (its roles' networks), then one batch read of each kind for both
    # networks (the lead's staff section makes calls of its own around these)
    lead = [("networks", "GET", "/networks"), ("networks", "GET", "/meetings"),
            ("networks", "GET", "/memberships"), ("networks", "GET", "/actions/open")]
    calls = iter(seen[6][0])
    assert all(call in calls for call in lead), seen[6][0]  # in this order


def test_the_next_meeting_may_be_in_next_academic_year(client, gateway_app, service_call, make_school, make_person):
    """In the summer a network's next meeting is often September's: it is shown, for
    one more call, and only when this year holds none to come."""
    from shared.clock import LONDON, academic_year_of

    (network,) = add("Maths network")
    school = make_school(name="Ashby Primary")
    make_person("lead@a.test", "Lena Lead", roles=[("staff", school), ("network_lead", None, network)],
                school_id=school)
    first = int(academic_year_of(datetime.now(LONDON).date())[:4]) + 1
    start = datetime(first, 9, 15, 15, 0, tzinfo=timezone.utc)
    made = service_call("networks", "POST", "/meetings", json={
        "network_id": network, "title": "Autumn term meeting", "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=1)).isoformat(), "venue": "Ashby", "outside_term_confirmed": True})
    assert made.status_code == 201, made.text
    sign_in(client, "lead@a.test")
    with count_backend_calls(gateway_app) as calls:
        page = lead_section(client).text()
    assert f"Next meeting Autumn term meeting , {start.astimezone(LONDON).strftime('%a %-d %b %Y')}" in page
    assert "Nobody has joined the network yet, so nobody has been invited." in page
    assert [path for _, _, path in calls].count("/meetings") == 2
