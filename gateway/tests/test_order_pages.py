"""The buying and order pages without a browser: a bursar names attendees (every
problem beside its field), chooses invoice (the purchase-order number required where
the school says so), checks and confirms, sees the invoice number, substitutes and
cancels; an admin records the payment; a card order goes to the card page, whose
hold's time shows, and the "being confirmed" page, which never says paid by itself."""
from __future__ import annotations

import re

from gateway.tests import test_graphql_orders
from tests.support.fixtures import csrf_token, sign_in

world = test_graphql_orders.world  # the same people, organisations and dates as the API's tests


def test_a_bursar_buys_by_invoice_then_changes_the_order_and_an_admin_records_payment(client, world):
    sign_in(client, "bursar@westfield.test")
    s = world["session"]
    page = client.get("/courses/phonics-for-schools")
    assert b"Buy places" in page.data, page.data[-3000:]
    r = client.get(f"/buy/{s}?places=2")
    assert r.status_code == 200, r.data
    tok = csrf_token(client)
    r = client.post(f"/buy/{s}", data={"csrf_token": tok, "places": "2", "name-0": "Ann", "email-0": "bad",
                                       "name-1": "", "email-1": "b@w.test"})
    assert r.status_code == 422
    assert b"Enter attendee 1" in r.data and b"Enter the name of attendee 2" in r.data
    r = client.post(f"/buy/{s}", data={"csrf_token": tok, "places": "2", "name-0": "Ann", "email-0": "a@w.test",
                                       "name-1": "Bob", "email-1": "b@w.test"})
    assert r.status_code == 302 and r.location.endswith("/buy/payment"), r.data
    r = client.post("/buy/payment", data={"csrf_token": tok, "payment": "INVOICE", "po": ""})
    assert r.status_code == 422 and b"purchase-order number to pay by invoice" in r.data
    r = client.post("/buy/payment", data={"csrf_token": tok, "payment": "INVOICE", "po": "PO-1"})
    assert r.status_code == 302
    r = client.get("/buy/check")
    assert r.status_code == 200 and b"Ann" in r.data and b"250.00" in r.data, r.data
    r = client.post("/buy/check", data={"csrf_token": tok})
    assert r.status_code == 302, r.data
    r = client.get(r.location)
    assert b"LL-INV-000001" in r.data
    oid = re.search(rb"/orders/(\d+)\"", r.data).group(1).decode()
    r = client.get("/orders")
    assert b"Order " + oid.encode() in r.data and b"Invoiced" in r.data, r.data
    r = client.get(f"/orders/{oid}")
    assert r.status_code == 200 and b"Cancel Ann" in r.data, r.data
    aid = re.search(rb"/attendees/(\d+)", r.data).group(1).decode()
    r = client.post(f"/orders/{oid}/attendees/{aid}", data={"csrf_token": tok, "name": "Cat", "email": "x"})
    assert r.status_code == 422
    r = client.post(f"/orders/{oid}/attendees/{aid}", data={"csrf_token": tok, "name": "Cat", "email": "c@w.test"})
    assert r.status_code == 302
    r = client.post(f"/orders/{oid}", data={"csrf_token": tok, "action": "cancel", "attendee": aid})
    assert r.status_code == 302, r.data
    r = client.get(r.location)
    assert b"Place cancelled" in r.data
    # admin
    admin = world["admin"]
    r = admin.get(f"/orders/{oid}")
    assert b"Record the invoice" in r.data and b"Refund" in r.data
    atok = csrf_token(admin)
    r = admin.post(f"/orders/{oid}", data={"csrf_token": atok, "action": "payment", "paidOn": "x", "reference": ""})
    assert r.status_code == 422 and b"Enter the day the payment arrived" in r.data, r.data
    r = admin.post(f"/orders/{oid}", data={"csrf_token": atok, "action": "payment", "paidOn": "2026-01-05",
                                           "reference": "BACS"})
    assert r.status_code == 302
    assert b"Paid" in admin.get(f"/orders/{oid}").data


