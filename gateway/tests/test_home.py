"""The home page's sections for staff, school leaders, governors, SIPs and external
bookers, through the gateway as a signed-in person sees them: what each shows of
what was set up, who sees which section, leaders booking several staff at once, and
the calls to the services a home page costs (the same however many bookings)."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import pytest

from shared import tokens
from shared.clock import LONDON, academic_year_of
from shared.vocabulary import BookingStatus
from tests.support.counting import count_backend_calls
from tests.support.fixtures import sign_in

NOW = datetime.now(timezone.utc).replace(microsecond=0)
SOON = NOW + timedelta(days=14)
# (gateway.home.hours is not imported here: it brings pygal, whose import hook must not
# be installed before the services' apps are made)
THIS_YEAR = academic_year_of(NOW.astimezone(LONDON).date())
LAST_YEAR = f"{int(THIS_YEAR[:4]) - 1}-{THIS_YEAR[2:4]}"


def text(response) -> str:
    """The page as words, tags gone and spaces squeezed: what a reader reads."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def identity(person_id: int, school_id: int | None, *roles: str, name: str = "") -> tokens.Identity:
    grants = tuple(tokens.Grant(r, school_id=school_id) for r in roles or ("staff",))
    return tokens.Identity(subject=str(person_id), name=name or f"Person {person_id}",
                           email=f"p{person_id}@trust.test", school_id=school_id, grants=grants)


def term_day(label: str, term: int) -> datetime:
    """A Wednesday afternoon well inside a term (0 autumn, 1 spring, 2 summer) of `label`."""
    start = int(label[:4])
    day = [date(start, 10, 8), date(start + 1, 2, 4), date(start + 1, 6, 10)][term]
    day += timedelta(days=(2 - day.weekday()) % 7)
    return datetime(day.year, day.month, day.day, 15, 30, tzinfo=LONDON)


def attended(rows: list[tuple[str, datetime, int, int, str, int]]) -> list[int]:
    """Past sessions, each with one attended booking: (title, starts, minutes, person
    id, attendee's name, school id); made straight in bookings' tables, as a year of
    registers taken would have left them.  The bookings' ids."""
    from services.bookings.bookings.models import Booking
    from services.bookings.db import database
    from services.bookings.sessions.models import CourseSession

    ids = []
    with database().session() as db:
        for title, starts, minutes, person_id, name, school_id in rows:
            s = CourseSession(course_id=900, course_title=title, course_subject="Maths", course_phases=",KS2,",
                              starts_at=starts, ends_at=starts + timedelta(minutes=minutes), venue="Hall",
                              capacity=30, requires_approval=False, booking_closes_at=starts,
                              cancellation_deadline=starts, status="COMPLETED")
            db.add(s)
            db.flush()
            b = Booking(session_id=s.id, person_id=person_id, attendee_name=name, attendee_email=f"p{person_id}@x.test",
                        school_id=school_id, booked_by_id=person_id, status=BookingStatus.ATTENDED)
            db.add(b)
            db.flush()
            ids.append(b.id)
    return ids


@pytest.fixture
def trust(make_school, make_person):
    a, b = make_school(name="Ashby Primary"), make_school(name="Brook Academy")
    return {
        "a": a, "b": b,
        "tara": make_person("tara@a.test", "Tara Teacher", roles=[("staff", a)], school_id=a),
        "theo": make_person("theo@a.test", "Theo Two", roles=[("staff", a)], school_id=a),
        "nina": make_person("nina@a.test", "Nina None", roles=[("staff", a)], school_id=a),
        "head": make_person("head@a.test", "Hannah Head", roles=[("staff", a), ("school_leader", a)], school_id=a),
        "ola": make_person("ola@b.test", "Ola Other", roles=[("staff", b)], school_id=b),
        "headb": make_person("head@b.test", "Bob Brookhead", roles=[("staff", b), ("school_leader", b)],
                             school_id=b),
        "gwen": make_person("gwen@a.test", "Gwen Governor", roles=[("governor", a)], school_id=a),
        "sip": make_person("sip@trust.test", "Sam Improvement", roles=[("sip", a)]),
        "bursar": make_person("bursar@external.test", "Bella Bursar", roles=[("external_booker",)]),
    }


