"""Card payments end to end against localstripe, as a bursar would meet them: an order's
PaymentIntent (one, however often starting is retried), paid only when Stripe says so,
a declined card explained, Stripe away meaning no places held for nothing, a payment
after the hold lapsed (places taken again, or the money back and the booker told),
Stripe's events twice and in any order, the reconciliation when the webhook never
came, and refunds that never exceed what was paid — in parallel too."""
from __future__ import annotations

import itertools
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import httpx
import pytest
import sqlalchemy as sa
import time_machine

from services.bookings.audit import AuditEntry
from services.bookings.db import database
from services.bookings.messages import OutboxMessage
from services.bookings.payments import card
from services.bookings.payments.stripe_api import CardDeclined, StripePayments
from services.bookings.tests import test_orders
from services.bookings.tests.test_orders import BURSAR, ORG, PRICE, STRANGER, booker, fields, left
from services.bookings.tests.test_payments import _nowhere
from shared import tokens
from shared.settings import get_settings
from tests.support.fixtures import ADMIN

GATEWAY_ITSELF = tokens.service_identity("gateway")
COLLEAGUE = booker(503, ORG)
# the orders' fixtures: a session on sale, and an order started over HTTP
on_sale, order = test_orders.on_sale, test_orders.order


@pytest.fixture
def stripe(stripe_api) -> StripePayments:
    return StripePayments(get_settings())


def pay_in_browser(stripe: StripePayments, intent_id: str, payment_method: str = "pm_card_visa"):
    """What Stripe.js does on the card page with the client secret."""
    client = stripe.client.v1.payment_intents
    client.update(intent_id, params={"payment_method": payment_method})
    return stripe._call(client.confirm, intent_id)


def intent_of(order_id: int) -> str:
    from services.bookings.payments.models import CardPayment

    with database().session() as db:
        return db.get(CardPayment, order_id).payment_intent_id


def event_for(stripe: StripePayments, order_id: int, type_: str, created: int | None = None) -> dict:
    """The event Stripe would send about the order's intent as it now stands."""
    intent = stripe.client.v1.payment_intents.retrieve(intent_of(order_id))
    obj = {"id": intent.id, "object": "payment_intent", "amount": intent.amount, "currency": "gbp",
           "status": intent.status, "metadata": {"order_id": str(order_id)}}
    if type_.endswith("payment_failed"):
        obj["last_payment_error"] = {"message": "Your card was declined."}
    return {"id": f"evt_{uuid.uuid4().hex}", "object": "event", "type": type_,
            "created": created or int(time.time()), "data": {"object": obj}}


def deliver(service_call, body: dict) -> httpx.Response:
    answer = service_call("bookings", "POST", "/payments/events", GATEWAY_ITSELF, json=body)
    assert answer.status_code == 200, answer.text
    return answer


def get(service_call, order_id: int, who=BURSAR) -> dict:
    return service_call("bookings", "GET", f"/orders/{order_id}", who).json()


def actions(order_id: int) -> list[str]:
    with database().session() as db:
        return db.execute(sa.select(AuditEntry.action).where(AuditEntry.object_type == "order",
                                                             AuditEntry.object_id == str(order_id))
                          .order_by(AuditEntry.id)).scalars().all()


def refunded_at_stripe(stripe: StripePayments, intent_id: str) -> int:
    latest = stripe.client.v1.payment_intents.retrieve(intent_id).latest_charge
    return stripe.client.v1.charges.retrieve(latest if isinstance(latest, str) else latest.id).amount_refunded


@pytest.fixture
def paid(stripe, order, service_call):
    """A card order for `n` places on session `s`, paid and confirmed by the webhook."""
    def _paid(session_id: int, n: int = 2) -> dict:
        o = order([(session_id, n)]).json()
        pay_in_browser(stripe, intent_of(o["id"]))
        deliver(service_call, event_for(stripe, o["id"], "payment_intent.succeeded"))
        return get(service_call, o["id"])
    return _paid


