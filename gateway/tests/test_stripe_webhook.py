"""POST /stripe/webhook: a real signed event from localstripe arrives and is recorded
once; a forged signature, a changed body or an old timestamp is refused with a 400 and
changes nothing; the same event twice is recorded once."""
from __future__ import annotations

import hashlib
import hmac
import json
import time

import sqlalchemy as sa

from services.bookings.db import database
from services.bookings.payments.models import StripeEvent
from services.bookings.payments.stripe_api import StripePayments
from shared.settings import get_settings


def recorded() -> list[tuple]:
    with database().session() as db:
        return db.execute(sa.select(StripeEvent.event_id, StripeEvent.type, StripeEvent.order_id)
                          .order_by(StripeEvent.id)).all()


def signed(payload: bytes, secret: str, at: int | None = None) -> dict:
    """The Stripe-Signature header as Stripe makes it: HMAC-SHA256 of "<t>.<body>"."""
    at = int(time.time()) if at is None else at
    digest = hmac.new(secret.encode(), f"{at}.".encode() + payload, hashlib.sha256).hexdigest()
    return {"Stripe-Signature": f"t={at},v1={digest}", "Content-Type": "application/json"}


def event_body(event_id: str = "evt_test_1", order_id: int = 42) -> bytes:
    return json.dumps({
        "id": event_id, "object": "event", "type": "payment_intent.succeeded", "created": int(time.time()),
        "livemode": False, "data": {"object": {"id": "pi_test", "object": "payment_intent", "amount": 1500,
                                                 "currency": "gbp", "metadata": {"order_id": str(order_id)}}},
    }).encode()


def secret_of(client) -> str:
    return client.application.extensions["lighthouse_settings"].stripe_webhook_secret


def test_a_payment_at_localstripe_arrives_signed_and_is_recorded_once(stripe_api, stripe_webhook):
    payments = StripePayments(get_settings().model_copy(update={"stripe_api_base": stripe_api}))
    intent = payments.create_payment_intent(order_id=314, amount_pence=4_500)
    # the card page's part (Stripe.js): the card on the intent, then confirmed
    payments.client.v1.payment_intents.update(intent.id, params={"payment_method": "pm_card_visa"})
    payments.client.v1.payment_intents.confirm(intent.id)

    # Only this intent's events count: localstripe may still be sending an earlier
    # test's, a second late, to whatever webhook is registered now.
    def ours() -> list:
        return [(t, order) for _, t, order in recorded() if order == 314]

    deadline = time.monotonic() + 15  # localstripe sends its events about a second later
    while not ours() and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(0.5)  # and nothing more comes after the first
    assert ours() == [("payment_intent.succeeded", 314)]
    with database().session() as db:
        row = db.execute(sa.select(StripeEvent).where(StripeEvent.payment_intent_id == intent.id)).scalar_one()
        # the payments' handler ran, once (there is no order 314, so it changed nothing)
        assert (row.payment_intent_id, row.outcome, row.payload["amount"]) == (intent.id, "applied", 4_500)


def test_the_same_event_delivered_twice_is_recorded_once(client):
    body = event_body("evt_twice")
    first = client.post("/stripe/webhook", data=body, headers=signed(body, secret_of(client)))
    again = client.post("/stripe/webhook", data=body, headers=signed(body, secret_of(client)))
    assert (first.status_code, first.get_json()) == (200, {"received": True, "recorded": True})
    assert (again.status_code, again.get_json()) == (200, {"received": True, "recorded": False})
    assert recorded() == [("evt_twice", "payment_intent.succeeded", 42)]


def test_a_forged_signature_is_refused_and_changes_nothing(client):
    body = event_body("evt_forged")
    answer = client.post("/stripe/webhook", data=body, headers=signed(body, "whsec_someone_else"))
    assert answer.status_code == 400
    assert answer.get_json() == {"message": "The signature is missing, wrong or more than 5 minutes old."}
    assert recorded() == []


def test_a_body_changed_after_signing_is_refused(client):
    body = event_body("evt_changed", order_id=42)
    headers = signed(body, secret_of(client))
    answer = client.post("/stripe/webhook", data=event_body("evt_changed", order_id=43), headers=headers)
    assert answer.status_code == 400
    assert recorded() == []


def test_an_old_timestamp_is_refused_even_when_correctly_signed(client):
    body = event_body("evt_replayed")
    stale = client.post("/stripe/webhook", data=body, headers=signed(body, secret_of(client), int(time.time()) - 301))
    assert stale.status_code == 400
    assert recorded() == []
    # within the five minutes it is taken
    fresh = client.post("/stripe/webhook", data=body, headers=signed(body, secret_of(client), int(time.time()) - 200))
    assert fresh.status_code == 200


def test_no_signature_or_no_event_is_refused(client):
    body = event_body("evt_unsigned")
    assert client.post("/stripe/webhook", data=body, headers={"Content-Type": "application/json"}).status_code == 400
    junk = b"not json"
    assert client.post("/stripe/webhook", data=junk, headers=signed(junk, secret_of(client))).status_code == 400
    assert recorded() == []


def test_a_signed_event_bookings_cannot_take_is_acknowledged_and_not_recorded(client):
    """Stripe would retry it for days and be refused each time: logged for us instead."""
    body = json.dumps({"id": "evt_odd", "type": "payment_intent.succeeded", "created": int(time.time()),
                       "data": "not an object"}).encode()
    answer = client.post("/stripe/webhook", data=body, headers=signed(body, secret_of(client)))
    assert (answer.status_code, answer.get_json()["recorded"]) == (200, False)
    assert recorded() == []


def test_only_post_is_answered(client):
    assert client.get("/stripe/webhook").status_code == 405
