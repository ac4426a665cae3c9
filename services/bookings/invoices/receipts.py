"""A card order's receipt, drawn from the invoices' template (documents.py) with the
invoices' pieces — the order as bought (ordered_rows), whom it is addressed to, the
outbox email that carries it — so a school's finance office gets one kind of document
whichever way it paid.

It says what was paid, when, Stripe's reference for the payment (the PaymentIntent's
id, which is what Stripe, the bank and our reconciliation all know it by), the places
and the discount as bought, and every refund made since.  Drawn from what is stored,
so it is the same document each time, until a refund adds its line.

The payments feature calls in once, when a card order becomes PAID (`order_paid`).
"""
from __future__ import annotations

from sqlmodel import Session, select

from services.bookings.invoices.documents import Document, Row, day, money, render
from services.bookings.invoices.service import billed_to, email_document, london_day, order_references, ordered_rows
from services.bookings.orders import service as orders
from services.bookings.orders.models import Order
from services.bookings.payments.models import CardPayment, OrderRefund
from shared.clock import LONDON, as_utc
from shared.errors import NotFound
from shared.tokens import Identity
from shared.vocabulary import PaymentMethod

NOTHING_CHARGED = "A voucher took the whole price, so nothing was charged to a card."


def _settings():
    from shared.settings import get_settings

    return get_settings()


def _when(value) -> str:
    moment = as_utc(value).astimezone(LONDON)
    return f"{day(moment.date())} at {moment:%H:%M}"


def receipt_name(order: Order) -> str:
    return f"receipt-order-{order.id}.pdf"


def _payment(db: Session, order: Order) -> CardPayment | None:
    """The order's card payment, if money was taken; None for an order a voucher made
    free (PAID with nothing charged).  NotFound when there is nothing to receipt."""
    if order.payment_method != PaymentMethod.CARD:
        raise NotFound("This order was bought on account: its invoice and credit notes are its documents.")
    payment = db.get(CardPayment, order.id)
    if payment is not None and payment.paid_at is not None:
        return payment
    if payment is None and order.paid_on is not None:
        return None
    raise NotFound("Nothing has been paid on this order yet, so it has no receipt.")


def receipt_document(db: Session, order: Order, payment: CardPayment | None) -> Document:
    """The receipt of a card order: the places and discount as bought, what the card
    paid (Stripe's figure, the money actually taken), and each refund since."""
    settings = _settings()
    bill_to, _ = billed_to(db, order)
    refunds = [] if payment is None else db.exec(
        select(OrderRefund).where(OrderRefund.order_id == order.id).order_by(OrderRefund.id)).all()
    paid = 0 if payment is None else payment.paid_pence
    references = order_references(order)
    if payment is None:
        references.append(("Paid", day(order.paid_on)))
        notes = [NOTHING_CHARGED]
    else:
        references += [("Paid", _when(payment.paid_at)), ("Card payment", payment.payment_intent_id)]
        notes = [f"Paid by card on {_when(payment.paid_at)}: {money(paid)}, card payment reference "
                 f"{payment.payment_intent_id}. Please quote it if you contact us about this payment."]
    if refunds:
        notes.append("Refunds go back to the card that paid; they usually reach the account within 5 to 10 "
                     "working days.")
    return Document(
        title="Receipt", number=f"for order {order.id}",
        issued_on=london_day(payment.paid_at) if payment is not None else order.paid_on,
        issuer_name=settings.trust_name, issuer_address=settings.trust_address, vat_status=settings.vat_status,
        bill_to=bill_to, references=references, rows=ordered_rows(db, order), total_label="Total paid",
        total_pence=paid, notes=notes,
        after_total=[Row(f"Refund on {day(london_day(r.created_at))}: {r.reason}", "", None, None, -r.amount_pence)
                     for r in refunds],
        net_label="Paid, less refunds")


def receipt_pdf(db: Session, identity: Identity, order_id: int) -> tuple[str, bytes]:
    """The card order's receipt, for its organisation's bookers and admins (anyone else
    finds nothing, as for an invoice); none until it is paid, none for an invoiced order."""
    order = orders.get_order(db, identity, order_id)
    payment = _payment(db, order)
    return receipt_name(order), render(receipt_document(db, order, payment))


def order_paid(db: Session, order: Order) -> None:
    """A card order has just become PAID: its receipt, as a PDF, to the booker and the
    organisation's finance office, through the outbox in the same transaction (a
    payment that rolls back sends nothing; Stripe's retried event, finding the payment
    recorded, never reaches here again)."""
    payment = _payment(db, order)
    email_document(db, order, "card_receipt", (receipt_name(order), render(receipt_document(db, order, payment))),
                   paid=money(0 if payment is None else payment.paid_pence),
                   paid_at=_when(payment.paid_at) if payment is not None else day(order.paid_on),
                   reference=None if payment is None else payment.payment_intent_id)
