"""The cascade's follow-ups, run by the catalogue's scheduler: a SIP reminded of a QA
note five school days after the session they attended, a lead reminded of a sprint
with nothing planned two weeks after its last session — each job run twice sends one
email, delivered once."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from services.catalogue import scheduler
from services.catalogue.cascade import reminders
from services.catalogue.db import database
from services.catalogue.messages import OutboxMessage
from services.catalogue.tests.cascade_helpers import LEADER_A, SIP_A, move_session
from shared.clock import LONDON, academic_year_of, utcnow


@pytest.fixture
def smtp(monkeypatch, smtp_server):
    monkeypatch.setenv("SMTP_URL", smtp_server.url)
    smtp_server.messages.clear()
    return smtp_server


def outbox() -> list[tuple[str, str]]:
    with database().session() as db:
        return [(r.recipient, r.subject) for r in db.exec(sa.select(OutboxMessage).order_by(OutboxMessage.id))
                .scalars()]


def a_monday(weeks_ago: int) -> datetime:
    today = utcnow().astimezone(LONDON).date()
    monday = today - timedelta(days=today.weekday(), weeks=weeks_ago)
    return datetime.combine(monday, time(15, 45), LONDON)


@pytest.fixture
def attended(cascade):
    """School 1's sprint: its first session taken on by Sita and held three weeks ago."""
    programme = cascade.programme()
    sprint = cascade.plan(programme["id"], expect=201).json()
    first = sprint["sessions"][0]["id"]
    cascade.call("catalogue", "PUT", f"/sprint-sessions/{first}/central-attendee", SIP_A)
    move_session(first, a_monday(3))
    assert cascade.record(first).status_code == 200
    return sprint


def test_the_sip_is_reminded_once_of_a_note_five_school_days_overdue(attended, smtp):
    assert scheduler.send_cascade_reminders() == 1
    assert scheduler.send_cascade_reminders() == 0  # run twice: one email
    [(to, subject)] = outbox()
    assert to == "sita@lighthouse.test" and subject.startswith("QA note due: Concrete, pictorial, abstract")
    assert scheduler.deliver_messages() == 1 and scheduler.deliver_messages() == 0
    [message] = smtp.messages
    plain = message.get_body(("plain",)).get_content()
    assert plain.startswith("Dear Sita Sip,") and "Five school days on, it has no QA note yet." in plain
    assert f"/sprints/{attended['id']}" in plain


def open_weekdays(cascade, around: date, closed: set[date]) -> None:
    """The catalogue's copy of the academic calendar (as networks delivers it): every
    weekday of the years around `around` a school day, but for `closed`."""
    labels = {academic_year_of(around + timedelta(days=d)) for d in (-30, 30)}
    for label in labels:
        first = date(int(label[:4]), 9, 1)
        days = [first + timedelta(days=d) for d in range(365)]
        cascade.school_days(label, [d for d in days if d.weekday() < 5 and d not in closed])


def test_five_school_days_are_counted_by_the_calendar_copy(cascade, attended):
    session_id = attended["sessions"][0]["id"]
    held = a_monday(3)
    move_session(session_id, held)
    # That week's Wednesday and Thursday are closed (half term, in the copy): five
    # school days from the Monday are the Wednesday after, not the next Monday.
    half_term = {held.date() + timedelta(days=d) for d in (2, 3)}
    open_weekdays(cascade, held.date(), half_term)
    with database().session() as db:  # five weekdays on: not yet
        assert reminders.remind_qa_overdue(db, held + timedelta(days=7)) == 0
    with database().session() as db:  # a minute before the fifth school day
        assert reminders.remind_qa_overdue(db, held + timedelta(days=9, minutes=-1)) == 0
    with database().session() as db:
        assert reminders.remind_qa_overdue(db, held + timedelta(days=9)) == 1


def test_five_school_days_are_weekdays_in_a_year_the_copy_does_not_have(cascade, attended):
    held = a_monday(3)
    move_session(attended["sessions"][0]["id"], held)
    with database().session() as db:  # the Monday after, a minute before and at the time
        assert reminders.remind_qa_overdue(db, (held + timedelta(days=7, minutes=-1)).astimezone(LONDON)) == 0
    with database().session() as db:
        assert reminders.remind_qa_overdue(db, held + timedelta(days=7)) == 1


def test_no_reminder_once_the_note_is_written_or_before_it_is_due(cascade, attended):
    cascade.note(attended["sessions"][0]["id"])
    assert scheduler.send_cascade_reminders() == 0
    fresh = cascade.plan(cascade.programme(schools=(1,))["id"], expect=201).json()
    first = fresh["sessions"][0]["id"]
    cascade.call("catalogue", "PUT", f"/sprint-sessions/{first}/central-attendee", SIP_A)
    move_session(first, utcnow() - timedelta(days=2))
    cascade.record(first)
    assert scheduler.send_cascade_reminders() == 0 and outbox() == []


def test_a_session_nobody_attended_waits_until_the_attendee_is_recorded(cascade):
    sprint = cascade.plan(cascade.programme()["id"], expect=201).json()
    first = sprint["sessions"][0]["id"]
    move_session(first, a_monday(3))
    cascade.record(first)
    assert scheduler.send_cascade_reminders() == 0
    cascade.record(first, central_attendee_id=22, central_attendee_name="Bea Sip",
                   central_attendee_email="bea@lighthouse.test")
    assert scheduler.send_cascade_reminders() == 1 and outbox()[0][0] == "bea@lighthouse.test"


def test_the_lead_is_reminded_once_when_nothing_is_planned_two_weeks_on(cascade, smtp):
    programme = cascade.programme()
    sprint = cascade.plan(programme["id"], expect=201).json()
    for i, weeks in ((0, 4), (1, 3)):
        move_session(sprint["sessions"][i]["id"], a_monday(weeks))
        cascade.record(sprint["sessions"][i]["id"])
    cascade.note(sprint["sessions"][0]["id"])  # so only the planning reminder is due
    assert scheduler.send_cascade_reminders() == 1
    assert scheduler.send_cascade_reminders() == 0
    [(to, subject)] = outbox()
    assert (to, subject) == ("lee@school1.test", "Plan the next session: White Rose Maths mastery")
    scheduler.deliver_messages()
    plain = smtp.messages[0].get_body(("plain",)).get_content()
    assert plain.startswith("Dear Lee Leader,") and '("Variation and fluency"), two weeks ago' in plain


@pytest.mark.parametrize("then", ["plans another", "completes it", "held only ten days ago"])
def test_no_planning_reminder_for_a_sprint_that_moves_on(cascade, then):
    programme = cascade.programme()
    sprint = cascade.plan(programme["id"], expect=201).json()
    last = utcnow() - timedelta(days=10) if then == "held only ten days ago" else a_monday(3)
    for i, when in ((0, a_monday(4)), (1, last)):
        move_session(sprint["sessions"][i]["id"], when)
        cascade.record(sprint["sessions"][i]["id"])
    cascade.note(sprint["sessions"][0]["id"])
    if then == "plans another":
        from services.catalogue.tests.cascade_helpers import iso, school_day

        cascade.plan(programme["id"], sessions=[{"topic": "Next", "scheduled_at": iso(school_day(2))}], expect=200)
    elif then == "completes it":
        assert cascade.call("catalogue", "POST", f"/sprints/{sprint['id']}/complete", LEADER_A).status_code == 200
    assert scheduler.send_cascade_reminders() == 0 and outbox() == []
