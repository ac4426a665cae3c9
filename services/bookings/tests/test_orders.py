"""Orders over HTTP, as a bursar of a school outside the trust would meet them: places
held at the listed price, invoices numbered in turn, holds that lapse, cancellations
and substitutions, payments recorded — and what each kind of caller is refused, with
nothing changed by a refusal."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
import time_machine

from shared import tokens
from tests.support.fixtures import ADMIN

SOON = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=14)
PRICE = 9500
ORG, OTHER_ORG = 7, 8


def booker(pid: int = 501, org: int | None = ORG) -> tokens.Identity:
    return tokens.Identity(subject=str(pid), name=f"Bursar {pid}", email=f"bursar{pid}@school.test",
                           organisation_id=org, grants=(tokens.Grant("external_booker"),))


BURSAR = booker()
STRANGER = booker(502, OTHER_ORG)
TEACHER = tokens.Identity(subject="9", name="Tara Teacher", email="tara@trust.test", school_id=1,
                          grants=(tokens.Grant("staff", school_id=1),))


def people(n: int, start: int = 0) -> list[dict]:
    return [{"name": f"Attendee {i}", "email": f"a{i}@school.test"} for i in range(start, start + n)]


@pytest.fixture(autouse=True)
def _stripe(stripe_api):
    """Card orders get their PaymentIntent from localstripe."""

@pytest.fixture
def on_sale(schedule):
    """A session of a PUBLIC course on sale to other schools."""
    def _make(title="Phonics for schools", price=PRICE, **overrides) -> dict:
        body = {"course_title": title, "course_visibility": "PUBLIC", "course_external_price_pence": price,
                "starts_at": SOON.isoformat(), "ends_at": (SOON + timedelta(hours=2)).isoformat(),
                "venue": "Hall", "capacity": 10, "external_places": 4, **overrides}
        response = schedule("POST", "/sessions", json=body)
        assert response.status_code == 201, response.text
        return response.json()
    return _make


@pytest.fixture
def order(service_call):
    def _order(lines: list[tuple[int, int]] | list[tuple[int, list[dict]]], who=BURSAR, method="CARD", **extra):
        body = {"lines": [{"session_id": s, "attendees": a if isinstance(a, list) else people(a)} for s, a in lines],
                "payment_method": method, **extra}
        return service_call("bookings", "POST", "/orders", who, json=body)
    return _order


def left(service_call, session_id: int) -> tuple[int, int]:
    """(trust places left, places left for other schools)"""
    s = service_call("bookings", "GET", f"/sessions/{session_id}").json()
    return s["places_left"], s["external_places_left"]


def fields(response) -> dict:
    return {".".join(f["field"]): f["message"] for f in response.json()["fieldErrors"]}


def test_a_card_order_holds_its_places_at_the_price_of_the_day(service_call, on_sale, order, deliver_fact):
    s = on_sale()
    response = order([(s["id"], 2)])
    assert response.status_code == 201, response.text
    o = response.json()
    assert (o["status"], o["payment_method"], o["organisation_id"], o["currency"]) == (
        "AWAITING_PAYMENT", "CARD", ORG, "GBP")
    assert o["total_pence"] == 2 * PRICE and o["lines"][0]["unit_price_pence"] == PRICE
    assert [a["name"] for a in o["lines"][0]["attendees"]] == ["Attendee 0", "Attendee 1"]
    hold = datetime.fromisoformat(o["hold_expires_at"]) - datetime.now(timezone.utc)
    assert timedelta(minutes=14) < hold <= timedelta(minutes=15)
    assert left(service_call, s["id"]) == (6, 2)  # the trust's six untouched
    # the catalogue raises the price: what was ordered keeps the price it was ordered at
    deliver_fact("catalogue", "bookings", f"/copies/course-listings/{s['course_id']}", title=s["course_title"],
                 visibility="PUBLIC", published=True, external_price_pence=12000)
    again = service_call("bookings", "GET", f"/orders/{o['id']}", BURSAR).json()
    assert again["total_pence"] == 2 * PRICE and again["lines"][0]["unit_price_pence"] == PRICE
    assert order([(s["id"], 1)]).json()["total_pence"] == 12000


def test_a_retry_with_the_same_key_answers_the_first_order(on_sale, order, service_call):
    s = on_sale()
    first = order([(s["id"], 1)], idempotency_key="basket-1")
    retry = order([(s["id"], 1)], idempotency_key="basket-1")
    assert (first.status_code, retry.status_code) == (201, 200) and retry.json()["id"] == first.json()["id"]
    assert left(service_call, s["id"])[1] == 3


def test_an_invoice_order_confirms_at_once_with_the_next_number(on_sale, order, service_call):
    s = on_sale()
    first = order([(s["id"], 1)], method="INVOICE", purchase_order_number="PO-1234", purchase_order_required=True)
    second = order([(s["id"], 2)], method="INVOICE")
    assert first.status_code == 201 and second.status_code == 201, (first.text, second.text)
    assert [r.json()["status"] for r in (first, second)] == ["INVOICED", "INVOICED"]
    assert [r.json()["invoice_number"] for r in (first, second)] == ["LL-INV-000001", "LL-INV-000002"]
    assert first.json()["purchase_order_number"] == "PO-1234" and first.json()["hold_expires_at"] is None
    assert first.json()["invoiced_pence"] == PRICE
    assert left(service_call, s["id"])[1] == 1


def test_a_missing_purchase_order_number_is_refused_where_one_is_needed(on_sale, order, service_call):
    s = on_sale()
    refused = order([(s["id"], 1)], method="INVOICE", purchase_order_required=True)
    assert refused.status_code == 422
    assert "purchase-order number" in fields(refused)["purchase_order_number"]
    assert left(service_call, s["id"])[1] == 4
    assert service_call("bookings", "GET", "/orders", ADMIN).json()["total"] == 0


def test_bad_input_is_refused_field_by_field_and_changes_nothing(on_sale, order, service_call):
    s = on_sale()
    trust_only = on_sale(title="Trust phonics", course_visibility="TRUST")
    none_for_others = on_sale(title="Phonics, trust places only", external_places=0)
    unpriced = on_sale(title="Phonics, no price yet", price=None)
    assert order([]).status_code == 422 and "at least one" in fields(order([]))["lines"]
    bad_email = order([(s["id"], [{"name": "Ann", "email": "ann at school"}])])
    assert bad_email.status_code == 422
    assert "email address" in fields(bad_email)["lines.0.attendees.0.email"]
    twice = order([(s["id"], [{"name": "Ann", "email": "a@s.test"}, {"name": "Ann B", "email": "A@s.test"}])])
    assert twice.status_code == 422 and "named twice" in fields(twice)["lines.0.attendees"]
    same_session = order([(s["id"], 1), (s["id"], 1)])
    assert same_session.status_code == 422 and "once in an order" in fields(same_session)["lines"]
    mixed = order([(s["id"], 1), (trust_only["id"], 1), (none_for_others["id"], 1), (unpriced["id"], 1),
                   (999999, 1)])
    assert mixed.status_code == 422
    problems = fields(mixed)
    assert "lines.0.session_id" not in problems
    assert "no such session on sale" in problems["lines.1.session_id"]
    assert "no places for schools outside the trust" in problems["lines.2.session_id"]
    assert "no price" in problems["lines.3.session_id"]
    assert "no such session" in problems["lines.4.session_id"]
    assert left(service_call, s["id"])[1] == 4
    assert service_call("bookings", "GET", "/orders", ADMIN).json()["total"] == 0


def test_more_attendees_than_places_left_is_a_conflict_and_holds_nothing(on_sale, order, service_call):
    first, second = on_sale(title="Phonics A"), on_sale(title="Phonics B", external_places=2)
    refused = order([(first["id"], 2), (second["id"], 3)])
    assert refused.status_code == 409
    assert "Phonics B" in refused.json()["message"] and "only 2 places left" in refused.json()["message"]
    # the first line's places, taken before the second failed, went back with the rollback
    assert left(service_call, first["id"])[1] == 4 and left(service_call, second["id"])[1] == 2
    assert service_call("bookings", "GET", "/orders", ADMIN).json()["total"] == 0
    assert order([(second["id"], 2)]).status_code == 201
    full = order([(second["id"], 1)])
    assert full.status_code == 409 and "no places left" in full.json()["message"]


def test_one_session_two_audiences_one_capacity(on_sale, order, service_call):
    """Trust staff book free from the trust's share; other schools buy from theirs;
    neither reaches into the other's."""
    s = on_sale(capacity=3, external_places=1)
    trust = [service_call("bookings", "POST", f"/sessions/{s['id']}/bookings", tokens.Identity(
        subject=str(100 + i), name=f"T{i}", email=f"t{i}@trust.test", school_id=1,
        grants=(tokens.Grant("staff", school_id=1),)), json={}).json()["status"] for i in range(3)]
    assert trust == ["CONFIRMED", "CONFIRMED", "WAITLISTED"]
    assert order([(s["id"], 1)]).status_code == 201
    assert order([(s["id"], 1)]).status_code == 409
    assert left(service_call, s["id"]) == (0, 0)
    # nor can an admin shrink the external share below what has been sold
    shrink = service_call("bookings", "PUT", f"/sessions/{s['id']}", json={
        "course_id": s["course_id"], "starts_at": s["starts_at"], "ends_at": s["ends_at"], "venue": "Hall",
        "capacity": 3, "external_places": 0})
    assert shrink.status_code == 409 and "already bought or hold 1" in shrink.json()["message"]


