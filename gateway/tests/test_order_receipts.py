"""A card order's receipt through the gateway: once Stripe's signed webhook has made the
order PAID, `Order.receiptUrl` points at it and the order's page links it; the PDF
downloads for the order's own booker and for an admin, and another school's booker
and trust staff get a plain 404 — nothing of it leaks."""
from __future__ import annotations

import io
import json
import time
import uuid

from pypdf import PdfReader

from gateway.tests import test_graphql_orders
from gateway.tests.test_graphql_orders import PRICE, order_input, start
from gateway.tests.test_stripe_webhook import secret_of, signed
from services.bookings.payments.stripe_api import StripePayments
from shared.settings import get_settings
from tests.support.fixtures import gql, sign_in

world = test_graphql_orders.world  # the same people, organisations and dates as the orders' API tests
RECEIPT = "query($id: ID!) { order(id: $id) { status receiptUrl paymentReference } }"


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def pay_by_card(client, stripe_api, order: dict) -> str:
    """What the card page and Stripe do: the card confirms the intent at localstripe,
    then Stripe's signed payment_intent.succeeded reaches the gateway's webhook."""
    payments = StripePayments(get_settings().model_copy(update={"stripe_api_base": stripe_api}))
    intent_id = order["paymentClientSecret"].split("_secret_")[0]
    payments.client.v1.payment_intents.update(intent_id, params={"payment_method": "pm_card_visa"})
    payments.client.v1.payment_intents.confirm(intent_id)
    body = json.dumps({
        "id": f"evt_{uuid.uuid4().hex}", "object": "event", "type": "payment_intent.succeeded",
        "created": int(time.time()), "livemode": False,
        "data": {"object": {"id": intent_id, "object": "payment_intent", "amount": PRICE, "amount_received": PRICE,
                            "currency": "gbp", "status": "succeeded", "metadata": {"order_id": order["id"]}}},
    }).encode()
    answer = client.post("/stripe/webhook", data=body, headers=signed(body, secret_of(client)))
    assert answer.status_code == 200, answer.data
    return intent_id


def test_the_receipt_downloads_for_the_booker_and_an_admin_and_for_no_one_else(client, anon_client, world,
                                                                               stripe_api):
    sign_in(client, "bursar@eastfield.test")
    o = start(client, order_input(world["session"], 1, paymentMethod="CARD", purchaseOrderNumber=None))["order"]
    assert o["receiptUrl"] is None  # nothing paid yet
    assert client.get(f"/orders/{o['id']}/receipt.pdf").status_code == 404
    intent_id = pay_by_card(client, stripe_api, o)
    now = gql(client, RECEIPT, {"id": o["id"]})["data"]["order"]
    assert (now["status"], now["paymentReference"]) == ("PAID", intent_id)
    assert now["receiptUrl"].endswith(f"/orders/{o['id']}/receipt.pdf")
    assert b"Download the receipt (PDF)" in client.get(f"/orders/{o['id']}").data

    mine = client.get(f"/orders/{o['id']}/receipt.pdf")
    assert mine.status_code == 200 and mine.mimetype == "application/pdf"
    assert mine.headers["Cache-Control"] == "private, no-store"
    text = text_of(mine.data)
    for said in (f"Receipt for order {o['id']}", "Phonics for schools", "Total paid £125.00",
                 f"Card payment: {intent_id}"):
        assert said in text, (said, text)
    admin = world["admin"].get(f"/orders/{o['id']}/receipt.pdf")
    assert admin.status_code == 200 and f"Card payment: {intent_id}" in text_of(admin.data)

    for other in ("bursar@westfield.test", "teacher@a.test"):
        sign_in(client, other)
        refused = client.get(f"/orders/{o['id']}/receipt.pdf")
        assert refused.status_code == 404, other
        assert intent_id.encode() not in refused.data and b"%PDF" not in refused.data
        assert gql(client, RECEIPT, {"id": o["id"]})["data"]["order"] is None
    assert "/sign-in" in anon_client.get(f"/orders/{o['id']}/receipt.pdf").location


def test_an_invoiced_order_has_no_receipt_but_its_invoice(client, world):
    sign_in(client, "bursar@westfield.test")
    o = start(client, order_input(world["session"], 1))["order"]
    assert (o["status"], o["receiptUrl"]) == ("INVOICED", None) and o["invoiceUrl"]
    assert client.get(f"/orders/{o['id']}/receipt.pdf").status_code == 404
    assert client.get(f"/orders/{o['id']}/invoice.pdf").status_code == 200
