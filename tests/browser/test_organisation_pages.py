"""A bursar from outside the trust registers their school, adds a colleague, and the
colleague signs in to find it: in a real browser, checked at phone widths."""
from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.support import axe_violations, problems_at_widths, sign_in_with_provider


def test_a_bursar_registers_their_school_and_a_colleague_finds_it(page: Page, make_school, make_person):
    make_school(name="Ashby Primary", urn="910001")
    make_person("bursar@external.test", "Bella Bursar", roles=[("external_booker",)])

    page.goto("/")
    sign_in_with_provider(page, "bursar@external.test")
    page.get_by_role("link", name="register your school").click()
    expect(page.get_by_role("heading", name="Register your school")).to_be_visible()
    assert problems_at_widths(page) == []

    page.get_by_label("School name").fill("Westfield Primary")
    page.get_by_label("URN (unique reference number)").fill("12345")
    page.get_by_label("Billing email address").fill("accounts@westfield.test")
    page.get_by_label("Address for invoices").fill("Westfield Primary\n1 School Lane\nWF1 1AA")
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Register your school").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Enter the URN as six digits")
    expect(page.get_by_label("School name")).to_have_value("Westfield Primary")  # nothing lost
    expect(page.get_by_label("Yes")).to_be_checked()
    summary.get_by_role("link", name="Enter the URN as six digits", exact=False).click()
    expect(page.get_by_label("URN (unique reference number)")).to_be_focused()
    assert axe_violations(page) == []  # the form with its errors (problems_at_widths loads it afresh)

    page.get_by_label("URN (unique reference number)").fill("910001")
    page.get_by_role("button", name="Register your school").click()
    expect(page.get_by_role("alert")).to_contain_text("URN 910001 belongs to one of the trust's schools")

    page.get_by_label("URN (unique reference number)").fill("123456")
    page.get_by_role("button", name="Register your school").click()
    expect(page.get_by_role("heading", name="Westfield Primary", level=1)).to_be_visible()
    expect(page.get_by_text("Westfield Primary is registered. You book for it now.")).to_be_visible()

    page.get_by_label("Their email address").fill("office@westfield.test")
    page.get_by_label("Their name").fill("Olu Office")
    page.get_by_role("button", name="Add as a booker").click()
    expect(page.get_by_text("office@westfield.test can now book for your school.")).to_be_visible()
    expect(page.get_by_text("Olu Office · office@westfield.test")).to_be_visible()
    assert problems_at_widths(page, "/organisation") == []

    page.get_by_role("button", name="Sign out").click()
    sign_in_with_provider(page, "office@westfield.test")
    expect(page.get_by_text("You book for Westfield Primary.")).to_be_visible()
    page.get_by_role("link", name="See your organisation and its bookers").click()
    expect(page.get_by_role("heading", name="Westfield Primary", level=1)).to_be_visible()
    expect(page.get_by_text("Bella Bursar · bursar@external.test")).to_be_visible()
