"""The bookings service's timed work, run by its one scheduler process
(`python -m services.bookings scheduler`), never inside web workers."""
from __future__ import annotations

import logging

from services.bookings.db import database
from services.bookings.sessions import service
from shared.db import begin_write

log = logging.getLogger(__name__)


def expire_offers() -> int:
    """Lapse waiting-list offers past their time and offer the places on."""
    with database().session() as db:
        begin_write(db)
        count = service.expire_offers(db)
    if count:
        log.info("lapsed %d waiting-list offers", count)
    return count


def send_reminders() -> int:
    """Reminders a week and a day before; school leaders reminded of undecided
    bookings after three school days."""
    from services.bookings import reminders

    with database().session() as db:
        begin_write(db)
        count = reminders.remind_attendees(db) + reminders.remind_approvers(db)
    if count:
        log.info("wrote %d reminders", count)
    return count


def deliver_messages() -> int:
    """Send what the outbox holds (SMTP_URL, or the local mailbox)."""
    from services.bookings.messages import OutboxMessage
    from shared.outbox import deliver_pending

    return deliver_pending(database(), OutboxMessage)


def jobs() -> list:
    return [(expire_offers, {"trigger": "interval", "minutes": 1}),
            (send_reminders, {"trigger": "interval", "minutes": 5}),
            (deliver_messages, {"trigger": "interval", "seconds": 10})]
