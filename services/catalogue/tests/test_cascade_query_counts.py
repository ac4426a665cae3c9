"""N+1 guard for the cascade's lists: each costs the same SQL statements for 10 items
as for 100 (programmes, schools on a coverage map, sprints, flagged sessions, notes).
The items are made through the domain operations in one unit of work, not over HTTP.
(test_catalogue_query_counts.py reads CASCADE_CASES and CASCADE_NOT_LISTS from here.)"""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from services.catalogue.cascade.models import SprintSession
from services.catalogue.cascade.notes import record_note
from services.catalogue.cascade.programmes import save_programme
from services.catalogue.cascade.schemas import ProgrammeIn, QaNoteIn, SprintPlanIn
from services.catalogue.cascade.sprints import plan_sprint
from services.catalogue.copies.models import SchoolBand
from services.catalogue.db import database
from services.catalogue.tests.cascade_helpers import ADMIN, Cascade, school_day
from shared import tokens
from shared.clock import utcnow
from tests.support.counting import Ask, ListRead, assert_constant_queries

# A SIP of every school the cases make.
CENTRAL = tokens.Identity(subject="21", name="Sita Sip", grants=tuple(tokens.Grant("sip", school_id=s)
                                                                      for s in range(1, 101)))


def items(response) -> int:
    return len(response.json()["items"])


def _programme(db, schools: int, course_id: int, title: str = "Maths"):
    return save_programme(db, ADMIN, ProgrammeIn(title=title, source_course_id=course_id, school_scope="LIST",
                                                 school_ids=list(range(1, schools + 1))))


def _cascade(n: int, held: bool = False, noted: bool = False) -> int:
    """A programme of n schools, each planning a sprint of two sessions (HIGH band, so
    both flagged); the first held (a day ago) with a QA note edited once, if asked."""
    course_id = Cascade(None).course()
    with database().session() as db:
        programme = _programme(db, n, course_id)
        db.add_all([SchoolBand(school_id=school, band="HIGH") for school in range(1, n + 1)])  # the gateway's copy
        plan = SprintPlanIn(lead_id=31, lead_name="Lee Leader", sessions=[
            {"topic": "One", "scheduled_at": school_day(3)}, {"topic": "Two", "scheduled_at": school_day(6)}])
        sprints = [plan_sprint(db, ADMIN, programme.id, school, plan)[0] for school in range(1, n + 1)]
        if held:
            first = sa.select(SprintSession.id).where(SprintSession.sequence == 1)
            db.execute(sa.update(SprintSession).where(SprintSession.id.in_(first)).values(
                status="HELD", staff_attending=5, scheduled_at=utcnow() - timedelta(days=1)))
        if noted:
            ids = db.exec(sa.select(SprintSession.id).where(SprintSession.sequence == 1)).scalars().all()
            for session_id in ids:
                for judgement in ("DEVELOPING", "SECURE"):
                    record_note(db, ADMIN, session_id, QaNoteIn(
                        judgement=judgement, strengths="s", development_points="d", next_session_plan="p"))
        assert len(sprints) == n
        return programme.id


def _programmes(n: int) -> Ask:
    course_id = Cascade(None).course()
    with database().session() as db:
        for i in range(n):
            _programme(db, 3, course_id, f"Programme {i}")
    return Ask("/programmes", ADMIN, items, params={"first": 100})


def _programme_batch(n: int) -> Ask:
    course_id = Cascade(None).course()
    with database().session() as db:
        ids = [_programme(db, 3, course_id, f"Programme {i}").id for i in range(n)]
    return Ask("/programmes", ADMIN, items, params={"ids": ",".join(map(str, ids))})


def _coverage(n: int) -> Ask:
    programme_id = _cascade(n, held=True, noted=True)
    return Ask("/programmes/coverage", ADMIN, items, params={"ids": str(programme_id)})


def _one_coverage(n: int) -> Ask:
    programme_id = _cascade(n, held=True)
    return Ask(f"/programmes/{programme_id}/coverage", CENTRAL, items)


def _sprints(n: int) -> Ask:
    programme_id = _cascade(n, held=True, noted=True)
    return Ask("/sprints", CENTRAL, items, params={"programme_ids": str(programme_id), "first": 100})


def _central(n: int) -> Ask:
    _cascade(n)
    first = sa.select(SprintSession.id).where(SprintSession.sequence == 2)
    with database().session() as db:  # one flagged session a sprint: the second is moved past today
        db.execute(sa.update(SprintSession).where(SprintSession.id.in_(first)).values(
            scheduled_at=utcnow() - timedelta(days=1)))
    return Ask("/sprint-sessions/central", CENTRAL, items, params={"first": 100})


def _notes(n: int) -> Ask:
    _cascade(n, held=True, noted=True)
    with database().session() as db:
        ids = db.exec(sa.select(SprintSession.id).where(SprintSession.sequence == 1)).scalars().all()
    return Ask("/qa-notes", CENTRAL, items, params={"sprint_session_ids": ",".join(map(str, ids))})


# route, what is asked, statements
CASCADE_CASES = [
    ListRead("GET /programmes", "a page (count, page, schools)", _programmes, 3),
    ListRead("GET /programmes", "a batch read by ids", _programme_batch, 3),
    ListRead("GET /programmes/coverage", "a programme's schools: one query", _coverage, 1),
    ListRead("GET /programmes/<int:programme_id>/coverage", "the programme, then its schools", _one_coverage, 2),
    ListRead("GET /sprints", "a programme's sprints (count, page, schools, sessions with notes)", _sprints, 4),
    ListRead("GET /sprint-sessions/central", "the SIP's list (count, page, schools)", _central, 3),
    ListRead("GET /qa-notes", "notes with their revisions", _notes, 2),
]

CASCADE_NOT_LISTS = {
    "GET /programmes/<int:programme_id>": "one programme",
    "GET /sprints/<int:sprint_id>": "one sprint",
    "GET /sprint-sessions/<int:sprint_session_id>/qa-note": "one note",
    "GET /history/<object_type>": "the audit trail's batch read: one query (shared/audit.py history)",
    "GET /history/<object_type>/<object_id>": "one object's history: one query",
}


@pytest.mark.parametrize("case", CASCADE_CASES, ids=lambda c: c.id)
def test_a_cascade_list_costs_the_same_statements_for_10_items_as_for_100(case, service_call):
    assert_constant_queries("catalogue", case, service_call)
