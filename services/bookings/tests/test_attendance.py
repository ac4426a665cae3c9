"""After the session: the register, the CPD record and certificate it feeds, and
feedback — each seen only by the people who should see it."""
from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import time_machine
from sqlmodel import func, select

from services.bookings.db import database
from services.bookings.messages import OutboxMessage
from services.bookings.tests.test_bookings import SOON, book, person, session_body
from shared import tokens
from tests.support.fixtures import ADMIN

AFTER = SOON + timedelta(hours=3)
LEADER_OF_1 = person(90, 1, tokens.Grant("school_leader", school_id=1))
LEADER_OF_2 = person(91, 2, tokens.Grant("school_leader", school_id=2))


def outbox_subjects(to: str) -> list[str]:
    with database().session() as db:
        return list(db.exec(select(OutboxMessage.subject).where(OutboxMessage.recipient == to)
                            .order_by(OutboxMessage.id)).all())


def full_session(service_call, schedule, **overrides):
    """Three places, three confirmed (people 1, 2 of school 1; 3 of school 2), one waiting."""
    s = schedule("POST", "/sessions", json=session_body(capacity=3, **overrides)).json()
    people = [person(1), person(2), person(3, 2), person(4)]
    ids = [book(service_call, s["id"], p).json()["id"] for p in people]
    return s, people, ids


def register(service_call, session_id, attended, who=None):
    kwargs = {"identity": who} if who else {}
    return service_call("bookings", "POST", f"/sessions/{session_id}/attendance",
                        json={"attended_booking_ids": attended}, **kwargs)


def status_of(service_call, booking_id):
    return service_call("bookings", "GET", f"/bookings/{booking_id}").json()["status"]


def test_the_register_marks_who_came_and_who_did_not(service_call, schedule):
    s, people, ids = full_session(service_call, schedule, course_title="Team Teach")
    with time_machine.travel(AFTER):
        taken = register(service_call, s["id"], ids[:2])
        assert taken.status_code == 200, taken.text
        assert taken.json()["status"] == "COMPLETED"
        assert [status_of(service_call, i) for i in ids] == ["ATTENDED", "ATTENDED", "NO_SHOW", "CANCELLED"]
        # taken again to correct a mistake: person 3 did come after all
        register(service_call, s["id"], ids[:3])
        assert [status_of(service_call, i) for i in ids] == ["ATTENDED"] * 3 + ["CANCELLED"]
    # one request for feedback each, however often the register was taken
    assert outbox_subjects("p1@trust.test").count("How was Team Teach?") == 1
    assert len([t for t in outbox_subjects("p3@trust.test") if t.startswith("How was")]) == 1
    assert not [t for t in outbox_subjects("p4@trust.test") if t.startswith("How was")]


def test_the_register_refuses_what_it_cannot_record_and_changes_nothing(service_call, schedule):
    s, people, ids = full_session(service_call, schedule)
    early = register(service_call, s["id"], ids[:1])
    assert early.status_code == 409 and "when the session starts" in early.json()["message"]
    with time_machine.travel(AFTER):
        waiting = register(service_call, s["id"], [ids[0], ids[3]])
        assert waiting.status_code == 422
        assert f"Booking {ids[3]} is not a confirmed place" in waiting.json()["fieldErrors"][0]["message"]
        assert register(service_call, s["id"], ids[:1], people[0]).status_code == 403
        assert register(service_call, s["id"], ids[:1], LEADER_OF_1).status_code == 403
        assert [status_of(service_call, i) for i in ids] == ["CONFIRMED"] * 3 + ["WAITLISTED"]
        assert service_call("bookings", "GET", f"/sessions/{s['id']}").json()["status"] == "SCHEDULED"


def test_the_cpd_record_counts_attended_hours_in_the_academic_year(service_call, schedule):
    s, people, ids = full_session(service_call, schedule, course_title="Team Teach Level 1")  # two hours
    year = f"{SOON.year if SOON.month >= 9 else SOON.year - 1}"
    label = f"{year}-{(int(year) + 1) % 100:02d}"
    with time_machine.travel(AFTER):
        register(service_call, s["id"], ids[:1])

    def record(whose, who, academic_year=label):
        r = service_call("bookings", "GET", "/cpd-record", who,
                         params={"person_id": whose, "academic_year": academic_year})
        assert r.status_code == 200, r.text
        return r.json()

    mine = record(1, people[0])
    assert (mine["minutes"], mine["sessions_attended"]) == (120, 1)
    assert mine["entries"][0]["title"] == "Team Teach Level 1"
    assert record(2, people[1])["sessions_attended"] == 0  # did not show: nothing recorded
    assert record(1, ADMIN)["minutes"] == 120
    assert record(1, LEADER_OF_1)["minutes"] == 120
    # everybody else sees an empty record, not even a count
    assert record(1, people[1])["sessions_attended"] == 0 and record(1, people[1])["entries"] == []
    assert record(1, LEADER_OF_2)["entries"] == []
    next_year = f"{int(year) + 1}-{(int(year) + 2) % 100:02d}"
    assert record(1, people[0], next_year)["minutes"] == 0
    bad = service_call("bookings", "GET", "/cpd-record", people[0], params={"person_id": 1, "academic_year": "2026-29"})
    assert bad.status_code == 422 and "2026-27" in bad.json()["message"]


