"""School sprints: a school's leaders plan their own short run of CPD sessions in a
programme — as many or as few, as long or as short, as suits the school — alone or
with partner schools that join it, and complete it once its sessions are done.
Reading a sprint is for its schools' leaders, their SIPs and admins (access.py)."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, func, select

from services.catalogue.cascade import access
from services.catalogue.cascade.history import log
from services.catalogue.cascade.models import Programme, ProgrammeSchool, QaNote, Sprint, SprintSchool, SprintSession
from services.catalogue.cascade.schemas import SprintPlanIn, SprintSessionPlanIn
from services.catalogue.copies.models import SCHOOL_DAYS
from services.catalogue.copies.service import riskiest_band
from services.catalogue.videos.models import Video
from shared.audit import created, diff, plain
from shared.clock import LONDON, as_utc, utcnow
from shared.errors import Conflict, Forbidden, Invalid, NotFound, field_error
from shared.tokens import Identity
from shared.vocabulary import RiskBand, SprintSessionStatus, SprintStatus

PLANNED, HELD, CANCELLED = SprintSessionStatus.PLANNED, SprintSessionStatus.HELD, SprintSessionStatus.CANCELLED
NOT_YOURS = "There is no such sprint, or it is not open to you."
# A temporary sequence while sessions are renumbered: unique (sprint_id, sequence) is
# checked statement by statement, so a swap goes by numbers no session holds.
_ASIDE = 1000


# ---------- reading ----------


def schools_of(db: Session, sprint_ids: list[int]) -> dict[int, list[int]]:
    """Each sprint's schools, host first: one query for them all."""
    out: dict[int, list[int]] = {s: [] for s in sprint_ids}
    if sprint_ids:
        rows = db.exec(select(SprintSchool.sprint_id, SprintSchool.school_id)
                       .where(SprintSchool.sprint_id.in_(sprint_ids))
                       .order_by(SprintSchool.sprint_id, SprintSchool.host.desc(), SprintSchool.school_id)).all()
        for sprint_id, school_id in rows:
            out[sprint_id].append(school_id)
    return out


def sessions_of(db: Session, sprint_ids: list[int]) -> dict[int, list[tuple[SprintSession, int | None]]]:
    """Each sprint's sessions in order, with the id of each one's QA note: one query."""
    out: dict[int, list] = {s: [] for s in sprint_ids}
    if sprint_ids:
        rows = db.exec(select(SprintSession, QaNote.id).outerjoin(QaNote, QaNote.sprint_session_id == SprintSession.id)
                       .where(SprintSession.sprint_id.in_(sprint_ids))
                       .order_by(SprintSession.sprint_id, SprintSession.sequence)).all()
        for session, note_id in rows:
            out[session.sprint_id].append((session, note_id))
    return out


def get_sprint(db: Session, identity: Identity, sprint_id: int) -> Sprint:
    sprint = db.exec(select(Sprint).where(Sprint.id == sprint_id, access.sprint_visible(identity, Sprint.id))).first()
    if sprint is None:
        raise NotFound(NOT_YOURS)
    return sprint


def list_sprints(db: Session, identity: Identity, ids: list[int], programme_ids: list[int], school_ids: list[int],
                 offset: int, first: int) -> tuple[list[Sprint], int]:
    """A page of the sprints the caller may read, by programme then host school (a
    batch read when `ids` are given); `school_ids` finds those a school hosts or joined."""
    where = [access.sprint_visible(identity, Sprint.id)]
    if ids:
        where.append(Sprint.id.in_(ids))
    if programme_ids:
        where.append(Sprint.programme_id.in_(programme_ids))
    if school_ids:
        where.append(Sprint.id.in_(select(SprintSchool.sprint_id).where(SprintSchool.school_id.in_(school_ids))))
    total = db.exec(select(func.count()).select_from(Sprint).where(*where)).one()
    rows = db.exec(select(Sprint).where(*where).order_by(Sprint.programme_id, Sprint.school_id)
                   .offset(offset).limit(100 if ids else first)).all()
    return list(rows), total


# ---------- planning ----------