def test_who_may_buy_and_see_which_order(on_sale, order, service_call):
    s = on_sale()
    mine = order([(s["id"], 1)]).json()
    order([(s["id"], 1)], who=STRANGER)
    # trust staff never pay, and are told so; a booker without a registered school is refused
    assert order([(s["id"], 1)], who=TEACHER).status_code == 403
    assert order([(s["id"], 1)], who=booker(503, org=None)).status_code == 403
    assert order([(s["id"], 1)], who=ADMIN).status_code == 403
    assert order([(s["id"], 1)], who=tokens.ANONYMOUS_IDENTITY).status_code == 403
    assert left(service_call, s["id"])[1] == 2
    # another organisation's booker finds nothing, not even a count
    assert service_call("bookings", "GET", f"/orders/{mine['id']}", STRANGER).status_code == 404
    theirs = service_call("bookings", "GET", "/orders", STRANGER, params={"organisation_id": ORG}).json()
    assert (theirs["items"], theirs["total"]) == ([], 0)
    assert [o["organisation_id"] for o in service_call("bookings", "GET", "/orders", STRANGER).json()["items"]] == [
        OTHER_ORG]
    for path in (f"/orders/{mine['id']}", "/orders"):
        assert service_call("bookings", "GET", path, TEACHER).status_code == 403
    for method, path, body in (("POST", f"/orders/{mine['id']}/cancel", {}),
                               ("PUT", f"/orders/{mine['id']}/attendees/{mine['lines'][0]['attendees'][0]['id']}",
                                {"name": "Eve", "email": "eve@x.test"}),
                               ("POST", f"/orders/{mine['id']}/payments", {"paid_on": "2026-01-05",
                                                                           "reference": "BACS"})):
        assert service_call("bookings", method, path, STRANGER, json=body).status_code == 404
        assert service_call("bookings", method, path, TEACHER, json=body).status_code == 403
    assert service_call("bookings", "GET", f"/orders/{mine['id']}", BURSAR).json()["status"] == "AWAITING_PAYMENT"
    assert service_call("bookings", "GET", "/orders", ADMIN).json()["total"] == 2
    assert service_call("bookings", "GET", "/orders", ADMIN, params={"organisation_id": ORG}).json()["total"] == 1


