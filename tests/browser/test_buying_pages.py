"""A bursar from a school outside the trust buys places in a real browser: by invoice,
from the keyboard alone, to the invoice number; by card through Stripe.js (localstripe's)
to PAID when the webhook says so.  Each buying page and the orders pages at phone
widths and through axe."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from gateway.tests import test_graphql_orders
from shared.settings import get_settings
from tests.browser.support import problems_at_widths, sign_in_with_provider

world = test_graphql_orders.world  # Westfield (needs a PO number), Eastfield (not), a public course's date


def keyboard_press(page: Page, locator, key: str = "Enter") -> None:
    """Reach a control as a keyboard user does (it takes focus) and press a key on it."""
    locator.focus()
    expect(locator).to_be_focused()
    page.keyboard.press(key)


def test_a_bursar_buys_two_places_by_invoice_from_the_keyboard(page: Page, world):
    page.goto("/")
    sign_in_with_provider(page, "bursar@westfield.test")
    page.goto("/courses/phonics-for-schools")
    keyboard_press(page, page.get_by_role("link", name=re.compile("^Buy places")))
    expect(page.get_by_role("heading", name="Who is going?")).to_be_visible()

    # two places, without JavaScript's help: the number's own small form
    keyboard_press(page, page.get_by_label("Number of places"), "Control+A")
    page.keyboard.type("2")
    page.keyboard.press("Enter")
    expect(page.get_by_role("group", name="Attendee 2")).to_be_visible()
    assert problems_at_widths(page) == []

    page.get_by_label("Full name").first.focus()
    for name, email in (("Ann Archer", "ann@westfield.test"), ("Bo Baker", "bo")):
        page.keyboard.type(name)
        page.keyboard.press("Tab")
        page.keyboard.type(email)
        page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Continue")).to_be_focused()
    page.keyboard.press("Enter")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Enter attendee 2's email address")
    keyboard_press(page, summary.get_by_role("link", name=re.compile("Enter attendee 2's email address")))
    email = page.get_by_role("group", name="Attendee 2").get_by_label("Email address")
    expect(email).to_be_focused()
    expect(page.get_by_role("group", name="Attendee 1").get_by_label("Full name")).to_have_value("Ann Archer")
    page.keyboard.press("Control+A")
    page.keyboard.type("bo@westfield.test")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="How will Westfield Primary pay?")).to_be_visible()
    assert problems_at_widths(page) == []
    keyboard_press(page, page.get_by_label("By invoice"), "Space")
    expect(page.get_by_label("By invoice")).to_be_checked()
    keyboard_press(page, page.get_by_label("Purchase-order number"), "Enter")  # left empty
    expect(page.get_by_role("alert")).to_contain_text("Enter Westfield Primary's purchase-order number")
    page.get_by_label("Purchase-order number").focus()
    page.keyboard.type("PO-4471")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Check your order before you confirm it")).to_be_visible()
    expect(page.get_by_text("Ann Archerann@westfield.test")).to_be_visible()
    expect(page.get_by_text("£250.00")).to_be_visible()
    assert problems_at_widths(page) == []
    keyboard_press(page, page.get_by_role("button", name="Confirm order"))

    expect(page.get_by_role("heading", name="Order confirmed")).to_be_visible()
    expect(page.get_by_text("LL-INV-000001")).to_be_visible()
    expect(page.get_by_role("link", name="Download the invoice (PDF)")).to_be_visible()
    assert problems_at_widths(page) == []

    keyboard_press(page, page.get_by_role("link", name="Your orders").last)
    expect(page.get_by_role("heading", name="Your orders")).to_be_visible()
    expect(page.get_by_text("Invoiced")).to_be_visible()
    assert problems_at_widths(page) == []
    keyboard_press(page, page.get_by_role("link", name=re.compile(r"^Order \d+$")))
    expect(page.get_by_text("Ann Archer · ann@westfield.test")).to_be_visible()
    assert problems_at_widths(page) == []
    keyboard_press(page, page.get_by_role("button", name="Cancel Ann Archer's place"))
    expect(page.get_by_text("The place was cancelled.")).to_be_visible()
    expect(page.get_by_text("Place cancelled")).to_be_visible()


def test_a_bursar_pays_by_card_and_sees_paid_only_once_the_webhook_says_so(page: Page, world, stripe_webhook):
    page.goto("/")
    sign_in_with_provider(page, "bursar@eastfield.test")
    page.goto("/courses/phonics-for-schools")
    page.get_by_role("link", name=re.compile("^Buy places")).click()
    page.get_by_label("Full name").fill("Dee Dunn")
    page.get_by_label("Email address").fill("dee@eastfield.test")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("By card now").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Continue to payment").click()

    expect(page.get_by_role("heading", name="Pay £125.00 by card")).to_be_visible()
    expect(page.get_by_text(re.compile(r"held for 1[45] more minutes"))).to_be_visible()
    assert problems_at_widths(page) == []
    # localstripe's fake Stripe.js cannot confirm an intent with a card typed in the page
    # (its confirmCardPayment only answers a 3-D Secure question on an intent already
    # confirmed), so the card is confirmed as Stripe's own test tools would, server to
    # server, with the secret the page was given; then on, as pay.js goes, to the page
    # that shows what the webhook has said.
    from services.bookings.payments.stripe_api import StripePayments
    from services.bookings.tests.test_card_payments import pay_in_browser

    form = page.locator("#card-form")
    pay_in_browser(StripePayments(get_settings()), form.get_attribute("data-secret").split("_secret_")[0])
    page.goto(form.get_attribute("data-next"))
    expect(page.get_by_role("heading", name=re.compile("Your payment is being confirmed|Payment received"))) \
        .to_be_visible()
    # the webhook arrives about a second later; the page itself only offers to look again
    for _ in range(20):
        if page.get_by_role("heading", name="Payment received").is_visible():
            break
        page.wait_for_timeout(500)
        page.get_by_role("link", name="Check again").click()
    expect(page.get_by_role("heading", name="Payment received")).to_be_visible()
