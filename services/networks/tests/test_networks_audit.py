"""The audit trail of networks: members added and removed, meetings scheduled, moved and
cancelled, answers, minutes recorded and corrected, actions done and the academic
calendar corrected — one entry each (who, when, which object, before → after), none
for a refused, rolled-back or check-only request, read by admins only."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
import time_machine

from services.networks.audit import AuditEntry
from services.networks.db import database
from services.networks.tests.test_meetings import WHEN, meeting_body
from services.networks.tests.test_membership import member, who
from services.networks.tests.test_networks_api import add
from services.networks.tests.test_terms import seeded
from shared import tokens

ADA = tokens.Identity(subject="42", name="Ada Admin", grants=(tokens.Grant("ll_admin"),))


def entries() -> list[dict]:
    with database().session() as db:
        return [dict(r) for r in db.execute(sa.select(AuditEntry.__table__).order_by("id")).mappings()]


def said(rows: list[dict]) -> list[tuple]:
    return [(e["action"], e["actor_name"], f"{e['object_type']} {e['object_id']}",
             f"{e['parent_type']} {e['parent_id']}") for e in rows]


def history(service_call, kind: str, object_id, who=ADA):
    return service_call("networks", "GET", f"/history/{kind}/{object_id}", who)


def a_network(service_call):
    (maths,) = add("Maths network")
    lead = who(50, tokens.Grant("network_lead", network_id=maths))
    return maths, lead


def test_members_added_and_removed(service_call):
    maths, lead = a_network(service_call)
    service_call("networks", "POST", f"/networks/{maths}/members", lead, json=member(1, school=7))
    assert service_call("networks", "DELETE", f"/networks/{maths}/members/1", lead).status_code == 204
    rows = entries()
    membership = f"membership {rows[0]['object_id']}"
    assert said(rows) == [("member.added", "Person 50", membership, f"network {maths}"),
                          ("member.removed", "Person 50", membership, f"network {maths}")]
    assert rows[0]["changes"] == {"person_id": [None, 1], "email": [None, "p1@trust.test"], "school_id": [None, 7],
                                  "role": [None, "MEMBER"]}
    assert rows[1]["changes"] == {"person_id": [1, None], "email": ["p1@trust.test", None], "school_id": [7, None],
                                  "role": ["MEMBER", None]}
    assert rows[0]["object_label"] == "Person 1" and rows[0]["actor_id"] == 50
    summaries = [e["summary"] for e in history(service_call, "network", maths).json()["items"]]
    assert summaries == ["Person 1 removed from the network", "Person 1 added to the network"]


def test_a_meeting_scheduled_moved_answered_and_cancelled(service_call):
    maths, lead = a_network(service_call)
    service_call("networks", "POST", f"/networks/{maths}/members", lead, json=member(1))
    meeting = service_call("networks", "POST", "/meetings", lead, json=meeting_body(maths)).json()
    service_call("networks", "PUT", f"/meetings/{meeting['id']}", lead,
                 json=meeting_body(maths, venue="Brook Academy", agenda=[]))
    for answer in ("YES", "NO", "NO"):  # the same answer twice changes nothing
        service_call("networks", "POST", f"/meetings/{meeting['id']}/rsvp", who(1), json={"response": answer})
    service_call("networks", "POST", f"/meetings/{meeting['id']}/cancel", lead)
    rows = entries()[1:]
    m = f"meeting {meeting['id']}"
    assert [r[:3] for r in said(rows)] == [
        ("meeting.scheduled", "Person 50", m), ("meeting.changed", "Person 50", m),
        ("rsvp.answered", "Person 1", rows[2]["object_type"] + f" {rows[2]['object_id']}"),
        ("rsvp.answered", "Person 1", rows[2]["object_type"] + f" {rows[2]['object_id']}"),
        ("meeting.cancelled", "Person 50", m)]
    scheduled, moved, yes, no, cancelled = rows
    assert scheduled["changes"]["title"] == [None, "Spring term network meeting"]
    assert scheduled["changes"]["starts_at"] == [None, WHEN.isoformat()]
    assert scheduled["changes"]["agenda"] == [None, ["Fractions CPD follow-up"]]
    assert moved["changes"] == {"venue": ["Saltmarsh Primary", "Brook Academy"],
                                "agenda": [["Fractions CPD follow-up"], []]}
    assert (yes["object_type"], yes["parent_id"], yes["object_label"]) == ("rsvp", str(meeting["id"]), "Person 1")
    assert yes["changes"] == {"response": [None, "YES"]} and no["changes"] == {"response": ["YES", "NO"]}
    assert cancelled["changes"] == {"status": ["SCHEDULED", "CANCELLED"]}
    assert all(e["parent_id"] == str(maths) for e in (scheduled, moved, cancelled))
    # the meeting's history holds its answers; the network's its meetings
    assert [e["action"] for e in history(service_call, "meeting", meeting["id"]).json()["items"]] == [
        "meeting.cancelled", "rsvp.answered", "rsvp.answered", "meeting.changed", "meeting.scheduled"]
    assert [e["summary"] for e in history(service_call, "network", maths).json()["items"]][:1] == [
        "Meeting cancelled: Spring term network meeting"]


def test_minutes_recorded_then_corrected_and_an_action_done(service_call):
    maths, lead = a_network(service_call)
    for pid in (1, 2):
        service_call("networks", "POST", f"/networks/{maths}/members", lead, json=member(pid, school=pid))
    meeting = service_call("networks", "POST", "/meetings", lead, json=meeting_body(maths)).json()
    before = len(entries())
    with time_machine.travel(WHEN + timedelta(hours=2)):
        held = service_call("networks", "POST", f"/meetings/{meeting['id']}/minutes", lead, json={
            "minutes": "We agreed the policy.", "attendee_ids": [1],
            "actions": [{"description": "Share the policy", "owner_id": 2}]}).json()
        service_call("networks", "POST", f"/meetings/{meeting['id']}/minutes", lead, json={
            "minutes": "We agreed the calculation policy.", "attendee_ids": [1, 2], "actions": []})
        action = held["actions"][0]
        service_call("networks", "POST", f"/actions/{action['id']}/complete", who(2))
        service_call("networks", "POST", f"/actions/{action['id']}/complete", who(2))  # done already: nothing
    recorded, corrected, done = entries()[before:]
    assert said([recorded, corrected, done]) == [
        ("meeting.minutes_recorded", "Person 50", f"meeting {meeting['id']}", f"network {maths}"),
        ("meeting.minutes_edited", "Person 50", f"meeting {meeting['id']}", f"network {maths}"),
        ("action.completed", "Person 2", f"action {action['id']}", f"meeting {meeting['id']}")]
    assert recorded["changes"] == {"minutes": [None, "We agreed the policy."], "status": ["SCHEDULED", "HELD"],
                                   "attended": [[], ["Person 1"]], "actions": [[], ["Share the policy (Person 2)"]]}
    assert corrected["changes"] == {"minutes": ["We agreed the policy.", "We agreed the calculation policy."],
                                    "attended": [["Person 1"], ["Person 1", "Person 2"]]}
    assert done["changes"] == {"done": [False, True]} and done["object_label"] == "Share the policy"


def test_correcting_the_calendar_records_the_dates_that_moved(service_call):
    seeded(service_call)
    seeds = entries()
    assert [e["action"] for e in seeds] == ["academic_year.created"] * 3
    year = service_call("networks", "GET", "/academic-years/2026-27").json()
    terms = [dict(t) for t in year["terms"]]
    terms[2] = {**terms[2], "ends_on": "2027-07-16"}
    terms[0] = {**terms[0], "closures": [c for c in terms[0]["closures"] if c["on"] != "2026-09-02"]}
    saved = service_call("networks", "PUT", "/academic-years/2026-27", ADA, json={"terms": terms})
    assert saved.status_code == 200
    corrected = entries()[-1]
    assert (corrected["action"], corrected["object_type"], corrected["object_id"], corrected["actor_name"]) == (
        "academic_year.corrected", "academic_year", "2026-27", "Ada Admin")
    assert corrected["changes"]["summer.ends_on"] == [year["terms"][2]["ends_on"], "2027-07-16"]
    closures = corrected["changes"]["autumn.closures"]
    assert set(closures[0]) - set(closures[1]) == {"2026-09-02 INSET day"}
    assert set(corrected["changes"]) == {"summer.ends_on", "autumn.closures"}
    items = history(service_call, "academic_year", "2026-27").json()["items"]
    assert [e["summary"] for e in items] == ["Calendar for 2026-27 corrected", "Calendar for 2026-27 entered"]


def test_refused_and_check_only_changes_write_nothing(service_call):
    maths, lead = a_network(service_call)
    service_call("networks", "POST", f"/networks/{maths}/members", lead, json=member(1))
    meeting = service_call("networks", "POST", "/meetings", lead, json=meeting_body(maths)).json()
    seeded(service_call)
    written = len(entries())
    year = service_call("networks", "GET", "/academic-years/2026-27").json()
    refusals = [
        service_call("networks", "POST", f"/networks/{maths}/members", who(1), json=member(2)),
        service_call("networks", "POST", f"/networks/{maths}/members", lead, json=member(1)),  # already in
        service_call("networks", "DELETE", f"/networks/{maths}/members/9", lead),
        service_call("networks", "POST", "/meetings", who(1), json=meeting_body(maths)),
        service_call("networks", "POST", f"/meetings/{meeting['id']}/cancel", who(1)),
        service_call("networks", "POST", f"/meetings/{meeting['id']}/rsvp", who(3), json={"response": "YES"}),
        service_call("networks", "POST", f"/meetings/{meeting['id']}/minutes", lead,
                     json={"minutes": "Too early.", "attendee_ids": [1], "actions": []}),
        service_call("networks", "PUT", "/academic-years/2026-27", who(1), json={"terms": year["terms"]}),
    ]
    assert [r.status_code for r in refusals] == [403, 409, 404, 403, 403, 404, 409, 403]
    check = {"headers": {"X-LL-Check-Only": "1"}}
    checked = [
        service_call("networks", "POST", "/meetings", lead, json=meeting_body(maths, title="Checked"), **check),
        service_call("networks", "POST", f"/meetings/{meeting['id']}/cancel", lead, **check),
        service_call("networks", "POST", f"/networks/{maths}/members", lead, json=member(2), **check),
        service_call("networks", "PUT", "/academic-years/2026-27", ADA, json={"terms": year["terms"][::-1]}, **check),
    ]
    assert [r.status_code for r in checked] == [201, 200, 201, 422]
    assert len(entries()) == written


def test_a_rolled_back_change_writes_nothing(service_call, monkeypatch):
    maths, lead = a_network(service_call)
    service_call("networks", "POST", f"/networks/{maths}/members", lead, json=member(1))
    written = len(entries())
    from services.networks.meetings import messages

    def no_invitations(*args, **kwargs):
        raise RuntimeError("the invitation could not be written")

    monkeypatch.setattr(messages, "invitation", no_invitations)  # after the entry is written
    assert service_call("networks", "POST", "/meetings", lead, json=meeting_body(maths)).status_code == 500
    assert len(entries()) == written


def test_only_admins_read_history(service_call):
    maths, lead = a_network(service_call)
    service_call("networks", "POST", f"/networks/{maths}/members", lead, json=member(1))
    for person in (lead, who(1), tokens.ANONYMOUS_IDENTITY):
        for path in (f"/history/network/{maths}", "/history/academic_year/2026-27", f"/history/network?ids={maths}"):
            assert service_call("networks", "GET", path, person).status_code == 403
    assert history(service_call, "session", 1).status_code == 404
    batch = service_call("networks", "GET", "/history/network", ADA, params={"ids": f"{maths},77"}).json()
    assert [(e["for_id"], e["action"]) for e in batch["items"]] == [(str(maths), "member.added")]
