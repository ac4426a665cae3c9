"""QA notes straight against the catalogue: a SIP of the school records one on a held
session, every edit keeps the text it replaced, only the central team and the
school's leaders read them, and a refused write changes nothing."""
from __future__ import annotations

import pytest

from services.catalogue.tests.cascade_helpers import ADMIN, LEADER_A, LEADER_C, OUTSIDERS, SIP_A, SIP_A2


@pytest.fixture
def held(cascade):
    """A sprint of school 1 (school 3 its partner) whose first session was held."""
    programme = cascade.programme()
    return cascade.held(cascade.plan(programme["id"], partner_school_ids=[3], expect=201).json())


def test_a_sip_records_a_note_and_each_edit_keeps_the_text_it_replaced(cascade, held):
    session_id = held["sessions"][0]["id"]
    made = cascade.note(session_id)
    assert made.status_code == 201, made.text
    note = made.json()
    assert (note["author_name"], note["judgement"], note["version"], note["revisions"]) == (
        "Sita Sip", "DEVELOPING", 1, [])
    edited = cascade.note(session_id, SIP_A2, judgement="SECURE", strengths="Confident modelling throughout.")
    assert edited.status_code == 200
    edited = edited.json()
    assert (edited["author_name"], edited["updated_by_name"], edited["version"]) == ("Sita Sip", "Sam Second", 2)
    [revision] = edited["revisions"]
    assert (revision["version"], revision["judgement"], revision["strengths"]) == (
        1, "DEVELOPING", "Clear modelling with manipulatives.")
    assert (revision["written_by_name"], revision["replaced_by_name"]) == ("Sita Sip", "Sam Second")
    # Saving the same text again is no edit: no revision, no new version.
    same = cascade.note(session_id, SIP_A2, judgement="SECURE", strengths="Confident modelling throughout.").json()
    assert (same["version"], len(same["revisions"])) == (2, 1)
    assert cascade.get(f"/sprints/{held['id']}", LEADER_A).json()["sessions"][0]["qa_note_id"] == note["id"]
    history = cascade.get(f"/history/qa_note/{note['id']}").json()["items"]
    assert [e["action"] for e in history] == ["qa_note.edited", "qa_note.recorded"]
    assert {c["field"] for c in history[0]["changes"]} == {"judgement", "strengths"}


@pytest.mark.parametrize("who", [LEADER_A, LEADER_C, SIP_A, ADMIN], ids=["leader", "partner's leader", "SIP", "admin"])
def test_the_central_team_and_the_schools_leaders_read_notes(cascade, held, who):
    session_id = held["sessions"][0]["id"]
    note = cascade.note(session_id).json()
    assert cascade.get(f"/sprint-sessions/{session_id}/qa-note", who).json() == note
    assert cascade.get("/qa-notes", who, ids=str(note["id"])).json()["items"] == [note]
    assert cascade.get("/qa-notes", who, sprint_session_ids=str(session_id)).json()["items"] == [note]


@pytest.mark.parametrize("name", list(OUTSIDERS))
def test_nobody_else_reads_or_writes_a_note_or_learns_there_is_one(cascade, held, name):
    who = OUTSIDERS[name]
    session_id = held["sessions"][0]["id"]
    note = cascade.note(session_id).json()
    missing = cascade.get(f"/sprint-sessions/{session_id}/qa-note", who)
    assert missing.status_code == 404 and missing.json()["message"] == (
        "There is no QA note on this session, or it is not open to you.")
    assert cascade.get("/qa-notes", who, ids=str(note["id"])).json() == {"items": []}
    assert cascade.get("/qa-notes", who, sprint_session_ids=str(session_id)).json() == {"items": []}
    assert cascade.note(session_id, who, strengths="Overwritten").status_code == 404
    assert cascade.get(f"/sprint-sessions/{session_id}/qa-note").json() == note


def test_the_schools_leaders_read_but_do_not_write_notes(cascade, held):
    session_id = held["sessions"][0]["id"]
    refused = cascade.note(session_id, LEADER_A)
    assert refused.status_code == 403 and "its leaders read them" in refused.json()["message"]
    assert cascade.get(f"/sprint-sessions/{session_id}/qa-note").status_code == 404


@pytest.mark.parametrize("change, field", [
    ({"next_session_plan": "   "}, "next_session_plan"),
    ({"strengths": ""}, "strengths"),
    ({"judgement": "OUTSTANDING"}, "judgement"),
    ({"development_points": "x" * 10_001}, "development_points"),
])
def test_a_note_with_a_part_missing_is_refused_and_the_note_stays(cascade, held, change, field):
    session_id = held["sessions"][0]["id"]
    note = cascade.note(session_id).json()
    refused = cascade.note(session_id, **change)
    assert refused.status_code == 422 and [e["field"] for e in refused.json()["fieldErrors"]] == [[field]]
    assert cascade.get(f"/sprint-sessions/{session_id}/qa-note").json() == note


def test_a_note_waits_for_its_session_to_be_held(cascade, held):
    planned = held["sessions"][1]["id"]
    refused = cascade.note(planned)
    assert refused.status_code == 409 and refused.json()["message"].startswith("Record the session as held")
    session_id = held["sessions"][0]["id"]
    cascade.note(session_id)
    # and a held session with a note stays held
    undo = cascade.record(session_id, status="PLANNED", staff_attending=None)
    assert undo.status_code == 409 and "stays held" in undo.json()["message"]


def test_an_edit_from_an_old_version_is_refused_with_who_changed_it(cascade, held):
    session_id = held["sessions"][0]["id"]
    cascade.note(session_id, version=0)
    cascade.note(session_id, SIP_A2, version=1, judgement="SECURE")
    stale = cascade.note(session_id, SIP_A, version=1, strengths="My late text")
    assert stale.status_code == 409
    assert stale.json()["message"].startswith("Sam Second changed this note at ")
    assert "your text was not saved" in stale.json()["message"]
    current = cascade.get(f"/sprint-sessions/{session_id}/qa-note").json()
    assert (current["version"], current["judgement"], current["strengths"]) == (
        2, "SECURE", "Clear modelling with manipulatives.")
