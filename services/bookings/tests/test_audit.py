"""The audit trail of sessions and bookings: every change a person makes writes one entry
(who, when, which object, before → after) in the transaction of the change; a refused,
rolled-back or check-only request writes none; only admins read an object's history,
which for a session holds its bookings' entries too."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
import time_machine

from services.bookings import scheduler
from services.bookings.audit import AuditEntry
from services.bookings.db import database
from services.bookings.tests.test_attendance import AFTER, LEADER_OF_1, register
from services.bookings.tests.test_bookings import SOON, book, person, session_body
from shared import tokens
from shared.audit import SYSTEM

ADA = tokens.Identity(subject="42", name="Ada Admin", grants=(tokens.Grant("ll_admin"),))


def entries() -> list[dict]:
    """Every entry written, oldest first, straight from the table."""
    with database().session() as db:
        return [dict(r) for r in db.execute(sa.select(AuditEntry.__table__).order_by("id")).mappings()]


def said(rows: list[dict]) -> list[tuple]:
    """(action, who, object) of each entry."""
    return [(e["action"], e["actor_name"], f"{e['object_type']} {e['object_id']}") for e in rows]


@pytest.fixture
def new_session(schedule):
    """A session an admin (Ada) schedules, its course's listing delivered first."""
    def _make(**overrides) -> dict:
        made = schedule("POST", "/sessions", ADA, json=session_body(**overrides))
        assert made.status_code == 201, made.text
        return made.json()
    return _make


def changed(s: dict, **overrides) -> dict:
    """What an admin sends to change session `s` (its course stays as listed)."""
    body = session_body(**overrides)
    del body["course_title"]
    return {**body, "course_id": s["course_id"]}


def history(service_call, kind: str, object_id, who=ADA, **params):
    return service_call("bookings", "GET", f"/history/{kind}/{object_id}", who, params=params)


def test_scheduling_and_changing_a_session_record_what_changed(service_call, new_session):
    s = new_session(capacity=3)
    [made] = entries()
    assert (made["action"], made["actor_id"], made["actor_name"]) == ("session.scheduled", 42, "Ada Admin")
    assert (made["object_type"], made["object_id"], made["parent_type"]) == ("session", str(s["id"]), None)
    assert made["changes"]["capacity"] == [None, 3] and made["changes"]["status"] == [None, "SCHEDULED"]
    assert made["changes"]["starts_at"] == [None, SOON.isoformat()]
    assert abs(made["at"] - datetime.now(timezone.utc)) < timedelta(minutes=1)

    moved = SOON + timedelta(days=1)
    answer = service_call("bookings", "PUT", f"/sessions/{s['id']}", ADA, json=changed(
        s, capacity=5, venue="Hill Top, library", starts_at=moved.isoformat(), ends_at=(moved + timedelta(hours=2))
        .isoformat()))
    assert answer.status_code == 200, answer.text
    last = entries()[-1]
    assert last["action"] == "session.changed"
    # only what changed, before → after (the deadlines follow the start by default)
    assert last["changes"] == {
        "starts_at": [SOON.isoformat(), moved.isoformat()],
        "ends_at": [(SOON + timedelta(hours=2)).isoformat(), (moved + timedelta(hours=2)).isoformat()],
        "venue": ["Saltmarsh Primary School, hall", "Hill Top, library"], "capacity": [3, 5],
        "booking_closes_at": [SOON.isoformat(), moved.isoformat()],
        "cancellation_deadline": [(SOON - timedelta(hours=48)).isoformat(), (moved - timedelta(hours=48)).isoformat()]}
    # saved again as it is: nothing changed, so nothing is written
    service_call("bookings", "PUT", f"/sessions/{s['id']}", ADA, json=changed(
        s, capacity=5, venue="Hill Top, library", starts_at=moved.isoformat(), ends_at=(moved + timedelta(hours=2))
        .isoformat()))
    assert len(entries()) == 2