# ---------- the PaymentIntent ----------


def test_a_card_order_gets_one_intent_and_only_its_own_bookers_get_its_secret(stripe, on_sale, order,
                                                                                service_call):
    s = on_sale()
    first = order([(s["id"], 2)], idempotency_key="basket-1")
    assert first.status_code == 201, first.text
    o = first.json()
    intent = stripe.client.v1.payment_intents.retrieve(intent_of(o["id"]))
    assert (intent.amount, intent.currency, intent.metadata["order_id"]) == (2 * PRICE, "gbp", str(o["id"]))
    assert o["payment_client_secret"] == intent.client_secret and o["paid_pence"] == 0
    assert get(service_call, o["id"], COLLEAGUE)["payment_client_secret"] == intent.client_secret
    assert get(service_call, o["id"], ADMIN)["payment_client_secret"] is None  # admins never pay
    assert service_call("bookings", "GET", f"/orders/{o['id']}", STRANGER).status_code == 404
    # the browser retries the start (a lost answer): the same order, the same intent
    retry = order([(s["id"], 2)], idempotency_key="basket-1")
    assert retry.status_code == 200 and retry.json()["payment_client_secret"] == intent.client_secret
    assert len(stripe.client.v1.payment_intents.list().data) == 1
    assert left(service_call, s["id"])[1] == 2
    # an invoice order has no intent
    invoiced = order([(s["id"], 1)], method="INVOICE").json()
    assert invoiced["payment_client_secret"] is None
    assert len(stripe.client.v1.payment_intents.list().data) == 1


def test_paid_only_when_stripes_webhook_says_so(stripe, stripe_webhook, on_sale, order, service_call):
    """End to end: localstripe signs its event, the gateway checks it and hands it on."""
    s = on_sale()
    o = order([(s["id"], 2)]).json()
    assert pay_in_browser(stripe, intent_of(o["id"])).status == "succeeded"
    assert get(service_call, o["id"])["status"] == "AWAITING_PAYMENT"  # the browser coming back proves nothing
    deadline = time.monotonic() + 15
    while get(service_call, o["id"])["status"] != "PAID" and time.monotonic() < deadline:
        time.sleep(0.2)
    now = get(service_call, o["id"])
    assert (now["status"], now["paid_pence"], now["hold_expires_at"], now["payment_client_secret"]) == (
        "PAID", 2 * PRICE, None, None)
    assert now["payment_reference"] == intent_of(o["id"])
    assert left(service_call, s["id"])[1] == 2
    assert actions(o["id"]) == ["order.started", "order.paid"]


def test_stripe_away_gives_the_hold_back_and_the_booker_tries_again(stripe_api, on_sale, order, service_call,
                                                                    monkeypatch):
    s = on_sale()
    away = StripePayments(get_settings().model_copy(update={"stripe_api_base": _nowhere(),
                                                            "stripe_timeout_seconds": 2}))
    monkeypatch.setattr(card, "stripe_client", lambda: away)
    refused = order([(s["id"], 3)], idempotency_key="basket-9")
    assert refused.status_code == 503
    assert refused.json()["message"] == "Card payments are not available just now; try again in a few minutes."
    assert left(service_call, s["id"])[1] == 4  # no hold leaked
    [gave_up] = service_call("bookings", "GET", "/orders", BURSAR).json()["items"]
    assert gave_up["status"] == "CANCELLED" and "nothing was charged" in gave_up["cancel_reason"]
    monkeypatch.undo()
    again = order([(s["id"], 3)], idempotency_key="basket-9")  # the same basket, Stripe back
    assert again.status_code == 201, again.text
    assert again.json()["status"] == "AWAITING_PAYMENT" and again.json()["payment_client_secret"]
    assert left(service_call, s["id"])[1] == 1