def test_cpd_hours_are_bucketed_by_the_periods_asked_for_and_shown_only_to_whom_they_belong(service_call, schedule):
    """Two hours attended by people 1 and 2 of school 1 and person 3 of school 2; the
    periods split either side of the session's day."""
    s, people, ids = full_session(service_call, schedule, course_title="Team Teach Level 1")
    with time_machine.travel(AFTER):
        register(service_call, s["id"], ids[:3])
    day = SOON.date()
    bounds = ",".join(d.isoformat() for d in (day - timedelta(days=30), day, day + timedelta(days=30)))

    def hours(who, **params):
        return service_call("bookings", "GET", "/cpd-hours", who, params={"bounds": bounds, **params})

    school = hours(LEADER_OF_1, school_id=1)
    assert school.status_code == 200, school.text
    by_person = {p["person_id"]: (p["minutes"], p["sessions"]) for p in school.json()["items"]}
    # school 2's attendee is not among school 1's staff; the session falls in the second period
    assert by_person == {1: ([0, 120], [0, 1]), 2: ([0, 120], [0, 1])}
    assert {p["person_id"] for p in hours(ADMIN, school_id=2).json()["items"]} == {3}
    # a leader of another school, and staff, may not read a school's hours
    assert hours(LEADER_OF_2, school_id=1).status_code == 403
    assert hours(people[0], school_id=1).status_code == 403
    # a person reads their own; someone else's reads as nothing, not an error
    assert [p["minutes"] for p in hours(people[0], person_id=1).json()["items"]] == [[0, 120]]
    assert hours(people[1], person_id=1).json()["items"] == []
    assert hours(LEADER_OF_2, person_id=1).json()["items"] == []
    assert hours(LEADER_OF_1, person_id=1).json()["items"][0]["minutes"] == [0, 120]
    # periods that leave the session out count nothing
    before = ",".join(d.isoformat() for d in (day - timedelta(days=60), day - timedelta(days=30), day))
    assert service_call("bookings", "GET", "/cpd-hours", people[0],
                        params={"bounds": before, "person_id": 1}).json()["items"] == []


def test_cpd_hours_refuse_questions_that_make_no_sense(service_call):
    def asked(**params):
        return service_call("bookings", "GET", "/cpd-hours", ADMIN, params=params)

    assert asked(bounds="2026-09-01,2027-09-01").status_code == 422  # whose?
    assert asked(bounds="2026-09-01,2027-09-01", person_id=1, school_id=1).status_code == 422
    assert asked(bounds="2027-09-01,2026-09-01", school_id=1).status_code == 422  # falling
    assert asked(bounds="2026-09-01,2026-13-01", school_id=1).status_code == 422  # no such day
    assert asked(bounds="2026-09-01", school_id=1).status_code == 422  # no period


def test_a_certificate_is_a_pdf_for_the_attendee_only(service_call, schedule):
    from pypdf import PdfReader

    s, people, ids = full_session(service_call, schedule, course_title="Unlocking Letters and Sounds")
    assert service_call("bookings", "GET", f"/bookings/{ids[0]}/certificate", people[0]).status_code == 404
    with time_machine.travel(AFTER):
        register(service_call, s["id"], ids[:1])
    pdf = service_call("bookings", "GET", f"/bookings/{ids[0]}/certificate", people[0])
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "Person 1" in text and "Unlocking Letters and Sounds" in text and "2 hours" in text
    assert service_call("bookings", "GET", f"/bookings/{ids[0]}/certificate", people[1]).status_code == 404
    assert service_call("bookings", "GET", f"/bookings/{ids[1]}/certificate", people[1]).status_code == 404  # no show