def test_booking_cancelling_and_the_waiting_list_each_leave_an_entry(service_call, new_session):
    s = new_session(capacity=1)
    first = book(service_call, s["id"], person(1)).json()
    second = book(service_call, s["id"], person(2)).json()
    service_call("bookings", "POST", f"/bookings/{first['id']}/cancel", person(1))
    accepted = service_call("bookings", "POST", f"/bookings/{second['id']}/accept", person(2))
    assert accepted.json()["status"] == "CONFIRMED"
    rows = entries()[1:]
    assert said(rows) == [
        ("booking.made", "Person 1", f"booking {first['id']}"),
        ("booking.made", "Person 2", f"booking {second['id']}"),
        ("booking.cancelled", "Person 1", f"booking {first['id']}"),
        ("booking.offered", SYSTEM, f"booking {second['id']}"),  # the rule's doing, not person 1's
        ("booking.offer_accepted", "Person 2", f"booking {second['id']}"),
    ]
    made, waiting, cancelled, offered, taken = rows
    assert made["changes"] == {"status": [None, "CONFIRMED"]} and waiting["changes"] == {"status": [None, "WAITLISTED"]}
    assert (made["actor_id"], made["object_label"]) == (1, "Person 1")
    assert all((e["parent_type"], e["parent_id"]) == ("session", str(s["id"])) for e in rows)
    assert cancelled["changes"] == {"status": ["CONFIRMED", "CANCELLED"]}
    assert offered["changes"]["status"] == ["WAITLISTED", "OFFERED"] and offered["actor_id"] is None
    expires = offered["changes"]["offer_expires_at"][1]
    assert taken["changes"] == {"status": ["OFFERED", "CONFIRMED"], "offer_expires_at": [expires, None]}


def test_an_offer_lapsing_is_the_systems_doing(service_call, new_session):
    s = new_session(capacity=1)
    ids = [book(service_call, s["id"], person(n)).json()["id"] for n in (1, 2, 3)]
    service_call("bookings", "POST", f"/bookings/{ids[0]}/cancel", person(1))
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(hours=25)):
        assert scheduler.expire_offers() == 1
        assert scheduler.expire_offers() == 0
    lapsed, passed_on = entries()[-2:]
    assert said([lapsed, passed_on]) == [("booking.offer_lapsed", SYSTEM, f"booking {ids[1]}"),
                                         ("booking.offered", SYSTEM, f"booking {ids[2]}")]
    assert lapsed["changes"]["status"] == ["OFFERED", "CANCELLED"]


def test_approving_and_declining_record_the_decision(service_call, new_session):
    s = new_session(capacity=2, requires_approval=True)
    one, two = (book(service_call, s["id"], person(n)).json() for n in (1, 2))
    service_call("bookings", "POST", f"/bookings/{one['id']}/decide", LEADER_OF_1, json={"approve": True})
    service_call("bookings", "POST", f"/bookings/{two['id']}/decide", LEADER_OF_1,
                 json={"approve": False, "note": "No cover that day"})
    approved, declined = entries()[-2:]
    assert said([approved, declined]) == [("booking.approved", "Person 90", f"booking {one['id']}"),
                                          ("booking.declined", "Person 90", f"booking {two['id']}")]
    assert approved["changes"] == {"status": ["PENDING_APPROVAL", "CONFIRMED"]}
    assert declined["changes"] == {"status": ["PENDING_APPROVAL", "DECLINED"],
                                   "decision_note": [None, "No cover that day"]}


def test_a_booking_made_by_the_attendees_leader_records_the_approval_it_gives(service_call, new_session):
    s = new_session(capacity=2, requires_approval=True)
    staff = {"person_id": 3, "name": "Tara Cole", "email": "tara@trust.test", "school_id": 1}
    booked = book(service_call, s["id"], LEADER_OF_1, attendee=staff).json()
    made = entries()[-1]
    assert said([made]) == [("booking.made", "Person 90", f"booking {booked['id']}")]
    assert (made["actor_id"], made["object_label"], made["parent_id"]) == (90, "Tara Cole", str(s["id"]))
    assert made["changes"] == {"status": [None, "CONFIRMED"], "decision_note": [None, "Booked by their school leader"]}
    assert abs(made["at"] - datetime.now(timezone.utc)) < timedelta(minutes=1)


