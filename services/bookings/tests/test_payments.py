"""Bookings' Stripe plumbing: PaymentIntents and Refunds against localstripe, what the
booker is told when Stripe is away or the card is declined, and Stripe's events recorded
once by id (in parallel too, on SQLite and PostgreSQL), whoever else tries to send them."""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import flask
import httpx
import pytest
import sqlalchemy as sa

from services.bookings.db import database
from services.bookings.payments import events
from services.bookings.payments.models import StripeEvent
from services.bookings.payments.stripe_api import CardDeclined, PaymentsUnavailable, StripePayments, intent_key
from shared import tokens
from shared.settings import get_settings
from tests.support.fixtures import ADMIN, LiveServer

GATEWAY_ITSELF = tokens.service_identity("gateway")
UNAVAILABLE = "Card payments are not available just now; try again in a few minutes."


@pytest.fixture
def payments(stripe_api):
    return StripePayments(get_settings().model_copy(update={"stripe_api_base": stripe_api}))


def pay_in_browser(payments: StripePayments, intent_id: str, payment_method: str):
    """What Stripe.js does on the card page: the card goes on the intent, then confirms
    (localstripe takes the card by update rather than in confirm)."""
    client = payments.client.v1.payment_intents
    client.update(intent_id, params={"payment_method": payment_method})
    return payments._call(client.confirm, intent_id)


# ---------- PaymentIntents and Refunds, against localstripe ----------


def test_an_orders_intent_is_in_pence_gbp_names_the_order_and_takes_a_card(payments):
    intent = payments.create_payment_intent(order_id=42, amount_pence=12_50, idempotency_key=intent_key(42))
    assert (intent.amount_pence, intent.status, intent.order_id) == (1250, "requires_payment_method", 42)
    assert intent.client_secret.startswith(intent.id + "_secret_")
    stored = payments.client.v1.payment_intents.retrieve(intent.id)
    assert (stored.currency, stored.metadata["order_id"]) == ("gbp", "42")

    assert pay_in_browser(payments, intent.id, "pm_card_visa").status == "succeeded"
    assert payments.retrieve_payment_intent(intent.id).status == "succeeded"


def test_a_declined_card_is_a_clear_sentence_and_the_intent_waits_for_another(payments):
    intent = payments.create_payment_intent(order_id=7, amount_pence=9900)
    with pytest.raises(CardDeclined) as declined:
        pay_in_browser(payments, intent.id, "pm_card_chargeCustomerFail")  # 4000 0000 0000 0341
    assert declined.value.status == 409
    assert declined.value.message == ("Your card was declined. Try another card, or ask your bank why it was "
                                      "refused.")
    assert payments.retrieve_payment_intent(intent.id).status == "requires_payment_method"


def test_refunds_give_back_part_or_all_of_what_was_paid(payments):
    intent = payments.create_payment_intent(order_id=3, amount_pence=20_000)
    pay_in_browser(payments, intent.id, "pm_card_visa")
    part = payments.refund(intent.id, 5_000, idempotency_key="order-3-refund-1")
    rest = payments.refund(intent.id, 15_000, idempotency_key="order-3-refund-2")
    assert [(r.status, r.amount_pence) for r in (part, rest)] == [("succeeded", 5_000), ("succeeded", 15_000)]
    latest = payments.client.v1.payment_intents.retrieve(intent.id).latest_charge
    charge = payments.client.v1.charges.retrieve(latest if isinstance(latest, str) else latest.id)
    assert (charge.amount_refunded, charge.refunded) == (20_000, True)


def test_amounts_are_whole_positive_pence(payments):
    for amount in (0, -100, 12.5):
        with pytest.raises(ValueError):
            payments.create_payment_intent(order_id=1, amount_pence=amount)
        with pytest.raises(ValueError):
            payments.refund("pi_x", amount, idempotency_key="k")


