"""Pre-work clips on the sprint page: a leader finds clips in a long library from each
session's row (a search that brings the form back unsaved, nothing typed lost), the
clips chosen survive a plan sent back with problems and are ticked when replanning,
a film the leader may not watch is never offered and refused beside its session when
sent, and the sprint page links each session's clips for whoever may watch them."""
from __future__ import annotations

import re

import pytest

from gateway.tests.cascade_world import build, film, plan_input
from gateway.tests.test_organisations import words
from services.catalogue.tests.cascade_helpers import school_day
from tests.support.fixtures import csrf_token, gql, sign_in


@pytest.fixture
def world(client, make_school, make_person, make_course):
    return build(client, make_school, make_person, make_course)


@pytest.fixture
def library():
    """A library longer than a row offers: the film to find is the oldest, twelve newer
    ones, and one waiting for consent that a school leader may not watch."""
    films = {"bar": film("Bar models in Year 4", seconds=330)}
    films |= {f"f{i}": film(f"Fluency starter {i:02d}", seconds=60 * i) for i in range(1, 13)}
    films["pending"] = film("Counting in Reception", consent="PENDING")
    return films


def url(world) -> str:
    return f"/programmes/{world.programme_id}/schools/{world.schools['a']}/sprint"


def post(client, world, action: str, **fields):
    return client.post(url(world), data={"csrf_token": csrf_token(client), "action": action, "rows": "3",
                                         "lead": str(world.people["head.a@a.test"]), **fields})


def when(days: int) -> str:
    return school_day(days).strftime("%Y-%m-%dT%H:%M")


def ticked(html: str, row: int) -> list[str]:
    """The clips ticked in a row of the plan form, by id."""
    return re.findall(rf'name="session-{row}-videos" value="(\d+)" checked', html)


def offered(html: str, row: int) -> list[str]:
    return re.findall(rf'name="session-{row}-videos" value="(\d+)"', html)


def test_a_leader_finds_chosen_clips_keeps_them_through_problems_and_everyone_sees_them(client, world, library):
    sign_in(client, "head.a@a.test")
    page = client.get(url(world)).get_data(as_text=True)
    # each row offers the library's ten newest (never the film waiting for consent), and a search
    assert offered(page, 0) == [library[f"f{i}"] for i in range(12, 2, -1)]
    assert "The 10 newest of the 13 clips in the library; search for others." in words_of(page)
    assert library["pending"] not in offered(page, 0) and 'name="session-2-find"' in page
    found = post(client, world, "find-0", **{"session-0-topic": "Bar models", "session-0-find": "bar models",
                                             "session-1-topic": "Reasoning"})
    assert found.status_code == 200  # nothing saved, nothing lost
    html = found.get_data(as_text=True)
    assert offered(html, 0) == [library["bar"]] and "1 clip matches “bar models”." in words_of(html)
    assert 'Bar models in Year 4 <span class="govuk-body-s">(5:30)</span>' in html
    assert '<details class="govuk-details govuk-!-margin-bottom-0" id="clips-0" open>' in html
    assert 'value="Bar models"' in html and 'value="Reasoning"' in html and "was saved" not in html
    assert offered(html, 1)[0] == library["f12"]  # the other rows still offer the newest
    refused = post(client, world, "plan", **{
        "session-0-topic": "Bar models", "session-0-when": when(3), "session-0-find": "bar models",
        "session-0-videos": [library["bar"], library["f12"]],
        "session-1-topic": "Reasoning", "session-1-when": "2030-13-45", "session-1-videos": [library["f1"]]})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Enter the date and time of session 2" in words_of(html)
    # the clips chosen come back ticked, the one found by search and those from the newest alike
    assert ticked(html, 0) == [library["bar"], library["f12"]] and ticked(html, 1) == [library["f1"]]
    done = post(client, world, "plan", **{
        "session-0-topic": "Bar models", "session-0-when": when(3), "session-0-videos": [library["bar"], library["f12"]],
        "session-1-topic": "Reasoning", "session-1-when": when(8), "session-1-videos": [library["f1"]]})
    assert done.status_code == 302
    after = client.get(done.headers["Location"])
    assert "The sprint's plan was saved." in words(after)
    shown = after.get_data(as_text=True)
    assert (f'<a class="govuk-link" href="/library/{library["bar"]}">Bar models in Year 4</a> '
            '<span class="govuk-body-s">(5:30)</span>') in shown
    assert f'href="/library/{library["f1"]}">Fluency starter 01</a>' in shown
    # replanning: the clips chosen are ticked, first in their rows
    assert ticked(shown, 0) == [library["bar"], library["f12"]] and ticked(shown, 1) == [library["f1"]]
    assert "(2 chosen)" in words_of(shown)
    # a SIP of the school reads the sprint with its clips, and plans nothing
    sign_in(client, "sip.a@trust.test")
    seen = client.get(url(world)).get_data(as_text=True)
    assert f'href="/library/{library["bar"]}">Bar models in Year 4</a>' in seen and "session-0-videos" not in seen


def test_a_film_the_viewer_may_not_watch_is_not_shown_and_cannot_be_chosen(client, world, library):
    sign_in(client, "admin@trust.test")  # an admin may watch a film waiting for consent, and plan with it
    sessions = [{"topic": "Counting", "scheduledAt": school_day(4).isoformat(),
                 "videoIds": [library["bar"], library["pending"]]}]
    made = gql(client, """mutation($input: SprintInput!) { planSprint(input: $input) { userErrors { message } } }""",
               {"input": plan_input(world, sessions=sessions)})["data"]["planSprint"]
    assert made["userErrors"] == []
    assert "Counting in Reception" in words(client.get(url(world)))
    sign_in(client, "head.a@a.test")
    page = words(client.get(url(world)))
    assert "Bar models in Year 4" in page and "Counting in Reception" not in page
    # sent by id all the same (a forged form): refused beside the session's clips, nothing changed
    refused = post(client, world, "plan", **{"session-0-topic": "Counting", "session-0-when": when(4),
                                             "session-0-videos": [library["pending"]]})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert re.search(r'<p class="govuk-error-message" id="session-0-videos-error"><span class="govuk-visually-hidden">'
                     rf'Error:</span> Video {library["pending"]} is not one you can watch in the video library', html)
    assert f'<a href="#session-0-videos">Video {library["pending"]} is not one' in html
    assert 'id="session-0-videos"' in html  # the summary's link has a checkbox to go to
    sign_in(client, "admin@trust.test")
    assert "Counting in Reception" in words(client.get(url(world)))
    sign_in(client, "head.a@a.test")
    many = post(client, world, "plan", **{"session-0-topic": "Counting", "session-0-when": when(4),
                                          "session-0-videos": [library[f"f{i}"] for i in range(1, 12)]})
    assert many.status_code == 422 and "Choose at most 10 clips for a session." in words(many)
    assert len(ticked(many.get_data(as_text=True), 0)) == 11  # all still ticked, to untick one


def test_enter_in_a_search_box_searches_and_anywhere_else_saves(client, world, library):
    sign_in(client, "head.a@a.test")
    typed = {"session-0-topic": "Counting", "session-0-when": when(4), "session-1-find": "bar"}
    searched = post(client, world, "enter", **typed)
    assert searched.status_code == 200 and offered(searched.get_data(as_text=True), 1) == [library["bar"]]
    # searched already: Enter now saves (the search box still holds its words)
    saved = post(client, world, "enter", **typed, **{"session-1-searched": "bar"})
    assert saved.status_code == 302
    assert "1. Counting" in words(client.get(saved.headers["Location"]))


def words_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())
