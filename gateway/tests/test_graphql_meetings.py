"""Network meetings through the gateway: scheduling, answering (on the page and from the
email's signed link), minutes rendered safely, actions, and the calendar feed."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import time_machine
from icalendar import Calendar
from sqlmodel import select

from gateway.tests.test_graphql_networks import ADD, world  # noqa: F401
from tests.support.fixtures import gql, sign_in

WHEN = datetime(2027, 1, 20, 16, 0, tzinfo=timezone.utc)  # a Wednesday in term
SCHEDULE = """mutation($input: MeetingInput!) { scheduleMeeting(input: $input) {
  meeting { id title status term agenda { title } network { name } } userErrors { field message } } }"""
MEETING = """query($id: ID!) { meeting(id: $id) { title myRsvp rsvps { person { name } response }
  attendees { name } actions { id description done owner { name } } minutes } }"""


def schedule(client, network_id, **overrides):
    data = {"networkId": str(network_id), "title": "Spring meeting", "startsAt": WHEN.isoformat(),
            "endsAt": (WHEN + timedelta(hours=1)).isoformat(), "venue": "Ashby Primary",
            "agenda": [{"title": "Fractions follow-up"}]}
    data.update(overrides)
    return gql(client, SCHEDULE, {"input": data})["data"]["scheduleMeeting"]


def roster(world):  # noqa: F811
    c, p, maths = world["c"], world["people"], world["maths"]
    for who in ("t1", "t2"):
        gql(c["lead"], ADD, {"n": str(maths), "p": str(p[who]), "r": "MEMBER"})
    return c, p, maths


def test_schedule_answer_minutes_and_actions(world, gateway_app):  # noqa: F811
    c, p, maths = roster(world)
    refused = schedule(c["t1"], maths)
    assert refused["meeting"] is None and "leads" in refused["userErrors"][0]["message"]
    made = schedule(c["lead"], maths)
    assert made["userErrors"] == [] and made["meeting"]["network"]["name"] == "Maths network"
    mid = made["meeting"]["id"]
    rsvp = "mutation($m: ID!, $r: RsvpResponse!) { rsvp(meetingId: $m, response: $r) { meeting { myRsvp } userErrors { message } } }"
    assert gql(c["t1"], rsvp, {"m": mid, "r": "YES"})["data"]["rsvp"]["meeting"] == {"myRsvp": "YES"}
    assert gql(c["out"], MEETING, {"id": mid})["data"]["meeting"] is None  # not a member
    assert gql(c["out"], rsvp, {"m": mid, "r": "YES"})["data"]["rsvp"]["meeting"] is None

    minutes = """mutation($input: MinutesInput!) { recordMinutes(input: $input) { meeting { status attendees { name } }
      userErrors { message } } }"""
    body = {"meetingId": mid, "minutes": "We agreed **the policy**.\n\n<script>alert('x')</script>\n\n"
                                         "[click](javascript:alert(1))",
            "attendeeIds": [str(p["t1"])], "actions": [{"description": "Share slides", "ownerId": str(p["t2"])}]}
    with time_machine.travel(WHEN + timedelta(hours=2)):
        for key, email in (("lead", "lead@a.test"), ("t2", "t2@b.test")):
            c.setdefault(key, gateway_app.test_client())
            sign_in(c[key], email)
        done = gql(c["lead"], minutes, {"input": body})["data"]["recordMinutes"]
        assert done == {"meeting": {"status": "HELD", "attendees": [{"name": "Tara One"}]}, "userErrors": []}
        page = c["lead"].get(f"/meetings/{mid}").get_data(as_text=True)
        assert "<strong>the policy</strong>" in page
        assert "<script>alert" not in page and 'href="javascript' not in page
        assert "&lt;script&gt;alert" in page  # shown as the text it was, not run
        action = gql(c["t2"], MEETING, {"id": mid})["data"]["meeting"]["actions"][0]
        complete = "mutation($a: ID!) { completeAction(actionId: $a) { action { done } userErrors { message } } }"
        assert gql(c["t2"], complete, {"a": action["id"]})["data"]["completeAction"]["action"] == {"done": True}


def test_the_emailed_link_answers_without_signing_in(world, anon_client):  # noqa: F811
    from services.networks.db import database
    from services.networks.meetings.messages import OutboxMessage

    c, p, maths = roster(world)
    mid = schedule(c["lead"], maths)["meeting"]["id"]
    with database().session() as db:
        body = db.exec(select(OutboxMessage.body).where(OutboxMessage.recipient == "t1@a.test")).first()
    link = re.search(r"Maybe: \S+(/rsvp/\S+)", body).group(1)
    ask = anon_client.get(link)
    assert ask.status_code == 200 and "Tara One" in ask.get_data(as_text=True)
    assert gql(c["t1"], MEETING, {"id": mid})["data"]["meeting"]["myRsvp"] is None  # looking changes nothing
    token = re.search(r'name="csrf_token" value="([^"]+)"', ask.get_data(as_text=True)).group(1)
    answered = anon_client.post(link, data={"csrf_token": token})
    assert answered.status_code == 200 and "recorded" in answered.get_data(as_text=True)
    assert gql(c["t1"], MEETING, {"id": mid})["data"]["meeting"]["myRsvp"] == "MAYBE"
    assert anon_client.get(link[:-3] + "abc").status_code == 404  # altered


def test_an_emailed_link_is_signed_with_the_link_secret_alone(world, anon_client, stack):  # noqa: F811
    """Links are written by the networks service, which never holds the gateway's cookie
    secret: a link signed with that secret is no link at all."""
    from shared.links import rsvp_token

    c, p, maths = roster(world)
    mid = int(schedule(c["lead"], maths)["meeting"]["id"])
    settings = stack.settings
    assert settings.link_secret != settings.secret_key
    good = anon_client.get("/rsvp/" + rsvp_token(settings.link_secret, mid, p["t1"], "YES"))
    assert good.status_code == 200 and "Tara One" in good.get_data(as_text=True)
    forged = anon_client.get("/rsvp/" + rsvp_token(settings.secret_key, mid, p["t1"], "YES"))
    assert forged.status_code == 404


def test_meetings_join_the_personal_calendar_feed(world, anon_client):  # noqa: F811
    c, p, maths = roster(world)
    mid = schedule(c["lead"], maths)["meeting"]["id"]
    url = gql(c["t1"], "{ me { calendarFeedUrl } }")["data"]["me"]["calendarFeedUrl"]
    feed = anon_client.get("/" + url.split("://", 1)[1].split("/", 1)[1])
    uids = [str(e["UID"]) for e in Calendar.from_ical(feed.data).walk("VEVENT")]
    assert uids == [f"meeting-{mid}@lighthouse.test"]
    outsider = gql(c["out"], "{ me { calendarFeedUrl } }")["data"]["me"]["calendarFeedUrl"]
    feed = anon_client.get("/" + outsider.split("://", 1)[1].split("/", 1)[1])
    assert Calendar.from_ical(feed.data).walk("VEVENT") == []
