"""Orders in the GraphQL API, stored by the bookings service (services/bookings/orders):
`order`, `Organisation.orders`, `Booking.order`, and the mutations a booker and an
admin make on orders — `startOrder`, `cancelOrder`, `refundOrder`, and for the pages
`substituteAttendee` and `recordOrderPayment`.

Who may see or change which order is the bookings service's to decide: it answers a
booker their organisation's orders only, an admin any, and refuses trust staff.  The
gateway adds only what it alone knows — whether the buyer's organisation needs a
purchase-order number (organisations are the gateway's).
"""
from __future__ import annotations

import graphene

from gateway.graph.compose import Extension, named, ref
from gateway.graph.ids import parse_id, parse_ids
from gateway.graph.loaders import grouped, ids_param, loaded, loads
from gateway.graph.mutations import Refused, an_id, mutation, mutations
from gateway.graph.shapes import payload
from gateway.graph.values import day, enum_value, moment, parsed, public_url
from gateway.identity import organisations as organisation_rules
from gateway.identity.models import Organisation as OrganisationRow
from shared.paging import MAX_PAGE
from shared.vocabulary import OrderStatus as OrderStatusValues
from shared.vocabulary import PaymentMethod as PaymentMethodValues

OrderStatus = graphene.Enum.from_enum(OrderStatusValues, description=(
    "AWAITING_PAYMENT: a card order holding its places until paid or its hold lapses (EXPIRED); INVOICED: places "
    "confirmed, the invoice unpaid (less any credit notes); PAID: paid, or nothing left to pay; CANCELLED: every "
    "place given back, no money given back by it; REFUNDED / PARTIALLY_REFUNDED: money given back after it came in, "
    "all of it or part (places kept), by a card refund or, once an invoice was paid, a credit note."))
PaymentMethod = graphene.Enum.from_enum(PaymentMethodValues, description="How an order is paid: CARD or INVOICE.")



@loads("orders of organisation", missing=list)
def _orders_of_organisations(ctx, organisation_ids: list[int]) -> dict:
    """The newest orders (at most a page, 100) of every organisation in view, in one call;
    the service answers a booker only their own organisation's."""
    answer = ctx.read("bookings", "GET", "/orders",
                      params={"organisation_ids": ids_param(organisation_ids), "first": MAX_PAGE})
    return grouped((o["organisation_id"], o) for o in ctx.remember("order", answer["items"]))


@loads("order")
def _orders(ctx, ids: list[int]) -> dict:
    """Orders by id (those of the bookings in view), in one call; the service answers
    nothing of an order the caller may not see."""
    answer = ctx.read("bookings", "GET", "/orders", params={"ids": ids_param(ids), "first": MAX_PAGE})
    return {o["id"]: o for o in ctx.remember("order", answer["items"])}


@parsed(moment, "cancelled_at")
class OrderAttendee(graphene.ObjectType):
    """Someone named on a place bought; their place is a Booking (OrderLine.bookings)."""
    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    email = graphene.String(required=True)
    cancelled_at = graphene.DateTime(description="When their place was cancelled; null while they hold it.")
    booking = graphene.Field(ref("Booking"), description=(
        "Their place on the session (its status, its certificate once attended); null if the order never held one."))

    @staticmethod
    def resolve_booking(attendee, info):
        found = attendee.get("booking")
        return info.context.remember("booking", [found])[0] if found else None


class OrderLine(graphene.ObjectType):
    session = graphene.Field(ref("Session"), required=True)
    quantity = graphene.Int(required=True, description="Places still held on this line.")
    unit_price_pence = graphene.Int(required=True, description="The price of one place when the order was started.")
    bookings = graphene.List(graphene.NonNull(ref("Booking")), required=True, description=(
        "Each attendee's place on the session, as on its register (cancelled ones included); none for an attendee "
        "whose order never held a place."))
    attendees = graphene.List(graphene.NonNull(OrderAttendee), required=True,
                              description="Everyone named on this line, cancelled places included.")

    @staticmethod
    def resolve_session(line, info):
        ctx = info.context
        # with the sessions of every line of every order in view, in one call
        others = (ln["session_id"] for o in ctx.in_view("order") for ln in o["lines"])
        return ctx.loader("session").load(line["session_id"], among=others)

    @staticmethod
    def resolve_bookings(line, info):
        # the service sends each attendee's booking with the order: no further call
        return info.context.remember("booking", [a["booking"] for a in line["attendees"] if a.get("booking")])


@parsed(moment, "created_at")
class Refund(graphene.ObjectType):
    amount_pence = graphene.Int(required=True)
    reason = graphene.String(required=True)
    created_at = graphene.DateTime(required=True)


