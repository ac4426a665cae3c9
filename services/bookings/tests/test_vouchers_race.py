"""A voucher under a rush: real orders in parallel, on whichever database the suite runs
(SQLite or PostgreSQL) — a 5-use code gives exactly 5 discounts however many schools
type it at once, and the control shows the race the conditional UPDATE closes."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from services.bookings.db import database
from services.bookings.tests.test_orders_race import _buyer, _header, _order, _rush, _session, _stripe  # noqa: F401
from services.bookings.vouchers.models import Voucher, VoucherUse
from tests.support.fixtures import ADMIN

TODAY = datetime.now(timezone.utc).date()


def _voucher(service_call, code: str, max_uses: int) -> int:
    response = service_call("bookings", "POST", "/vouchers", ADMIN, json={
        "code": code, "percent_off": 20, "max_uses": max_uses, "valid_from": (TODAY - timedelta(days=1)).isoformat(),
        "valid_until": (TODAY + timedelta(days=1)).isoformat()})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_twenty_orders_at_once_get_a_five_use_voucher_exactly_five_times(stack, schedule, service_call):
    session_id = _session(schedule, capacity=40, external=30)
    voucher_id = _voucher(service_call, "RUSH", 5)
    responses = _rush(stack, [("/orders", {**_order(session_id), "voucher_code": "rush"}, _header(stack, _buyer(i)))
                              for i in range(20)])
    assert sorted(r.status_code for r in responses) == [201] * 5 + [422] * 15, \
        [r.text for r in responses if r.status_code not in (201, 422)]
    assert {r.json()["discount_pence"] for r in responses if r.status_code == 201} == {1900}
    refused = {r.json()["fieldErrors"][0]["message"] for r in responses if r.status_code == 422}
    assert refused == {"This voucher has been used as many times as it allows."}
    with database().session() as db:
        assert db.get(Voucher, voucher_id).uses == 5
        assert db.execute(sa.select(sa.func.count()).select_from(VoucherUse)).scalar_one() == 5
    # the refused held nothing
    assert service_call("bookings", "GET", f"/sessions/{session_id}").json()["external_places_left"] == 25


def test_without_the_conditional_update_the_limit_is_overrun(stack, schedule, service_call):
    """The control: count a use as read-then-write does (read `uses`, compare with the
    limit, write back what was read plus one) and four orders at once all get a
    3-use voucher while the count says 1 — what the single conditional UPDATE in
    vouchers/service.py `redeem` closes."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    voucher_id = _voucher(service_call, "NAIVE", 3)
    everyone_read = threading.Barrier(4)
    table = Voucher.__table__

    def naive(_):
        with database().session() as db:
            uses, limit = db.execute(sa.select(table.c.uses, table.c.max_uses)
                                     .where(table.c.id == voucher_id)).one()
        everyone_read.wait()
        if uses >= limit:
            return False
        with database().session() as db:
            db.execute(sa.update(table).where(table.c.id == voucher_id).values(uses=uses + 1))
        return True

    with ThreadPoolExecutor(4) as pool:
        allowed = list(pool.map(naive, range(4)))
    with database().session() as db:
        counted = db.get(Voucher, voucher_id).uses
    assert sum(allowed) == 4 and counted == 1