def plan_sprint(db: Session, identity: Identity, programme_id: int, school_id: int,
                data: SprintPlanIn) -> tuple[Sprint, bool]:
    """Plan the school's sprint in the programme, or change its plan.  Only what is still
    to come changes: held and cancelled sessions stay as they were, as do the QA notes
    on them.  Sessions fall on school days (by the copy of the academic calendar), new
    or moved ones in the future; the sprint keeps at least one session, and takes the
    band of its riskiest school.  Refused whole, with each problem on its field."""
    if not access.may_plan(identity, school_id):
        raise Forbidden("Only the school's leaders (and Lighthouse Learning admins) plan its sprint.")
    if db.get(Programme, programme_id) is None:
        raise NotFound("There is no such programme.")
    # Read under the lock, so that a school an admin is removing from the programme
    # meanwhile is found gone here, not saved into a sprint without a place.
    members = _hold_places(db, programme_id, [school_id, *data.partner_school_ids])
    if school_id not in members:
        raise Invalid("The sprint was not planned; see the field errors.",
                      [field_error("school_id", "This school is not taking part in the programme.")])
    sprint = db.exec(select(Sprint).where(Sprint.programme_id == programme_id, Sprint.school_id == school_id)
                     .with_for_update()).first()
    problems = [field_error(["partner_school_ids", str(i)],
                            "A school cannot partner itself." if p == school_id else
                            f"School {p} is not taking part in the programme.")
                for i, p in enumerate(data.partner_school_ids) if p == school_id or p not in members]
    existing = [s for s, _ in sessions_of(db, [sprint.id])[sprint.id]] if sprint else []
    pairs, plan_problems = _match(existing, data.sessions, SCHOOL_DAYS.calendar(db).is_school_day)
    problems += plan_problems + _missing_videos(db, data.sessions)
    if not problems and not pairs and all(s.status == PLANNED for s in existing):
        problems.append(field_error("sessions", "Plan at least one session."))
    if problems:
        raise Invalid("The sprint was not planned; see the field errors.", problems)
    made = sprint is None
    if made:
        _not_joined_elsewhere(db, programme_id, [school_id], "This school has joined school {host}'s sprint in "
                              "this programme; that school's leaders plan it.")
        sprint = Sprint(programme_id=programme_id, school_id=school_id, lead_id=data.lead_id, lead_name=data.lead_name)
        db.add(sprint)
        db.flush()
        db.add(SprintSchool(sprint_id=sprint.id, school_id=school_id, programme_id=programme_id, host=True))
        before = {}
    else:
        before = state(sprint, schools_of(db, [sprint.id])[sprint.id], existing)
    _set_partners(db, sprint, data.partner_school_ids)
    sprint.lead_id, sprint.lead_name, sprint.lead_email = data.lead_id, data.lead_name, data.lead_email
    # Supported as its riskiest school needs (the copy of the gateway's bands): a HIGH
    # one has every session flagged for the central team.
    sprint.school_risk_band = riskiest_band(db, [school_id, *data.partner_school_ids])
    sessions = _apply_plan(db, sprint, existing, pairs)
    settle(sprint, sessions)
    sprint.updated_at = utcnow()
    db.flush()
    after = state(sprint, schools_of(db, [sprint.id])[sprint.id], sessions)
    log(db, identity, "sprint.planned" if made else "sprint.replanned", ("sprint", sprint.id),
        created(after) if made else diff(before, after), parent=("programme", programme_id), label=label(sprint))
    return sprint, made


def _hold_places(db: Session, programme_id: int, school_ids: list[int]) -> set[int]:
    """The schools' places in the programme, share-locked before the sprint (the order
    a band fact takes them in, cascade/bands.py): a school's band arriving meanwhile
    waits for this plan and then re-bands it, or this plan waits and reads the band it
    brought.  Without it, a plan could read the old band and save it after the new one
    had been applied to the sprints then visible — which did not yet include this one.
    Returns those of the schools taking part."""
    return set(db.exec(select(ProgrammeSchool.school_id).where(
        ProgrammeSchool.programme_id == programme_id, ProgrammeSchool.school_id.in_(sorted(set(school_ids))))
        .order_by(ProgrammeSchool.school_id).with_for_update(read=True)).all())


