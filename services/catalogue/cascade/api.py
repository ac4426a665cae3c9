"""HTTP for the cascade: thin — parse, call the domain operation, shape the answer.
Every change takes the write lock first on SQLite (begin_write): what it decides rests
on what it reads (a note's version, the sprint's sessions); PostgreSQL uses row locks."""
from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag

from services.catalogue.cascade import notes, programmes, sessions, sprints
from services.catalogue.cascade.models import Programme, QaNote, Sprint
from services.catalogue.cascade.schemas import (
    CentralQuery,
    CentralSessionPage,
    CoverageList,
    CoverageQuery,
    ProgrammeIn,
    ProgrammeOut,
    ProgrammePage,
    ProgrammePath,
    ProgrammeQuery,
    QaNoteIn,
    QaNoteList,
    QaNoteOut,
    QaNoteQuery,
    SchoolSprintPath,
    SessionRecordIn,
    SprintOut,
    SprintPage,
    SprintPath,
    SprintPlanIn,
    SprintQuery,
    SprintSessionOut,
    SprintSessionPath,
    id_list,
)
from services.catalogue.courses.schemas import ErrorOut
from shared.db import begin_write, request_session
from shared.paging import decode_cursor, page_of
from shared.web import SECURITY, current_identity

bp = APIBlueprint("cascade", __name__, abp_tags=[Tag(name="cascade", description=(
    "Cascaded CPD: programmes, school sprints and their sessions, the central team's QA notes."))],
    abp_security=SECURITY)
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _writing():
    db = request_session()
    begin_write(db)
    return db


# ---------- shaping ----------


def programmes_out(db, rows: list[Programme]) -> list[dict]:
    schools = programmes.schools_of(db, [p.id for p in rows])
    return [ProgrammeOut.model_validate({**p.model_dump(), "school_ids": schools[p.id]}).model_dump(mode="json")
            for p in rows]


def session_out(session, note_id: int | None) -> dict:
    return SprintSessionOut.model_validate({**session.model_dump(), "qa_note_id": note_id}).model_dump(mode="json")


def sprints_out(db, rows: list[Sprint]) -> list[dict]:
    """Sprints with their schools and sessions: two queries however many sprints."""
    ids = [s.id for s in rows]
    schools, planned = sprints.schools_of(db, ids), sprints.sessions_of(db, ids)
    return [SprintOut.model_validate({
        **s.model_dump(), "partner_school_ids": [x for x in schools[s.id] if x != s.school_id],
        "sessions": [session_out(session, note_id) for session, note_id in planned[s.id]],
    }).model_dump(mode="json") for s in rows]


def notes_out(found) -> list[dict]:
    return [QaNoteOut.model_validate({**note.model_dump(), "sprint_id": sprint_id,
                                      "revisions": [r.model_dump() for r in revisions]}).model_dump(mode="json")
            for note, sprint_id, revisions in found]


# ---------- programmes ----------


@bp.get("/programmes", responses={200: ProgrammePage, **ERRORS})
def list_programmes(query: ProgrammeQuery):
    """Programmes, newest first, for members of the trust (none for anyone else);
    `ids` is the batch read, `school_id` those a school takes part in."""
    db = request_session()
    offset = 0 if query.ids else decode_cursor(query.after)
    rows, total = programmes.list_programmes(db, current_identity(), id_list(query.ids), query.school_id, offset,
                                             query.first)
    return page_of(programmes_out(db, rows), total, offset)


@bp.get("/programmes/<int:programme_id>", responses={200: ProgrammeOut, **ERRORS})
def get_programme(path: ProgrammePath):
    db = request_session()
    return programmes_out(db, [programmes.get_programme(db, current_identity(), path.programme_id)])[0]


@bp.post("/programmes", responses={201: ProgrammeOut, **ERRORS})
def create_programme(body: ProgrammeIn):
    """Admins only."""
    db = _writing()
    return programmes_out(db, [programmes.save_programme(db, current_identity(), body)])[0], 201


@bp.put("/programmes/<int:programme_id>", responses={200: ProgrammeOut, **ERRORS})
def update_programme(path: ProgrammePath, body: ProgrammeIn):
    """Admins only; a school already in one of its sprints cannot be taken out."""
    db = _writing()
    return programmes_out(db, [programmes.save_programme(db, current_identity(), body, path.programme_id)])[0]


@bp.get("/programmes/coverage", responses={200: CoverageList, **ERRORS})
def coverage_of_programmes(query: CoverageQuery):
    """Where each school of these programmes stands (the schools the caller may see:
    all for admins, their own for SIPs and leaders, none for anyone else), in one query."""
    rows = programmes.coverage(request_session(), current_identity(), id_list(query.ids))
    return CoverageList(items=rows).model_dump(mode="json")


@bp.get("/programmes/<int:programme_id>/coverage", responses={200: CoverageList, **ERRORS})
def coverage_of_programme(path: ProgrammePath):
    """One programme's coverage (see /programmes/coverage)."""
    db = request_session()
    programme = programmes.get_programme(db, current_identity(), path.programme_id)
    return CoverageList(items=programmes.coverage(db, current_identity(), [programme.id])).model_dump(mode="json")


# ---------- sprints ----------


