"""N+1 guard for the GraphQL lists of courses, sessions and bookings
(test_graphql_call_counts.py says what it guards and walks the schema for cases):
pages of sessions and courses, a course's sessions and feedback, my bookings, a
school's and a leader's, a session's, and their histories — each costs the same calls
for 10 items as for 100."""
from __future__ import annotations

from datetime import timedelta

import pytest

from gateway.tests.graph_counts import (
    ADMIN_EMAIL,
    BOOKINGS,
    CATALOGUE,
    ENTRY,
    admin,
    entries,
    people_ids,
    person,
    schools,
    signed_in,
    slug,
    staff_of,
)
from services.bookings.tests.test_bookings_query_counts import LAST_YEAR, bookings, sessions
from services.bookings.tests.test_bookings_query_counts import logged as logged_bookings
from services.catalogue.tests.test_catalogue_query_counts import courses
from shared.vocabulary import BookingStatus
from tests.support.counting import GraphAsk, GraphRead, assert_constant_graph_costs

# ---------- sessions and bookings ----------


def _sessions(app, n: int) -> GraphAsk:
    client = admin(app)
    (me,) = people_ids(ADMIN_EMAIL)
    (school,) = schools(1)
    (other,) = staff_of(school, 1)
    made = sessions(n, course_id=courses(n))
    bookings([(s, me, BookingStatus.CONFIRMED) for s in made])
    bookings([(s, other, BookingStatus.WAITLISTED) for s in made], school_id=school)
    return GraphAsk(client, """query($n: Int) { sessions(first: $n) { totalCount edges { cursor node {
        id startsAt placesLeft waitingListLength course { title slug phases }
        myBooking { status waitingListPosition session { id } } bookings { attendeeName status attendee { name } }
        } } } }""", lambda data: len(data["sessions"]["edges"]), {"n": n})


def _course_sessions(app, n: int) -> GraphAsk:
    client = admin(app)
    (me,) = people_ids(ADMIN_EMAIL)
    (course,) = courses(1)
    made = sessions(n, course_id=course)
    bookings([(s, me, BookingStatus.CONFIRMED) for s in made])
    return GraphAsk(client, """query($slug: String!) { course(slug: $slug) { sessions { id startsAt
        course { title } myBooking { status } bookings { attendee { name } } } } }""",
                    lambda data: len(data["course"]["sessions"]), {"slug": slug(course)})


def _courses(app, n: int) -> GraphAsk:
    client = admin(app)
    (me,) = people_ids(ADMIN_EMAIL)
    made = sessions(n, LAST_YEAR, course_id=courses(n))
    bookings([(s, me, BookingStatus.ATTENDED) for s in made], feedback_rating=5, feedback_comment="Good",
             feedback_at=LAST_YEAR + timedelta(days=200))
    return GraphAsk(client, """query($n: Int) { courses(first: $n) { totalCount edges { node { title slug
        phases audiences updatedAt sessions(upcoming: false) { id myBooking { status } }
        feedback { count average comments { rating } } } } } courseSubjects }""",
                    lambda data: len(data["courses"]["edges"]), {"n": n})


def _feedback_comments(app, n: int) -> GraphAsk:
    client = admin(app)
    (course,) = courses(1)
    (school,) = schools(1)
    them = staff_of(school, n)
    made = sessions(n, LAST_YEAR, course_id=course)
    bookings([(s, p, BookingStatus.ATTENDED) for s, p in zip(made, them)], school_id=school,
             feedback_rating=4, feedback_comment="Useful", feedback_at=LAST_YEAR + timedelta(days=200))
    return GraphAsk(client, """query($slug: String!) { course(slug: $slug) { feedback { count average
        comments { rating comment sessionStartsAt } } } }""",
                    lambda data: len(data["course"]["feedback"]["comments"]), {"slug": slug(course)})


BOOKING = """id status attendeeName waitingListPosition offerExpiresAt createdAt certificateUrl icsUrl
    feedbackRating attendee { name email school { name } } session { startsAt course { title } myBooking { id } }"""


def _my_bookings(app, n: int) -> GraphAsk:
    (school,) = schools(1)
    (me,) = staff_of(school, 1, "me")
    (other,) = staff_of(school, 1, "other")
    made = sessions(n, course_id=courses(n))
    bookings([(s, other, BookingStatus.WAITLISTED) for s in made], school_id=school)
    bookings([(s, me, BookingStatus.WAITLISTED if i % 2 else BookingStatus.CONFIRMED)
              for i, s in enumerate(made)], school_id=school)
    return GraphAsk(signed_in(app, "me000@trust.test"), "{ myBookings { " + BOOKING + " } }",
                    lambda data: len(data["myBookings"]))


def school_world(app, n: int, status: BookingStatus) -> tuple[int, object]:
    """A school's leader, signed in, and n of its staff each booked on a session."""
    (school,) = schools(1)
    person("head@trust.test", ("staff", school, None), ("school_leader", school, None), school_id=school)
    them = staff_of(school, n)
    bookings([(s, p, status) for s, p in zip(sessions(n, course_id=courses(n)), them)], school_id=school)
    return school, signed_in(app, "head@trust.test")


