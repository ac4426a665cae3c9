"""A school's new risk band arriving while its leader plans a sprint, with real parallel
requests (on SQLite, and on PostgreSQL with LL_TEST_DATABASE_URL): whichever lands
first, the sprint ends up with the band the copy now holds — never the one the plan
read a moment before the new band was applied.  The control shows the race is real:
without the locks on the school's place in the programme, a band applied mid-plan is
lost on it.  And a session recorded while a band change holds its sprint waits for it."""
from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

import pytest

from services.catalogue.tests.cascade_helpers import iso, pausing, school_day

ROUNDS = 6


def test_a_plan_and_a_band_at_once_end_with_the_bands_flags(cascade):
    cascade.band(1, "LOW")
    band = "LOW"
    for round_ in range(ROUNDS):
        programme = cascade.programme(schools=(1,))
        band = "HIGH" if band == "LOW" else "LOW"
        start = threading.Barrier(2)
        sessions = [{"topic": "One", "scheduled_at": iso(school_day(3))},
                    {"topic": "Two", "scheduled_at": iso(school_day(6))}]

        def plan():
            start.wait(timeout=10)
            return cascade.plan(programme["id"], sessions=sessions)

        def deliver(new=band):
            start.wait(timeout=10)
            return cascade.band(1, new)

        with ThreadPoolExecutor(2) as pool:
            planned, delivered = pool.submit(plan), pool.submit(deliver)
            assert planned.result().status_code == 201, planned.result().text
            assert delivered.result() == {"applied": True}
        sprints = cascade.get("/sprints", school_ids="1").json()["items"]
        assert {s["school_risk_band"] for s in sprints} == {band}, round_
        expected = [True, band == "HIGH"]
        assert all([x["flagged_for_central"] for x in s["sessions"]] == expected for s in sprints), (round_, sprints)


def _plan_pausing_after_it_reads_the_band(cascade, monkeypatch, programme_id: int):
    """The plan in a thread, held just after it has read the band: (future, read, go)."""
    from services.catalogue.cascade import sprints

    read, go = threading.Event(), threading.Event()
    real = sprints.riskiest_band

    def reading(db, school_ids):
        band = real(db, school_ids)
        read.set()
        go.wait(timeout=10)
        return band

    monkeypatch.setattr(sprints, "riskiest_band", reading)
    pool = ThreadPoolExecutor(2)
    planned = pool.submit(cascade.plan, programme_id, sessions=[{"topic": "One", "scheduled_at": iso(school_day(3))},
                                                                 {"topic": "Two", "scheduled_at": iso(school_day(6))}])
    assert read.wait(timeout=10)
    return pool, planned, go


@pytest.mark.skipif(not os.environ.get("LL_TEST_DATABASE_URL"), reason="row locks: PostgreSQL (SQLite takes the "
                    "write lock first, begin_write, so a band waits for the whole plan there)")
def test_a_band_arriving_mid_plan_waits_for_it_then_rebands_it(cascade, monkeypatch):
    cascade.band(1, "LOW")
    programme = cascade.programme(schools=(1,))
    pool, planned, go = _plan_pausing_after_it_reads_the_band(cascade, monkeypatch, programme["id"])
    delivered = pool.submit(cascade.band, 1, "HIGH")
    with pytest.raises(FutureTimeout):
        delivered.result(timeout=0.5)  # held by the plan's lock on the school's place
    go.set()
    assert planned.result().status_code == 201 and delivered.result() == {"applied": True}
    [sprint] = cascade.get("/sprints", school_ids="1").json()["items"]
    assert sprint["school_risk_band"] == "HIGH"


@pytest.mark.skipif(not os.environ.get("LL_TEST_DATABASE_URL"), reason="row locks: PostgreSQL")
def test_control_without_the_lock_a_plan_saves_the_band_it_read_before_the_new_one(cascade, monkeypatch):
    from services.catalogue.cascade import bands, sprints

    monkeypatch.setattr(sprints, "_hold_places", lambda db, programme_id, school_ids: set(school_ids))
    monkeypatch.setattr(bands, "_hold_places", lambda db, school_id: None)
    cascade.band(1, "LOW")
    programme = cascade.programme(schools=(1,))
    pool, planned, go = _plan_pausing_after_it_reads_the_band(cascade, monkeypatch, programme["id"])
    assert pool.submit(cascade.band, 1, "HIGH").result(timeout=10) == {"applied": True}  # nothing holds it
    go.set()
    assert planned.result().status_code == 201
    [sprint] = cascade.get("/sprints", school_ids="1").json()["items"]
    assert sprint["school_risk_band"] == "LOW"  # stale: the copy says HIGH


@pytest.mark.skipif(not os.environ.get("LL_TEST_DATABASE_URL"), reason="row locks: PostgreSQL")
def test_a_session_recorded_while_a_band_change_holds_its_sprint_waits_for_it(cascade, monkeypatch):
    """The band change holds the sprint and will re-flag its second session; the leader
    cancels that session meanwhile.  The record waits for the sprint, then goes on: no
    deadlock that PostgreSQL would break by failing one of them."""
    from services.catalogue.cascade import bands

    cascade.band(1, "LOW")
    programme = cascade.programme(schools=(1,))
    sprint = cascade.plan(programme["id"], expect=201).json()
    holding, go = pausing(monkeypatch, bands, "schools_of")  # called once the sprints are locked
    with ThreadPoolExecutor(2) as pool:
        delivered = pool.submit(cascade.band, 1, "HIGH")
        assert holding.wait(timeout=10)
        recorded = pool.submit(cascade.record, sprint["sessions"][1]["id"], status="CANCELLED", staff_attending=None)
        with pytest.raises(FutureTimeout):
            recorded.result(timeout=0.5)  # waiting for the sprint, holding nothing the band change needs
        go.set()
        assert delivered.result() == {"applied": True}
        assert recorded.result().status_code == 200, recorded.result().text
    [after] = cascade.get("/sprints", school_ids="1").json()["items"]
    assert after["school_risk_band"] == "HIGH"
    assert [s["status"] for s in after["sessions"]] == ["PLANNED", "CANCELLED"]
