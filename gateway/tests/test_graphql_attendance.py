"""After the session through the gateway: the register, the CPD record with its
certificates, feedback, who sees whose bookings, and the private calendar feed."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
import time_machine
from icalendar import Calendar
from sqlmodel import select

from gateway.tests.test_graphql_bookings import BOOK, SCHEDULE, SOON, people, session_input  # noqa: F401
from tests.support.fixtures import gql, sign_in

REGISTER = """mutation($s: ID!, $ids: [ID!]!) { recordAttendance(sessionId: $s, attendedBookingIds: $ids) {
  session { status bookings { attendeeName status } } userErrors { field message } } }"""
RECORD = """query($y: String) { me { cpdRecord(academicYear: $y) { academicYear hours sessionsAttended
  entries { title date minutes kind certificateUrl } } } }"""
FEEDBACK = """mutation($b: ID!, $r: Int!, $c: String) { leaveFeedback(bookingId: $b, rating: $r, comment: $c) {
  booking { feedbackRating } userErrors { field message } } }"""


def clients_for(gateway_app, *emails):
    out = {}
    for email in emails:
        out[email] = gateway_app.test_client()
        sign_in(out[email], email)
    return out


@pytest.fixture
def booked(gateway_app, people, make_course):  # noqa: F811
    """A two-hour session with Tara and Theo (Ashby) and Ola (Brook) booked."""
    course = make_course(title="Team Teach Level 1", subject="Behaviour", phases=["KS1", "KS2"])
    c = clients_for(gateway_app, "admin@trust.test", "head@a.test", "t1@a.test", "t2@a.test", "o@b.test")
    sid = gql(c["admin@trust.test"], SCHEDULE, {"input": session_input(course["id"], capacity=5)})[
        "data"]["scheduleSession"]["session"]["id"]
    ids = {e: gql(c[e], BOOK, {"s": sid})["data"]["bookSession"]["booking"]["id"]
           for e in ("t1@a.test", "t2@a.test", "o@b.test")}
    return {"course": course, "sid": sid, "ids": ids, "c": c}


def test_the_register_the_record_the_certificate_and_feedback(booked):
    from pypdf import PdfReader

    c, ids, sid = booked["c"], booked["ids"], booked["sid"]
    with time_machine.travel(SOON + timedelta(hours=3)):
        for email in ("t1@a.test", "admin@trust.test"):  # ten days on, they sign in again
            sign_in(c[email], email)
        refused = gql(c["t1@a.test"], REGISTER, {"s": sid, "ids": [ids["t1@a.test"]]})["data"]["recordAttendance"]
        assert refused["session"] is None and "Only Lighthouse Learning admins" in refused["userErrors"][0]["message"]
        taken = gql(c["admin@trust.test"], REGISTER, {"s": sid, "ids": [ids["t1@a.test"], ids["o@b.test"]]})
        assert taken["data"]["recordAttendance"]["userErrors"] == [], taken
        session = taken["data"]["recordAttendance"]["session"]
    for email in ("t1@a.test", "admin@trust.test"):  # a cookie signed "in the future" is refused: sign in again
        sign_in(c[email], email)
    assert session["status"] == "COMPLETED"
    assert sorted((b["attendeeName"], b["status"]) for b in session["bookings"]) == [
        ("Ola Other", "ATTENDED"), ("Tara One", "ATTENDED"), ("Theo Two", "NO_SHOW")]

    year = SOON.year if SOON.month >= 9 else SOON.year - 1
    label = f"{year}-{(year + 1) % 100:02d}"
    result = gql(c["t1@a.test"], RECORD, {"y": label})
    assert "errors" not in result, result
    record = result["data"]["me"]["cpdRecord"]
    assert (record["academicYear"], record["hours"], record["sessionsAttended"]) == (label, 2.0, 1)
    [entry] = record["entries"]
    assert entry["title"] == "Team Teach Level 1" and entry["minutes"] == 120
    assert entry["certificateUrl"].endswith(f"/certificates/{ids['t1@a.test']}.pdf")
    assert gql(c["t2@a.test"], RECORD, {"y": label})["data"]["me"]["cpdRecord"]["hours"] == 0

    path = f"/certificates/{ids['t1@a.test']}.pdf"
    pdf = c["t1@a.test"].get(path)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "Tara One" in PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert c["t2@a.test"].get(path).status_code == 404  # a colleague's certificate
    assert c["o@b.test"].get(path).status_code == 404

    bad = gql(c["t1@a.test"], FEEDBACK, {"b": ids["t1@a.test"], "r": 9})["data"]["leaveFeedback"]
    assert bad["userErrors"] == [{"field": ["rating"], "message": "Rate it from 1 to 5."}]
    left = gql(c["t1@a.test"], FEEDBACK, {"b": ids["t1@a.test"], "r": 4, "c": "Useful holds."})["data"]["leaveFeedback"]
    assert left == {"booking": {"feedbackRating": 4}, "userErrors": []}
    noshow = gql(c["t2@a.test"], FEEDBACK, {"b": ids["t2@a.test"], "r": 1})["data"]["leaveFeedback"]
    assert noshow["booking"] is None and "once the register shows you attended" in noshow["userErrors"][0]["message"]
    query = "query($slug: String!) { course(slug: $slug) { feedback { count average comments { rating comment } } } }"
    seen = gql(c["admin@trust.test"], query, {"slug": booked["course"]["slug"]})["data"]["course"]["feedback"]
    assert seen == {"count": 1, "average": 4.0, "comments": [{"rating": 4, "comment": "Useful holds."}]}
    assert gql(c["t1@a.test"], query, {"slug": booked["course"]["slug"]})["data"]["course"]["feedback"] is None


def test_who_sees_whose_bookings(booked):
    c, sid = booked["c"], booked["sid"]
    query = "query($s: ID!) { session(id: $s) { bookings { attendeeName } } }"

    def names(email):
        return sorted(b["attendeeName"] for b in gql(c[email], query, {"s": sid})["data"]["session"]["bookings"])

    assert names("admin@trust.test") == ["Ola Other", "Tara One", "Theo Two"]
    assert names("head@a.test") == ["Tara One", "Theo Two"]
    assert names("t1@a.test") == [] and names("o@b.test") == []
    school = booked["c"]["head@a.test"]
    ashby = gql(school, "{ me { school { id } } }")["data"]["me"]["school"]["id"]
    mine = "query($id: ID!) { schoolBookings(schoolId: $id) { attendeeName status } }"
    assert sorted(b["attendeeName"] for b in gql(school, mine, {"id": ashby})["data"]["schoolBookings"]) == [
        "Tara One", "Theo Two"]
    assert gql(c["t1@a.test"], mine, {"id": ashby})["data"]["schoolBookings"] == []
    assert gql(c["o@b.test"], mine, {"id": ashby})["data"]["schoolBookings"] == []
    record = """query($id: ID!) { school(id: $id) { staff { name cpdRecord { sessionsAttended } } } }"""
    # staff lists are for leaders; a colleague gets no names, so no records either
    assert gql(c["t1@a.test"], record, {"id": ashby})["data"]["school"]["staff"] == []


def test_the_calendar_feed_is_private_and_can_be_reset(gateway_app, booked, anon_client):
    c, sid = booked["c"], booked["sid"]
    url = gql(c["t1@a.test"], "{ me { calendarFeedUrl } }")["data"]["me"]["calendarFeedUrl"]
    path = url.split("://", 1)[1].split("/", 1)[1]
    feed = anon_client.get("/" + path)  # a calendar app sends no cookie
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    [event] = Calendar.from_ical(feed.data).walk("VEVENT")
    assert str(event["UID"]) == f"session-{sid}@lighthouse.test" and str(event["SUMMARY"]) == "Team Teach Level 1"
    assert gql(c["t1@a.test"], "{ me { calendarFeedUrl } }")["data"]["me"]["calendarFeedUrl"] == url  # stable
    fresh = gql(c["t1@a.test"], "mutation { resetCalendarFeed }")["data"]["resetCalendarFeed"]
    assert fresh != url
    assert anon_client.get("/" + path).status_code == 404  # the old address stops at once
    assert anon_client.get("/calendar/not-a-real-token.ics").status_code == 404
    others = gql(c["admin@trust.test"], "{ people { edges { node { email calendarFeedUrl } } } }")
    assert "Only the person themselves" in others["errors"][0]["message"]
    ics = c["t1@a.test"].get(f"/sessions/{sid}.ics")
    assert ics.status_code == 200 and b"BEGIN:VEVENT" in ics.data
    booking_ics = c["t2@a.test"].get(f"/bookings/{booked['ids']['t1@a.test']}.ics")
    assert booking_ics.status_code == 404  # not theirs


def test_sessions_filter_by_subject_and_phase(booked, make_course):
    c = booked["c"]
    query = "query($s: String, $p: Phase) { sessions(subject: $s, phase: $p) { totalCount } }"
    count = lambda s, p: gql(c["t1@a.test"], query, {"s": s, "p": p})["data"]["sessions"]["totalCount"]  # noqa: E731
    assert count("Behaviour", "KS2") == 1
    assert count("Behaviour", "KS4") == 0
    assert count("Maths", None) == 0


def test_a_leader_is_asked_when_a_booking_needs_approval(gateway_app, booked, make_course):
    from services.bookings.db import database
    from services.bookings.messages import OutboxMessage

    c = booked["c"]
    course = make_course(title="NPQ SEND day 1")
    sid = gql(c["admin@trust.test"], SCHEDULE, {"input": session_input(course["id"], requiresApproval=True)})[
        "data"]["scheduleSession"]["session"]["id"]
    gql(c["t1@a.test"], BOOK, {"s": sid})
    with database().session() as db:
        subjects = db.exec(select(OutboxMessage.subject).where(OutboxMessage.recipient == "head@a.test")).all()
    assert subjects == ["Approval needed: Tara One, NPQ SEND day 1"]


SAVE_COURSE = "mutation($input: CourseInput!) { saveCourse(input: $input) { userErrors { message } } }"


def team_teach_input(course_id, **overrides) -> dict:
    data = {"id": str(course_id), "title": "Team Teach Level 1", "summary": "s", "description": "d",
            "subject": "Behaviour", "phases": ["KS1", "KS2"], "audiences": ["TEACHER"], "provider": "Team Teach",
            "deliveryMode": "IN_PERSON", "durationMinutes": 120, "visibility": "TRUST", "status": "PUBLISHED"}
    data.update(overrides)
    return data


@pytest.mark.parametrize("withdrawn", ["ARCHIVED", "DRAFT"])
def test_a_withdrawn_course_stays_in_the_history_of_those_who_attended_it(booked, withdrawn):
    from pypdf import PdfReader

    c, ids, sid = booked["c"], booked["ids"], booked["sid"]
    with time_machine.travel(SOON + timedelta(hours=3)):
        sign_in(c["admin@trust.test"], "admin@trust.test")
        gql(c["admin@trust.test"], REGISTER, {"s": sid, "ids": [ids["t1@a.test"]]})
    for email in ("t1@a.test", "admin@trust.test", "head@a.test"):
        sign_in(c[email], email)
    saved = gql(c["admin@trust.test"], SAVE_COURSE, {"input": team_teach_input(booked["course"]["id"], status=withdrawn)})
    assert saved["data"]["saveCourse"]["userErrors"] == []

    year = SOON.year if SOON.month >= 9 else SOON.year - 1
    page = c["t1@a.test"].get(f"/my-cpd?year={year}-{(year + 1) % 100:02d}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Something went wrong" not in html
    assert "Team Teach Level 1" in html and "2 hours</strong> of CPD from 1 session" in html
    pdf = c["t1@a.test"].get(f"/certificates/{ids['t1@a.test']}.pdf")
    assert pdf.status_code == 200 and "Team Teach Level 1" in PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    past = gql(c["t1@a.test"], "{ myBookings(upcoming: false) { status session { course { title status } } } }")
    assert past == {"data": {"myBookings": [
        {"status": "ATTENDED", "session": {"course": {"title": "Team Teach Level 1", "status": "ARCHIVED"}}}]}}
    # the school's leader still sees their staff's history too
    ashby = gql(c["head@a.test"], "{ me { school { id } } }")["data"]["me"]["school"]["id"]
    school = gql(c["head@a.test"], """query($id: ID!) { schoolBookings(schoolId: $id, upcoming: false) {
        attendeeName session { course { title } } } }""", {"id": ashby})
    assert "errors" not in school and {b["session"]["course"]["title"] for b in school["data"]["schoolBookings"]} == {
        "Team Teach Level 1"}
    # while the course is out of the catalogue for everyone else, and nobody can book it
    for email in ("t1@a.test", "o@b.test"):
        assert gql(c[email], '{ courses(search: "Team Teach") { totalCount } }')["data"]["courses"]["totalCount"] == 0
        assert gql(c[email], "{ sessions { totalCount } }")["data"]["sessions"]["totalCount"] == 0
    assert gql(c["o@b.test"], "query($s: ID!) { session(id: $s) { id } }", {"s": sid})["data"]["session"] is None


def test_the_calendar_feed_holds_places_not_hopes(gateway_app, booked, anon_client, make_course):
    c = booked["c"]
    cover = make_course(title="NPQ SEND day 1")
    small = make_course(title="Phonics refresher")
    pending_sid = gql(c["admin@trust.test"], SCHEDULE, {"input": session_input(cover["id"], requiresApproval=True)})[
        "data"]["scheduleSession"]["session"]["id"]
    full_sid = gql(c["admin@trust.test"], SCHEDULE, {"input": session_input(small["id"], capacity=1)})[
        "data"]["scheduleSession"]["session"]["id"]
    pending = gql(c["t1@a.test"], BOOK, {"s": pending_sid})["data"]["bookSession"]["booking"]
    assert pending["status"] == "PENDING_APPROVAL"
    gql(c["t2@a.test"], BOOK, {"s": full_sid})
    assert gql(c["t1@a.test"], BOOK, {"s": full_sid})["data"]["bookSession"]["booking"]["status"] == "WAITLISTED"
    url = gql(c["t1@a.test"], "{ me { calendarFeedUrl } }")["data"]["me"]["calendarFeedUrl"]
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]

    def feed():
        response = anon_client.get(path)
        assert response.status_code == 200
        return {str(e["UID"]): (str(e["STATUS"]), str(e["SUMMARY"])) for e in Calendar.from_ical(response.data).walk("VEVENT")}

    assert feed() == {f"session-{booked['sid']}@lighthouse.test": ("CONFIRMED", "Team Teach Level 1"),
                      f"session-{pending_sid}@lighthouse.test": ("TENTATIVE", "Awaiting approval: NPQ SEND day 1")}
    cancel = "mutation($b: ID!) { cancelBooking(bookingId: $b) { booking { status } } }"
    gql(c["t1@a.test"], cancel, {"b": pending["id"]})
    assert feed() == {f"session-{booked['sid']}@lighthouse.test": ("CONFIRMED", "Team Teach Level 1")}
