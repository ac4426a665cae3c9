"""Where an invoiced order stands after a credit note, said as a card order would say it:
unpaid and reduced, still INVOICED (something is left to pay); unpaid and every place
cancelled, CANCELLED; unpaid with nothing left to pay on places still held, PAID; once
its payment is recorded, a credit note is money owed back — PARTIALLY_REFUNDED, then
REFUNDED when all of it is credited.  Each move is in the credit note's audit entry."""
from __future__ import annotations

from datetime import date

import pytest

from services.bookings.invoices.service import status_after_credit
from services.bookings.orders.models import Order
from services.bookings.tests import test_invoices, test_orders
from services.bookings.tests.test_orders import BURSAR, PRICE, fields, left
from shared.vocabulary import OrderStatus, PaymentMethod

on_sale, order, _stripe = test_orders.on_sale, test_orders.order, test_orders._stripe
organisation = test_invoices.organisation


def get(service_call, o: dict) -> dict:
    return service_call("bookings", "GET", f"/orders/{o['id']}", BURSAR).json()


def cancel(service_call, o: dict, *attendees) -> dict:
    body = {"attendee_ids": list(attendees)} if attendees else {}
    answer = service_call("bookings", "POST", f"/orders/{o['id']}/cancel", BURSAR, json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()


def reduce(service_call, o: dict, amount: int, reason: str = "Agreed with the school"):
    return service_call("bookings", "POST", f"/orders/{o['id']}/credit-notes",
                        json={"amount_pence": amount, "reason": reason})


def record_payment(service_call, o: dict):
    return service_call("bookings", "POST", f"/orders/{o['id']}/payments",
                        json={"paid_on": date.today().isoformat(), "reference": "BACS 4471"})


def credit_entries(service_call, o: dict) -> list[dict]:
    """The status moves the order's credit notes made, oldest first."""
    items = service_call("bookings", "GET", f"/history/order/{o['id']}").json()["items"]
    return [{c["field"]: [c["before"], c["after"]] for c in e["changes"]}.get("status")
            for e in reversed(items) if e["action"] == "order.credit_note_issued"]


def ids(o: dict) -> list[int]:
    return [a["id"] for a in o["lines"][0]["attendees"]]


def test_an_unpaid_invoice_reduced_stays_invoiced_until_every_place_is_cancelled(on_sale, order, service_call,
                                                                                 organisation):
    o = order([(on_sale()["id"], 3)], method="INVOICE").json()
    first, *rest = ids(o)
    assert cancel(service_call, o, first)["status"] == "INVOICED"
    assert reduce(service_call, o, 1000).status_code == 201
    assert get(service_call, o)["status"] == "INVOICED"  # £180.00 still to pay
    whole = cancel(service_call, o)
    assert (whole["status"], whole["paid_on"]) == ("CANCELLED", None)
    assert [n["amount_pence"] for n in whole["credit_notes"]] == [PRICE, 1000, 2 * PRICE - 1000]
    assert credit_entries(service_call, o) == [None, None, None]  # the cancellation itself said CANCELLED


def test_a_paid_invoice_credited_is_partially_then_wholly_refunded(on_sale, order, service_call, organisation):
    s = on_sale()
    o = order([(s["id"], 3)], method="INVOICE").json()
    assert record_payment(service_call, o).json()["status"] == "PAID"
    first, *rest = ids(o)
    assert cancel(service_call, o, first)["status"] == "PARTIALLY_REFUNDED"
    assert reduce(service_call, o, 1000).status_code == 201
    assert get(service_call, o)["status"] == "PARTIALLY_REFUNDED"
    # a partly refunded order still holds its places: they can be cancelled, and are credited
    whole = cancel(service_call, o)
    assert whole["status"] == "REFUNDED" and left(service_call, s["id"])[1] == 4
    assert sum(n["amount_pence"] for n in whole["credit_notes"]) == whole["invoiced_pence"] == 3 * PRICE
    assert credit_entries(service_call, o) == [["PAID", "PARTIALLY_REFUNDED"], None,
                                               ["CANCELLED", "REFUNDED"]]
    # no payment is recorded twice, and nothing is left to credit
    again = record_payment(service_call, o)
    assert again.status_code == 409 and "this one is refunded" in again.json()["message"]
    refused = reduce(service_call, o, 1)
    assert refused.status_code == 409 and "only an invoiced or paid order" in refused.json()["message"]


def test_a_paid_invoice_credited_in_full_keeping_its_places_is_refunded(on_sale, order, service_call,
                                                                        organisation):
    s = on_sale()
    o = order([(s["id"], 2)], method="INVOICE").json()
    record_payment(service_call, o)
    assert reduce(service_call, o, 2 * PRICE, "The trainer was ill; the school keeps its places").status_code == 201
    assert get(service_call, o)["status"] == "REFUNDED"
    assert left(service_call, s["id"])[1] == 2
    assert credit_entries(service_call, o) == [["PAID", "REFUNDED"]]


def test_an_unpaid_invoice_credited_in_full_has_nothing_left_to_pay(on_sale, order, service_call, organisation):
    s = on_sale()
    o = order([(s["id"], 2)], method="INVOICE").json()
    assert reduce(service_call, o, PRICE).status_code == 201
    assert get(service_call, o)["status"] == "INVOICED"
    assert reduce(service_call, o, PRICE, "Goodwill: the course moved").status_code == 201
    now = get(service_call, o)
    # nothing to pay and the places kept: PAID, with no payment date (none arrived)
    assert (now["status"], now["paid_on"], now["payment_reference"]) == ("PAID", None, None)
    assert credit_entries(service_call, o) == [None, ["INVOICED", "PAID"]]
    refused = record_payment(service_call, o)
    assert refused.status_code == 409 and "awaiting payment" in refused.json()["message"]
    more = reduce(service_call, o, 1)
    assert more.status_code == 422 and "at most £0.00" in fields(more)["amount_pence"]
    # its places can still be cancelled (nothing more to credit): CANCELLED
    assert cancel(service_call, o)["status"] == "CANCELLED" and left(service_call, s["id"])[1] == 4


@pytest.mark.parametrize("status,paid,left_pence,after", [
    ("INVOICED", False, 100, "INVOICED"), ("INVOICED", False, 0, "PAID"), ("CANCELLED", False, 0, "CANCELLED"),
    ("PAID", True, 100, "PARTIALLY_REFUNDED"), ("PARTIALLY_REFUNDED", True, 100, "PARTIALLY_REFUNDED"),
    ("PAID", True, 0, "REFUNDED"), ("CANCELLED", True, 0, "REFUNDED"), ("PARTIALLY_REFUNDED", True, 0, "REFUNDED")])
def test_the_status_after_a_credit_note(status, paid, left_pence, after):
    o = Order(organisation_id=1, status=OrderStatus(status), payment_method=PaymentMethod.INVOICE, created_by_id=1,
              created_by_name="B", paid_on=date.today() if paid else None)
    assert status_after_credit(o, left_pence) == OrderStatus(after)
