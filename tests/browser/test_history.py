"""An admin reads an object's history on its page, in a real browser: the disclosure
opens from the keyboard, and each page stays axe-clean with it open."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import Page, expect

from services.bookings.tests.test_bookings import person
from services.networks.tests.test_meetings import meeting_body
from services.networks.tests.test_membership import member
from tests.browser.test_journeys import axe_violations, browser, page, sign_in_with_provider  # noqa: F401

pytestmark = pytest.mark.browser


def open_history(page: Page) -> None:  # noqa: F811
    """Open the History disclosure as a keyboard user would: focus it, press Enter."""
    summary = page.locator("details.history > summary")
    expect(summary).to_contain_text("History (")
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.locator("details.history")).to_have_attribute("open", "")
    expect(page.get_by_role("table", name="Changes, newest first")).to_be_visible()


def test_an_admin_reads_each_pages_history(page: Page, make_person, make_course, service_call):  # noqa: F811
    """The session, network, meeting and academic calendar pages."""
    from services.networks.db import database
    from services.networks.terms.seed import seed_calendar
    from services.networks.tests.test_networks_api import add

    make_person("ll.admin@lighthouse.test", "Alex Admin", roles=[("ll_admin",)])
    course = make_course(title="Team Teach Level 1")["id"]
    start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=20)
    sid = service_call("bookings", "POST", "/sessions", json={
        "course_id": course, "course_title": "Team Teach Level 1", "starts_at": start.isoformat(),
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
    expect(rows.first.locator(".changes li")).to_have_text("Status: Confirmed → changed to Cancelled",
                                                           use_inner_text=False)
    assert axe_violations(page) == []
    for path, entry in ((f"/networks/{maths}", "Meeting scheduled: Spring term network meeting"),
                        (f"/meetings/{meeting['id']}", "Meeting scheduled: Spring term network meeting"),
                        ("/admin/academic-years/2026-27", "Calendar for 2026-27 entered")):
        page.goto(path)
        open_history(page)
        expect(page.get_by_role("table", name="Changes, newest first")).to_contain_text(entry)
        assert axe_violations(page) == [], path
