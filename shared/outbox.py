"""The outbox: messages written in the same transaction as the change they report,
then delivered by the service's scheduler.  A change that rolls back sends nothing;
a delivery that fails is tried again; a message is never sent twice once marked."""
from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache

import sqlalchemy as sa
from sqlmodel import Field, Session, SQLModel, select

from shared.clock import utcnow
from shared.db import utc_column
from shared.emails import Email
from shared.jobs import Job
from shared.mail import MailTransport, build

MAX_ATTEMPTS = 8


def outbox_model(base: type[SQLModel], attachments: bool = False):
    """An `outbox_message` table on a component's own base (its own database); with
    `attachments`, a message may carry one file (a PDF invoice), stored with it so
    what is sent is the document as it was issued."""

    class OutboxMessage(base, table=True):  # type: ignore[misc, valid-type]
        __tablename__ = "outbox_message"
        id: int | None = Field(default=None, primary_key=True)
        recipient: str = Field(sa_column=sa.Column(sa.String(254), nullable=False))
        subject: str = Field(sa_column=sa.Column(sa.String(200), nullable=False))
        body: str = Field(sa_column=sa.Column(sa.Text, nullable=False))  # the plain-text part
        html: str | None = Field(default=None, sa_column=sa.Column(sa.Text))  # and its HTML alternative
        ics: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
        ics_method: str | None = Field(default=None, sa_column=sa.Column(sa.String(10)))
        created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
        sent_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True, index=True))
        attempts: int = 0
        last_error: str | None = Field(default=None, sa_column=sa.Column(sa.String(500)))
        if attachments:
            attachment_name: str | None = Field(default=None, sa_column=sa.Column(sa.String(100)))
            attachment: bytes | None = Field(default=None, sa_column=sa.Column(sa.LargeBinary))

    return OutboxMessage


def enqueue(db: Session, model, to: str, message: Email, ics: str | None = None, ics_method: str = "REQUEST",
            attachment: tuple[str, bytes] | None = None) -> None:
    """`message` to `to`, rendered as it is now: what was said at the change is what is
    sent; `attachment` (a file name and its bytes: PDFs only) needs a model made with
    attachments."""
    # A plain INSERT on the table, in the caller's transaction: nothing reads the row
    # back, so the ORM's bookkeeping (paid on every booking) would buy nothing, and the
    # statement is built once per table.
    db.execute(_insert_into(model.__table__), {
        "recipient": to, "subject": message.subject[:200], "body": message.text, "html": message.html, "ics": ics,
        "ics_method": ics_method if ics else None, "created_at": utcnow(), "attempts": 0,
        **({"attachment_name": attachment[0], "attachment": attachment[1]} if attachment else {})})


@lru_cache(maxsize=None)
def _insert_into(table: sa.Table) -> sa.Insert:
    return table.insert()


def deliver(db: Session, model, transport: MailTransport, limit: int = 100) -> int:
    """Send what is waiting (rows locked, so two schedulers never send the same one);
    returns how many went."""
    rows = db.exec(select(model).where(model.sent_at.is_(None), model.attempts < MAX_ATTEMPTS)
                   .order_by(model.id).limit(limit).with_for_update(skip_locked=True)).all()
    sent = 0
    for row in rows:
        try:
            transport.send(build(row.recipient, row.subject, row.body, row.ics, row.ics_method or "REQUEST", row.html,
                                 _attachment_of(row)))
        except Exception as exc:  # noqa: BLE001 - a bad address or a down server: try again later
            row.attempts += 1
            row.last_error = str(exc)[:500]
            continue
        row.sent_at = utcnow()
        sent += 1
    db.flush()
    return sent


def _attachment_of(row) -> tuple[str, bytes] | None:
    name = getattr(row, "attachment_name", None)
    return (name, row.attachment) if name else None


def delivery(database, model) -> Job:
    """The job that sends what `model`'s outbox holds, every ten seconds, over SMTP_URL
    or to the local mailbox."""
    def deliver_messages(db: Session) -> int:
        from shared.mail import transport_for
        from shared.settings import get_settings

        settings = get_settings()
        return deliver(db, model, transport_for(settings.smtp_url, settings.mailbox_dir))

    return Job(deliver_messages, database, timedelta(seconds=10))
