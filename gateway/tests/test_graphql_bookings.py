"""Sessions and bookings through the GraphQL API: scheduling, booking and the waiting
list, what each person sees, and batching over lists."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from gateway.app import create_app
from gateway.tests.test_graphql_catalogue import CountingBackends
from tests.support.fixtures import gql, sign_in

SOON = (datetime.now(timezone.utc) + timedelta(days=10)).replace(hour=14, minute=0, second=0, microsecond=0)
SOON += timedelta(days=max(0, 7 - SOON.weekday()) if SOON.weekday() >= 5 else 0)  # a weekday: no calendar question
SCHEDULE = """mutation($input: SessionInput!) { scheduleSession(input: $input) {
  session { id placesLeft capacity course { title } startsAt } userErrors { field message } } }"""
BOOK = """mutation($s: ID!, $a: ID, $k: String) { bookSession(sessionId: $s, attendeeId: $a, idempotencyKey: $k) {
  booking { id status waitingListPosition attendeeName session { placesLeft } } userErrors { field message } } }"""


def session_input(course_id, **overrides) -> dict:
    data = {"courseId": str(course_id), "startsAt": SOON.isoformat(), "endsAt": (SOON + timedelta(hours=2)).isoformat(),
            "venue": "Saltmarsh Primary School", "capacity": 2, "externalPlaces": 0, "requiresApproval": False}
    data.update(overrides)
    return data


@pytest.fixture
def people(make_school, make_person):
    a, b = make_school(name="Ashby Primary"), make_school(name="Brook Academy")
    return {
        "school": a,
        "admin": make_person("admin@trust.test", "Alex Admin", roles=[("ll_admin",)]),
        "head": make_person("head@a.test", "Hannah Head", roles=[("staff", a), ("school_leader", a)], school_id=a),
        "t1": make_person("t1@a.test", "Tara One", roles=[("staff", a)], school_id=a),
        "t2": make_person("t2@a.test", "Theo Two", roles=[("staff", a)], school_id=a),
        "t3": make_person("t3@a.test", "Tess Three", roles=[("staff", a)], school_id=a),
        "other": make_person("o@b.test", "Ola Other", roles=[("staff", b)], school_id=b),
    }


@pytest.fixture
def scheduled(gateway_app, people, make_course):
    course = make_course(title="White Rose fractions", visibility="TRUST")
    admin = gateway_app.test_client()
    sign_in(admin, "admin@trust.test")
    result = gql(admin, SCHEDULE, {"input": session_input(course["id"])})["data"]["scheduleSession"]
    assert result["userErrors"] == []
    return {"course": course, "session": result["session"]}


def test_admin_schedules_a_session_of_a_course(scheduled):
    assert scheduled["session"]["course"]["title"] == "White Rose fractions"
    assert scheduled["session"]["placesLeft"] == 2


def test_scheduling_refusals_say_why(client, people, make_course):
    course = make_course()
    sign_in(client, "admin@trust.test")
    backwards = gql(client, SCHEDULE, {"input": session_input(course["id"], endsAt=(SOON - timedelta(hours=1)).isoformat())})
    assert "end after it starts" in backwards["data"]["scheduleSession"]["userErrors"][0]["message"]
    unknown = gql(client, SCHEDULE, {"input": session_input(99999)})["data"]["scheduleSession"]
    assert unknown["userErrors"] == [{"field": ["courseId"], "message": "There is no such course."}]
    sign_in(client, "t1@a.test")
    refused = gql(client, SCHEDULE, {"input": session_input(course["id"])})["data"]["scheduleSession"]
    assert "Only Lighthouse Learning admins" in refused["userErrors"][0]["message"]
    assert gql(client, "{ sessions { totalCount } }")["data"]["sessions"]["totalCount"] == 0


def test_staff_book_until_full_then_join_the_waiting_list(gateway_app, scheduled):
    sid = scheduled["session"]["id"]
    results = []
    for email in ("t1@a.test", "t2@a.test", "t3@a.test"):
        client = gateway_app.test_client()
        sign_in(client, email)
        results.append(gql(client, BOOK, {"s": sid})["data"]["bookSession"])
    assert [r["booking"]["status"] for r in results] == ["CONFIRMED", "CONFIRMED", "WAITLISTED"]
    assert results[2]["booking"]["waitingListPosition"] == 1
    assert results[2]["booking"]["session"]["placesLeft"] == 0
    mine = gql(client, "{ myBookings { status waitingListPosition session { course { title } } } }")
    assert mine["data"]["myBookings"] == [
        {"status": "WAITLISTED", "waitingListPosition": 1, "session": {"course": {"title": "White Rose fractions"}}}]


def test_a_school_leader_books_for_their_own_staff_only(client, scheduled, people):
    sign_in(client, "head@a.test")
    sid = scheduled["session"]["id"]
    own = gql(client, BOOK, {"s": sid, "a": str(people["t1"])})["data"]["bookSession"]
    assert own["booking"]["attendeeName"] == "Tara One"
    other = gql(client, BOOK, {"s": sid, "a": str(people["other"])})["data"]["bookSession"]
    assert other["booking"] is None and "your own school" in other["userErrors"][0]["message"]
    ghost = gql(client, BOOK, {"s": sid, "a": "424242"})["data"]["bookSession"]
    assert ghost["userErrors"] == [{"field": ["attendeeId"], "message": "There is no such person."}]


def test_a_visitor_cannot_book_and_sees_no_trust_sessions(anon_client, scheduled):
    assert gql(anon_client, "{ sessions { totalCount } }")["data"]["sessions"]["totalCount"] == 0
    refused = gql(anon_client, BOOK, {"s": scheduled["session"]["id"]})["data"]["bookSession"]
    assert refused["userErrors"][0]["message"] == "Sign in to book a place."


def test_cancel_and_the_offer_to_the_next_person(gateway_app, scheduled):
    sid = scheduled["session"]["id"]
    clients = {}
    for email in ("t1@a.test", "t2@a.test", "t3@a.test"):
        clients[email] = gateway_app.test_client()
        sign_in(clients[email], email)
    ids = [gql(clients[e], BOOK, {"s": sid})["data"]["bookSession"]["booking"]["id"] for e in clients]
    cancel = "mutation($b: ID!) { cancelBooking(bookingId: $b) { booking { status } userErrors { message } } }"
    assert gql(clients["t1@a.test"], cancel, {"b": ids[0]})["data"]["cancelBooking"]["booking"]["status"] == "CANCELLED"
    mine = gql(clients["t3@a.test"], "{ myBookings { id status offerExpiresAt } }")["data"]["myBookings"][0]
    assert mine["status"] == "OFFERED" and mine["offerExpiresAt"]
    accept = "mutation($b: ID!) { acceptWaitingListOffer(bookingId: $b) { booking { status } userErrors { message } } }"
    stranger = gql(clients["t2@a.test"], accept, {"b": ids[2]})["data"]["acceptWaitingListOffer"]
    assert stranger["booking"] is None and stranger["userErrors"]
    taken = gql(clients["t3@a.test"], accept, {"b": ids[2]})["data"]["acceptWaitingListOffer"]
    assert taken["booking"]["status"] == "CONFIRMED"


def test_course_sessions_and_my_booking_cost_one_call_each_however_many(stack, people, make_course, service_call):
    backends = CountingBackends(stack.settings)
    client = create_app(stack.settings, backends=backends).test_client()
    sign_in(client, "t1@a.test")
    for i in range(12):
        course = make_course(title=f"Course {i:02d}")
        body = {"course_id": course["id"], "starts_at": SOON.isoformat(),
                "ends_at": (SOON + timedelta(hours=1)).isoformat(), "venue": "Hall", "capacity": 5}
        assert service_call("bookings", "POST", "/sessions", json=body).status_code == 201
    query = """{ courses(first: 50) { edges { node { title sessions { placesLeft course { title }
                 myBooking { status } } } } } }"""
    backends.requests.clear()
    result = gql(client, query)
    assert len(result["data"]["courses"]["edges"]) == 12
    assert all(len(e["node"]["sessions"]) == 1 for e in result["data"]["courses"]["edges"])
    # each session's course is one the list brought: it is not read again
    assert sorted(backends.requests) == sorted(["GET /courses", "GET /sessions", "GET /bookings/mine"])


def test_unpublishing_a_course_takes_its_sessions_with_it(gateway_app, scheduled):
    staff = gateway_app.test_client()
    sign_in(staff, "t1@a.test")
    assert gql(staff, "{ sessions { totalCount } }")["data"]["sessions"]["totalCount"] == 1
    admin = gateway_app.test_client()
    sign_in(admin, "admin@trust.test")
    save = """mutation($input: CourseInput!) { saveCourse(input: $input) { userErrors { message } } }"""
    data = {"id": str(scheduled["course"]["id"]), "title": "White Rose fractions", "summary": "s", "description": "d",
            "subject": "Maths", "phases": ["KS2"], "audiences": ["TEACHER"], "provider": "White Rose Maths",
            "deliveryMode": "IN_PERSON", "durationMinutes": 90, "visibility": "TRUST", "status": "DRAFT"}
    assert gql(admin, save, {"input": data})["data"]["saveCourse"]["userErrors"] == []
    assert gql(staff, "{ sessions { totalCount } }")["data"]["sessions"]["totalCount"] == 0
    assert gql(admin, "{ sessions { totalCount } }")["data"]["sessions"]["totalCount"] == 1


def test_a_leader_approves_their_staffs_bookings(gateway_app, people, make_course):
    course = make_course(title="Day course needing cover")
    admin = gateway_app.test_client()
    sign_in(admin, "admin@trust.test")
    sid = gql(admin, SCHEDULE, {"input": session_input(course["id"], requiresApproval=True)})[
        "data"]["scheduleSession"]["session"]["id"]
    teacher = gateway_app.test_client()
    sign_in(teacher, "t1@a.test")
    booked = gql(teacher, BOOK, {"s": sid})["data"]["bookSession"]["booking"]
    assert booked["status"] == "PENDING_APPROVAL"
    queue = "{ bookingsAwaitingApproval { id attendeeName attendee { name } session { course { title } } } }"
    other = gateway_app.test_client()
    sign_in(other, "o@b.test")
    assert gql(other, queue)["data"]["bookingsAwaitingApproval"] == []
    head = gateway_app.test_client()
    sign_in(head, "head@a.test")
    waiting = gql(head, queue)["data"]["bookingsAwaitingApproval"]
    assert waiting == [{"id": booked["id"], "attendeeName": "Tara One", "attendee": {"name": "Tara One"},
                        "session": {"course": {"title": "Day course needing cover"}}}]
    decide = """mutation($b: ID!, $ok: Boolean!, $n: String) { decideBooking(bookingId: $b, approve: $ok, note: $n) {
      booking { status } userErrors { message } } }"""
    refused = gql(other, decide, {"b": booked["id"], "ok": True})["data"]["decideBooking"]
    assert refused["booking"] is None and refused["userErrors"]
    approved = gql(head, decide, {"b": booked["id"], "ok": True, "n": "Cover arranged"})["data"]["decideBooking"]
    assert approved["booking"]["status"] == "CONFIRMED"
    assert gql(head, queue)["data"]["bookingsAwaitingApproval"] == []


def test_a_head_is_reminded_after_three_school_days_by_the_trust_calendar(gateway_app, people, make_course):
    """Booked on Thursday 17 December, the day before the Christmas holiday: the head
    is reminded on Wednesday 6 January (Monday the 4th is an INSET day), the third
    school day by the networks calendar — not on the Tuesday before Christmas."""
    import time_machine

    from gateway.tests.test_graphql_proposals import seed_calendar
    from services.bookings import scheduler

    seed_calendar()
    course = make_course(title="NPQ SEND day 1")
    starts = datetime(2027, 1, 20, 9, 0, tzinfo=timezone.utc)
    with time_machine.travel(datetime(2026, 12, 17, 10, 0, tzinfo=timezone.utc)):
        admin, teacher = gateway_app.test_client(), gateway_app.test_client()
        sign_in(admin, "admin@trust.test")
        sid = gql(admin, SCHEDULE, {"input": session_input(
            course["id"], startsAt=starts.isoformat(), endsAt=(starts + timedelta(hours=6)).isoformat(),
            requiresApproval=True)})["data"]["scheduleSession"]["session"]["id"]
        sign_in(teacher, "t1@a.test")
        assert gql(teacher, BOOK, {"s": sid})["data"]["bookSession"]["booking"]["status"] == "PENDING_APPROVAL"
    for day in (22, 23, 24):
        with time_machine.travel(datetime(2026, 12, day, 11, 0, tzinfo=timezone.utc)):
            assert scheduler.send_reminders() == 0
    with time_machine.travel(datetime(2027, 1, 5, 11, 0, tzinfo=timezone.utc)):
        assert scheduler.send_reminders() == 0
    with time_machine.travel(datetime(2027, 1, 6, 11, 0, tzinfo=timezone.utc)):
        assert scheduler.send_reminders() == 1


def test_the_local_mailbox_is_for_development_only_and_shows_people_their_own(stack, client, people, tmp_path):
    from gateway.db import database
    from shared.mail import MailboxTransport, build

    assert client.get("/dev/mailbox").status_code == 404
    # a mailbox of its own, beside the same people
    dev = stack.settings.model_copy(update={"env": "development", "var_dir": tmp_path,
                                            "gateway_database_url": database(stack.settings).url})
    MailboxTransport(dev.mailbox_dir).send(build("t1@a.test", "Booked: Phonics", "You have a place.", "BEGIN:VCALENDAR"))
    MailboxTransport(dev.mailbox_dir).send(build("t2@a.test", "Your answer", "Answer: http://x/rsvp/signed", None))
    app = create_app(dev)
    visitor = app.test_client().get("/dev/mailbox")
    assert visitor.status_code == 302 and "/sign-in" in visitor.headers["Location"]

    def mailbox_of(email: str) -> str:
        browser = app.test_client()
        sign_in(browser, email)
        return browser.get("/dev/mailbox").get_data(as_text=True)

    tara = mailbox_of("t1@a.test")
    assert "Booked: Phonics" in tara and "You have a place." in tara and "invite.ics" in tara
    assert "Your answer" not in tara and "rsvp/signed" not in tara
    everyone = mailbox_of("admin@trust.test")
    assert "Booked: Phonics" in everyone and "Your answer" in everyone


def test_an_admin_cancels_a_session_from_its_page(gateway_app, scheduled):
    admin = gateway_app.test_client()
    sign_in(admin, "admin@trust.test")
    sid = scheduled["session"]["id"]
    token = admin.get(f"/sessions/{sid}").get_data(as_text=True).split('name="csrf-token" content="')[1].split('"')[0]
    done = admin.post(f"/sessions/{sid}", data={"csrf_token": token, "action": "cancel-session", "reason": "Snow"})
    assert done.status_code == 302
    page = admin.get(done.headers["Location"]).get_data(as_text=True)
    assert "every attendee has been told" in page and "Cancelled" in page


def test_a_head_booking_their_own_staff_onto_a_day_needing_cover_approves_it_by_booking(gateway_app, people,
                                                                                         make_course):
    from sqlmodel import select

    from services.bookings.db import database
    from services.bookings.messages import OutboxMessage

    course = make_course(title="NPQ SEND day 1")
    admin = gateway_app.test_client()
    sign_in(admin, "admin@trust.test")
    sid = gql(admin, SCHEDULE, {"input": session_input(course["id"], requiresApproval=True)})[
        "data"]["scheduleSession"]["session"]["id"]
    head = gateway_app.test_client()
    sign_in(head, "head@a.test")
    booked = gql(head, BOOK, {"s": sid, "a": str(people["t1"])})["data"]["bookSession"]
    assert booked["userErrors"] == [] and booked["booking"]["status"] == "CONFIRMED"
    assert gql(head, "{ bookingsAwaitingApproval { id } }")["data"]["bookingsAwaitingApproval"] == []
    with database().session() as db:
        sent = db.exec(select(OutboxMessage.recipient, OutboxMessage.subject).order_by(OutboxMessage.id)).all()
    assert [(to, subject.split(",")[0]) for to, subject in sent] == [("t1@a.test", "Booked: NPQ SEND day 1")]
