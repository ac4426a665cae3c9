"""Pages for buying places (schools outside the trust) and for orders.

Buying is the GOV.UK question-page pattern, one thing a page: the attendees of a date
(how many places, then a name and email each — more places without JavaScript by
asking for them), how to pay, then "Check your answers" with Change links; the order
is started only there.  What was answered is kept in the signed session cookie (the
basket) until the order starts, with one idempotency key, so a second click or a
reload of the last step answers the same order.

After it: an invoice order's confirmation; a card order's payment page (Stripe.js,
the PaymentIntent's client secret) and the "payment being confirmed" page, which shows
the order as bookings has it — PAID only once Stripe's webhook said so.  Then "Your
orders" and an order's page (cancel or substitute attendees; admins record an
invoice's payment or refund)."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timezone

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from gateway.graph.ids import parse_id
from gateway.graph.view import execute_here
from gateway.web.forms import FormErrors, done, said, submit
from gateway.web.pages import found, passed_through, sign_in_first

bp = Blueprint("orders", __name__, template_folder="templates")

MOST_PLACES = 30  # a school sends a handful; the basket lives in a cookie
SESSION = """query($id: ID!) { session(id: $id) { id startsAt endsAt venue status externalPlacesLeft
  cancellationDeadline course { title slug externalPricePence visibility } } }"""
SESSIONS = """query($ids: [ID!]!) { %s }"""
ORDER_FIELDS = """id status paymentMethod totalPence discountPence currency purchaseOrderNumber holdExpiresAt
  paymentClientSecret invoiceNumber invoiceUrl receiptUrl createdAt cancelReason paidOn paymentReference
  organisation { name } refunds { amountPence reason createdAt }
  lines { quantity unitPricePence session { id startsAt venue cancellationDeadline course { title } }
          attendees { id name email cancelledAt booking { id status certificateUrl } } }"""
ORDER = "query($id: ID!) { order(id: $id) { " + ORDER_FIELDS + " } }"
ORDERS = """{ myOrganisation { name needsPurchaseOrder orders { id status paymentMethod totalPence createdAt
  invoiceNumber lines { quantity session { startsAt course { title } } } } } }"""
MINE = "{ myOrganisation { name needsPurchaseOrder } }"
START = """mutation($input: OrderInput!) { startOrder(input: $input) { order { id paymentMethod }
  userErrors { field message } } }"""
CANCEL = """mutation($id: ID!, $who: [ID!], $reason: String) { cancelOrder(orderId: $id, attendeeIds: $who,
  reason: $reason) { order { id } userErrors { field message } } }"""
SUBSTITUTE = """mutation($id: ID!, $a: ID!, $name: String!, $email: String!) { substituteAttendee(orderId: $id,
  attendeeId: $a, name: $name, email: $email) { order { id } userErrors { field message } } }"""
PAYMENT = """mutation($id: ID!, $on: Date!, $ref: String!) { recordOrderPayment(orderId: $id, paidOn: $on,
  reference: $ref) { order { id } userErrors { field message } } }"""
REFUND = """mutation($id: ID!, $amount: Int, $reason: String!) { refundOrder(orderId: $id, amountPence: $amount,
  reason: $reason) { order { id } userErrors { field message } } }"""


# ---------- the basket ----------


def _basket() -> dict:
    return session.get("basket") or {"key": uuid.uuid4().hex, "lines": [], "payment": None, "po": "", "voucher": ""}


def _keep(basket: dict) -> None:
    session["basket"] = basket
    session.modified = True


def _buyer_first():
    """Sign-in for a visitor; registering their school for someone who books for none;
    None for a booker of an organisation."""
    if (refused := sign_in_first()) is not None:
        return refused
    if g.identity.organisation_id is None:
        if g.identity.is_trust_member:
            abort(403)
        return redirect(url_for("organisations.register"))
    return None


def _on_sale(session_id: int) -> dict:
    if parse_id(session_id) is None:
        abort(404)
    s = found(execute_here(SESSION, {"id": session_id}), "session", "This date cannot be shown just now")
    if s["course"]["visibility"] != "PUBLIC" or s["course"]["externalPricePence"] is None:
        abort(404)
    return s


def _sessions(ids: list[int]) -> dict[int, dict]:
    """The basket's dates, in one operation."""
    if not ids:
        return {}
    fields = " ".join(f"s{i}: session(id: \"{i}\") {{ id startsAt venue externalPlacesLeft course {{ title slug "
                      f"externalPricePence }} }}" for i in ids)
    data = execute_here("{ " + fields + " }").get("data") or {}
    return {i: data[f"s{i}"] for i in ids if data.get(f"s{i}")}


