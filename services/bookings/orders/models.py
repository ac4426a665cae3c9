"""An order, its lines (one per session, the price fixed when ordered) and its
attendees (a place each), and the counter invoice numbers come from."""
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field

from services.bookings.db import BookingsModel
from shared.clock import utcnow
from shared.db import text_enum, utc_column
from shared.vocabulary import OrderStatus, PaymentMethod

# An order in these states holds its places (AWAITING_PAYMENT until its hold lapses;
# PARTIALLY_REFUNDED: paid, some money given back, the rest of its places kept).
HOLDS_PLACES = (OrderStatus.AWAITING_PAYMENT, OrderStatus.INVOICED, OrderStatus.PAID,
                OrderStatus.PARTIALLY_REFUNDED)


class Order(BookingsModel, table=True):
    """What one school outside the trust bought (or is buying) in one go.  Money is
    integer pence, GBP."""

    __tablename__ = "customer_order"
    __table_args__ = (
        sa.UniqueConstraint("created_by_id", "idempotency_key"),
        sa.UniqueConstraint("invoice_number"),
        sa.CheckConstraint("total_pence >= 0 AND discount_pence >= 0", name="money_not_negative"),
        sa.CheckConstraint("status != 'AWAITING_PAYMENT' OR hold_expires_at IS NOT NULL", name="a_hold_lapses"),
        sa.Index("ix_customer_order_lapsing", "status", "hold_expires_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # Organisations live in the gateway: this is its id, taken from the caller's token.
    organisation_id: int = Field(index=True)
    status: OrderStatus = Field(sa_column=sa.Column(text_enum(OrderStatus, "status"), nullable=False))
    payment_method: PaymentMethod = Field(sa_column=sa.Column(text_enum(PaymentMethod, "payment_method"),
                                                              nullable=False))
    purchase_order_number: str | None = Field(default=None, sa_column=sa.Column(sa.String(60)))
    # What the order's live places are worth now, after any discount.
    total_pence: int = 0
    discount_pence: int = 0
    # What the invoice said when it was issued: an invoice is never edited (a reduction
    # is a credit note against it).
    invoiced_pence: int | None = None
    invoice_number: int | None = None
    hold_expires_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    paid_on: date | None = Field(default=None, sa_column=sa.Column(sa.Date))
    payment_reference: str | None = Field(default=None, sa_column=sa.Column(sa.String(100)))
    cancel_reason: str | None = Field(default=None, sa_column=sa.Column(sa.String(500)))
    created_by_id: int
    created_by_name: str = Field(sa_column=sa.Column(sa.String(160), nullable=False))
    # Where the booker's invoice, receipt and credit notes go (as their token said).
    created_by_email: str | None = Field(default=None, sa_column=sa.Column(sa.String(254)))
    idempotency_key: str | None = Field(default=None, sa_column=sa.Column(sa.String(100)))
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())


class OrderLine(BookingsModel, table=True):
    """An order's places on one session, at the price of the day it was ordered."""

    __tablename__ = "order_line"
    __table_args__ = (
        sa.UniqueConstraint("order_id", "session_id"),
        sa.CheckConstraint("quantity >= 0 AND unit_price_pence >= 0", name="quantity_and_price_not_negative"),
        sa.CheckConstraint("discount_share_pence >= 0", name="discount_share_not_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(sa_column=sa.Column(sa.ForeignKey("customer_order.id", ondelete="CASCADE"),
                                              nullable=False, index=True))
    session_id: int = Field(sa_column=sa.Column(sa.ForeignKey("course_session.id"), nullable=False, index=True))
    unit_price_pence: int
    # Places the line still holds (its attendees not cancelled).  The places it was
    # ordered with are its attendees, cancelled ones included (never deleted).
    quantity: int
    # This line's share of the order's voucher discount as ordered, fixed then and never
    # changed: a cancelled place takes its part of the share with it (vouchers/service.py),
    # so what is given back for a place is what was paid for it, whichever way the
    # cancellations fall, and they add up to exactly what was paid.
    discount_share_pence: int = Field(default=0, sa_column=sa.Column(sa.Integer, nullable=False,
                                                                     server_default="0"))


class OrderAttendee(BookingsModel, table=True):
    """A named person on a line's place: substituted by a new name and email on the same
    place, cancelled by stamping `cancelled_at` (the place goes back)."""

    __tablename__ = "order_attendee"

    id: int | None = Field(default=None, primary_key=True)
    line_id: int = Field(sa_column=sa.Column(sa.ForeignKey("order_line.id", ondelete="CASCADE"),
                                             nullable=False, index=True))
    name: str = Field(sa_column=sa.Column(sa.String(160), nullable=False))
    email: str = Field(sa_column=sa.Column(sa.String(254), nullable=False))
    cancelled_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class InvoiceCounter(BookingsModel, table=True):
    """The last number a sequence of documents handed out.  Moved only by an UPDATE …
    RETURNING in the transaction that issues the document, so a number is never given
    twice and a rolled-back order gives its number back (a database sequence would
    leave a gap)."""

    __tablename__ = "document_counter"

    name: str = Field(sa_column=sa.Column(sa.String(20), primary_key=True))
    last: int = 0