@pytest.fixture
def session_of(schedule):
    def _make(title: str, starts: datetime = SOON, capacity: int = 10, **extra) -> int:
        body = {"course_title": title, "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(hours=2)).isoformat(), "venue": "Ashby Primary, hall",
                "capacity": capacity, "external_places": 0, "requires_approval": False, **extra}
        made = schedule("POST", "/sessions", json=body)
        assert made.status_code == 201, made.text
        return made.json()["id"]
    return _make


def book(service_call, session_id: int, who: tokens.Identity) -> dict:
    made = service_call("bookings", "POST", f"/sessions/{session_id}/bookings", who, json={})
    assert made.status_code in (200, 201), made.text
    return made.json()


def home_of(client, email: str):
    sign_in(client, email)
    page = client.get("/")
    assert page.status_code == 200, page.get_data(as_text=True)[:2000]
    return page


# ---------- staff ----------


def test_staff_see_their_next_sessions_places_queue_offers_hours_and_certificates(
        client, trust, session_of, service_call):
    a = trust["a"]
    tara = identity(trust["tara"], a, name="Tara Teacher")
    booked = session_of("Fractions in Year 4")
    full = session_of("Phonics refresher", capacity=1, starts=SOON + timedelta(days=1))
    book(service_call, booked, tara)
    book(service_call, full, identity(trust["theo"], a))
    book(service_call, full, tara)
    this, last = THIS_YEAR, LAST_YEAR
    [cert, *_] = attended([("Team Teach", NOW - timedelta(days=20), 90, trust["tara"], "Tara Teacher", a),
                           ("Writing moderation", term_day(last, 1), 180, trust["tara"], "Tara Teacher", a)])

    page = home_of(client, "tara@a.test")
    words = text(page)
    assert "Welcome, Tara Teacher" in words
    assert "Fractions in Year 4" in words and "Booked" in words
    assert "Phonics refresher" in words and "1st on the waiting list" in words
    # this year's hours against last year's, in figures and as the chart's table
    assert "This year (" + this + ") 1.5 h" in words and "Last year (" + last + ") 3 h" in words
    assert "My CPD hours by term" in words and "as a table" in words
    assert f'/certificates/{cert}.pdf' in page.get_data(as_text=True)
    assert "Team Teach" in words
    assert "Places offered to you" not in words
    # no leader section for a teacher
    assert "Book several staff" not in words and "waiting for your approval" not in words


def test_staff_see_offers_with_the_time_left_and_the_network_actions_they_own(client, trust, session_of,
                                                                              service_call):
    from services.bookings.bookings.models import Booking
    from services.bookings.db import database as bookings_db
    from services.networks.db import database as networks_db
    from services.networks.meetings.models import Action, Meeting
    from services.networks.networks.models import Membership, Network

    a = trust["a"]
    sid = session_of("Team Teach", capacity=1)
    book(service_call, sid, identity(trust["theo"], a))
    waiting = book(service_call, sid, identity(trust["tara"], a, name="Tara Teacher"))
    with bookings_db().session() as db:  # Theo cancelled and the place went to Tara, as the queue does
        offered = db.get(Booking, waiting["id"])
        # from this moment, not the module's NOW: the suite may have run for many minutes
        # since it was imported, and the page counts down from the real clock
        offered.status, offered.offer_expires_at = (BookingStatus.OFFERED, datetime.now(timezone.utc)
                                                    + timedelta(days=1, hours=3, minutes=5))
    with networks_db().session() as db:
        db.add_all([Network(id=1, name="Maths network", subject="Maths"),
                    Network(id=2, name="English network", subject="English")])
        db.flush()
        db.add_all([Membership(network_id=n, person_id=trust["tara"], name="Tara Teacher", email="tara@a.test",
                               school_id=a) for n in (1, 2)])
        met = Meeting(network_id=1, title="Autumn meeting", starts_at=NOW - timedelta(days=30),
                      ends_at=NOW - timedelta(days=30, hours=-2))
        db.add(met)
        db.flush()
        db.add_all([
            Action(meeting_id=met.id, network_id=1, description="Share the fluency starter", owner_id=trust["tara"],
                   owner_name="Tara Teacher", owner_email="tara@a.test", due_on=NOW.date() - timedelta(days=3)),
            Action(meeting_id=met.id, network_id=1, description="Trial the new scheme", owner_id=trust["theo"],
                   owner_name="Theo Two", owner_email="theo@a.test", due_on=NOW.date()),
            Action(meeting_id=met.id, network_id=1, description="Already done", owner_id=trust["tara"],
                   owner_name="Tara Teacher", owner_email="tara@a.test", done=True)])
    words = text(home_of(client, "tara@a.test"))
    assert "Places offered to you" in words
    assert "a place is yours if you accept it within 1 day 3 hours" in words
    assert "Overdue Share the fluency starter Maths network" in words
    assert "Trial the new scheme" not in words and "Already done" not in words  # others', and done