def test_each_call_carries_its_idempotency_key():
    """localstripe ignores Idempotency-Key, so what we send is watched on the wire: the
    order's key on the intent (a retried start makes no second intent at Stripe), the
    caller's on a refund."""
    seen = []
    fake = flask.Flask("fake-stripe")

    @fake.post("/v1/<kind>")
    def _create(kind):
        seen.append((kind, flask.request.headers.get("Idempotency-Key"), flask.request.form.to_dict()))
        if kind == "refunds":
            return {"id": "re_1", "object": "refund", "status": "succeeded", "amount": 500}
        return {"id": "pi_1", "object": "payment_intent", "status": "requires_payment_method", "amount": 1500,
                "client_secret": "pi_1_secret_x", "metadata": {"order_id": "12"}}

    server = LiveServer(fake)
    try:
        payments = StripePayments(get_settings().model_copy(update={"stripe_api_base": server.url}))
        payments.create_payment_intent(order_id=12, amount_pence=1500)
        payments.refund("pi_1", 500, idempotency_key="order-12-refund-1")
    finally:
        server.stop()
    assert seen == [
        ("payment_intents", "order-12-intent", {"amount": "1500", "currency": "gbp", "metadata[order_id]": "12"}),
        ("refunds", "order-12-refund-1", {"payment_intent": "pi_1", "amount": "500"}),
    ]


# ---------- Stripe away ----------


def _nowhere():
    with __import__("socket").socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"  # closed again: nothing listens


def test_stripe_unreachable_is_one_plain_sentence_with_nothing_leaked(caplog):
    settings = get_settings().model_copy(update={"stripe_api_base": _nowhere(), "stripe_timeout_seconds": 2})
    payments = StripePayments(settings)
    with pytest.raises(PaymentsUnavailable) as away:
        payments.create_payment_intent(order_id=5, amount_pence=1000)
    assert away.value.status == 503 and away.value.message == UNAVAILABLE
    with pytest.raises(PaymentsUnavailable):
        payments.refund("pi_x", 100, idempotency_key="order-5-refund-1")
    assert settings.stripe_secret_key not in caplog.text


