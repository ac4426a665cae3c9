"""Orders through the GraphQL API, as a bursar of a school outside the trust meets
them: starting one by invoice or card, seeing their school's orders, cancelling and
substituting — and who is refused what, with nothing held by a refusal."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tests.support.fixtures import gql, sign_in

SOON = (datetime.now(timezone.utc) + timedelta(days=10)).replace(hour=14, minute=0, second=0, microsecond=0)
SOON += timedelta(days=max(0, 7 - SOON.weekday()) if SOON.weekday() >= 5 else 0)  # a weekday: no calendar question
PRICE = 12500

SCHEDULE = """mutation($input: SessionInput!) { scheduleSession(input: $input) {
  session { id } userErrors { field message } } }"""
ORDER = """id status paymentMethod totalPence discountPence currency purchaseOrderNumber holdExpiresAt
  paymentClientSecret invoiceNumber invoiceUrl receiptUrl createdAt cancelReason paidOn paymentReference
  organisation { name } refunds { amountPence reason createdAt }
  lines { quantity unitPricePence bookings { attendeeName status attendee { id } order { id } } session { id externalPlacesLeft course { title } }
          attendees { id name email cancelledAt } }"""
START = "mutation($input: OrderInput!) { startOrder(input: $input) { order { " + ORDER + \
        " } userErrors { field message } } }"
CANCEL = """mutation($id: ID!, $who: [ID!], $reason: String) { cancelOrder(orderId: $id, attendeeIds: $who,
  reason: $reason) { order { status totalPence cancelReason lines { quantity attendees { name cancelledAt } } }
  userErrors { field message } } }"""
REFUND = """mutation($id: ID!, $amount: Int, $reason: String!) { refundOrder(orderId: $id, amountPence: $amount,
  reason: $reason) { order { status cancelReason } userErrors { field message } } }"""
SUBSTITUTE = """mutation($id: ID!, $a: ID!, $name: String!, $email: String!) { substituteAttendee(orderId: $id,
  attendeeId: $a, name: $name, email: $email) { order { lines { attendees { name email } } }
  userErrors { field message } } }"""
PAYMENT = """mutation($id: ID!, $on: Date!, $ref: String!) { recordOrderPayment(orderId: $id, paidOn: $on,
  reference: $ref) { order { status paidOn paymentReference } userErrors { field message } } }"""
ONE = "query($id: ID!) { order(id: $id) { id status } }"
MINE = "{ myOrganisation { name orders { id status totalPence lines { quantity } } } }"
PLACES = "query($id: ID!) { session(id: $id) { externalPlacesLeft } }"


def organisation(name: str, needs_po: bool) -> int:
    from gateway.db import database
    from gateway.identity.models import Organisation

    with database().session() as db:
        made = Organisation(name=name, billing_email=f"accounts@{name.split()[0].lower()}.test",
                            address="1 School Lane", needs_purchase_order=needs_po)
        db.add(made)
        db.flush()
        return made.id


@pytest.fixture
def world(gateway_app, make_school, make_person, make_course):
    school = make_school(name="Ashby Primary")
    westfield, eastfield = organisation("Westfield Primary", True), organisation("Eastfield Primary", False)
    make_person("bursar@westfield.test", "Bella Bursar", roles=[("external_booker",)], organisation_id=westfield)
    make_person("bursar@eastfield.test", "Ed Eastfield", roles=[("external_booker",)], organisation_id=eastfield)
    make_person("teacher@a.test", "Tara Teacher", roles=[("staff", school)], school_id=school)
    make_person("admin@trust.test", "Alex Admin", roles=[("ll_admin",)])
    course = make_course(title="Phonics for schools", visibility="PUBLIC", external_price_pence=PRICE)
    trust_only = make_course(title="Trust induction", visibility="TRUST")
    admin = gateway_app.test_client()
    sign_in(admin, "admin@trust.test")
    made = {}
    for key, c in (("session", course), ("trust_session", trust_only)):
        answer = gql(admin, SCHEDULE, {"input": {
            "courseId": str(c["id"]), "startsAt": SOON.isoformat(), "endsAt": (SOON + timedelta(hours=2)).isoformat(),
            "venue": "Hall", "capacity": 10, "externalPlaces": 4, "requiresApproval": False}})["data"]
        assert answer["scheduleSession"]["userErrors"] == [], answer
        made[key] = answer["scheduleSession"]["session"]["id"]
    return {**made, "admin": admin}


def attendees(n: int) -> list[dict]:
    return [{"name": f"Attendee {i}", "email": f"a{i}@westfield.test"} for i in range(n)]


def order_input(session_id, n: int = 2, **changes) -> dict:
    return {"lines": [{"sessionId": session_id, "attendees": attendees(n)}], "paymentMethod": "INVOICE",
            "purchaseOrderNumber": "PO-4471", **changes}


def start(client, input: dict) -> dict:
    return gql(client, START, {"input": input})["data"]["startOrder"]


def places_left(client, session_id) -> int:
    return gql(client, PLACES, {"id": session_id})["data"]["session"]["externalPlacesLeft"]


def test_a_bursar_buys_two_places_by_invoice(client, world):
    sign_in(client, "bursar@westfield.test")
    done = start(client, order_input(world["session"]))
    assert done["userErrors"] == []
    o = done["order"]
    assert (o["status"], o["paymentMethod"], o["currency"], o["purchaseOrderNumber"]) == (
        "INVOICED", "INVOICE", "GBP", "PO-4471")
    assert (o["totalPence"], o["discountPence"], o["invoiceNumber"]) == (2 * PRICE, 0, "LL-INV-000001")
    assert o["invoiceUrl"].endswith(f"/orders/{o['id']}/invoice.pdf")
    assert (o["receiptUrl"], o["paymentClientSecret"], o["holdExpiresAt"], o["refunds"]) == (None, None, None, [])
    assert o["organisation"] == {"name": "Westfield Primary"}
    (line,) = o["lines"]
    assert (line["quantity"], line["unitPricePence"]) == (2, PRICE)
    # each attendee's place is a booking on the session's register, belonging to the order
    assert line["bookings"] == [{"attendeeName": f"Attendee {i}", "status": "CONFIRMED", "attendee": None,
                                 "order": {"id": o["id"]}} for i in range(2)]
    assert line["session"]["course"]["title"] == "Phonics for schools"
    assert line["session"]["externalPlacesLeft"] == 2
    assert [(a["name"], a["email"], a["cancelledAt"]) for a in line["attendees"]] == [
        ("Attendee 0", "a0@westfield.test", None), ("Attendee 1", "a1@westfield.test", None)]
    # the school's orders, and the order by its id
    mine = gql(client, MINE)["data"]["myOrganisation"]
    assert mine["orders"] == [{"id": o["id"], "status": "INVOICED", "totalPence": 2 * PRICE, "lines": [{"quantity": 2}]}]
    assert gql(client, ONE, {"id": o["id"]})["data"]["order"] == {"id": o["id"], "status": "INVOICED"}


def test_a_retry_with_the_same_key_is_the_same_order(client, world):
    sign_in(client, "bursar@westfield.test")
    first = start(client, order_input(world["session"], idempotencyKey="k-1"))["order"]
    again = start(client, order_input(world["session"], idempotencyKey="k-1"))["order"]
    assert again["id"] == first["id"]
    assert places_left(client, world["session"]) == 2


def test_a_card_order_holds_its_places_while_the_bursar_pays(client, world, stripe_api):
    sign_in(client, "bursar@eastfield.test")
    o = start(client, order_input(world["session"], 1, paymentMethod="CARD", purchaseOrderNumber=None))["order"]
    assert (o["status"], o["invoiceNumber"], o["invoiceUrl"], o["receiptUrl"]) == (
        "AWAITING_PAYMENT", None, None, None)
    held = datetime.fromisoformat(o["holdExpiresAt"]) - datetime.now(timezone.utc)
    assert timedelta(minutes=14) < held <= timedelta(minutes=15)


def test_the_purchase_order_number_is_required_where_the_school_says_so(client, world):
    sign_in(client, "bursar@westfield.test")
    for po in (None, "   "):
        done = start(client, order_input(world["session"], purchaseOrderNumber=po))
        assert done["order"] is None
        assert done["userErrors"] == [{"field": ["purchaseOrderNumber"], "message":
                                       "Enter your school's purchase-order number to pay by invoice."}]
    assert places_left(client, world["session"]) == 4
    # Eastfield says it needs none
    sign_in(client, "bursar@eastfield.test")
    assert start(client, order_input(world["session"], purchaseOrderNumber=None))["order"]["status"] == "INVOICED"


@pytest.mark.parametrize(("change", "field", "said"), [
    (lambda s: {"lines": [{"sessionId": "abc", "attendees": attendees(1)}]}, ["lines", "0", "sessionId"],
     "There is no such session on sale"),
    (lambda s: {"lines": [{"sessionId": s, "attendees": [{"name": "Ann", "email": "not-an-email"}]}]},
     ["lines", "0", "attendees", "0", "email"], "Enter the attendee's email address"),
    (lambda s: {"lines": [{"sessionId": s, "attendees": [{"name": " ", "email": "ann@w.test"}]}]},
     ["lines", "0", "attendees", "0", "name"], ""),
    (lambda s: {"lines": [{"sessionId": s, "attendees": []}]}, ["lines", "0", "attendees"], ""),
    (lambda s: {"lines": [{"sessionId": s, "attendees": attendees(5)}]}, None, "only 4 places left"),
    (lambda s: {"lines": []}, ["lines"], ""),
])
def test_bad_input_is_refused_beside_its_field_and_nothing_is_held(client, world, change, field, said):
    sign_in(client, "bursar@westfield.test")
    done = start(client, order_input(world["session"], **change(world["session"])))
    assert done["order"] is None
    assert done["userErrors"][0]["field"] == field
    assert said in done["userErrors"][0]["message"]
    assert places_left(client, world["session"]) == 4
    assert gql(client, MINE)["data"]["myOrganisation"]["orders"] == []


def test_a_trust_course_cannot_be_bought(client, world):
    sign_in(client, "bursar@westfield.test")
    done = start(client, order_input(world["trust_session"]))
    assert done["userErrors"] == [{"field": ["lines", "0", "sessionId"], "message":
                                   "There is no such session on sale to schools outside the trust."}]


def test_trust_staff_visitors_and_other_schools_are_refused(client, anon_client, world):
    sign_in(client, "bursar@westfield.test")
    mine = start(client, order_input(world["session"], 1))["order"]
    # a visitor
    refused = gql(anon_client, START, {"input": order_input(world["session"])})["data"]["startOrder"]
    assert refused == {"order": None, "userErrors": [{"field": None, "message": "Sign in to buy places."}]}
    assert gql(anon_client, ONE, {"id": mine["id"]})["data"]["order"] is None
    # trust staff never pay
    sign_in(client, "teacher@a.test")
    refused = start(client, order_input(world["session"]))
    assert refused["order"] is None and "Trust staff book trust CPD free" in refused["userErrors"][0]["message"]
    assert gql(client, ONE, {"id": mine["id"]})["data"]["order"] is None
    # another school sees nothing of it and changes nothing
    sign_in(client, "bursar@eastfield.test")
    assert gql(client, ONE, {"id": mine["id"]})["data"]["order"] is None
    assert gql(client, MINE)["data"]["myOrganisation"]["orders"] == []
    for query, variables in ((CANCEL, {"id": mine["id"]}),
                             (SUBSTITUTE, {"id": mine["id"], "a": "1", "name": "Eve", "email": "eve@e.test"})):
        payload = next(iter(gql(client, query, variables)["data"].values()))
        assert payload["order"] is None
        assert payload["userErrors"][0]["message"] == "There is no such order, or it is not your organisation's."
    # a booker refunds nothing and records no payment
    sign_in(client, "bursar@westfield.test")
    refund = gql(client, REFUND, {"id": mine["id"], "reason": "Changed our minds"})["data"]["refundOrder"]
    assert refund["userErrors"] == [{"field": None, "message": "Only Lighthouse Learning admins refund orders."}]
    paid = gql(client, PAYMENT, {"id": mine["id"], "on": "2026-01-05", "ref": "BACS"})["data"]["recordOrderPayment"]
    assert paid["userErrors"][0]["message"] == "Only Lighthouse Learning admins record payments."
    assert gql(client, ONE, {"id": mine["id"]})["data"]["order"]["status"] == "INVOICED"
    assert places_left(client, world["session"]) == 3


def test_the_bursar_cancels_one_attendee_then_the_rest(client, world):
    sign_in(client, "bursar@westfield.test")
    o = start(client, order_input(world["session"], 2))["order"]
    first = o["lines"][0]["attendees"][0]["id"]
    done = gql(client, CANCEL, {"id": o["id"], "who": [first]})["data"]["cancelOrder"]
    assert done["userErrors"] == []
    assert (done["order"]["status"], done["order"]["totalPence"], done["order"]["lines"][0]["quantity"]) == (
        "INVOICED", PRICE, 1)
    assert places_left(client, world["session"]) == 3
    # an id that cannot be an attendee is refused before bookings is asked
    bad = gql(client, CANCEL, {"id": o["id"], "who": ["x"]})["data"]["cancelOrder"]
    assert bad["userErrors"] == [{"field": ["attendeeIds"], "message":
                                  "Choose attendees of this order who still hold a place."}]
    done = gql(client, CANCEL, {"id": o["id"]})["data"]["cancelOrder"]
    assert done["order"]["status"] == "CANCELLED"
    assert places_left(client, world["session"]) == 4
    again = gql(client, CANCEL, {"id": o["id"]})["data"]["cancelOrder"]
    assert again["userErrors"][0]["message"].startswith("This order holds no places any more")


def test_the_bursar_substitutes_an_attendee(client, world):
    sign_in(client, "bursar@westfield.test")
    o = start(client, order_input(world["session"], 1))["order"]
    who = o["lines"][0]["attendees"][0]["id"]
    bad = gql(client, SUBSTITUTE, {"id": o["id"], "a": who, "name": "Nina New", "email": "nina"})
    assert bad["data"]["substituteAttendee"]["userErrors"][0]["field"] == ["email"]
    done = gql(client, SUBSTITUTE, {"id": o["id"], "a": who, "name": "Nina New", "email": "nina@westfield.test"})
    assert done["data"]["substituteAttendee"]["order"]["lines"][0]["attendees"] == [
        {"name": "Nina New", "email": "nina@westfield.test"}]


def test_an_admin_records_the_payment_and_refunds(client, world):
    sign_in(client, "bursar@westfield.test")
    o = start(client, order_input(world["session"], 1))["order"]
    admin = world["admin"]
    future = gql(admin, PAYMENT, {"id": o["id"], "on": "2999-01-01", "ref": "BACS 1"})["data"]["recordOrderPayment"]
    assert future["userErrors"] == [{"field": ["paidOn"], "message": "The payment date cannot be in the future."}]
    paid = gql(admin, PAYMENT, {"id": o["id"], "on": "2026-01-05", "ref": "BACS 1"})["data"]["recordOrderPayment"]
    assert paid == {"order": {"status": "PAID", "paidOn": "2026-01-05", "paymentReference": "BACS 1"},
                    "userErrors": []}
    no_reason = gql(admin, REFUND, {"id": o["id"], "amount": 0, "reason": " "})["data"]["refundOrder"]
    assert [e["field"] for e in no_reason["userErrors"]] == [["amountPence"], ["reason"]]
    # an invoiced order's money goes back as a credit note (never an edited invoice);
    # the places stay — a refund is money, cancelling places is cancelOrder
    refunded = gql(admin, REFUND, {"id": o["id"], "reason": "The school closed for snow"})["data"]["refundOrder"]
    assert refunded["userErrors"] == []
    order = gql(admin, "query($id: ID!) { order(id: $id) { totalPence refunds { amountPence reason } } }",
                {"id": o["id"]})["data"]["order"]
    assert order["refunds"] == [{"amountPence": order["totalPence"], "reason": "The school closed for snow"}]
    again = gql(admin, REFUND, {"id": o["id"], "reason": "Twice"})["data"]["refundOrder"]
    assert again["userErrors"] == [{"field": ["amountPence"],
                                    "message": "Nothing is left to give back: everything invoiced has been refunded."}]
    assert places_left(client, world["session"]) == 3


REGISTER = """query($id: ID!) { session(id: $id) { bookings { attendeeName status attendee { id }
  order { id organisation { name } } } } }"""


def test_bought_places_are_on_the_sessions_register_with_their_orders(client, world):
    sign_in(client, "bursar@westfield.test")
    west = start(client, order_input(world["session"], 2))["order"]
    sign_in(client, "bursar@eastfield.test")
    east = start(client, order_input(world["session"], 1, purchaseOrderNumber=None))["order"]
    sign_in(client, "teacher@a.test")
    gql(client, """mutation($id: ID!) { bookSession(sessionId: $id) { userErrors { message } } }""",
        {"id": world["session"]})
    bookings = gql(world["admin"], REGISTER, {"id": world["session"]})["data"]["session"]["bookings"]
    assert sorted((b["attendeeName"], b["status"], b["attendee"] is None,
                   b["order"] and (b["order"]["id"], b["order"]["organisation"]["name"])) for b in bookings) == sorted([
        ("Attendee 0", "CONFIRMED", True, (east["id"], "Eastfield Primary")),
        ("Attendee 0", "CONFIRMED", True, (west["id"], "Westfield Primary")),
        ("Attendee 1", "CONFIRMED", True, (west["id"], "Westfield Primary")),
        ("Tara Teacher", "CONFIRMED", False, None)])
    # the bursar sees their own attendees' places through their order, and nobody else's
    sign_in(client, "bursar@westfield.test")
    theirs = gql(client, ONE.replace("id status", "lines { bookings { attendeeName order { id } } }"),
                 {"id": west["id"]})["data"]["order"]["lines"][0]["bookings"]
    assert theirs == [{"attendeeName": f"Attendee {i}", "order": {"id": west["id"]}} for i in range(2)]
    assert gql(client, ONE, {"id": east["id"]})["data"]["order"] is None