def test_several_organisations_orders_in_one_read(on_sale, order, service_call):
    """The gateway's batch read (Organisation.orders for every organisation in view):
    admins get each named organisation's; a booker naming theirs among others gets
    only theirs, and naming only others gets nothing, not even a count."""
    s = on_sale()
    order([(s["id"], 1)])
    order([(s["id"], 1)], who=STRANGER)
    both = {"organisation_ids": f"{ORG},{OTHER_ORG}"}
    assert sorted(o["organisation_id"] for o in service_call("bookings", "GET", "/orders", ADMIN,
                                                             params=both).json()["items"]) == [ORG, OTHER_ORG]
    assert [o["organisation_id"] for o in service_call("bookings", "GET", "/orders", BURSAR,
                                                       params=both).json()["items"]] == [ORG]
    theirs = service_call("bookings", "GET", "/orders", BURSAR, params={"organisation_ids": str(OTHER_ORG)}).json()
    assert (theirs["items"], theirs["total"]) == ([], 0)
    assert service_call("bookings", "GET", "/orders", ADMIN, params={"organisation_ids": "1,x"}).status_code == 422


def test_a_lapsed_hold_gives_its_places_back_once(on_sale, order, service_call):
    from tests.test_facts import job

    s = on_sale()
    held = order([(s["id"], 3)]).json()
    invoiced = order([(s["id"], 1)], method="INVOICE").json()
    release = job("services.bookings.scheduler", "release_holds")
    assert release() == 0  # not yet
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(minutes=16)):
        assert release() == 1
        assert release() == 0  # a second run, or a second scheduler, finds nothing left
    assert service_call("bookings", "GET", f"/orders/{held['id']}", BURSAR).json()["status"] == "EXPIRED"
    assert service_call("bookings", "GET", f"/orders/{invoiced['id']}", BURSAR).json()["status"] == "INVOICED"
    assert left(service_call, s["id"])[1] == 3
    history = service_call("bookings", "GET", f"/history/order/{held['id']}", ADMIN).json()["items"]
    assert [e["summary"] for e in history] == [f"The hold on Order {held['id']} lapsed", f"Order {held['id']} started"]
    assert history[0]["actor_name"] == "System"
    # a lapsed order cannot be cancelled (its places are gone already)
    assert service_call("bookings", "POST", f"/orders/{held['id']}/cancel", BURSAR, json={}).status_code == 409


