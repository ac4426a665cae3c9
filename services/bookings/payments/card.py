"""A card order's payment: the PaymentIntent it is paid through, and what Stripe's word
about that intent does to the order — the webhook handlers and the reconciliation job
both call `settle`, so a payment is applied the same way whichever tells us first.

Starting to pay: the order and its hold are committed first (the sessions' counters
stay locked only for that short transaction), then the intent is made at Stripe, never
while a lock is held, and kept on the order's `card_payment` row.  Stripe away: the
hold is given back at once and the booker told to try again.  A process that dies
between the two leaves a hold that lapses like any unpaid one (release_holds); a
retried start (the same idempotency key) makes the intent then.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from services.bookings.audit import ORDER_FIELDS, log_order
from services.bookings.messages import TEMPLATES, OutboxMessage
from services.bookings.orders import attendees as attendee_bookings
from services.bookings.orders.models import Order, OrderLine
from services.bookings.payments.events import handles
from services.bookings.payments.models import CardPayment, OrderRefund, StripeEvent
from services.bookings.payments.stripe_api import PaymentsUnavailable, StripePayments, intent_key, payments_for
from services.bookings.sessions.places import give_back_external_places, take_external_places
from shared.audit import diff, snapshot
from shared.clock import LONDON, utcnow
from shared.db import begin_write
from shared.outbox import enqueue
from shared.tokens import Identity
from shared.vocabulary import OrderStatus, PaymentMethod

log = logging.getLogger(__name__)

STRIPE_AWAY = "Card payments were not available when the order was started; nothing was charged."
PLACES_GONE = "The payment arrived after the hold lapsed and the places had gone."
ORDER_CANCELLED = "The payment arrived after the order was cancelled."
DECLINED = "Your card was declined."


def stripe_client() -> StripePayments:
    """The process's Stripe client (tests swap this to point at a Stripe that is away)."""
    from shared.settings import get_settings

    return payments_for(get_settings())


def pounds(pence: int) -> str:
    return f"£{pence / 100:,.2f}"


# ---------- starting to pay ----------


def open_card_payment(db: Session, identity: Identity, order: Order) -> None:
    """Give a CARD order awaiting payment its PaymentIntent (amount: the order's total,
    GBP, the order id in its metadata, the key `order-<id>-intent`), once: an order
    that has one keeps it, so a retried start never makes a second.  Called after the
    order was committed, and commits what it writes.  Stripe unreachable: the order's
    hold is given back (the order CANCELLED, its idempotency key freed for the retry)
    and PaymentsUnavailable (503) raised, so no places are left held for nothing."""
    if order.payment_method != PaymentMethod.CARD or order.status != OrderStatus.AWAITING_PAYMENT:
        return
    known = db.get(CardPayment, order.id)
    db.commit()  # no transaction (on SQLite, no lock) held while Stripe is asked
    if known is not None:
        return
    if order.total_pence <= 0:
        # A voucher took the whole price: nothing for Stripe to take, so the places are
        # confirmed now rather than held until the hold lapses and lost.
        begin_write(db)
        db.refresh(order)
        if order.status == OrderStatus.AWAITING_PAYMENT:
            before = snapshot(order, ORDER_FIELDS)
            order.status, order.hold_expires_at = OrderStatus.PAID, None
            order.paid_on, order.updated_at = utcnow().astimezone(LONDON).date(), utcnow()
            db.add(order)
            db.flush()
            log_order(db, identity, "order.nothing_to_pay", order.id, diff(before, snapshot(order, ORDER_FIELDS)))
            attendee_bookings.align(db, identity, order)
            _send_receipt(db, order)  # nothing charged, but the places confirmed: the booker is told
        db.commit()
        return
    try:
        intent = stripe_client().create_payment_intent(order.id, order.total_pence, intent_key(order.id))
    except PaymentsUnavailable:
        begin_write(db)
        _give_up_hold(db, identity, order.id)
        db.commit()
        raise
    begin_write(db)
    insert = pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
    # Two retries at once may both have asked Stripe: the first row stays, and the
    # other intent (its secret never handed out) can never be paid.
    db.execute(insert(CardPayment).values(
        order_id=order.id, payment_intent_id=intent.id, client_secret=intent.client_secret,
        booker_email=identity.email, paid_pence=0, refunded_pence=0, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["order_id"]))
    db.commit()


