"""The catalogue as people find and book from it: cards with the next date, the places
they could book and (outside the trust) the price; the first result a few Tab presses
from the top; a course's dates with where the person stands on each; every page
axe-clean and reflowing at phone and tablet widths, without JavaScript too."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import Page, expect

from shared import tokens
from shared.clock import LONDON
from tests.browser.support import axe_violations, problems_at_widths, sign_in_with_provider
from tests.support.counting import count_backend_calls

pytestmark = pytest.mark.browser

SOON = datetime.now(timezone.utc).replace(second=0, microsecond=0) + timedelta(days=30)


def shown(moment: datetime) -> str:
    """A time as the pages write it (UK time)."""
    return moment.astimezone(LONDON).strftime("%a %-d %b %Y, %H:%M")


@pytest.fixture
def school(make_school):
    return make_school(name="Saltmarsh Primary")


@pytest.fixture
def staff(make_person, school):
    """Make a member of Saltmarsh's staff; their identity as the gateway signs it."""
    def _make(email: str, name: str) -> tokens.Identity:
        pid = make_person(email, name, roles=[("staff", school)], school_id=school)
        return tokens.Identity(subject=str(pid), name=name, email=email, school_id=school,
                               grants=(tokens.Grant("staff", school_id=school),))
    return _make


@pytest.fixture
def add_session(service_call):
    def _add(course_id: int, starts: datetime, capacity: int = 20, external: int = 0, venue: str | None = "Hall",
             approval: bool = False) -> int:
        response = service_call("bookings", "POST", "/sessions", json={
            "course_id": course_id, "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat(),
            "venue": venue, "online_url": None if venue else "https://meet.example.test/x", "capacity": capacity,
            "external_places": external, "requires_approval": approval})
        assert response.status_code == 201, response.text
        return response.json()["id"]
    return _add


@pytest.fixture
def book(service_call):
    def _book(session_id: int, who: tokens.Identity) -> dict:
        response = service_call("bookings", "POST", f"/sessions/{session_id}/bookings", who, json={})
        assert response.status_code == 201, response.text
        return response.json()
    return _book


@pytest.fixture
def phonics(make_course, add_session):
    """A public course sold to other schools: 20 places, 5 of them theirs, on each of
    two dates."""
    course = make_course(title="Unlocking Letters and Sounds", subject="Phonics", visibility="PUBLIC",
                         phases=["EYFS", "KS1"], external_price_pence=12500, summary="Systematic synthetic phonics.")
    sessions = [add_session(course["id"], SOON, capacity=20, external=5, venue="Saltmarsh Primary hall"),
                add_session(course["id"], SOON + timedelta(days=14), capacity=20, external=5)]
    return {**course, "sessions": sessions}


def card(page: Page, title: str):
    return page.get_by_role("listitem").filter(has=page.get_by_role("link", name=title))


def fact(scope, key: str):
    return scope.locator(f"dt:text-is('{key}') + dd")


def test_a_card_shows_the_next_date_the_places_a_teacher_can_book_and_no_price(page: Page, phonics, staff,
                                                                               make_course):
    staff("teacher@lighthouse.test", "Tara Teacher")
    make_course(title="Writing moderation: Year 6", subject="English", phases=["KS2"], delivery_mode="ONLINE")
    page.goto("/")
    sign_in_with_provider(page, "teacher@lighthouse.test")
    page.get_by_role("link", name="Courses").click()
    expect(page.get_by_role("status")).to_have_text("2 courses")

    phonics_card = card(page, "Unlocking Letters and Sounds")
    expect(fact(phonics_card, "Next date")).to_have_text(f"{shown(SOON)} (and 1 more)")
    # the trust's 15 places, not the 5 set aside for other schools
    expect(fact(phonics_card, "Places left")).to_have_text("15 places left")
    expect(fact(phonics_card, "Delivery")).to_have_text("In person, Saltmarsh Primary hall · 1 h 30 min")
    expect(phonics_card.get_by_text("£125.00")).to_have_count(0)  # staff do not pay

    writing = card(page, "Writing moderation: Year 6")
    expect(fact(writing, "Next date")).to_have_text("No dates yet")
    expect(fact(writing, "Places left")).to_have_count(0)
    expect(fact(writing, "Delivery")).to_have_text("Online · 1 h 30 min")
    expect(writing.get_by_text("Trust only")).to_be_visible()
    assert axe_violations(page) == []


