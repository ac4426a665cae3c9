"""Follow-ups the catalogue's scheduler sends (scheduler.py): the SIP who attended a
flagged session is reminded when, five school days on, it still has no QA note; a
sprint's lead is reminded when, two weeks after its last session was held, nothing is
planned next.  Each session is stamped as its reminder is written, in the same
transaction, so a job run twice — or by two schedulers — writes each reminder once.

School days are counted by the catalogue's copy of the academic calendar (networks
delivers it, copies/): a half term or an INSET day in between puts a reminder off; in a
year the copy does not have yet, weekdays count."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from services.catalogue import messages
from services.catalogue.cascade.models import Programme, QaNote, Sprint, SprintSession
from services.catalogue.copies.models import SCHOOL_DAYS
from shared.clock import as_utc, school_days_after, utcnow
from shared.vocabulary import SprintSessionStatus, SprintStatus

QA_SCHOOL_DAYS = 5
PLAN_AFTER = timedelta(weeks=2)
HELD, PLANNED = SprintSessionStatus.HELD, SprintSessionStatus.PLANNED


def _due(db: Session, *where):
    """Sessions with their sprint and programme title, locked (others' schedulers skip them)."""
    return db.exec(select(SprintSession, Sprint, Programme.title).join(Sprint, Sprint.id == SprintSession.sprint_id)
                   .join(Programme, Programme.id == Sprint.programme_id).where(*where)
                   .order_by(SprintSession.id).with_for_update(skip_locked=True, of=SprintSession)).all()


def remind_qa_overdue(db: Session, now: datetime | None = None) -> int:
    """Once per session: to the central attendee of a flagged session held five school
    days ago that has no QA note.  A session nobody from the central team attended has
    no one to remind; it stays due until one is recorded."""
    now = now or utcnow()
    no_note = ~sa.exists().where(QaNote.sprint_session_id == SprintSession.id)
    # Five school days are at least five days: the database narrows, the calendar decides.
    due = _due(db, SprintSession.flagged_for_central.is_(True), SprintSession.status == HELD,
               SprintSession.qa_reminded_at.is_(None), SprintSession.central_attendee_email.is_not(None),
               SprintSession.scheduled_at <= now - timedelta(days=QA_SCHOOL_DAYS), no_note)
    is_school_day = SCHOOL_DAYS.calendar(db).is_school_day
    sent = 0
    for session, sprint, title in due:
        if school_days_after(as_utc(session.scheduled_at), QA_SCHOOL_DAYS, is_school_day) > now:
            continue
        session.qa_reminded_at = now
        messages.send(db, session.central_attendee_email, "qa_note_due", session=session, sprint=sprint,
                      programme_title=title)
        sent += 1
    db.flush()
    return sent


def remind_next_session_unplanned(db: Session, now: datetime | None = None) -> int:
    """Once per held session: to the lead of a sprint not yet complete whose last held
    session was two weeks ago and that has nothing planned after it."""
    now = now or utcnow()
    other = aliased(SprintSession)
    planned = sa.exists().where(other.sprint_id == SprintSession.sprint_id, other.status == PLANNED)
    later = sa.exists().where(other.sprint_id == SprintSession.sprint_id, other.status == HELD,
                              other.scheduled_at > SprintSession.scheduled_at)
    due = _due(db, Sprint.status != SprintStatus.COMPLETE, Sprint.lead_email.is_not(None),
               SprintSession.status == HELD, SprintSession.plan_reminded_at.is_(None),
               SprintSession.scheduled_at <= now - PLAN_AFTER, ~planned, ~later)
    for session, sprint, title in due:
        session.plan_reminded_at = now
        messages.send(db, sprint.lead_email, "next_session_unplanned", session=session, sprint=sprint,
                      programme_title=title)
    db.flush()
    return len(due)