def test_the_api_answers_503_with_that_sentence(stack):
    """Whatever route meets Stripe away answers the booker alike (the order routes come
    next); shown here through the service's own error handling."""
    from services.bookings.app import create_app

    settings = stack.settings.model_copy(update={"stripe_api_base": _nowhere(), "stripe_timeout_seconds": 2})
    app = create_app(settings)
    app.add_url_rule("/try-paying", "try_paying", methods=["POST"], view_func=lambda: (
        StripePayments(settings).create_payment_intent(order_id=1, amount_pence=100), "")[1])
    token = tokens.sign(ADMIN, "bookings", settings.private_key_pem())
    response = app.test_client().post("/try-paying", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 503
    assert response.get_json() == {"code": "payments_unavailable", "message": UNAVAILABLE, "fieldErrors": []}
    assert settings.stripe_secret_key not in response.get_data(as_text=True)


# ---------- Stripe's events, recorded once ----------


def event(event_id: str = "evt_1", type_: str = "payment_intent.succeeded", order_id: int = 42,
          created: int | None = None) -> dict:
    return {"id": event_id, "object": "event", "type": type_, "created": created or int(time.time()),
            "livemode": False, "data": {"object": {"id": "pi_abc", "object": "payment_intent", "amount": 1500,
                                                     "currency": "gbp", "metadata": {"order_id": str(order_id)}}}}


@pytest.fixture
def applied():
    """A test handler for both payment types, counting what it was given."""
    calls = []
    lock = threading.Lock()

    def handler(db, row: StripeEvent):
        with lock:
            calls.append((row.event_id, row.type, row.order_id))

    saved = dict(events.HANDLERS)
    events.HANDLERS.update({"payment_intent.succeeded": handler, "payment_intent.payment_failed": handler})
    yield calls
    events.HANDLERS.clear()
    events.HANDLERS.update(saved)


def rows() -> list[tuple]:
    with database().session() as db:
        return db.execute(sa.select(StripeEvent.event_id, StripeEvent.type, StripeEvent.order_id,
                                    StripeEvent.payment_intent_id, StripeEvent.outcome)
                          .order_by(StripeEvent.id)).all()


def send(service_call, body: dict, identity=GATEWAY_ITSELF) -> httpx.Response:
    return service_call("bookings", "POST", "/payments/events", identity, json=body)


def test_an_event_is_recorded_and_applied_once_however_often_it_comes(service_call, applied):
    first = send(service_call, event("evt_twice"))
    again = send(service_call, event("evt_twice"))
    assert first.status_code == again.status_code == 200
    assert first.json() == {"recorded": True, "outcome": "applied"}
    assert again.json() == {"recorded": False, "outcome": "applied"}
    assert applied == [("evt_twice", "payment_intent.succeeded", 42)]
    assert rows() == [("evt_twice", "payment_intent.succeeded", 42, "pi_abc", "applied")]


def test_events_in_any_order_are_each_applied_once(service_call, applied):
    later, earlier = int(time.time()), int(time.time()) - 60
    for body in (event("evt_b", created=later), event("evt_a", "payment_intent.payment_failed", created=earlier),
                 event("evt_b", created=later), event("evt_a", "payment_intent.payment_failed", created=earlier)):
        assert send(service_call, body).status_code == 200
    assert sorted(applied) == [("evt_a", "payment_intent.payment_failed", 42), ("evt_b", "payment_intent.succeeded", 42)]
    with database().session() as db:
        by_when = db.execute(sa.select(StripeEvent.event_id).order_by(StripeEvent.created_at)).scalars().all()
    assert by_when == ["evt_a", "evt_b"]  # Stripe's own order is kept, whatever the arrival


def test_an_event_of_a_type_nothing_acts_on_is_recorded_and_ignored(service_call, applied):
    body = event("evt_cust", "customer.created")
    body["data"]["object"] = {"id": "cus_1", "object": "customer"}
    assert send(service_call, body).json() == {"recorded": True, "outcome": "ignored"}
    assert applied == []
    assert rows() == [("evt_cust", "customer.created", None, None, "ignored")]


def test_the_same_event_at_the_same_instant_makes_one_row_and_one_application(stack, applied):
    deliveries = 12
    token = tokens.sign(GATEWAY_ITSELF, "bookings", stack.settings.private_key_pem())
    gate = threading.Barrier(deliveries)

    def deliver(_):
        with httpx.Client(timeout=60) as http:
            gate.wait()
            return http.post(f"{stack.bookings.url}/payments/events", json=event("evt_rush"),
                             headers={"Authorization": f"Bearer {token}"})

    with ThreadPoolExecutor(deliveries) as pool:
        answers = list(pool.map(deliver, range(deliveries)))
    assert [a.status_code for a in answers] == [200] * deliveries, [a.text for a in answers]
    assert sorted(a.json()["recorded"] for a in answers) == [False] * (deliveries - 1) + [True]
    assert applied == [("evt_rush", "payment_intent.succeeded", 42)]
    assert len(rows()) == 1


@pytest.mark.parametrize("who, status", [
    (ADMIN, 403),  # a person, even an admin, cannot say an order was paid
    (tokens.Identity(subject="7", name="Bursar", grants=(tokens.Grant("external_booker"),)), 403),
    (tokens.service_identity("catalogue"), 401),  # another service's own token
])
def test_nobody_but_the_gateway_itself_may_send_events(service_call, applied, who, status):
    answer = send(service_call, event("evt_forged"), identity=who)
    assert answer.status_code == status
    assert rows() == [] and applied == []


def test_no_token_is_refused(stack, applied):
    assert httpx.post(f"{stack.bookings.url}/payments/events", json=event()).status_code == 401
    assert rows() == []


@pytest.mark.parametrize("change, field", [
    ({"id": "not-an-event"}, "id"),
    ({"type": "Payment Intent Succeeded"}, "type"),
    ({"created": "yesterday"}, "created"),
    ({"data": {}}, "data"),
])
def test_a_malformed_event_is_refused_field_by_field_and_records_nothing(service_call, applied, change, field):
    answer = send(service_call, {**event("evt_bad"), **change})
    assert answer.status_code == 422
    assert any(field in e["field"] for e in answer.json()["fieldErrors"]), answer.json()
    assert rows() == [] and applied == []


def test_a_handler_that_fails_records_nothing_so_stripes_retry_applies_it(stack, service_call, applied):
    def broken(db, row):
        raise RuntimeError("the order could not be updated")

    events.HANDLERS["payment_intent.succeeded"] = broken
    assert send(service_call, event("evt_retry")).status_code == 500
    assert rows() == []
    events.HANDLERS["payment_intent.succeeded"] = lambda db, row: applied.append(row.event_id)
    assert send(service_call, event("evt_retry")).json() == {"recorded": True, "outcome": "applied"}
    assert applied == ["evt_retry"]