def test_a_declined_card_says_why_and_the_hold_is_kept_until_it_lapses(stripe, on_sale, order, service_call):
    s = on_sale()
    o = order([(s["id"], 1)]).json()
    with pytest.raises(CardDeclined):
        pay_in_browser(stripe, intent_of(o["id"]), "pm_card_chargeCustomerFail")  # 4000 0000 0000 0341
    deliver(service_call, event_for(stripe, o["id"], "payment_intent.payment_failed"))
    now = get(service_call, o["id"])
    assert (now["status"], now["payment_error"]) == ("AWAITING_PAYMENT", "Your card was declined.")
    assert now["payment_client_secret"]  # another card may be tried
    assert left(service_call, s["id"])[1] == 3
    assert actions(o["id"]) == ["order.started", "order.payment_failed"]


@pytest.mark.parametrize("arrival", list(itertools.permutations(["failed", "succeeded", "failed", "succeeded"]))[:6])
def test_every_event_twice_in_any_order_ends_the_same(stripe, on_sale, order, service_call, arrival):
    s = on_sale()
    o = order([(s["id"], 2)]).json()
    failed = event_for(stripe, o["id"], "payment_intent.payment_failed", created=int(time.time()) - 30)
    pay_in_browser(stripe, intent_of(o["id"]))
    succeeded = event_for(stripe, o["id"], "payment_intent.succeeded")
    for which in arrival:
        deliver(service_call, failed if which == "failed" else succeeded)
    now = get(service_call, o["id"])
    assert (now["status"], now["paid_pence"], now["payment_error"]) == ("PAID", 2 * PRICE, None)
    assert actions(o["id"]).count("order.paid") == 1
    assert left(service_call, s["id"])[1] == 2


# ---------- a payment after the hold lapsed ----------


def _lapse() -> None:
    from tests.test_facts import job

    with time_machine.travel(datetime.now(timezone.utc) + timedelta(minutes=16)):
        assert job("services.bookings.scheduler", "release_holds")() >= 1


def test_paid_after_the_hold_lapsed_takes_the_places_again_while_free(stripe, on_sale, order, service_call):
    s = on_sale()
    o = order([(s["id"], 3)]).json()
    pay_in_browser(stripe, intent_of(o["id"]))
    _lapse()
    assert left(service_call, s["id"])[1] == 4
    deliver(service_call, event_for(stripe, o["id"], "payment_intent.succeeded"))
    assert get(service_call, o["id"])["status"] == "PAID"
    assert left(service_call, s["id"])[1] == 1
    assert actions(o["id"])[-1] == "order.paid_after_lapse"


def test_paid_after_the_places_went_is_refunded_and_the_booker_told(stripe, on_sale, order, service_call):
    s = on_sale()
    o = order([(s["id"], 3)]).json()
    intent_id = intent_of(o["id"])
    pay_in_browser(stripe, intent_id)
    _lapse()
    other = order([(s["id"], 2)], who=booker(600, 9))  # someone else buys in the meantime
    assert other.status_code == 201
    event = event_for(stripe, o["id"], "payment_intent.succeeded")
    deliver(service_call, event)
    deliver(service_call, event)  # Stripe's retry refunds nothing more
    now = get(service_call, o["id"])
    assert (now["status"], now["paid_pence"], now["refunded_pence"]) == ("REFUNDED", 3 * PRICE, 3 * PRICE)
    assert [r["amount_pence"] for r in now["refunds"]] == [3 * PRICE]
    assert "places had gone" in now["refunds"][0]["reason"]
    assert refunded_at_stripe(stripe, intent_id) == 3 * PRICE
    assert left(service_call, s["id"])[1] == 2  # the other school keeps its places
    with database().session() as db:
        mail = db.execute(sa.select(OutboxMessage.recipient, OutboxMessage.subject, OutboxMessage.body)).all()
    assert [(m.recipient, m.subject) for m in mail] == [
        (BURSAR.email, f"Refunded: order {o['id']} — the places had gone")]
    assert "£285.00" in mail[0].body and "refunded" in mail[0].body