@bp.get("/sprints", responses={200: SprintPage, **ERRORS})
def list_sprints(query: SprintQuery):
    """The sprints the caller may read (their schools' leaders and SIPs, admins), with
    their sessions; `ids` is the batch read."""
    db = request_session()
    offset = 0 if query.ids else decode_cursor(query.after)
    rows, total = sprints.list_sprints(db, current_identity(), id_list(query.ids), id_list(query.programme_ids),
                                       id_list(query.school_ids), offset, query.first)
    return page_of(sprints_out(db, rows), total, offset)


@bp.get("/sprints/<int:sprint_id>", responses={200: SprintOut, **ERRORS})
def get_sprint(path: SprintPath):
    db = request_session()
    return sprints_out(db, [sprints.get_sprint(db, current_identity(), path.sprint_id)])[0]


@bp.put("/programmes/<int:programme_id>/schools/<int:school_id>/sprint",
        responses={200: SprintOut, 201: SprintOut, **ERRORS})
def plan_sprint(path: SchoolSprintPath, body: SprintPlanIn):
    """The school's leaders plan its sprint in the programme (201), or change the plan
    (200): `sessions` are those still to come."""
    db = _writing()
    sprint, made = sprints.plan_sprint(db, current_identity(), path.programme_id, path.school_id, body)
    return sprints_out(db, [sprint])[0], 201 if made else 200


@bp.post("/sprints/<int:sprint_id>/complete", responses={200: SprintOut, **ERRORS})
def complete_sprint(path: SprintPath):
    """The host school's leaders mark the sprint complete once every session is held or cancelled."""
    db = _writing()
    return sprints_out(db, [sprints.complete_sprint(db, current_identity(), path.sprint_id)])[0]


# ---------- sessions ----------


@bp.post("/sprint-sessions/<int:sprint_session_id>/record", responses={200: SprintOut, **ERRORS})
def record_session(path: SprintSessionPath, body: SessionRecordIn):
    """Held (with how many staff came), cancelled or planned again; answers the sprint."""
    db = _writing()
    return sprints_out(db, [sessions.record_session(db, current_identity(), path.sprint_session_id, body)])[0]


@bp.put("/sprint-sessions/<int:sprint_session_id>/central-attendee", responses={200: SprintOut, **ERRORS})
def take_on(path: SprintSessionPath):
    """A SIP of the school takes the session on (409 when someone else has)."""
    db = _writing()
    session = sessions.take_on(db, current_identity(), path.sprint_session_id)
    return sprints_out(db, [sprints.get_sprint(db, current_identity(), session.sprint_id)])[0]


@bp.delete("/sprint-sessions/<int:sprint_session_id>/central-attendee", responses={200: SprintOut, **ERRORS})
def give_up(path: SprintSessionPath):
    """The SIP who took the session on (or an admin) gives it up."""
    db = _writing()
    session = sessions.give_up(db, current_identity(), path.sprint_session_id)
    return sprints_out(db, [sprints.get_sprint(db, current_identity(), session.sprint_id)])[0]


@bp.get("/sprint-sessions/central", responses={200: CentralSessionPage, **ERRORS})
def central_sessions(query: CentralQuery):
    """The central team's list: sessions flagged for a SIP in the caller's schools, from
    today on, highest-risk first, then soonest."""
    db = request_session()
    offset = decode_cursor(query.after)
    rows, total = sessions.central_sessions(db, current_identity(), query.mine, id_list(query.school_ids), offset,
                                            query.first)
    schools = sprints.schools_of(db, sorted({sprint.id for _, sprint, _ in rows}))
    return page_of([{
        "session": session_out(session, None), "sprint_id": sprint.id, "programme_id": sprint.programme_id,
        "programme_title": title, "school_id": sprint.school_id,
        "partner_school_ids": [x for x in schools[sprint.id] if x != sprint.school_id],
        "school_risk_band": sprint.school_risk_band and sprint.school_risk_band.value, "lead_name": sprint.lead_name,
    } for session, sprint, title in rows], total, offset)


# ---------- QA notes ----------


@bp.put("/sprint-sessions/<int:sprint_session_id>/qa-note", responses={200: QaNoteOut, 201: QaNoteOut, **ERRORS})
def record_note(path: SprintSessionPath, body: QaNoteIn):
    """A SIP of the school records the held session's QA note (201) or edits it (200);
    the text an edit replaces is kept as a revision."""
    db = _writing()
    note, made = notes.record_note(db, current_identity(), path.sprint_session_id, body)
    return _one_note(db, note), 201 if made else 200


@bp.get("/sprint-sessions/<int:sprint_session_id>/qa-note", responses={200: QaNoteOut, **ERRORS})
def get_note(path: SprintSessionPath):
    """The session's QA note with its revisions (the central team and the school's leaders)."""
    return notes_out([notes.note_of_session(request_session(), current_identity(), path.sprint_session_id)])[0]


@bp.get("/qa-notes", responses={200: QaNoteList, **ERRORS})
def list_notes(query: QaNoteQuery):
    """Batch read: notes by id or by session, those the caller may read, with revisions."""
    found = notes.notes(request_session(), current_identity(), id_list(query.ids), id_list(query.sprint_session_ids))
    return {"items": notes_out(found)}


def _one_note(db, note: QaNote) -> dict:
    return notes_out([notes.note_of_session(db, current_identity(), note.sprint_session_id)])[0]
