"""Sending mail: SMTP in production and tests, a local mailbox folder in the
embedded default (readable in the browser at the gateway's /dev/mailbox).

Both satisfy `MailTransport`, chosen by `SMTP_URL`; a contract test runs against each.
"""
from __future__ import annotations

import smtplib
import uuid
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

FROM_ADDRESS = "Lighthouse Learning <cpd@lighthouse.test>"


class MailTransport(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class SmtpTransport:
    def __init__(self, url: str):
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 25
        self.starttls = parts.scheme == "smtp+starttls"
        self.user, self.password = unquote(parts.username or ""), unquote(parts.password or "")

    def send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=15) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.user:
                smtp.login(self.user, self.password)
            smtp.send_message(message)


class MailboxTransport:
    """Writes each message as an .eml file, newest last."""

    def __init__(self, folder: Path):
        self.folder = folder

    def send(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{message['Date'] or ''}-{uuid.uuid4().hex}.eml".replace(" ", "_").replace(":", "").replace(",", "")
        (self.folder / name).write_bytes(bytes(message))


def transport_for(smtp_url: str | None, mailbox: Path) -> MailTransport:
    return SmtpTransport(smtp_url) if smtp_url else MailboxTransport(mailbox)


def build(to: str, subject: str, body: str, ics: str | None = None, ics_method: str = "REQUEST") -> EmailMessage:
    from email.utils import formatdate, make_msgid

    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = FROM_ADDRESS, to, subject
    message["Date"], message["Message-ID"] = formatdate(localtime=False), make_msgid(domain="lighthouse.test")
    message.set_content(body)
    if ics:
        message.add_attachment(ics.encode(), maintype="text", subtype="calendar",
                               params={"method": ics_method}, filename="invite.ics")
    return message
