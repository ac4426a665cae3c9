"""The networks service's timed work, run by its one scheduler process
(`python -m services.networks scheduler`, shared.jobs): reminders, mail, and the school
days delivered to the services that keep a copy (shared.facts)."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from services.networks.db import database
from services.networks.facts import FACTS
from services.networks.meetings import reminders
from services.networks.meetings.messages import OutboxMessage
from services.networks.terms.service import republish_school_days
from shared.jobs import job
from shared.outbox import delivery


@job(database, every=timedelta(minutes=5), done="wrote %d reminders")
def send_reminders(db: Session) -> int:
    """Members reminded a week and a day before each meeting; owners of actions
    reminded when they fall due."""
    return reminders.remind_members(db) + reminders.remind_action_owners(db)


deliver_messages = delivery(database, OutboxMessage)
JOBS = (send_reminders, deliver_messages, FACTS.delivery(), FACTS.reconciliation(republish_school_days))
