"""SIPs saving the same QA note at once, with real parallel requests (run on SQLite,
and on PostgreSQL with LL_TEST_DATABASE_URL): every text is kept — the note's current
one and, in its revisions, each it replaced — and an edit made from a version someone
has since changed is refused with a sentence, never buried.  The control shows the
race is real: without the session's lock, writers that read the same version collide
and one of them is turned away."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from services.catalogue.cascade import api, notes
from services.catalogue.cascade.models import QaNote
from services.catalogue.tests.cascade_helpers import SIP_A, SIP_A2

WRITERS = 6


@pytest.fixture
def session_id(cascade):
    programme = cascade.programme()
    sprint = cascade.held(cascade.plan(programme["id"], expect=201).json())
    return sprint["sessions"][0]["id"]


def at_once(cascade, session_id: int, n: int = WRITERS, **fields) -> list:
    """n SIPs each saving their own strengths at the same moment."""
    start = threading.Barrier(n)

    def save(i: int):
        start.wait(timeout=10)
        return cascade.note(session_id, SIP_A if i % 2 else SIP_A2, strengths=f"Text of writer {i}", **fields)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(save, range(n)))


def kept_texts(cascade, session_id: int) -> tuple[dict, list[str]]:
    note = cascade.get(f"/sprint-sessions/{session_id}/qa-note").json()
    return note, [note["strengths"], *(r["strengths"] for r in note["revisions"])]


def test_writers_at_once_on_a_new_note_all_land_one_on_top_of_another(cascade, session_id):
    answers = at_once(cascade, session_id)
    assert sorted(a.status_code for a in answers) == [200] * (WRITERS - 1) + [201], [a.text for a in answers]
    note, texts = kept_texts(cascade, session_id)
    assert sorted(texts) == sorted(f"Text of writer {i}" for i in range(WRITERS))
    assert note["version"] == WRITERS
    assert [r["version"] for r in note["revisions"]] == list(range(WRITERS - 1, 0, -1))
    # Each revision was replaced by the writer of the text after it.
    chain = [note, *note["revisions"]]
    for newer, older in zip(chain, chain[1:]):
        assert older["replaced_by_name"] == newer.get("updated_by_name", newer.get("written_by_name"))


def test_writers_at_once_on_an_existing_note_all_land(cascade, session_id):
    cascade.note(session_id, strengths="The first text")
    answers = at_once(cascade, session_id)
    assert [a.status_code for a in answers] == [200] * WRITERS
    note, texts = kept_texts(cascade, session_id)
    assert sorted(texts) == sorted(["The first text", *(f"Text of writer {i}" for i in range(WRITERS))])
    assert note["version"] == WRITERS + 1


def test_writers_from_the_same_version_one_lands_the_others_are_told(cascade, session_id):
    cascade.note(session_id, strengths="The first text")
    answers = at_once(cascade, session_id, version=1)
    assert sorted(a.status_code for a in answers) == [200] + [409] * (WRITERS - 1)
    assert all("your text was not saved" in a.json()["message"] for a in answers if a.status_code == 409)
    note, texts = kept_texts(cascade, session_id)
    assert note["version"] == 2 and texts[1] == "The first text"


def test_control_without_the_lock_writers_that_read_the_same_version_collide(cascade, session_id, monkeypatch):
    from sqlmodel import select

    cascade.note(session_id, strengths="The first text")
    both_read = threading.Barrier(2)

    def unlocked(db, sprint_session_id):
        note = db.exec(select(QaNote).where(QaNote.sprint_session_id == sprint_session_id)).first()
        both_read.wait(timeout=10)  # each has read version 1 before either writes
        return note

    monkeypatch.setattr(notes, "_hold", unlocked)
    monkeypatch.setattr(api, "begin_write", lambda db: None)
    answers = at_once(cascade, session_id, n=2)
    assert sorted(a.status_code for a in answers) == [200, 409]
    note, texts = kept_texts(cascade, session_id)
    assert note["version"] == 2 and len(texts) == 2
