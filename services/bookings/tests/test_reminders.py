"""Reminders bookings sends by itself: a week and a day before a session, and to a
school's leaders when a booking has waited three school days (by bookings' copy of
networks' academic calendar) for their approval."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import time_machine
from sqlmodel import func, select

from services.bookings.db import database
from services.bookings.messages import OutboxMessage
from services.bookings.tests.test_attendance import full_session, outbox_subjects
from services.bookings.tests.test_bookings import SOON, book, person, session_body


def count_outbox() -> int:
    with database().session() as db:
        return db.exec(select(func.count()).select_from(OutboxMessage)).one()


def test_reminders_a_week_and_a_day_before_each_once(service_call, schedule):
    from services.bookings import scheduler

    s, people, ids = full_session(service_call, schedule, course_title="Writing moderation")
    late = schedule("POST", "/sessions", json=session_body(capacity=5)).json()
    with time_machine.travel(SOON - timedelta(days=6, hours=12)):
        book(service_call, late["id"], person(5))  # booked inside the week: no week reminder
        before = count_outbox()
        assert scheduler.send_reminders() == 3  # people 1-3 (person 4 is waiting)
        assert scheduler.send_reminders() == 0  # run twice, one effect
        assert count_outbox() == before + 3
    with time_machine.travel(SOON - timedelta(hours=20)):
        assert scheduler.send_reminders() == 4  # now person 5 too
        assert scheduler.send_reminders() == 0
    subjects = outbox_subjects("p1@trust.test")
    assert sum(t.startswith("In a week: Writing moderation") for t in subjects) == 1
    assert sum(t.startswith("Tomorrow: Writing moderation") for t in subjects) == 1
    assert not any(t.startswith("In a week") for t in outbox_subjects("p5@trust.test"))
    assert not any(t.startswith(("In a week", "Tomorrow")) for t in outbox_subjects("p4@trust.test"))


def test_a_leader_is_reminded_once_after_three_school_days(service_call, schedule, school_leaders):
    from services.bookings import scheduler

    school_leaders(1, "head@trust.test")
    # Booked on a Thursday: three school days later is the Tuesday, not the Sunday.
    thursday = datetime(2027, 1, 14, 10, 0, tzinfo=timezone.utc)
    starts = thursday + timedelta(days=21)
    with time_machine.travel(thursday):
        s = schedule("POST", "/sessions", json=session_body(
            requires_approval=True, starts_at=starts.isoformat(), ends_at=(starts + timedelta(hours=6)).isoformat(),
            course_title="NPQ SEND day 1")).json()
        booking = book(service_call, s["id"], person(1)).json()
        assert booking["status"] == "PENDING_APPROVAL"
    assert outbox_subjects("head@trust.test") == ["Approval needed: Person 1, NPQ SEND day 1"]
    with time_machine.travel(thursday + timedelta(days=4, hours=1)):  # Monday: two school days
        assert scheduler.send_reminders() == 0
    with time_machine.travel(thursday + timedelta(days=5, hours=1)):  # Tuesday
        assert scheduler.send_reminders() == 1
        assert scheduler.send_reminders() == 0
    assert outbox_subjects("head@trust.test")[1].startswith("Reminder — approval still needed: Person 1")


def test_school_days_skip_holidays_and_inset_days_then_fall_back_to_weekdays():
    from datetime import date

    from services.bookings.reminders import school_days_after
    from shared.school_days import SchoolCalendar

    # Autumn term ends Friday 18 December; Monday 4 January is an INSET day.
    days = {date(2026, 12, 17), date(2026, 12, 18)} | {date(2027, 1, d) for d in (5, 6, 7, 8, 11)}
    calendar = SchoolCalendar(years={"2026-27": days}).is_school_day
    thursday = datetime(2026, 12, 17, 10, 0, tzinfo=timezone.utc)
    assert school_days_after(thursday, 3, calendar) == datetime(2027, 1, 6, 10, 0, tzinfo=timezone.utc)
    assert school_days_after(thursday, 3) == datetime(2026, 12, 22, 10, 0, tzinfo=timezone.utc)  # no calendar
    # in a year the calendar does not have yet, weekdays count: Monday 6 September, then 7 and 8
    friday = datetime(2027, 9, 3, 10, 0, tzinfo=timezone.utc)
    assert school_days_after(friday, 3, calendar) == datetime(2027, 9, 8, 10, 0, tzinfo=timezone.utc)
    # the clocks go back on 25 October 2026: 10:00 in London stays 10:00 in London
    before = datetime(2026, 10, 22, 9, 0, tzinfo=timezone.utc)  # Thursday, 10:00 BST
    assert school_days_after(before, 3) == datetime(2026, 10, 27, 10, 0, tzinfo=timezone.utc)  # 10:00 GMT


def test_the_approval_reminder_counts_the_school_days_networks_delivered(service_call, schedule, school_leaders,
                                                                        deliver_fact):
    from datetime import date

    from services.bookings import scheduler

    thursday = datetime(2026, 12, 17, 10, 0, tzinfo=timezone.utc)
    starts = datetime(2027, 1, 20, 9, 0, tzinfo=timezone.utc)
    open_days = [date(2026, 12, 17), date(2026, 12, 18)] + [date(2027, 1, d) for d in range(5, 9)]
    school_leaders(1, "head@trust.test")
    assert deliver_fact("networks", "bookings", "/copies/school-days/2026-27",
                        school_days=[d.isoformat() for d in open_days]).status_code == 200
    with time_machine.travel(thursday):
        s = schedule("POST", "/sessions", json=session_body(
            requires_approval=True, starts_at=starts.isoformat(), ends_at=(starts + timedelta(hours=6)).isoformat(),
            course_title="NPQ SEND day 1")).json()
        booking = book(service_call, s["id"], person(1))
        assert booking.json()["status"] == "PENDING_APPROVAL"
    for quiet in (datetime(2026, 12, 22, 11, 0, tzinfo=timezone.utc),  # three weekdays: the holidays
                  datetime(2027, 1, 5, 11, 0, tzinfo=timezone.utc)):  # the first day back is the second
        with time_machine.travel(quiet):
            assert scheduler.send_reminders() == 0
    with time_machine.travel(datetime(2027, 1, 6, 11, 0, tzinfo=timezone.utc)):
        assert scheduler.send_reminders() == 1
    assert outbox_subjects("head@trust.test")[-1].startswith("Reminder — approval still needed: Person 1")
    # a request never brings the calendar along: bookings goes by its own copy alone
    refused = book(service_call, s["id"], person(2), school_days=[d.isoformat() for d in open_days])
    assert refused.status_code == 422 and "school_days" in refused.text


def test_a_wait_for_approval_starts_when_an_offer_is_accepted(service_call, schedule, school_leaders):
    from services.bookings import scheduler

    school_leaders(1, "head@trust.test")
    monday = datetime(2027, 1, 11, 10, 0, tzinfo=timezone.utc)
    starts = monday + timedelta(days=30)
    with time_machine.travel(monday):
        s = schedule("POST", "/sessions", json=session_body(
            requires_approval=True, capacity=1, starts_at=starts.isoformat(),
            ends_at=(starts + timedelta(hours=6)).isoformat(), course_title="NPQ SEND day 1")).json()
        first = book(service_call, s["id"], person(1)).json()
        waiting = book(service_call, s["id"], person(2)).json()
        assert waiting["status"] == "WAITLISTED"
    with time_machine.travel(monday + timedelta(days=7)):  # a week later the first place is given up
        assert service_call("bookings", "POST", f"/bookings/{first['id']}/cancel", person(1)).status_code == 200
        accepted = service_call("bookings", "POST", f"/bookings/{waiting['id']}/accept", person(2))
        assert accepted.json()["status"] == "PENDING_APPROVAL"
    with time_machine.travel(monday + timedelta(days=8)):  # a week after booking, a day after accepting
        assert scheduler.send_reminders() == 0
    with time_machine.travel(monday + timedelta(days=10, hours=1)):  # the third school day after accepting
        assert scheduler.send_reminders() == 1
