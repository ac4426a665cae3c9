"""Messages: written to the outbox with the change, delivered by SMTP (a real
aiosmtpd server) or to the local mailbox, each exactly once, in plain text and HTML,
with a usable .ics.  (How any message travels: shared/tests/test_mail.py.)"""
from __future__ import annotations

from datetime import timedelta

import pytest
from icalendar import Calendar

from services.bookings import scheduler
from services.bookings.db import database
from services.bookings.messages import OutboxMessage
from services.bookings.tests.test_bookings import book, person, session_body


@pytest.fixture
def smtp(monkeypatch, smtp_server):
    monkeypatch.setenv("SMTP_URL", smtp_server.url)
    return smtp_server


def invite(message):
    part = next(p for p in message.iter_attachments() if p.get_content_type() == "text/calendar")
    return Calendar.from_ical(part.get_content()), part


def test_a_booking_sends_one_confirmation_with_an_invitation(service_call, smtp, schedule):
    s = schedule("POST", "/sessions", json=session_body(course_title="Team Teach Level 1")).json()
    book(service_call, s["id"], person(1))
    assert smtp.messages == []  # nothing leaves until the scheduler delivers
    assert scheduler.deliver_messages() == 1
    assert scheduler.deliver_messages() == 0  # run twice, sent once
    [message] = smtp.messages
    assert message["To"] == "p1@trust.test"
    assert message["Subject"].startswith("Booked: Team Teach Level 1")
    plain, html = (message.get_body((kind,)).get_content() for kind in ("plain", "html"))
    assert plain.startswith("Dear Person 1,") and "You have a place on Team Teach Level 1 on " in plain
    assert "<p>You have a place on <strong>Team Teach Level 1</strong> on " in html  # the same words, in HTML
    cal, part = invite(message)
    assert cal["METHOD"] == "REQUEST" and part.get_param("method") == "REQUEST"
    event = cal.walk("VEVENT")[0]
    assert str(event["UID"]) == f"session-{s['id']}@lighthouse.test" and int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == __import__("datetime").datetime.fromisoformat(s["starts_at"])


def test_cancelling_sends_a_cancel_for_the_same_event(service_call, smtp, schedule):
    s = schedule("POST", "/sessions", json=session_body(capacity=1)).json()
    mine = book(service_call, s["id"], person(1)).json()
    book(service_call, s["id"], person(2))
    service_call("bookings", "POST", f"/bookings/{mine['id']}/cancel", person(1))
    scheduler.deliver_messages()
    subjects = [m["Subject"].split(":")[0] for m in smtp.messages]
    assert subjects == ["Booked", "Waiting list", "Cancelled", "A place is free"]
    cal, _ = invite(smtp.messages[2])
    assert cal["METHOD"] == "CANCEL" and cal.walk("VEVENT")[0]["STATUS"] == "CANCELLED"
    assert str(cal.walk("VEVENT")[0]["UID"]) == f"session-{s['id']}@lighthouse.test"


def test_a_refused_request_sends_nothing(service_call, smtp, schedule):
    s = schedule("POST", "/sessions", json=session_body()).json()
    outsider = person(5, 2)
    attendee = {"person_id": 3, "name": "Tara", "email": "tara@trust.test", "school_id": 1}
    assert book(service_call, s["id"], outsider, attendee=attendee).status_code == 403
    assert scheduler.deliver_messages() == 0 and smtp.messages == []


def test_a_down_server_means_later_not_never(service_call, monkeypatch, smtp, schedule):
    s = schedule("POST", "/sessions", json=session_body()).json()
    book(service_call, s["id"], person(1))
    monkeypatch.setenv("SMTP_URL", "smtp://127.0.0.1:9")
    assert scheduler.deliver_messages() == 0
    with database().session() as db:
        row = db.exec(__import__("sqlmodel").select(OutboxMessage)).one()
        assert row.attempts == 1 and row.sent_at is None and row.last_error
    monkeypatch.setenv("SMTP_URL", smtp.url)
    assert scheduler.deliver_messages() == 1 and len(smtp.messages) == 1


def test_offers_last_as_long_as_the_setting_says(service_call, monkeypatch, schedule):
    monkeypatch.setenv("LL_WAITLIST_OFFER_HOURS", "48")
    s = schedule("POST", "/sessions", json=session_body(capacity=1)).json()
    mine = book(service_call, s["id"], person(1)).json()
    nxt = book(service_call, s["id"], person(2)).json()
    service_call("bookings", "POST", f"/bookings/{mine['id']}/cancel", person(1))
    offer = service_call("bookings", "GET", f"/bookings/{nxt['id']}", person(2)).json()
    from datetime import datetime, timezone

    left = datetime.fromisoformat(offer["offer_expires_at"]) - datetime.now(timezone.utc)
    assert timedelta(hours=47) < left <= timedelta(hours=48)


