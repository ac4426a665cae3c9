"""Card refunds are asked of Stripe only once the change that decided them has
committed: never while its transaction holds the order's, its payment's or its
sessions' row locks (nor, on SQLite, the write lock).  Decided and committed but not
yet made — Stripe away just then, or the process gone — a refund stays owed and the
reconciliation makes it, once."""
from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
import time_machine

from services.bookings.db import database
from services.bookings.payments import card, follow_up
from services.bookings.payments.models import OrderRefund
from services.bookings.payments.stripe_api import PaymentsUnavailable
from services.bookings.tests import test_card_payments, test_orders
from services.bookings.tests.test_card_payments import (
    deliver,
    event_for,
    get,
    intent_of,
    pay_in_browser,
    refunded_at_stripe,
)
from services.bookings.tests.test_orders import BURSAR, PRICE, booker, left
from tests.support.fixtures import ADMIN

on_sale, order, stripe, paid = test_orders.on_sale, test_orders.order, test_card_payments.stripe, \
    test_card_payments.paid


def rows_free(order_id: int, session_id: int) -> bool:
    """Whether another transaction could lock, this instant, what a refund's transaction
    changes: the order, its card payment and its session (PostgreSQL: NOWAIT row locks;
    SQLite: the write lock, with no wait)."""
    url = database().url
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.split("sqlite:///", 1)[1], timeout=0, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
            return True
        except sqlite3.OperationalError:
            return False
        finally:
            conn.close()
    with database().engine.connect() as conn:
        try:
            for table, key, value in (("customer_order", "id", order_id), ("card_payment", "order_id", order_id),
                                      ("course_session", "id", session_id)):
                conn.execute(sa.text(f"SELECT 1 FROM {table} WHERE {key} = :v FOR UPDATE NOWAIT"), {"v": value})
            return True
        except sa.exc.OperationalError:
            return False
        finally:
            conn.rollback()


class Watched:
    """localstripe, noting at each refund whether the rows were free while it was asked."""

    def __init__(self, real, order_id: int, session_id: int, away: bool = False):
        self.real, self.order_id, self.session_id, self.away = real, order_id, session_id, away
        self.free_at_refund: list[bool] = []

    def refund(self, *args, **kwargs):
        self.free_at_refund.append(rows_free(self.order_id, self.session_id))
        if self.away:
            raise PaymentsUnavailable()
        return self.real.refund(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.real, name)


def _reconcile() -> int:
    from tests.test_facts import job

    return job("services.bookings.scheduler", "reconcile_card_payments")()


@pytest.mark.parametrize("how", ["booker cancels", "admin refunds", "paid after the places went"])
def test_stripe_is_asked_for_a_refund_with_no_lock_held(stripe, paid, on_sale, order, service_call,
                                                       monkeypatch, how):
    s = on_sale()
    if how == "paid after the places went":
        o = order([(s["id"], 4)]).json()
        pay_in_browser(stripe, intent_of(o["id"]))
        from services.bookings.tests.test_card_payments import _lapse

        _lapse()
        assert order([(s["id"], 1)], who=booker(600, 9)).status_code == 201
    else:
        o = paid(s["id"], 2)
    watched = Watched(stripe, o["id"], s["id"])
    monkeypatch.setattr(card, "stripe_client", lambda: watched)
    if how == "booker cancels":
        done = service_call("bookings", "POST", f"/orders/{o['id']}/cancel", BURSAR, json={})
    elif how == "admin refunds":
        done = service_call("bookings", "POST", f"/orders/{o['id']}/refunds", ADMIN,
                            json={"amount_pence": 5000, "reason": "Snow closed the school"})
    else:
        done = deliver(service_call, event_for(stripe, o["id"], "payment_intent.succeeded"))
    assert done.status_code == 200, done.text
    assert watched.free_at_refund == [True]  # asked once, after the commit
    now = get(service_call, o["id"])
    expected = 5000 if how == "admin refunds" else now["paid_pence"]
    assert refunded_at_stripe(stripe, intent_of(o["id"])) == now["refunded_pence"] == expected
    assert all(r["stripe_refund_id"] for r in now["refunds"])


