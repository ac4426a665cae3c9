"""QA notes: the central team's judgement on a held session — strengths, points to
develop, and the plan for the next session agreed with the headteacher.  Notes are
evidence: each edit moves the text it replaces into a revision (who wrote it, when,
who replaced it), so nothing is ever silently rewritten.  Written by a SIP of one of
the sprint's schools (or an admin); read by them and the schools' leaders only."""
from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, select

from services.catalogue.cascade import access
from services.catalogue.cascade.history import log
from services.catalogue.cascade.models import QaNote, QaNoteRevision, SprintSession
from services.catalogue.cascade.schemas import QaNoteIn
from services.catalogue.cascade.sessions import find_session
from services.catalogue.cascade.sprints import session_line
from shared.audit import created, diff, snapshot
from shared.clock import LONDON, as_utc, utcnow
from shared.errors import Conflict, Forbidden, NotFound
from shared.tokens import Identity
from shared.vocabulary import SprintSessionStatus

TEXT = ("judgement", "strengths", "development_points", "next_session_plan")


def _hold(db: Session, session_id: int) -> QaNote | None:
    """The session's note as it stands, read under the session's row lock (PostgreSQL;
    on SQLite the request holds the write lock from its start, api.py): two SIPs saving
    at once are taken in turn, the second's edit on top of the first's, both kept."""
    db.exec(select(SprintSession.id).where(SprintSession.id == session_id).with_for_update()).one()
    return db.exec(select(QaNote).where(QaNote.sprint_session_id == session_id)).first()


def record_note(db: Session, identity: Identity, session_id: int, data: QaNoteIn) -> tuple[QaNote, bool]:
    """Record the session's QA note, or edit it.  An edit keeps the text it replaces as a
    revision; one that changes nothing writes nothing.  With `data.version`, an edit
    made since the writer opened the note refuses this one (409) instead of burying it."""
    session, sprint, schools = find_session(db, identity, session_id)
    if not access.is_central_for(identity, schools):
        raise Forbidden("Only the central team (a SIP of the school) writes its QA notes; its leaders read them.")
    if session.status != SprintSessionStatus.HELD:
        raise Conflict("Record the session as held (and how many staff came) before writing its QA note.")
    note = _hold(db, session.id)
    now, me, name = utcnow(), identity.person_id, (identity.name or identity.subject)[:160]
    text = data.model_dump(include=set(TEXT))
    if note is None:
        if data.version:
            raise Conflict("This session has no QA note yet, so there is no version of it to edit; write it anew.")
        note = QaNote(sprint_session_id=session.id, author_id=me, author_name=name, updated_by_id=me,
                      updated_by_name=name, recorded_at=now, updated_at=now, **text)
        db.add(note)
        db.flush()
        log(db, identity, "qa_note.recorded", ("qa_note", note.id), created(snapshot(note, TEXT)),
            parent=("sprint", sprint.id), label=session_line(session))
        return note, True
    if data.version is not None and data.version != note.version:
        raise Conflict(_changed_since(note))
    before = snapshot(note, TEXT)
    changes = diff(before, snapshot(text, TEXT))
    if not changes:
        return note, False
    replaced = QaNoteRevision(note_id=note.id, version=note.version, **{k: getattr(note, k) for k in TEXT},
                              written_by_id=note.updated_by_id, written_by_name=note.updated_by_name,
                              written_at=note.updated_at, replaced_by_id=me, replaced_by_name=name, replaced_at=now)
    # Conditional on the version read: with the lock above it always holds; without it
    # (two writers that both read the same text) the second is refused, never lost.
    saved = db.execute(sa.update(QaNote).where(QaNote.id == note.id, QaNote.version == note.version).values(
        **text, version=note.version + 1, updated_by_id=me, updated_by_name=name, updated_at=now)
        .execution_options(synchronize_session=False))
    if saved.rowcount == 0:
        db.refresh(note)
        raise Conflict(_changed_since(note))
    db.add(replaced)
    db.flush()
    db.refresh(note)
    log(db, identity, "qa_note.edited", ("qa_note", note.id), changes, parent=("sprint", sprint.id),
        label=session_line(session))
    return note, False


def _changed_since(note: QaNote) -> str:
    when = as_utc(note.updated_at).astimezone(LONDON)
    return (f"{note.updated_by_name} changed this note at {when:%H:%M on %-d %B} after you opened it, so your "
            "text was not saved. Reload the note, compare, and save your changes again.")


def notes(db: Session, identity: Identity, ids: list[int], session_ids: list[int]) -> list[tuple[QaNote, int, list]]:
    """The notes asked for that the caller may read, each with its sprint's id and its
    revisions, newest first: two queries however many notes."""
    where = [access.sprint_visible(identity, SprintSession.sprint_id)]
    if ids:
        where.append(QaNote.id.in_(ids))
    if session_ids:
        where.append(QaNote.sprint_session_id.in_(session_ids))
    rows = db.exec(select(QaNote, SprintSession.sprint_id).join(SprintSession, SprintSession.id ==
                                                                 QaNote.sprint_session_id)
                   .where(*where).order_by(QaNote.id)).all()
    revisions: dict[int, list[QaNoteRevision]] = {note.id: [] for note, _ in rows}
    if rows:
        for revision in db.exec(select(QaNoteRevision).where(QaNoteRevision.note_id.in_(list(revisions)))
                                .order_by(QaNoteRevision.note_id, QaNoteRevision.version.desc())).all():
            revisions[revision.note_id].append(revision)
    return [(note, sprint_id, revisions[note.id]) for note, sprint_id in rows]


def note_of_session(db: Session, identity: Identity, session_id: int) -> tuple[QaNote, int, list]:
    found = notes(db, identity, [], [session_id])
    if not found:
        raise NotFound("There is no QA note on this session, or it is not open to you.")
    return found[0]