def test_cancelling_a_session_tells_every_attendee(service_call, smtp, schedule):
    s = schedule("POST", "/sessions", json=session_body(capacity=1, course_title="Phonics")).json()
    ids = [book(service_call, s["id"], person(n)).json()["id"] for n in (1, 2)]
    scheduler.deliver_messages()
    smtp.messages.clear()
    assert service_call("bookings", "POST", f"/sessions/{s['id']}/cancel", person(1),
                        json={"reason": "Trainer ill"}).status_code == 403
    assert service_call("bookings", "POST", f"/sessions/{s['id']}/cancel", json={"reason": ""}).status_code == 422
    cancelled = service_call("bookings", "POST", f"/sessions/{s['id']}/cancel", json={"reason": "Trainer ill"})
    assert cancelled.json()["status"] == "CANCELLED" and cancelled.json()["sequence"] == 1
    assert [service_call("bookings", "GET", f"/bookings/{i}").json()["status"] for i in ids] == ["CANCELLED"] * 2
    scheduler.deliver_messages()
    assert sorted(m["To"] for m in smtp.messages) == ["p1@trust.test", "p2@trust.test"]
    assert all("Trainer ill" in m.get_body(("plain",)).get_content() for m in smtp.messages)
    cal, _ = invite(smtp.messages[0])
    assert cal["METHOD"] == "CANCEL" and int(cal.walk("VEVENT")[0]["SEQUENCE"]) == 1
    again = book(service_call, s["id"], person(3))
    assert again.status_code == 409 and "cancelled" in again.json()["message"]


def test_moving_a_session_sends_the_changed_entry_to_those_with_a_place(service_call, smtp, schedule):
    s = schedule("POST", "/sessions", json=session_body(capacity=1, course_title="Phonics")).json()
    book(service_call, s["id"], person(1))
    book(service_call, s["id"], person(2))  # waiting: no calendar entry to change
    scheduler.deliver_messages()
    smtp.messages.clear()
    later = session_body(capacity=1, course_title="Phonics", venue="Brook Academy library")
    moved = schedule("PUT", f"/sessions/{s['id']}", json=later)
    assert moved.status_code == 200 and moved.json()["sequence"] == 1
    scheduler.deliver_messages()
    [message] = smtp.messages
    assert message["To"] == "p1@trust.test" and message["Subject"].startswith("Changed: Phonics")
    assert "Brook Academy library" in message.get_body(("plain",)).get_content()
    cal, _ = invite(message)
    event = cal.walk("VEVENT")[0]
    assert cal["METHOD"] == "REQUEST" and int(event["SEQUENCE"]) == 1
    assert str(event["UID"]) == f"session-{s['id']}@lighthouse.test"


def test_a_course_title_of_the_longest_allowed_length_still_books_and_mails(service_call, smtp, schedule):
    title = ("Teaching reading fluency through repeated reading, echo reading and choral reading in key stage "
             "two classrooms: a twilight series for class teachers and English subject leads across the trust")[:200]
    s = schedule("POST", "/sessions", json=session_body(course_title=title)).json()
    booked = book(service_call, s["id"], person(1))
    assert booked.status_code == 201, booked.text
    scheduler.deliver_messages()
    [message] = smtp.messages
    assert message["Subject"].startswith("Booked: Teaching reading fluency") and len(message["Subject"]) <= 200


def test_a_changed_session_tells_a_place_awaiting_approval_it_is_still_tentative(service_call, smtp, schedule):
    s = schedule("POST", "/sessions", json=session_body(
        requires_approval=True, course_title="NPQ SEND day 1")).json()
    book(service_call, s["id"], person(1))
    scheduler.deliver_messages()
    smtp.messages.clear()
    moved = session_body(requires_approval=True, course_title="NPQ SEND day 1", venue="Brook Academy library")
    assert schedule("PUT", f"/sessions/{s['id']}", json=moved).status_code == 200
    scheduler.deliver_messages()
    [message] = smtp.messages
    event = invite(message)[0].walk("VEVENT")[0]
    assert str(event["STATUS"]) == "TENTATIVE" and str(event["SUMMARY"]) == "Awaiting approval: NPQ SEND day 1"