def test_the_booker_cancels_places_before_the_deadline(on_sale, order, service_call):
    s = on_sale()
    o = order([(s["id"], 3)], method="INVOICE").json()
    first, *rest = [a["id"] for a in o["lines"][0]["attendees"]]
    part = service_call("bookings", "POST", f"/orders/{o['id']}/cancel", BURSAR, json={"attendee_ids": [first]})
    assert part.status_code == 200, part.text
    assert (part.json()["status"], part.json()["total_pence"], part.json()["invoiced_pence"]) == (
        "INVOICED", 2 * PRICE, 3 * PRICE)
    assert part.json()["lines"][0]["quantity"] == 2 and left(service_call, s["id"])[1] == 2
    again = service_call("bookings", "POST", f"/orders/{o['id']}/cancel", BURSAR, json={"attendee_ids": [first]})
    assert again.status_code == 422 and "still hold a place" in fields(again)["attendee_ids"]
    whole = service_call("bookings", "POST", f"/orders/{o['id']}/cancel", BURSAR, json={})
    assert whole.json()["status"] == "CANCELLED" and whole.json()["total_pence"] == 0
    assert left(service_call, s["id"])[1] == 4
    assert service_call("bookings", "POST", f"/orders/{o['id']}/cancel", BURSAR, json={}).status_code == 409
    summaries = [e["summary"] for e in service_call("bookings", "GET", f"/history/order/{o['id']}").json()["items"]]
    # an invoiced order's cancelled places are credited, each time (services/bookings/invoices)
    credited = f"Credit note issued on Order {o['id']}"
    assert summaries == [credited, f"Order {o['id']} cancelled", credited, f"Places cancelled on Order {o['id']}",
                         f"Order {o['id']} started"]


def test_after_the_deadline_only_an_admin_cancels_and_says_why(on_sale, order, service_call):
    s = on_sale(cancellation_deadline=(datetime.now(timezone.utc) + timedelta(days=1)).isoformat())
    o = order([(s["id"], 2)], method="INVOICE").json()
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(days=2)):
        late = service_call("bookings", "POST", f"/orders/{o['id']}/cancel", BURSAR, json={})
        assert late.status_code == 409 and "deadline has passed" in late.json()["message"]
        no_reason = service_call("bookings", "POST", f"/orders/{o['id']}/cancel", ADMIN, json={})
        assert no_reason.status_code == 422 and "Say why" in fields(no_reason)["reason"]
        assert left(service_call, s["id"])[1] == 2
        done = service_call("bookings", "POST", f"/orders/{o['id']}/cancel", ADMIN,
                            json={"reason": "Snow closed the school"})
        assert done.status_code == 200, done.text
        assert (done.json()["status"], done.json()["cancel_reason"]) == ("CANCELLED", "Snow closed the school")
    assert left(service_call, s["id"])[1] == 4


