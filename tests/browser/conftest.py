"""The browser the journeys drive (Debian's chromium through Playwright) and a page in it."""
from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, gateway_server):
    # bypass_csp lets the test inject axe-core; the pages themselves keep their strict CSP
    # (tests/browser/test_widths.py opens pages with it on and fails on any refusal)
    context = browser.new_context(base_url=gateway_server.url, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    # Let the page finish loading what it asked for (its icon comes after `load`) before
    # the context closes: werkzeug leaves a static file open when the browser drops the
    # connection mid-answer, and the ResourceWarning fails whichever test comes next.
    if not page.is_closed():
        page.wait_for_load_state("networkidle")
    context.close()
