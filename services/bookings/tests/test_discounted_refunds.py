"""Cancelling places on an order a voucher discounted gives back what was paid for those
places — their price less their part of the discount, a percentage and a fixed sum
alike — as a card refund or a credit note; the cancellations of every place add up to
exactly what was paid, however they fall, and never to more."""
from __future__ import annotations

import pytest

from services.bookings.tests import test_card_payments, test_invoices, test_orders, test_vouchers
from services.bookings.tests.test_card_payments import (
    deliver,
    event_for,
    get,
    intent_of,
    pay_in_browser,
    refunded_at_stripe,
)
from services.bookings.tests.test_invoices import pdf
from services.bookings.tests.test_orders import BURSAR
from services.bookings.vouchers.service import discount_left, share_out
from tests.support.fixtures import ADMIN

# the fixtures of the orders, vouchers, card payments and invoices tests
on_sale, order, _stripe = test_orders.on_sale, test_orders.order, test_orders._stripe
voucher, made, stripe = test_vouchers.voucher, test_vouchers.made, test_card_payments.stripe
organisation = test_invoices.organisation

# (voucher, price of a place, the discount on three places, what each cancellation of
# one place gives back, in turn): the three add up to what was paid for the three.
PERCENT = ({"code": "TENTH", "percent_off": 15}, 3333, 1500, [2833, 2833, 2833])
FIXED = ({"code": "FIFTY", "percent_off": None, "amount_off_pence": 5000}, 9500, 5000, [7834, 7833, 7833])


@pytest.fixture
def discounted(voucher, on_sale, order):
    """An order for three places on a new session, with the case's voucher."""
    def _order(case, method="CARD") -> dict:
        code, price, discount, _ = case
        made(voucher(**code))
        answer = order([(on_sale(price=price)["id"], 3)], method=method, voucher_code=code["code"])
        assert answer.status_code == 201, answer.text
        o = answer.json()
        assert (o["discount_pence"], o["total_pence"]) == (discount, 3 * price - discount)
        return o
    return _order