def _match(existing: list[SprintSession], items: list[SprintSessionPlanIn], is_school_day: Callable[[date], bool]):
    """Which planned session each item changes (None: a new one).  By id where the
    items give ids; otherwise in order, so a plan sent again as a list keeps who has
    taken each session on.  Every session needs a topic and a weekday; a new or moved one
    must be still to come, on a school day by the copy of the calendar."""
    planned = [s for s in existing if s.status == PLANNED]
    problems = []
    if any(item.id is not None for item in items):
        by_id = {s.id: s for s in planned}
        pairs = []
        for i, item in enumerate(items):
            if item.id is not None and item.id not in by_id:
                problems.append(field_error(["sessions", str(i), "id"], "This is not a session of this sprint still "
                                            "to be held; held and cancelled sessions stay as they were."))
            pairs.append((i, item, by_id.get(item.id)))
    else:
        pairs = [(i, item, planned[i] if i < len(planned) else None) for i, item in enumerate(items)]
    now = utcnow()
    for i, item, row in pairs:
        if not item.topic:
            problems.append(field_error(["sessions", str(i), "topic"], "Enter what the session is about; the topic "
                                        "cannot be blank."))
        moved = row is None or as_utc(row.scheduled_at) != item.scheduled_at
        day = item.scheduled_at.astimezone(LONDON).date()
        if moved and item.scheduled_at <= now:
            problems.append(field_error(["sessions", str(i), "scheduled_at"], "That time has passed; plan sessions "
                                        "still to come, and record one that was held as held."))
        elif day.weekday() >= 5:
            problems.append(field_error(["sessions", str(i), "scheduled_at"], f"{day:%A %-d %B %Y} is not a school "
                                        "day (a weekend); choose another."))
        elif moved and not is_school_day(day):
            problems.append(field_error(["sessions", str(i), "scheduled_at"], f"{day:%A %-d %B %Y} is not a school "
                                        "day (half term, a holiday or an INSET day); choose another."))
    return pairs, problems


def _missing_videos(db: Session, items: list[SprintSessionPlanIn]) -> list[dict]:
    wanted = sorted({v for item in items for v in item.video_ids})
    if not wanted:
        return []
    known = set(db.exec(select(Video.id).where(Video.id.in_(wanted))).all())
    return [field_error(["sessions", str(i), "video_ids"], f"There is no video {v} in the library.")
            for i, item in enumerate(items) for v in item.video_ids if v not in known]


def _not_joined_elsewhere(db: Session, programme_id: int, school_ids: list[int], message: str,
                          sprint_id: int | None = None) -> None:
    taken = db.exec(select(SprintSchool.school_id, Sprint.school_id).join(Sprint, Sprint.id == SprintSchool.sprint_id)
                    .where(SprintSchool.programme_id == programme_id, SprintSchool.school_id.in_(school_ids),
                           SprintSchool.sprint_id != (sprint_id or 0))
                    .order_by(SprintSchool.school_id)).first()
    if taken:
        raise Conflict(message.format(school=taken[0], host=taken[1]))


def _set_partners(db: Session, sprint: Sprint, wanted: list[int]) -> None:
    have = set(db.exec(select(SprintSchool.school_id).where(SprintSchool.sprint_id == sprint.id,
                                                           SprintSchool.host.is_(False))).all())
    gone, new = have - set(wanted), [p for p in wanted if p not in have]
    if gone:
        db.execute(sa.delete(SprintSchool).where(SprintSchool.sprint_id == sprint.id,
                                                 SprintSchool.school_id.in_(sorted(gone))))
    if new:
        _not_joined_elsewhere(db, sprint.programme_id, new, "School {school} is already in another sprint of this "
                              "programme (school {host}'s); a school joins one sprint.", sprint.id)
        db.execute(sa.insert(SprintSchool), [{"sprint_id": sprint.id, "school_id": p,
                                              "programme_id": sprint.programme_id, "host": False} for p in new])


