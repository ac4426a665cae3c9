"""The invoice route's documents as a school's finance office meets them: the invoice
PDF (numbered, addressed, with the PO number, the trust's details and payment terms),
credit notes (their own numbers, never an edited invoice, even when two are issued at
the same instant), and the emails that carry them — and who is refused, with nothing
changed by a refusal."""
from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from services.bookings import scheduler
from services.bookings.db import database
from services.bookings.invoices.models import CreditNote
from services.bookings.tests import test_orders
from services.bookings.tests.test_orders import BURSAR, ORG, PRICE, STRANGER, TEACHER, fields
from services.bookings.tests.test_orders_race import _buyer, _header, _order, _rush, _session
from tests.support.fixtures import ADMIN

BILLING = "finance@harbour-primary.test"
# The orders tests' fixtures: a session on sale, and an order for it.
on_sale, order = test_orders.on_sale, test_orders.order
_stripe = test_orders._stripe  # card orders get their PaymentIntent from localstripe (autouse)


@pytest.fixture
def organisation(deliver_fact):
    """The gateway's copy of the bursar's school, as registration publishes it."""
    response = deliver_fact("gateway", "bookings", f"/copies/organisations/{ORG}", name="Harbour Primary School",
                            address="12 Quay Street, Southsea, PO5 2AB", billing_email=BILLING)
    assert response.status_code == 200 and response.json()["applied"], response.text
    return response


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def pdf(service_call, path: str, who=BURSAR) -> str:
    response = service_call("bookings", "GET", path, who)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/pdf"
    return text_of(response.content)


