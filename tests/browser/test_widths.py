"""The frame every page shares, at phone, tablet and desktop widths: the header becomes a
menu on a phone and stays on one line for an admin on a desktop; the pages that belong to
no feature reflow at 320 px and pass axe; and no page breaks its own Content-Security-Policy
(the charts and the design system's scripts included)."""
from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.support import WIDTHS, axe_violations, problems_at_widths, sideways_scroll, sign_in_with_provider


def nav_rows(page: Page) -> int:
    """How many lines the header's links take."""
    return page.evaluate("""() => new Set([...document.querySelectorAll('.govuk-service-navigation__item')]
        .filter(e => e.offsetParent !== null).map(e => Math.round(e.getBoundingClientRect().top))).size""")


def test_the_admin_header_is_one_line_on_a_desktop_and_a_menu_on_a_phone(page: Page, make_person):
    make_person("ll.admin@lighthouse.test", "Alex Admin", roles=[("ll_admin",)])
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/")
    sign_in_with_provider(page, "ll.admin@lighthouse.test")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Alex Admin")
    assert nav_rows(page) == 1
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()

    page.set_viewport_size({"width": 390, "height": 800})
    page.reload()
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    people = page.get_by_role("navigation", name="Main").get_by_role("link", name="People")
    expect(people).to_be_hidden()
    # from the keyboard: past the skip link and the home link to the menu, open it, reach a link
    menu.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(people).to_be_visible()
    people.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People and roles")


def test_without_javascript_the_phone_header_lists_every_link(browser, gateway_server):
    context = browser.new_context(base_url=gateway_server.url, java_script_enabled=False,
                                  viewport={"width": 320, "height": 800})
    page = context.new_page()
    page.goto("/")
    nav = page.get_by_role("navigation", name="Main")
    for name in ("Home", "Courses", "Sessions", "Networks"):
        expect(nav.get_by_role("link", name=name)).to_be_visible()
    context.close()


def test_the_frame_and_shared_pages_reflow_and_pass_axe(page: Page, make_person, make_school):
    school = make_school(name="Saltmarsh Primary")
    make_school(name="The Church of England Voluntary Aided Primary School of St Mary and St John, Saltmarsh")
    make_person("ll.admin@lighthouse.test", "Alex Admin", roles=[("ll_admin",)])
    for i in range(3):
        make_person(f"staff{i}@lighthouse.test", f"Sam Staff {i} with a rather long name", roles=[("staff", school)],
                    school_id=school)
    problems = problems_at_widths(page, "/")  # a visitor's home
    problems += problems_at_widths(page, "/sign-in")
    problems += problems_at_widths(page, "/no-such-page")
    page.goto("/")
    sign_in_with_provider(page, "ll.admin@lighthouse.test")
    for path in ("/", "/admin/people", "/admin/people?q=staff", "/dev/mailbox", "/admin/orders", "/admin/income"):
        problems += problems_at_widths(page, path)
    assert problems == []


def test_no_page_breaks_its_own_content_security_policy(browser, gateway_server, make_person, make_school):
    """The other browser tests switch the CSP off to inject axe-core; here it is on, and
    any refusal (an inline style or script, a chart drawn the wrong way) fails."""
    make_person("ll.admin@lighthouse.test", "Alex Admin", roles=[("ll_admin",)])
    context = browser.new_context(base_url=gateway_server.url)
    page = context.new_page()
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto("/")
    sign_in_with_provider(page, "ll.admin@lighthouse.test")
    for path in ("/", "/courses", "/sessions", "/networks", "/my-cpd", "/approvals", "/admin/people", "/admin/income"):
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            page.goto(path)
    assert refused == []
    context.close()


def test_the_one_click_answer_page_reflows_and_passes_axe(page: Page, stack, service_call, make_school, make_person):
    """The page a member lands on from the meeting invitation's link, often on a phone."""
    from gateway.tests.test_home_network_lead import led_network
    from shared.links import rsvp_token

    made = led_network(service_call, make_school, make_person, n=1)
    link = "/rsvp/" + rsvp_token(stack.settings.link_secret, made["meeting"], made["lead"], "NO")
    assert problems_at_widths(page, link) == []
    page.set_viewport_size({"width": 320, "height": 800})
    page.get_by_role("button", name="No").click()
    expect(page.get_by_role("status")).to_contain_text("for Maths network next meeting")
    assert sideways_scroll(page) == 0 and axe_violations(page) == []  # the answer recorded, at 320 px