def test_feedback_from_attendees_only_and_its_average_for_admins(service_call, schedule):
    s, people, ids = full_session(service_call, schedule, course_id=7)
    assert service_call("bookings", "POST", f"/bookings/{ids[0]}/feedback", people[0],
                        json={"rating": 5}).status_code == 409  # not attended yet
    with time_machine.travel(AFTER):
        register(service_call, s["id"], ids[:2])
    ok = service_call("bookings", "POST", f"/bookings/{ids[0]}/feedback", people[0],
                      json={"rating": 5, "comment": "Practical and calm."})
    assert ok.status_code == 200 and ok.json()["feedback_rating"] == 5
    service_call("bookings", "POST", f"/bookings/{ids[1]}/feedback", people[1], json={"rating": 4})
    assert service_call("bookings", "POST", f"/bookings/{ids[1]}/feedback", people[0],
                        json={"rating": 1}).status_code == 404  # someone else's
    assert service_call("bookings", "POST", f"/bookings/{ids[1]}/feedback", LEADER_OF_1,
                        json={"rating": 1}).status_code == 403  # their leader may see it, not answer it
    bad = service_call("bookings", "POST", f"/bookings/{ids[0]}/feedback", people[0], json={"rating": 6})
    assert bad.status_code == 422 and bad.json()["fieldErrors"][0]["field"] == ["rating"]
    summary = service_call("bookings", "GET", "/courses/7/feedback").json()
    assert (summary["count"], summary["average"]) == (2, 4.5)
    assert [i["comment"] for i in summary["items"]].count("Practical and calm.") == 1
    assert service_call("bookings", "GET", "/courses/7/feedback", people[0]).status_code == 403


def test_who_sees_a_sessions_bookings(service_call, schedule):
    s, people, ids = full_session(service_call, schedule)

    def seen(who):
        r = service_call("bookings", "GET", f"/sessions/{s['id']}/bookings", who)
        assert r.status_code == 200
        return [b["id"] for b in r.json()["items"]]

    assert sorted(seen(ADMIN)) == sorted(ids)
    assert sorted(seen(LEADER_OF_1)) == sorted([ids[0], ids[1], ids[3]])
    assert seen(LEADER_OF_2) == [ids[2]]
    assert seen(people[0]) == []  # not even their colleagues
    school = service_call("bookings", "GET", "/bookings/school", LEADER_OF_2, params={"school_id": 1})
    assert school.status_code == 200 and school.json()["items"] == []
    own = service_call("bookings", "GET", "/bookings/school", LEADER_OF_2, params={"school_id": 2}).json()
    assert [b["id"] for b in own["items"]] == [ids[2]]


def test_sessions_filter_by_subject_and_phase(service_call, schedule, deliver_fact):
    maths = schedule("POST", "/sessions", json=session_body(
        course_id=2, course_title="Fractions", course_subject="Maths", course_phases=["KS1", "KS2"])).json()
    again = schedule("POST", "/sessions", json=session_body(
        course_id=2, course_title="Fractions", course_subject="Maths", course_phases=["KS1", "KS2"])).json()
    schedule("POST", "/sessions", json=session_body(course_subject="English", course_phases=["KS3"]))
    found = service_call("bookings", "GET", "/sessions", params={"subject": "maths", "phase": "KS2"}).json()
    assert [s["id"] for s in found["items"]] == [maths["id"], again["id"]]
    assert service_call("bookings", "GET", "/sessions", params={"subject": "Maths", "phase": "KS3"}).json()["total"] == 0
    # the course's listing, changed in the catalogue, moves its sessions with it
    deliver_fact("catalogue", "bookings", "/copies/course-listings/2", title="Fractions", visibility="TRUST",
                 published=True, subject="Science", phases=["KS3"])
    assert service_call("bookings", "GET", "/sessions", params={"subject": "Science", "phase": "KS3"}).json()["total"] == 2


def test_my_calendar_holds_my_live_bookings_only(service_call, schedule):
    from icalendar import Calendar

    s, people, ids = full_session(service_call, schedule)
    other = schedule("POST", "/sessions", json=session_body()).json()
    book(service_call, other["id"], person(2))
    feed = service_call("bookings", "GET", "/bookings/mine/calendar", people[0])
    assert feed.headers["content-type"].startswith("text/calendar")
    uids = [str(e["UID"]) for e in Calendar.from_ical(feed.text).walk("VEVENT")]
    assert uids == [f"session-{s['id']}@lighthouse.test"]
    service_call("bookings", "POST", f"/bookings/{ids[0]}/cancel", people[0])
    feed = service_call("bookings", "GET", "/bookings/mine/calendar", people[0])
    assert Calendar.from_ical(feed.text).walk("VEVENT") == []
    one = service_call("bookings", "GET", f"/bookings/{ids[0]}/calendar", people[0])
    assert Calendar.from_ical(one.text)["METHOD"] == "CANCEL"
    assert service_call("bookings", "GET", f"/bookings/{ids[0]}/calendar", people[1]).status_code == 404


