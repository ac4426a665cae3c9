"""The admin's home section in a browser: axe-clean and reflowing at phone and tablet
widths with every part of it showing (the charts included), and its registers reached
from the keyboard."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from playwright.sync_api import Page, expect

from services.bookings.tests.test_admin_dashboard import places, session
from shared.clock import LONDON
from shared.vocabulary import BookingStatus
from tests.browser.support import axe_violations, problems_at_widths, sign_in_with_provider


def test_the_admin_home_is_accessible_reflows_and_works_from_the_keyboard(page: Page, make_person, make_course):
    make_person("ll.admin@lighthouse.test", "Alex Admin", roles=[("ll_admin",)])
    governors = make_course(title="Governor induction: roles and responsibilities", audiences=["GOVERNOR"])["id"]
    phonics = make_course(title="Unlocking Letters and Sounds: full training", audiences=["TEACHER"])["id"]
    now = datetime.now(timezone.utc).replace(microsecond=0)
    monday = datetime.combine(now.astimezone(LONDON).date() - timedelta(days=now.astimezone(LONDON).weekday()),
                              datetime.min.time(), LONDON)
    # this week: one session at each end of it (the first also a register to take)
    started = session(min(now - timedelta(minutes=5), monday + timedelta(hours=9)), course_id=phonics,
                      title="Unlocking Letters and Sounds: full training", capacity=24, booked=7)
    session(monday + timedelta(days=6, hours=9), course_id=governors,
            title="Governor induction: roles and responsibilities", capacity=30, booked=29)
    session(now + timedelta(days=9), course_id=phonics, title="Unlocking Letters and Sounds: full training",
            capacity=24, booked=2)  # under-filled
    rated = session(now - timedelta(days=20), course_id=phonics, title="Unlocking Letters and Sounds: full training")
    places(rated, [BookingStatus.ATTENDED] * 3, feedback_rating=4, feedback_at=now - timedelta(days=19))
    places(session(now - timedelta(days=2), course_id=governors), [BookingStatus.ATTENDED] * 4)
    places(session(now - timedelta(days=367), course_id=governors), [BookingStatus.ATTENDED] * 2)

    page.goto("/")
    sign_in_with_provider(page, "ll.admin@lighthouse.test")
    page.goto("/")
    expect(page.get_by_role("heading", name="Running the programme")).to_be_visible()
    expect(page.get_by_role("img", name="Places booked this week")).to_be_visible()
    expect(page.get_by_role("img", name="Governor CPD places attended")).to_be_visible()
    # the week's picture and its table are GOV.UK tabs; the arrow keys move between them
    fill, sessions = page.get_by_role("tab", name="Fill rates"), page.get_by_role("tab", name="Sessions")
    table = page.get_by_role("table", name="This week's sessions with places booked")
    expect(fill).to_have_attribute("aria-selected", "true")
    expect(table).to_be_hidden()
    fill.focus()
    page.keyboard.press("ArrowRight")
    expect(sessions).to_have_attribute("aria-selected", "true")
    expect(table).to_be_visible()
    expect(page.get_by_role("img", name="Places booked this week")).to_be_hidden()
    assert problems_at_widths(page, "/") == []

    # the register of the session under way, from the keyboard
    register = page.get_by_role("link", name="Take the register for Unlocking Letters and Sounds").first  # latest
    register.focus()
    assert register.evaluate("el => getComputedStyle(el).outlineStyle") == "solid"  # focus is visible
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{page.url.split('/sessions')[0].rstrip('/')}/sessions/{started}/register")
    assert axe_violations(page) == []
