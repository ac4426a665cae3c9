"""Meetings: leads schedule (members invited with a calendar entry), members answer,
leads record minutes and actions, and open actions come back until they are done."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import time_machine
from icalendar import Calendar
from sqlmodel import select

from services.networks.db import database
from services.networks.meetings.messages import OutboxMessage
from services.networks.tests.test_membership import member, who
from services.networks.tests.test_networks_api import add
from shared import tokens

# A Wednesday in term, well ahead (4 pm UK time, GMT)
WHEN = datetime(2027, 1, 20, 16, 0, tzinfo=timezone.utc)


def meeting_body(network_id: int, **overrides) -> dict:
    body = {"network_id": network_id, "title": "Spring term network meeting", "starts_at": WHEN.isoformat(),
            "ends_at": (WHEN + timedelta(hours=1, minutes=30)).isoformat(), "venue": "Saltmarsh Primary",
            "agenda": [{"title": "Fractions CPD follow-up", "minutes": 30, "presenter": "Mo Lead"}]}
    body.update(overrides)
    return body


def outbox(to: str | None = None) -> list[OutboxMessage]:
    with database().session() as db:
        stmt = select(OutboxMessage).order_by(OutboxMessage.id)
        if to:
            stmt = stmt.where(OutboxMessage.recipient == to)
        return list(db.exec(stmt).all())


def network_with_members(service_call):
    (maths,) = add("Maths network")
    lead = who(50, tokens.Grant("network_lead", network_id=maths))
    for pid in (1, 2):
        service_call("networks", "POST", f"/networks/{maths}/members", lead, json=member(pid, school=pid))
    return maths, lead


def test_scheduling_invites_every_member_with_a_calendar_entry(service_call):
    maths, lead = network_with_members(service_call)
    made = service_call("networks", "POST", "/meetings", lead, json=meeting_body(maths))
    assert made.status_code == 201, made.text
    meeting = made.json()
    assert meeting["status"] == "SCHEDULED" and meeting["agenda"][0]["title"] == "Fractions CPD follow-up"
    invites = outbox()
    assert sorted(m.recipient for m in invites) == ["p1@trust.test", "p2@trust.test"]
    assert invites[0].subject.startswith("Invitation: Maths network, Spring term network meeting")
    assert "/rsvp/" in invites[0].body
    event = Calendar.from_ical(invites[0].ics).walk("VEVENT")[0]
    assert str(event["UID"]) == f"meeting-{meeting['id']}@lighthouse.test" and int(event["SEQUENCE"]) == 0
    # moved: the same entry, a higher SEQUENCE
    moved = service_call("networks", "PUT", f"/meetings/{meeting['id']}", lead,
                         json=meeting_body(maths, venue="Brook Academy"))
    assert moved.json()["sequence"] == 1
    latest = outbox("p1@trust.test")[-1]
    assert latest.subject.startswith("Changed:") and "Brook Academy" in latest.body
    assert int(Calendar.from_ical(latest.ics).walk("VEVENT")[0]["SEQUENCE"]) == 1
    cancelled = service_call("networks", "POST", f"/meetings/{meeting['id']}/cancel", lead)
    assert cancelled.json()["status"] == "CANCELLED"
    last = outbox("p2@trust.test")[-1]
    assert last.ics_method == "CANCEL" and Calendar.from_ical(last.ics)["METHOD"] == "CANCEL"


def test_refusals_say_why_and_change_nothing(service_call):
    maths, lead = network_with_members(service_call)
    backwards = service_call("networks", "POST", "/meetings", lead,
                             json=meeting_body(maths, ends_at=(WHEN - timedelta(hours=1)).isoformat()))
    assert backwards.status_code == 422 and "end after it starts" in backwards.text
    past = service_call("networks", "POST", "/meetings", lead,
                        json=meeting_body(maths, starts_at="2020-01-15T16:00:00+00:00",
                                          ends_at="2020-01-15T17:00:00+00:00"))
    assert past.status_code == 422 and "has passed" in past.text
    saturday = datetime(2027, 1, 23, 10, 0, tzinfo=timezone.utc)
    weekend = service_call("networks", "POST", "/meetings", lead, json=meeting_body(
        maths, starts_at=saturday.isoformat(), ends_at=(saturday + timedelta(hours=1)).isoformat()))
    assert weekend.status_code == 422 and "not a school day" in weekend.text
    confirmed = service_call("networks", "POST", "/meetings", lead, json=meeting_body(
        maths, starts_at=saturday.isoformat(), ends_at=(saturday + timedelta(hours=1)).isoformat(),
        outside_term_confirmed=True))
    assert confirmed.status_code == 201
    assert service_call("networks", "POST", "/meetings", who(1), json=meeting_body(maths)).status_code == 403
    assert service_call("networks", "POST", "/meetings", lead, json=meeting_body(99999)).status_code == 404
    assert len(outbox()) == 2  # only the confirmed one invited anybody


def test_members_answer_and_outsiders_see_nothing(service_call):
    maths, lead = network_with_members(service_call)
    mid = service_call("networks", "POST", "/meetings", lead, json=meeting_body(maths)).json()["id"]
    yes = service_call("networks", "POST", f"/meetings/{mid}/rsvp", who(1), json={"response": "YES"})
    assert yes.status_code == 200 and yes.json()["my_rsvp"] == "YES"
    service_call("networks", "POST", f"/meetings/{mid}/rsvp", who(1), json={"response": "MAYBE"})
    seen = service_call("networks", "GET", f"/meetings/{mid}", lead).json()
    assert seen["rsvps"] == [{"person_id": 1, "response": "MAYBE"}]
    assert service_call("networks", "GET", f"/meetings/{mid}", who(3)).status_code == 404
    assert service_call("networks", "POST", f"/meetings/{mid}/rsvp", who(3),
                        json={"response": "YES"}).status_code == 404
    assert service_call("networks", "GET", "/meetings", who(3), params={"network_ids": str(maths)}).json() == {
        "items": []}


def test_minutes_actions_and_open_actions_on_the_next_agenda(service_call):
    maths, lead = network_with_members(service_call)
    first = service_call("networks", "POST", "/meetings", lead, json=meeting_body(maths)).json()["id"]
    later = WHEN + timedelta(days=56)
    second = service_call("networks", "POST", "/meetings", lead, json=meeting_body(
        maths, title="Summer meeting", starts_at=later.isoformat(),
        ends_at=(later + timedelta(hours=1)).isoformat(), agenda=[])).json()["id"]
    minutes = {"minutes": "# Notes\n\nWe agreed the **calculation policy**.", "attendee_ids": [1, 2],
               "actions": [{"description": "Share the fractions slides", "owner_id": 2, "due_on": "2027-02-05"}]}
    early = service_call("networks", "POST", f"/meetings/{first}/minutes", lead, json=minutes)
    assert early.status_code == 409
    with time_machine.travel(WHEN + timedelta(hours=2)):
        stranger = {**minutes, "attendee_ids": [1, 7]}
        refused = service_call("networks", "POST", f"/meetings/{first}/minutes", lead, json=stranger)
        assert refused.status_code == 422 and "Person 7 is not a member" in refused.text
        assert service_call("networks", "POST", f"/meetings/{first}/minutes", who(1), json=minutes).status_code == 403
        held = service_call("networks", "POST", f"/meetings/{first}/minutes", lead, json=minutes).json()
        assert held["status"] == "HELD" and held["attendee_ids"] == [1, 2]
        [action] = held["actions"]
        agenda = service_call("networks", "GET", f"/meetings/{second}", who(1)).json()["agenda"]
        assert [i["title"] for i in agenda] == ["Open action: Share the fractions slides (Person 2)"]
        assert service_call("networks", "POST", f"/actions/{action['id']}/complete", who(1)).status_code == 403
        done = service_call("networks", "POST", f"/actions/{action['id']}/complete", who(2))
        assert done.status_code == 200 and done.json()["done"] is True
        assert service_call("networks", "GET", f"/meetings/{second}", who(1)).json()["agenda"] == []
        assert service_call("networks", "GET", "/actions/open", who(1),
                            params={"network_ids": str(maths)}).json()["items"] == []


def test_reminders_a_week_and_a_day_before_and_for_actions_due_each_once(service_call):
    from services.networks import scheduler

    maths, lead = network_with_members(service_call)
    mid = service_call("networks", "POST", "/meetings", lead, json=meeting_body(maths)).json()["id"]
    with time_machine.travel(WHEN - timedelta(days=6)):
        assert scheduler.send_reminders() == 2  # both members
        assert scheduler.send_reminders() == 0  # run twice, one effect
    with time_machine.travel(WHEN - timedelta(hours=20)):
        assert scheduler.send_reminders() == 2
        assert scheduler.send_reminders() == 0
    subjects = [m.subject for m in outbox("p1@trust.test")]
    assert sum(s.startswith("In a week: Maths network") for s in subjects) == 1
    assert sum(s.startswith("Tomorrow: Maths network") for s in subjects) == 1
    with time_machine.travel(WHEN + timedelta(hours=2)):
        service_call("networks", "POST", f"/meetings/{mid}/minutes", lead, json={
            "minutes": "Short.", "attendee_ids": [1],
            "actions": [{"description": "Audit the calculation policy", "owner_id": 1, "due_on": "2027-02-01"}]})
    with time_machine.travel(datetime(2027, 2, 1, 9, 0, tzinfo=timezone.utc)):
        assert scheduler.send_reminders() == 1
        assert scheduler.send_reminders() == 0
    assert outbox("p1@trust.test")[-1].subject == "Action due: Audit the calculation policy"
