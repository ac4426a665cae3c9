"""Stripe's webhook events as bookings received them (one row per event id, ever), and
what card orders paid and were refunded."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field

from services.bookings.db import BookingsModel
from shared.clock import utcnow
from shared.db import utc_column


class StripeEvent(BookingsModel, table=True):
    """An event Stripe sent (the gateway checked its signature).  The unique event id is
    what makes a second delivery (Stripe retries, and may send one event twice at the
    same instant) record and apply nothing."""

    __tablename__ = "stripe_event"
    __table_args__ = (
        sa.UniqueConstraint("event_id", name="uq_stripe_event_event_id"),
        # the events of one PaymentIntent, for the reconciliation and an order's history
        sa.Index("ix_stripe_event_payment_intent", "payment_intent_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(sa_column=sa.Column(sa.String(255), nullable=False))  # evt_…
    type: str = Field(sa_column=sa.Column(sa.String(100), nullable=False))
    # When Stripe made it: events may arrive in any order, this says which came first.
    created_at: datetime = Field(sa_column=utc_column())
    received_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    payment_intent_id: str | None = Field(default=None, sa_column=sa.Column(sa.String(255)))
    order_id: int | None = Field(default=None, sa_column=sa.Column(sa.Integer))
    # "applied" (a handler ran) or "ignored" (a type nothing here acts on)
    outcome: str = Field(sa_column=sa.Column(sa.String(10), nullable=False))
    # The object as Stripe sent it (a PaymentIntent holds no card number).
    payload: dict = Field(default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False))


class CardPayment(BookingsModel, table=True):
    """A card order's PaymentIntent and the money it moved: one row per order, made when
    the intent is (so an order never gets a second intent, however often starting to
    pay is retried: localstripe, unlike Stripe, ignores idempotency keys).

    `refunded_pence` moves only by a conditional UPDATE that never lets it pass
    `paid_pence` (refunds.py), and the CHECK holds the same line should anything else
    try: two refunds at once can never give back more than was paid."""

    __tablename__ = "card_payment"
    __table_args__ = (
        sa.UniqueConstraint("payment_intent_id", name="uq_card_payment_payment_intent_id"),
        sa.CheckConstraint("paid_pence >= 0 AND refunded_pence >= 0 AND refunded_pence <= paid_pence",
                           name="refunds_within_what_was_paid"),
    )

    order_id: int = Field(sa_column=sa.Column(sa.ForeignKey("customer_order.id", ondelete="CASCADE"),
                                              primary_key=True))
    payment_intent_id: str = Field(sa_column=sa.Column(sa.String(255), nullable=False))
    # Handed to Stripe.js on the card page, to the order's own bookers only, while the
    # order awaits payment (it lets a browser confirm this one intent, nothing more).
    client_secret: str = Field(sa_column=sa.Column(sa.String(255), nullable=False))
    # Who started paying: the person told if the payment has to be refunded (a snapshot,
    # as people are the gateway's).
    booker_email: str | None = Field(default=None, sa_column=sa.Column(sa.String(254)))
    paid_pence: int = 0
    refunded_pence: int = 0
    paid_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    # Stripe's sentence for the last failed attempt (a declined card), for the booker.
    last_error: str | None = Field(default=None, sa_column=sa.Column(sa.String(500)))
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())


class OrderRefund(BookingsModel, table=True):
    """Money given back on a card order through Stripe's Refund API.  The idempotency key
    is unique per order, so a retried refund request answers the refund already made.

    A row is written in the transaction that decides the refund (and counts it in the
    payment's `refunded_pence`), before Stripe is asked: until Stripe has made it,
    `stripe_refund_id` is null and the refund is *owed*.  Stripe is asked after the
    commit (payments/follow_up.py), never while the transaction's row locks are held,
    and again by the reconciliation if that attempt failed or the process died; the
    same idempotency key each time, so Stripe makes it once."""

    __tablename__ = "order_refund"
    __table_args__ = (
        sa.UniqueConstraint("order_id", "idempotency_key", name="uq_order_refund_order_id_idempotency_key"),
        sa.CheckConstraint("amount_pence > 0", name="amount_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(sa_column=sa.Column(sa.ForeignKey("customer_order.id", ondelete="CASCADE"),
                                              nullable=False, index=True))
    amount_pence: int
    reason: str = Field(sa_column=sa.Column(sa.String(500), nullable=False))
    idempotency_key: str = Field(sa_column=sa.Column(sa.String(100), nullable=False))
    # re_…, once Stripe has made it; null while it is owed.
    stripe_refund_id: str | None = Field(default=None, sa_column=sa.Column(sa.String(255)))
    # When a process last took it on to ask Stripe (so two never ask at once), and what
    # Stripe said if it did not make it.
    attempted_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    last_error: str | None = Field(default=None, sa_column=sa.Column(sa.String(500)))
    # None: the system (a payment that landed after its places had gone).
    created_by_id: int | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
