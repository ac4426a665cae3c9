"""The invoice route's documents as domain operations: the invoice of an order, credit
notes against it (each with its own number from its own gap-free counter), and the
emails that carry them — written to the outbox in the transaction of the change.  The
card route's receipt (receipts.py) is drawn and sent with the same pieces.

The orders feature calls in at three places, one call each: when an order is
invoiced (`order_invoiced`), when its payment is recorded (`payment_recorded`) and
when places on it are cancelled (`credit_for_cancelled_places`).
"""
from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from services.bookings.audit import log_order
from services.bookings.copies.models import BuyingOrganisation
from services.bookings.invoices.documents import Document, Row, day, money, render
from services.bookings.invoices.models import CreditNote
from services.bookings.messages import TEMPLATES, OutboxMessage
from services.bookings.orders import service as orders  # the module: it calls in here too
from services.bookings.orders.models import HOLDS_PLACES, Order, OrderAttendee, OrderLine
from services.bookings.sessions.models import CourseSession
from shared.audit import created
from shared.clock import LONDON, as_utc, utcnow
from shared.errors import Conflict, Forbidden, Invalid, NotFound, field_error
from shared.outbox import enqueue
from shared.tokens import Identity
from shared.vocabulary import OrderStatus, PaymentMethod

CREDIT_NOTE = "credit_note"


def credit_note_label(number: int) -> str:
    return f"CN-{number:06d}"


def _settings():
    from shared.settings import get_settings

    return get_settings()


def london_day(value):
    return as_utc(value).astimezone(LONDON).date()


def is_invoiced(order: Order) -> bool:
    return order.payment_method == PaymentMethod.INVOICE and order.invoice_number is not None


# ---------- reading ----------


def credit_notes_of(db: Session, order_ids: list[int]) -> dict[int, list[CreditNote]]:
    """Each order's credit notes, oldest first, in one query however many orders."""
    if not order_ids:
        return {}
    out: dict[int, list[CreditNote]] = defaultdict(list)
    for note in db.exec(select(CreditNote).where(CreditNote.order_id.in_(order_ids)).order_by(CreditNote.number)):
        out[note.order_id].append(note)
    return out


def credited_pence(db: Session, order_id: int) -> int:
    return db.exec(select(sa.func.coalesce(sa.func.sum(CreditNote.amount_pence), 0))
                   .where(CreditNote.order_id == order_id)).one()


def billed_to(db: Session, order: Order) -> tuple[list[str], BuyingOrganisation | None]:
    # The organisation is the gateway's; bookings keeps a copy (copies/).  Until the copy
    # has arrived the document names the organisation by its number, rather than wait.
    org = db.get(BuyingOrganisation, order.organisation_id)
    if org is None:
        return [f"Organisation {order.organisation_id}"], None
    return [org.name, *[p.strip() for p in org.address.replace("\n", ",").split(",") if p.strip()],
            org.billing_email], org


def order_references(order: Order) -> list[tuple[str, str]]:
    refs = [("Order", str(order.id))]
    if order.purchase_order_number:
        refs.append(("Purchase order", order.purchase_order_number))
    return refs


def ordered_rows(db: Session, order: Order) -> list[Row]:
    """The order as it was bought: every place ordered (one cancelled since is taken off
    by a credit note or a refund, never here), at the price fixed on the order, and the
    discount as it was given (the lines' shares, vouchers/), on its own line."""
    lines = db.exec(select(OrderLine, CourseSession, sa.func.count(OrderAttendee.id))
                    .join(CourseSession, CourseSession.id == OrderLine.session_id)
                    .outerjoin(OrderAttendee, OrderAttendee.line_id == OrderLine.id)
                    .where(OrderLine.order_id == order.id)
                    .group_by(OrderLine.id, CourseSession.id).order_by(OrderLine.id)).all()
    rows = [Row(session.course_title, day(london_day(session.starts_at)), places, line.unit_price_pence,
                line.unit_price_pence * places) for line, session, places in lines]
    discount = sum(line.discount_share_pence for line, _, _ in lines)
    if discount:
        rows.append(Row("Discount", "", None, None, -discount))
    return rows


