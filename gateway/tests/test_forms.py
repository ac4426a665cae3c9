"""Forms on the pages: every problem at once, in plain English, beside its field and
linked from the summary, with what was typed kept — and nothing saved."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from services.networks.tests.test_networks_api import add
from shared.clock import LONDON
from tests.support.fixtures import csrf_token, gql, sign_in
from tests.support.html import Page

# pydantic's and graphql-core's own wording, which no person should ever read
LIBRARY_WORDS = ("should have at least", "Value error", "after validation", "Input should", "Variable '$",
                 "valid integer", "String should")


def post(client, url: str, data: dict) -> tuple[int, Page]:
    response = client.post(url, data={"csrf_token": csrf_token(client), **data})
    body = response.get_data(as_text=True)
    for words in LIBRARY_WORDS:
        assert words not in body, f"library wording on the page: {words}"
    return response.status_code, Page(body)


@pytest.fixture
def admin(client, make_person):
    make_person("admin@trust.test", "Alex Admin", roles=[("ll_admin",)])
    sign_in(client, "admin@trust.test")
    return client


def courses_saved() -> int:
    from sqlmodel import func, select

    from services.catalogue.courses.models import Course
    from services.catalogue.db import database

    with database().session() as db:
        return db.exec(select(func.count()).select_from(Course)).one()


def test_an_empty_course_form_says_everything_that_is_missing_beside_each_field(admin):
    status, page = post(admin, "/admin/courses/new", {"title": "", "summary": "", "description": "", "subject": "",
                                                     "provider": "", "durationMinutes": "", "externalPrice": ""})
    assert status == 422
    summary = page.error_summary()
    linked = [href for href, _ in summary]
    # every problem, in the order the fields stand, each linked to its field
    assert linked == ["#title", "#summary", "#description", "#subject", "#provider", "#phases", "#audiences",
                      "#durationMinutes"]
    assert page.field_error("title") == "Enter at least 3 characters."
    assert page.field_error("summary") == "This cannot be blank."
    assert page.field_error("phases") == "Choose at least one."
    assert page.field_error("durationMinutes") == "Enter the length in whole minutes, for example 90."
    assert [message for _, message in summary][0] == "Enter at least 3 characters."
    assert page.by_id("error-summary-title").words == "The course was not saved"
    assert courses_saved() == 0


def test_a_course_form_with_a_bad_number_still_checks_the_rest_and_keeps_what_was_typed(admin):
    status, page = post(admin, "/admin/courses/new", {
        "title": "Team Teach Level 1", "summary": "De-escalation.", "description": "A day.", "subject": "Behaviour",
        "provider": "Team Teach", "phases": ["KS2"], "audiences": [], "durationMinutes": "ninety",
        "externalPrice": "lots", "status": "PUBLISHED"})
    assert status == 422
    assert {href for href, _ in page.error_summary()} == {"#audiences", "#durationMinutes", "#externalPricePence"}
    assert page.field_error("externalPricePence") == "Enter a price in pounds, for example 95 or 95.50."
    assert page.value("title") == "Team Teach Level 1"
    assert page.value("durationMinutes") == "ninety"
    assert page.value("externalPricePence") == "lots"
    assert page.value("status") == "PUBLISHED"
    assert courses_saved() == 0  # only checked, while the form itself had problems


def test_a_5000_character_title_is_refused_with_a_message_not_cut_short(admin, make_course):
    status, page = post(admin, "/admin/courses/new", {
        "title": "T" * 5000, "summary": "S", "description": "D", "subject": "Maths", "provider": "LL",
        "phases": ["KS2"], "audiences": ["TEACHER"], "durationMinutes": "60", "status": "DRAFT"})
    assert status == 422
    assert page.field_error("title") == "Use 200 characters or fewer (this has 5,000)."
    assert len(page.value("title")) == 5000
    assert courses_saved() == 0


def next_weekday(days_ahead: int) -> date:
    day = datetime.now(LONDON).date() + timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def sessions_of(course_id: int) -> int:
    from sqlmodel import func, select

    from services.bookings.db import database
    from services.bookings.sessions.models import CourseSession

    with database().session() as db:
        return db.exec(select(func.count()).select_from(CourseSession)
                       .where(CourseSession.course_id == course_id)).one()


def session_form(day: date, **overrides) -> dict:
    data = {"startsAt": f"{day}T15:45", "endsAt": f"{day}T17:15", "venue": "Ashby Primary", "onlineUrl": "",
            "capacity": "30", "externalPlaces": "0", "bookingClosesAt": "", "cancellationDeadline": ""}
    data.update(overrides)
    return data


def test_the_session_form_shows_every_problem_at_once(admin, make_course):
    course = make_course(title="Phonics refresher")
    day = next_weekday(14)
    status, page = post(admin, f"/admin/courses/{course['slug']}/sessions/new", session_form(
        day, endsAt="", capacity="thirty", onlineUrl="http://meet.example/x", bookingClosesAt="soon"))
    assert status == 422
    assert [href for href, _ in page.error_summary()] == ["#endsAt", "#onlineUrl", "#capacity", "#bookingClosesAt"]
    assert page.field_error("endsAt") == "Enter the end."
    assert page.field_error("capacity") == "Enter the number of places as a whole number."
    assert page.field_error("onlineUrl").startswith("Enter a web address that starts with https://")
    assert page.value("capacity") == "thirty" and page.value("bookingClosesAt") == "soon"
    assert sessions_of(course["id"]) == 0

    backwards = post(admin, f"/admin/courses/{course['slug']}/sessions/new",
                     session_form(day, endsAt=f"{day}T14:00", venue=""))[1]
    assert backwards.field_error("endsAt") == "The session must end after it starts."
    assert backwards.field_error("venue") == "Give a venue, an online link, or both."
    assert sessions_of(course["id"]) == 0


def test_a_session_cannot_start_in_the_past(admin, make_course):
    course = make_course(title="Phonics refresher")
    # the last weekday before today (a past Saturday would be refused as no school day too)
    yesterday = datetime.now(LONDON).date() - timedelta(days=1)
    while yesterday.weekday() >= 5:
        yesterday -= timedelta(days=1)
    status, page = post(admin, f"/admin/courses/{course['slug']}/sessions/new", session_form(yesterday))
    assert status == 422
    assert page.field_error("startsAt") == "That time has passed; choose a time in the future."
    assert sessions_of(course["id"]) == 0


def test_a_session_out_of_term_asks_for_confirmation(admin, make_course):
    from services.networks.db import database
    from services.networks.terms.seed import seed_calendar

    with database().session() as db:
        seed_calendar(db)
    course = make_course(title="Phonics refresher")
    christmas = date(datetime.now(LONDON).year + 1, 12, 25)
    url = f"/admin/courses/{course['slug']}/sessions/new"
    status, page = post(admin, url, session_form(christmas, capacity="x"))
    assert status == 422
    assert page.field_error("startsAt") == (f"{christmas:%A %-d %B %Y} is not a school day (a weekend, holiday, "
                                            "half term or INSET day). Confirm to hold it anyway.")
    assert page.field_error("capacity") == "Enter the number of places as a whole number."
    assert sessions_of(course["id"]) == 0
    done = admin.post(url, data={"csrf_token": csrf_token(admin), **session_form(christmas), "outsideTerm": "yes"})
    assert done.status_code == 302
    assert sessions_of(course["id"]) == 1


def test_the_meeting_form_shows_every_problem_and_keeps_what_was_typed(client, make_school, make_person,
                                                                       service_call):
    network = {"id": add("Maths network")[0]}
    school = make_school()
    make_person("lead@a.test", "Lena Lead", roles=[("staff", school), ("network_lead", None, network["id"])],
                school_id=school)
    sign_in(client, "lead@a.test")
    day = next_weekday(20)
    url = f"/networks/{network['id']}/meetings/new"
    status, page = post(client, url, {"title": "", "startsAt": f"{day}T16:00", "endsAt": f"{day}T15:00",
                                      "venue": "", "onlineUrl": "", "agenda": "Welcome"})
    assert status == 422
    assert [href for href, _ in page.error_summary()] == ["#title", "#endsAt", "#venue"]
    assert page.field_error("endsAt") == "The meeting must end after it starts."
    assert page.value("startsAt") == f"{day}T16:00" and page.value("agenda") == "Welcome"
    status, page = post(client, url, {"title": "Autumn", "startsAt": f"{day}T16:00", "endsAt": f"{day}T17:00",
                                      "venue": "Ashby", "onlineUrl": "zoom", "agenda": "Welcome\n" + "A" * 300})
    assert [href for href, _ in page.error_summary()] == ["#onlineUrl", "#agenda"]
    assert page.field_error("agenda") == "Use 200 characters or fewer (this has 300)."
    assert page.value("agenda").endswith("A" * 300)
    meetings = service_call("networks", "GET", f"/meetings?network_ids={network['id']}").json()["items"]
    assert meetings == []


# ---------- people and roles ----------


@pytest.fixture
def networks():
    names = ("Maths network", "English network")
    return dict(zip(names, add(*names)))


def test_roles_are_granted_to_real_networks_chosen_by_name(admin, networks, make_person):
    tara = make_person("tara@a.test", "Tara Teacher")
    page = Page(admin.get("/admin/people?q=tara").get_data(as_text=True))
    choices = [o.words for o in page.all(lambda e: e.tag == "option") if e_parent_is(page, o, f"network-{tara}")]
    assert "Maths network" in choices and "English network" in choices
    status, page = post(admin, "/admin/people", {"action": "grant", "personId": str(tara), "role": "NETWORK_LEAD",
                                                 "networkId": "999", "q": "tara"})
    assert status == 422
    assert page.field_error(f"network-{tara}") == "There is no such network; choose one of the trust's networks."
    assert "Role granted" not in page.text()
    assert gql(admin, "{ people(search: \"tara\") { edges { node { roles { role } } } } }")[
        "data"]["people"]["edges"][0]["node"]["roles"] == []

    status, page = post(admin, "/admin/people", {"action": "grant", "personId": str(tara), "role": "NETWORK_LEAD",
                                                 "networkId": str(networks["Maths network"]), "q": "tara"})
    assert status == 200 and "Role granted to Tara Teacher." in page.text()
    assert "Network lead · Maths network" in page.text()


def e_parent_is(page: Page, option, select_id: str) -> bool:
    select = page.by_id(select_id)
    return select is not None and option in select.children


def test_home_names_the_network_a_lead_leads(client, networks, make_person):
    make_person("lead@a.test", "Lena Lead", roles=[("network_lead", None, networks["English network"])])
    sign_in(client, "lead@a.test")
    home = Page(client.get("/").get_data(as_text=True)).text()
    assert "Network lead · English network" in home and "· network " not in home


def test_people_come_a_page_at_a_time_and_a_role_is_removed_only_once_confirmed(admin, make_school, make_person):
    school = make_school(name="Ashby Primary")
    for i in range(30):
        make_person(f"p{i:02d}@a.test", f"Person {i:02d}", roles=[("staff", school)], school_id=school)
    first = Page(admin.get("/admin/people").get_data(as_text=True))
    assert "31 people" in first.text()  # the admin too
    def listed(page):  # each person is a summary card titled with their name
        return page.all(lambda e: "govuk-summary-card__title" in e.attrs.get("class", "").split())

    assert len(listed(first)) == 25
    more = [a for a in first.all(lambda e: e.tag == "a") if "Next page" in a.words]
    second = Page(admin.get(more[0].attrs["href"]).get_data(as_text=True))
    assert len(listed(second)) == 6
    found = Page(admin.get("/admin/people?q=person 07").get_data(as_text=True))
    assert "1 person matching “person 07”" in found.text()

    grant = gql(admin, '{ people(search: "p07@") { edges { node { id roles { id } } } } }')[
        "data"]["people"]["edges"][0]["node"]
    asked = post(admin, "/admin/people", {"action": "revoke", "grantId": grant["roles"][0]["id"],
                                          "personId": grant["id"], "q": "p07@"})[1]
    assert "Remove Staff · Ashby Primary from Person 07?" in asked.text()
    still = gql(admin, '{ people(search: "p07@") { edges { node { roles { id } } } } }')["data"]["people"]
    assert len(still["edges"][0]["node"]["roles"]) == 1
    done = post(admin, "/admin/people", {"action": "revoke", "grantId": grant["roles"][0]["id"],
                                         "personId": grant["id"], "confirmed": "yes", "q": "p07@"})[1]
    assert "Role removed from Person 07." in done.text()
    gone = gql(admin, '{ people(search: "p07@") { edges { node { roles { id } } } } }')["data"]["people"]
    assert gone["edges"][0]["node"]["roles"] == []


# ---------- networks ----------


def test_a_failed_add_keeps_the_email_and_claims_nothing(client, networks, make_school, make_person):
    maths = networks["Maths network"]
    school = make_school()
    make_person("lead@a.test", "Lena Lead", roles=[("staff", school), ("network_lead", None, maths)], school_id=school)
    make_person("tara@a.test", "Tara Teacher", roles=[("staff", school)], school_id=school)
    sign_in(client, "lead@a.test")
    url = f"/networks/{maths}"
    added = client.post(url, data={"csrf_token": csrf_token(client), "email": "tara@a.test", "role": "MEMBER"})
    assert added.status_code == 302
    then = added.headers["Location"]
    # the next add is posted from the page that says "Tara Teacher added."
    status, page = post(client, then, {"email": "tara@a.test", "role": "LEAD"})
    assert status == 409
    assert "Tara Teacher added." not in page.text()
    assert "already a member" in " ".join(m for _, m in page.error_summary())
    assert page.value("email") == "tara@a.test"
    status, page = post(client, then, {"email": "nobody@a.test", "role": "MEMBER"})
    assert page.field_error("email") == "Nobody with the email nobody@a.test has signed in yet; check the address."


def test_a_school_that_joined_today_has_missed_nothing(client, networks, make_school, make_person, service_call):
    import time_machine

    maths = networks["Maths network"]
    a, b = make_school(name="Ashby Primary"), make_school(name="Brook Academy")
    lead = make_person("lead@a.test", "Lena Lead", roles=[("staff", a), ("network_lead", None, maths)], school_id=a)
    newcomer = make_person("new@b.test", "Nia New", roles=[("staff", b)], school_id=b)
    now = datetime.now(timezone.utc)
    with time_machine.travel(now - timedelta(weeks=10)):  # Ashby has been in the network all along
        service_call("networks", "POST", f"/networks/{maths}/members", json={
            "person_id": lead, "name": "Lena Lead", "email": "lead@a.test", "school_id": a})
    for weeks in (8, 5, 2):  # three meetings held, before Brook joined
        start = now - timedelta(weeks=weeks)
        with time_machine.travel(start - timedelta(days=7)):
            meeting = service_call("networks", "POST", "/meetings", json={
                "network_id": maths, "title": f"Meeting {weeks}", "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(hours=1)).isoformat(), "venue": "Ashby", "outside_term_confirmed": True})
            assert meeting.status_code == 201, meeting.text
        recorded = service_call("networks", "POST", f"/meetings/{meeting.json()['id']}/minutes", json={
            "minutes": "Done.", "attendee_ids": [], "actions": []})
        assert recorded.status_code == 200, recorded.text
    service_call("networks", "POST", f"/networks/{maths}/members", json={
        "person_id": newcomer, "name": "Nia New", "email": "new@b.test", "school_id": b})
    sign_in(client, "lead@a.test")
    page = Page(client.get(f"/networks/{maths}").get_data(as_text=True)).text()
    assert "Joined since the last meeting: Brook Academy." in page
    assert "Missed two meetings or more: Ashby Primary (came to 0 of 3)." in page
    # the chart's text equivalent: Ashby attended none and missed three; Brook is not counted
    assert "Ashby Primary 0 3" in page and "Brook Academy 0" not in page


# ---------- who may use which page ----------


def test_approvals_is_for_people_who_approve(client, make_school, make_person):
    school = make_school()
    make_person("tara@a.test", "Tara Teacher", roles=[("staff", school)], school_id=school)
    sign_in(client, "tara@a.test")
    response = client.get("/approvals")
    assert response.status_code == 403
    assert "approved here by the school leaders" in response.get_data(as_text=True)
