"""An admin cancels a session that other schools bought places on: each order's places
on it are cancelled and the money goes back the way it came — a card refund through
Stripe (asked after the commit, a voucher's discount shared out), a credit note
against an invoice, an unpaid order cancelled whole with its PaymentIntent — each
booker told once, everything audited; a second cancellation changes nothing."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from services.bookings import scheduler
from services.bookings.audit import AuditEntry
from services.bookings.db import database
from services.bookings.messages import OutboxMessage
from services.bookings.payments import card
from services.bookings.tests import test_card_payments, test_invoices, test_orders, test_vouchers
from services.bookings.tests.test_card_payments import (
    actions,
    deliver,
    event_for,
    get,
    intent_of,
    pay_in_browser,
    refunded_at_stripe,
)
from services.bookings.tests.test_invoices import BILLING, attached_pdf
from services.bookings.tests.test_orders import BURSAR, PRICE, booker, left
from services.bookings.tests.test_refunds_after_commit import Watched
from services.bookings.vouchers.models import Voucher
from tests.support.fixtures import ADMIN

on_sale, order, stripe, paid = test_orders.on_sale, test_orders.order, test_card_payments.stripe, \
    test_card_payments.paid
voucher, organisation, smtp = test_vouchers.voucher, test_invoices.organisation, test_invoices.smtp
ELSEWHERE = booker(504, 9)  # a bursar of another school


def pay(stripe, service_call, o: dict) -> dict:
    pay_in_browser(stripe, intent_of(o["id"]))
    deliver(service_call, event_for(stripe, o["id"], "payment_intent.succeeded"))
    return get(service_call, o["id"], ADMIN)


def cancel(service_call, session_id: int, reason: str = "The trainer is ill"):
    return service_call("bookings", "POST", f"/sessions/{session_id}/cancel", ADMIN, json={"reason": reason})


def mail() -> list[tuple[str, str, str, str | None]]:
    with database().session() as db:
        return [tuple(r) for r in db.execute(sa.select(
            OutboxMessage.recipient, OutboxMessage.subject, OutboxMessage.body, OutboxMessage.attachment_name)
            .order_by(OutboxMessage.id)).all()]


def everything(stripe, service_call, orders: list[dict]) -> tuple:
    """What a second cancellation must leave as it was."""
    with database().session() as db:
        audit = db.execute(sa.select(sa.func.count()).select_from(AuditEntry)).scalar_one()
    return (audit, mail(), [get(service_call, o["id"], ADMIN) for o in orders],
            [refunded_at_stripe(stripe, intent_of(o["id"])) for o in orders if o["payment_method"] == "CARD"])


def test_paid_card_orders_are_refunded_and_each_booker_told_once(stripe, on_sale, order, service_call):
    s, maths = on_sale(), on_sale(title="Maths for schools")
    whole = pay(stripe, service_call, order([(s["id"], 2)]).json())
    both = pay(stripe, service_call, order([(s["id"], 1), (maths["id"], 1)]).json())  # the same bursar
    theirs = pay(stripe, service_call, order([(s["id"], 1)], who=ELSEWHERE).json())
    assert left(service_call, s["id"])[1] == 0
    sent_before = len(mail())  # the attendees' invitations and the bookers' receipts
    done = cancel(service_call, s["id"])
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "CANCELLED"

    now = get(service_call, whole["id"])
    assert (now["status"], now["refunded_pence"], now["total_pence"]) == ("REFUNDED", 2 * PRICE, 0)
    assert [(r["amount_pence"], r["reason"]) for r in now["refunds"]] == [
        (2 * PRICE, f"Phonics for schools on {test_orders.SOON:%-d %B %Y} was cancelled: The trainer is ill")]
    assert now["refunds"][0]["stripe_refund_id"]  # made at Stripe once the cancellation had committed
    assert all(a["cancelled_at"] for a in now["lines"][0]["attendees"])
    assert refunded_at_stripe(stripe, intent_of(whole["id"])) == 2 * PRICE
    assert actions(whole["id"]) == ["order.started", "order.paid", "order.session_cancelled", "order.refunded"]
    # the order with a place on another date keeps it, and is refunded for this one
    now = get(service_call, both["id"])
    assert (now["status"], now["refunded_pence"], now["total_pence"]) == ("PARTIALLY_REFUNDED", PRICE, PRICE)
    assert [ln["quantity"] for ln in now["lines"]] == ([0, 1] if now["lines"][0]["session_id"] == s["id"] else [1, 0])
    assert left(service_call, maths["id"])[1] == 3
    assert get(service_call, theirs["id"], ELSEWHERE)["status"] == "REFUNDED"
    assert left(service_call, s["id"])[1] == 4

    new = mail()[sent_before:]
    told = [m for m in new if m[0] in (BURSAR.email, ELSEWHERE.email)]
    # each booker once, for all their orders on the session
    assert [(to, subject) for to, subject, _, _ in told] == [
        (BURSAR.email, f"Session cancelled: Phonics for schools, {_london(s)} (orders {whole['id']}, {both['id']})"),
        (ELSEWHERE.email, f"Session cancelled: Phonics for schools, {_london(s)} (order {theirs['id']})")]
    assert "We are refunding £190.00 to the card" in told[0][2] and "We are refunding £95.00" in told[0][2]
    assert "Reason: The trainer is ill" in told[0][2]
    # and each attendee's booking its calendar cancellation, as a trust person's
    attendees = [(m[0], m[1]) for m in new if m not in told]
    assert sorted(attendees) == sorted([("a0@school.test", f"Session cancelled: Phonics for schools, {_london(s)}")] * 3
                                       + [("a1@school.test", f"Session cancelled: Phonics for schools, {_london(s)}")])

    # a second cancellation (a double click, a retry) is refused and changes nothing
    before = everything(stripe, service_call, [whole, both, theirs])
    again = cancel(service_call, s["id"])
    assert again.status_code == 409, again.text
    assert everything(stripe, service_call, [whole, both, theirs]) == before


def _london(s: dict) -> str:
    from datetime import datetime

    from shared.emails import london

    return london(datetime.fromisoformat(s["starts_at"]))


def test_a_vouchers_discount_is_shared_out_over_the_places_refunded(stripe, on_sale, order, service_call, voucher):
    s, maths = on_sale(), on_sale(title="Maths for schools")
    test_vouchers.made(voucher(code="HALF", percent_off=50))
    o = pay(stripe, service_call, order([(s["id"], 2), (maths["id"], 1)], voucher_code="half").json())
    assert (o["paid_pence"], o["discount_pence"]) == (3 * PRICE // 2, 3 * PRICE // 2)
    assert cancel(service_call, s["id"]).status_code == 200
    now = get(service_call, o["id"])
    # the two places cost half price: half their price comes back, not all of it
    assert (now["status"], now["refunded_pence"]) == ("PARTIALLY_REFUNDED", PRICE)
    assert (now["total_pence"], now["discount_pence"]) == (PRICE - PRICE // 2, PRICE // 2)
    assert now["paid_pence"] - now["refunded_pence"] == now["total_pence"]
    assert refunded_at_stripe(stripe, intent_of(o["id"])) == PRICE


def test_an_invoiced_order_gets_a_credit_note_carried_by_the_bookers_one_email(on_sale, order, service_call,
                                                                               organisation, smtp):
    s = on_sale()
    o = order([(s["id"], 2)], method="INVOICE", purchase_order_number="PO-7").json()
    # the invoice, to the booker and the finance office; each attendee's invitation
    assert scheduler.deliver_messages() == 4
    smtp.messages.clear()
    assert cancel(service_call, s["id"]).status_code == 200
    now = get(service_call, o["id"])
    assert (now["status"], now["total_pence"], now["invoiced_pence"]) == ("CANCELLED", 0, 2 * PRICE)
    assert [(n["number"], n["amount_pence"]) for n in now["credit_notes"]] == [("CN-000001", 2 * PRICE)]
    assert actions(o["id"]) == ["order.started", "order.session_cancelled", "order.credit_note_issued"]
    assert left(service_call, s["id"])[1] == 4
    assert scheduler.deliver_messages() == 4
    by_recipient = {m["To"]: m for m in smtp.messages}
    # the booker once, the finance office once, each attendee their calendar cancellation
    assert sorted(m["To"] for m in smtp.messages) == sorted([BURSAR.email, BILLING, "a0@school.test",
                                                              "a1@school.test"])
    mine = by_recipient[BURSAR.email]
    assert mine["Subject"].startswith("Session cancelled: Phonics for schools")
    assert "Credit note CN-000001 for £190.00 reduces invoice LL-INV-000001 and is attached" in \
        mine.get_body(("plain",)).get_content()
    assert attached_pdf(mine)[0] == "CN-000001.pdf"
    assert by_recipient[BILLING]["Subject"] == "Credit note CN-000001 against invoice LL-INV-000001"


def test_an_order_awaiting_payment_is_cancelled_whole_and_its_intent_with_it(stripe, on_sale, order, service_call,
                                                                             voucher):
    s, maths = on_sale(), on_sale(title="Maths for schools")
    v = test_vouchers.made(voucher(code="TENOFF", max_uses=1))
    o = order([(s["id"], 1), (maths["id"], 2)], voucher_code="tenoff").json()
    assert o["status"] == "AWAITING_PAYMENT" and left(service_call, maths["id"])[1] == 2
    assert cancel(service_call, s["id"]).status_code == 200
    now = get(service_call, o["id"])
    assert (now["status"], now["hold_expires_at"], now["payment_client_secret"]) == ("CANCELLED", None, None)
    assert all(a["cancelled_at"] for ln in now["lines"] for a in ln["attendees"])
    assert left(service_call, maths["id"])[1] == 4  # its places on the other date are for sale again
    with database().session() as db:
        assert db.get(Voucher, v["id"]).uses == 0  # and the voucher's use is back
    assert stripe.client.v1.payment_intents.retrieve(intent_of(o["id"])).status == "canceled"
    assert actions(o["id"]) == ["order.started", "order.session_cancelled"]
    [(to, _, body, _)] = mail()
    assert to == BURSAR.email and "nothing was charged" in body


def test_a_payment_landing_after_its_order_went_with_the_session_is_refunded(stripe, on_sale, order, service_call):
    """The card was confirmed a moment before the session was cancelled, its webhook a
    moment after: the intent can no longer be cancelled, and the payment is refunded."""
    s = on_sale()
    o = order([(s["id"], 2)]).json()
    pay_in_browser(stripe, intent_of(o["id"]))
    assert cancel(service_call, s["id"]).status_code == 200
    assert get(service_call, o["id"])["status"] == "CANCELLED"
    deliver(service_call, event_for(stripe, o["id"], "payment_intent.succeeded"))
    now = get(service_call, o["id"])
    assert (now["status"], now["paid_pence"], now["refunded_pence"]) == ("REFUNDED", 2 * PRICE, 2 * PRICE)
    assert refunded_at_stripe(stripe, intent_of(o["id"])) == 2 * PRICE


@pytest.mark.parametrize("stripe_away", [False, True])
def test_the_sessions_cancellation_never_waits_on_stripe(stripe, paid, on_sale, service_call, monkeypatch,
                                                         stripe_away):
    """Stripe is asked once the cancellation has committed, with nothing locked; Stripe
    away then, the session is cancelled all the same and the refund made later."""
    s = on_sale()
    o = paid(s["id"], 2)
    watched = Watched(stripe, o["id"], s["id"], away=stripe_away)
    monkeypatch.setattr(card, "stripe_client", lambda: watched)
    assert cancel(service_call, s["id"]).status_code == 200
    assert watched.free_at_refund == [True]
    now = get(service_call, o["id"])
    assert (now["status"], now["refunded_pence"]) == ("REFUNDED", 2 * PRICE)
    assert refunded_at_stripe(stripe, intent_of(o["id"])) == (0 if stripe_away else 2 * PRICE)
    if stripe_away:
        from datetime import datetime, timedelta, timezone

        import time_machine

        from services.bookings.tests.test_refunds_after_commit import _reconcile

        monkeypatch.undo()
        with time_machine.travel(datetime.now(timezone.utc) + timedelta(minutes=3)):
            assert _reconcile() == 1
        assert refunded_at_stripe(stripe, intent_of(o["id"])) == 2 * PRICE


def test_a_booker_cancelling_as_the_session_is_cancelled_gets_the_money_back_once(stack, stripe, paid, on_sale,
                                                                                     service_call):
    """The two at the same instant (real requests, in parallel): whichever comes first
    cancels the places and refunds them, the other finds nothing left to give back;
    neither deadlocks (both lock the order before the session)."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    import httpx

    from shared import tokens

    for _ in range(3):
        s = on_sale()
        o = paid(s["id"], 2)
        gate = Barrier(2)
        calls = [(ADMIN, f"/sessions/{s['id']}/cancel", {"reason": "Snow"}), (BURSAR, f"/orders/{o['id']}/cancel", {})]

        def call(i):
            who, path, body = calls[i]
            token = tokens.sign(who, "bookings", stack.settings.private_key_pem())
            with httpx.Client(timeout=60) as http:
                gate.wait()
                return http.post(f"{stack.bookings.url}{path}", json=body, headers={"Authorization": f"Bearer {token}"})

        with ThreadPoolExecutor(2) as pool:
            session_answer, booker_answer = pool.map(call, range(2))
        assert session_answer.status_code == 200, session_answer.text
        assert booker_answer.status_code in (200, 409), booker_answer.text
        now = get(service_call, o["id"])
        assert (now["status"], now["refunded_pence"]) == ("REFUNDED", 2 * PRICE)
        assert [r["amount_pence"] for r in now["refunds"]] == [2 * PRICE]
        assert refunded_at_stripe(stripe, intent_of(o["id"])) == 2 * PRICE

