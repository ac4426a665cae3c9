"""A sprint's sessions as they happen: recorded as held (with how many staff came) or
cancelled, and attended by the central team — SIPs see the flagged sessions coming up
in their schools, highest risk first, and take them on."""
from __future__ import annotations

from datetime import datetime, time

import sqlalchemy as sa
from sqlmodel import Session, func, select

from services.catalogue.cascade import access
from services.catalogue.cascade.history import log
from services.catalogue.cascade.models import Programme, QaNote, Sprint, SprintSchool, SprintSession
from services.catalogue.cascade.schemas import SessionRecordIn
from services.catalogue.cascade.sprints import schools_of, session_line, settle
from shared.audit import diff, snapshot
from shared.clock import LONDON, as_utc, utcnow
from shared.errors import Conflict, Forbidden, Invalid, NotFound, field_error
from shared.tokens import Identity
from shared.vocabulary import RiskBand, SprintSessionStatus

NOT_YOURS = "There is no such session, or it is not open to you."
RECORDED = ("status", "staff_attending", "central_attendee_id", "central_attendee_name")
# The SIPs' list: highest risk first (a sprint planned with no band last).
RISK_ORDER = {RiskBand.HIGH: 0, RiskBand.MEDIUM: 1, RiskBand.LOW: 2}


def find_session(db: Session, identity: Identity, session_id: int, lock: bool = False):
    """The session, its sprint and the sprint's schools, if the caller may read them."""
    stmt = select(SprintSession, Sprint).join(Sprint, Sprint.id == SprintSession.sprint_id) \
        .where(SprintSession.id == session_id, access.sprint_visible(identity, Sprint.id))
    if lock:
        # The sprint before its session, the order a plan and a band change take them in
        # (sprints.py, bands.py): locking both in one statement could take the session
        # first and then wait for a band change that holds the sprint and is waiting for
        # the session — a deadlock PostgreSQL breaks by failing one of them.
        db.exec(stmt.with_only_columns(Sprint.id).with_for_update(of=Sprint)).first()
        stmt = stmt.with_for_update()
    row = db.exec(stmt).first()
    if row is None:
        raise NotFound(NOT_YOURS)
    session, sprint = row
    return session, sprint, schools_of(db, [sprint.id])[sprint.id]


def record_session(db: Session, identity: Identity, session_id: int, data: SessionRecordIn) -> Sprint:
    """Record how a session went.  Held only once its day has come, with a staff count;
    a session with a QA note stays held (the note is evidence of it).  The sprint's
    flags and status follow (a cancelled first session passes its flag to the next)."""
    session, sprint, schools = find_session(db, identity, session_id, lock=True)
    if not access.may_record(identity, sprint.school_id, schools):
        raise Forbidden("Only the school's leaders and its SIP record its sessions.")
    day = as_utc(session.scheduled_at).astimezone(LONDON)
    if data.status == SprintSessionStatus.HELD and day.date() > utcnow().astimezone(LONDON).date():
        raise Invalid("The session was not recorded; see the field errors.", [field_error(
            "status", f"This session is planned for {day:%A %-d %B %Y}; record it as held once it has happened.")])
    if session.status == SprintSessionStatus.HELD and data.status != SprintSessionStatus.HELD and db.exec(
            select(QaNote.id).where(QaNote.sprint_session_id == session.id)).first() is not None:
        raise Conflict("This session has a QA note, so it stays held; correct the staff count if it was wrong.")
    if (data.central_attendee_id is not None and data.status == SprintSessionStatus.PLANNED and not identity.is_admin
            and session.central_attendee_id not in (None, data.central_attendee_id)):
        raise Conflict(f"{session.central_attendee_name} is already attending this session for the central team.")
    before = snapshot(session, RECORDED)
    session.status, session.staff_attending = data.status, data.staff_attending
    if data.central_attendee_id is not None:
        session.central_attendee_id = data.central_attendee_id
        session.central_attendee_name = data.central_attendee_name
        session.central_attendee_email = data.central_attendee_email
    sessions = list(db.exec(select(SprintSession).where(SprintSession.sprint_id == sprint.id)).all())
    settle(sprint, sessions)
    changes = diff(before, snapshot(session, RECORDED))
    if changes:
        now = utcnow()
        session.recorded_at = None if data.status == SprintSessionStatus.PLANNED else now
        session.updated_at = sprint.updated_at = now
    db.flush()
    log(db, identity, "sprint_session.recorded", ("sprint_session", session.id), changes,
        parent=("sprint", sprint.id), label=session_line(session))
    return sprint


