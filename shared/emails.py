"""Emails from templates.  Every message a component sends is one template in its
`templates/email/` folder, extending the one layout (shared/templates/email/layout.j2)
and filling three blocks: `subject`, `text` (the plain-text part, which every mail
client can show) and `html` (the same, said in HTML inside the layout's frame).

The text is rendered without escaping and the HTML with it, so a course called
"Maths & <more>" reads as typed in both.  Templates get two helpers: `link(path)`, the
gateway's address for a page (LL_PUBLIC_URL), and the filter `london` for a time (or
a date) as people in England read it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import jinja2

from shared.clock import LONDON, as_utc

LAYOUTS = Path(__file__).parent / "templates"
WHEN = "%A %-d %B %Y at %H:%M"


@dataclass(frozen=True)
class Email:
    subject: str
    text: str
    html: str


def london(value: datetime | date, format: str = WHEN) -> str:  # noqa: A002 - the filter's argument, by name
    if isinstance(value, datetime):
        value = as_utc(value).astimezone(LONDON)
    return value.strftime(format)


def link(path: str) -> str:
    from shared.settings import get_settings

    return get_settings().public_url.rstrip("/") + path


class Templates:
    """A component's email templates (in `folder`/email/), with the shared layout."""

    def __init__(self, folder: Path):
        loader = jinja2.FileSystemLoader([folder, LAYOUTS])
        # trim_blocks and lstrip_blocks: a tag alone on its line leaves no line behind,
        # so the text block reads as the message will; undefined names fail loudly.
        # auto_reload off: templates ship with the code, and checking each file's time on
        # every message would cost the booking path a system call per template.
        options = dict(loader=loader, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                       undefined=jinja2.StrictUndefined, auto_reload=False)
        self._text = jinja2.Environment(autoescape=False, **options)
        self._html = jinja2.Environment(autoescape=True, **options)
        for env in (self._text, self._html):
            env.filters["london"] = london
            env.globals["link"] = link

    def load_all(self) -> None:
        """Compile every template now rather than at its first message."""
        for env in (self._text, self._html):
            for name in env.list_templates(extensions=["j2"]):
                env.get_template(name)

    def render(self, template: str, /, **context) -> Email:
        """What `email/<template>.j2` says with this context: its subject (one line),
        its plain text, and its HTML document."""
        path = f"email/{template}.j2"
        plain = self._text.get_template(path)
        text_context = plain.new_context(context)
        subject = "".join(plain.blocks["subject"](text_context)).strip()
        return Email(subject=subject, text="".join(plain.blocks["text"](text_context)),
                     html=self._html.get_template(path).render(context, email_subject=subject))