# ---------- school leaders ----------


def test_a_leader_sees_approvals_staff_cpd_and_each_persons_hours_sorted_with_who_has_none(
        client, trust, session_of, service_call):
    a = trust["a"]
    needs_ok = session_of("Safeguarding refresher", requires_approval=True)
    book(service_call, needs_ok, identity(trust["theo"], a, name="Theo Two"))
    plain = session_of("Fractions in Year 4", starts=SOON + timedelta(days=2))
    book(service_call, plain, identity(trust["tara"], a, name="Tara Teacher"))
    book(service_call, plain, identity(trust["ola"], trust["b"], name="Ola Other"))  # another school's
    attended([("Team Teach", term_day(THIS_YEAR, 0), 300, trust["tara"], "Tara Teacher", a),
              ("Phonics", term_day(THIS_YEAR, 0), 60, trust["theo"], "Theo Two", a),
              ("Phonics", term_day(LAST_YEAR, 2), 120, trust["theo"], "Theo Two", a),
              ("Oracy", term_day(THIS_YEAR, 0), 600, trust["ola"], "Ola Other", trust["b"])])

    page = home_of(client, "head@a.test")
    words = text(page)
    assert "Your CPD" in words and "School leader" in words  # both roles, both sections
    assert "Bookings waiting for your approval: 1" in words
    assert "Theo Two: Safeguarding refresher" in words
    assert "Tara Teacher Fractions in Year 4" in words
    assert "Ola Other" not in words  # another school's staff, bookings and hours stay theirs
    # Nina and Hannah have none this year: flagged, and counted
    assert "2 of 4 have no CPD recorded this year" in words
    table = re.search(r'<table class="govuk-table ll-table--stack" id="staff-hours-\d+">.*?</table>',
                      page.get_data(as_text=True), re.S).group(0)
    rows = [" ".join(re.sub(r"<[^>]+>", " ", r).split()) for r in re.findall(r"<tr class=\"govuk-table__row\">\s*<th scope=\"row\".*?</tr>", table, re.S)]
    assert [r.split(" ")[0] for r in rows] == ["Hannah", "Nina", "Tara", "Theo"]  # by name at first
    assert "Tara Teacher 5 h 0 h" in rows[2] and "Theo Two 1 h 2 h" in rows[3] and "None yet" in rows[1]
    assert 'aria-sort="ascending"' in table

    by_hours = client.get("/?sort=hours&order=descending").get_data(as_text=True)
    table = re.search(r'id="staff-hours-\d+">.*?</table>', by_hours, re.S).group(0)
    names = re.findall(r'<th scope="row" class="govuk-table__header" data-label="Name">(\w+)', table)
    assert names[:2] == ["Tara", "Theo"]
    assert re.search(r'aria-sort="descending">\s*<a class="govuk-link" href="/\?sort=hours&amp;order=ascending', table)
    # the term chart's text equivalent holds the school's hours in this autumn: 5 h + 1 h
    assert "staff&#39;s CPD hours by term" in by_hours or "staff's CPD hours by term" in by_hours
    assert re.search(r"Autumn</th>\s*<td[^>]*>6 h</td>", by_hours)


