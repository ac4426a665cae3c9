"""Approvals: on sessions that need cover, a booking holds its place until the
attendee's school leader approves or declines it."""
from __future__ import annotations

from services.bookings.tests.test_bookings import book, person, session_body
from shared import tokens

LEADER_A = person(90, 1, tokens.Grant("staff", school_id=1), tokens.Grant("school_leader", school_id=1))
LEADER_B = person(91, 2, tokens.Grant("staff", school_id=2), tokens.Grant("school_leader", school_id=2))


def test_pending_holds_the_place_until_the_leader_decides(service_call, schedule):
    s = schedule("POST", "/sessions", json=session_body(capacity=1, requires_approval=True)).json()
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


def test_declining_passes_the_place_on(service_call, schedule):
    s = schedule("POST", "/sessions", json=session_body(capacity=1, requires_approval=True)).json()
    mine = book(service_call, s["id"], person(1, 1)).json()
    nxt = book(service_call, s["id"], person(2, 1)).json()
    declined = service_call("bookings", "POST", f"/bookings/{mine['id']}/decide", LEADER_A,
                            json={"approve": False, "note": "No cover that day"})
    assert declined.json()["status"] == "DECLINED"
    assert service_call("bookings", "GET", f"/bookings/{nxt['id']}", person(2, 1)).json()["status"] == "OFFERED"


def test_only_the_attendees_own_leader_decides(service_call, schedule):
    s = schedule("POST", "/sessions", json=session_body(capacity=2, requires_approval=True)).json()
    mine = book(service_call, s["id"], person(1, 1)).json()
    for outsider in (LEADER_B, person(1, 1), person(5, 1)):
        response = service_call("bookings", "POST", f"/bookings/{mine['id']}/decide", outsider, json={"approve": True})
        assert response.status_code in (403, 404)
    assert service_call("bookings", "GET", f"/bookings/{mine['id']}", person(1, 1)).json()["status"] == \
        "PENDING_APPROVAL"


def _outbox(to: str) -> list[str]:
    from sqlmodel import select

    from services.bookings.db import database
    from services.bookings.messages import OutboxMessage

    with database().session() as db:
        return list(db.exec(select(OutboxMessage.subject).where(OutboxMessage.recipient == to)
                            .order_by(OutboxMessage.id)).all())


def _decision(booking_id: int) -> tuple:
    from services.bookings.db import database
    from services.bookings.bookings.models import Booking

    with database().session() as db:
        row = db.get(Booking, booking_id)
        return row.decided_by_id, row.decided_at is not None, row.decision_note


def test_a_leader_booking_their_own_staff_gives_the_approval_with_the_booking(service_call, schedule,
                                                                              school_leaders):
    school_leaders(1, "p90@trust.test")
    s = schedule("POST", "/sessions", json=session_body(
        capacity=1, requires_approval=True, course_title="NPQ SEND day 1")).json()
    tara = {"person_id": 3, "name": "Tara", "email": "tara@trust.test", "school_id": 1}
    booked = book(service_call, s["id"], LEADER_A, attendee=tara).json()
    assert booked["status"] == "CONFIRMED" and booked["decision_note"] == "Booked by their school leader"
    assert _decision(booked["id"]) == (90, True, "Booked by their school leader")
    assert [t.split(":")[0] for t in _outbox("tara@trust.test")] == ["Booked"]
    assert _outbox("p90@trust.test") == []  # nobody is asked to approve what they have just booked
    assert service_call("bookings", "GET", "/bookings/awaiting-approval", LEADER_A).json()["items"] == []


def test_a_leaders_booking_onto_the_waiting_list_needs_no_second_approval(service_call, schedule):
    s = schedule("POST", "/sessions", json=session_body(capacity=1, requires_approval=True)).json()
    first = book(service_call, s["id"], person(1, 1)).json()
    tara = {"person_id": 3, "name": "Tara", "email": "tara@trust.test", "school_id": 1}
    waiting = book(service_call, s["id"], LEADER_A, attendee=tara).json()
    assert waiting["status"] == "WAITLISTED"
    service_call("bookings", "POST", f"/bookings/{first['id']}/cancel", person(1, 1))
    tara_herself = person(3, 1)
    accepted = service_call("bookings", "POST", f"/bookings/{waiting['id']}/accept", tara_herself).json()
    assert accepted["status"] == "CONFIRMED"


def test_an_admin_booking_for_someone_still_leaves_cover_to_their_school(service_call, schedule, school_leaders):
    from tests.support.fixtures import ADMIN

    school_leaders(1, "p90@trust.test")
    s = schedule("POST", "/sessions", json=session_body(capacity=1, requires_approval=True)).json()
    tara = {"person_id": 3, "name": "Tara", "email": "tara@trust.test", "school_id": 1}
    booked = book(service_call, s["id"], ADMIN, attendee=tara).json()
    assert booked["status"] == "PENDING_APPROVAL"
    assert _outbox("p90@trust.test")[0].startswith("Approval needed: Tara")
    # and a leader of another school is no leader of this attendee's
    other = schedule("POST", "/sessions", json=session_body(capacity=1, requires_approval=True)).json()
    leads_both = person(92, 2, tokens.Grant("school_leader", school_id=2), tokens.Grant("ll_admin"))
    assert book(service_call, other["id"], leads_both, attendee=tara).json()["status"] == "PENDING_APPROVAL"