def test_a_refund_whose_process_died_before_asking_stripe_is_made_by_the_reconciliation(
        stripe, paid, on_sale, service_call, monkeypatch):
    s = on_sale()
    o = paid(s["id"], 2)
    # the process "dies" straight after the commit: Stripe is never asked
    monkeypatch.setattr(follow_up, "_outside", lambda work: None)
    cancelled = service_call("bookings", "POST", f"/orders/{o['id']}/cancel", BURSAR, json={})
    assert cancelled.status_code == 200, cancelled.text
    monkeypatch.undo()
    now = get(service_call, o["id"])
    assert (now["status"], now["refunded_pence"]) == ("REFUNDED", 2 * PRICE)
    assert [r["stripe_refund_id"] for r in now["refunds"]] == [None]  # owed
    assert refunded_at_stripe(stripe, intent_of(o["id"])) == 0
    assert left(service_call, s["id"])[1] == 4
    assert _reconcile() == 0  # the follow-up gets its two minutes first
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(minutes=3)):
        assert _reconcile() == 1
        assert _reconcile() == 0  # run again (or a second scheduler): nothing more
    assert refunded_at_stripe(stripe, intent_of(o["id"])) == 2 * PRICE
    assert get(service_call, o["id"])["refunds"][0]["stripe_refund_id"]


def test_stripe_gone_after_the_commit_leaves_the_refund_owed_until_it_returns(stripe, paid, on_sale, service_call,
                                                                              monkeypatch):
    s = on_sale()
    o = paid(s["id"], 2)
    first = o["lines"][0]["attendees"][0]["id"]
    # Stripe answered the check before the change, then went away before the refund
    watched = Watched(stripe, o["id"], s["id"], away=True)
    monkeypatch.setattr(card, "stripe_client", lambda: watched)
    part = service_call("bookings", "POST", f"/orders/{o['id']}/cancel", BURSAR, json={"attendee_ids": [first]})
    assert part.status_code == 200, part.text
    assert (part.json()["status"], part.json()["refunded_pence"]) == ("PARTIALLY_REFUNDED", PRICE)
    with database().session() as db:
        owed = db.execute(sa.select(OrderRefund.stripe_refund_id, OrderRefund.last_error,
                                    OrderRefund.attempted_at)).one()
    assert owed == (None, "Stripe could not be reached.", None)  # let go for the next run
    monkeypatch.undo()
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(minutes=3)):
        assert _reconcile() == 1
    assert refunded_at_stripe(stripe, intent_of(o["id"])) == PRICE
    with database().session() as db:
        assert db.execute(sa.select(OrderRefund.last_error)).scalar_one() is None


def test_an_admins_refund_key_reaches_stripe_as_that_orders_own(stripe, paid, on_sale, service_call, monkeypatch):
    """Two orders refunded with the same key ("r1", unique per order here) must not
    meet at Stripe, whose keys are per account: each order's key is its own there."""
    s = on_sale()
    orders = [paid(s["id"], 1), paid(s["id"], 1)]
    keys = []

    class Recording(Watched):
        def refund(self, intent_id, amount, key):
            keys.append(key)
            return self.real.refund(intent_id, amount, key)

    monkeypatch.setattr(card, "stripe_client", lambda: Recording(stripe, 0, 0))
    for o in orders:
        done = service_call("bookings", "POST", f"/orders/{o['id']}/refunds", ADMIN,
                            json={"amount_pence": 1000, "reason": "Goodwill", "idempotency_key": "r1"})
        assert done.status_code == 200, done.text
    assert keys == [f"order-{o['id']}-r1" for o in orders]
    assert follow_up.stripe_key(7, "order-7-refund-2") == "order-7-refund-2"  # ours are left as they are