def take_on(db: Session, identity: Identity, session_id: int) -> SprintSession:
    """A SIP of one of the sprint's schools (or an admin) will attend this session.  One
    conditional UPDATE decides, so two SIPs taking it on at once cannot both have it."""
    session, sprint, schools = find_session(db, identity, session_id)
    if not access.is_central_for(identity, schools):
        raise Forbidden("Only the central team (a SIP of the school) attends its sessions.")
    if identity.person_id is None:
        raise Forbidden("A session is taken on by a person, as themselves.")
    me = identity.person_id
    if session.central_attendee_id == me and session.status == SprintSessionStatus.PLANNED:
        return session  # taken on again: still theirs, nothing to record
    taken = db.execute(sa.update(SprintSession).where(
        SprintSession.id == session.id, SprintSession.status == SprintSessionStatus.PLANNED,
        sa.or_(SprintSession.central_attendee_id.is_(None), SprintSession.central_attendee_id == me),
    ).values(central_attendee_id=me, central_attendee_name=(identity.name or identity.subject)[:160],
             central_attendee_email=identity.email, updated_at=utcnow()))
    db.refresh(session)
    if taken.rowcount == 0:
        if session.status != SprintSessionStatus.PLANNED:
            raise Conflict("This session has already been held or cancelled.")
        raise Conflict(f"{session.central_attendee_name} is already attending this session for the central team.")
    log(db, identity, "sprint_session.taken_on", ("sprint_session", session.id),
        {"central_attendee_name": [None, session.central_attendee_name]}, parent=("sprint", sprint.id),
        label=session_line(session))
    return session


def give_up(db: Session, identity: Identity, session_id: int) -> SprintSession:
    """The SIP who took a session on (or an admin) no longer attends it; it shows as
    needing someone again.  Giving up one nobody holds changes nothing."""
    session, sprint, schools = find_session(db, identity, session_id, lock=True)
    if session.central_attendee_id is None:
        return session
    if not identity.is_admin and session.central_attendee_id != identity.person_id:
        raise Forbidden(f"{session.central_attendee_name} took this session on; only they (or an admin) give it up.")
    if session.status != SprintSessionStatus.PLANNED:
        raise Conflict("This session has already been held or cancelled; who attended it stays recorded.")
    before = session.central_attendee_name
    session.central_attendee_id = session.central_attendee_name = session.central_attendee_email = None
    session.updated_at = utcnow()
    db.flush()
    log(db, identity, "sprint_session.given_up", ("sprint_session", session.id),
        {"central_attendee_name": [before, None]}, parent=("sprint", sprint.id), label=session_line(session))
    return session


def central_sessions(db: Session, identity: Identity, mine: bool, school_ids: list[int], offset: int,
                     first: int) -> tuple[list[tuple[SprintSession, Sprint, str]], int]:
    """The sessions flagged for the central team in the caller's schools (all, for
    admins), still to come from today on: highest-risk sprints first, then soonest."""
    schools = None if identity.is_admin else access.central_schools(identity)
    if schools is not None and not schools:
        raise Forbidden("This list is the central team's: the sessions SIPs attend in their schools.")
    if school_ids:
        schools = set(school_ids) if schools is None else schools & set(school_ids)
    today = datetime.combine(utcnow().astimezone(LONDON).date(), time(0), LONDON)
    where = [SprintSession.flagged_for_central.is_(True), SprintSession.status == SprintSessionStatus.PLANNED,
             SprintSession.scheduled_at >= today]
    if schools is not None:
        where.append(Sprint.id.in_(select(SprintSchool.sprint_id).where(SprintSchool.school_id.in_(sorted(schools)))))
    if mine:
        where.append(SprintSession.central_attendee_id == identity.person_id)
    joined = select(SprintSession, Sprint, Programme.title).join(Sprint, Sprint.id == SprintSession.sprint_id) \
        .join(Programme, Programme.id == Sprint.programme_id)
    total = db.exec(select(func.count()).select_from(SprintSession).join(Sprint, Sprint.id == SprintSession.sprint_id)
                    .where(*where)).one()
    risk = sa.case(RISK_ORDER, value=Sprint.school_risk_band, else_=len(RISK_ORDER))
    rows = db.exec(joined.where(*where).order_by(risk, SprintSession.scheduled_at, SprintSession.id)
                   .offset(offset).limit(first)).all()
    return [tuple(r) for r in rows], total
