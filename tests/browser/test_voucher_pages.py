"""An admin makes a voucher on /admin/vouchers — a mistake said beside its field first
— and finds it on its own page: in a real browser, checked at phone widths."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from playwright.sync_api import Page, expect

from tests.browser.support import axe_violations, problems_at_widths, sign_in_with_provider

TODAY = datetime.now(timezone.utc).date()


def test_an_admin_makes_a_voucher_for_one_course(page: Page, make_person, make_course):
    make_person("ll.admin@lighthouse.test", "Alex Admin", roles=[("ll_admin",)])
    make_course(title="Phonics for schools", visibility="PUBLIC", external_price_pence=9500)
    make_course(title="Maths for schools", visibility="PUBLIC", external_price_pence=9500)

    page.goto("/")
    sign_in_with_provider(page, "ll.admin@lighthouse.test")
    page.goto("/admin/vouchers")
    expect(page.get_by_role("heading", name="Vouchers", level=1)).to_be_visible()
    expect(page.get_by_text("There are no vouchers yet.")).to_be_visible()
    assert problems_at_widths(page) == []

    page.get_by_label("Code").fill("spring-25")
    page.get_by_label("A percentage off").check()
    page.get_by_label("Percentage off", exact=True).fill("150")
    page.get_by_label("Phonics for schools").check()
    page.get_by_label("How many orders can use it").fill("5")
    page.get_by_label("First day it can be used").fill(TODAY.isoformat())
    page.get_by_label("Last day it can be used").fill((TODAY + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Make the voucher").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Enter a percentage from 1 to 100.")
    expect(page.get_by_label("Code")).to_have_value("spring-25")  # nothing lost
    expect(page.get_by_label("Phonics for schools")).to_be_checked()
    summary.get_by_role("link", name="Enter a percentage from 1 to 100.").click()
    expect(page.get_by_label("Percentage off", exact=True)).to_be_focused()
    assert axe_violations(page) == []

    page.get_by_label("Percentage off", exact=True).fill("20")
    page.get_by_role("button", name="Make the voucher").click()
    expect(page.get_by_role("heading", name="SPRING-25", level=1)).to_be_visible()
    expect(page.get_by_text("Voucher SPRING-25 made.")).to_be_visible()
    expect(page.get_by_text("Nobody has used this voucher yet.")).to_be_visible()
    assert problems_at_widths(page) == []

    page.get_by_role("link", name="All vouchers").click()
    row = page.get_by_role("row", name="SPRING-25")
    expect(row).to_contain_text("20% off")
    expect(row).to_contain_text("Phonics for schools")
    expect(row).to_contain_text("0 of 5")
    assert problems_at_widths(page) == []
