"""The sessions, bookings and My school pages in a real browser: the month calendar's
closed days and my own places (an agenda on a phone), My school's filters, exports and
each person's record, and every page reflowing without sideways scrolling at phone and
tablet widths with no axe-core violations."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from shared import tokens
from tests.browser.support import problems_at_widths, sign_in_with_provider

pytestmark = pytest.mark.browser

# An academic year of its own, far enough ahead that no other test's dates fall in it.
YEAR = "2030-31"
TERMS = [
    {"name": "AUTUMN", "starts_on": "2030-09-02", "ends_on": "2030-12-20", "half_term_starts_on": "2030-10-28",
     "half_term_ends_on": "2030-11-01", "closures": [{"on": "2030-10-14", "kind": "INSET", "note": "Training"}]},
    {"name": "SPRING", "starts_on": "2031-01-06", "ends_on": "2031-03-28", "half_term_starts_on": "2031-02-17",
     "half_term_ends_on": "2031-02-21", "closures": []},
    {"name": "SUMMER", "starts_on": "2031-04-14", "ends_on": "2031-07-22", "half_term_starts_on": "2031-05-26",
     "half_term_ends_on": "2031-05-30", "closures": []},
]


def staff_identity(person_id: int, school_id: int, name: str, email: str) -> tokens.Identity:
    return tokens.Identity(subject=str(person_id), name=name, email=email, school_id=school_id,
                           grants=(tokens.Grant("staff", school_id=school_id),))


def new_session(service_call, course_id: int, starts: datetime, **extra) -> int:
    answer = service_call("bookings", "POST", "/sessions", json={
        "course_id": course_id, "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat(),
        "venue": "Saltmarsh Primary hall", "capacity": 5, **extra})
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def book(service_call, session_id: int, who: tokens.Identity) -> None:
    answer = service_call("bookings", "POST", f"/sessions/{session_id}/bookings", who, json={})
    assert answer.status_code == 201, answer.text


@pytest.fixture
def october(make_school, make_person, make_course, service_call):
    """October 2030: an INSET day on the 14th, half term from the 28th; Tara is booked
    on one session, and another she is not booked on."""
    assert service_call("networks", "PUT", f"/academic-years/{YEAR}", json={"terms": TERMS}).status_code == 200
    school = make_school(name="Saltmarsh Primary")
    tara = make_person("teacher@lighthouse.test", "Tara Teacher", roles=[("staff", school)], school_id=school)
    mine = new_session(service_call, make_course(title="Phonics refresher")["id"],
                       datetime(2030, 10, 9, 15, 30, tzinfo=timezone.utc))
    other = new_session(service_call, make_course(title="Fractions in Year 5")["id"],
                        datetime(2030, 10, 10, 15, 30, tzinfo=timezone.utc))
    book(service_call, mine, staff_identity(tara, school, "Tara Teacher", "teacher@lighthouse.test"))
    return {"mine": mine, "other": other}


def test_the_month_shades_closed_days_in_words_and_marks_my_sessions(page: Page, october):
    page.goto("/")
    sign_in_with_provider(page, "teacher@lighthouse.test")
    page.goto("/sessions?view=month&month=2030-10")
    grid = page.locator("table.ll-month")
    half_term = grid.locator("td.ll-day--closed", has_text="Half term")
    expect(half_term).to_have_count(4)  # Monday 28 to Thursday 31; Friday 1 is November's
    expect(half_term.first).to_contain_text("28")
    expect(grid.locator("td.ll-day--inset")).to_have_text("14 INSET day")
    expect(page.locator("#closed-days")).to_contain_text("Half term: Mon 28 Oct to Thu 31 Oct")
    expect(page.locator("#closed-days")).to_contain_text("INSET day: Mon 14 Oct")
    # all of October is in term: no day of it is a holiday
    expect(grid.locator("td", has_text="Holiday")).to_have_count(0)

    mine = grid.get_by_role("link", name="Phonics refresher")
    expect(mine).to_contain_text("Booked")
    assert mine.evaluate("e => getComputedStyle(e).fontWeight") == "700"
    other = grid.get_by_role("link", name="Fractions in Year 5")
    expect(other).not_to_contain_text("Booked")
    assert other.evaluate("e => getComputedStyle(e).fontWeight") == "400"
    expect(page.locator(".ll-agenda")).to_be_hidden()

    # a phone: the agenda, only the days with something on, and the grid out of the way
    page.set_viewport_size({"width": 390, "height": 800})
    expect(grid).to_be_hidden()
    agenda = page.locator(".ll-agenda")
    expect(agenda).to_be_visible()
    expect(agenda.locator(".ll-agenda__day")).to_have_count(2)
    expect(agenda.get_by_role("heading", name="Wednesday 9 October")).to_be_visible()
    expect(agenda.get_by_role("link", name="Phonics refresher")).to_contain_text("Booked")
    expect(agenda.get_by_role("link", name="Fractions in Year 5")).not_to_contain_text("Booked")
    # the closed days are said above the agenda too
    expect(page.locator("#closed-days")).to_be_visible()

    # the list says it as well, and stacks on the phone without sideways scrolling
    page.goto("/sessions?from=2030-10-01")
    expect(page.get_by_role("rowheader", name="Phonics refresher")).to_contain_text("Booked")
    expect(page.get_by_role("rowheader", name="Fractions in Year 5")).not_to_contain_text("Booked")


def test_the_summer_holiday_is_labelled_holiday(page: Page, october):
    page.goto("/sessions?view=month&month=2030-08")
    # August 2030 belongs to 2029-30, which has no calendar here: nothing is guessed
    expect(page.locator("table.ll-month td", has_text="Holiday")).to_have_count(0)
    page.goto("/sessions?view=month&month=2031-07")
    holidays = page.locator("table.ll-month td.ll-day--closed", has_text="Holiday")
    expect(holidays).to_have_count(7)  # the weekdays from Wednesday 23 to Thursday 31 July
    expect(page.locator("#closed-days")).to_contain_text("Holiday: Wed 23 Jul to Thu 31 Jul")


def test_sessions_pages_reflow_and_pass_axe(page: Page, october, make_person):
    make_person("ll.admin@lighthouse.test", "Alex Admin", roles=[("ll_admin",)])
    page.goto("/")
    sign_in_with_provider(page, "ll.admin@lighthouse.test")
    paths = ["/sessions?from=2030-10-01", "/sessions?view=month&month=2030-10", f"/sessions/{october['mine']}",
             f"/sessions/{october['mine']}/register", f"/admin/sessions/{october['other']}/edit",
             "/courses/phonics-refresher/sessions/new"]
    problems = [p for path in paths for p in problems_at_widths(page, path)]
    assert problems == []


# ---------- My school ----------


@pytest.fixture
def two_schools(make_school, make_person, make_course, service_call):
    """Saltmarsh (led by Hannah) and Brook; Tara and Sid teach at Saltmarsh, Bea at Brook."""
    salt, brook = make_school(name="Saltmarsh Primary"), make_school(name="Brook Academy")
    make_person("head@lighthouse.test", "Hannah Head", roles=[("staff", salt), ("school_leader", salt)],
                school_id=salt)
    people = {name: make_person(f"{name.split()[0].lower()}@lighthouse.test", name, roles=[("staff", school)],
                                school_id=school)
              for name, school in (("Tara Teacher", salt), ("Sid Second", salt), ("Bea Brook", brook))}
    maths = make_course(title="Fractions in Year 5", subject="Maths")["id"]
    phonics = make_course(title="Phonics refresher", subject="English")["id"]
    soon = datetime.now(timezone.utc).replace(microsecond=0, second=0) + timedelta(days=10)
    sessions = {"maths": new_session(service_call, maths, soon),
                "phonics": new_session(service_call, phonics, soon + timedelta(days=7))}

    def who(name):
        school = brook if name == "Bea Brook" else salt
        return staff_identity(people[name], school, name, f"{name.split()[0].lower()}@lighthouse.test")

    for name, session in (("Tara Teacher", "maths"), ("Sid Second", "phonics"), ("Tara Teacher", "phonics"),
                          ("Bea Brook", "maths")):
        book(service_call, sessions[session], who(name))
    return {"salt": salt, "brook": brook, "people": people, "sessions": sessions}


def apply_filters(page: Page) -> None:
    """Submit the filters and wait for the filtered page: the click only starts the
    navigation, and rows read before it ends are the old page's (seen under load)."""
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").click()