def test_my_calendar_shows_each_place_as_it_stands(service_call, schedule):
    from icalendar import Calendar

    from services.bookings import scheduler

    confirmed = schedule("POST", "/sessions", json=session_body(course_title="Team Teach")).json()
    approval = schedule("POST", "/sessions", json=session_body(
        course_title="NPQ SEND day 1", requires_approval=True)).json()
    full = schedule("POST", "/sessions", json=session_body(course_title="Phonics", capacity=1)).json()
    book(service_call, confirmed["id"], person(1))
    pending = book(service_call, approval["id"], person(1)).json()
    taken = book(service_call, full["id"], person(2)).json()
    assert book(service_call, full["id"], person(1)).json()["status"] == "WAITLISTED"

    def feed():
        text = service_call("bookings", "GET", "/bookings/mine/calendar", person(1)).text
        return {str(e["UID"]).split("@")[0]: (str(e["STATUS"]), str(e["SUMMARY"]))
                for e in Calendar.from_ical(text).walk("VEVENT")}

    # a place on the waiting list is not a place: it is not in the diary at all
    assert feed() == {f"session-{confirmed['id']}": ("CONFIRMED", "Team Teach"),
                      f"session-{approval['id']}": ("TENTATIVE", "Awaiting approval: NPQ SEND day 1")}
    one = Calendar.from_ical(service_call("bookings", "GET", f"/bookings/{pending['id']}/calendar", person(1)).text)
    assert str(one.walk("VEVENT")[0]["STATUS"]) == "TENTATIVE"
    service_call("bookings", "POST", f"/bookings/{taken['id']}/cancel", person(2))
    assert feed()[f"session-{full['id']}"] == ("TENTATIVE", "Place offered, not yet accepted: Phonics")
    # the offer lapses and the pending place is given up: both leave the diary
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(days=2)):
        assert scheduler.expire_offers() == 1
    service_call("bookings", "POST", f"/bookings/{pending['id']}/cancel", person(1))
    assert feed() == {f"session-{confirmed['id']}": ("CONFIRMED", "Team Teach")}


def test_a_record_keeps_the_title_the_course_had_when_it_was_attended(service_call, schedule, deliver_fact):
    from pypdf import PdfReader

    s, people, ids = full_session(service_call, schedule, course_id=5, course_title="Team Teach Level 1")
    later = schedule("POST", "/sessions", json=session_body(
        course_id=5, course_title="Team Teach Level 1", starts_at=(SOON + timedelta(days=60)).isoformat(),
        ends_at=(SOON + timedelta(days=60, hours=2)).isoformat())).json()
    with time_machine.travel(AFTER):
        register(service_call, s["id"], ids[:1])
        # renamed in the catalogue afterwards: what was attended keeps its name
        assert deliver_fact("catalogue", "bookings", "/copies/course-listings/5", visibility="TRUST", published=True,
                            title="Positive handling (Team Teach)").json() == {"applied": True}
        record = service_call("bookings", "GET", "/cpd-record", people[0], params={"person_id": 1}).json()
        pdf = service_call("bookings", "GET", f"/bookings/{ids[0]}/certificate", people[0])
        booked = book(service_call, later["id"], person(7))
    assert [e["title"] for e in record["entries"]] == ["Team Teach Level 1"]
    assert "Team Teach Level 1" in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert booked.status_code == 201
    assert outbox_subjects("p7@trust.test")[0].startswith("Booked: Positive handling (Team Teach),")


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


def test_commitments_are_for_network_leads_and_admins_only(service_call, schedule):
    s, people, ids = full_session(service_call, schedule, course_title="Team Teach")
    span = {"person_ids": [1, 2, 4], "from": (SOON - timedelta(days=1)).isoformat(),
            "to": (SOON + timedelta(days=1)).isoformat()}
    lead = person(60, None, tokens.Grant("network_lead", network_id=1))
    busy = service_call("bookings", "POST", "/bookings/commitments", lead, json=span)
    assert busy.status_code == 200
    assert sorted((c["person_id"], c["title"]) for c in busy.json()["items"]) == [(1, "Team Teach"), (2, "Team Teach")]
    assert service_call("bookings", "POST", "/bookings/commitments", people[0], json=span).status_code == 403
    assert service_call("bookings", "POST", "/bookings/commitments", LEADER_OF_1, json=span).status_code == 403