@named
@parsed(moment, "hold_expires_at", "created_at")
class Order(graphene.ObjectType):
    id = graphene.ID(required=True)
    organisation = graphene.Field(ref("Organisation"), required=True)
    lines = graphene.List(graphene.NonNull(OrderLine), required=True)
    total_pence = graphene.Int(required=True, description="What the live places cost, less the discount.")
    discount_pence = graphene.Int(required=True)
    currency = graphene.String(required=True)
    status = graphene.Field(OrderStatus, required=True)
    payment_method = graphene.Field(PaymentMethod, required=True)
    purchase_order_number = graphene.String()
    hold_expires_at = graphene.DateTime(description="A card order awaiting payment: when its places are let go.")
    payment_client_secret = graphene.String(
        description="A card order awaiting payment: the PaymentIntent's client secret, for Stripe.js.")
    invoice_number = graphene.String()
    invoice_url = graphene.String()
    receipt_url = graphene.String(description=(
        "A card order once paid: its receipt (PDF), with any refunds since; null otherwise."))
    refunds = graphene.List(graphene.NonNull(Refund), required=True)
    created_at = graphene.DateTime(required=True)
    paid_on = graphene.Date(description="An invoiced order: the day its payment arrived, as an admin recorded it.")
    payment_reference = graphene.String()
    cancel_reason = graphene.String()

    @staticmethod
    def resolve_organisation(order, info):
        ctx = info.context
        return ctx.loader("organisation").load(order["organisation_id"],
                                               among=(o["organisation_id"] for o in ctx.in_view("order")))

    @staticmethod
    def resolve_lines(order, info):
        return order["lines"]

    @staticmethod
    def resolve_status(order, info):
        return order["status"]

    @staticmethod
    def resolve_payment_method(order, info):
        return order["payment_method"]

    @staticmethod
    def resolve_payment_client_secret(order, info):
        # bookings adds it to a CARD order awaiting payment (the card payments' work)
        return order.get("payment_client_secret") if order["status"] == "AWAITING_PAYMENT" else None

    @staticmethod
    def resolve_invoice_url(order, info):
        return public_url(f"/orders/{order['id']}/invoice.pdf") if order.get("invoice_number") else None

    @staticmethod
    def resolve_receipt_url(order, info):
        # A receipt is for a card order once money was taken (or a voucher made it free
        # and it was confirmed), whatever happened since: refunded, or cancelled after
        # the deadline with the money kept.  Bookings draws it (invoices/receipts.py).
        paid = order["payment_method"] == "CARD" and (order.get("paid_pence") or order.get("paid_on"))
        return public_url(f"/orders/{order['id']}/receipt.pdf") if paid else None

    @staticmethod
    def resolve_refunds(order, info):
        # money given back: a card order's Stripe refunds, an invoiced order's credit notes
        return (order.get("refunds") or []) + (order.get("credit_notes") or [])

    @staticmethod
    def resolve_paid_on(order, info):
        return day(order.get("paid_on"))


class OrganisationOrders(Extension):
    extends = "Organisation"
    orders = graphene.List(graphene.NonNull(Order), required=True, description=(
        "Its newest orders (at most 100), for its own bookers and admins; empty for anyone else."))

    @staticmethod
    def resolve_orders(organisation, info):
        ctx = info.context
        if not organisation_rules.may_manage(ctx.identity, organisation.id):
            return []
        return ctx.loader("orders of organisation").load(
            organisation.id, among=ctx.loader("organisation").keys())


class BookingOrder(Extension):
    extends = "Booking"
    order = graphene.Field(Order, description=(
        "The order that bought this place, for its organisation's bookers and admins; null for a trust "
        "person's place, and for anyone else."))

    resolve_order = loaded("order", "order_id", among="booking")


class OrdersQuery(graphene.ObjectType):
    order = graphene.Field(Order, id=graphene.ID(required=True),
                           description="An order: for its organisation's bookers and admins; null for anyone else.")

    @staticmethod
    def resolve_order(root, info, id):
        return info.context.one("bookings", f"/orders/{parse_id(id)}", remember="order") if parse_id(id) else None


class AttendeeInput(graphene.InputObjectType):
    name = graphene.String(required=True)
    email = graphene.String(required=True)


class OrderLineInput(graphene.InputObjectType):
    session_id = graphene.ID(required=True)
    attendees = graphene.List(graphene.NonNull(AttendeeInput), required=True)


class OrderInput(graphene.InputObjectType):
    lines = graphene.List(graphene.NonNull(OrderLineInput), required=True)
    payment_method = graphene.Field(PaymentMethod, required=True)
    purchase_order_number = graphene.String()
    voucher_code = graphene.String()
    idempotency_key = graphene.String(description="Send the same key again to get the first answer, not a second order.")


OrderPayload = payload("Order", order=graphene.Field(Order))


def _order(order_id, then: str = "") -> str:
    return f"/orders/{an_id(order_id, 'orderId', 'order')}{then}"


def _text(value) -> str | None:
    """What was typed, trimmed; None for nothing."""
    return (value or "").strip() or None


