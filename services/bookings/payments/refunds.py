"""Card refunds through Stripe's Refund API: part or all of what a card order paid, never
more, each recorded as a refund row and in the order's history.  The booker's
cancellation before the deadline refunds what was paid for those places (orders'
cancel path calls `refund_cancelled_places`); after it an admin refunds what they decide, with a
reason (`refund_order`)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, select

from services.bookings.audit import ORDER_FIELDS, log_order
from services.bookings.orders.models import Order
from services.bookings.payments import follow_up
from services.bookings.payments.card import pounds
from services.bookings.payments.models import CardPayment, OrderRefund
from shared.audit import diff, snapshot
from shared.clock import utcnow
from shared.errors import Conflict, Forbidden
from shared.tokens import Identity
from shared.vocabulary import OrderStatus, PaymentMethod

CANCELLED_IN_TIME = "Places cancelled before the session's cancellation deadline."
# A refund leaves these statuses as they are (the order holds no places): an order
# whose every penny is back is REFUNDED whatever it was.
_STILL_HOLDS_PLACES = (OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED)

_PAYMENTS = CardPayment.__table__
_TAKE_BACK = (
    sa.update(_PAYMENTS)
    .where(_PAYMENTS.c.order_id == sa.bindparam("the_order"), _PAYMENTS.c.paid_at.is_not(None),
           _PAYMENTS.c.refunded_pence + sa.bindparam("amount") <= _PAYMENTS.c.paid_pence)
    .values(refunded_pence=_PAYMENTS.c.refunded_pence + sa.bindparam("amount"))
    .returning(_PAYMENTS.c.paid_pence, _PAYMENTS.c.refunded_pence, _PAYMENTS.c.payment_intent_id)
)


def refund_card(db: Session, identity: Identity | None, order: Order, amount_pence: int, reason: str,
                idempotency_key: str | None = None) -> OrderRefund:
    """Give back `amount_pence` of what a card order paid, through Stripe.

    Guarantees: never more than was paid minus what was refunded already — one
    conditional UPDATE of the order's payment row decides, in this transaction, and
    holds that row until commit, so a second refund at the same time waits and then
    finds less left.  The refund is written owed; Stripe is asked for it only after
    this transaction commits (payments/follow_up.py, never while its row locks are
    held), and by the reconciliation should that fail — with the key recorded here,
    so Stripe makes it once.  A retry with the same idempotency key answers the refund
    made before; without one the key is `order-<id>-refund-<n>`.  The order becomes
    REFUNDED when everything is back, PARTIALLY_REFUNDED while it still holds places;
    audited (identity None: the system)."""
    if idempotency_key:
        earlier = db.exec(select(OrderRefund).where(OrderRefund.order_id == order.id,
                                                    OrderRefund.idempotency_key == idempotency_key)).first()
        if earlier is not None:
            return earlier
    db.flush()
    agreed = db.execute(_TAKE_BACK, {"the_order": order.id, "amount": amount_pence}).first()
    if agreed is None:
        raise Conflict(_too_much(db, order, amount_pence), code="refund_too_large")
    paid, refunded, intent_id = agreed
    done = db.exec(select(sa.func.count()).select_from(OrderRefund).where(OrderRefund.order_id == order.id)).one()
    key = idempotency_key or f"order-{order.id}-refund-{done + 1}"
    row = OrderRefund(order_id=order.id, amount_pence=amount_pence, reason=reason, idempotency_key=key,
                      created_by_id=identity.person_id if identity else None)
    db.add(row)
    follow_up.refunds_after_commit(db, order.id)
    before = snapshot(order, ORDER_FIELDS)
    if refunded == paid:
        order.status = OrderStatus.REFUNDED
    elif order.status in _STILL_HOLDS_PLACES:
        order.status = OrderStatus.PARTIALLY_REFUNDED
    order.updated_at = utcnow()
    db.add(order)
    db.flush()
    changes = diff(before, snapshot(order, ORDER_FIELDS))
    changes.update(refunded_pence=[refunded - amount_pence, refunded], refund_reason=[None, reason])
    log_order(db, identity, "order.refunded", order.id, changes)
    return row


def _too_much(db: Session, order: Order, amount_pence: int) -> str:
    payment = db.exec(select(CardPayment).where(CardPayment.order_id == order.id)
                      .execution_options(populate_existing=True)).first()
    if payment is None or payment.paid_at is None:
        return "Nothing has been paid on this order yet, so there is nothing to refund."
    left = payment.paid_pence - payment.refunded_pence
    if left == 0:
        return f"The {pounds(payment.paid_pence)} paid on this order has all been refunded already."
    return (f"Only {pounds(left)} of the {pounds(payment.paid_pence)} paid on this order is left to refund; "
            f"{pounds(amount_pence)} is more than that. Nothing was refunded.")


def refund_cancelled_places(db: Session, identity: Identity, order: Order, total_before: int, late: bool,
                            reason: str = CANCELLED_IN_TIME) -> OrderRefund | None:
    """After places of a paid card order are cancelled, before the deadline: what was
    paid for them back — the fall in the order's total (`total_before` less its total
    now), which counts each place at its price less its part of any voucher discount
    (vouchers.reprice_after_cancelling), never its full price when the order had a
    discount — and everything left when the whole order is cancelled.  Never more than
    is left to refund (refund_card).  After the deadline nothing here: an admin decides
    with refund_order.  The refund made (owed until this transaction commits), if any;
    `reason` says why on it (a cancelled session's places are not the booker's doing)."""
    if order.payment_method != PaymentMethod.CARD or late:
        return None
    payment = db.exec(select(CardPayment).where(CardPayment.order_id == order.id)).first()
    if payment is None or payment.paid_at is None:
        return None  # nothing paid (a hold given up): nothing to give back
    left = payment.paid_pence - payment.refunded_pence
    worth = max(total_before - order.total_pence, 0)
    amount = left if order.status == OrderStatus.CANCELLED else min(worth, left)
    return refund_card(db, identity, order, amount, reason) if amount > 0 else None


def refund_order(db: Session, identity: Identity, order_id: int, amount_pence: int, reason: str,
                 idempotency_key: str | None = None) -> Order:
    """An admin refunds part or all of a card order's payment, with a reason (after the
    deadline, when the booker can no longer cancel for a full refund).  Bookers are
    refused (403 for their own organisation's order, 404 for another's)."""
    from services.bookings.orders.service import get_order

    order = get_order(db, identity, order_id, for_update=True)
    if not identity.is_admin:
        raise Forbidden("Only Lighthouse Learning admins refund orders; to get money back, cancel places "
                        "before the session's cancellation deadline.")
    if order.payment_method != PaymentMethod.CARD:
        raise Conflict("This order was paid by invoice: it is reduced by a credit note, not a card refund.")
    refund_card(db, identity, order, amount_pence, reason, idempotency_key)
    return order
