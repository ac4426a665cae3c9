"""A voucher, and each use of it by an order."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field

from services.bookings.db import BookingsModel
from shared.clock import utcnow
from shared.db import utc_column


class Voucher(BookingsModel, table=True):
    """A code taking a percentage or a fixed sum off an order's eligible lines.  `uses`
    is the count the limit is kept by: moved only by conditional UPDATEs (see
    vouchers/service.py), and the database refuses a count above `max_uses` too."""

    __tablename__ = "voucher"
    __table_args__ = (
        # Codes are stored upper-case, so this makes them unique whatever the case typed.
        sa.UniqueConstraint("code"),
        sa.CheckConstraint("(percent_off IS NULL) != (amount_off_pence IS NULL)", name="percent_or_amount"),
        sa.CheckConstraint("percent_off IS NULL OR (percent_off BETWEEN 1 AND 100)", name="percent_in_range"),
        sa.CheckConstraint("amount_off_pence IS NULL OR amount_off_pence > 0", name="amount_positive"),
        sa.CheckConstraint("uses >= 0 AND uses <= max_uses AND max_uses >= 1", name="uses_within_limit"),
        sa.CheckConstraint("valid_until >= valid_from", name="window_in_order"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_column=sa.Column(sa.String(40), nullable=False))
    percent_off: int | None = None
    amount_off_pence: int | None = None
    # The catalogue's course ids it applies to; NULL for every course.
    course_ids: list[int] | None = Field(default=None, sa_column=sa.Column(sa.JSON, nullable=True))
    max_uses: int
    uses: int = 0
    # Days in Europe/London, both included.
    valid_from: date = Field(sa_column=sa.Column(sa.Date, nullable=False))
    valid_until: date = Field(sa_column=sa.Column(sa.Date, nullable=False))
    created_by_id: int
    created_by_name: str = Field(sa_column=sa.Column(sa.String(160), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())


class VoucherUse(BookingsModel, table=True):
    """One order's use of a voucher (an order uses one voucher at most).  A use given
    back (the order cancelled or its hold lapsed) keeps its row, stamped, so the
    admin still sees it."""

    __tablename__ = "voucher_use"
    __table_args__ = (
        sa.UniqueConstraint("order_id"),
        sa.Index("ix_voucher_use_voucher", "voucher_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    voucher_id: int = Field(sa_column=sa.Column(sa.ForeignKey("voucher.id"), nullable=False))
    order_id: int = Field(sa_column=sa.Column(sa.ForeignKey("customer_order.id", ondelete="CASCADE"),
                                              nullable=False))
    organisation_id: int
    discount_pence: int
    used_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    given_back_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
