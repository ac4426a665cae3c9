"""Approvals: on sessions that need cover, a booking holds its place until the
attendee's school leader approves or declines it."""
from __future__ import annotations

from services.bookings.tests.test_bookings import book, person, session_body
from shared import tokens

LEADER_A = person(90, 1, tokens.Grant("staff", school_id=1), tokens.Grant("school_leader", school_id=1))
LEADER_B = person(91, 2, tokens.Grant("staff", school_id=2), tokens.Grant("school_leader", school_id=2))


def test_pending_holds_the_place_until_the_leader_decides(service_call):
    s = service_call("bookings", "POST", "/sessions", json=session_body(capacity=1, requires_approval=True)).json()
    mine = book(service_call, s["id"], person(1, 1)).json()
    assert mine["status"] == "PENDING_APPROVAL"
    waiting = book(service_call, s["id"], person(2, 1)).json()
    assert waiting["status"] == "WAITLISTED"
    queue = service_call("bookings", "GET", "/bookings/awaiting-approval", LEADER_A).json()["items"]
    assert [b["id"] for b in queue] == [mine["id"]]
    assert service_call("bookings", "GET", "/bookings/awaiting-approval", LEADER_B).json()["items"] == []
    assert service_call("bookings", "GET", "/bookings/awaiting-approval", person(3, 1)).json()["items"] == []
    approved = service_call("bookings", "POST", f"/bookings/{mine['id']}/decide", LEADER_A,
                            json={"approve": True, "note": "Cover booked"})
    assert approved.json()["status"] == "CONFIRMED" and approved.json()["decision_note"] == "Cover booked"
    again = service_call("bookings", "POST", f"/bookings/{mine['id']}/decide", LEADER_A, json={"approve": False})
    assert again.status_code == 409


def test_declining_passes_the_place_on(service_call):
    s = service_call("bookings", "POST", "/sessions", json=session_body(capacity=1, requires_approval=True)).json()
    mine = book(service_call, s["id"], person(1, 1)).json()
    nxt = book(service_call, s["id"], person(2, 1)).json()
    declined = service_call("bookings", "POST", f"/bookings/{mine['id']}/decide", LEADER_A,
                            json={"approve": False, "note": "No cover that day"})
    assert declined.json()["status"] == "DECLINED"
    assert service_call("bookings", "GET", f"/bookings/{nxt['id']}", person(2, 1)).json()["status"] == "OFFERED"


def test_only_the_attendees_own_leader_decides(service_call):
    s = service_call("bookings", "POST", "/sessions", json=session_body(capacity=2, requires_approval=True)).json()
    mine = book(service_call, s["id"], person(1, 1)).json()
    for outsider in (LEADER_B, person(1, 1), person(5, 1)):
        response = service_call("bookings", "POST", f"/bookings/{mine['id']}/decide", outsider, json={"approve": True})
        assert response.status_code in (403, 404)
    assert service_call("bookings", "GET", f"/bookings/{mine['id']}", person(1, 1)).json()["status"] == \
        "PENDING_APPROVAL"
