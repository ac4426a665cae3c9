"""Sending mail: SMTP in production and tests, a local mailbox folder in the
embedded default (readable in the browser at the gateway's /dev/mailbox).

Both satisfy `MailTransport`, chosen by `SMTP_URL`; a contract test runs against each.
`build` makes every message: the plain text, its HTML alternative, the invitation.
"""
from __future__ import annotations

import base64
import re
import smtplib
import uuid
from email.message import EmailMessage
from email.policy import EmailPolicy
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


class _Policy(EmailPolicy):
    """The standard policy, but a Subject is sent so that it arrives exactly as given: the
    standard folder puts a line break straight after "Subject:" when the first word is
    long (the subject then arrives with a leading space), and moves spaces around the
    encoded words of non-ASCII text."""

    def header_store_parse(self, name, value):
        if name.lower() != "subject":
            return super().header_store_parse(name, value)
        # Kept as given: the standard parse would decode a "=?…?=" typed in a course title.
        if isinstance(value, str) and len(value.splitlines()) > 1:
            raise ValueError("Header values may not contain linefeed or carriage return characters")
        return name, value

    def _fold(self, name, value, refold_binary=False):
        if name.lower() != "subject":
            return super()._fold(name, value, refold_binary)
        text, width = str(value), self.max_line_length or 78
        words = re.split(r"(\s+)", text)
        plain = text.isascii() and "=?" not in text and all(len(f"{name}: {w}") <= width for w in words[::2])
        lines = _fold_at_spaces(f"{name}: ", words, width) if plain else _encoded_words(name, text)
        return self.linesep.join(lines) + self.linesep


def _fold_at_spaces(start: str, words: list[str], width: int) -> list[str]:
    """Breaks before the spaces already there, never before the first word: unfolding
    (taking the line breaks out) gives the text back."""
    lines, line = [], start + words[0]
    for space, word in zip(words[1::2], words[2::2]):
        if len(line) + len(space) + len(word) > width:
            lines.append(line)
            line = space + word
        else:
            line += space + word
    return lines + [line]


def _encoded_words(name: str, text: str) -> list[str]:
    """RFC 2047 base64 words of whole characters, one to a line: a reader joins
    adjacent encoded words without the space between them, so the text comes back whole."""
    chunks = [""]
    for char in text:
        if chunks[-1] and len(_encoded(chunks[-1] + char)) > 60:
            chunks.append("")
        chunks[-1] += char
    first, *rest = map(_encoded, chunks)
    return [f"{name}: {first}"] + [" " + word for word in rest]


def _encoded(chunk: str) -> str:
    return f"=?utf-8?b?{base64.b64encode(chunk.encode()).decode()}?="


POLICY = _Policy()


def build(to: str, subject: str, text: str, ics: str | None = None, ics_method: str = "REQUEST",
          html: str | None = None, attachment: tuple[str, bytes] | None = None) -> EmailMessage:
    """A message with a plain-text part, and an HTML alternative to it when given, and
    the invitation and a PDF (its file name, its bytes) attached when given."""
    from email.utils import formatdate, make_msgid

    message = EmailMessage(policy=POLICY)
    message["From"], message["To"], message["Subject"] = FROM_ADDRESS, to, subject
    message["Date"], message["Message-ID"] = formatdate(localtime=False), make_msgid(domain="lighthouse.test")
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    if ics:
        message.add_attachment(ics.encode(), maintype="text", subtype="calendar",
                               params={"method": ics_method}, filename="invite.ics")
    if attachment:
        message.add_attachment(attachment[1], maintype="application", subtype="pdf", filename=attachment[0])
    return message
