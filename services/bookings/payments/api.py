"""HTTP for payments: the gateway hands over Stripe's webhook events here, once it has
checked their signature.  Nobody else may: a person's token, even an admin's, is
refused, since an event here can mark an order paid.  And admins' card refunds."""
from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag

from services.bookings.orders.api import orders_out
from services.bookings.orders.schemas import OrderIdPath, OrderOut
from services.bookings.payments import (
    card,  # noqa: F401  (registers the payment_intent handlers)
    follow_up,
)
from services.bookings.payments.events import record_event
from services.bookings.payments.refunds import refund_order
from services.bookings.payments.schemas import EventRecorded, RefundIn, StripeEventIn
from shared.db import begin_write, request_session
from shared.errors import Forbidden
from shared.tokens import GATEWAY
from shared.web import SECURITY, current_identity

bp = APIBlueprint("payments", __name__, abp_security=SECURITY, abp_tags=[Tag(
    name="payments", description="Stripe's events, as the gateway received and checked them.")])

GATEWAY_ITSELF = f"service:{GATEWAY}"


@bp.post("/payments/events", responses={200: EventRecorded})
def post_event(body: StripeEventIn):
    """A Stripe event, recorded once by its id and applied once; a repeat answers
    recorded: false and changes nothing."""
    identity = current_identity()
    if identity.issuer != GATEWAY or identity.subject != GATEWAY_ITSELF:
        raise Forbidden("Only the gateway, passing on Stripe's signed events, may send payment events.")
    db = request_session()
    begin_write(db)
    recorded, outcome = record_event(db, body)
    return {"recorded": recorded, "outcome": outcome}


@bp.post("/orders/<int:order_id>/refunds", responses={200: OrderOut})
def refund(path: OrderIdPath, body: RefundIn):
    """Admins: give back part or all of what a card order paid, with a reason — never
    more than was paid less what was refunded (409 with what is left).  Made at Stripe
    once it has committed; Stripe away: 503 and nothing refunded."""
    db = request_session()
    if current_identity().is_admin:  # anyone else is refused by refund_order, Stripe or not
        follow_up.ask_stripe_first(db, current_identity(), path.order_id)
    begin_write(db)
    order = refund_order(db, current_identity(), path.order_id, body.amount_pence, body.reason,
                         body.idempotency_key)
    follow_up.commit_before_answering(db)
    return orders_out(db, [order])[0]