# ---------- the reconciliation ----------


def test_the_reconciliation_settles_an_order_whose_webhook_never_came(stripe, on_sale, order, service_call):
    """Bookings 'killed' between the intent and the webhook: the payment landed at Stripe
    and no event ever arrived.  The job asks Stripe and settles it, once."""
    from tests.test_facts import job

    s = on_sale()
    o = order([(s["id"], 2)]).json()
    waiting = order([(s["id"], 1)], who=COLLEAGUE).json()  # started, never paid
    pay_in_browser(stripe, intent_of(o["id"]))
    reconcile = job("services.bookings.scheduler", "reconcile_card_payments")
    assert reconcile() == 0  # the webhook gets its two minutes first
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(minutes=3)):
        assert reconcile() == 1
        assert reconcile() == 0  # run again (or a second scheduler): nothing more
    assert get(service_call, o["id"])["status"] == "PAID"
    assert get(service_call, waiting["id"])["status"] == "AWAITING_PAYMENT"
    # the webhook turns up after all: nothing doubled
    deliver(service_call, event_for(stripe, o["id"], "payment_intent.succeeded"))
    assert actions(o["id"]).count("order.paid") == 1
    assert get(service_call, o["id"])["paid_pence"] == 2 * PRICE
    assert left(service_call, s["id"])[1] == 1


# ---------- refunds ----------


def test_cancelling_before_the_deadline_refunds_those_places_in_full(stripe, paid, on_sale, service_call):
    s = on_sale()
    o = paid(s["id"], 2)
    first, second = [a["id"] for a in o["lines"][0]["attendees"]]
    part = service_call("bookings", "POST", f"/orders/{o['id']}/cancel", BURSAR, json={"attendee_ids": [first]})
    assert part.status_code == 200, part.text
    assert (part.json()["status"], part.json()["refunded_pence"]) == ("PARTIALLY_REFUNDED", PRICE)
    rest = service_call("bookings", "POST", f"/orders/{o['id']}/cancel", BURSAR, json={"attendee_ids": [second]})
    assert rest.status_code == 200, rest.text
    assert (rest.json()["status"], rest.json()["refunded_pence"]) == ("REFUNDED", 2 * PRICE)
    assert [r["amount_pence"] for r in rest.json()["refunds"]] == [PRICE, PRICE]
    assert refunded_at_stripe(stripe, intent_of(o["id"])) == 2 * PRICE
    assert left(service_call, s["id"])[1] == 4
    assert actions(o["id"]).count("order.refunded") == 2