def _apply_plan(db: Session, sprint: Sprint, existing: list[SprintSession], pairs) -> list[SprintSession]:
    kept_planned = {row.id for _, _, row in pairs if row is not None}
    for row in existing:
        if row.status == PLANNED and row.id not in kept_planned:
            db.delete(row)  # never held, so nothing hangs off it
    db.flush()
    sessions = [s for s in existing if s.status != PLANNED or s.id in kept_planned]
    now = utcnow()
    for _, item, row in pairs:
        if row is None:
            row = SprintSession(sprint_id=sprint.id, sequence=_ASIDE + len(sessions) + 1,
                                scheduled_at=item.scheduled_at, topic=item.topic)
            db.add(row)
            sessions.append(row)
        values = {"topic": item.topic, "scheduled_at": item.scheduled_at, "duration_minutes": item.duration_minutes,
                  "video_ids": list(item.video_ids)}
        if any(plain(getattr(row, k)) != plain(v) for k, v in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            row.updated_at = now
    return renumber(db, sessions)


def renumber(db: Session, sessions: list[SprintSession]) -> list[SprintSession]:
    """Number the sessions 1, 2, 3… in time order (two steps: the numbers are unique)."""
    ordered = sorted(sessions, key=lambda s: (as_utc(s.scheduled_at), s.sequence))
    moving = [s for i, s in enumerate(ordered, 1) if s.sequence != i]
    if moving:
        for i, row in enumerate(moving, 1):
            row.sequence = _ASIDE * 2 + i
        db.flush()
        for i, row in enumerate(ordered, 1):
            row.sequence = i
    db.flush()
    return ordered


def settle(sprint: Sprint, sessions: list[SprintSession]) -> None:
    """What follows from the sessions: which are flagged for the central team (the first
    not cancelled; every one not cancelled in a HIGH-band sprint; and, whatever the band
    says now, one held flagged or taken on by a SIP), and the sprint's status (a
    completed sprint given sessions to hold again is back in progress)."""
    for s, flagged in zip(sessions, _flags(sprint, sessions)):
        s.flagged_for_central = flagged or _kept(s)
    if sprint.completed_at is not None and any(s.status == PLANNED for s in sessions):
        sprint.completed_at = None
    held = any(s.status == HELD for s in sessions)
    sprint.status = (SprintStatus.COMPLETE if sprint.completed_at else
                     SprintStatus.IN_PROGRESS if held else SprintStatus.PLANNED)


def follow_band(sprint: Sprint, sessions: list[SprintSession]) -> None:
    """The sprint's band has changed: the sessions still to come are flagged as it now
    says.  A held or cancelled session keeps its flag (what the central team was asked
    to do then), and one a SIP has already taken on stays flagged (they are coming)."""
    for s, flagged in zip(sessions, _flags(sprint, sessions)):
        if s.status == PLANNED:
            s.flagged_for_central = flagged or _kept(s)


def _kept(s: SprintSession) -> bool:
    """A flag no change of band or plan takes away: a held session's (what the central
    team was asked to do then; its QA note is still owed) and one a SIP has taken on."""
    return (s.status == HELD and s.flagged_for_central) or (s.status == PLANNED and s.central_attendee_id is not None)


def _flags(sprint: Sprint, sessions: list[SprintSession]) -> list[bool]:
    """Which sessions the central team attends, by the sprint's band: the first not
    cancelled, and every one not cancelled in a HIGH-band sprint."""
    first = next((s for s in sorted(sessions, key=lambda s: s.sequence) if s.status != CANCELLED), None)
    high = sprint.school_risk_band == RiskBand.HIGH
    return [s is first or (high and s.status != CANCELLED) for s in sessions]


def complete_sprint(db: Session, identity: Identity, sprint_id: int) -> Sprint:
    """The host school's leaders say the sprint is done: every session held or
    cancelled, at least one held.  Saying it again changes nothing."""
    sprint = db.exec(select(Sprint).where(Sprint.id == sprint_id, access.sprint_visible(identity, Sprint.id))
                     .with_for_update()).first()
    if sprint is None:
        raise NotFound(NOT_YOURS)
    if not access.may_plan(identity, sprint.school_id):
        raise Forbidden("Only the host school's leaders (and Lighthouse Learning admins) complete its sprint.")
    if sprint.completed_at is not None:
        return sprint
    sessions = [s for s, _ in sessions_of(db, [sprint.id])[sprint.id]]
    waiting = sum(s.status == PLANNED for s in sessions)
    if waiting:
        raise Conflict(f"{waiting} session{'s are' if waiting > 1 else ' is'} still planned; record "
                       f"{'them' if waiting > 1 else 'it'} as held or cancelled before completing the sprint.")
    if not any(s.status == HELD for s in sessions):
        raise Conflict("No session of this sprint has been held yet, so it cannot be complete.")
    sprint.completed_at = sprint.updated_at = utcnow()
    settle(sprint, sessions)
    db.flush()
    log(db, identity, "sprint.completed", ("sprint", sprint.id), {"status": [SprintStatus.IN_PROGRESS, sprint.status]},
        parent=("programme", sprint.programme_id), label=label(sprint))
    return sprint


def label(sprint: Sprint) -> str:
    return f"school {sprint.school_id}, programme {sprint.programme_id}"


def session_line(s: SprintSession) -> str:
    """A session as an audit entry lists it."""
    return f"{s.sequence}. {s.topic} at {plain(s.scheduled_at)} ({plain(s.status)})"


def state(sprint: Sprint, school_ids: list[int], sessions: list[SprintSession]) -> dict:
    return {"lead": f"{sprint.lead_name} ({sprint.lead_id})", "school_risk_band": plain(sprint.school_risk_band),
            "partner_school_ids": [s for s in school_ids if s != sprint.school_id], "status": plain(sprint.status),
            "sessions": [session_line(s) for s in sorted(sessions, key=lambda s: s.sequence)]}
