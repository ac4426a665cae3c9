"""Places another school bought are bookings like the trust's: on the session's
register, with a calendar invitation once they are theirs, cancelled with the order,
substituted (the old diary entry cancelled, the new one invited), and a certificate
emailed after the register — while a booking never moves an order's place itself."""
from __future__ import annotations

from datetime import timedelta

import time_machine

from services.bookings import scheduler
from services.bookings.tests import test_card_payments as cards
from services.bookings.tests import test_messages, test_orders
from services.bookings.tests.test_invoices import attached_pdf, text_of
from services.bookings.tests.test_messages import invite
from services.bookings.tests.test_orders import BURSAR, SOON, STRANGER, TEACHER, left, people
from tests.support.fixtures import ADMIN

_stripe = test_orders._stripe  # card orders get their PaymentIntent from localstripe (autouse)
on_sale, order, stripe, smtp = test_orders.on_sale, test_orders.order, cards.stripe, test_messages.smtp


def register(service_call, session_id: int) -> list[dict]:
    """The session's bookings, as the admin taking its register sees them."""
    answer = service_call("bookings", "GET", f"/sessions/{session_id}/bookings")
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


def sent(smtp) -> dict[str, list]:
    scheduler.deliver_messages()
    out: dict[str, list] = {}
    for message in smtp.messages:
        out.setdefault(message["To"], []).append(message)
    smtp.messages.clear()
    return out


def test_an_invoiced_orders_attendees_are_on_the_register_and_invited(on_sale, order, service_call, smtp):
    s = on_sale()
    o = order([(s["id"], people(2))], method="INVOICE").json()
    places = register(service_call, s["id"])
    assert [(b["attendee_name"], b["status"], b["person_id"], b["order_id"]) for b in places] == [
        ("Attendee 0", "CONFIRMED", None, o["id"]), ("Attendee 1", "CONFIRMED", None, o["id"])]
    # the order shows each attendee's booking
    assert [a["booking"]["id"] for a in o["lines"][0]["attendees"]] == [b["id"] for b in places]
    # a bought place takes none of the trust's places: the order took an external one
    assert left(service_call, s["id"]) == (6, 2)
    mail = sent(smtp)
    for i in range(2):
        [message] = mail[f"a{i}@school.test"]
        assert message["Subject"].startswith("Booked: Phonics for schools")
        assert invite(message)[0]["METHOD"] == "REQUEST"


def test_a_card_orders_places_are_held_until_stripe_says_paid(stripe, on_sale, order, service_call, smtp):
    s = on_sale()
    o = order([(s["id"], 1)]).json()
    assert [b["status"] for b in register(service_call, s["id"])] == ["HELD"]
    assert "a0@school.test" not in sent(smtp)  # not theirs until it is paid
    cards.pay_in_browser(stripe, cards.intent_of(o["id"]))
    cards.deliver(service_call, cards.event_for(stripe, o["id"], "payment_intent.succeeded"))
    assert [b["status"] for b in register(service_call, s["id"])] == ["CONFIRMED"]
    [message] = sent(smtp)["a0@school.test"]
    assert message["Subject"].startswith("Booked:")
    # the same event again changes nothing and tells nobody twice
    cards.deliver(service_call, cards.event_for(stripe, o["id"], "payment_intent.succeeded"))
    assert "a0@school.test" not in sent(smtp)


def test_a_lapsed_hold_ends_its_bookings_quietly(on_sale, order, service_call, smtp):
    s = on_sale()
    order([(s["id"], 2)]).json()
    with time_machine.travel(SOON - timedelta(days=13)):
        assert scheduler.release_holds() == 1
    assert [b["status"] for b in register(service_call, s["id"])] == ["CANCELLED", "CANCELLED"]
    assert left(service_call, s["id"]) == (6, 4)
    assert not any(to.startswith("a") for to in sent(smtp))  # they were never told of a place