def test_a_teacher_has_no_leader_section_and_a_governor_only_theirs(client, trust):
    words = text(home_of(client, "tara@a.test"))
    assert "School leader" not in words and "Book several staff" not in words
    client.post("/sign-out", data={"csrf_token": _token(client)})
    words = text(home_of(client, "gwen@a.test"))
    assert "Governor CPD" in words and "Your CPD" not in words and "School leader" not in words


def _token(client) -> str:
    from tests.support.fixtures import csrf_token

    return csrf_token(client)


def test_a_leader_books_several_staff_at_once_and_hears_each_outcome(client, trust, session_of, service_call):
    from tests.support.fixtures import csrf_token

    a = trust["a"]
    sid = session_of("Writing moderation", capacity=2)
    book(service_call, sid, identity(trust["theo"], a, name="Theo Two"))  # already has a place
    sign_in(client, "head@a.test")
    form = client.get(f"/book-staff?school={a}")
    assert form.status_code == 200 and "Writing moderation" in text(form) and "Nina None" in text(form)
    sent = client.post("/book-staff", data={
        "csrf_token": csrf_token(client), "school": str(a), "sessionId": str(sid), "key": "k1",
        "staff": [str(trust["theo"]), str(trust["tara"]), str(trust["nina"]), str(trust["ola"])]})
    assert sent.status_code == 200, text(sent)[:2000]
    outcomes = dict(re.findall(r'<dt class="govuk-summary-list__key">([^<]+)</dt>\s*'
                               r'<dd class="govuk-summary-list__value">([^<]+)</dd>', sent.get_data(as_text=True)))
    assert outcomes["Theo Two"] == "Already booked"
    assert outcomes["Tara Teacher"] == "Booked"
    assert outcomes["Nina None"] == "On the waiting list, 1st"  # two places: Theo's and Tara's
    # another school's member of staff is refused by the bookings service, with its reason
    assert outcomes["Ola Other"] == "Not booked: You can book for staff of your own school only."
    assert "1 booked, 1 on the waiting list, 1 already booked, 1 not booked" in text(sent)
    on_session = service_call("bookings", "GET", f"/sessions/{sid}/bookings").json()["items"]
    assert sorted((b["attendee_name"], b["status"]) for b in on_session) == [
        ("Nina None", "WAITLISTED"), ("Tara Teacher", "CONFIRMED"), ("Theo Two", "CONFIRMED")]
    # the same form sent again books nobody twice
    again = client.post("/book-staff", data={"csrf_token": csrf_token(client), "school": str(a),
                                              "sessionId": str(sid), "key": "k1", "staff": [str(trust["tara"])]})
    assert "Already booked" in text(again)
    assert len(service_call("bookings", "GET", f"/sessions/{sid}/bookings").json()["items"]) == 3


def test_bulk_booking_refuses_a_form_without_a_session_or_staff_and_other_schools(client, trust, session_of):
    from tests.support.fixtures import csrf_token

    sign_in(client, "head@a.test")
    empty = client.post("/book-staff", data={"csrf_token": csrf_token(client), "school": str(trust["a"])})
    assert empty.status_code == 422
    words = text(empty)
    assert "Choose the session to book them onto." in words and "Tick at least one member of staff" in words
    # a school the leader does not lead
    assert client.get(f"/book-staff?school={trust['b']}").status_code == 403
    client.post("/sign-out", data={"csrf_token": csrf_token(client)})
    sign_in(client, "tara@a.test")
    assert client.get("/book-staff").status_code == 403


# ---------- governors, SIPs and external bookers ----------


