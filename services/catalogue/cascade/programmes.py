"""Programmes: a trust-wide course cascaded into schools.  Admins make and change them;
any member of the trust reads them.  Also the coverage read: where each school of a
programme stands, in one query however many schools and programmes."""
from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, func, select

from services.catalogue.cascade import access
from services.catalogue.cascade.history import log
from services.catalogue.cascade.models import Programme, ProgrammeSchool, QaNote, Sprint, SprintSchool, SprintSession
from services.catalogue.cascade.schemas import ProgrammeIn
from services.catalogue.courses.models import Course
from shared.audit import created, diff, snapshot
from shared.clock import LONDON, as_utc, utcnow
from shared.errors import Conflict, Forbidden, Invalid, NotFound, field_error
from shared.tokens import Identity
from shared.vocabulary import SprintSessionStatus

FIELDS = ("title", "source_course_id", "source_session_ids", "network_id", "follow_up_meeting_ids", "school_scope",
          "school_phase")


def _readable(identity: Identity) -> bool:
    return identity.is_trust_member


def save_programme(db: Session, identity: Identity, data: ProgrammeIn, programme_id: int | None = None) -> Programme:
    """Create or change a programme.  Admins only.  A school already in one of its
    sprints stays in it (the sprint would lose its programme): refused with a sentence,
    nothing changed."""
    if not identity.is_admin:
        raise Forbidden("Only Lighthouse Learning admins set up and change programmes.")
    if db.get(Course, data.source_course_id) is None:
        raise Invalid("The programme was not saved; see the field errors.",
                      [field_error("source_course_id", "There is no such course in the catalogue.")])
    values = data.model_dump(exclude={"school_ids"})
    if programme_id is None:
        programme = Programme(**values, created_by_id=identity.person_id,
                              created_by_name=(identity.name or identity.subject)[:160])
        db.add(programme)
        db.flush()
        before, had = {}, set()
    else:
        # FOR NO KEY UPDATE: a plan inserting a sprint of this programme (its foreign key
        # takes a key-share lock on the row) is not held up by an edit, which would
        # deadlock with one that already holds the place the edit is removing.
        programme = db.exec(select(Programme).where(Programme.id == programme_id)
                            .with_for_update(key_share=True)).first()
        if programme is None:
            raise NotFound("There is no such programme.")
        had = set(schools_of(db, [programme.id])[programme.id])
        leaving = had - set(data.school_ids)
        _hold_leaving_places(db, programme.id, leaving)
        _keep_schools_in_sprints(db, programme.id, leaving)
        before = {**snapshot(programme, FIELDS), "school_ids": sorted(had)}
        for key, value in values.items():
            setattr(programme, key, value)
        programme.updated_at = utcnow()
    wanted = set(data.school_ids)
    if had - wanted:
        db.execute(sa.delete(ProgrammeSchool).where(ProgrammeSchool.programme_id == programme.id,
                                                     ProgrammeSchool.school_id.in_(sorted(had - wanted))))
    if wanted - had:
        db.execute(sa.insert(ProgrammeSchool), [{"programme_id": programme.id, "school_id": s}
                                                 for s in sorted(wanted - had)])
    db.flush()
    after = {**snapshot(programme, FIELDS), "school_ids": sorted(wanted)}
    log(db, identity, "programme.changed" if before else "programme.created", ("programme", programme.id),
        diff(before, after) if before else created(after), label=programme.title)
    return programme


def _hold_leaving_places(db: Session, programme_id: int, leaving: set[int]) -> None:
    """The places of the schools leaving, locked before their sprints are looked for: a
    plan holding one (sprints._hold_places) is waited for, so its new sprint is seen
    and the school kept; a plan after this finds the school gone."""
    if leaving:
        db.exec(select(ProgrammeSchool.school_id).where(
            ProgrammeSchool.programme_id == programme_id, ProgrammeSchool.school_id.in_(sorted(leaving)))
            .order_by(ProgrammeSchool.school_id).with_for_update()).all()


def _keep_schools_in_sprints(db: Session, programme_id: int, leaving: set[int]) -> None:
    if not leaving:
        return
    stuck = db.exec(select(SprintSchool.school_id).where(SprintSchool.programme_id == programme_id,
                                                         SprintSchool.school_id.in_(sorted(leaving)))
                    .order_by(SprintSchool.school_id)).all()
    if stuck:
        names = ", ".join(f"school {s}" for s in stuck)
        raise Conflict(f"{names[0].upper()}{names[1:]} already {'has a sprint' if len(stuck) == 1 else 'have sprints'} "
                       "in this programme, so it stays in the programme; keep it in the list of schools.",
                       [field_error("school_ids", "Keep the schools that already have sprints.")])