@bp.route("/buy/<int:session_id>", methods=["GET", "POST"])
def attendees(session_id: int):
    """Who goes on a date: how many places, then a name and email each."""
    if (refused := _buyer_first()) is not None:
        return refused
    s = _on_sale(session_id)
    basket = _basket()
    line = next((ln for ln in basket["lines"] if ln["session_id"] == session_id), None)
    room = min(s["externalPlacesLeft"] + (len(line["attendees"]) if line else 0), MOST_PLACES)
    form = request.form if request.method == "POST" else {}
    errors, status = FormErrors(["places"]), 200
    asked = request.args.get("places") or form.get("places") or (str(len(line["attendees"])) if line else "1")
    places = int(asked) if asked.isdigit() else 0
    if not 1 <= places <= max(room, 1):
        errors.add("places", f"Enter a number of places from 1 to {room}." if room else
                   "There are no places left on this date for schools outside the trust.")
        places = 1
    people = [{"name": form.get(f"name-{i}", "").strip(), "email": form.get(f"email-{i}", "").strip()}
              for i in range(places)] if form else (line["attendees"] if line else [])
    people = (people + [{"name": "", "email": ""}] * places)[:places]
    fields = [f for i in range(places) for f in (f"name-{i}", f"email-{i}")]
    errors.fields += fields
    if request.method == "POST" and not errors:
        for i, person in enumerate(people):
            if not person["name"]:
                errors.add(f"name-{i}", f"Enter the name of attendee {i + 1}.")
            if "@" not in person["email"] or "." not in person["email"].rsplit("@", 1)[-1]:
                errors.add(f"email-{i}", f"Enter attendee {i + 1}'s email address, like name@school.org.uk; "
                                         "joining details are sent to it.")
        emails = [p["email"].lower() for p in people]
        for i, email in enumerate(emails):
            if email and emails.index(email) != i:
                errors.add(f"email-{i}", f"{people[i]['email']} is named twice; each attendee needs a place "
                                         "of their own.")
        if not errors:
            basket["lines"] = [ln for ln in basket["lines"] if ln["session_id"] != session_id] + [
                {"session_id": session_id, "attendees": people}]
            _keep(basket)
            return redirect(url_for("orders.check") if basket["payment"] else url_for("orders.payment"))
        status = 422
    elif request.method == "POST":
        status = 422
    return render_template("orders/attendees.html", s=s, places=places, people=people, room=room,
                           errors=errors), status


@bp.route("/buy/payment", methods=["GET", "POST"])
def payment():
    """Card or invoice, the purchase-order number, a voucher code."""
    if (refused := _buyer_first()) is not None:
        return refused
    basket = _basket()
    if not basket["lines"]:
        return redirect(url_for("orders.your_orders"))
    mine = found(execute_here(MINE), "myOrganisation", "Your organisation cannot be shown just now")
    errors, status = FormErrors(["payment", "po", "voucher"]), 200
    if request.method == "POST":
        choice = request.form.get("payment")
        po = request.form.get("po", "").strip()[:60]
        voucher = request.form.get("voucher", "").strip()[:40]
        if choice not in ("CARD", "INVOICE"):
            errors.add("payment", "Choose whether to pay by card now or by invoice.")
        elif choice == "INVOICE" and mine["needsPurchaseOrder"] and not po:
            errors.add("po", f"Enter {mine['name']}'s purchase-order number to pay by invoice.")
        basket.update(payment=choice, po=po, voucher=voucher)
        if not errors:
            _keep(basket)
            return redirect(url_for("orders.check"))
        status = 422
    return render_template("orders/payment.html", basket=basket, organisation=mine, errors=errors), status


