"""Stripe's webhook events as bookings received them: one row per event id, ever."""
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
