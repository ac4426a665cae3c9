"""The cascade's pages in a real browser: the coverage map read by its words as well as
its colours and reordered from the keyboard, a sprint planned from the keyboard with its
problems summarised and focused, pre-work clips found and chosen from the keyboard on a
phone, and every page — the map, the programmes and their
form, a sprint, a QA note with its changes, a school, a SIP's home — axe-clean, reflowing
at phone and tablet widths, and within its own Content-Security-Policy."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from gateway.tests.cascade_world import build, film, hold_first, note, plan
from services.catalogue.tests.cascade_helpers import school_day
from tests.browser.support import WIDTHS, axe_violations, problems_at_widths, sideways_scroll, sign_in_with_provider
from tests.support.fixtures import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def world(client, make_school, make_person, make_course):
    """The cascade world with Ashby's sprint planned (a clip as its second session's
    pre-work), its first session held and noted (the note changed once), and Brook's
    sprint planned, and a few films in the library: every page has something on it."""
    made = build(client, make_school, make_person, make_course)
    made.films = {"bar": film("Bar models in Year 4", seconds=330), "fluency": film("Fluency starters", seconds=95),
                  "pending": film("Counting in Reception", consent="PENDING")}
    sign_in(client, "head.a@a.test")
    plan(client, made, "a", sessions=[
        {"topic": "Session 1", "scheduledAt": school_day(3).isoformat()},
        {"topic": "Session 2", "scheduledAt": school_day(8).isoformat(), "videoIds": [made.films["fluency"]]}])
    hold_first(client, made, "a")
    sign_in(client, "head.b@b.test")
    plan(client, made, "b", lead="head.b@b.test")
    sign_in(client, "sip.a@trust.test")
    first = made.sprints["a"]["sessions"][0]["id"]
    note(client, first)
    note(client, first, judgement="SECURE", strengths="Clear modelling; pupils explained their reasoning.")
    return made


def test_the_coverage_map_says_each_state_in_words_and_reorders_from_the_keyboard(page: Page, world):
    page.goto("/")
    sign_in_with_provider(page, "admin@trust.test")
    page.goto(f"/programmes/{world.programme_id}")
    table = page.get_by_role("table", name="3 schools, by risk band, highest first")
    expect(table.get_by_role("columnheader")).to_have_text([
        "School", "Risk", "Source session attended", "Network follow-up attended", "Sprint planned",
        "First session held", "QA recorded", "Complete"])
    brook = table.get_by_role("row").filter(has_text="Brook Academy")
    # Brook planned a sprint though nobody came to the source session or the follow-up: two gaps
    expect(brook.locator("td.ll-cascade__cell--gap")).to_have_count(2)
    expect(brook.locator("td.ll-cascade__cell--gap").first).to_have_text("✗ Gap")
    ashby = table.get_by_role("row").filter(has_text="Ashby Primary")
    expect(ashby.locator("td").nth(1)).to_have_text("✓ Done 2 staff")
    assert axe_violations(page) == []
    order = page.get_by_label("Order the schools by")
    order.focus()
    page.keyboard.press("ArrowDown")  # to "Furthest behind first"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("table", name="3 schools, by furthest behind first")).to_be_visible()
    assert "order=STAGE" in page.url
    expect(page.get_by_role("table").get_by_role("row").nth(1)).to_contain_text("Cedar Infants")


def test_a_leader_plans_from_the_keyboard_and_is_taken_to_the_problems(page: Page, world):
    page.goto("/")
    sign_in_with_provider(page, "head.b@b.test")
    page.goto(f"/programmes/{world.programme_id}/schools/{world.schools['b']}/sprint")
    expect(page.get_by_role("heading", level=1)).to_have_text("Brook Academy: sprint")
    page.get_by_label("Topic of session 3").fill("A third, on the weekend")
    page.get_by_label("Date and time of session 3").fill("2031-03-08T10:00")  # a Saturday
    page.get_by_label("Topic of session 3").press("Enter")  # Enter submits the form
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("is not a school day")
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Date and time of session 3")).to_be_focused()
    assert axe_violations(page) == []
    page.get_by_label("Date and time of session 3").fill(school_day(12).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Save the plan").click()
    expect(page.get_by_role("status")).to_have_text("The sprint's plan was saved.")
    expect(page.get_by_role("rowheader", name="3. A third, on the weekend")).to_be_visible()


def test_a_leader_finds_and_chooses_pre_work_from_the_keyboard_on_a_phone(page: Page, world):
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto("/")
    sign_in_with_provider(page, "head.b@b.test")
    page.goto(f"/programmes/{world.programme_id}/schools/{world.schools['b']}/sprint")
    clips = page.locator("#clips-0")
    clips.locator("summary").focus()
    page.keyboard.press("Enter")  # a govuk-details opens from the keyboard
    # the library's newest, never the film waiting for consent
    expect(clips.get_by_role("checkbox")).to_have_count(2)
    expect(clips).not_to_contain_text("Counting in Reception")
    page.get_by_label("Search the library for session 1's pre-work").focus()
    page.keyboard.type("bar models")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # Enter in the search box searches; nothing is saved
    expect(page.get_by_role("status")).to_have_count(0)
    clips = page.locator("#clips-0")
    expect(clips).to_have_attribute("open", "")
    expect(clips).to_contain_text("1 clip matches “bar models”.")
    found = clips.get_by_role("checkbox", name="Bar models in Year 4 (5:30)")
    found.focus()
    page.keyboard.press("Space")
    expect(found).to_be_checked()
    assert sideways_scroll(page) == 0 and axe_violations(page) == []
    page.get_by_label("Topic of session 1").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")  # Enter elsewhere saves the plan, the search box's words searched already
    expect(page.get_by_role("status")).to_have_text("The sprint's plan was saved.")
    expect(page.locator("#clips-0 summary")).to_contain_text("(1 chosen)")
    link = page.get_by_role("link", name="Bar models in Year 4")
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bar models in Year 4")


def _pages(world) -> list[str]:
    a, sprint = world.schools["a"], world.sprints["a"]
    return ["/", "/programmes", f"/programmes/{world.programme_id}", f"/programmes/{world.programme_id}?order=SCHOOL",
            f"/programmes/{world.programme_id}/schools/{a}/sprint",
            f"/sprints/{sprint['id']}/sessions/{sprint['sessions'][0]['id']}/qa-note", f"/schools/{a}"]


@pytest.mark.parametrize("email", ["admin@trust.test", "sip.a@trust.test", "head.a@a.test"])
def test_every_cascade_page_reflows_and_passes_axe(page: Page, world, email):
    page.goto("/")
    sign_in_with_provider(page, email)
    pages = _pages(world)
    if email == "admin@trust.test":
        pages += [f"/admin/programmes/{world.programme_id}/edit", "/admin/programmes/new"]
    problems = []
    for path in pages:
        problems += problems_at_widths(page, path)
    assert problems == []


def test_no_cascade_page_breaks_its_content_security_policy(browser, gateway_server, world):
    context = browser.new_context(base_url=gateway_server.url)
    page = context.new_page()
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto("/")
    sign_in_with_provider(page, "admin@trust.test")
    for path in _pages(world) + [f"/admin/programmes/{world.programme_id}/edit"]:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            page.goto(path)
    assert refused == []
    context.close()