@bp.route("/buy/check", methods=["GET", "POST"])
def check():
    """Check your answers, then the order starts: an invoice's confirmation, or the card page."""
    if (refused := _buyer_first()) is not None:
        return refused
    basket = _basket()
    if not basket["lines"]:
        return redirect(url_for("orders.your_orders"))
    if not basket["payment"]:
        return redirect(url_for("orders.payment"))
    dates = _sessions([ln["session_id"] for ln in basket["lines"]])
    errors, status = FormErrors([]), 200
    if request.method == "POST":
        payload = submit(START, {"input": {
            "lines": [{"sessionId": str(ln["session_id"]), "attendees": ln["attendees"]} for ln in basket["lines"]],
            "paymentMethod": basket["payment"], "purchaseOrderNumber": basket["po"] or None,
            "voucherCode": basket["voucher"] or None, "idempotencyKey": basket["key"]}}, errors)
        if payload is not None:
            session.pop("basket", None)
            order = payload["order"]
            if order["paymentMethod"] == "CARD":
                return redirect(url_for("orders.pay", order_id=order["id"]))
            return redirect(url_for("orders.confirmation", order_id=order["id"]))
        status = 422
    total = sum(len(ln["attendees"]) * (dates.get(ln["session_id"], {}).get("course", {}).get("externalPricePence") or 0)
                for ln in basket["lines"])
    return render_template("orders/check.html", basket=basket, dates=dates, total=total, errors=errors), status


@bp.post("/buy/<int:session_id>/remove")
def remove(session_id: int):
    """Take a date out of the basket."""
    if (refused := _buyer_first()) is not None:
        return refused
    basket = _basket()
    basket["lines"] = [ln for ln in basket["lines"] if ln["session_id"] != session_id]
    _keep(basket)
    return redirect(url_for("orders.check") if basket["lines"] else url_for("orders.your_orders"))


# ---------- after the order starts ----------


def _order(order_id: int) -> dict:
    if (refused := sign_in_first()) is not None:
        abort(refused)
    return found(execute_here(ORDER, {"id": order_id}), "order", "This order cannot be shown just now")


