"""HTTP for orders: thin — parse, call the domain operation, shape."""
from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag

from services.bookings.bookings.api import booking_out
from services.bookings.invoices.api import credit_notes_out
from services.bookings.orders import attendees as attendee_bookings
from services.bookings.orders import service
from services.bookings.orders.income import income
from services.bookings.orders.models import Order
from services.bookings.orders.schemas import (
    AttendeeIn,
    AttendeePath,
    CancelOrderIn,
    IncomeOut,
    IncomeQuery,
    OrderIdPath,
    OrderIn,
    OrderOut,
    OrderPage,
    OrdersQuery,
    PaymentIn,
)
from services.bookings.payments import card, follow_up
from services.bookings.periods import parse_bounds
from shared.db import begin_write, request_session
from shared.paging import decode_cursor, page_of
from shared.web import SECURITY, current_identity

bp = APIBlueprint("orders", __name__, abp_tags=[Tag(name="orders")], abp_security=SECURITY)


def orders_out(db, orders: list[Order]) -> list[dict]:
    """Orders with their lines, attendees and their bookings: a fixed number of queries
    however many orders."""
    lines = service.lines_of(db, orders)
    held = attendee_bookings.bookings_of(db, [a.id for o in orders for _, people in lines.get(o.id, [])
                                              for a in people])
    order_of = {a.id: o.id for o in orders for _, people in lines.get(o.id, []) for a in people}
    payments = card.payment_facts(db, orders, service.buying_organisation(current_identity()))
    notes = credit_notes_out(db, orders)
    return [OrderOut(
        **{k: getattr(o, k) for k in ("id", "organisation_id", "status", "payment_method", "purchase_order_number",
                                       "total_pence", "discount_pence", "invoiced_pence", "hold_expires_at",
                                       "paid_on", "payment_reference", "cancel_reason", "created_by_id",
                                       "created_at")},
        invoice_number=service.invoice_label(o.invoice_number),
        credit_notes=notes.get(o.id, []),
        lines=[{"id": line.id, "session_id": line.session_id, "unit_price_pence": line.unit_price_pence,
                "quantity": line.quantity,
                "attendees": [{"id": a.id, "name": a.name, "email": a.email, "cancelled_at": a.cancelled_at,
                               "booking": booking_out(db, held[a.id], order_of) if a.id in held else None}
                              for a in people]}
               for line, people in lines.get(o.id, [])],
        **payments.get(o.id, {}),
    ).model_dump(mode="json") for o in orders]


@bp.post("/orders", responses={200: OrderOut, 201: OrderOut})
def start_order(body: OrderIn):
    """An external booker starts an order for their organisation: a CARD order holds
    its places for a while, an INVOICE order confirms them with an invoice number.
    201 for a new order, 200 when the idempotency key was seen before."""
    db = request_session()
    begin_write(db)
    order, created = service.start_order(db, current_identity(), body)
    db.commit()  # before Stripe is asked: the sessions' counters stay locked until then
    card.open_card_payment(db, current_identity(), order)
    return orders_out(db, [order])[0], 201 if created else 200


@bp.get("/orders", responses={200: OrderPage})
def list_orders(query: OrdersQuery):
    """Orders, newest first: an organisation's own for its bookers, any for admins."""
    db = request_session()
    offset = decode_cursor(query.after)
    wanted = [int(i) for i in query.organisation_ids.split(",")] if query.organisation_ids else []
    if query.organisation_id is not None:
        wanted.append(query.organisation_id)
    ids = [int(i) for i in query.ids.split(",")] if query.ids else None
    rows, total = service.list_orders(db, current_identity(), wanted or None, query.status, offset, query.first,
                                      ids=ids)
    return page_of(orders_out(db, rows), total, offset)


@bp.get("/orders/<int:order_id>", responses={200: OrderOut})
def get_order(path: OrderIdPath):
    db = request_session()
    return orders_out(db, [service.get_order(db, current_identity(), path.order_id)])[0]


@bp.post("/orders/<int:order_id>/cancel", responses={200: OrderOut})
def cancel_order(path: OrderIdPath, body: CancelOrderIn):
    """Cancel the whole order, or some attendees' places (a paid card order's refund is
    made at Stripe once the cancellation has committed)."""
    db = request_session()
    follow_up.ask_stripe_first(db, current_identity(), path.order_id)  # Stripe away: 503, nothing cancelled
    begin_write(db)
    order = service.cancel_places(db, current_identity(), path.order_id, body.attendee_ids, body.reason)
    follow_up.commit_before_answering(db)
    return orders_out(db, [order])[0]


@bp.put("/orders/<int:order_id>/attendees/<int:attendee_id>", responses={200: OrderOut})
def substitute_attendee(path: AttendeePath, body: AttendeeIn):
    """A new name and email on an attendee's place, until the session starts."""
    db = request_session()
    begin_write(db)
    order = service.substitute_attendee(db, current_identity(), path.order_id, path.attendee_id, body)
    return orders_out(db, [order])[0]


@bp.post("/orders/<int:order_id>/payments", responses={200: OrderOut})
def record_payment(path: OrderIdPath, body: PaymentIn):
    """Admins: an invoiced order's payment arrived."""
    db = request_session()
    begin_write(db)
    order = service.record_payment(db, current_identity(), path.order_id, body.paid_on, body.reference)
    return orders_out(db, [order])[0]


@bp.get("/income", responses={200: IncomeOut})
def income_by_period(query: IncomeQuery):
    """Admins: what places sold to other schools brought in, per period (the terms)."""
    return IncomeOut(items=income(request_session(), current_identity(), parse_bounds(query.bounds))
                     ).model_dump(mode="json")