def test_an_attendee_is_substituted_until_the_session_starts(on_sale, order, service_call):
    s = on_sale()
    o = order([(s["id"], 2)]).json()
    ann = o["lines"][0]["attendees"][0]["id"]
    path = f"/orders/{o['id']}/attendees/{ann}"
    swapped = service_call("bookings", "PUT", path, BURSAR, json={"name": "Ben Baker", "email": "ben@school.test"})
    assert swapped.status_code == 200, swapped.text
    attendee = swapped.json()["lines"][0]["attendees"][0]
    assert {k: attendee[k] for k in ("id", "name", "email", "cancelled_at")} == {
        "id": ann, "name": "Ben Baker", "email": "ben@school.test", "cancelled_at": None}
    assert attendee["booking"]["attendee_name"] == "Ben Baker"  # the place on the register follows
    assert left(service_call, s["id"])[1] == 2  # the same place
    bad = service_call("bookings", "PUT", path, BURSAR, json={"name": "", "email": "nope"})
    assert bad.status_code == 422 and set(fields(bad)) == {"name", "email"}
    history = service_call("bookings", "GET", f"/history/order/{o['id']}").json()["items"][0]
    assert {c["field"]: [c["before"], c["after"]] for c in history["changes"]} == {
        "attendee_name": ["Attendee 0", "Ben Baker"], "attendee_email": ["a0@school.test", "ben@school.test"]}
    with time_machine.travel(SOON + timedelta(minutes=5)):
        late = service_call("bookings", "PUT", path, BURSAR, json={"name": "Cy", "email": "cy@school.test"})
        assert late.status_code == 409 and "has started" in late.json()["message"]
    assert service_call("bookings", "PUT", f"/orders/{o['id']}/attendees/999999", BURSAR,
                        json={"name": "Cy", "email": "cy@school.test"}).status_code == 404


def test_an_admin_records_an_invoices_payment(on_sale, order, service_call):
    s = on_sale()
    invoiced = order([(s["id"], 1)], method="INVOICE", purchase_order_number="PO-9").json()
    card = order([(s["id"], 1)]).json()
    payment = {"paid_on": date.today().isoformat(), "reference": "BACS 4471"}
    assert service_call("bookings", "POST", f"/orders/{invoiced['id']}/payments", BURSAR,
                        json=payment).status_code == 403
    future = service_call("bookings", "POST", f"/orders/{invoiced['id']}/payments",
                          json={**payment, "paid_on": (date.today() + timedelta(days=3)).isoformat()})
    assert future.status_code == 422 and "future" in fields(future)["paid_on"]
    paid = service_call("bookings", "POST", f"/orders/{invoiced['id']}/payments", json=payment)
    assert paid.status_code == 200, paid.text
    assert (paid.json()["status"], paid.json()["paid_on"], paid.json()["payment_reference"]) == (
        "PAID", payment["paid_on"], "BACS 4471")
    assert service_call("bookings", "POST", f"/orders/{invoiced['id']}/payments", json=payment).status_code == 409
    assert service_call("bookings", "POST", f"/orders/{card['id']}/payments", json=payment).status_code == 409
    entry = service_call("bookings", "GET", f"/history/order/{invoiced['id']}").json()["items"][0]
    assert entry["summary"] == f"Payment recorded for Order {invoiced['id']}" and entry["actor_name"] == "Test admin"


def test_a_card_order_waiting_for_its_payment_is_cancelled_whole_or_not_at_all(on_sale, order, service_call):
    s = on_sale()
    o = order([(s["id"], 2)]).json()
    one = o["lines"][0]["attendees"][0]["id"]
    refused = service_call("bookings", "POST", f"/orders/{o['id']}/cancel", BURSAR, json={"attendee_ids": [one]})
    # its PaymentIntent asks for both places: one fewer would be paid at the old price
    assert refused.status_code == 409 and "can only be cancelled whole" in refused.json()["message"]
    again = service_call("bookings", "GET", f"/orders/{o['id']}", BURSAR).json()
    assert (again["status"], again["total_pence"], left(service_call, s["id"])[1]) == ("AWAITING_PAYMENT", 2 * PRICE, 2)
    whole = service_call("bookings", "POST", f"/orders/{o['id']}/cancel", BURSAR, json={})
    assert whole.status_code == 200 and whole.json()["status"] == "CANCELLED"
    assert left(service_call, s["id"])[1] == 4


def test_an_invoiced_place_cancelled_after_the_deadline_is_credited_only_if_an_admin_says_so(
        on_sale, order, service_call):
    s = on_sale(cancellation_deadline=(SOON - timedelta(days=20)).isoformat())
    o = order([(s["id"], 2)], method="INVOICE").json()
    one = o["lines"][0]["attendees"][0]["id"]
    late = service_call("bookings", "POST", f"/orders/{o['id']}/cancel", ADMIN,
                        json={"attendee_ids": [one], "reason": "Ill on the day"})
    assert late.status_code == 200, late.text
    assert late.json()["credit_notes"] == []  # the place is owed for, as a card payment is kept
    credit = service_call("bookings", "POST", f"/orders/{o['id']}/credit-notes",
                          json={"amount_pence": PRICE // 2, "reason": "Half back, as a goodwill gesture"})
    assert credit.status_code == 201, credit.text