def _school_bookings(app, n: int) -> GraphAsk:
    school, client = school_world(app, n, BookingStatus.CONFIRMED)
    return GraphAsk(client, "query($s: ID!) { schoolBookings(schoolId: $s) { " + BOOKING + " } }",
                    lambda data: len(data["schoolBookings"]), {"s": str(school)})


def _awaiting_approval(app, n: int) -> GraphAsk:
    _, client = school_world(app, n, BookingStatus.PENDING_APPROVAL)
    return GraphAsk(client, "{ bookingsAwaitingApproval { " + BOOKING + " } }",
                    lambda data: len(data["bookingsAwaitingApproval"]))


def _session_bookings(app, n: int) -> GraphAsk:
    client = admin(app)
    (school,) = schools(1)
    (session,) = sessions(1, course_id=courses(1))
    bookings([(session, p, BookingStatus.WAITLISTED if i % 2 else BookingStatus.CONFIRMED)
              for i, p in enumerate(staff_of(school, n))], school_id=school)
    return GraphAsk(client, """query($id: ID!) { session(id: $id) { bookings { status waitingListPosition
        attendee { name school { name } } session { id } } } }""",
                    lambda data: len(data["session"]["bookings"]), {"id": str(session)})


# ---------- histories (admins only) ----------


def _session_histories(app, n: int) -> GraphAsk:
    client = admin(app)
    made = sessions(n, course_id=courses(n))
    logged_bookings([("session", s, None) for s in made])
    # the newest entry of each (a page of 100 sessions' twenty newest is over the cost limit)
    return GraphAsk(client, "query($n: Int) { sessions(first: $n) { edges { node { history(first: 1) { "
                    + ENTRY + " } } } } }", entries, {"n": n})


def _booking_histories(app, n: int) -> GraphAsk:
    client = admin(app)
    (session,) = sessions(1)
    made = bookings([(session, 100 + i, BookingStatus.CONFIRMED) for i in range(n)])
    logged_bookings([("booking", b, ("session", session)) for b in made])
    return GraphAsk(client, "query($id: ID!) { session(id: $id) { bookings { history { " + ENTRY + " } } } }",
                    entries, {"id": str(session)})


BOOKING_CASES = [
    GraphRead(("Query.sessions",), "a page of sessions", _sessions, (
        f"{BOOKINGS} /sessions", f"{CATALOGUE} /courses", f"{BOOKINGS} /bookings/mine",
        f"{BOOKINGS} /bookings/by-session"), 3),  # the attendees, their grants
    GraphRead(("Course.sessions",), "a course's sessions", _course_sessions, (
        f"{CATALOGUE} /courses/by-slug/fractions-000", f"{BOOKINGS} /sessions", f"{BOOKINGS} /bookings/mine",
        f"{BOOKINGS} /bookings/by-session"), 3),
    GraphRead(("Query.courses",), "a page of courses, for an admin", _courses, (
        f"{CATALOGUE} /courses", f"{BOOKINGS} /sessions", f"{BOOKINGS} /bookings/mine",
        f"{BOOKINGS} /courses/feedback", f"{CATALOGUE} /courses/subjects"), 1),
    GraphRead(("CourseFeedback.comments",), "a course's feedback", _feedback_comments, (
        f"{CATALOGUE} /courses/by-slug/fractions-000", f"{BOOKINGS} /courses/feedback"), 1),
    GraphRead(("Query.myBookings",), "my bookings", _my_bookings, (
        f"{BOOKINGS} /bookings/mine", f"{BOOKINGS} /sessions", f"{CATALOGUE} /courses",
        f"{BOOKINGS} /bookings/mine"), 4),  # me, my grants, schools
    GraphRead(("Query.schoolBookings",), "a school's bookings", _school_bookings, (
        f"{BOOKINGS} /bookings/school", f"{BOOKINGS} /sessions", f"{CATALOGUE} /courses",
        f"{BOOKINGS} /bookings/mine"), 4),  # the attendees, their grants, schools
    GraphRead(("Query.bookingsAwaitingApproval",), "a leader's decisions", _awaiting_approval, (
        f"{BOOKINGS} /bookings/awaiting-approval", f"{BOOKINGS} /sessions", f"{CATALOGUE} /courses",
        f"{BOOKINGS} /bookings/mine"), 4),
    GraphRead(("Session.bookings",), "a session's bookings", _session_bookings, (
        f"{BOOKINGS} /sessions/<id>", f"{BOOKINGS} /bookings/by-session"), 4),
    GraphRead(("Session.history",), "each session's history on a page of sessions, for an admin",
              _session_histories, (f"{BOOKINGS} /sessions", f"{BOOKINGS} /history/session"), 1),
    GraphRead(("Booking.history",), "each booking's history on a session, for an admin", _booking_histories, (
        f"{BOOKINGS} /sessions/<id>", f"{BOOKINGS} /bookings/by-session", f"{BOOKINGS} /history/booking"), 1),
]


@pytest.mark.parametrize("case", BOOKING_CASES, ids=lambda c: c.id)
def test_a_list_field_costs_the_same_calls_for_10_items_as_for_100(gateway_app, case):
    assert_constant_graph_costs(gateway_app, case)
