"""Vouchers for admins in the gateway: made through GraphQL and the admin page (bad
input said beside its field), listed with their uses, a voucher's page naming the
schools whose orders used it — and nobody else sees any of it."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from shared import tokens
from tests.support.fixtures import csrf_token, gql, sign_in

TODAY = datetime.now(timezone.utc).date()
SOON = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=14)
CREATE = """mutation($input: VoucherInput!) { createVoucher(input: $input) {
  voucher { id code percentOff courses { title } uses maxUses } userErrors { field message } } }"""
LIST = "{ vouchers { totalCount edges { node { code uses discountGivenPence } } } }"
ONE = """query($id: ID!) { voucher(id: $id) { code uses
  used { orderId organisation { name } discountPence givenBackAt } } }"""


def good(**changes) -> dict:
    return {"code": "spring-25", "percentOff": 20, "maxUses": 5, "validFrom": (TODAY - timedelta(days=1)).isoformat(),
            "validUntil": (TODAY + timedelta(days=30)).isoformat(), **changes}


@pytest.fixture
def people(make_person, make_school):
    from gateway.db import database
    from gateway.identity.models import Organisation

    with database().session() as db:
        westfield = Organisation(name="Westfield Primary", urn="123456", billing_email="a@westfield.test",
                                 address="1 School Lane")
        db.add(westfield)
        db.flush()
        organisation_id = westfield.id
    school = make_school()
    make_person("admin@trust.test", "Alex Admin", roles=[("ll_admin",)])
    make_person("bursar@westfield.test", "Bella Bursar", roles=[("external_booker",)],
                organisation_id=organisation_id)
    make_person("teacher@a.test", "Tara Teacher", roles=[("staff", school)], school_id=school)
    return {"organisation_id": organisation_id}


def _bought(schedule, service_call, organisation_id: int, course_id: int, code: str) -> dict:
    session = schedule("POST", "/sessions", json={
        "course_id": course_id, "course_title": "Phonics for schools", "course_visibility": "PUBLIC", "course_external_price_pence": 10000,
        "starts_at": SOON.isoformat(), "ends_at": (SOON + timedelta(hours=2)).isoformat(), "venue": "Hall",
        "capacity": 10, "external_places": 4}).json()
    bursar = tokens.Identity(subject="77", name="Bella Bursar", organisation_id=organisation_id,
                             grants=(tokens.Grant("external_booker"),))
    made = service_call("bookings", "POST", "/orders", bursar, json={
        "lines": [{"session_id": session["id"], "attendees": [{"name": "Ann", "email": "ann@westfield.test"}]}],
        "payment_method": "INVOICE", "voucher_code": code})
    assert made.status_code == 201, made.text
    return made.json()


def test_an_admin_makes_a_voucher_and_sees_who_used_it(client, people, make_course, schedule, service_call):
    course = make_course(title="Phonics for schools", visibility="PUBLIC", external_price_pence=10000)
    sign_in(client, "admin@trust.test")
    made = gql(client, CREATE, {"input": good(courseIds=[str(course["id"])])})["data"]["createVoucher"]
    assert made["userErrors"] == []
    assert made["voucher"] | {"id": None} == {"id": None, "code": "SPRING-25", "percentOff": 20,
                                              "courses": [{"title": "Phonics for schools"}], "uses": 0, "maxUses": 5}
    order = _bought(schedule, service_call, people["organisation_id"], course["id"], "Spring-25")
    assert (order["discount_pence"], order["total_pence"]) == (2000, 8000)
    listed = gql(client, LIST)["data"]["vouchers"]
    assert listed["totalCount"] == 1 and listed["edges"][0]["node"] == {
        "code": "SPRING-25", "uses": 1, "discountGivenPence": 2000}
    one = gql(client, ONE, {"id": made["voucher"]["id"]})["data"]["voucher"]
    assert one["used"] == [{"orderId": str(order["id"]), "organisation": {"name": "Westfield Primary"},
                            "discountPence": 2000, "givenBackAt": None}]
    page = client.get(f"/admin/vouchers/{made['voucher']['id']}").get_data(as_text=True)
    assert "Westfield Primary" in page and "£20.00" in page and "1 of 5" in page
    listing = client.get("/admin/vouchers").get_data(as_text=True)
    assert "SPRING-25" in listing and "Phonics for schools" in listing


def test_the_service_refuses_bad_input_field_by_field(client, people):
    sign_in(client, "admin@trust.test")
    refused = gql(client, CREATE, {"input": good(percentOff=120, validUntil=(TODAY - timedelta(days=5)).isoformat())})
    problems = {tuple(e["field"]): e["message"] for e in refused["data"]["createVoucher"]["userErrors"]}
    assert problems == {("percentOff",): "Enter a percentage from 1 to 100.",
                        ("validUntil",): "The last day must be on or after the first day."}
    assert gql(client, LIST)["data"]["vouchers"]["totalCount"] == 0


def test_the_form_says_each_problem_beside_its_field_and_keeps_what_was_typed(client, people):
    sign_in(client, "admin@trust.test")
    form = {"csrf_token": csrf_token(client), "code": "no way!", "kind": "amount", "amountOff": "lots",
            "maxUses": "0", "validFrom": (TODAY + timedelta(days=3)).isoformat(), "validUntil": TODAY.isoformat()}
    response = client.post("/admin/vouchers", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for field, words in [("code", "letters, digits and hyphens"), ("amountOff", "in pounds, like 25 or 12.50"),
                         ("maxUses", "at least 1"), ("validUntil", "on or after the first day")]:
        assert f'id="{field}-error"' in page and words in page, field
    assert 'value="no way!"' in page
    assert gql(client, LIST)["data"]["vouchers"]["totalCount"] == 0
    form.update(code="Autumn-10", amountOff="12.50", maxUses="3", validUntil=(TODAY + timedelta(days=9)).isoformat())
    made = client.post("/admin/vouchers", data=form)
    assert made.status_code == 302
    shown = client.get(made.headers["Location"]).get_data(as_text=True)
    assert "Voucher AUTUMN-10 made." in shown and "£12.50 off" in shown and "0 of 3" in shown


@pytest.mark.parametrize("who", ["bursar@westfield.test", "teacher@a.test"])
def test_nobody_but_an_admin_sees_or_makes_vouchers(client, people, who):
    sign_in(client, who)
    assert client.get("/admin/vouchers").status_code == 403
    assert client.get("/admin/vouchers/1").status_code == 403
    assert client.post("/admin/vouchers", data={"csrf_token": csrf_token(client), "code": "MINE"}).status_code == 403
    listed = gql(client, LIST)
    assert listed["data"] is None and "Only Lighthouse Learning admins" in listed["errors"][0]["message"]
    assert gql(client, ONE, {"id": "1"})["data"]["voucher"] is None
    refused = gql(client, CREATE, {"input": good()})["data"]["createVoucher"]
    assert refused["voucher"] is None and "Only Lighthouse Learning admins" in refused["userErrors"][0]["message"]


def test_a_visitor_is_sent_to_sign_in(anon_client, people):
    response = anon_client.get("/admin/vouchers")
    assert response.status_code == 302 and "sign-in" in response.headers["Location"]