@mutation(OrderPayload, "order", remember="order", input=OrderInput(required=True))
def start_order(root, info, input):
    """A booker of a school outside the trust buys places: by card (held while they pay)
    or by invoice (confirmed at once, with an invoice number)."""
    ctx = info.context
    if ctx.person is None:
        raise Refused("Sign in to buy places.")
    lines = []
    for i, line in enumerate(input["lines"]):
        session_id = parse_id(line["session_id"])
        if session_id is None:
            raise Refused(problems=[{"field": ["lines", str(i), "sessionId"],
                                     "message": "There is no such session on sale to schools outside the trust."}])
        lines.append({"session_id": session_id,
                      "attendees": [{"name": a["name"], "email": a["email"]} for a in line["attendees"]]})
    organisation = ctx.db.get(OrganisationRow, ctx.identity.organisation_id) \
        if ctx.identity.organisation_id is not None else None
    body = {"lines": lines, "payment_method": enum_value(input["payment_method"]),
            "purchase_order_number": _text(input.get("purchase_order_number")),
            # organisations are the gateway's: bookings takes our word for this one
            "purchase_order_required": bool(organisation and organisation.needs_purchase_order)}
    if _text(input.get("idempotency_key")):
        body["idempotency_key"] = _text(input.get("idempotency_key"))
    if _text(input.get("voucher_code")):
        body["voucher_code"] = _text(input.get("voucher_code"))
    return ctx.call("bookings", "POST", "/orders", json=body)


@mutation(OrderPayload, "order", remember="order", order_id=graphene.ID(required=True),
          attendee_ids=graphene.List(graphene.NonNull(graphene.ID),
                                     description="Only these attendees' places; leave out for the whole order."),
          reason=graphene.String(description="Admins cancelling after the deadline say why."))
def cancel_order(root, info, order_id, attendee_ids=None, reason=None):
    """Cancel an order, or some of its attendees' places: the booker until each session's
    cancellation deadline, after it only an admin, with a reason."""
    path = _order(order_id, "/cancel")
    body: dict = {}
    if attendee_ids is not None:
        ids = parse_ids(attendee_ids)
        if not ids:
            raise Refused("Choose attendees of this order who still hold a place.", "attendeeIds")
        body["attendee_ids"] = ids
    if _text(reason):
        body["reason"] = _text(reason)
    return info.context.call("bookings", "POST", path, json=body)


@mutation(OrderPayload, "order", remember="order", order_id=graphene.ID(required=True),
          amount_pence=graphene.Int(description="Leave out for everything paid."),
          reason=graphene.String(required=True))
def refund_order(root, info, order_id, reason, amount_pence=None):
    """Admins refund an order, saying why."""
    ctx = info.context
    if not ctx.identity.is_admin:
        raise Refused("Only Lighthouse Learning admins refund orders.")
    problems = []
    if amount_pence is not None and amount_pence <= 0:
        problems.append({"field": ["amountPence"], "message": "Enter an amount to refund of at least 1p."})
    if not _text(reason):
        problems.append({"field": ["reason"], "message": "Say why this order is refunded."})
    if problems:
        raise Refused(problems=problems)
    # The money goes back the way it came: a card order through Stripe (bookings'
    # refunds route, never more than was paid less what was refunded), an invoiced one
    # as a credit note against its invoice (never an edited invoice).  Left out, the
    # amount is everything still to give back.
    order = ctx.call("bookings", "GET", _order(order_id))
    if order["payment_method"] == "CARD":
        left = order.get("paid_pence", 0) - order.get("refunded_pence", 0)
        route, what = "/refunds", "paid"
    else:
        credited = sum(note["amount_pence"] for note in order.get("credit_notes") or [])
        left = (order.get("invoiced_pence") or 0) - credited
        route, what = "/credit-notes", "invoiced"
    amount = left if amount_pence is None else amount_pence
    if amount <= 0:
        raise Refused(problems=[{"field": ["amountPence"],
                                 "message": f"Nothing is left to give back: everything {what} has been refunded."}])
    ctx.call("bookings", "POST", _order(order_id, route), json={"amount_pence": amount, "reason": _text(reason)})
    return ctx.call("bookings", "GET", _order(order_id))


@mutation(OrderPayload, "order", remember="order", order_id=graphene.ID(required=True),
          attendee_id=graphene.ID(required=True), name=graphene.String(required=True),
          email=graphene.String(required=True))
def substitute_attendee(root, info, order_id, attendee_id, name, email):
    """A new name and email on an attendee's place, until the session starts."""
    path = _order(order_id, f"/attendees/{an_id(attendee_id, 'attendeeId', 'attendee')}")
    return info.context.call("bookings", "PUT", path, json={"name": name, "email": email})


@mutation(OrderPayload, "order", remember="order", order_id=graphene.ID(required=True),
          paid_on=graphene.Date(required=True), reference=graphene.String(required=True))
def record_order_payment(root, info, order_id, paid_on, reference):
    """Admins record that an invoiced order's payment arrived: the day and the bank's reference."""
    return info.context.call("bookings", "POST", _order(order_id, "/payments"),
                             json={"paid_on": paid_on.isoformat(), "reference": reference})


OrdersMutation = mutations("OrdersMutation", start_order, cancel_order, refund_order, substitute_attendee,
                           record_order_payment)
