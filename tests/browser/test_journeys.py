"""Journeys in a real browser (Debian's chromium driven by Playwright), each page
scanned with axe-core and worked from the keyboard."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import axe_violations, sign_in_with_provider

pytestmark = pytest.mark.browser
@pytest.fixture
def catalogue(make_course, make_school, make_person):
    school = make_school(name="Saltmarsh Primary")
    make_person("teacher@lighthouse.test", "Tara Teacher", roles=[("staff", school)], school_id=school)
    make_course(title="Unlocking Letters and Sounds", subject="Phonics", visibility="PUBLIC",
                summary="Systematic synthetic phonics for Reception and Year 1.",
                description="Daily phonics sessions.\n\nAssessment and keep-up sessions.",
                phases=["EYFS", "KS1"], external_price_pence=12500)
    make_course(title="White Rose Maths: fractions in KS2", subject="Maths", visibility="TRUST",
                summary="Fractions with the bar model.", description="Equivalence, comparing and ordering.")
    make_course(title="Draft governor induction", subject="Governance", status="DRAFT")


def test_teacher_signs_in_searches_and_opens_a_course(page: Page, catalogue):
    page.goto("/")
    assert axe_violations(page) == []
    sign_in_with_provider(page, "teacher@lighthouse.test")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Tara Teacher")
    expect(page.get_by_text("Staff")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Courses").click()
    search = page.get_by_label("Search courses")
    search.fill("fractions")
    search.press("Enter")
    expect(page.get_by_role("status")).to_have_text("1 course matching “fractions”")
    assert axe_violations(page) == []
    page.get_by_role("link", name="White Rose Maths: fractions in KS2").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("White Rose Maths: fractions in KS2")
    expect(page.get_by_text("Trust staff only")).to_be_visible()
    assert axe_violations(page) == []


def test_a_visitor_sees_public_courses_only(page: Page, catalogue):
    page.goto("/courses")
    expect(page.get_by_role("status")).to_have_text("1 course")
    expect(page.get_by_role("link", name="Unlocking Letters and Sounds")).to_be_visible()
    expect(page.get_by_text("White Rose Maths")).to_have_count(0)
    expect(page.get_by_text("Draft governor induction")).to_have_count(0)
    assert axe_violations(page) == []
    page.goto("/courses/unlocking-letters-and-sounds")
    expect(page.get_by_text("£125.00 a place")).to_be_visible()
    assert page.goto("/courses/white-rose-maths-fractions-in-ks2").status == 404


def test_the_catalogue_works_from_the_keyboard(page: Page, catalogue):
    page.goto("/courses")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Search courses")).to_be_focused()
    page.keyboard.type("phonics")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text("1 course matching “phonics”")
    link = page.get_by_role("link", name="Unlocking Letters and Sounds")
    link.focus()
    # GOV.UK's focus: the link turns yellow with a thick black underline (its outline is
    # transparent, kept only for Windows' high-contrast mode, so it proves nothing)
    focus = link.evaluate("el => [getComputedStyle(el).backgroundColor, getComputedStyle(el).boxShadow]")
    assert focus[0] == "rgb(255, 221, 0)"
    assert "rgb(11, 12, 12) 0px 4px" in focus[1]
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Unlocking Letters and Sounds")


def test_admin_creates_a_course_and_fixes_a_mistake(page: Page, make_person):
    make_person("ll.admin@lighthouse.test", "Alex Admin", roles=[("ll_admin",)])
    page.goto("/")
    sign_in_with_provider(page, "ll.admin@lighthouse.test")
    page.get_by_role("link", name="Courses").click()
    page.get_by_role("link", name="Add a course").click()
    assert axe_violations(page) == []
    page.get_by_label("Title", exact=True).fill("Team Teach Level 1")
    page.get_by_label("Summary").fill("Positive handling and de-escalation.")
    page.get_by_label("Description").fill("A full day of de-escalation and positive handling.")
    page.get_by_label("Subject", exact=True).fill("Behaviour")
    page.get_by_label("KS2").check()
    page.get_by_label("Teacher", exact=True).check()
    page.get_by_label("Length in minutes").fill("ninety")
    page.get_by_role("button", name="Save course").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Enter the length in whole minutes")
    expect(summary).to_be_focused()  # a screen reader starts at the problems
    assert page.title().startswith("Error: ")
    assert axe_violations(page) == []
    expect(page.get_by_label("Title", exact=True)).to_have_value("Team Teach Level 1")  # nothing typed is lost
    summary.get_by_role("link", name="Enter the length in whole minutes, for example 90.").click()
    expect(page.get_by_label("Length in minutes")).to_be_focused()
    expect(page.get_by_label("Length in minutes")).to_have_accessible_description(
        "Error: Enter the length in whole minutes, for example 90.")
    page.get_by_label("Length in minutes").fill("360")
    page.get_by_role("button", name="Save course").click()
    expect(page.get_by_role("status")).to_have_text("Course saved.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Team Teach Level 1")
    expect(page.get_by_text("6 h")).to_be_visible()


def test_admin_grants_a_role_and_the_person_sees_it(page: Page, browser, gateway_server, make_school, make_person):
    school = make_school(name="Saltmarsh Primary")
    make_person("ll.admin@lighthouse.test", "Alex Admin", roles=[("ll_admin",)])
    make_person("newhead@lighthouse.test", "Nia Newhead", roles=[("staff", school)], school_id=school)
    page.goto("/")
    sign_in_with_provider(page, "ll.admin@lighthouse.test")
    page.get_by_role("link", name="People").click()
    page.get_by_label("Name or email").fill("newhead")
    page.get_by_role("button", name="Find").click()
    assert axe_violations(page) == []
    page.get_by_label("Role", exact=True).select_option("SCHOOL_LEADER")
    page.get_by_label("School", exact=True).select_option(label="Saltmarsh Primary")
    page.get_by_role("button", name="Grant a role to Nia Newhead").click()
    expect(page.get_by_role("status").first).to_have_text("Role granted to Nia Newhead.")
    remove = page.get_by_role("button", name="Remove School leader · Saltmarsh Primary from Nia Newhead")
    expect(remove).to_be_visible()
    remove.click()  # asks first
    expect(page.get_by_role("alert")).to_contain_text("Remove School leader · Saltmarsh Primary from Nia Newhead?")
    assert axe_violations(page) == []
    page.get_by_role("link", name="No, keep it").click()

    other = browser.new_context(base_url=gateway_server.url).new_page()
    other.goto("/")
    sign_in_with_provider(other, "newhead@lighthouse.test")
    expect(other.get_by_text("School leader · Saltmarsh Primary")).to_be_visible()
    other.context.close()


def test_booking_a_session_and_the_waiting_list(page: Page, browser, gateway_server, make_school, make_person,
                                                make_course):
    school = make_school(name="Saltmarsh Primary")
    make_person("ll.admin@lighthouse.test", "Alex Admin", roles=[("ll_admin",)])
    make_person("teacher@lighthouse.test", "Tara Teacher", roles=[("staff", school)], school_id=school)
    make_person("second@lighthouse.test", "Sid Second", roles=[("staff", school)], school_id=school)
    make_course(title="Team Teach Level 1")

    # the admin schedules one place
    page.goto("/courses/team-teach-level-1")
    sign_in_with_provider(page, "ll.admin@lighthouse.test")
    page.goto("/courses/team-teach-level-1")
    page.get_by_role("link", name="Schedule a session").click()
    assert axe_violations(page) == []
    page.get_by_label("Starts").fill("2031-03-12T15:45")
    page.get_by_label("Ends").fill("2031-03-12T17:15")
    page.get_by_label("Venue").fill("Saltmarsh Primary School hall")
    page.get_by_label("Places", exact=True).fill("one")
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the number of places as a whole number.")
    page.get_by_label("Places", exact=True).fill("1")
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_role("status")).to_have_text("Session scheduled.")
    # 15:45 UK time in March is still GMT; shown as typed
    expect(page.locator("dt:text-is('Starts') + dd")).to_have_text("Wed 12 Mar 2031, 15:45")

    teacher = browser.new_context(base_url=gateway_server.url, bypass_csp=True).new_page()
    teacher.goto("/sessions")
    sign_in_with_provider(teacher, "teacher@lighthouse.test")
    teacher.goto("/sessions")
    assert axe_violations(teacher) == []
    teacher.get_by_role("link", name="Team Teach Level 1").click()
    teacher.get_by_role("button", name="Book a place").click()
    expect(teacher.get_by_role("status")).to_have_text("You are booked. A confirmation is on its way.")
    assert axe_violations(teacher) == []

    second = browser.new_context(base_url=gateway_server.url, bypass_csp=True).new_page()
    second.goto("/")
    sign_in_with_provider(second, "second@lighthouse.test")
    second.goto("/sessions")
    second.get_by_role("link", name="Team Teach Level 1").click()
    second.get_by_role("button", name="Join the waiting list").click()
    expect(second.get_by_role("status")).to_contain_text("This session is full — you are 1st on the waiting list")
    second.get_by_role("link", name="My CPD").click()
    expect(second.get_by_text("1st on the waiting list")).to_be_visible()
    assert axe_violations(second) == []

    # the first cancels: the place is offered to the second, who accepts
    teacher.get_by_role("button", name="Cancel my booking").click()
    expect(teacher.get_by_role("status")).to_have_text("Your booking is cancelled.")
    second.get_by_role("link", name="Team Teach Level 1", exact=True).click()
    second.get_by_role("button", name="Accept the place").click()
    expect(second.get_by_role("status")).to_have_text("You are booked. A confirmation is on its way.")
    for p in (teacher, second):
        p.context.close()


def test_a_head_approves_a_booking_from_the_approvals_page(page: Page, make_school, make_person, make_course,
                                                           service_call):
    from datetime import datetime, timedelta, timezone

    from shared import tokens

    school = make_school(name="Saltmarsh Primary")
    make_person("head@lighthouse.test", "Hannah Head", roles=[("staff", school), ("school_leader", school)],
                school_id=school)
    tara = make_person("teacher@lighthouse.test", "Tara Teacher", roles=[("staff", school)], school_id=school)
    course = make_course(title="NPQ SEND day")["id"]
    start = datetime.now(timezone.utc) + timedelta(days=20)
    sid = service_call("bookings", "POST", "/sessions", json={
        "course_id": course, "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=6)).isoformat(),
        "venue": "Hall", "capacity": 5, "requires_approval": True}).json()["id"]
    teacher = tokens.Identity(subject=str(tara), name="Tara Teacher", email="teacher@lighthouse.test",
                              school_id=school, grants=(tokens.Grant("staff", school_id=school),))
    assert service_call("bookings", "POST", f"/sessions/{sid}/bookings", teacher, json={}).status_code == 201

    page.goto("/")
    sign_in_with_provider(page, "head@lighthouse.test")
    page.get_by_role("link", name="Approvals").click()
    expect(page.get_by_role("heading", name="Tara Teacher — NPQ SEND day")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Note for Tara Teacher (optional)").fill("Cover booked with Mrs Patel")
    page.get_by_role("button", name="Approve Tara Teacher").click()
    expect(page.get_by_role("status")).to_have_text("Tara Teacher: approved.")
    expect(page.get_by_text("Nothing is waiting for your decision.")).to_be_visible()


def test_the_register_then_the_record_a_certificate_and_feedback(page: Page, browser, gateway_server, make_school,
                                                                 make_person, make_course, service_call):
    from datetime import datetime, timedelta, timezone

    from shared import tokens

    school = make_school(name="Saltmarsh Primary")
    make_person("ll.admin@lighthouse.test", "Alex Admin", roles=[("ll_admin",)])
    people = {name: make_person(f"{name.split()[0].lower()}@lighthouse.test", name, roles=[("staff", school)],
                                school_id=school) for name in ("Tara Teacher", "Sid Second")}
    course = make_course(title="Writing moderation: Year 6")["id"]
    start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=3)
    body = {"course_id": course, "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(minutes=90)).isoformat(), "venue": "Saltmarsh Primary hall", "capacity": 5}
    sid = service_call("bookings", "POST", "/sessions", json=body).json()["id"]
    for name, pid in people.items():
        who = tokens.Identity(subject=str(pid), name=name, email=f"{name.split()[0].lower()}@lighthouse.test",
                              school_id=school, grants=(tokens.Grant("staff", school_id=school),))
        assert service_call("bookings", "POST", f"/sessions/{sid}/bookings", who, json={}).status_code == 201

    # before it starts: the month calendar shows it, with the places left
    teacher = browser.new_context(base_url=gateway_server.url, bypass_csp=True).new_page()
    teacher.goto("/")
    sign_in_with_provider(teacher, "tara@lighthouse.test")
    local = start.astimezone(__import__("zoneinfo").ZoneInfo("Europe/London"))
    teacher.goto(f"/sessions?view=month&month={local:%Y-%m}")
    expect(teacher.get_by_role("table").get_by_role("link", name="Writing moderation: Year 6")).to_contain_text(
        "3 places left")
    assert axe_violations(teacher) == []

    # it took place yesterday; the admin takes the register from the keyboard
    # (no one may move a session into the past, so the test moves it in the database)
    from services.bookings.db import database
    from services.bookings.sessions.models import CourseSession

    with database().session() as db:
        row = db.get(CourseSession, sid)
        row.starts_at, row.ends_at = start - timedelta(days=4), start - timedelta(days=4) + timedelta(minutes=90)
    page.goto("/")
    sign_in_with_provider(page, "ll.admin@lighthouse.test")
    page.goto(f"/sessions/{sid}")
    page.get_by_role("link", name="Take the register").click()
    assert axe_violations(page) == []
    page.get_by_label("Tara Teacher").focus()
    page.keyboard.press("Space")
    expect(page.get_by_label("Tara Teacher")).to_be_checked()
    expect(page.get_by_label("Sid Second")).not_to_be_checked()
    page.get_by_role("button", name="Save the register").click()
    expect(page.get_by_role("status")).to_contain_text("Register saved: 1 attended.")

    # the teacher sees it in their record, opens the certificate, and rates the session
    teacher.get_by_role("link", name="My CPD").click()
    expect(teacher.locator(".record-total")).to_contain_text("1.5 hours of CPD from 1 session")
    certificate = teacher.get_by_role("link", name="Certificate (PDF) for Writing moderation: Year 6")
    response = teacher.request.get(certificate.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert axe_violations(teacher) == []
    teacher.get_by_label("5").check()
    teacher.get_by_label("What would make it better? (optional)").fill("More moderated samples, please.")
    teacher.get_by_role("button", name="Send feedback").click()
    expect(teacher.get_by_role("status")).to_have_text("Thank you — your feedback has been recorded.")
    expect(teacher.get_by_role("button", name="Send feedback")).to_have_count(0)

    # the admin sees the average on the course page
    page.goto("/courses/writing-moderation-year-6")
    expect(page.locator(".record-total")).to_contain_text("Average 5.0 out of 5 from 1 rating")
    expect(page.get_by_text("More moderated samples, please.")).to_be_visible()
    teacher.context.close()


def test_admin_changes_a_session_and_a_head_books_for_their_staff(page: Page, browser, gateway_server, make_school,
                                                                   make_person, make_course, service_call):
    from datetime import datetime, timedelta, timezone

    school = make_school(name="Saltmarsh Primary")
    make_person("ll.admin@lighthouse.test", "Alex Admin", roles=[("ll_admin",)])
    make_person("head@lighthouse.test", "Hannah Head", roles=[("staff", school), ("school_leader", school)],
                school_id=school)
    make_person("teacher@lighthouse.test", "Tara Teacher", roles=[("staff", school)], school_id=school)
    course = make_course(title="Team Teach Level 1")["id"]
    start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=20)
    while start.weekday() >= 5:  # a weekday, so that saving it needs no "not a school day" confirmation
        start += timedelta(days=1)
    sid = service_call("bookings", "POST", "/sessions", json={
        "course_id": course, "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=3)).isoformat(), "venue": "Hall", "capacity": 5}).json()["id"]

    page.goto("/")
    sign_in_with_provider(page, "ll.admin@lighthouse.test")
    page.goto(f"/sessions/{sid}")
    page.get_by_role("link", name="Change this session").click()
    expect(page.get_by_label("Venue")).to_have_value("Hall")
    assert axe_violations(page) == []
    page.get_by_label("Venue").fill("Brook Academy sports hall")
    page.get_by_label("Places", exact=True).fill("0")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("alert")).to_contain_text("The session was not changed")
    page.get_by_label("Places", exact=True).fill("6")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_have_text("Session updated.")
    expect(page.locator("dt:text-is('Where') + dd")).to_have_text("Brook Academy sports hall")
    expect(page.locator("dt:text-is('Places left') + dd")).to_contain_text("6 of 6")

    head = browser.new_context(base_url=gateway_server.url, bypass_csp=True).new_page()
    head.goto("/")
    sign_in_with_provider(head, "head@lighthouse.test")
    head.goto(f"/sessions/{sid}")
    head.get_by_label("Member of staff").select_option(label="Tara Teacher")
    head.get_by_role("button", name="Book a place for them").click()
    expect(head.get_by_role("status")).to_have_text("Tara Teacher is booked.")
    expect(head.get_by_role("table").get_by_role("rowheader", name="Tara Teacher")).to_be_visible()
    assert axe_violations(head) == []
    head.get_by_role("link", name="My school").click()
    expect(head.get_by_role("rowheader", name="Tara Teacher")).to_be_visible()
    assert axe_violations(head) == []
    head.context.close()


def test_a_network_lead_adds_a_member_and_sees_the_schools_missing(page: Page, make_school, make_person):
    from services.networks.tests.test_networks_api import add

    (maths,) = add("Maths network")
    a = make_school(name="Saltmarsh Primary")
    make_school(name="Harbour Infants")  # a school with no member, to be listed as missing
    make_person("maths.lead@lighthouse.test", "Mo Lead", roles=[("staff", a), ("network_lead", None, maths)],
                school_id=a)
    make_person("teacher@lighthouse.test", "Tara Teacher", roles=[("staff", a)], school_id=a)

    page.goto("/")
    sign_in_with_provider(page, "maths.lead@lighthouse.test")
    page.get_by_role("link", name="Networks").click()
    page.get_by_role("link", name="Maths network").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Maths network")
    assert axe_violations(page) == []
    page.get_by_label("Their email").fill("nobody@lighthouse.test")
    page.get_by_role("button", name="Add to the network").click()
    expect(page.get_by_role("alert")).to_contain_text("Nobody with the email nobody@lighthouse.test")
    page.get_by_label("Their email").fill("teacher@lighthouse.test")
    page.get_by_role("button", name="Add to the network").click()
    expect(page.get_by_role("status")).to_have_text("Tara Teacher added.")
    expect(page.get_by_role("rowheader", name="Tara Teacher")).to_be_visible()
    expect(page.get_by_role("heading", name="Schools with nobody in the network (1)")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Harbour Infants")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Remove Tara Teacher").click()
    expect(page.get_by_role("status")).to_have_text("Member removed.")
    expect(page.get_by_text("Nobody has joined yet.")).to_be_visible()


def test_a_lead_schedules_a_meeting_and_a_member_answers(page: Page, browser, gateway_server, make_school,
                                                         make_person, service_call):
    from services.networks.tests.test_networks_api import add
    from shared import tokens

    (maths,) = add("Maths network")
    school = make_school(name="Saltmarsh Primary")
    make_person("maths.lead@lighthouse.test", "Mo Lead", roles=[("staff", school), ("network_lead", None, maths)],
                school_id=school)
    tara = make_person("teacher@lighthouse.test", "Tara Teacher", roles=[("staff", school)], school_id=school)
    lead = tokens.Identity(subject="1", grants=(tokens.Grant("network_lead", network_id=maths),))
    service_call("networks", "POST", f"/networks/{maths}/members", lead, json={
        "person_id": tara, "name": "Tara Teacher", "email": "teacher@lighthouse.test", "school_id": school})

    page.goto("/")
    sign_in_with_provider(page, "maths.lead@lighthouse.test")
    page.goto(f"/networks/{maths}")
    page.get_by_role("link", name="Schedule a meeting").click()
    assert axe_violations(page) == []
    page.get_by_label("Title").fill("Spring term meeting")
    page.get_by_label("Starts").fill("2027-01-23T10:00")  # a Saturday
    page.get_by_label("Ends").fill("2027-01-23T11:00")
    page.get_by_label("Venue (a trust school)").fill("Saltmarsh Primary")
    page.get_by_label("Agenda (one item a line)").fill("Fractions follow-up\nCalculation policy")
    page.get_by_role("button", name="Schedule and invite").click()
    expect(page.get_by_role("alert")).to_contain_text("is not a school day")
    page.get_by_label("Starts").fill("2027-01-20T16:00")
    page.get_by_label("Ends").fill("2027-01-20T17:30")
    page.get_by_role("button", name="Schedule and invite").click()
    expect(page.get_by_role("status")).to_have_text("Meeting scheduled; every member has been invited.")
    expect(page.get_by_role("listitem").filter(has_text="Calculation policy")).to_be_visible()
    assert axe_violations(page) == []

    member = browser.new_context(base_url=gateway_server.url, bypass_csp=True).new_page()
    member.goto("/")
    sign_in_with_provider(member, "teacher@lighthouse.test")
    member.get_by_role("link", name="Networks").click()
    member.get_by_role("link", name="Maths network").first.click()  # under "My networks"
    member.get_by_role("link", name="Spring term meeting").click()
    member.get_by_role("button", name="Yes").click()
    expect(member.get_by_role("status")).to_have_text("Thank you — your answer is recorded.")
    expect(member.get_by_text("You said: Yes.")).to_be_visible()
    assert axe_violations(member) == []
    member.context.close()


def test_a_lead_plans_the_year_and_schedules_a_proposal(page: Page, make_school, make_person):
    from services.networks.db import database
    from services.networks.terms.seed import seed_calendar
    from services.networks.tests.test_networks_api import add

    (maths,) = add("Maths network")
    with database().session() as db:
        seed_calendar(db)
    school = make_school(name="Saltmarsh Primary")
    make_person("maths.lead@lighthouse.test", "Mo Lead", roles=[("staff", school), ("network_lead", None, maths)],
                school_id=school)
    page.goto("/")
    sign_in_with_provider(page, "maths.lead@lighthouse.test")
    page.goto(f"/networks/{maths}")
    page.get_by_role("link", name="Plan the year").click()
    page.get_by_label("Academic year").select_option("2027-28")
    page.get_by_label("Wednesday").uncheck()
    page.get_by_label("Thursday").check()
    page.get_by_label("Starting at (UK time)").fill("15:45")
    page.get_by_role("button", name="Propose dates").click()
    expect(page.get_by_role("status")).to_have_text("3 proposed dates")
    # Thursday 2 September 2027 is an INSET day, so autumn's first choice is the 9th
    expect(page.get_by_role("heading", name="Autumn term: Thu 9 Sep 2027, 15:45")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Schedule this (Thu 9 Sep 2027, 15:45)").click()
    expect(page.get_by_label("Starts")).to_have_value("2027-09-09T15:45")
    page.get_by_label("Venue (a trust school)").fill("Saltmarsh Primary")
    page.get_by_role("button", name="Schedule and invite").click()
    expect(page.get_by_role("status")).to_have_text("Meeting scheduled; every member has been invited.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Autumn term meeting")


def test_an_admin_corrects_the_term_dates(page: Page, make_person):
    from services.networks.db import database
    from services.networks.terms.seed import seed_calendar

    with database().session() as db:
        seed_calendar(db)
    make_person("ll.admin@lighthouse.test", "Alex Admin", roles=[("ll_admin",)])
    page.goto("/")
    sign_in_with_provider(page, "ll.admin@lighthouse.test")
    page.get_by_role("link", name="Calendar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Academic year 2026-27")
    assert axe_violations(page) == []
    page.locator("#SUMMER-endsOn").fill("2027-07-16")
    page.locator("#SPRING-startsOn").fill("2026-12-01")
    page.get_by_role("button", name="Save the calendar").click()
    expect(page.get_by_role("alert")).to_contain_text("Spring term must start after the autumn term ends")
    page.locator("#SPRING-startsOn").fill("2027-01-04")
    page.get_by_role("button", name="Save the calendar").click()
    expect(page.get_by_role("status")).to_have_text("Calendar saved.")
    expect(page.locator("#SUMMER-endsOn")).to_have_value("2027-07-16")


def open_history(page: Page) -> None:
    """Open the History disclosure as a keyboard user would: focus it, press Enter."""
    history = page.locator("details.govuk-details").filter(has=page.locator("summary", has_text="History ("))
    summary = history.locator("summary")
    expect(summary).to_contain_text("History (")
    summary.focus()
    page.keyboard.press("Enter")
    expect(history).to_have_attribute("open", "")
    expect(page.get_by_role("table", name="Changes, newest first")).to_be_visible()


def test_an_admin_reads_each_pages_history(page: Page, make_person, make_course, service_call):
    """On the session, network, meeting and academic calendar pages, the History
    disclosure opens from the keyboard and each page is axe-clean with it open."""
    from datetime import datetime, timedelta, timezone

    from services.bookings.tests.test_bookings import person
    from services.networks.db import database
    from services.networks.terms.seed import seed_calendar
    from services.networks.tests.test_meetings import meeting_body
    from services.networks.tests.test_membership import member
    from services.networks.tests.test_networks_api import add

    make_person("ll.admin@lighthouse.test", "Alex Admin", roles=[("ll_admin",)])
    course = make_course(title="Team Teach Level 1")["id"]
    start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=20)
    sid = service_call("bookings", "POST", "/sessions", json={
        "course_id": course, "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=3)).isoformat(), "venue": "Hall", "capacity": 5}).json()["id"]
    booking = service_call("bookings", "POST", f"/sessions/{sid}/bookings", person(7), json={}).json()
    service_call("bookings", "POST", f"/bookings/{booking['id']}/cancel", person(7))
    (maths,) = add("Maths network")
    service_call("networks", "POST", f"/networks/{maths}/members", json=member(7))
    meeting = service_call("networks", "POST", "/meetings", json=meeting_body(maths)).json()
    with database().session() as db:
        seed_calendar(db)

    page.goto("/")
    sign_in_with_provider(page, "ll.admin@lighthouse.test")
    page.goto(f"/sessions/{sid}")
    open_history(page)
    rows = page.get_by_role("table", name="Changes, newest first").locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("Person 7's booking cancelled")
    expect(rows.first.locator("td[data-label='Before and after'] li")).to_have_text("Status: Confirmed → changed to Cancelled",
                                                           use_inner_text=False)
    assert axe_violations(page) == []
    for path, entry in ((f"/networks/{maths}", "Meeting scheduled: Spring term network meeting"),
                        (f"/meetings/{meeting['id']}", "Meeting scheduled: Spring term network meeting"),
                        ("/admin/academic-years/2026-27", "Calendar for 2026-27 entered")):
        page.goto(path)
        open_history(page)
        expect(page.get_by_role("table", name="Changes, newest first")).to_contain_text(entry)
        assert axe_violations(page) == [], path