def invoice_document(db: Session, order: Order) -> Document:
    """The order's invoice as it was issued (ordered_rows), whatever was cancelled since."""
    settings = _settings()
    rows = ordered_rows(db, order)
    issued = london_day(order.created_at)
    due = issued + timedelta(days=settings.payment_terms_days)
    bill_to, _ = billed_to(db, order)
    total = order.invoiced_pence if order.invoiced_pence is not None else order.total_pence
    return Document(
        title="Invoice", number=orders.invoice_label(order.invoice_number), issued_on=issued,
        issuer_name=settings.trust_name, issuer_address=settings.trust_address, vat_status=settings.vat_status,
        bill_to=bill_to, references=[*order_references(order), ("Due", day(due))], rows=rows, total_label="Total due",
        total_pence=total,
        notes=[f"Payment terms: {settings.payment_terms_days} days. Please pay by {day(due)}, quoting "
               f"{orders.invoice_label(order.invoice_number)}."])


def credit_note_document(db: Session, order: Order, note: CreditNote) -> Document:
    settings = _settings()
    bill_to, _ = billed_to(db, order)
    return Document(
        title="Credit note", number=credit_note_label(note.number), issued_on=london_day(note.created_at),
        issuer_name=settings.trust_name, issuer_address=settings.trust_address, vat_status=settings.vat_status,
        bill_to=bill_to, references=[*order_references(order), ("Against invoice", orders.invoice_label(order.invoice_number))],
        rows=[Row(note.reason, "", None, None, note.amount_pence)], total_label="Total credited",
        total_pence=note.amount_pence,
        notes=[f"This credit note reduces invoice {orders.invoice_label(order.invoice_number)} by "
               f"{money(note.amount_pence)}."])


def invoice_pdf(db: Session, identity: Identity, order_id: int) -> tuple[str, bytes]:
    """The order's invoice, for its organisation's bookers and admins (anyone else finds
    nothing); an order paid by card has none."""
    order = orders.get_order(db, identity, order_id)
    if not is_invoiced(order):
        raise NotFound("This order has no invoice: it was not bought on account.")
    name = orders.invoice_label(order.invoice_number)
    return f"{name}.pdf", render(invoice_document(db, order))


def credit_note_pdf(db: Session, identity: Identity, order_id: int, number: str) -> tuple[str, bytes]:
    order = orders.get_order(db, identity, order_id)
    note = next((n for n in credit_notes_of(db, [order.id]).get(order.id, [])
                 if credit_note_label(n.number) == number), None)
    if note is None:
        raise NotFound("There is no such credit note on this order.")
    return f"{number}.pdf", render(credit_note_document(db, order, note))


# ---------- issuing ----------


def _recipients(db: Session, order: Order, billing: bool = True, booker: bool = True) -> list[str]:
    """The booker, and the organisation's billing email (its finance office), once each;
    without `booker`, not the booker's address at all (they are told in another email)."""
    out = [order.created_by_email] if order.created_by_email else []
    if billing:
        org = db.get(BuyingOrganisation, order.organisation_id)
        if org is not None:
            out.append(org.billing_email)
    unique = list({e.lower(): e for e in out}.values())
    if not booker and order.created_by_email:
        unique = [e for e in unique if e.lower() != order.created_by_email.lower()]
    return unique


def email_document(db: Session, order: Order, template: str, attachment: tuple[str, bytes] | None,
                   booker: bool = True, **context) -> None:
    """The order's document (`attachment`, a PDF) with the words of `template`, to the
    booker and the finance office, through the outbox in the caller's transaction: the
    one way an order's invoice, credit note or card receipt is sent.  Without `booker`,
    to the finance office alone (the booker is told in an email of their own)."""
    recipients = _recipients(db, order, booker=booker)
    if not recipients:
        return
    bill_to, org = billed_to(db, order)
    message = TEMPLATES.render(template, order=order, organisation_name=bill_to[0], money=money,
                               invoice_number=orders.invoice_label(order.invoice_number), **context)
    for recipient in recipients:
        enqueue(db, OutboxMessage, recipient, message, attachment=attachment)


def order_invoiced(db: Session, order: Order) -> None:
    """An order has just been invoiced: its booker and the organisation's finance office
    get the invoice, as a PDF, with the change."""
    if not is_invoiced(order):
        return
    document = invoice_document(db, order)
    email_document(db, order, "order_invoiced", (f"{document.number}.pdf", render(document)),
                   due=document.references[-1][1])


def payment_recorded(db: Session, order: Order) -> None:
    """An invoice's payment was recorded: a receipt to the booker and the finance office."""
    if is_invoiced(order):
        email_document(db, order, "invoice_paid", None, paid_on=day(order.paid_on))