def cancel(service_call, o: dict, attendee_ids: list | None = None, who=BURSAR) -> dict:
    body = {} if attendee_ids is None else {"attendee_ids": attendee_ids}
    answer = service_call("bookings", "POST", f"/orders/{o['id']}/cancel", who, json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()


def attendee_ids(o: dict) -> list[int]:
    return [a["id"] for line in o["lines"] for a in line["attendees"]]


@pytest.mark.parametrize("case", [PERCENT, FIXED], ids=["percent", "fixed"])
def test_a_card_refund_for_cancelled_places_is_what_was_paid_for_them(case, discounted, stripe, service_call):
    o = discounted(case)
    pay_in_browser(stripe, intent_of(o["id"]))
    deliver(service_call, event_for(stripe, o["id"], "payment_intent.succeeded"))
    paid = get(service_call, o["id"])["paid_pence"]
    first, second, _ = attendee_ids(o)
    after_one = cancel(service_call, o, [first])
    after_two = cancel(service_call, o, [second])
    whole = cancel(service_call, o)  # the last place: the whole order
    back = case[3]
    assert [r["amount_pence"] for r in whole["refunds"]] == back
    assert [after_one["total_pence"], after_two["total_pence"], whole["total_pence"]] == [
        paid - back[0], paid - back[0] - back[1], 0]
    assert (after_one["status"], after_two["status"], whole["status"]) == (
        "PARTIALLY_REFUNDED", "PARTIALLY_REFUNDED", "REFUNDED")
    assert whole["refunded_pence"] == paid == sum(back)
    assert refunded_at_stripe(stripe, intent_of(o["id"])) == paid


@pytest.mark.parametrize("case", [PERCENT, FIXED], ids=["percent", "fixed"])
def test_a_credit_note_for_cancelled_places_is_what_was_invoiced_for_them(case, discounted, service_call,
                                                                          organisation):
    o = discounted(case, method="INVOICE")
    invoice = pdf(service_call, f"/orders/{o['id']}/invoice.pdf")
    first, second, third = attendee_ids(o)
    cancel(service_call, o, [first])
    cancel(service_call, o, [second, third])  # two at once: the same as one by one
    after = get(service_call, o["id"])
    notes = [n["amount_pence"] for n in after["credit_notes"]]
    back = case[3]
    assert notes == [back[0], back[1] + back[2]]
    assert sum(notes) == after["invoiced_pence"] == o["total_pence"]
    assert (after["status"], after["total_pence"], after["discount_pence"]) == ("CANCELLED", 0, 0)
    # the invoice is the document as issued: its discount line says what was taken
    # off when it was, not what is left of it on the places still held
    assert pdf(service_call, f"/orders/{o['id']}/invoice.pdf") == invoice


def test_a_place_the_voucher_did_not_apply_to_gives_back_its_full_price(voucher, on_sale, order, service_call,
                                                                        stripe):
    phonics, maths = on_sale(price=3333), on_sale(title="Maths for schools", price=9500)
    made(voucher(code="PHONICS", percent_off=15, course_ids=[phonics["course_id"]]))
    o = order([(phonics["id"], 2), (maths["id"], 1)], voucher_code="phonics").json()
    assert o["discount_pence"] == 1000  # 15% of 2 × £33.33, rounded for the buyer
    pay_in_browser(stripe, intent_of(o["id"]))
    deliver(service_call, event_for(stripe, o["id"], "payment_intent.succeeded"))
    line = {ln["session_id"]: [a["id"] for a in ln["attendees"]] for ln in o["lines"]}
    assert cancel(service_call, o, line[maths["id"]])["refunds"][-1]["amount_pence"] == 9500
    assert cancel(service_call, o, line[phonics["id"]][:1])["refunds"][-1]["amount_pence"] == 3333 - 500
    whole = cancel(service_call, o)
    assert [r["amount_pence"] for r in whole["refunds"]] == [9500, 2833, 2833]
    assert whole["refunded_pence"] == whole["paid_pence"] == 2 * 3333 + 9500 - 1000


def test_after_a_goodwill_refund_cancellations_give_back_only_what_is_left(discounted, stripe, service_call):
    o = discounted(FIXED)
    pay_in_browser(stripe, intent_of(o["id"]))
    deliver(service_call, event_for(stripe, o["id"], "payment_intent.succeeded"))
    goodwill = service_call("bookings", "POST", f"/orders/{o['id']}/refunds", ADMIN,
                            json={"amount_pence": 20_000, "reason": "The venue changed at short notice"})
    assert goodwill.status_code == 200, goodwill.text
    first, *_ = attendee_ids(o)
    one = cancel(service_call, o, [first])
    # 7834 was paid for the place, but only 3500 was left to give back
    assert [r["amount_pence"] for r in one["refunds"]] == [20_000, 3500]
    assert one["refunded_pence"] == one["paid_pence"] == 23_500 and one["status"] == "REFUNDED"


@pytest.mark.parametrize("total,weights,parts", [
    (5000, [28500], [5000]), (100, [1, 1, 1], [34, 33, 33]), (1000, [6666, 9500], [412, 588]),
    (7, [0, 0], [0, 0]), (0, [10, 20], [0, 0]), (3, [2, 1, 1], [1, 1, 1])])
def test_a_discount_is_shared_out_in_whole_pence_adding_up_to_it(total, weights, parts):
    assert share_out(total, weights) == parts
    assert sum(parts) in (total, 0)


def test_what_is_left_of_a_share_falls_with_the_places_to_nothing():
    assert [discount_left(5000, n, 3) for n in (3, 2, 1, 0)] == [5000, 3334, 1667, 0]
    assert discount_left(0, 2, 3) == 0 and discount_left(10, 1, 0) == 0
