"""The networks pages and the network lead's home section in a real browser: what a
lead reads there, every page axe-clean and reflowing at phone and tablet widths, and
the chart's facts reachable as text from the keyboard."""
from __future__ import annotations

from datetime import datetime

import pytest
from playwright.sync_api import Page, expect

from gateway.tests.test_home_network_lead import led_network
from shared.clock import LONDON, academic_year_of
from tests.browser.support import axe_violations, problems_at_widths, sideways_scroll, sign_in_with_provider

pytestmark = pytest.mark.browser


def test_a_network_lead_reads_the_next_meeting_the_actions_and_the_attendance_at_home(
        page: Page, service_call, make_school, make_person):
    made = led_network(service_call, make_school, make_person, n=3)
    page.goto("/")
    sign_in_with_provider(page, "lead@a.test")
    page.goto("/")
    section = page.get_by_role("region", name="The network you lead")
    expect(section.get_by_role("heading", level=3)).to_have_text("Maths network")
    expect(section.get_by_role("link", name="Maths network next meeting")).to_be_visible()
    expect(section).to_contain_text("Answers so far: 1 coming, 1 maybe, 0 not coming.")
    expect(section).to_contain_text("Not answered yet (2): Member 02, Member 03.")
    actions = section.get_by_role("table", name="Open actions of the Maths network, overdue first")
    first = actions.locator("tbody tr").first
    expect(first.get_by_role("rowheader")).to_have_text("Share the slides 0")
    expect(first).to_contain_text("Member 01")
    expect(first.locator(".govuk-tag")).to_have_text("Overdue")
    expect(actions.locator("tbody tr")).to_have_count(3)
    # the picture says what it shows in words, and its table opens from the keyboard
    picture = section.get_by_role("img", name="Maths network: meetings attended by each school")
    year = academic_year_of(datetime.now(LONDON).date())
    expect(picture).to_have_attribute("alt", f"Maths network: meetings attended by each school, {year}: "
                                      "Ashby Primary Attended 3, Missed 0; Brook Academy Attended 0, Missed 3.")
    summary = section.locator("summary", has_text="as a table")
    summary.focus()
    page.keyboard.press("Enter")
    table = section.locator("details table")
    expect(table).to_be_visible()
    expect(table.get_by_role("columnheader")).to_have_text(["School", "Attended", "Missed"])
    expect(table.get_by_role("row", name="Brook Academy 0 3")).to_be_visible()
    expect(section).to_contain_text("Missed two meetings or more: Brook Academy (came to 0 of 3).")
    assert axe_violations(page) == []
    # the meeting's link takes the lead to its answers
    section.get_by_role("link", name="Maths network next meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Maths network next meeting")
    expect(page.get_by_role("table", name="Answers so far").get_by_role("row", name="Lena Lead Yes")).to_be_visible()
    assert page.url.endswith(f"/meetings/{made['meeting']}")


def test_the_networks_pages_reflow_on_phones_and_tablets(page: Page, service_call, make_school, make_person):
    from services.networks.db import database
    from services.networks.terms.seed import seed_calendar

    with database().session() as db:
        seed_calendar(db)
    made = led_network(service_call, make_school, make_person, n=4)
    page.goto("/")
    sign_in_with_provider(page, "lead@a.test")
    network = made["network"]
    problems = []
    for path in ("/", "/networks", f"/networks/{network}", f"/meetings/{made['meeting']}",
                 f"/meetings/{made['held'][0]}", f"/networks/{network}/plan", f"/networks/{network}/meetings/new"):
        problems += problems_at_widths(page, path)
    assert problems == []
    # the plan's proposals too, at the narrowest width
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"/networks/{network}/plan")
    page.get_by_label("Academic year").select_option(index=1)
    page.get_by_role("button", name="Propose dates").click()
    expect(page.get_by_role("status")).to_contain_text("proposed date")
    assert sideways_scroll(page) == 0
    assert axe_violations(page) == []


def test_the_academic_year_page_reflows_for_an_admin(page: Page, make_person):
    from services.networks.db import database
    from services.networks.terms.seed import seed_calendar

    with database().session() as db:
        seed_calendar(db)
    make_person("ll.admin@lighthouse.test", "Alex Admin", roles=[("ll_admin",)])
    page.goto("/")
    sign_in_with_provider(page, "ll.admin@lighthouse.test")
    page.goto("/admin/academic-years/2026-27")
    terms = page.get_by_role("table", name="Terms and closures, 2026-27")
    expect(terms.locator("tbody tr")).to_have_count(3)
    expect(terms.get_by_role("row").filter(has_text="Spring")).to_contain_text("INSET day")
    assert problems_at_widths(page, "/admin/academic-years/2026-27") == []


def test_a_lead_marks_an_overdue_action_done_from_the_keyboard(page: Page, service_call, make_school, make_person):
    made = led_network(service_call, make_school, make_person, n=1)
    page.goto("/")
    sign_in_with_provider(page, "lead@a.test")
    page.goto(f"/meetings/{made['held'][0]}")
    actions = page.get_by_role("table", name="Actions agreed at this meeting")
    expect(actions.get_by_role("row", name="Share the slides 0")).to_contain_text("Overdue")
    page.get_by_role("button", name="Mark done — Share the slides 0").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text("Action marked done.")
    expect(actions.get_by_role("row", name="Share the slides 0").locator(".govuk-tag")).to_have_text("Done")
    assert axe_violations(page) == []
    page.goto("/")
    expect(page.get_by_role("region", name="The network you lead")).to_contain_text("No open actions.")
