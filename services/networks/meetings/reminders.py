"""Timed messages of meetings: members reminded before each meeting, owners of actions
when they fall due.  Each meeting and action is stamped as its message is written (in
the same transaction), so running a job twice — or two schedulers by mistake — sends once."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, select

from services.networks.meetings import messages
from services.networks.meetings.models import Action, Meeting
from services.networks.networks.models import Membership, Network
from shared.clock import LONDON, utcnow
from shared.vocabulary import MeetingStatus


def remind_members(db: Session, now: datetime | None = None) -> int:
    """A week before and a day before each scheduled meeting, to every member."""
    now = now or utcnow()
    sent = 0
    for stamp, ahead, until, words in (("reminded_week_at", timedelta(days=7), timedelta(days=1), "in a week"),
                                       ("reminded_day_at", timedelta(days=1), timedelta(0), "tomorrow")):
        column = getattr(Meeting, stamp)
        due = db.exec(select(Meeting).where(Meeting.status == MeetingStatus.SCHEDULED, column.is_(None),
                                            Meeting.starts_at <= now + ahead, Meeting.starts_at > now + until)
                      .with_for_update(skip_locked=True)).all()
        for meeting in due:
            setattr(meeting, stamp, now)
            network = db.get(Network, meeting.network_id)
            for member in db.exec(select(Membership).where(Membership.network_id == meeting.network_id)).all():
                messages.reminder(db, meeting, network, member, words)
                sent += 1
    return sent


def remind_action_owners(db: Session, now: datetime | None = None) -> int:
    """Once, to the owner of each open action on (or after) the day it is due."""
    now = now or utcnow()
    today = now.astimezone(LONDON).date()
    due = db.exec(select(Action).where(Action.done.is_(False), Action.reminded_at.is_(None),
                                       Action.due_on.is_not(None), Action.due_on <= today)
                  .with_for_update(skip_locked=True)).all()
    for action in due:
        action.reminded_at = now
        messages.action_due(db, action, db.get(Network, action.network_id))
    return len(due)
