"""The bookings service's timed work, run by its one scheduler process
(`python -m services.bookings scheduler`, shared.jobs)."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from services.bookings import reminders
from services.bookings.db import database
from services.bookings.messages import OutboxMessage
from services.bookings.orders import holds
from services.bookings.payments import card, follow_up
from services.bookings.waiting_list import service as waiting_list
from shared.jobs import Job, job
from shared.outbox import delivery


@job(database, every=timedelta(minutes=1), done="lapsed %d waiting-list offers")
def expire_offers(db: Session) -> int:
    """Lapse waiting-list offers past their time and offer the places on."""
    return waiting_list.expire_offers(db)


@job(database, every=timedelta(minutes=5), done="wrote %d reminders")
def send_reminders(db: Session) -> int:
    """Reminders a week and a day before; school leaders reminded of undecided
    bookings after three school days."""
    return reminders.remind_attendees(db) + reminders.remind_approvers(db)


@job(database, every=timedelta(minutes=1), done="released %d lapsed holds")
def release_holds(db: Session) -> int:
    """Card orders unpaid when their hold lapses give their places back (exactly once)."""
    return holds.release_lapsed_holds(db)


def reconcile_card_payments(db: Session) -> int:
    """Card orders whose webhook never came, settled by asking Stripe; and refunds still
    owed (decided and committed, but Stripe away or the process gone before it was
    asked) made now.  The process needs LL_STRIPE_SECRET_KEY."""
    payments = card.stripe_client()
    return card.reconcile(db, payments) + follow_up.make_owed_refunds(db, payments,
                                                                      owed_for=follow_up.OWED_QUIETLY_FOR)


# write=False: it asks Stripe between its reads and writes, so it takes the write lock
# only for each order or refund it settles, never while it waits on Stripe.
reconcile_job = Job(reconcile_card_payments, database, every=timedelta(minutes=5),
                    done="settled %d card payments and refunds with Stripe", write=False)
deliver_messages = delivery(database, OutboxMessage)
JOBS = (expire_offers, release_holds, reconcile_job, send_reminders, deliver_messages)