def _give_up_hold(db: Session, identity: Identity, order_id: int) -> None:
    table = Order.__table__
    now = utcnow()
    claimed = db.execute(
        sa.update(table).where(table.c.id == order_id, table.c.status == OrderStatus.AWAITING_PAYMENT)
        .values(status=OrderStatus.CANCELLED, hold_expires_at=None, cancel_reason=STRIPE_AWAY,
                # a retry with the same key starts afresh rather than answering this order
                idempotency_key=None, updated_at=now)).rowcount
    if not claimed:
        return
    for line in db.exec(select(OrderLine).where(OrderLine.order_id == order_id).order_by(OrderLine.session_id)):
        give_back_external_places(db, line.session_id, line.quantity)
    log_order(db, identity, "order.payment_unavailable", order_id, {
        "status": [OrderStatus.AWAITING_PAYMENT.value, OrderStatus.CANCELLED.value],
        "cancel_reason": [None, STRIPE_AWAY]})
    attendee_bookings.align(db, identity, db.get(Order, order_id, populate_existing=True))


# ---------- what Stripe says about an intent ----------


@dataclass(frozen=True)
class IntentState:
    id: str
    status: str
    amount_pence: int
    last_error: str | None = None


def settle(db: Session, order_id: int, intent: IntentState) -> str:
    """Apply where Stripe says an order's intent stands, in the caller's write
    transaction; the same answer twice, or in any order, ends in the same state,
    because it decides from the order's state, never from what arrived last.

    Succeeded, the order AWAITING_PAYMENT: PAID.  Succeeded after the hold lapsed
    (EXPIRED): the places are taken again if still free (the same conditional UPDATE
    orders use, all of them or none) and the order is PAID.  Either way PAID, the
    booker gets the receipt by email, once (invoices/receipts.py); otherwise — or when the
    order was cancelled meanwhile — the money is refunded in full (owed here, made at
    Stripe once this transaction commits), the order REFUNDED and the booker told by
    email.  A payment already recorded is never
    recorded again.  Failed: Stripe's sentence kept for the booker while the order
    awaits payment; its hold is left to lapse.  Returns what happened (paid, refunded,
    failed, unchanged, unknown)."""
    order = db.exec(select(Order).where(Order.id == order_id).with_for_update()).first()
    payment = db.exec(select(CardPayment).where(CardPayment.order_id == order_id).with_for_update()).first()
    if order is None or payment is None or payment.payment_intent_id != intent.id:
        log.warning("Stripe told of intent %s for order %s, which this service never handed out", intent.id,
                    order_id)
        return "unknown"
    if intent.status == "succeeded":
        if payment.paid_at is not None:
            return "unchanged"
        payment.paid_pence, payment.paid_at, payment.last_error = intent.amount_pence, utcnow(), None
        db.add(payment)
        db.flush()
        if order.status == OrderStatus.AWAITING_PAYMENT:
            _confirm(db, order, intent, "order.paid")
            return "paid"
        if order.status == OrderStatus.EXPIRED and _take_places_again(db, order):
            _confirm(db, order, intent, "order.paid_after_lapse")
            return "paid"
        _refund_unplaced(db, order, payment)
        return "refunded"
    if intent.last_error and order.status == OrderStatus.AWAITING_PAYMENT and payment.paid_at is None \
            and payment.last_error != intent.last_error:
        log_order(db, None, "order.payment_failed", order.id, {"payment_error": [payment.last_error,
                                                                                 intent.last_error]})
        payment.last_error = intent.last_error[:500]
        db.add(payment)
        db.flush()
        return "failed"
    return "unchanged"


def _confirm(db: Session, order: Order, intent: IntentState, action: str) -> None:
    before = snapshot(order, ORDER_FIELDS)
    order.status, order.hold_expires_at = OrderStatus.PAID, None
    order.paid_on, order.payment_reference = utcnow().astimezone(LONDON).date(), intent.id
    order.updated_at = utcnow()
    db.add(order)
    db.flush()
    log_order(db, None, action, order.id, diff(before, snapshot(order, ORDER_FIELDS)))
    attendee_bookings.align(db, None, order)
    _send_receipt(db, order)


def _send_receipt(db: Session, order: Order) -> None:
    # Imported here: the documents feature reads orders, which reach back into payments.
    from services.bookings.invoices.receipts import order_paid

    order_paid(db, order)


def _take_places_again(db: Session, order: Order) -> bool:
    """The lapsed order's places, all of them or none (what one line took is given back
    if a later line finds its session full)."""
    now = utcnow()
    lines = db.exec(select(OrderLine).where(OrderLine.order_id == order.id, OrderLine.quantity > 0)
                    .order_by(OrderLine.session_id)).all()
    taken = []
    for line in lines:
        if not take_external_places(db, line.session_id, line.quantity, now):
            for earlier in taken:
                give_back_external_places(db, earlier.session_id, earlier.quantity)
            return False
        taken.append(line)
    return bool(taken)