def test_the_register_taken_then_corrected_and_feedback(service_call, new_session):
    s = new_session(capacity=3)
    ids = [book(service_call, s["id"], person(n)).json()["id"] for n in (1, 2, 3, 4)]  # the 4th waits
    before = len(entries())
    with time_machine.travel(AFTER):
        assert register(service_call, s["id"], ids[:1], ADA).status_code == 200
        taken = entries()[before:]
        assert said(taken) == [("booking.attendance_taken", "Ada Admin", f"booking {i}") for i in ids[:3]] + [
            ("booking.cancelled", "Ada Admin", f"booking {ids[3]}"),
            ("session.register_taken", "Ada Admin", f"session {s['id']}")]
        assert [e["changes"]["status"] for e in taken[:3]] == [["CONFIRMED", "ATTENDED"], ["CONFIRMED", "NO_SHOW"],
                                                               ["CONFIRMED", "NO_SHOW"]]
        assert taken[-1]["changes"] == {"status": ["SCHEDULED", "COMPLETED"], "attended": [0, 1]}
        # corrected: only the booking that changed, and the session's count
        before = len(entries())
        register(service_call, s["id"], ids[:2], ADA)
        corrected = entries()[before:]
        assert said(corrected) == [("booking.attendance_corrected", "Ada Admin", f"booking {ids[1]}"),
                                   ("session.register_corrected", "Ada Admin", f"session {s['id']}")]
        assert corrected[0]["changes"] == {"status": ["NO_SHOW", "ATTENDED"]}
        assert corrected[1]["changes"] == {"attended": [1, 2]}
        # the same register again changes nothing, and says nothing
        register(service_call, s["id"], ids[:2], ADA)
        assert len(entries()) == before + 2
        service_call("bookings", "POST", f"/bookings/{ids[0]}/feedback", person(1), json={"rating": 4})
    feedback = entries()[-1]
    assert (feedback["action"], feedback["changes"]) == ("booking.feedback_left", {"feedback_rating": [None, 4]})


def test_cancelling_a_session_records_it_and_each_booking_it_ended(service_call, new_session):
    s = new_session(capacity=1)
    ids = [book(service_call, s["id"], person(n)).json()["id"] for n in (1, 2)]
    service_call("bookings", "POST", f"/sessions/{s['id']}/cancel", ADA, json={"reason": "Snow"})
    rows = entries()[-3:]
    assert said(rows) == [("session.cancelled", "Ada Admin", f"session {s['id']}"),
                          ("booking.cancelled", "Ada Admin", f"booking {ids[0]}"),
                          ("booking.cancelled", "Ada Admin", f"booking {ids[1]}")]
    assert rows[0]["changes"] == {"status": ["SCHEDULED", "CANCELLED"], "cancel_reason": [None, "Snow"]}
    assert [e["changes"]["status"][0] for e in rows[1:]] == ["CONFIRMED", "WAITLISTED"]


def test_a_refused_change_writes_nothing(service_call, new_session):
    s = new_session(capacity=1, requires_approval=True)
    mine = book(service_call, s["id"], person(1)).json()
    written = len(entries())
    refusals = [
        book(service_call, s["id"], person(5, 2), attendee={"person_id": 6, "name": "Ola", "email": "o@t.test",
                                                             "school_id": 1}),
        service_call("bookings", "POST", f"/bookings/{mine['id']}/cancel", person(2)),
        service_call("bookings", "POST", f"/bookings/{mine['id']}/decide", person(2), json={"approve": True}),
        service_call("bookings", "POST", f"/bookings/{mine['id']}/accept", person(1), json={}),
        service_call("bookings", "PUT", f"/sessions/{s['id']}", person(1), json=changed(s)),
        service_call("bookings", "PUT", f"/sessions/{s['id']}", ADA, json=changed(s, capacity=1, external_places=1)),
        service_call("bookings", "POST", f"/sessions/{s['id']}/cancel", person(1), json={"reason": "Not needed"}),
        register(service_call, s["id"], [mine["id"]], ADA),  # it has not started
    ]
    assert [r.status_code for r in refusals] == [403, 404, 404, 409, 403, 409, 403, 409]
    assert len(entries()) == written