def london_day(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def test_the_invoice_says_what_was_bought_whom_it_is_for_and_how_to_pay(on_sale, order, service_call,
                                                                        organisation, monkeypatch):
    monkeypatch.setenv("LL_TRUST_NAME", "Lighthouse Learning Trust")
    monkeypatch.setenv("LL_TRUST_ADDRESS", "1 Harbour Road, Portsmouth, PO1 1AA")
    monkeypatch.setenv("LL_PAYMENT_TERMS_DAYS", "14")
    phonics, maths = on_sale(), on_sale(title="Maths mastery", price=12000)
    o = order([(phonics["id"], 2), (maths["id"], 1)], method="INVOICE", purchase_order_number="PO-1234").json()
    text = pdf(service_call, f"/orders/{o['id']}/invoice.pdf")
    today = date.today()
    for said in ("Invoice LL-INV-000001", f"Date: {london_day(today)}", "Purchase order: PO-1234",
                 f"Due: {london_day(today + timedelta(days=14))}",
                 "Harbour Primary School", "12 Quay Street", "PO5 2AB", BILLING,
                 "Phonics for schools", "Maths mastery", london_day(phonics and date.fromisoformat(
                     phonics["starts_at"][:10])),
                 "£95.00", "£190.00", "£120.00", "Total due £310.00",
                 "Lighthouse Learning Trust", "1 Harbour Road", "Portsmouth",
                 "VAT: Exempt: education supplied by an eligible body",
                 "Payment terms: 14 days", "quoting LL-INV-000001"):
        assert said in text, (said, text)
    # the admins see it too; a card order has no invoice
    assert "LL-INV-000001" in pdf(service_call, f"/orders/{o['id']}/invoice.pdf", ADMIN)
    card = order([(phonics["id"], 1)]).json()
    assert service_call("bookings", "GET", f"/orders/{card['id']}/invoice.pdf", BURSAR).status_code == 404


def test_only_the_orders_own_bookers_and_admins_get_its_documents(on_sale, order, service_call, organisation):
    o = order([(on_sale()["id"], 2)], method="INVOICE").json()
    service_call("bookings", "POST", f"/orders/{o['id']}/cancel", BURSAR,
                 json={"attendee_ids": [o["lines"][0]["attendees"][0]["id"]]})
    for path in (f"/orders/{o['id']}/invoice.pdf", f"/orders/{o['id']}/credit-notes/CN-000001.pdf"):
        assert service_call("bookings", "GET", path, STRANGER).status_code == 404
        assert service_call("bookings", "GET", path, TEACHER).status_code == 403
        assert service_call("bookings", "GET", path, BURSAR).status_code == 200
    assert service_call("bookings", "GET", f"/orders/{o['id']}/credit-notes/CN-000002.pdf").status_code == 404
    assert service_call("bookings", "GET", f"/orders/{o['id']}/credit-notes/nonsense.pdf").status_code in (404, 422)


def test_cancelled_places_on_an_invoice_get_a_credit_note_never_an_edited_invoice(on_sale, order, service_call,
                                                                                  organisation):
    s = on_sale()
    o = order([(s["id"], 3)], method="INVOICE", purchase_order_number="PO-77").json()
    before = pdf(service_call, f"/orders/{o['id']}/invoice.pdf")
    first, second, _ = (a["id"] for a in o["lines"][0]["attendees"])
    service_call("bookings", "POST", f"/orders/{o['id']}/cancel", BURSAR, json={"attendee_ids": [first]})
    after = service_call("bookings", "GET", f"/orders/{o['id']}", BURSAR).json()
    assert after["invoiced_pence"] == 3 * PRICE and after["total_pence"] == 2 * PRICE
    [note] = after["credit_notes"]
    assert (note["number"], note["amount_pence"], note["reason"]) == ("CN-000001", PRICE,
                                                                     "Places cancelled: Attendee 0")
    assert pdf(service_call, f"/orders/{o['id']}/invoice.pdf") == before  # the invoice as issued, still
    text = pdf(service_call, f"/orders/{o['id']}/credit-notes/CN-000001.pdf")
    for said in ("Credit note CN-000001", "Against invoice: LL-INV-000001", "Purchase order: PO-77",
                 "Harbour Primary School", "Places cancelled: Attendee 0", "Total credited £95.00",
                 "reduces invoice LL-INV-000001 by £95.00", "VAT: Exempt"):
        assert said in text, (said, text)
    # cancelling the rest credits the rest: never more than was invoiced
    service_call("bookings", "POST", f"/orders/{o['id']}/cancel", BURSAR, json={})
    notes = service_call("bookings", "GET", f"/orders/{o['id']}", BURSAR).json()["credit_notes"]
    assert [(n["number"], n["amount_pence"]) for n in notes] == [("CN-000001", PRICE), ("CN-000002", 2 * PRICE)]
    history = service_call("bookings", "GET", f"/history/order/{o['id']}").json()["items"]
    assert sum(e["action"] == "order.credit_note_issued" for e in history) == 2
    # a card order's cancelled places are refunded, not credited
    card = order([(s["id"], 1)]).json()
    service_call("bookings", "POST", f"/orders/{card['id']}/cancel", BURSAR, json={})
    assert service_call("bookings", "GET", f"/orders/{card['id']}", BURSAR).json()["credit_notes"] == []
    assert second  # (named for readability above)


def test_an_admin_reduces_an_invoice_with_a_reason_and_never_beyond_it(on_sale, order, service_call, organisation):
    s = on_sale()
    o = order([(s["id"], 2)], method="INVOICE").json()
    path = f"/orders/{o['id']}/credit-notes"
    reduced = service_call("bookings", "POST", path, json={"amount_pence": 2500, "reason": "Late start, agreed"})
    assert reduced.status_code == 201, reduced.text
    assert reduced.json()["number"] == "CN-000001" and reduced.json()["amount_pence"] == 2500

    def notes():
        return service_call("bookings", "GET", f"/orders/{o['id']}", BURSAR).json()["credit_notes"]

    # refused, each with a sentence, and nothing issued
    too_much = service_call("bookings", "POST", path, json={"amount_pence": 2 * PRICE, "reason": "Oops"})
    assert too_much.status_code == 422 and "at most £165.00" in fields(too_much)["amount_pence"]
    no_reason = service_call("bookings", "POST", path, json={"amount_pence": 100})
    assert no_reason.status_code == 422 and "reason" in fields(no_reason)
    nothing = service_call("bookings", "POST", path, json={"amount_pence": 0, "reason": "Nothing"})
    assert nothing.status_code == 422 and "amount_pence" in fields(nothing)
    assert service_call("bookings", "POST", path, BURSAR, json={"amount_pence": 100, "reason": "Mine"}).status_code \
        == 403
    assert service_call("bookings", "POST", path, STRANGER, json={"amount_pence": 100, "reason": "Hello"}).status_code \
        == 404
    assert service_call("bookings", "POST", path, TEACHER, json={"amount_pence": 100, "reason": "Hello"}).status_code \
        == 403
    card = order([(s["id"], 1)]).json()
    refused = service_call("bookings", "POST", f"/orders/{card['id']}/credit-notes",
                           json={"amount_pence": 100, "reason": "Card"})
    assert refused.status_code == 409 and "refunded instead" in refused.json()["message"]
    assert len(notes()) == 1
    # what is left can still be credited, to the penny
    assert service_call("bookings", "POST", path, json={"amount_pence": 2 * PRICE - 2500,
                                                        "reason": "Course withdrawn"}).status_code == 201
    assert sum(n["amount_pence"] for n in notes()) == 2 * PRICE
    assert service_call("bookings", "POST", path, json={"amount_pence": 1, "reason": "More"}).status_code == 422


@pytest.fixture
def smtp(monkeypatch, smtp_server):
    monkeypatch.setenv("SMTP_URL", smtp_server.url)
    return smtp_server


def attached_pdf(message) -> tuple[str, str]:
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "application/pdf"]
    return part.get_filename(), text_of(part.get_content())


