"""Mail as it arrives: the subject exactly as written however it had to be folded, the
plain text with its HTML alternative, the invitation attached — over a real SMTP server
(aiosmtpd) and into the local mailbox alike."""
from __future__ import annotations

import email
from email import policy

import pytest

from shared.mail import MailboxTransport, SmtpTransport, build

SUBJECTS = [
    "Hello",
    ("Booked: Teaching reading fluency through repeated reading, echo reading and choral reading in key stage "
     "two classrooms: a twilight series, Wednesday 14 January 2027 at 15:45"),
    # A first word longer than a line: folded straight after "Subject:", it arrived as " https://…".
    "https://meet.example.org/lighthouse-demo/a-very-long-joining-link-that-does-not-break-anywhere-at-all now",
    "Reminder — approval still needed: Zoë Ó Briain, Maths – fractions with the bar model in Year 4 and Year 5",
    "Cancelled: Writing   moderation (three spaces), Maths & English; =?utf-8?q?not-an-encoded-word?= as typed",
    "How was “Phonics: Unlocking Letters and Sounds” for learning partners and teachers in EYFS and KS1? 😀",
]


def arrived(kind: str, message, smtp_server, folder):
    if kind == "smtp":
        SmtpTransport(smtp_server.url).send(message)
        return smtp_server.messages[-1]
    MailboxTransport(folder).send(message)
    [path] = sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)[-1:]
    path_bytes = path.read_bytes()
    path.unlink()
    return email.message_from_bytes(path_bytes, policy=policy.default)


@pytest.mark.parametrize("kind", ["smtp", "mailbox"])
def test_every_subject_arrives_as_written(kind, smtp_server, tmp_path):
    for subject in SUBJECTS:
        message = build("a@trust.test", subject, "Body text")
        head = bytes(message).split(b"\n\n")[0].decode("ascii")
        assert max(len(line) for line in head.splitlines()) <= 78, head
        assert arrived(kind, message, smtp_server, tmp_path)["Subject"] == subject


def test_a_subject_cannot_carry_a_line_break():
    with pytest.raises(ValueError):
        build("a@trust.test", "Booked: Phonics\r\nBcc: everyone@example.org", "Body text")


@pytest.mark.parametrize("kind", ["smtp", "mailbox"])
def test_plain_text_with_its_html_alternative_and_the_invitation(kind, smtp_server, tmp_path):
    """The contract every MailTransport keeps: the message arrives whole."""
    message = build("a@trust.test", "Booked: Phonics", "Dear Tara,\n\nYou have a place.\n",
                    "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", html="<p>Dear Tara,</p><p>You have a place.</p>")
    got = arrived(kind, message, smtp_server, tmp_path)
    # (lines end CRLF on the wire; the test server's parser keeps them)
    assert got.get_body(("plain",)).get_content().replace("\r\n", "\n") == "Dear Tara,\n\nYou have a place.\n"
    assert "<p>You have a place.</p>" in got.get_body(("html",)).get_content()
    assert got.get_body(("html", "plain")).get_content_type() == "text/html"  # what a mail client shows first
    assert [p.get_content_type() for p in got.iter_attachments()] == ["text/calendar"]