def test_a_rolled_back_or_check_only_request_writes_nothing(service_call, monkeypatch, new_session):
    s = new_session(capacity=2)
    written = len(entries())
    checked = service_call("bookings", "POST", f"/sessions/{s['id']}/cancel", ADA, json={"reason": "Snow"},
                           headers={"X-LL-Check-Only": "1"})
    assert checked.status_code == 200 and checked.json()["status"] == "CANCELLED"
    checked = service_call("bookings", "PUT", f"/sessions/{s['id']}", ADA, json=changed(s, capacity=9),
                           headers={"X-LL-Check-Only": "1"})
    assert checked.status_code == 200 and checked.json()["capacity"] == 9
    assert len(entries()) == written
    assert service_call("bookings", "GET", f"/sessions/{s['id']}").json()["capacity"] == 2

    from services.bookings import messages

    def mail_server_on_fire(*args, **kwargs):
        raise RuntimeError("the message could not be written")

    # the entry is written before the message: failing after it rolls the whole request back
    monkeypatch.setattr(messages, "booking_changed", mail_server_on_fire)
    failed = book(service_call, s["id"], person(1))
    assert failed.status_code == 500
    assert len(entries()) == written
    assert service_call("bookings", "GET", f"/sessions/{s['id']}").json()["places_left"] == 2


def test_admins_read_a_sessions_history_with_its_bookings_newest_first(service_call, new_session):
    s = new_session(capacity=1)
    other = new_session(capacity=1)
    b1 = book(service_call, s["id"], person(1)).json()
    service_call("bookings", "POST", f"/bookings/{b1['id']}/cancel", person(1))
    book(service_call, other["id"], person(2))
    answer = history(service_call, "session", s["id"])
    assert answer.status_code == 200, answer.text
    items = answer.json()["items"]
    assert [(e["action"], e["summary"]) for e in items] == [
        ("booking.cancelled", "Person 1's booking cancelled"), ("booking.made", "Booking made for Person 1"),
        ("session.scheduled", "Session scheduled")]
    assert items[0]["changes"] == [{"field": "status", "before": "CONFIRMED", "after": "CANCELLED"}]
    assert items[0]["for_id"] == str(s["id"]) and items[0]["actor_id"] == 1
    assert [e["action"] for e in history(service_call, "booking", b1["id"]).json()["items"]] == [
        "booking.cancelled", "booking.made"]
    assert len(history(service_call, "session", s["id"], first=1).json()["items"]) == 1
    # a batch read: each object's newest, said which object each is for
    batch = service_call("bookings", "GET", "/history/session", ADA,
                         params={"ids": f"{s['id']},{other['id']},999", "first": 2}).json()["items"]
    assert [(e["for_id"], e["action"]) for e in batch] == [
        (str(s["id"]), "booking.cancelled"), (str(s["id"]), "booking.made"),
        (str(other["id"]), "booking.made"), (str(other["id"]), "session.scheduled")]
    assert history(service_call, "session", 999).json()["items"] == []


def test_only_admins_read_history(service_call, new_session):
    s = new_session()
    mine = book(service_call, s["id"], person(1)).json()
    for who in (person(1), LEADER_OF_1, tokens.ANONYMOUS_IDENTITY):
        for path in (f"/history/session/{s['id']}", f"/history/booking/{mine['id']}",
                     f"/history/session?ids={s['id']}"):
            refused = service_call("bookings", "GET", path, who)
            assert refused.status_code == 403, (who, path)
            assert refused.json()["message"] == "Only Lighthouse Learning admins can read the history of changes."
    unknown = history(service_call, "course", 1)
    assert unknown.status_code == 404 and "No history is kept of 'course'" in unknown.json()["message"]
    assert service_call("bookings", "GET", "/history/session", ADA, params={"ids": "1,,2"}).status_code == 422
    assert history(service_call, "session", s["id"], first=101).status_code == 422
