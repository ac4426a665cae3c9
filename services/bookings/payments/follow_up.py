"""What bookings asks Stripe once a change has committed, never inside the transaction
that made it: that transaction holds row locks (the order's, its payment's, a
session's place counters; on SQLite the whole database's write lock), and a Stripe
call can take seconds, so every other booking of the session would queue behind it.

- Refunds owed.  `refunds.refund_card` decides a refund and writes it, owed, in the
  caller's transaction (the payment's `refunded_pence` already counts it, so nothing
  can refund the same money twice).  Straight after that transaction commits,
  `make_owed_refunds` asks Stripe for it with its idempotency key; the reconciliation
  job asks again for any still owed (Stripe away, or the process died in between).
- The PaymentIntent of an order cancelled before it was paid (its session was
  cancelled): cancelled at Stripe so that it can no longer be paid.  Best effort: a
  payment that lands anyway is refunded in full when its webhook, or the
  reconciliation, reports it (card.settle).

And before a change that may give money back, `ask_stripe_first`: when Stripe is away
the change is refused whole (503, nothing changed), rather than saved with its
refund left owed for later.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
import stripe
from sqlmodel import Session, select

from services.bookings.orders.models import Order
from services.bookings.payments import card
from services.bookings.payments.models import CardPayment, OrderRefund
from services.bookings.payments.stripe_api import PaymentsUnavailable, StripePayments
from shared.clock import utcnow
from shared.db import CHECK_ONLY, after_commit, begin_write
from shared.tokens import Identity
from shared.vocabulary import OrderStatus

log = logging.getLogger(__name__)

# How long a process that took an owed refund on has to ask Stripe before another may
# (it may have died asking): longer than Stripe's timeout with the library's one retry.
CLAIM_FOR = timedelta(minutes=5)
# What the reconciliation leaves to the follow-up straight after a commit.
OWED_QUIETLY_FOR = timedelta(minutes=2)

_REFUNDS = OrderRefund.__table__


# ---------- after a commit ----------


def refunds_after_commit(db: Session, order_id: int) -> None:
    """Ask Stripe for the order's owed refunds once `db`'s transaction commits (and not
    at all if it rolls back: the refund rows go with it)."""
    after_commit(db, ("stripe: owed refunds", order_id),
                 lambda: _outside(lambda s, p: make_owed_refunds(s, p, [order_id])))


def give_up_intent_after_commit(db: Session, order_id: int) -> None:
    """Cancel the (cancelled, unpaid) order's PaymentIntent at Stripe once `db`'s
    transaction commits."""
    after_commit(db, ("stripe: give up intent", order_id),
                 lambda: _outside(lambda s, p: give_up_intents(s, p, [order_id])))


def commit_before_answering(db: Session) -> None:
    """Commit the request's change now, so the refunds it owes are asked of Stripe
    before its answer is shaped (and the answer shows them made); a request that only
    checks is left to roll back as usual."""
    if not db.info.get(CHECK_ONLY):
        db.commit()


def _outside(work: Callable[[Session, StripePayments], int]) -> None:
    """Run `work` in a session of its own: the request's transaction has committed, and
    a failure here must not turn its answer into an error (the change is saved)."""
    from services.bookings.db import database

    try:
        with database().session() as db:
            work(db, card.stripe_client())
    except Exception:  # noqa: BLE001 - what is owed stays owed; the reconciliation asks again
        log.warning("Stripe was not asked after the commit; the reconciliation will ask", exc_info=True)


# ---------- refunds owed ----------


def make_owed_refunds(db: Session, payments: StripePayments, order_ids: list[int] | None = None,
                      owed_for: timedelta = timedelta(0)) -> int:
    """Ask Stripe to make the refunds still owed — of `order_ids`, or every one owed for
    at least `owed_for` — each with its own idempotency key.  A refund is taken on by a
    conditional UPDATE committed before Stripe is asked, so two processes never ask for
    the same one at once (localstripe, unlike Stripe, ignores the key); one that died
    asking leaves it to be taken on again after CLAIM_FOR.  No transaction is open while
    Stripe answers.  Stripe away: the rest wait for the next run.  Returns how many were
    made."""
    where = [OrderRefund.stripe_refund_id.is_(None), OrderRefund.created_at <= utcnow() - owed_for]
    if order_ids is not None:
        where.append(OrderRefund.order_id.in_(order_ids))
    owed = db.exec(select(OrderRefund.id, OrderRefund.order_id, OrderRefund.amount_pence,
                          OrderRefund.idempotency_key, CardPayment.payment_intent_id)
                   .join(CardPayment, CardPayment.order_id == OrderRefund.order_id)
                   .where(*where).order_by(OrderRefund.id)).all()
    db.commit()
    made = 0
    for refund_id, order_id, amount, key, intent_id in owed:
        if not _take_on(db, refund_id):
            continue
        try:
            done = payments.refund(intent_id, amount, stripe_key(order_id, key))
        except PaymentsUnavailable:
            _not_made(db, refund_id, "Stripe could not be reached.")
            break
        except stripe.StripeError as exc:
            # Stripe refused it (a disputed charge, say): asking again will not change
            # that, but an admin finds why on the refund, and the log says so now.
            log.error("Stripe refused owed refund %s (%s): %s", refund_id, key, exc.user_message or exc)
            _not_made(db, refund_id, str(exc.user_message or exc))
            continue
        _write(db, sa.update(_REFUNDS).where(_REFUNDS.c.id == refund_id, _REFUNDS.c.stripe_refund_id.is_(None))
               .values(stripe_refund_id=done.id, last_error=None))
        made += 1
    return made


def stripe_key(order_id: int, key: str) -> str:
    """The idempotency key Stripe sees for an order's refund.  Ours are unique per order
    only (an admin may send "r1" for every order), and Stripe's are per account: a key
    of one order's refund reused for another's would be answered with the first, or
    refused, and the second never made.  So a key not already the order's own is
    prefixed with it."""
    own = f"order-{order_id}-"
    return key if key.startswith(own) else own + key


def _take_on(db: Session, refund_id: int) -> bool:
    now = utcnow()
    return _write(db, sa.update(_REFUNDS).where(
        _REFUNDS.c.id == refund_id, _REFUNDS.c.stripe_refund_id.is_(None),
        sa.or_(_REFUNDS.c.attempted_at.is_(None), _REFUNDS.c.attempted_at < now - CLAIM_FOR))
        .values(attempted_at=now)) == 1


def _not_made(db: Session, refund_id: int, why: str) -> None:
    # let go at once: the next run (the reconciliation) may ask again without waiting
    _write(db, sa.update(_REFUNDS).where(_REFUNDS.c.id == refund_id, _REFUNDS.c.stripe_refund_id.is_(None))
           .values(attempted_at=None, last_error=why[:500]))


def _write(db: Session, statement) -> int:
    """One statement in a short write transaction of its own."""
    begin_write(db)
    count = db.execute(statement).rowcount
    db.commit()
    return count


# ---------- intents nobody may pay any more ----------


def give_up_intents(db: Session, payments: StripePayments, order_ids: list[int]) -> int:
    """Cancel at Stripe the PaymentIntents of those of `order_ids` that were cancelled
    before any payment was recorded.  Stripe refusing (the card was paid a moment ago)
    or away is logged and left: that payment is refunded by card.settle when it is
    reported.  Returns how many were cancelled."""
    intents = db.exec(select(CardPayment.payment_intent_id).join(Order, Order.id == CardPayment.order_id)
                      .where(CardPayment.order_id.in_(order_ids), CardPayment.paid_at.is_(None),
                             Order.status == OrderStatus.CANCELLED)).all()
    db.commit()
    cancelled = 0
    for intent_id in intents:
        try:
            payments.cancel_payment_intent(intent_id)
            cancelled += 1
        except (PaymentsUnavailable, stripe.StripeError) as exc:
            log.info("PaymentIntent %s of a cancelled order not cancelled at Stripe: %s", intent_id, exc)
    return cancelled


# ---------- before a change that may give money back ----------


def ask_stripe_first(db: Session, identity: Identity, order_id: int) -> None:
    """Before cancelling places on, or refunding, a card order that has money to give
    back: ask Stripe, outside any transaction, where its payment stands, so that when
    Stripe is away the change is refused whole (PaymentsUnavailable, 503) rather than
    saved with its refund owed until Stripe returns.  (Stripe going away between this
    and the commit is rarer still; the refund is then made by the reconciliation.)
    Only for an order the caller may see: anyone else is answered as the change would
    answer them, and learns nothing from a 503.  Call it before `begin_write`."""
    from services.bookings.orders.service import get_order

    try:
        get_order(db, identity, order_id)
        intent_id = db.exec(select(CardPayment.payment_intent_id).where(
            CardPayment.order_id == order_id, CardPayment.paid_at.is_not(None),
            CardPayment.refunded_pence < CardPayment.paid_pence)).first()
    finally:
        db.rollback()  # the read ends here: nothing is held while Stripe answers
    if intent_id is not None:
        card.stripe_client().retrieve_payment_intent(intent_id)