def test_a_visitor_sees_the_price_and_the_places_for_other_schools_and_no_trust_course(page: Page, phonics,
                                                                                       make_course, add_session):
    trust_only = make_course(title="White Rose Maths: fractions in KS2", visibility="TRUST")
    add_session(trust_only["id"], SOON)
    page.goto("/courses")
    expect(page.get_by_role("status")).to_have_text("1 course")
    phonics_card = card(page, "Unlocking Letters and Sounds")
    expect(fact(phonics_card, "Price")).to_have_text("£125.00 a place")
    expect(fact(phonics_card, "Places left")).to_have_text("5 places left for other schools")
    expect(page.get_by_text("White Rose Maths")).to_have_count(0)
    assert axe_violations(page) == []


def test_an_external_booker_sees_the_price_and_the_places_they_could_buy(page: Page, phonics, make_person):
    make_person("buyer@otherschool.test", "Bea Buyer", roles=[("external_booker",)])
    page.goto("/")
    sign_in_with_provider(page, "buyer@otherschool.test")
    page.goto("/courses")
    phonics_card = card(page, "Unlocking Letters and Sounds")
    expect(fact(phonics_card, "Price")).to_have_text("£125.00 a place")
    expect(fact(phonics_card, "Places left")).to_have_text("5 places left for other schools")
    page.goto("/courses/unlocking-letters-and-sounds")
    expect(page.get_by_role("table").locator("[data-label='Places left']").first).to_have_text(
        "5 places left for other schools")


def test_a_full_date_says_so_and_a_cancelled_one_is_not_the_next(page: Page, make_course, add_session, staff, book,
                                                                 service_call):
    tara = staff("teacher@lighthouse.test", "Tara Teacher")
    course = make_course(title="Team Teach Level 1")
    cancelled = add_session(course["id"], SOON - timedelta(days=7))
    assert service_call("bookings", "POST", f"/sessions/{cancelled}/cancel",
                        json={"reason": "Trainer unwell"}).status_code == 200
    book(add_session(course["id"], SOON, capacity=1), tara)
    page.goto("/")
    sign_in_with_provider(page, "teacher@lighthouse.test")
    page.goto("/courses")
    team_teach = card(page, "Team Teach Level 1")
    expect(fact(team_teach, "Next date")).to_have_text(shown(SOON))
    expect(fact(team_teach, "Places left")).to_have_text("Full — join the waiting list")


def test_the_first_result_is_a_few_tab_presses_from_the_top(page: Page, phonics, make_course, staff):
    staff("teacher@lighthouse.test", "Tara Teacher")
    for n in range(3):
        make_course(title=f"Early reading {n}", subject="Phonics", visibility="PUBLIC")

    def presses_to_first_result() -> int:
        first = page.locator(".ll-card__title a").first
        for presses in range(1, 60):
            page.keyboard.press("Tab")
            if first.evaluate("el => el === document.activeElement"):
                return presses
        raise AssertionError("the first result never took the focus")

    page.goto("/courses")
    visitor = presses_to_first_result()
    page.goto("/")
    sign_in_with_provider(page, "teacher@lighthouse.test")
    page.goto("/courses")
    teacher = presses_to_first_result()
    # skip link, logo, 4 or 5 header links, sign in/out, search box, Search, Filter: 11
    # and 12 today (a link or two of margin for the header); it was 84 when every
    # filter came first
    assert visitor <= 13 and teacher <= 14, (visitor, teacher)
    # the filters are there, folded: opened they take the Tab presses, shut they do not
    page.get_by_text("Filter", exact=True).click()
    expect(page.get_by_label("Subject")).to_be_visible()