def test_cancelling_an_attendee_cancels_their_booking_and_their_diary_entry(on_sale, order, service_call, smtp):
    s = on_sale()
    o = order([(s["id"], 2)], method="INVOICE").json()
    sent(smtp)
    leaving = o["lines"][0]["attendees"][1]
    answer = service_call("bookings", "POST", f"/orders/{o['id']}/cancel", BURSAR,
                          json={"attendee_ids": [leaving["id"]]})
    assert answer.status_code == 200, answer.text
    assert [(b["attendee_name"], b["status"]) for b in register(service_call, s["id"])] == [
        ("Attendee 0", "CONFIRMED"), ("Attendee 1", "CANCELLED")]
    [message] = sent(smtp)[leaving["email"]]
    assert message["Subject"].startswith("Cancelled:") and invite(message)[0]["METHOD"] == "CANCEL"


def test_a_substitute_is_invited_and_the_old_attendees_entry_cancelled(on_sale, order, service_call, smtp):
    s = on_sale()
    o = order([(s["id"], 1)], method="INVOICE").json()
    sent(smtp)
    attendee = o["lines"][0]["attendees"][0]
    answer = service_call("bookings", "PUT", f"/orders/{o['id']}/attendees/{attendee['id']}", BURSAR,
                          json={"name": "Ben Baker", "email": "ben@school.test"})
    assert answer.status_code == 200, answer.text
    [place] = register(service_call, s["id"])
    assert (place["id"], place["attendee_name"], place["status"]) == (
        attendee["booking"]["id"], "Ben Baker", "CONFIRMED")  # the same place, a new name
    mail = sent(smtp)
    [old] = mail[attendee["email"]]
    [new] = mail["ben@school.test"]
    assert invite(old)[0]["METHOD"] == "CANCEL" and invite(new)[0]["METHOD"] == "REQUEST"
    assert new.get_body(("plain",)).get_content().startswith("Dear Ben Baker,")


def test_the_register_sends_another_schools_attendee_their_certificate(on_sale, order, service_call, smtp):
    s = on_sale()
    o = order([(s["id"], 2)], method="INVOICE").json()
    sent(smtp)
    came, missed = (a["booking"]["id"] for a in o["lines"][0]["attendees"])
    with time_machine.travel(SOON + timedelta(hours=3)):
        taken = service_call("bookings", "POST", f"/sessions/{s['id']}/attendance",
                             json={"attended_booking_ids": [came]})
        assert taken.status_code == 200, taken.text
    mail = sent(smtp)
    [message] = mail["a0@school.test"]
    assert message["Subject"] == "Your certificate: Phonics for schools"
    name, text = attached_pdf(message)
    assert name == f"certificate-{came}.pdf" and "Attendee 0" in text and "Phonics for schools" in text
    assert "a1@school.test" not in mail
    # the booker downloads it too; another school, and trust staff, find nothing
    mine = service_call("bookings", "GET", f"/bookings/{came}/certificate", BURSAR)
    assert mine.status_code == 200 and "Attendee 0" in text_of(mine.content)
    for outsider in (STRANGER, TEACHER):
        assert service_call("bookings", "GET", f"/bookings/{came}/certificate", outsider).status_code == 404
    assert service_call("bookings", "GET", f"/bookings/{missed}/certificate", BURSAR).status_code == 404


def test_a_bought_place_is_cancelled_only_through_its_order(on_sale, order, service_call):
    s = on_sale()
    o = order([(s["id"], 1)], method="INVOICE").json()
    booking = o["lines"][0]["attendees"][0]["booking"]["id"]
    refused = service_call("bookings", "POST", f"/bookings/{booking}/cancel", ADMIN)
    assert refused.status_code == 409 and "cancel it from the order" in refused.json()["message"]
    assert [b["status"] for b in register(service_call, s["id"])] == ["CONFIRMED"]
    assert left(service_call, s["id"]) == (6, 3)  # nothing given back to either audience
    assert service_call("bookings", "POST", f"/bookings/{booking}/cancel", STRANGER).status_code == 404
