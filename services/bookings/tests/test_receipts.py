"""A card order's receipt, as a school's finance office meets it: a PDF from the
invoices' template saying what was paid, when, the card payment's reference, the places
and discount as bought and every refund since; emailed with the PDF attached when
Stripe's word makes the order PAID (once, however often Stripe says it); and only for
the order's own bookers and admins."""
from __future__ import annotations

from datetime import date

import pytest

from services.bookings import scheduler
from services.bookings.tests import test_card_payments, test_invoices, test_orders, test_vouchers
from services.bookings.tests.test_card_payments import deliver, event_for, get, intent_of, pay_in_browser
from services.bookings.tests.test_invoices import BILLING, attached_pdf, london_day, pdf
from services.bookings.tests.test_orders import BURSAR, PRICE, STRANGER, TEACHER
from tests.support.fixtures import ADMIN

# the fixtures of the orders, vouchers, card payments and invoices tests
on_sale, order, _stripe = test_orders.on_sale, test_orders.order, test_orders._stripe
voucher, made, stripe = test_vouchers.voucher, test_vouchers.made, test_card_payments.stripe
organisation, smtp = test_invoices.organisation, test_invoices.smtp


@pytest.fixture
def paid_order(stripe, order, service_call):
    """A card order, paid at Stripe and confirmed by its event, as the webhook brings it."""
    def _paid(lines, **extra) -> dict:
        answer = order(lines, **extra)
        assert answer.status_code == 201, answer.text
        o = answer.json()
        pay_in_browser(stripe, intent_of(o["id"]))
        deliver(service_call, event_for(stripe, o["id"], "payment_intent.succeeded"))
        return get(service_call, o["id"])
    return _paid


def receipt(service_call, o: dict, who=BURSAR):
    return service_call("bookings", "GET", f"/orders/{o['id']}/receipt.pdf", who)


def test_the_receipt_says_what_was_paid_when_how_and_what_came_back(on_sale, voucher, paid_order, service_call,
                                                                    organisation):
    made(voucher(code="TENTH", percent_off=10))
    s = on_sale()
    o = paid_order([(s["id"], 2)], voucher_code="tenth", purchase_order_number="PO-88")
    assert (o["status"], o["paid_pence"]) == ("PAID", 2 * PRICE - 1900)
    intent = intent_of(o["id"])
    text = pdf(service_call, f"/orders/{o['id']}/receipt.pdf")
    today = london_day(date.today())
    for said in (f"Receipt for order {o['id']}", f"Date: {today}", f"Paid: {today} at ", f"Card payment: {intent}",
                 "Purchase order: PO-88", "Harbour Primary School", "12 Quay Street", BILLING,
                 "Phonics for schools", london_day(date.fromisoformat(s["starts_at"][:10])), "£95.00", "£190.00",
                 "Discount -£19.00", "Total paid £171.00", f"card payment reference {intent}",
                 "Lighthouse Learning", "VAT: Exempt"):
        assert said in text, (said, text)
    assert "Refund" not in text
    # the admins see it too
    assert f"Card payment: {intent}" in pdf(service_call, f"/orders/{o['id']}/receipt.pdf", ADMIN)
    # a place cancelled in time: its refund, and what is left paid, below the total
    cancel = service_call("bookings", "POST", f"/orders/{o['id']}/cancel", BURSAR,
                          json={"attendee_ids": [o["lines"][0]["attendees"][0]["id"]]})
    assert cancel.status_code == 200, cancel.text
    text = pdf(service_call, f"/orders/{o['id']}/receipt.pdf")
    for said in ("Total paid £171.00", f"Refund on {today}: Places cancelled before the session's cancellation "
                 "deadline. -£85.50", "Paid, less refunds £85.50", "5 to 10 working days",
                 "Phonics for schools", "£190.00", "Discount -£19.00"):  # the places as bought, still
        assert said in text, (said, text)


def test_only_the_orders_own_bookers_and_admins_get_its_receipt(on_sale, order, paid_order, service_call):
    s = on_sale()
    o = paid_order([(s["id"], 1)])
    assert receipt(service_call, o).status_code == 200
    assert receipt(service_call, o, ADMIN).status_code == 200
    assert receipt(service_call, o, STRANGER).status_code == 404  # another school's: nothing, not even that
    assert receipt(service_call, o, TEACHER).status_code == 403  # trust staff never pay (the gateway says 404)
    assert receipt(service_call, {"id": 999999}).status_code == 404
    # nothing paid yet, or bought on account: no receipt, and a sentence saying why
    unpaid = order([(s["id"], 1)]).json()
    refused = receipt(service_call, unpaid)
    assert refused.status_code == 404 and "Nothing has been paid" in refused.json()["message"]
    invoiced = order([(s["id"], 1)], method="INVOICE").json()
    refused = receipt(service_call, invoiced)
    assert refused.status_code == 404 and "invoice and credit notes" in refused.json()["message"]


def test_the_receipt_is_emailed_with_the_pdf_when_stripe_says_paid_and_only_once(on_sale, order, stripe,
                                                                                 service_call, organisation, smtp):
    o = order([(on_sale()["id"], 2)]).json()
    assert scheduler.deliver_messages() == 0  # started, not paid: nothing to say yet
    pay_in_browser(stripe, intent_of(o["id"]))
    assert scheduler.deliver_messages() == 0  # the browser coming back is not a payment
    event = event_for(stripe, o["id"], "payment_intent.succeeded")
    deliver(service_call, event)
    deliver(service_call, event)  # Stripe's retry
    deliver(service_call, event_for(stripe, o["id"], "payment_intent.succeeded"))  # and another event of it
    assert get(service_call, o["id"])["status"] == "PAID"
    # the receipt to the booker and the finance office; each attendee's invitation to them
    assert scheduler.deliver_messages() == 4
    receipts = [m for m in smtp.messages if m["To"] in (BURSAR.email, BILLING)]
    assert sorted(m["To"] for m in receipts) == sorted([BURSAR.email, BILLING])
    intent = intent_of(o["id"])
    for message in receipts:
        assert message["Subject"] == f"Receipt for order {o['id']}: £190.00 paid by card"
        plain = message.get_body(("plain",)).get_content()
        assert f"We received your card payment of £190.00 for order {o['id']} on" in plain
        assert f"Card payment reference: {intent}" in plain and f"/orders/{o['id']}" in plain
        name, text = attached_pdf(message)
        assert name == f"receipt-order-{o['id']}.pdf"
        assert "Total paid £190.00" in text and f"Card payment: {intent}" in text
    assert scheduler.deliver_messages() == 0


def test_an_order_a_voucher_made_free_gets_a_receipt_that_says_nothing_was_charged(on_sale, voucher, order,
                                                                                   service_call, organisation,
                                                                                   smtp):
    made(voucher(code="FREE", percent_off=100))
    o = order([(on_sale()["id"], 1)], voucher_code="free").json()
    assert get(service_call, o["id"])["status"] == "PAID"
    text = pdf(service_call, f"/orders/{o['id']}/receipt.pdf")
    assert "Discount -£95.00" in text and "Total paid £0.00" in text and "nothing was charged" in text
    assert "Card payment:" not in text
    assert scheduler.deliver_messages() == 3  # the booker's and the finance office's receipts, the invitation
    message = next(m for m in smtp.messages if m["To"] == BURSAR.email)
    assert message["Subject"] == f"Receipt for order {o['id']}: £0.00 paid by card"
    assert "so nothing was charged" in message.get_body(("plain",)).get_content()
    assert attached_pdf(message)[0] == f"receipt-order-{o['id']}.pdf"