def get_programme(db: Session, identity: Identity, programme_id: int) -> Programme:
    programme = db.get(Programme, programme_id) if _readable(identity) else None
    if programme is None:
        raise NotFound("There is no such programme.")
    return programme


def list_programmes(db: Session, identity: Identity, ids: list[int], school_id: int | None, offset: int,
                    first: int) -> tuple[list[Programme], int]:
    """A page of programmes, newest first (a batch read when `ids` are given); none
    for someone outside the trust."""
    if not _readable(identity):
        return [], 0
    where = []
    if ids:
        where.append(Programme.id.in_(ids))
    if school_id is not None:
        where.append(Programme.id.in_(select(ProgrammeSchool.programme_id)
                                      .where(ProgrammeSchool.school_id == school_id)))
    total = db.exec(select(func.count()).select_from(Programme).where(*where)).one()
    rows = db.exec(select(Programme).where(*where).order_by(Programme.id.desc())
                   .offset(offset).limit(100 if ids else first)).all()
    return list(rows), total


def schools_of(db: Session, programme_ids: list[int]) -> dict[int, list[int]]:
    """Each programme's schools, in id order: one query for them all."""
    out: dict[int, list[int]] = {p: [] for p in programme_ids}
    if programme_ids:
        rows = db.exec(select(ProgrammeSchool.programme_id, ProgrammeSchool.school_id)
                       .where(ProgrammeSchool.programme_id.in_(programme_ids))
                       .order_by(ProgrammeSchool.programme_id, ProgrammeSchool.school_id)).all()
        for programme_id, school_id in rows:
            out[programme_id].append(school_id)
    return out


def coverage(db: Session, identity: Identity, programme_ids: list[int]) -> list[dict]:
    """For each school of these programmes that the caller may see (admins: all; SIPs
    and leaders: their own schools; anyone else: none), its sprint (own or joined), how
    far the sprint has got and whether a QA note is recorded — one query, whatever the
    number of schools or programmes."""
    seen = access.seen_schools(identity)
    if not programme_ids or (seen is not None and not seen):
        return []
    held = SprintSession.status == SprintSessionStatus.HELD
    planned = SprintSession.status == SprintSessionStatus.PLANNED
    stats = (select(SprintSession.sprint_id.label("sprint_id"),
                    func.min(sa.case((held, SprintSession.scheduled_at))).label("first_held_at"),
                    func.count(sa.case((held, 1))).label("held"),
                    func.count(sa.case((planned, 1))).label("planned"),
                    func.min(sa.case((planned, SprintSession.scheduled_at))).label("next_at"),
                    func.count(QaNote.id).label("notes"))
             .outerjoin(QaNote, QaNote.sprint_session_id == SprintSession.id)
             .group_by(SprintSession.sprint_id).subquery("stats"))
    where = [ProgrammeSchool.programme_id.in_(programme_ids)]
    if seen is not None:
        where.append(ProgrammeSchool.school_id.in_(sorted(seen)))
    rows = db.execute(
        select(ProgrammeSchool.programme_id, ProgrammeSchool.school_id, Sprint.id, Sprint.school_id, Sprint.status,
               Sprint.school_risk_band, stats.c.first_held_at, stats.c.held, stats.c.planned, stats.c.next_at,
               stats.c.notes)
        .select_from(ProgrammeSchool)
        .outerjoin(SprintSchool, sa.and_(SprintSchool.programme_id == ProgrammeSchool.programme_id,
                                         SprintSchool.school_id == ProgrammeSchool.school_id))
        .outerjoin(Sprint, Sprint.id == SprintSchool.sprint_id)
        .outerjoin(stats, stats.c.sprint_id == Sprint.id)
        .where(*where).order_by(ProgrammeSchool.programme_id, ProgrammeSchool.school_id)).all()
    return [{"programme_id": p, "school_id": s, "sprint_id": sprint_id, "host_school_id": host,
             "sprint_status": status, "school_risk_band": band, "sessions_planned": planned_n or 0,
             "sessions_held": held_n or 0,
             "first_session_held_on": as_utc(first).astimezone(LONDON).date() if first else None,
             "next_session_at": next_at, "qa_recorded": bool(notes)}
            for p, s, sprint_id, host, status, band, first, held_n, planned_n, next_at, notes in rows]