def status_after_credit(order: Order, left_pence: int) -> OrderStatus:
    """Where an invoiced order stands once a credit note leaves `left_pence` of its
    invoice to credit, said as a card order would say it (shared/vocabulary.py):

    - the invoice's payment recorded (`paid_on`), so a credit note is money owed back:
      REFUNDED once all of it is credited, else PARTIALLY_REFUNDED while it holds places
      — as a card order refunded in part or in full;
    - not yet paid: INVOICED while something is left to pay; PAID when a credit leaves
      nothing to pay on places still held (as a card order a voucher made free is PAID
      at once), without a payment date, since none arrived; CANCELLED stays CANCELLED
      (every place given back before any money came in, as an unpaid card order)."""
    if order.paid_on is not None:
        if left_pence <= 0:
            return OrderStatus.REFUNDED
        return OrderStatus.PARTIALLY_REFUNDED if order.status in HOLDS_PLACES else order.status
    if order.status == OrderStatus.INVOICED and left_pence <= 0:
        return OrderStatus.PAID
    return order.status


def _issue(db: Session, identity: Identity | None, order: Order, amount: int, reason: str,
           booker_told: bool = False) -> CreditNote:
    """A credit note against the order's invoice, numbered from its own counter in this
    transaction (no gaps, no duplicates), the order's status moved to match
    (status_after_credit), audited in one entry with it, and emailed (to the finance
    office only, when the booker is told in an email of their own: `booker_told`)."""
    note = CreditNote(number=orders.next_number(db, CREDIT_NOTE), order_id=order.id, amount_pence=amount,
                      reason=reason[:500], created_by_name=identity.name if identity else None, created_at=utcnow())
    db.add(note)
    db.flush()
    changes = created({"credit_note": credit_note_label(note.number), "amount_pence": amount, "reason": note.reason})
    status = status_after_credit(order, (order.invoiced_pence or 0) - credited_pence(db, order.id))
    if status != order.status:
        changes["status"] = [order.status.value, status.value]
        order.status, order.updated_at = status, utcnow()
        db.add(order)
        db.flush()
    log_order(db, identity, "order.credit_note_issued", order.id, changes)
    document = credit_note_document(db, order, note)
    email_document(db, order, "credit_note", (f"{document.number}.pdf", render(document)), booker=not booker_told,
          note_number=document.number, amount=money(amount), reason=note.reason)
    return note


def credit_for_cancelled_places(db: Session, identity: Identity, order: Order, total_before: int,
                                reason: str, late: bool = False, *, booker_told: bool = False) -> CreditNote | None:
    """Places were cancelled on an invoiced order before the deadline: a credit note
    for what they were worth (never more than the invoice has left to credit).  Card
    orders, orders not invoiced, and places cancelled after the deadline get none: then
    the money is owed as a card payment is kept, and an admin decides whether to credit
    any of it (reduce_invoice), as they decide a card refund.  `booker_told`: the
    booker's own email about the change carries the note (a cancelled session's), so
    they are not sent it twice."""
    if not is_invoiced(order) or late:
        return None
    left = (order.invoiced_pence or 0) - credited_pence(db, order.id)
    amount = min(total_before - order.total_pence, left)
    if amount <= 0:
        return None
    return _issue(db, identity, order, amount, reason, booker_told)


def reduce_invoice(db: Session, identity: Identity, order_id: int, amount_pence: int, reason: str) -> CreditNote:
    """An admin takes `amount_pence` off an issued invoice, with a reason: a credit note,
    never an edited invoice; never more than the invoice has left to credit.  The order's
    row is locked, so two reductions at once are decided one after the other."""
    order = orders.get_order(db, identity, order_id, for_update=True)
    if not identity.is_admin:
        raise Forbidden("Only Lighthouse Learning admins reduce an invoice.")
    if not is_invoiced(order):
        raise Conflict("This order was not invoiced, so there is no invoice to credit; card payments are "
                       "refunded instead.")
    if order.status not in (OrderStatus.INVOICED, OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED):
        raise Conflict(f"This order is {order.status.value.lower().replace('_', ' ')}; only an invoiced or paid "
                       "order with something left to credit can be credited.")
    left = (order.invoiced_pence or 0) - credited_pence(db, order.id)
    if amount_pence > left:
        raise Invalid("No credit note was issued; see the field errors.", [field_error(
            "amount_pence", f"Enter at most {money(left)}: that is what invoice {orders.invoice_label(order.invoice_number)} "
                            "has left to credit.")])
    order.updated_at = utcnow()
    db.add(order)
    return _issue(db, identity, order, amount_pence, reason)