def test_a_governor_sees_governor_cpd_with_dates_and_where_to_book(client, trust, session_of, make_course, schedule):
    gov = make_course(title="Safeguarding for governors", audiences=["GOVERNOR"], subject="Governance")
    teach = make_course(title="Fractions in Year 4")
    for course in (gov, teach):
        made = schedule("POST", "/sessions", json={
            "course_id": course["id"], "starts_at": SOON.isoformat(), "ends_at": (SOON + timedelta(hours=2)).isoformat(),
            "venue": None, "online_url": "https://meet.test/x", "capacity": 20, "external_places": 0,
            "requires_approval": False})
        assert made.status_code == 201, made.text
    gov_session = made.json()["id"] - 1
    page = home_of(client, "gwen@a.test")
    words = text(page)
    assert "Governor CPD" in words
    assert "Book Safeguarding for governors" in words and "Online" in words and "20 left" in words
    assert SOON.astimezone(LONDON).strftime("%-d %b %Y") in words
    assert "Fractions in Year 4" not in words  # not for governors
    assert f'href="/sessions/{gov_session}"' in page.get_data(as_text=True)


@pytest.mark.parametrize("email, heading, later", [
    ("sip@trust.test", "My schools", "Nothing due from you"),
    ("bursar@external.test", "Booking for your school", "they come with payments"),
])
def test_sips_and_external_bookers_see_what_they_can_do_today(client, trust, email, heading, later):
    page = home_of(client, email)
    words = text(page)
    assert heading in words and later in words
    assert 'href="/courses"' in page.get_data(as_text=True) or "browse the course" in words


# ---------- what a home page costs ----------


def _grow(trust, service_call, session_of, n: int) -> None:
    """n more sessions with the teacher and the other staff booked, and n attended."""
    a = trust["a"]
    for i in range(n):
        sid = session_of(f"Course {i}", starts=SOON + timedelta(days=i % 20, hours=i // 20))
        for who in ("tara", "theo", "nina"):
            book(service_call, sid, identity(trust[who], a))
    attended([(f"Past {i}", NOW - timedelta(days=1 + i), 60, trust[who], who.title(), a)
              for i in range(n) for who in ("tara", "theo")])


@pytest.mark.parametrize("email", ["tara@a.test", "head@a.test", "gwen@a.test"])
def test_a_home_page_costs_the_same_calls_however_many_bookings(gateway_app, client, trust, session_of,
                                                                service_call, email):
    sign_in(client, email)
    seen = []
    for n in (2, 12):
        _grow(trust, service_call, session_of, n)
        with count_backend_calls(gateway_app) as calls:
            assert client.get("/").status_code == 200
        seen.append(calls)
    assert seen[0] == seen[1], seen
    assert len(seen[0]) <= 12


# ---------- My CPD ----------


def test_my_cpd_shows_hours_by_term_this_year_against_last_with_a_text_equivalent(client, trust):
    a = trust["a"]
    attended([("Team Teach", term_day(THIS_YEAR, 0), 90, trust["tara"], "Tara Teacher", a),
              ("Oracy", term_day(LAST_YEAR, 1), 120, trust["tara"], "Tara Teacher", a),
              ("Phonics", term_day(LAST_YEAR, 2), 60, trust["tara"], "Tara Teacher", a),
              ("Someone else's", term_day(THIS_YEAR, 0), 600, trust["theo"], "Theo Two", a)])
    sign_in(client, "tara@a.test")
    page = client.get("/my-cpd")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"My CPD hours by term, {THIS_YEAR} and {LAST_YEAR}" in html
    assert re.search(r'<img src="data:image/svg\+xml;base64,[^"]+" alt="My CPD hours by term[^"]*Autumn '
                     + THIS_YEAR + r' 1.5 h', html)
    table = re.search(r"as a table.*?</table>", html, re.S).group(0)
    cells = [" ".join(re.sub(r"<[^>]+>", " ", r).split()) for r in re.findall(r"<tr.*?</tr>", table, re.S)]
    assert cells == [f"Term {THIS_YEAR} {LAST_YEAR}", "Autumn 1.5 h 0 h", "Spring 0 h 2 h", "Summer 0 h 1 h"]
    # the year picker moves both years back
    older = client.get(f"/my-cpd?year={LAST_YEAR}").get_data(as_text=True)
    assert f"My CPD hours by term, {LAST_YEAR} and " in older
