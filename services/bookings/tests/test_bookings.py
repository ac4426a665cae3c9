"""Sessions and bookings over HTTP: capacity, the waiting list, who may book whom,
cancellations, and input that is refused whole."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import time_machine

from shared import tokens
from tests.support.fixtures import ADMIN

SOON = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=14)


def person(pid: int, school: int | None = 1, *roles: tokens.Grant) -> tokens.Identity:
    grants = roles or ((tokens.Grant("staff", school_id=school),) if school else ())
    return tokens.Identity(subject=str(pid), name=f"Person {pid}", email=f"p{pid}@trust.test", school_id=school,
                           grants=grants)


def session_body(**overrides) -> dict:
    # course_*: the course's listing, which the catalogue delivers (the schedule fixture)
    body = {"course_title": "Phonics", "starts_at": SOON.isoformat(),
            "ends_at": (SOON + timedelta(hours=2)).isoformat(), "venue": "Saltmarsh Primary School, hall",
            "capacity": 3, "external_places": 0, "requires_approval": False}
    body.update(overrides)
    return body


@pytest.fixture
def new_session(service_call, schedule):
    def _make(**overrides) -> dict:
        response = schedule("POST", "/sessions", json=session_body(**overrides))
        assert response.status_code == 201, response.text
        return response.json()
    return _make


def book(service_call, session_id: int, who: tokens.Identity, **body):
    return service_call("bookings", "POST", f"/sessions/{session_id}/bookings", who, json=body)


def test_places_then_the_waiting_list_in_order(service_call, new_session):
    s = new_session(capacity=4, external_places=1)  # three trust places
    statuses = [book(service_call, s["id"], person(i)).json() for i in range(1, 6)]
    assert [b["status"] for b in statuses] == ["CONFIRMED"] * 3 + ["WAITLISTED"] * 2
    assert [b["waiting_list_position"] for b in statuses[3:]] == [1, 2]
    after = service_call("bookings", "GET", f"/sessions/{s['id']}").json()
    assert after["places_left"] == 0 and after["waiting_list_length"] == 2


def test_booking_twice_answers_the_first_booking(service_call, new_session):
    s = new_session()
    first = book(service_call, s["id"], person(1))
    again = book(service_call, s["id"], person(1))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert service_call("bookings", "GET", f"/sessions/{s['id']}").json()["places_left"] == 2


def test_a_retried_request_with_its_idempotency_key_returns_the_same_booking(service_call, new_session):
    leader = person(9, 1, tokens.Grant("school_leader", school_id=1))
    s = new_session()
    attendee = {"person_id": 3, "name": "Tara", "email": "tara@trust.test", "school_id": 1}
    first = book(service_call, s["id"], leader, attendee=attendee, idempotency_key="abc-1")
    retry = book(service_call, s["id"], leader, attendee=attendee, idempotency_key="abc-1")
    assert first.status_code == 201 and retry.status_code == 200 and retry.json()["id"] == first.json()["id"]


def test_who_may_book_whom(service_call, new_session):
    s = new_session(capacity=10)
    leader = person(9, 1, tokens.Grant("school_leader", school_id=1))
    own_staff = {"person_id": 3, "name": "Tara", "email": "tara@trust.test", "school_id": 1}
    other_school = {"person_id": 4, "name": "Ola", "email": "ola@trust.test", "school_id": 2}
    assert book(service_call, s["id"], leader, attendee=own_staff).status_code == 201
    refused = book(service_call, s["id"], leader, attendee=other_school)
    assert refused.status_code == 403 and "your own school" in refused.json()["message"]
    assert book(service_call, s["id"], person(5), attendee=other_school).status_code == 403
    external = tokens.Identity(subject="6", name="Bella", grants=(tokens.Grant("external_booker"),))
    assert book(service_call, s["id"], external).status_code == 403
    assert book(service_call, s["id"], tokens.ANONYMOUS_IDENTITY).status_code == 409
    session = service_call("bookings", "GET", f"/sessions/{s['id']}").json()
    assert session["places_left"] == 9  # only the one allowed booking took a place


def test_cancelling_gives_the_place_back(service_call, new_session):
    s = new_session(capacity=1)
    mine = book(service_call, s["id"], person(1)).json()
    cancelled = service_call("bookings", "POST", f"/bookings/{mine['id']}/cancel", person(1))
    assert cancelled.json()["status"] == "CANCELLED"
    assert service_call("bookings", "GET", f"/sessions/{s['id']}").json()["places_left"] == 1
    again = service_call("bookings", "POST", f"/bookings/{mine['id']}/cancel", person(1))
    assert again.status_code == 409
    assert book(service_call, s["id"], person(2)).json()["status"] == "CONFIRMED"


def test_nobody_else_sees_or_cancels_my_booking(service_call, new_session):
    s = new_session()
    mine = book(service_call, s["id"], person(1)).json()
    for stranger in (person(2), person(3, 2, tokens.Grant("school_leader", school_id=2))):
        assert service_call("bookings", "GET", f"/bookings/{mine['id']}", stranger).status_code == 404
        assert service_call("bookings", "POST", f"/bookings/{mine['id']}/cancel", stranger).status_code == 404
    leader = person(9, 1, tokens.Grant("school_leader", school_id=1))
    assert service_call("bookings", "GET", f"/bookings/{mine['id']}", leader).status_code == 200


def test_after_the_deadline_only_an_admin_cancels(service_call, new_session):
    s = new_session(cancellation_deadline=(datetime.now(timezone.utc) - timedelta(minutes=1)).isoformat())
    mine = book(service_call, s["id"], person(1)).json()
    late = service_call("bookings", "POST", f"/bookings/{mine['id']}/cancel", person(1))
    assert late.status_code == 409 and "deadline has passed" in late.json()["message"]
    assert service_call("bookings", "POST", f"/bookings/{mine['id']}/cancel", ADMIN).json()["status"] == "CANCELLED"


def test_closed_and_past_sessions_cannot_be_booked(service_call, new_session):
    closed = new_session(booking_closes_at=(datetime.now(timezone.utc) - timedelta(hours=1)).isoformat())
    response = book(service_call, closed["id"], person(1))
    assert response.status_code == 409 and "Booking for this session has closed" in response.json()["message"]
    assert book(service_call, 999999, person(1)).status_code == 404
    soon = datetime.now(timezone.utc) + timedelta(hours=1)
    past = new_session(starts_at=soon.isoformat(), ends_at=(soon + timedelta(hours=1)).isoformat())
    with time_machine.travel(soon + timedelta(minutes=5)):  # it has started
        started = book(service_call, past["id"], person(1))
    assert started.status_code == 409 and "already started" in started.json()["message"]
    cancelled = new_session()
    service_call("bookings", "POST", f"/sessions/{cancelled['id']}/cancel", json={"reason": "Snow"})
    refused = book(service_call, cancelled["id"], person(1))
    assert refused.status_code == 409 and "cancelled" in refused.json()["message"]
    for s in (closed, past, cancelled):  # nothing was taken by the refusals
        assert service_call("bookings", "GET", f"/sessions/{s['id']}").json()["places_left"] == 3


def test_a_session_cannot_be_scheduled_or_moved_into_the_past(service_call, new_session, schedule):
    yesterday = datetime.now(timezone.utc) - timedelta(days=1)
    refused = schedule("POST", "/sessions", json=session_body(
        starts_at=yesterday.isoformat(), ends_at=(yesterday + timedelta(hours=1)).isoformat()))
    assert refused.status_code == 422
    assert refused.json()["fieldErrors"] == [{"field": ["starts_at"],
                                              "message": "That time has passed; choose a time in the future."}]
    s = new_session()
    moved = schedule("PUT", f"/sessions/{s['id']}", json=session_body(
        starts_at=yesterday.isoformat(), ends_at=(yesterday + timedelta(hours=1)).isoformat()))
    assert moved.status_code == 422
    assert service_call("bookings", "GET", f"/sessions/{s['id']}").json()["starts_at"] == s["starts_at"]
    # one under way keeps its start while its other details change
    with time_machine.travel(datetime.fromisoformat(s["starts_at"]) + timedelta(minutes=10)):
        kept = schedule("PUT", f"/sessions/{s['id']}", json=session_body(
            starts_at=s["starts_at"], ends_at=s["ends_at"], venue="The hall upstairs"))
    assert kept.status_code == 200, kept.text


def test_only_admins_schedule_and_bad_sessions_are_refused(service_call, new_session, schedule):
    assert schedule("POST", "/sessions", person(1), json=session_body()).status_code == 403
    backwards = schedule("POST", "/sessions",
                             json=session_body(ends_at=(SOON - timedelta(hours=1)).isoformat()))
    assert backwards.status_code == 422 and "end after it starts" in backwards.text
    assert schedule("POST", "/sessions", json=session_body(capacity=0)).status_code == 422
    naive = schedule("POST", "/sessions", json=session_body(starts_at="2026-12-01T10:00:00"))
    assert naive.status_code == 422
    # every message and certificate of a session names its course: one the catalogue
    # has not told bookings about cannot be scheduled
    unknown = session_body(course_id=999)
    del unknown["course_title"]
    refused = schedule("POST", "/sessions", json=unknown)
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["fieldErrors"]] == [["course_id"]]
    assert "has not told bookings about this course" in refused.text
    s = new_session(capacity=2)
    book(service_call, s["id"], person(1))
    book(service_call, s["id"], person(2))
    shrink = schedule("PUT", f"/sessions/{s['id']}", json=session_body(capacity=1))
    assert shrink.status_code == 409 and "2 trust places are already taken" in shrink.json()["message"]
    assert service_call("bookings", "GET", f"/sessions/{s['id']}").json()["capacity"] == 2
    assert service_call("bookings", "GET", "/sessions").json()["total"] == 1


def test_the_online_link_is_for_confirmed_attendees_only(service_call, new_session):
    s = new_session(capacity=1, venue=None, online_url="https://meet.example.org/abc")
    assert service_call("bookings", "GET", f"/sessions/{s['id']}", person(1)).json()["online_url"] is None
    book(service_call, s["id"], person(1))
    book(service_call, s["id"], person(2))  # waitlisted
    assert service_call("bookings", "GET", f"/sessions/{s['id']}", person(1)).json()["online_url"] == \
        "https://meet.example.org/abc"
    assert service_call("bookings", "GET", f"/sessions/{s['id']}", person(2)).json()["online_url"] is None
    listed = service_call("bookings", "GET", "/sessions", person(2)).json()["items"]
    assert listed[0]["online_url"] is None


def test_my_bookings_and_the_batch_by_session(service_call, new_session):
    a, b, c = new_session(), new_session(), new_session()
    book(service_call, a["id"], person(1))
    book(service_call, c["id"], person(1))
    book(service_call, b["id"], person(2))
    mine = service_call("bookings", "GET", "/bookings/mine", person(1)).json()["items"]
    assert sorted(x["session_id"] for x in mine) == sorted([a["id"], c["id"]])
    batch = service_call("bookings", "GET", "/bookings/mine", person(1),
                         params={"session_ids": f"{a['id']},{b['id']}"}).json()["items"]
    assert [x["session_id"] for x in batch] == [a["id"]]
    by_course = service_call("bookings", "GET", "/sessions", person(1), params={"course_ids": "1,2"}).json()
    assert by_course["total"] == 3


def test_sessions_follow_their_course_listing(service_call, new_session, deliver_fact):
    public = new_session(course_id=7, course_visibility="PUBLIC")
    trust = new_session(course_id=8, course_visibility="TRUST")
    visitor = tokens.ANONYMOUS_IDENTITY

    def listed(who):
        return [s["id"] for s in service_call("bookings", "GET", "/sessions", who).json()["items"]]

    assert listed(visitor) == [public["id"]]
    assert sorted(listed(person(1))) == sorted([public["id"], trust["id"]])
    assert service_call("bookings", "GET", f"/sessions/{trust['id']}", visitor).status_code == 404
    # the course is unpublished: its sessions go with it, except for admins
    unpublished = {"title": "Phonics", "visibility": "TRUST", "published": False}
    for not_the_catalogue in (person(1), ADMIN):  # nobody but the catalogue changes a listing
        refused = deliver_fact("catalogue", "bookings", "/copies/course-listings/8", not_the_catalogue, **unpublished)
        assert refused.status_code == 403
    assert deliver_fact("catalogue", "bookings", "/copies/course-listings/8", **unpublished).json() == \
        {"applied": True}
    assert listed(person(1)) == [public["id"]]
    assert book(service_call, trust["id"], person(1)).status_code == 404
    assert sorted(listed(ADMIN)) == sorted([public["id"], trust["id"]])


def test_a_withdrawn_courses_sessions_stay_in_the_history_of_those_booked_on_them(service_call, new_session,
                                                                                 deliver_fact):
    s = new_session(course_id=8, course_title="Team Teach Level 1")
    book(service_call, s["id"], person(1))
    assert deliver_fact("catalogue", "bookings", "/copies/course-listings/8", title="Team Teach Level 1",
                        visibility="TRUST", published=False).json() == {"applied": True}

    def by_id(who):
        return service_call("bookings", "GET", "/sessions", who, params={"ids": str(s["id"])}).json()["items"]

    # the batch read the gateway makes for a booking's session: the attendee and their
    # school's leaders still get it, with the course's title as it was
    leader = person(9, 1, tokens.Grant("school_leader", school_id=1))
    for who in (person(1), leader):
        [seen] = by_id(who)
        assert seen["course_title"] == "Team Teach Level 1" and seen["course_published"] is False
    # nobody else does, and it is out of every list and not bookable
    for who in (person(2), person(3, 2, tokens.Grant("school_leader", school_id=2)), tokens.ANONYMOUS_IDENTITY):
        assert by_id(who) == []
    assert service_call("bookings", "GET", "/sessions", person(1)).json()["items"] == []
    assert service_call("bookings", "GET", f"/sessions/{s['id']}", person(1)).status_code == 404
    assert book(service_call, s["id"], person(2)).status_code == 404


def test_a_school_leader_narrows_their_schools_bookings_and_sees_no_other_schools(service_call, new_session):
    """My school's filters: by person, subject, status and UK days; another school's
    bookings never come back, however the filters are set."""
    leader_of_1 = person(9, 1, tokens.Grant("staff", school_id=1), tokens.Grant("school_leader", school_id=1))
    maths = new_session(course_title="Fractions", course_subject="Maths", capacity=1)
    phonics = new_session(course_title="Phonics", course_subject="English",
                          starts_at=(SOON + timedelta(days=7)).isoformat(),
                          ends_at=(SOON + timedelta(days=7, hours=2)).isoformat())
    book(service_call, maths["id"], person(1))
    book(service_call, maths["id"], person(2))  # full: waiting
    book(service_call, phonics["id"], person(1))
    book(service_call, phonics["id"], person(3, 2))  # school 2's

    def names(**params):
        answer = service_call("bookings", "GET", "/bookings/school", leader_of_1,
                              params={"school_id": 1, "upcoming": "false", **params})
        assert answer.status_code == 200, answer.text
        return [(b["session_id"], b["attendee_name"]) for b in answer.json()["items"]]

    assert names() == [(maths["id"], "Person 1"), (maths["id"], "Person 2"), (phonics["id"], "Person 1")]
    assert names(person_id=1) == [(maths["id"], "Person 1"), (phonics["id"], "Person 1")]
    assert names(subject="maths") == [(maths["id"], "Person 1"), (maths["id"], "Person 2")]
    assert names(status="WAITLISTED") == [(maths["id"], "Person 2")]
    week_later = (SOON + timedelta(days=7)).date().isoformat()
    assert names(**{"from": week_later}) == [(phonics["id"], "Person 1")]
    assert names(to=SOON.date().isoformat()) == [(maths["id"], "Person 1"), (maths["id"], "Person 2")]
    # school 2's member of staff, asked for by id through school 1, or school 2 asked for outright
    assert names(person_id=3) == []
    other = service_call("bookings", "GET", "/bookings/school", leader_of_1, params={"school_id": 2, "upcoming": "false"})
    assert other.status_code == 200 and other.json()["items"] == []
    staff = service_call("bookings", "GET", "/bookings/school", person(1), params={"school_id": 1})
    assert staff.json()["items"] == []


def test_a_school_bookings_span_that_ends_before_it_starts_is_refused_with_a_sentence(service_call):
    leader = person(9, 1, tokens.Grant("school_leader", school_id=1))
    answer = service_call("bookings", "GET", "/bookings/school", leader,
                          params={"school_id": 1, "from": "2027-03-01", "to": "2027-02-01"})
    assert answer.status_code == 422
    assert {"field": ["to"], "message": "The end date must be on or after the start date."} in \
        answer.json()["fieldErrors"]
    bad = service_call("bookings", "GET", "/bookings/school", leader, params={"school_id": 1, "from": "1st March"})
    assert bad.status_code == 422
    assert bad.json()["fieldErrors"][0]["message"] == "Enter a date, for example 2027-01-14."
