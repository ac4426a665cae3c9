"""When the trust cancels a session, the places other schools bought on it go with it,
and the money goes back the way it came, whatever the cancellation deadline says (the
school did not choose this):

- a paid card order: what was paid for those places refunded through Stripe, as a
  booker's cancellation before the deadline is (payments/refunds.py's
  refund_cancelled_places: the fall in the order's total, so a voucher's discount is
  shared out; Stripe is asked once the session's cancellation has committed,
  payments/follow_up.py);
- an invoiced order: a credit note for those places (invoices/service.py);
- an order still awaiting payment: cancelled whole, every place given back, its
  voucher's use too, and its PaymentIntent cancelled at Stripe after the commit, so
  it can no longer be paid (a payment already on its way is refunded in full when it
  is reported: payments/card.py's settle);

each audited, the attendees' bookings on other dates following their order
(orders/attendees.py; those on the cancelled session were cancelled, and their
attendees told, with the session's other bookings), and each booker told once, in one
email for all their orders on it.  sessions/service.cancel_session calls in here, in
its own transaction.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlmodel import Session, select

from services.bookings.audit import ORDER_FIELDS, log_order
from services.bookings.invoices import service as invoices
from services.bookings.invoices.documents import money, render
from services.bookings.messages import TEMPLATES, OutboxMessage
from services.bookings.orders import attendees as attendee_bookings
from services.bookings.orders.models import HOLDS_PLACES, Order, OrderAttendee, OrderLine
from services.bookings.orders.service import invoice_label, lines_of
from services.bookings.payments import follow_up
from services.bookings.payments.refunds import refund_cancelled_places
from services.bookings.sessions.models import CourseSession
from services.bookings.sessions.places import give_back_external_places
from services.bookings.vouchers import service as vouchers
from shared.audit import diff, snapshot
from shared.clock import LONDON, as_utc, utcnow
from shared.outbox import enqueue
from shared.tokens import Identity
from shared.vocabulary import OrderStatus, PaymentMethod


def orders_holding_places_on(db: Session, session_id: int) -> list[Order]:
    """The orders holding places on the session, their rows locked until commit (in id
    order, as every path that locks several orders takes them)."""
    holding = select(OrderLine.order_id).where(OrderLine.session_id == session_id, OrderLine.quantity > 0)
    return list(db.exec(select(Order).where(Order.id.in_(holding), Order.status.in_(HOLDS_PLACES))
                        .order_by(Order.id).with_for_update()).all())


@dataclass
class _Told:
    """What became of one order, for its booker's email."""

    order: Order
    places: int
    awaited_payment: bool
    refunded_pence: int = 0
    credit_note: str | None = None
    credited_pence: int = 0
    attachment: tuple[str, bytes] | None = None


def cancel_orders_on(db: Session, identity: Identity, session: CourseSession, orders: list[Order]) -> None:
    """Cancel every place `orders` hold on the (just cancelled) session and give the money
    back, as the module says; `orders` locked by the caller (orders_holding_places_on).
    Once only: a second cancellation of the session is refused before it gets here,
    and an order whose places are gone is not among `orders`."""
    lines = lines_of(db, orders)
    told: dict[str, list[_Told]] = defaultdict(list)
    for order in orders:
        outcome = _cancel_places_on(db, identity, session, order, lines.get(order.id, []))
        if outcome is not None and order.created_by_email:
            told[order.created_by_email.lower()].append(outcome)
    for outcomes in told.values():
        _tell(db, session, outcomes)


def _cancel_places_on(db: Session, identity: Identity, session: CourseSession, order: Order,
                      lines: list[tuple[OrderLine, list[OrderAttendee]]]) -> _Told | None:
    now = utcnow()
    # An order not yet paid goes whole: its PaymentIntent is for every place, and what
    # is left could not be paid for with it.  The booker starts again for other dates.
    whole = order.status == OrderStatus.AWAITING_PAYMENT
    chosen = [(line, a) for line, people in lines for a in people
              if a.cancelled_at is None and (whole or line.session_id == session.id)]
    if not chosen:
        return None
    before = snapshot(order, ORDER_FIELDS)
    given_back: dict[int, int] = defaultdict(int)
    for line, attendee in chosen:
        attendee.cancelled_at = now
        line.quantity -= 1
        given_back[line.session_id] += 1
        db.add_all([attendee, line])
    for session_id, n in sorted(given_back.items()):
        if session_id != session.id:  # the cancelled session's own count is emptied by cancel_session
            give_back_external_places(db, session_id, n)
    vouchers.reprice_after_cancelling(db, identity, order)
    order.total_pence = max(sum(line.unit_price_pence * line.quantity for line, _ in lines) - order.discount_pence, 0)
    if not any(line.quantity for line, _ in lines):
        order.status, order.hold_expires_at = OrderStatus.CANCELLED, None
    starts = as_utc(session.starts_at).astimezone(LONDON).strftime("%-d %B %Y")
    reason = f"{session.course_title} on {starts} was cancelled: {session.cancel_reason}"[:500]
    order.cancel_reason, order.updated_at = reason, now
    db.add(order)
    db.flush()
    changes = diff(before, snapshot(order, ORDER_FIELDS))
    changes.update(cancelled_attendees=[None, [a.name for _, a in chosen]], session_id=[None, session.id])
    log_order(db, identity, "order.session_cancelled", order.id, changes)
    # Never late: the deadline is the booker's, and the trust cancelled.  The order's
    # row is locked, as every refund path locks it first.
    refund = refund_cancelled_places(db, identity, order, before["total_pence"], late=False, reason=reason)
    outcome = _Told(order, len(chosen), whole, refunded_pence=refund.amount_pence if refund else 0)
    note = invoices.credit_for_cancelled_places(db, identity, order, before["total_pence"], reason, booker_told=True)
    if note is not None:
        document = invoices.credit_note_document(db, order, note)
        outcome.credit_note, outcome.credited_pence = document.number, note.amount_pence
        outcome.attachment = (f"{document.number}.pdf", render(document))
    attendee_bookings.align(db, identity, order)
    if whole and order.payment_method == PaymentMethod.CARD:
        follow_up.give_up_intent_after_commit(db, order.id)
    return outcome


def _tell(db: Session, session: CourseSession, outcomes: list[_Told]) -> None:
    """One email to a booker about all their orders on the session, with the credit note
    attached when there is one (several are on the orders' pages)."""
    first = outcomes[0].order
    notes = [o.attachment for o in outcomes if o.attachment]
    message = TEMPLATES.render("order_session_cancelled", session=session, name=first.created_by_name,
                               outcomes=outcomes, money=money, invoice_label=invoice_label,
                               attached=len(notes) == 1)
    enqueue(db, OutboxMessage, first.created_by_email, message, attachment=notes[0] if len(notes) == 1 else None)
