"""What every page's template may use: how values are shown (labels, money, lengths,
UK times, Markdown) and who is looking (`viewer`, `is_admin`, `is_leader`)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import Flask, g

from shared.clock import LONDON, academic_year_of, utcnow

# The key stages, written as they are said; the catalogue's filters and forms offer them.
PHASES = ["EYFS", "KS1", "KS2", "KS3", "KS4", "KS5"]


def label(value: str | None) -> str:
    """KS2 stays KS2; IN_PERSON becomes In person."""
    if not value:
        return ""
    if value in PHASES or value in ("ECT", "SIP"):
        return value
    if value == "LL_ADMIN":
        return "Lighthouse Learning admin"
    return value.replace("_", " ").capitalize()


def markdown(text: str | None):
    """Minutes as the lead wrote them, rendered safely: raw HTML in the Markdown is shown
    as text, and the result is cleaned by an allow-list sanitiser (nh3) as well, so no
    script, handler or javascript: link gets through."""
    import nh3
    from markdown_it import MarkdownIt
    from markupsafe import Markup

    if not text:
        return ""
    html = MarkdownIt("commonmark", {"html": False}).enable("table").render(text)
    return Markup(nh3.clean(html, url_schemes={"http", "https", "mailto"}))


def pence(value: int | None) -> str:
    return "" if value is None else f"£{value / 100:,.2f}"


def duration(minutes: int) -> str:
    hours, mins = divmod(int(minutes), 60)
    if hours and mins:
        return f"{hours} h {mins} min"
    return f"{hours} h" if hours else f"{mins} min"


def when(value: str | None) -> str:
    """An ISO time shown in Europe/London, as people in the trust read it."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value).astimezone(LONDON)
    return moment.strftime("%a %-d %b %Y, %H:%M")


def on_day(value: str | None) -> str:
    """A date from the API (2027-02-05) as people read it: Fri 5 Feb 2027."""
    return date.fromisoformat(value).strftime("%a %-d %b %Y") if value else ""


def when_time(value: str | None) -> str:
    return datetime.fromisoformat(value).astimezone(LONDON).strftime("%H:%M") if value else ""


def field_label(name: str) -> str:
    """An audit entry's field as a person reads it: starts_at → Starts at,
    summer.ends_on → Summer ends on."""
    return name.replace(".", " ").replace("_", " ").capitalize()


def audit_value(text: str | None) -> str:
    """A value an audit entry holds (as the API gives it, text): times in UK time, a
    status as a word (PENDING_APPROVAL: Pending approval), long text cut short, and
    nothing said as such."""
    if text is None or text == "":
        return "nothing"
    if text.isupper() and text.replace("_", "").isalpha():
        return label(text)
    if len(text) >= 20 and text[4:5] == "-" and "T" in text[10:11]:
        try:
            return when(text)
        except ValueError:
            pass
    return text if len(text) <= 300 else text[:299] + "…"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def current_academic_year() -> str:
    return academic_year_of(utcnow().astimezone(LONDON).date())


def _viewer():
    identity = g.get("identity")
    return {"viewer": g.get("person"), "is_admin": bool(identity and identity.is_admin),
            "is_leader": bool(identity and (identity.has_role("school_leader") or identity.is_admin))}


def install(app: Flask) -> None:
    for f in (label, markdown, pence, duration, when, on_day, when_time, ordinal, field_label, audit_value):
        app.add_template_filter(f)
    app.add_template_global(current_academic_year)
    app.add_template_global(timedelta)
    app.context_processor(_viewer)