def _refund_unplaced(db: Session, order: Order, payment: CardPayment) -> None:
    from services.bookings.payments.refunds import refund_card

    cancelled = order.status == OrderStatus.CANCELLED
    refund_card(db, None, order, payment.paid_pence, ORDER_CANCELLED if cancelled else PLACES_GONE,
                f"order-{order.id}-refund-unplaced")
    if payment.booker_email:
        from shared.settings import get_settings

        enqueue(db, OutboxMessage, payment.booker_email, TEMPLATES.render(
            "payment_refunded", order=order, amount=pounds(payment.paid_pence), cancelled=cancelled,
            hold_minutes=get_settings().order_hold_minutes))


def _from_event(row: StripeEvent, status: str | None = None) -> IntentState:
    obj = row.payload
    error = obj.get("last_payment_error") or {}
    return IntentState(id=str(obj.get("id")), status=status or str(obj.get("status")),
                       amount_pence=int(obj.get("amount_received") or obj.get("amount") or 0),
                       last_error=(error.get("message") if isinstance(error, dict) else None) or DECLINED)


@handles("payment_intent.succeeded")
def _succeeded(db: Session, row: StripeEvent) -> None:
    if row.order_id is not None:
        settle(db, row.order_id, _from_event(row, "succeeded"))


@handles("payment_intent.payment_failed")
def _failed(db: Session, row: StripeEvent) -> None:
    if row.order_id is not None:
        # whatever the payload's status says, this event is about a failure; a success
        # already recorded is left alone by settle
        settle(db, row.order_id, _from_event(row, "requires_payment_method"))


# ---------- the reconciliation ----------


def reconcile(db: Session, payments: StripePayments, quiet_for: timedelta = timedelta(minutes=2),
              lapsed_within: timedelta = timedelta(days=1)) -> int:
    """Ask Stripe about card orders whose webhook never came — awaiting payment, or
    lapsed or cancelled within `lapsed_within`, their intent older than `quiet_for`
    (the webhook's usual time to arrive) and no payment recorded — and settle each as
    the webhook would have.  One short write transaction per order, Stripe asked
    outside any; run twice, or alongside the webhooks, nothing is applied twice.
    Returns how many orders it settled (paid or refunded)."""
    now = utcnow()
    due = db.exec(
        select(CardPayment.order_id, CardPayment.payment_intent_id)
        .join(Order, Order.id == CardPayment.order_id)
        .where(CardPayment.paid_at.is_(None), CardPayment.created_at <= now - quiet_for,
               sa.or_(Order.status == OrderStatus.AWAITING_PAYMENT,
                      sa.and_(Order.status.in_([OrderStatus.EXPIRED, OrderStatus.CANCELLED]),
                              Order.updated_at >= now - lapsed_within)))
        .order_by(CardPayment.order_id)).all()
    db.commit()
    settled = 0
    for order_id, intent_id in due:
        try:
            intent = payments.retrieve_payment_intent(intent_id)
        except PaymentsUnavailable:
            log.warning("Stripe unavailable: the reconciliation stops and tries again next time")
            break
        if intent.status != "succeeded" and not intent.last_error:
            continue
        begin_write(db)
        # A refund settle decides is owed here and asked of Stripe after this commit
        # (payments/follow_up.py); if Stripe is away then, the next run makes it.
        outcome = settle(db, order_id, IntentState(intent.id, intent.status, intent.amount_pence,
                                                   intent.last_error))
        db.commit()
        settled += outcome in ("paid", "refunded")
    return settled


# ---------- what an order's page shows ----------


def payment_facts(db: Session, orders: list[Order], viewer_organisation: int | None) -> dict[int, dict]:
    """Each card order's payment as its page shows it, in two queries however many
    orders.  The client secret (what Stripe.js needs to take the card) only for the
    order's own organisation's bookers, and only while it awaits payment."""
    ids = [o.id for o in orders if o.payment_method == PaymentMethod.CARD]
    if not ids:
        return {}
    payments = {p.order_id: p for p in db.exec(select(CardPayment).where(CardPayment.order_id.in_(ids)))}
    refunds: dict[int, list[dict]] = {}
    for r in db.exec(select(OrderRefund).where(OrderRefund.order_id.in_(ids)).order_by(OrderRefund.id)):
        refunds.setdefault(r.order_id, []).append(
            {"id": r.id, "amount_pence": r.amount_pence, "reason": r.reason, "created_at": r.created_at,
             "stripe_refund_id": r.stripe_refund_id})
    out = {}
    for o in orders:
        p = payments.get(o.id)
        if p is None:
            continue
        own = viewer_organisation is not None and viewer_organisation == o.organisation_id
        out[o.id] = {
            "payment_client_secret": p.client_secret if own and o.status == OrderStatus.AWAITING_PAYMENT else None,
            "payment_error": p.last_error if o.status == OrderStatus.AWAITING_PAYMENT else None,
            "paid_pence": p.paid_pence, "refunded_pence": p.refunded_pence, "refunds": refunds.get(o.id, [])}
    return out
