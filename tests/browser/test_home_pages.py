"""The home page for each role and My CPD in a real browser: what each person sees,
axe-clean and reflowing at phone and tablet widths, and a leader booking several
staff from the keyboard alone."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import axe_violations, problems_at_widths, sign_in_with_provider

pytestmark = pytest.mark.browser

SOON = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=14)


@pytest.fixture
def trust(make_school, make_person, make_course, schedule):
    a, b = make_school(name="Saltmarsh Primary"), make_school(name="Brook Academy")
    people = {
        "tara": make_person("teacher@lighthouse.test", "Tara Teacher", roles=[("staff", a)], school_id=a),
        "theo": make_person("theo@saltmarsh.test", "Theo Thompson", roles=[("staff", a)], school_id=a),
        "nina": make_person("nina@saltmarsh.test", "Nina Newcomer-Fotheringham", roles=[("staff", a)], school_id=a),
        "head": make_person("head@lighthouse.test", "Hannah Head", roles=[("staff", a), ("school_leader", a)],
                            school_id=a),
        "gwen": make_person("governor@lighthouse.test", "Gwen Governor", roles=[("governor", a)], school_id=a),
        "sip": make_person("sip@lighthouse.test", "Sam Improvement", roles=[("sip", a), ("sip", b)]),
        "bursar": make_person("bursar@external.test", "Bella Bursar", roles=[("external_booker",)]),
    }
    governors = make_course(title="Safeguarding for governors", audiences=["GOVERNOR"], subject="Governance")
    sessions = {}
    for key, title, days in (("maths", "White Rose Maths: Fractions in Key Stage 2, a long title to wrap", 0),
                             ("phonics", "Phonics refresher", 3)):
        made = schedule("POST", "/sessions", json={
            "course_title": title, "starts_at": (SOON + timedelta(days=days)).isoformat(),
            "ends_at": (SOON + timedelta(days=days, hours=2)).isoformat(), "venue": "Saltmarsh Primary School, hall",
            "capacity": 2, "external_places": 0, "requires_approval": False})
        assert made.status_code == 201, made.text
        sessions[key] = made.json()["id"]
    schedule("POST", "/sessions", json={
        "course_id": governors["id"], "starts_at": SOON.isoformat(), "ends_at": (SOON + timedelta(hours=2)).isoformat(),
        "venue": None, "online_url": "https://meet.test/g", "capacity": 40, "external_places": 0,
        "requires_approval": False})
    return {"a": a, "people": people, "sessions": sessions}


def test_the_teacher_sees_their_cpd_at_every_width(page: Page, trust):
    page.goto("/")
    sign_in_with_provider(page, "teacher@lighthouse.test")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Tara Teacher")
    expect(page.get_by_role("heading", name="Your CPD")).to_be_visible()
    expect(page.get_by_role("heading", name="My next sessions")).to_be_visible()
    expect(page.get_by_text("Nothing booked.")).to_be_visible()
    expect(page.get_by_role("heading", name="My CPD hours")).to_be_visible()
    expect(page.get_by_role("heading", name="School leader")).to_have_count(0)
    assert problems_at_widths(page, "/") == []
    assert problems_at_widths(page, "/my-cpd") == []


def test_the_leader_books_several_staff_from_the_keyboard(page: Page, trust):
    page.goto("/")
    sign_in_with_provider(page, "head@lighthouse.test")
    expect(page.get_by_role("heading", name="School leader")).to_be_visible()
    expect(page.get_by_text("4 of 4 have no CPD recorded this year")).to_be_visible()
    assert problems_at_widths(page, "/") == []

    # sort the staff table by hours from the keyboard: a link, so no script is needed
    page.get_by_role("link", name="Hours this year").focus()
    page.keyboard.press("Enter")
    expect(page.locator("th[aria-sort=descending]")).to_contain_text("Hours this year")

    form = page.locator("form[action='/book-staff']")
    form.get_by_label("Session", exact=True).focus()
    page.keyboard.press("ArrowDown")  # the first session: the maths day
    expect(form.get_by_label("Session", exact=True)).to_have_value(str(trust["sessions"]["maths"]))
    for name in ("Nina Newcomer-Fotheringham", "Tara Teacher", "Theo Thompson"):
        box = form.get_by_role("checkbox", name=name)
        box.focus()
        page.keyboard.press("Space")
        expect(box).to_be_checked()
    form.get_by_role("button", name="Book the staff ticked").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_contain_text("2 booked, 1 on the waiting list, 0 already booked, 0 not booked")
    outcomes = page.locator("#outcomes")
    expect(outcomes).to_contain_text("Nina Newcomer-Fotheringham")
    expect(outcomes).to_contain_text("On the waiting list, 1st")
    assert axe_violations(page) == []
    assert problems_at_widths(page, "/book-staff") == []
    # back home, the staff's upcoming CPD lists them
    page.goto("/")
    expect(page.get_by_role("table").filter(has_text="Tara Teacher").first).to_be_visible()


@pytest.mark.parametrize("email, heading", [
    ("governor@lighthouse.test", "Governor CPD"),
    ("sip@lighthouse.test", "My schools"),
    ("bursar@external.test", "Booking for your school"),
])
def test_each_other_role_has_its_section_at_every_width(page: Page, trust, email, heading):
    page.goto("/")
    sign_in_with_provider(page, email)
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    assert problems_at_widths(page, "/") == []
