"""Vouchers over HTTP: an admin makes codes, a bursar's order takes the discount off the
lines it applies to, a code that cannot be used refuses the order and holds nothing, a
cancelled or lapsed order gives its use back — and nobody but an admin sees a voucher."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
import time_machine

from services.bookings.tests import test_orders
from services.bookings.tests.test_orders import BURSAR, STRANGER, TEACHER, fields, left
from services.bookings.vouchers.models import Voucher
from services.bookings.vouchers.service import discount_on
from tests.support.fixtures import ADMIN

TODAY = datetime.now(timezone.utc).date()
on_sale, order = test_orders.on_sale, test_orders.order  # the orders tests' fixtures
_stripe = test_orders._stripe  # card orders get their PaymentIntent from localstripe (autouse)


@pytest.fixture
def voucher(service_call):
    def _make(who=ADMIN, **overrides):
        body = {"code": "spring-25", "percent_off": 10, "max_uses": 5,
                "valid_from": (TODAY - timedelta(days=1)).isoformat(),
                "valid_until": (TODAY + timedelta(days=30)).isoformat(), **overrides}
        body = {k: v for k, v in body.items() if v is not None}
        return service_call("bookings", "POST", "/vouchers", who, json=body)
    return _make


def made(response) -> dict:
    assert response.status_code == 201, response.text
    return response.json()


def test_an_admin_makes_a_code_that_any_case_finds(voucher, service_call):
    v = made(voucher(code=" Spring-25 ", course_ids=[3, 1, 3]))
    assert (v["code"], v["percent_off"], v["amount_off_pence"], v["course_ids"]) == ("SPRING-25", 10, None, [1, 3])
    assert (v["uses"], v["max_uses"], v["used"]) == (0, 5, [])
    again = voucher(code="spring-25", percent_off=None, amount_off_pence=500)
    assert again.status_code == 422 and "already a voucher SPRING-25" in fields(again)["code"]
    listed = service_call("bookings", "GET", "/vouchers", ADMIN).json()
    assert listed["total"] == 1 and listed["items"][0]["code"] == "SPRING-25"
    history = service_call("bookings", "GET", f"/history/voucher/{v['id']}", ADMIN).json()["items"]
    assert [e["action"] for e in history] == ["voucher.created"]


def test_bad_input_is_refused_beside_each_field_and_makes_nothing(voucher, service_call):
    cases = [
        ({"code": "a!"}, "code", "letters, digits and hyphens"),
        ({"percent_off": 0}, "percent_off", "from 1 to 100"),
        ({"percent_off": 101}, "percent_off", "from 1 to 100"),
        ({"amount_off_pence": 500}, "percent_off", "not both"),
        ({"percent_off": None}, "percent_off", "either a percentage off or an amount off"),
        ({"percent_off": None, "amount_off_pence": 0}, "amount_off_pence", "at least 1p"),
        ({"course_ids": []}, "course_ids", "at least one course"),
        ({"max_uses": 0}, "max_uses", "at least 1"),
        ({"valid_until": (TODAY - timedelta(days=2)).isoformat()}, "valid_until", "on or after the first day"),
        ({"valid_from": "soon"}, "valid_from", "Enter a date"),
    ]
    for change, field, words in cases:
        refused = voucher(**change)
        assert refused.status_code == 422, (change, refused.text)
        assert words in fields(refused).get(field, ""), (change, fields(refused))
    assert service_call("bookings", "GET", "/vouchers", ADMIN).json()["total"] == 0


@pytest.mark.parametrize("who", [BURSAR, TEACHER], ids=["booker", "trust staff"])
def test_only_admins_make_or_see_vouchers(voucher, service_call, who):
    v = made(voucher())
    assert voucher(who=who, code="MINE").status_code == 403
    assert service_call("bookings", "GET", "/vouchers", who).status_code == 403
    assert service_call("bookings", "GET", f"/vouchers/{v['id']}", who).status_code == 403
    assert service_call("bookings", "GET", "/vouchers", ADMIN).json()["total"] == 1
    assert service_call("bookings", "GET", f"/vouchers/{v['id'] + 1}", ADMIN).status_code == 404


def test_a_percentage_comes_off_the_eligible_lines_only_rounded_for_the_buyer(voucher, on_sale, order,
                                                                              service_call):
    phonics = on_sale(price=3333)
    maths = on_sale(title="Maths for schools", price=9500)
    v = made(voucher(percent_off=15, course_ids=[phonics["course_id"]]))
    o = order([(phonics["id"], 2), (maths["id"], 1)], voucher_code="spring-25")
    assert o.status_code == 201, o.text
    # 15% of 2 × £33.33 = 999.9p: the buyer keeps the tenth of a penny
    assert (o.json()["discount_pence"], o.json()["total_pence"]) == (1000, 2 * 3333 + 9500 - 1000)
    used = service_call("bookings", "GET", f"/vouchers/{v['id']}", ADMIN).json()
    assert used["uses"] == 1 and used["discount_given_pence"] == 1000
    assert [(u["order_id"], u["organisation_id"], u["discount_pence"]) for u in used["used"]] == [
        (o.json()["id"], BURSAR.organisation_id, 1000)]


def test_a_fixed_sum_never_exceeds_what_the_lines_are_worth(voucher, on_sale, order):
    s = on_sale(price=2000)
    made(voucher(code="BIG", percent_off=None, amount_off_pence=50_000))
    o = order([(s["id"], 2)], method="INVOICE", voucher_code="big")
    assert o.status_code == 201, o.text
    assert (o.json()["discount_pence"], o.json()["total_pence"], o.json()["invoiced_pence"]) == (4000, 0, 0)
    made(voucher(code="SMALL", percent_off=None, amount_off_pence=1500))
    assert order([(s["id"], 1)], voucher_code="small").json()["total_pence"] == 500


def test_a_code_that_cannot_be_used_refuses_the_order_and_holds_nothing(voucher, on_sale, order, service_call):
    s = on_sale()
    other = on_sale(title="Maths for schools")
    made(voucher(code="LATER", valid_from=(TODAY + timedelta(days=3)).isoformat()))
    made(voucher(code="GONE", valid_from=(TODAY - timedelta(days=9)).isoformat(),
                 valid_until=(TODAY - timedelta(days=1)).isoformat()))
    made(voucher(code="MATHS", course_ids=[other["course_id"]]))
    made(voucher(code="ONCE", max_uses=1))
    assert order([(s["id"], 1)], voucher_code="once").status_code == 201
    for code, words in [("NOPE", "no voucher with this code"), ("later", "can be used from"),
                        ("gone", "expired on"), ("maths", "not for the courses in this order"),
                        ("once", "used as many times as it allows")]:
        refused = order([(s["id"], 2)], voucher_code=code)
        assert refused.status_code == 422, (code, refused.text)
        assert words in fields(refused)["voucher_code"], (code, fields(refused))
    assert left(service_call, s["id"])[1] == 3  # only the first order's place
    assert service_call("bookings", "GET", "/orders", ADMIN).json()["total"] == 1
    listed = {v["code"]: v["uses"] for v in service_call("bookings", "GET", "/vouchers", ADMIN).json()["items"]}
    assert listed == {"LATER": 0, "GONE": 0, "MATHS": 0, "ONCE": 1}


def test_cancelling_reprices_the_discount_and_a_cancelled_order_gives_its_use_back(voucher, on_sale, order,
                                                                                   service_call):
    s = on_sale(price=1000)
    v = made(voucher(code="HALF", percent_off=50, max_uses=1))
    # invoiced: a card order waiting for its payment is only cancelled whole
    o = order([(s["id"], 3)], voucher_code="HALF", method="INVOICE").json()
    assert (o["discount_pence"], o["total_pence"]) == (1500, 1500)
    first = o["lines"][0]["attendees"][0]["id"]
    fewer = service_call("bookings", "POST", f"/orders/{o['id']}/cancel", BURSAR, json={"attendee_ids": [first]})
    assert (fewer.json()["discount_pence"], fewer.json()["total_pence"]) == (1000, 1000)
    assert service_call("bookings", "GET", f"/vouchers/{v['id']}", ADMIN).json()["uses"] == 1
    assert service_call("bookings", "POST", f"/orders/{o['id']}/cancel", BURSAR, json={}).json()["status"] == \
        "CANCELLED"
    after = service_call("bookings", "GET", f"/vouchers/{v['id']}", ADMIN).json()
    assert after["uses"] == 0 and after["discount_given_pence"] == 0 and after["used"][0]["given_back_at"]
    # the use is free again for the next school
    assert order([(s["id"], 1)], who=STRANGER, voucher_code="half").status_code == 201


def test_a_lapsed_hold_gives_its_use_back_once(voucher, on_sale, order, service_call):
    from tests.test_facts import job

    s = on_sale()
    v = made(voucher(code="ONE", max_uses=1))
    assert order([(s["id"], 1)], voucher_code="one").status_code == 201
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(minutes=20)):
        assert job("services.bookings.scheduler", "release_holds")() == 1
        assert job("services.bookings.scheduler", "release_holds")() == 0
    assert service_call("bookings", "GET", f"/vouchers/{v['id']}", ADMIN).json()["uses"] == 0
    history = service_call("bookings", "GET", f"/history/voucher/{v['id']}", ADMIN).json()["items"]
    assert sorted(e["action"] for e in history) == ["voucher.created", "voucher.use_given_back"]
    assert order([(s["id"], 1)], who=STRANGER, voucher_code="one").status_code == 201


@pytest.mark.parametrize("percent,amount,eligible,off", [
    (10, None, 0, 0), (100, None, 1234, 1234), (33, None, 100, 33), (33, None, 101, 34), (1, None, 1, 1),
    (None, 500, 499, 499), (None, 500, 10_000, 500)])
def test_discounts_round_for_the_buyer_and_never_exceed_the_eligible_lines(percent, amount, eligible, off):
    v = Voucher(code="X", percent_off=percent, amount_off_pence=amount, max_uses=1, valid_from=date.today(),
                valid_until=date.today(), created_by_id=1, created_by_name="A")
    assert discount_on(v, eligible) == off


def test_a_voucher_that_takes_the_whole_price_confirms_a_card_order_at_once(voucher, on_sale, order, service_call):
    """Nothing to pay: no PaymentIntent to wait for, so the places are confirmed rather
    than held until the hold lapses and lost."""
    s = on_sale(price=4000)
    made(voucher(code="FREE", percent_off=100))
    o = order([(s["id"], 2)], voucher_code="free")
    assert o.status_code == 201, o.text
    body = service_call("bookings", "GET", f"/orders/{o.json()['id']}", BURSAR).json()
    assert (body["total_pence"], body["status"], body["hold_expires_at"]) == (0, "PAID", None)
    assert body["payment_client_secret"] is None
    history = service_call("bookings", "GET", f"/history/order/{o.json()['id']}", ADMIN).json()
    assert any("nothing to pay" in entry["summary"] for entry in history["items"]), history