def test_after_the_deadline_an_admin_refunds_in_part_with_a_reason(stripe, paid, on_sale, order, service_call):
    s = on_sale(cancellation_deadline=(datetime.now(timezone.utc) + timedelta(days=1)).isoformat())
    o = paid(s["id"], 2)
    url = f"/orders/{o['id']}/refunds"
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(days=2)):
        late = service_call("bookings", "POST", f"/orders/{o['id']}/cancel", BURSAR, json={})
        assert late.status_code == 409
        # bookers cannot refund: their own order (403) or another's (404)
        assert service_call("bookings", "POST", url, BURSAR, json={"amount_pence": 100, "reason": "Please"}
                            ).status_code == 403
        assert service_call("bookings", "POST", url, STRANGER, json={"amount_pence": 100, "reason": "Please"}
                            ).status_code == 404
        bad = service_call("bookings", "POST", url, ADMIN, json={"amount_pence": 0})
        assert bad.status_code == 422 and set(fields(bad)) == {"amount_pence", "reason"}
        too_much = service_call("bookings", "POST", url, ADMIN,
                                json={"amount_pence": 2 * PRICE + 1, "reason": "Snow closed the school"})
        assert too_much.status_code == 409
        assert too_much.json()["message"] == ("Only £190.00 of the £190.00 paid on this order is left to refund; "
                                              "£190.01 is more than that. Nothing was refunded.")
        assert get(service_call, o["id"])["refunded_pence"] == 0 and actions(o["id"])[-1] == "order.paid"
        done = service_call("bookings", "POST", url, ADMIN,
                            json={"amount_pence": 5000, "reason": "Snow closed the school", "idempotency_key": "r1"})
        assert done.status_code == 200, done.text
        retry = service_call("bookings", "POST", url, ADMIN,
                             json={"amount_pence": 5000, "reason": "Snow closed the school", "idempotency_key": "r1"})
        assert retry.json()["refunds"] == done.json()["refunds"]  # the same refund, not a second
    now = get(service_call, o["id"])
    assert (now["status"], now["refunded_pence"]) == ("PARTIALLY_REFUNDED", 5000)
    assert [(r["amount_pence"], r["reason"]) for r in now["refunds"]] == [(5000, "Snow closed the school")]
    assert refunded_at_stripe(stripe, intent_of(o["id"])) == 5000
    assert left(service_call, s["id"])[1] == 2  # the places are kept
    unpaid = order([(s["id"], 1)]).json()
    nothing = service_call("bookings", "POST", f"/orders/{unpaid['id']}/refunds", ADMIN,
                           json={"amount_pence": 100, "reason": "Goodwill"})
    assert nothing.status_code == 409 and "Nothing has been paid" in nothing.json()["message"]
    invoiced = order([(s["id"], 1)], method="INVOICE").json()
    credit = service_call("bookings", "POST", f"/orders/{invoiced['id']}/refunds", ADMIN,
                          json={"amount_pence": 100, "reason": "Goodwill"})
    assert credit.status_code == 409 and "credit note" in credit.json()["message"]


def test_two_refunds_at_once_never_give_back_more_than_was_paid(stack, stripe, paid, on_sale):
    s = on_sale()
    o = paid(s["id"], 2)  # 190.00 paid
    token = tokens.sign(ADMIN, "bookings", stack.settings.private_key_pem())
    gate = threading.Barrier(2)

    def refund(i):
        with httpx.Client(timeout=60) as http:
            gate.wait()
            return http.post(f"{stack.bookings.url}/orders/{o['id']}/refunds",
                             json={"amount_pence": 12_000, "reason": f"Refund {i}"},
                             headers={"Authorization": f"Bearer {token}"})

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(refund, range(2)))
    assert sorted(a.status_code for a in answers) == [200, 409], [a.text for a in answers]
    assert refunded_at_stripe(stripe, intent_of(o["id"])) == 12_000
    with database().session() as db:
        from services.bookings.payments.models import CardPayment, OrderRefund

        assert db.get(CardPayment, o["id"]).refunded_pence == 12_000
        assert db.execute(sa.select(sa.func.count()).select_from(OrderRefund)).scalar_one() == 1


def test_a_cancellation_stripe_cannot_refund_changes_nothing(stripe, paid, on_sale, service_call, monkeypatch):
    s = on_sale()
    o = paid(s["id"], 2)
    away = StripePayments(get_settings().model_copy(update={"stripe_api_base": _nowhere(),
                                                            "stripe_timeout_seconds": 2}))
    monkeypatch.setattr(card, "stripe_client", lambda: away)
    refused = service_call("bookings", "POST", f"/orders/{o['id']}/cancel", BURSAR, json={})
    assert refused.status_code == 503
    assert refused.json()["message"] == "Card payments are not available just now; try again in a few minutes."
    now = get(service_call, o["id"])
    assert (now["status"], now["refunded_pence"], now["refunds"]) == ("PAID", 0, [])
    assert all(a["cancelled_at"] is None for a in now["lines"][0]["attendees"])
    assert left(service_call, s["id"])[1] == 2
    assert actions(o["id"]) == ["order.started", "order.paid"]
