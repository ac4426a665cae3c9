"""Income from places sold to schools outside the trust, by period (the terms of a
year, for the admins' income page): the figure the trust's strategy tracks.

Money counts in the period it moved: a card order when Stripe took the payment, an
invoiced order when its invoice was issued (the trust's income is earned then, paid or
not yet: what is still unpaid is shown beside it), a refund or credit note when it was
made.  Net is sales less refunds and credits, so a term's figure never changes
because of what happened in a later one."""
from __future__ import annotations

import bisect
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from services.bookings.invoices.models import CreditNote
from services.bookings.orders.models import Order
from services.bookings.payments.models import CardPayment, OrderRefund
from services.bookings.periods import starts_of
from shared.clock import as_utc
from shared.errors import Forbidden
from shared.tokens import Identity
from shared.vocabulary import OrderStatus, PaymentMethod


def income(db: Session, identity: Identity, bounds: list[date]) -> list[dict]:
    """One row per period: card sales, invoiced sales, refunds and credits, net, and
    what of the period's invoices is still unpaid (all integer pence).  Admins only.
    Five queries, however many orders."""
    if not identity.is_admin:
        raise Forbidden("Income is for Lighthouse Learning admins.")
    starts = starts_of(bounds)
    first, last = starts[0], starts[-1]
    rows = [{"starts_on": b.isoformat(), "card_pence": 0, "invoice_pence": 0, "refunded_pence": 0,
             "unpaid_pence": 0} for b in bounds[:-1]]

    def add(when, field: str, pence: int) -> None:
        period = bisect.bisect_right(starts, as_utc(when)) - 1
        if 0 <= period < len(rows):
            rows[period][field] += pence

    for when, pence in db.exec(select(CardPayment.paid_at, CardPayment.paid_pence).where(
            CardPayment.paid_at >= first, CardPayment.paid_at < last)).all():
        add(when, "card_pence", pence)
    for when, pence, status in db.exec(select(Order.created_at, Order.invoiced_pence, Order.status).where(
            Order.payment_method == PaymentMethod.INVOICE, Order.invoice_number.is_not(None),
            Order.created_at >= first, Order.created_at < last)).all():
        add(when, "invoice_pence", pence or 0)
        if status == OrderStatus.INVOICED:
            add(when, "unpaid_pence", pence or 0)
    for table in (OrderRefund, CreditNote):
        for when, pence in db.exec(select(table.created_at, table.amount_pence).where(
                table.created_at >= first, table.created_at < last)).all():
            add(when, "refunded_pence", pence)
    # An unpaid invoice's credit notes reduce what is still owed, never below nothing.
    owed = db.exec(select(Order.created_at, sa.func.coalesce(sa.func.sum(CreditNote.amount_pence), 0))
                   .join(CreditNote, CreditNote.order_id == Order.id)
                   .where(Order.status == OrderStatus.INVOICED, Order.created_at >= first, Order.created_at < last)
                   .group_by(Order.id, Order.created_at)).all()
    for when, credited in owed:
        add(when, "unpaid_pence", -credited)
    for row in rows:
        row["unpaid_pence"] = max(row["unpaid_pence"], 0)
        row["net_pence"] = row["card_pence"] + row["invoice_pence"] - row["refunded_pence"]
    return rows