def page_rows(page: Page) -> list[list[str]]:
    """Person, session and status of each booking My school shows."""
    rows = page.locator("table.ll-table--stack tbody tr:has(th)")
    return [[rows.nth(i).locator("th").inner_text().strip(),
             rows.nth(i).locator("td[data-label=Session] a").inner_text().strip(),
             rows.nth(i).locator("td[data-label=Status]").inner_text().strip()] for i in range(rows.count())]


def test_a_leader_filters_my_school_and_exports_what_they_see(page: Page, two_schools):
    page.goto("/")
    sign_in_with_provider(page, "head@lighthouse.test")
    page.get_by_role("link", name="My school").click()
    expect(page.get_by_role("heading", name="Saltmarsh Primary", exact=True)).to_be_visible()
    assert sorted(page_rows(page)) == [["Sid Second", "Phonics refresher", "Confirmed"],
                                       ["Tara Teacher", "Fractions in Year 5", "Confirmed"],
                                       ["Tara Teacher", "Phonics refresher", "Confirmed"]]
    expect(page.get_by_text("Bea Brook")).to_have_count(0)

    page.get_by_label("Person").select_option(label="Tara Teacher")
    page.get_by_label("Subject").select_option(label="English")
    apply_filters(page)
    assert page_rows(page) == [["Tara Teacher", "Phonics refresher", "Confirmed"]]
    expect(page.get_by_role("status")).to_have_text("1 booking from " + page.get_by_label("From").input_value())

    page.get_by_label("Subject").select_option(label="Any subject")
    page.get_by_label("Status").select_option(label="Waitlisted")
    apply_filters(page)
    assert page_rows(page) == []
    expect(page.get_by_text("No bookings match.")).to_be_visible()

    # the exports carry the rows the page shows, with a header row
    page.get_by_label("Status").select_option(label="Any status")
    page.get_by_label("Person").select_option(label="Everyone")
    apply_filters(page)
    shown = page_rows(page)
    csv_link = page.get_by_role("link", name="Download these bookings as CSV")
    answer = page.request.get(csv_link.get_attribute("href"))
    assert answer.status == 200 and answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["content-disposition"].startswith('attachment; filename="saltmarsh-primary-bookings-')
    table = list(csv.reader(io.StringIO(answer.body().decode("utf-8-sig"))))
    assert table[0] == ["School", "When (UK time)", "Session", "Subject", "Person", "Status"]
    assert [[r[4], r[2], r[5]] for r in table[1:]] == shown
    assert {r[0] for r in table[1:]} == {"Saltmarsh Primary"}

    xlsx = page.request.get(page.get_by_role("link", name="Download these bookings as Excel (XLSX)")
                            .get_attribute("href"))
    assert xlsx.status == 200 and xlsx.headers["content-disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(xlsx.body())).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[0] == table[0]
    assert [[r[0], r[1].strftime("%Y-%m-%d %H:%M"), *r[2:]] for r in cells[1:]] == \
        [[r[0], r[1], r[2], r[3], r[4], r[5]] for r in table[1:]]

    # a filtered export is filtered the same way
    page.get_by_label("Person").select_option(label="Sid Second")
    apply_filters(page)
    answer = page.request.get(page.get_by_role("link", name="Download these bookings as CSV").get_attribute("href"))
    assert [r[4] for r in list(csv.reader(io.StringIO(answer.body().decode("utf-8-sig"))))[1:]] == ["Sid Second"]


def test_a_leader_opens_a_member_of_staffs_record(page: Page, two_schools, service_call):
    # Tara attended a session earlier this academic year (moved into the past in the database)
    from services.bookings.db import database
    from services.bookings.sessions.models import CourseSession

    sid = two_schools["sessions"]["maths"]
    now = datetime.now(timezone.utc).replace(microsecond=0)
    with database().session() as db:
        row = db.get(CourseSession, sid)
        row.starts_at, row.ends_at = now - timedelta(hours=3), now - timedelta(hours=1, minutes=30)
    bookings = service_call("bookings", "GET", f"/sessions/{sid}/bookings").json()["items"]
    tara = next(b["id"] for b in bookings if b["attendee_name"] == "Tara Teacher")
    assert service_call("bookings", "POST", f"/sessions/{sid}/attendance",
                        json={"attended_booking_ids": [tara]}).status_code == 200

    page.goto("/")
    sign_in_with_provider(page, "head@lighthouse.test")
    page.goto("/school-bookings?from=")
    page.get_by_role("link", name="Record of Tara Teacher").click()
    expect(page.get_by_role("heading", name="Tara Teacher", level=1)).to_be_visible()
    expect(page.locator("#hours-this-year")).to_have_text("1.5 hours from 1 session")
    expect(page.locator("#attendance")).to_contain_text("Attended 1, missed 0")
    expect(page.get_by_role("table", name="Booked from now on").get_by_role("rowheader")).to_have_text(
        ["Phonics refresher"])
    expect(page.get_by_role("table", name="Earlier this year").get_by_role("rowheader")).to_have_text(
        ["Fractions in Year 5"])
    assert problems_at_widths(page) == []


def test_my_school_shows_a_leader_nothing_of_another_school(page: Page, two_schools):
    brook, salt, bea = two_schools["brook"], two_schools["salt"], two_schools["people"]["Bea Brook"]
    page.goto("/")
    sign_in_with_provider(page, "head@lighthouse.test")
    for path in (f"/school-bookings?school={brook}", f"/school-bookings.csv?school={brook}",
                 f"/school-bookings.xlsx?school={brook}", f"/school-bookings/{brook}/people/{bea}"):
        answer = page.request.get(path)
        assert answer.status == 403, path
        assert "Bea Brook" not in answer.text()
    # Bea asked for through the leader's own school: as if she did not exist
    answer = page.request.get(f"/school-bookings/{salt}/people/{bea}")
    assert answer.status == 404 and "Bea Brook" not in answer.text()
    # ...and by the person filter: nothing of hers
    page.goto(f"/school-bookings?person={bea}")
    expect(page.get_by_text("No bookings match.")).to_be_visible()
    answer = page.request.get(f"/school-bookings.csv?person={bea}")
    assert "Bea Brook" not in answer.text() and len(answer.text().strip().splitlines()) == 1


def test_a_member_of_staff_may_not_open_my_school(page: Page, two_schools):
    page.goto("/")
    sign_in_with_provider(page, "tara@lighthouse.test")
    for path in ("/school-bookings", "/school-bookings.csv",
                 f"/school-bookings/{two_schools['salt']}/people/{two_schools['people']['Sid Second']}"):
        answer = page.request.get(path)
        assert answer.status == 403, path
        assert "Sid Second" not in answer.text()


def test_an_admin_chooses_any_school(page: Page, two_schools, make_person):
    make_person("ll.admin@lighthouse.test", "Alex Admin", roles=[("ll_admin",)])
    page.goto("/")
    sign_in_with_provider(page, "ll.admin@lighthouse.test")
    page.goto("/school-bookings")
    expect(page.get_by_text("Choose a school to see its staff's bookings.")).to_be_visible()
    page.get_by_label("School", exact=True).select_option(label="Brook Academy")
    apply_filters(page)
    # the filtered page has loaded (the click only starts the navigation)
    expect(page.locator("table.ll-table--stack tbody tr th", has_text="Bea Brook")).to_be_visible()
    assert page_rows(page) == [["Bea Brook", "Fractions in Year 5", "Confirmed"]]


def test_my_school_refuses_a_span_that_ends_before_it_starts(page: Page, two_schools):
    page.goto("/")
    sign_in_with_provider(page, "head@lighthouse.test")
    page.goto("/school-bookings?from=2031-03-01&to=2031-02-01")
    expect(page.get_by_role("alert")).to_contain_text("The end date must be on or after the start date.")
    expect(page.locator("#to-error")).to_contain_text("The end date must be on or after the start date.")
    assert page.request.get("/school-bookings?from=2031-02-30").status == 422


def test_my_school_approvals_and_the_session_reflow_and_pass_axe(page: Page, two_schools):
    page.goto("/")
    sign_in_with_provider(page, "head@lighthouse.test")
    problems = [p for path in ("/school-bookings", "/approvals", f"/sessions/{two_schools['sessions']['maths']}")
                for p in problems_at_widths(page, path)]
    assert problems == []


def test_my_school_and_the_sessions_filters_work_without_javascript(browser, gateway_server, two_schools):
    context = browser.new_context(base_url=gateway_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/")
    sign_in_with_provider(page, "head@lighthouse.test")
    page.goto("/school-bookings")
    page.get_by_label("Person").select_option(label="Sid Second")
    apply_filters(page)
    assert page_rows(page) == [["Sid Second", "Phonics refresher", "Confirmed"]]
    # the sessions' filters open from the keyboard, with no script to open them
    page.goto("/sessions")
    page.locator("summary", has_text="Filter sessions").focus()
    page.keyboard.press("Enter")
    page.get_by_label("Subject").fill("English")
    page.get_by_role("button", name="Show sessions").click()
    expect(page.get_by_role("rowheader")).to_have_text(["Phonics refresher"])
    context.close()