def test_the_invoice_receipt_and_credit_note_are_emailed_to_the_booker_and_the_finance_office(
        on_sale, order, service_call, organisation, smtp):
    o = order([(on_sale()["id"], 2)], method="INVOICE", purchase_order_number="PO-5").json()
    # the invoice to the booker and the finance office; each attendee's invitation to them
    assert scheduler.deliver_messages() == 4
    invoices = [m for m in smtp.messages if m["To"] in (BILLING, BURSAR.email)]
    assert sorted(m["To"] for m in invoices) == sorted([BILLING, BURSAR.email])
    for message in invoices:
        assert message["Subject"] == "Invoice LL-INV-000001: order {}, £190.00".format(o["id"])
        plain = message.get_body(("plain",)).get_content()
        assert "invoice LL-INV-000001 for £190.00 is attached (purchase order PO-5)" in plain
        name, text = attached_pdf(message)
        assert name == "LL-INV-000001.pdf" and "Invoice LL-INV-000001" in text and "£190.00" in text
    smtp.messages.clear()

    leaving = o["lines"][0]["attendees"][1]
    service_call("bookings", "POST", f"/orders/{o['id']}/cancel", BURSAR, json={"attendee_ids": [leaving["id"]]})
    assert scheduler.deliver_messages() == 3
    credit = [m for m in smtp.messages if m["To"] in (BILLING, BURSAR.email)]
    assert [m["To"] for m in smtp.messages if m not in credit] == [leaving["email"]]
    message = credit[0]
    assert message["Subject"] == "Credit note CN-000001 against invoice LL-INV-000001"
    assert "Reason: Places cancelled: Attendee 1" in message.get_body(("plain",)).get_content()
    name, text = attached_pdf(message)
    assert name == "CN-000001.pdf" and "Total credited £95.00" in text
    smtp.messages.clear()

    paid = service_call("bookings", "POST", f"/orders/{o['id']}/payments",
                        json={"paid_on": date.today().isoformat(), "reference": "BACS 4471"})
    assert paid.status_code == 200, paid.text
    assert scheduler.deliver_messages() == 2
    message = smtp.messages[0]
    assert message["Subject"] == "Receipt: payment of invoice LL-INV-000001 received"
    assert f"on {london_day(date.today())}, reference BACS 4471" in message.get_body(("plain",)).get_content()
    assert list(message.iter_attachments()) == []


def test_a_refused_reduction_sends_nothing(on_sale, order, service_call, organisation, smtp):
    o = order([(on_sale()["id"], 1)], method="INVOICE").json()
    scheduler.deliver_messages()
    smtp.messages.clear()
    refused = service_call("bookings", "POST", f"/orders/{o['id']}/credit-notes",
                           json={"amount_pence": PRICE + 1, "reason": "Too much"})
    assert refused.status_code == 422
    assert scheduler.deliver_messages() == 0 and smtp.messages == []


def test_two_reductions_at_the_same_instant_get_consecutive_numbers(stack, schedule):
    session_id = _session(schedule, capacity=30, external=24)
    buyers = [_buyer(i) for i in range(6)]
    orders = [_rush(stack, [("/orders", _order(session_id, 2, method="INVOICE"), _header(stack, b))])[0].json()
              for b in buyers]
    admin = _header(stack, ADMIN)
    # six orders reduced at once, and one order reduced twice at once
    requests = [(f"/orders/{o['id']}/credit-notes", {"amount_pence": 500, "reason": "Agreed discount"}, admin)
                for o in orders] + [(f"/orders/{orders[0]['id']}/credit-notes",
                                     {"amount_pence": 700, "reason": "Second reduction"}, admin)]
    responses = _rush(stack, requests)
    assert [r.status_code for r in responses] == [201] * 7, [r.text for r in responses]
    assert sorted(r.json()["number"] for r in responses) == [f"CN-{n:06d}" for n in range(1, 8)]
    with database().session() as db:
        numbers = sorted(n.number for n in db.exec(__import__("sqlmodel").select(CreditNote)).all())
    assert numbers == list(range(1, 8))


def test_reductions_racing_for_what_is_left_of_an_invoice_never_credit_more_than_it(stack, schedule):
    session_id = _session(schedule, capacity=30, external=24)
    o = _rush(stack, [("/orders", _order(session_id, 1, method="INVOICE"), _header(stack, _buyer(1)))])[0].json()
    admin = _header(stack, ADMIN)
    responses = _rush(stack, [(f"/orders/{o['id']}/credit-notes", {"amount_pence": 4000, "reason": "Goodwill"},
                               admin) for _ in range(5)])
    # 9500 invoiced: two reductions of 4000 fit, the third would credit more than is left
    assert sorted(r.status_code for r in responses) == [201, 201, 422, 422, 422]
    assert sorted(r.json()["number"] for r in responses if r.status_code == 201) == ["CN-000001", "CN-000002"]
