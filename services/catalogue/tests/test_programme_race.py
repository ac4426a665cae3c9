"""An admin taking a school out of a programme while its leader plans its sprint, with
real parallel requests held at the moment that matters, on SQLite and on PostgreSQL
(by the places' row locks there; on SQLite every change takes the write lock first).
Whichever takes the school's place first, the other waits for it and then answers
with a sentence: the school keeps its new sprint and stays, or is gone and the plan is
refused.  Before, each held a lock the other needed and PostgreSQL failed one (a 500)."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

import pytest

from services.catalogue.tests.cascade_helpers import pausing


def _schools(cascade, programme_id: int) -> list[int]:
    return cascade.get(f"/programmes/{programme_id}").json()["school_ids"]


def test_a_school_taken_out_while_its_leader_plans_stays_with_its_new_sprint(cascade, monkeypatch):
    from services.catalogue.cascade import sprints

    programme = cascade.programme(schools=(1, 2))
    # the plan holds school 1's place and has not yet saved its sprint
    called, go = pausing(monkeypatch, sprints, "_missing_videos")
    with ThreadPoolExecutor(2) as pool:
        planned = pool.submit(cascade.plan, programme["id"])
        assert called.wait(timeout=10)
        edited = pool.submit(cascade.edit_programme, programme, schools=(2,))
        with pytest.raises(FutureTimeout):
            edited.result(timeout=0.5)  # waiting for the place the plan holds
        go.set()
        assert planned.result().status_code == 201, planned.result().text
        assert edited.result().status_code == 409, edited.result().text
    assert "School 1 already has a sprint" in edited.result().json()["message"]
    assert _schools(cascade, programme["id"]) == [1, 2]


def test_a_plan_arriving_while_its_school_is_taken_out_is_refused_with_a_sentence(cascade, monkeypatch):
    from services.catalogue.cascade import programmes

    programme = cascade.programme(schools=(1, 2))
    # the edit holds school 1's place and has found no sprint keeping it
    called, go = pausing(monkeypatch, programmes, "_keep_schools_in_sprints")
    with ThreadPoolExecutor(2) as pool:
        edited = pool.submit(cascade.edit_programme, programme, schools=(2,))
        assert called.wait(timeout=10)
        planned = pool.submit(cascade.plan, programme["id"])
        with pytest.raises(FutureTimeout):
            planned.result(timeout=0.5)
        go.set()
        assert edited.result().status_code == 200, edited.result().text
        answer = planned.result()
    assert answer.status_code == 422, answer.text
    assert answer.json()["fieldErrors"] == [
        {"field": ["school_id"], "message": "This school is not taking part in the programme."}]
    assert _schools(cascade, programme["id"]) == [2]
    assert cascade.get("/sprints", school_ids="1").json()["items"] == []
