"""The waiting list: a freed place is offered to the first person waiting for 24 hours;
unanswered, it passes on.  The expiry job is idempotent."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import time_machine

from services.bookings import scheduler
from services.bookings.tests.test_bookings import book, person, session_body


def statuses(service_call, ids, who_by_id) -> list[str]:
    return [service_call("bookings", "GET", f"/bookings/{i}", who_by_id[i]).json()["status"] for i in ids]


def test_a_cancelled_place_is_offered_then_accepted(service_call, schedule):
    s = schedule("POST", "/sessions", json=session_body(capacity=1)).json()
    people = {n: person(n) for n in (1, 2, 3)}
    ids = [book(service_call, s["id"], people[n]).json()["id"] for n in (1, 2, 3)]
    who = dict(zip(ids, people.values()))
    service_call("bookings", "POST", f"/bookings/{ids[0]}/cancel", people[1])
    offer = service_call("bookings", "GET", f"/bookings/{ids[1]}", people[2]).json()
    assert offer["status"] == "OFFERED"
    expires = datetime.fromisoformat(offer["offer_expires_at"])
    assert timedelta(hours=23, minutes=59) < expires - datetime.now(timezone.utc) <= timedelta(hours=24)
    # the place is held for the offer: nobody else can take it meanwhile
    assert book(service_call, s["id"], person(4)).json()["status"] == "WAITLISTED"
    assert service_call("bookings", "POST", f"/bookings/{ids[2]}/accept", people[3]).status_code == 409
    accepted = service_call("bookings", "POST", f"/bookings/{ids[1]}/accept", people[2])
    assert accepted.json()["status"] == "CONFIRMED"
    assert statuses(service_call, ids, who) == ["CANCELLED", "CONFIRMED", "WAITLISTED"]


def test_an_unanswered_offer_passes_on_once_however_often_the_job_runs(service_call, schedule):
    s = schedule("POST", "/sessions", json=session_body(capacity=1)).json()
    people = {n: person(n) for n in (1, 2, 3)}
    ids = [book(service_call, s["id"], people[n]).json()["id"] for n in (1, 2, 3)]
    who = dict(zip(ids, people.values()))
    service_call("bookings", "POST", f"/bookings/{ids[0]}/cancel", people[1])
    assert scheduler.expire_offers() == 0  # not yet due
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(hours=25)):
        assert scheduler.expire_offers() == 1
        assert scheduler.expire_offers() == 0  # run twice, one effect
        assert statuses(service_call, ids, who) == ["CANCELLED", "CANCELLED", "OFFERED"]
        late = service_call("bookings", "POST", f"/bookings/{ids[1]}/accept", people[2])
        assert late.status_code == 409
    session = service_call("bookings", "GET", f"/sessions/{s['id']}").json()
    assert session["places_left"] == 0 and session["waiting_list_length"] == 0


def test_raising_capacity_offers_the_new_places(service_call, schedule):
    s = schedule("POST", "/sessions", json=session_body(capacity=1)).json()
    ids = [book(service_call, s["id"], person(n)).json()["id"] for n in (1, 2, 3)]
    schedule("PUT", f"/sessions/{s['id']}", json=session_body(capacity=3))
    assert [service_call("bookings", "GET", f"/bookings/{i}").json()["status"] for i in ids] == [
        "CONFIRMED", "OFFERED", "OFFERED"]
