"""The networks service's timed work, run by its one scheduler process
(`python -m services.networks scheduler`), never inside web workers.  Each meeting and
action is stamped as its message is written, so a job run twice sends once."""
from __future__ import annotations

import logging
from datetime import timedelta

from sqlmodel import select

from services.networks.db import database
from shared.clock import LONDON, utcnow
from shared.db import begin_write

log = logging.getLogger(__name__)


def send_reminders() -> int:
    """Members reminded a week and a day before each meeting; owners of actions
    reminded when they fall due."""
    from services.networks.meetings import messages
    from services.networks.meetings.models import Action, Meeting, MeetingStatus
    from services.networks.networks.models import Membership, Network

    now = utcnow()
    sent = 0
    with database().session() as db:
        begin_write(db)
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
        today = now.astimezone(LONDON).date()
        for action in db.exec(select(Action).where(Action.done.is_(False), Action.reminded_at.is_(None),
                                                   Action.due_on.is_not(None), Action.due_on <= today)
                              .with_for_update(skip_locked=True)).all():
            action.reminded_at = now
            messages.action_due(db, action, db.get(Network, action.network_id))
            sent += 1
    if sent:
        log.info("wrote %d reminders", sent)
    return sent


def deliver_messages() -> int:
    """Send what the outbox holds (SMTP_URL, or the local mailbox)."""
    from services.networks.meetings.messages import OutboxMessage
    from shared.outbox import deliver_pending

    return deliver_pending(database(), OutboxMessage)


def jobs() -> list:
    return [(send_reminders, {"trigger": "interval", "minutes": 5}),
            (deliver_messages, {"trigger": "interval", "seconds": 10})]