def test_filters_work_without_javascript_and_stay_open_when_chosen(browser, gateway_server, phonics, make_course):
    make_course(title="Maths mastery", subject="Maths", visibility="PUBLIC")
    context = browser.new_context(base_url=gateway_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/courses?q=")
    expect(page.get_by_role("status")).to_have_text("2 courses")
    page.get_by_text("Filter", exact=True).click()  # a <details>: no script needed
    page.get_by_label("Subject").select_option("Maths")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("status")).to_have_text("1 course")
    expect(page.get_by_role("link", name="Maths mastery")).to_be_visible()
    # what narrows the list is in sight, and can be undone
    expect(page.get_by_text("Filter (1 chosen)")).to_be_visible()
    expect(page.get_by_label("Subject")).to_be_visible()
    page.get_by_role("link", name="Clear filters").click()
    expect(page.get_by_role("status")).to_have_text("2 courses")
    context.close()


def test_a_course_page_shows_each_date_with_my_own_place_on_it(page: Page, make_course, add_session, staff, book,
                                                               service_call):
    tara = staff("teacher@lighthouse.test", "Tara Teacher")
    others = [staff(f"other{n}@lighthouse.test", f"Other {n}") for n in range(4)]
    course = make_course(title="NPQ Leading Literacy")
    days = [SOON + timedelta(days=d) for d in range(5)]
    booked, full, approval, offered, free = (add_session(course["id"], days[0]),
                                             add_session(course["id"], days[1], capacity=1),
                                             add_session(course["id"], days[2], approval=True),
                                             add_session(course["id"], days[3], capacity=1),
                                             add_session(course["id"], days[4], capacity=3))
    book(booked, tara)
    for who in others[:3]:  # one place, two already waiting: Tara is third in the queue
        book(full, who)
    book(full, tara)
    book(approval, tara)
    first = book(offered, others[3])
    book(offered, tara)
    assert service_call("bookings", "POST", f"/bookings/{first['id']}/cancel", others[3]).status_code == 200

    page.goto("/")
    sign_in_with_provider(page, "teacher@lighthouse.test")
    page.goto("/courses/npq-leading-literacy")
    rows = page.get_by_role("table", name="Dates of NPQ Leading Literacy").get_by_role("row")
    expect(rows).to_have_count(6)  # a header and five dates

    def row(day: datetime):
        return rows.filter(has=page.get_by_role("link", name=shown(day), exact=True))

    expect(row(days[0]).locator("[data-label='Your place']")).to_have_text("Booked")
    expect(row(days[1]).locator("[data-label='Places left']")).to_have_text("Full · 3 waiting")
    expect(row(days[1]).locator("[data-label='Your place']")).to_have_text("Waiting list: 3rd")
    expect(row(days[2]).locator("[data-label='Your place']")).to_have_text("Pending approval")
    expect(row(days[3]).locator("[data-label='Your place']")).to_contain_text("Place offered Accept by")
    expect(row(days[4]).locator("[data-label='Places left']")).to_have_text("3 places left")
    free_date = row(days[4]).get_by_role("link", name=f"Book a place on {shown(days[4])}")
    assert axe_violations(page) == []
    free_date.click()
    expect(page.get_by_role("button", name="Book a place")).to_be_visible()
    assert free != booked


def test_a_visitor_sees_a_course_s_dates_without_their_own_column(page: Page, phonics):
    page.goto("/courses/unlocking-letters-and-sounds")
    table = page.get_by_role("table", name="Dates of Unlocking Letters and Sounds")
    expect(table.get_by_role("columnheader")).to_have_text(["Date", "Where", "Places left"])
    expect(table.locator("[data-label='Places left']").first).to_have_text("5 places left for other schools")