def minutes_left(order: dict) -> int | None:
    if not order.get("holdExpiresAt") or order["status"] != "AWAITING_PAYMENT":
        return None
    left = datetime.fromisoformat(order["holdExpiresAt"]) - datetime.now(timezone.utc)
    return max(int(left.total_seconds() // 60), 0)


@bp.get("/orders/<int:order_id>/confirmation")
def confirmation(order_id: int):
    order = _order(order_id)
    return render_template("orders/confirmation.html", order=order)


@bp.get("/orders/<int:order_id>/pay")
def pay(order_id: int):
    """The card form: Stripe.js confirms the PaymentIntent in the browser; the order is
    PAID only when Stripe's webhook says so (see `paying`)."""
    order = _order(order_id)
    if order["status"] != "AWAITING_PAYMENT":
        return redirect(url_for("orders.paying", order_id=order_id))
    settings = current_app.extensions["lighthouse_settings"]
    page = make_response(render_template("orders/pay.html", order=order, minutes_left=minutes_left(order),
                                         stripe_js=stripe_js_url(settings),
                                         publishable_key=settings.stripe_publishable_key))
    page.headers["Content-Security-Policy"] = card_page_policy(settings)
    return page


@bp.get("/orders/<int:order_id>/paying")
def paying(order_id: int):
    """Where Stripe.js comes back to: the order as bookings has it, never PAID because
    the browser came back.  No polling: a link to look again."""
    order = _order(order_id)
    return render_template("orders/paying.html", order=order, minutes_left=minutes_left(order))


@bp.get("/orders")
def your_orders():
    """The organisation's orders."""
    if (refused := _buyer_first()) is not None:
        return refused
    mine = found(execute_here(ORDERS), "myOrganisation", "Your orders cannot be shown just now")
    return render_template("orders/orders.html", organisation=mine, basket=session.get("basket"))


@bp.route("/orders/<int:order_id>", methods=["GET", "POST"])
def order_page(order_id: int):
    """An order: its places, money and documents; the booker cancels places, an admin
    records an invoice's payment or refunds."""
    if (refused := sign_in_first()) is not None:
        return refused
    errors, status = FormErrors(["attendee", "paidOn", "reference", "amount", "reason"]), 200
    if request.method == "POST":
        action = request.form.get("action")
        if action == "cancel":
            attendee = request.form.get("attendee")
            payload = submit(CANCEL, {"id": str(order_id), "who": [attendee] if attendee else None,
                                      "reason": request.form.get("reason") or None}, errors)
            if payload is not None:
                return done("The place was cancelled." if attendee else "The order was cancelled.")
        elif action == "payment":
            paid_on = _day(request.form.get("paidOn", ""), errors)
            payload = submit(PAYMENT, {"id": str(order_id), "on": (paid_on or date.today()).isoformat(),
                                       "ref": request.form.get("reference", "")}, errors)
            if payload is not None:
                return done("The payment was recorded.")
        elif action == "refund":
            amount = _pence(request.form.get("amount", ""), errors)
            payload = submit(REFUND, {"id": str(order_id), "amount": amount,
                                      "reason": request.form.get("reason", "")}, errors)
            if payload is not None:
                return done("The order was refunded.")
        status = 422
    order = _order(order_id)
    return render_template("orders/order.html", order=order, errors=errors, form=request.form, message=said(),
                           minutes_left=minutes_left(order), now=datetime.now(timezone.utc).isoformat(),
                           is_admin=g.identity.is_admin), status


@bp.route("/orders/<int:order_id>/attendees/<int:attendee_id>", methods=["GET", "POST"])
def substitute(order_id: int, attendee_id: int):
    """Someone else takes an attendee's place."""
    order = _order(order_id)
    attendee = next((a for ln in order["lines"] for a in ln["attendees"] if a["id"] == str(attendee_id)), None)
    if attendee is None:
        abort(404)
    errors, status = FormErrors(["name", "email"]), 200
    if request.method == "POST":
        payload = submit(SUBSTITUTE, {"id": str(order_id), "a": str(attendee_id), "name": request.form.get("name", ""),
                                      "email": request.form.get("email", "")}, errors)
        if payload is not None:
            return redirect(url_for("orders.order_page", order_id=order_id,
                                    message=f"{request.form.get('name', '').strip()} takes {attendee['name']}'s place."))
        status = 422
    return render_template("orders/substitute.html", order=order, attendee=attendee, errors=errors,
                           form=request.form), status


@bp.get("/orders/<int:order_id>/invoice.pdf")
def invoice_pdf(order_id: int):
    if (refused := sign_in_first()) is not None:
        return refused
    return passed_through("bookings", f"/orders/{order_id}/invoice.pdf", g.identity, f"invoice-{order_id}.pdf")


@bp.get("/orders/<int:order_id>/receipt.pdf")
def receipt_pdf(order_id: int):
    if (refused := sign_in_first()) is not None:
        return refused
    return passed_through("bookings", f"/orders/{order_id}/receipt.pdf", g.identity, f"receipt-{order_id}.pdf")


# ---------- reading what was typed ----------


def _day(text: str, errors: FormErrors) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        errors.add("paidOn", "Enter the day the payment arrived, for example 2026-01-05.")
        return None


def _pence(text: str, errors: FormErrors) -> int | None:
    """Pounds as typed (12.50) in pence; None for nothing (everything paid)."""
    text = text.strip().lstrip("£").replace(",", "")
    if not text:
        return None
    try:
        pounds = float(text)
    except ValueError:
        errors.add("amount", "Enter the amount in pounds, for example 95.00, or leave it empty to refund everything.")
        return None
    return round(pounds * 100)


def stripe_js_url(settings) -> str:
    """Stripe.js: Stripe's own in production, localstripe's fake in development."""
    base = _fake_stripe(settings)
    return f"{base}/js.stripe.com/v3/" if base else "https://js.stripe.com/v3/"


def card_page_policy(settings) -> str:
    """The site's Content-Security-Policy, opened on the card page alone to what Stripe.js
    needs: its script, its API, and (Stripe's own) the frames that hold the card fields.
    In development that is localstripe, which serves a fake Stripe.js and its API from
    one origin and draws no frames."""
    base = _fake_stripe(settings)
    script, connect, frames = (base, base, "'none'") if base else (
        "https://js.stripe.com", "https://api.stripe.com", "https://js.stripe.com https://hooks.stripe.com")
    return (f"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self' {script}; "
            f"connect-src 'self' {connect}; frame-src {frames}; frame-ancestors 'none'; "
            f"form-action 'self' {settings.oidc_issuer}")


def _fake_stripe(settings) -> str | None:
    """localstripe's address outside production; None for Stripe itself."""
    return settings.stripe_api_url if settings.env != "production" else None

