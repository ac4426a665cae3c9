"""A credit note: money taken off an issued invoice, as a document of its own with its
own number (an invoice is never edited)."""
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field

from services.bookings.db import BookingsModel
from shared.clock import utcnow
from shared.db import utc_column


class CreditNote(BookingsModel, table=True):
    __tablename__ = "credit_note"
    __table_args__ = (
        sa.UniqueConstraint("number"),
        sa.CheckConstraint("amount_pence > 0", name="amount_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # CN-000001…, from its own gap-free counter (orders.service.next_number).
    number: int
    order_id: int = Field(sa_column=sa.Column(sa.ForeignKey("customer_order.id", ondelete="CASCADE"),
                                              nullable=False, index=True))
    amount_pence: int
    reason: str = Field(sa_column=sa.Column(sa.String(500), nullable=False))
    created_by_name: str | None = Field(default=None, sa_column=sa.Column(sa.String(160)))
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
