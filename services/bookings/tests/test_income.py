"""Income by period, as the admins' income page reads it: card money when Stripe took
it, invoices when issued (what is still owed beside), refunds and credit notes when
made, net the difference — and nobody but an admin sees any of it."""
from __future__ import annotations

from datetime import date, timedelta

from services.bookings.tests import test_card_payments as cards
from services.bookings.tests import test_orders
from services.bookings.tests.test_orders import BURSAR, PRICE, TEACHER

_stripe = test_orders._stripe  # card orders get their PaymentIntent from localstripe (autouse)
on_sale, order, stripe, paid = test_orders.on_sale, test_orders.order, cards.stripe, cards.paid


def bounds(*days: date) -> str:
    return ",".join(d.isoformat() for d in days)


def test_income_counts_each_movement_of_money_in_its_period(stripe, paid, on_sale, order, service_call):
    s = on_sale()
    by_card = paid(s["id"], 2)
    invoiced = order([(s["id"], 1)], method="INVOICE").json()
    assert service_call("bookings", "POST", f"/orders/{by_card['id']}/refunds",
                        json={"amount_pence": 1000, "reason": "Goodwill"}).status_code == 200
    credited = service_call("bookings", "POST", f"/orders/{invoiced['id']}/credit-notes",
                            json={"amount_pence": 500, "reason": "Late start"})
    assert credited.status_code == 201, credited.text
    today = date.today()
    before, now, after = today - timedelta(days=60), today - timedelta(days=1), today + timedelta(days=2)
    answer = service_call("bookings", "GET", "/income", params={"bounds": bounds(before, now, after)})
    assert answer.status_code == 200, answer.text
    earlier, this = answer.json()["items"]
    assert earlier == {"starts_on": before.isoformat(), "card_pence": 0, "invoice_pence": 0, "refunded_pence": 0,
                       "net_pence": 0, "unpaid_pence": 0}
    assert this == {"starts_on": now.isoformat(), "card_pence": 2 * PRICE, "invoice_pence": PRICE,
                    "refunded_pence": 1500, "net_pence": 3 * PRICE - 1500, "unpaid_pence": PRICE - 500}
    # the invoice paid: nothing owed any more, and the income itself unchanged
    recorded = service_call("bookings", "POST", f"/orders/{invoiced['id']}/payments",
                            json={"paid_on": today.isoformat(), "reference": "BACS 1"})
    assert recorded.status_code == 200, recorded.text
    [_, this] = service_call("bookings", "GET", "/income", params={"bounds": bounds(before, now, after)}).json()["items"]
    assert (this["net_pence"], this["unpaid_pence"]) == (3 * PRICE - 1500, 0)


def test_only_admins_see_income_and_bad_periods_are_explained(service_call):
    days = bounds(date(2026, 9, 1), date(2027, 1, 4))
    for who in (BURSAR, TEACHER):
        refused = service_call("bookings", "GET", "/income", who, params={"bounds": days})
        assert refused.status_code == 403 and refused.json()["message"] == "Income is for Lighthouse Learning admins."
    backwards = service_call("bookings", "GET", "/income", params={"bounds": "2027-01-04,2026-09-01"})
    assert backwards.status_code == 422 and "follow one another" in backwards.json()["message"]
    not_a_day = service_call("bookings", "GET", "/income", params={"bounds": "2026-02-30,2026-09-01"})
    assert not_a_day.status_code == 422 and "real days" in not_a_day.json()["message"]
