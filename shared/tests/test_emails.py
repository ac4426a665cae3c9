"""The one layout: a message written once as a template gives its subject, a plain-text
part sent as written, and an HTML part (escaped) in the layout's frame."""
from __future__ import annotations

from datetime import date, datetime, timezone

import jinja2
import pytest

from shared.emails import Templates


@pytest.fixture
def templates(tmp_path):
    (tmp_path / "email").mkdir()
    (tmp_path / "email" / "hello.j2").write_text('''{% extends "email/layout.j2" %}
{% block subject %}Booked: {{ title }}, {{ starts|london }}{% endblock %}
{% block text %}
Dear {{ name }},

You have a place on {{ title }}.
{% if note %}

Note: {{ note }}
{% endif %}
See {{ link('/my-cpd') }}.
{% endblock %}
{% block html %}
<p>Dear {{ name }},</p>
<p>You have a place on <strong>{{ title }}</strong>.</p>
{% endblock %}
''')
    return Templates(tmp_path)


def test_one_template_gives_subject_text_and_html(templates, monkeypatch):
    monkeypatch.setenv("LL_PUBLIC_URL", "https://cpd.example.org/")
    message = templates.render("hello", title="Maths & <more>", name="Zoë 'Jo'", note=None,
                               starts=datetime(2027, 3, 28, 9, 0, tzinfo=timezone.utc))
    assert message.subject == "Booked: Maths & <more>, Sunday 28 March 2027 at 10:00"  # British Summer Time
    assert message.text == ("Dear Zoë 'Jo',\n\nYou have a place on Maths & <more>.\n"
                            "See https://cpd.example.org/my-cpd.\n")
    assert "<p>You have a place on <strong>Maths &amp; &lt;more&gt;</strong>.</p>" in message.html
    assert message.html.startswith("<!DOCTYPE html>") and "<title>Booked: Maths &amp; &lt;more&gt;," in message.html
    noted = templates.render("hello", title="Phonics", name="Tara", note="Cover & all", starts=date(2027, 1, 4))
    assert noted.text.endswith("Phonics.\n\nNote: Cover & all\nSee https://cpd.example.org/my-cpd.\n")
    assert noted.subject == "Booked: Phonics, Monday 4 January 2027 at 00:00"


def test_a_name_a_template_does_not_get_is_an_error_not_a_blank(templates):
    with pytest.raises(jinja2.UndefinedError):
        templates.render("hello", title="Phonics", note=None, starts=date(2027, 1, 4))
