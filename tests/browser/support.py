"""What the browser tests share: axe-core's scan, signing in through the provider's own
page, and the look at a page at phone and tablet widths."""
from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# a small phone (WCAG 1.4.10's 320 CSS px), a common phone, a tablet in portrait
WIDTHS = (320, 390, 768)


def axe_violations(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes) {json.dumps([n['target'] for n in v['nodes']])[:300]}"
            for v in result["violations"]]


def sign_in_with_provider(page: Page, email: str) -> None:
    page.get_by_role("link", name="Sign in").first.click()
    page.get_by_role("link", name="Continue with Lighthouse Learning sign-in").click()
    # the provider's own page: type who you are and authorise
    page.fill("input[name=sub]", email)
    page.get_by_role("button", name="Authorize").click()


def sideways_scroll(page: Page) -> int:
    """How many CSS px the page is wider than its screen (0 when it reflows)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


def problems_at_widths(page: Page, path: str | None = None, widths=WIDTHS) -> list[str]:
    """Each problem the page at `path` (or the one open) has at each width: sideways
    scrolling (WCAG 1.4.10 Reflow) and axe-core violations.  The page is loaded afresh
    at each width, as a phone would load it."""
    path = path or page.url
    found = []
    for width in widths:
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(path)
        if (extra := sideways_scroll(page)) > 0:
            wide = page.evaluate(f"""() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > {width} + 1)
                .slice(-3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ')[0] : ''))""")
            found.append(f"{path} at {width}px scrolls sideways by {extra}px (widest: {wide})")
        found += [f"{path} at {width}px: {v}" for v in axe_violations(page)]
    page.set_viewport_size({"width": 1280, "height": 800})
    return found
