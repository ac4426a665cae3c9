"""After the session: the register, the CPD record and certificate it feeds, and
feedback — each seen only by the people who should see it."""
from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import time_machine
from sqlmodel import select

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