def test_a_card_order_goes_to_the_card_page_and_is_not_paid_by_coming_back(client, world, stripe_api):
    s = world["session"]
    sign_in(client, "bursar@eastfield.test")
    tok = csrf_token(client)
    client.post(f"/buy/{s}", data={"csrf_token": tok, "places": "1", "name-0": "Dee", "email-0": "d@e.test"})
    client.post("/buy/payment", data={"csrf_token": tok, "payment": "CARD"})
    r = client.post("/buy/check", data={"csrf_token": tok})
    assert r.status_code == 302 and r.location.endswith("/pay"), r.data
    r = client.get(r.location)
    assert re.search(rb"held for 1[45] more minutes", r.data), r.data
    # the PaymentIntent's client secret, for Stripe.js on this page only
    assert re.search(rb'data-secret="pi_\w+_secret_\w+"', r.data), r.data
    policy = r.headers["Content-Security-Policy"]
    assert "script-src 'self' http://127.0.0.1:" in policy and "js.stripe.com" not in policy
    r = client.get(r.request.path.replace("/pay", "/paying"))
    assert b"being confirmed" in r.data and b"Payment received" not in r.data
    # the rest of the site keeps its policy
    assert client.get("/orders").headers["Content-Security-Policy"].startswith(
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; ")


def test_visitors_sign_in_and_trust_staff_are_refused(anon_client, client, world):
    assert "/sign-in" in anon_client.get(f"/buy/{world['session']}").location
    sign_in(client, "teacher@a.test")
    assert client.get(f"/buy/{world['session']}").status_code == 403
    assert client.get("/orders").status_code == 403


def test_admins_find_every_schools_orders_by_status_and_no_one_else_does(client, world, gateway_app):
    from tests.support.counting import count_backend_calls

    for bursar in ("bursar@westfield.test", "bursar@eastfield.test"):
        sign_in(client, bursar)
        made = test_graphql_orders.start(client, test_graphql_orders.order_input(world["session"], 1))
        assert made["userErrors"] == [], made
    # a bursar sees their own school's orders at /orders, never this list
    assert client.get("/admin/orders").status_code == 403
    admin = world["admin"]
    with count_backend_calls(gateway_app) as calls:
        page = admin.get("/admin/orders").get_data(as_text=True)
    assert "2 orders" in page and "Westfield Primary" in page and "Eastfield Primary" in page
    assert len(calls) == 1  # bookings' list; the schools' names are the gateway's own
    assert "0 orders paid" in admin.get("/admin/orders?status=PAID").get_data(as_text=True)
    invoiced = admin.get("/admin/orders?status=INVOICED").get_data(as_text=True)
    assert "2 orders invoiced" in invoiced and re.search(r"/orders/\d+\">Order \d+</a>", invoiced)
    assert "Orders from other schools" in admin.get("/").get_data(as_text=True)  # linked from the admin's home


def test_after_the_register_the_bursar_downloads_each_attendees_certificate(client, world):
    import sqlalchemy as sa

    from services.bookings.bookings.models import Booking
    from services.bookings.db import database

    sign_in(client, "bursar@westfield.test")
    o = test_graphql_orders.start(client, test_graphql_orders.order_input(world["session"], 2))["order"]
    # the register, as an admin takes it once the session has run (tested in bookings)
    with database().session() as db:
        first, second = db.exec(sa.select(Booking).order_by(Booking.id)).scalars().all()
        first.status, second.status = "ATTENDED", "NO_SHOW"
        db.add_all([first, second])
        db.commit()
        came = first.id
    page = client.get(f"/orders/{o['id']}")
    assert page.status_code == 200
    assert b"Attended" in page.data and b"Did not attend" in page.data
    assert f'href="/certificates/{came}.pdf"'.encode() in page.data
    pdf = client.get(f"/certificates/{came}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    # another school's bursar, and trust staff, get nothing
    for other in ("bursar@eastfield.test", "teacher@a.test"):
        sign_in(client, other)
        assert client.get(f"/certificates/{came}.pdf").status_code == 404


def test_admins_see_income_by_term_as_a_chart_a_table_and_a_csv(client, world):
    sign_in(client, "bursar@westfield.test")
    test_graphql_orders.start(client, test_graphql_orders.order_input(world["session"], 2))
    assert client.get("/admin/income").status_code == 403  # a booker sees none of it
    assert client.get("/admin/income.csv").status_code == 403
    admin = world["admin"]
    page = admin.get("/admin/income")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Net income by term, in pounds" in html and '<img src="data:image/svg+xml;base64,' in html
    assert "£250.00" in html  # the invoice, this term: two places at £125
    csv = admin.get("/admin/income.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    lines = csv.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Academic year,Term,Starts on,Card (£),Invoiced (£)")
    assert len(lines) == 7  # two years of three terms
    assert sum(float(line.split(",")[4]) for line in lines[1:]) == 250.0


def test_stripe_away_says_try_again_beside_the_payment_and_holds_nothing(client, world, stripe_api, monkeypatch):
    """Stripe unreachable as the bursar goes to pay: the check page says so in one
    plain sentence, beside the button that goes to payment, and no place is held;
    the basket is kept, so the same button works once Stripe is back."""
    from services.bookings.payments import card
    from services.bookings.payments.stripe_api import StripePayments
    from services.bookings.tests.test_payments import _nowhere
    from shared.settings import get_settings

    s = world["session"]
    sign_in(client, "bursar@eastfield.test")
    tok = csrf_token(client)
    client.post(f"/buy/{s}", data={"csrf_token": tok, "places": "2", "name-0": "Dee", "email-0": "d@e.test",
                                   "name-1": "Eve", "email-1": "e@e.test"})
    client.post("/buy/payment", data={"csrf_token": tok, "payment": "CARD"})
    away = StripePayments(get_settings().model_copy(update={"stripe_api_base": _nowhere(),
                                                            "stripe_timeout_seconds": 2}))
    monkeypatch.setattr(card, "stripe_client", lambda: away)
    r = client.post("/buy/check", data={"csrf_token": tok})
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    # the sentence bookings says, not "the bookings service is unavailable": it is not
    summary = page[page.index('class="govuk-error-summary"'):page.index("Check your order before you pay")]
    assert "Your order was not placed" in summary and \
        "Card payments are not available just now; try again in a few minutes." in summary, summary
    assert "bookings service" not in page
    assert "Continue to payment</button>" in page  # the same button, to try again
    assert test_graphql_orders.places_left(client, s) == 4  # no hold leaked
    monkeypatch.undo()
    r = client.post("/buy/check", data={"csrf_token": tok})  # the basket was kept
    assert r.status_code == 302 and r.location.endswith("/pay"), r.data
    assert test_graphql_orders.places_left(client, s) == 2