def test_an_admin_adds_a_course_from_courses_and_keeps_the_session_and_edit_links(page: Page, make_person, phonics):
    make_person("ll.admin@lighthouse.test", "Alex Admin", roles=[("ll_admin",)])
    page.goto("/")
    sign_in_with_provider(page, "ll.admin@lighthouse.test")
    page.goto("/courses")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="New course")).to_have_count(0)
    page.get_by_role("link", name="Add a course").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New course")
    page.goto("/courses/unlocking-letters-and-sounds")
    expect(page.get_by_role("link", name="Edit this course")).to_be_visible()
    expect(page.get_by_role("link", name="Schedule a session")).to_be_visible()


def test_a_teacher_does_not_see_add_a_course(page: Page, staff):
    staff("teacher@lighthouse.test", "Tara Teacher")
    page.goto("/")
    sign_in_with_provider(page, "teacher@lighthouse.test")
    page.goto("/courses")
    expect(page.get_by_role("link", name="Add a course")).to_have_count(0)
    assert page.goto("/admin/courses/new").status == 403


def test_the_catalogue_s_pages_reflow_on_phones_and_tablets(page: Page, phonics, make_person, staff, book):
    tara = staff("teacher@lighthouse.test", "Tara Teacher")
    make_person("ll.admin@lighthouse.test", "Alex Admin", roles=[("ll_admin",)])
    assert problems_at_widths(page, "/courses") == []
    assert problems_at_widths(page, "/courses?subject=Phonics") == []  # the filters open
    book(phonics["sessions"][0], tara)
    page.goto("/")
    sign_in_with_provider(page, "teacher@lighthouse.test")
    # signed in, the dates table has a column more: where the person stands on each
    assert problems_at_widths(page, "/courses/unlocking-letters-and-sounds") == []
    page.context.clear_cookies()
    page.goto("/")
    sign_in_with_provider(page, "ll.admin@lighthouse.test")
    assert problems_at_widths(page, "/courses") == []
    assert problems_at_widths(page, "/admin/courses/new") == []
    assert problems_at_widths(page, "/admin/courses/unlocking-letters-and-sounds/edit") == []
    # with every problem shown at once
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto("/admin/courses/new")
    page.get_by_role("button", name="Save course").click()
    expect(page.get_by_role("alert")).to_contain_text("The course was not saved")
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert axe_violations(page) == []


def test_the_catalogue_costs_the_same_calls_for_2_courses_as_for_12(page: Page, gateway_app, make_course,
                                                                     add_session, staff, book):
    tara = staff("teacher@lighthouse.test", "Tara Teacher")
    page.goto("/")
    sign_in_with_provider(page, "teacher@lighthouse.test")

    def calls(n: int) -> list:
        for i in range(n):
            course = make_course(title=f"Course {n}-{i}")
            for d in range(2):
                book(add_session(course["id"], SOON + timedelta(days=d)), tara)
        with count_backend_calls(gateway_app) as made:
            page.goto("/courses")
        expect(page.get_by_role("status")).to_contain_text("courses")
        return sorted(made)

    few = calls(2)
    many = calls(10)
    assert few == many
    assert ("bookings", "GET", "/sessions") in few  # the dates, for every card at once


def test_a_course_page_costs_the_same_calls_for_2_dates_as_for_8(page: Page, gateway_app, make_course, add_session,
                                                                  staff, book):
    tara = staff("teacher@lighthouse.test", "Tara Teacher")
    course = make_course(title="Team Teach Level 1")
    page.goto("/")
    sign_in_with_provider(page, "teacher@lighthouse.test")
    counted = []
    for n in (2, 6):  # 2 dates, then 8
        for d in range(n):
            book(add_session(course["id"], SOON + timedelta(days=len(counted) * 10 + d)), tara)
        with count_backend_calls(gateway_app) as made:
            page.goto("/courses/team-teach-level-1")
        expect(page.get_by_text("Booked", exact=True)).to_have_count(2 if not counted else 8)
        counted.append(sorted(made))
    assert counted[0] == counted[1]
    assert ("bookings", "GET", "/bookings/mine") in counted[0]  # my place on every date at once
