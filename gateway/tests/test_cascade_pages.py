"""The cascade's pages, as people use them: the programmes, a programme's coverage map
(a word and a symbol in every cell, high-risk gaps first) and its downloads, making a
programme, a school's sprint planned and recorded (a date that is not a school day
refused beside its session), a session taken on, a QA note recorded and changed with
its changes shown as a diff, the school page's risk band, and a SIP's home."""
from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest

from gateway.tests.cascade_world import build, hold_first, note, plan
from gateway.tests.test_organisations import words
from services.catalogue.tests.cascade_helpers import school_day
from tests.support.fixtures import csrf_token, sign_in


@pytest.fixture
def world(client, make_school, make_person, make_course):
    return build(client, make_school, make_person, make_course)


def post(client, url: str, **data):
    return client.post(url, data={"csrf_token": csrf_token(client), **data})


def test_the_coverage_map_reads_in_a_second_and_downloads(client, world):
    sign_in(client, "head.b@b.test")
    plan(client, world, "b", lead="head.b@b.test")
    sign_in(client, "admin@trust.test")
    listed = words(client.get("/programmes"))
    assert "White Rose Maths mastery" in listed and "QA recorded" in listed
    page = client.get(f"/programmes/{world.programme_id}")
    assert page.status_code == 200
    said = words(page)
    assert "3 schools, by risk band, highest first" in said
    # every cell says its state in words; the colour only repeats it
    html = page.get_data(as_text=True)
    assert html.count("ll-cascade__cell--gap") == 2 + 1  # Brook's two skipped links, and the key's sample
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', html, flags=re.S)[1:]
    assert [re.search(r">([A-Z][a-z]+ [A-Z][a-z]+)</a>", r).group(1) for r in rows] == [
        "Ashby Primary", "Brook Academy", "Cedar Infants"]
    assert "✓ Done 2 staff" in words_of(rows[0]) and "✗ Gap" in words_of(rows[1])
    assert "High-risk schools with gaps or not yet planning: Ashby Primary." in said
    assert "Source session attended : 1 of 3 schools" in said and "QA recorded : 0 of 3 schools" in said
    by_name = words(client.get(f"/programmes/{world.programme_id}?order=SCHOOL"))
    assert "3 schools, by school name" in by_name
    exported = client.get(f"/programmes/{world.programme_id}/coverage.csv")
    assert exported.headers["Content-Disposition"].startswith('attachment; filename="white-rose-maths-mastery-coverage')
    table = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert table[0][:4] == ["School", "Risk band", "Stage", "Source session: staff who came"]
    assert [r[:4] for r in table[1:]] == [["Ashby Primary", "High", "Network follow-up attended", "2"],
                                         ["Brook Academy", "Medium", "Sprint planned", "0"],
                                         ["Cedar Infants", "Low", "Not started", "0"]]
    xlsx = client.get(f"/programmes/{world.programme_id}/coverage.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"


def words_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_a_leader_sees_their_own_row_and_staff_see_none(client, world):
    sign_in(client, "head.a@a.test")
    said = words(client.get(f"/programmes/{world.programme_id}"))
    assert "1 school, by school name" in said and "Brook Academy" not in said and "High" in said
    exported = client.get(f"/programmes/{world.programme_id}/coverage.csv").get_data(as_text=True)
    assert exported.count("\n") == 2 and "Ashby Primary" in exported
    sign_in(client, "teacher.a@a.test")
    assert "You follow none of this programme's schools" in words(client.get(f"/programmes/{world.programme_id}"))
    assert client.get(f"/schools/{world.schools['a']}").status_code == 404
    sign_in(client, "booker@outside.test")
    assert client.get(f"/programmes/{world.programme_id}").status_code == 404


def test_an_admin_makes_a_programme_in_two_steps(client, world, make_course):
    course = make_course(title="Read Write Inc")
    first = client.get(f"/admin/programmes/new?course={course['id']}&network={world.network_id}")
    assert "This course has no sessions yet" in words(first) and "Autumn follow-up" in words(first)
    refused = post(client, "/admin/programmes/new", course=str(course["id"]), network=str(world.network_id),
                   title="", scope="PHASE", phase="")
    assert refused.status_code == 422
    said = words(refused)
    assert "The programme was not saved" in said and "Choose the phase whose schools take part." in said
    step = client.get(f"/admin/programmes/new?course={world.course_id}&network={world.network_id}")
    assert step.get_data(as_text=True).count('name="sourceSessionIds"') == 2
    made = post(client, "/admin/programmes/new", course=str(world.course_id), network=str(world.network_id),
                title="Year 4 fractions", scope="LIST", sourceSessionIds=[str(s) for s in world.session_ids],
                followUpMeetingIds=str(world.meeting_id), schoolIds=[str(world.schools["a"]), str(world.schools["c"])])
    assert made.status_code == 302
    shown = words(client.get(made.headers["Location"]))
    assert "Year 4 fractions saved." in shown and "2 schools, by risk band" in shown
    edit = client.get(made.headers["Location"].split("?")[0].replace("/programmes/", "/admin/programmes/") + "/edit")
    assert 'value="Year 4 fractions"' in edit.get_data(as_text=True)
    sign_in(client, "head.a@a.test")
    assert client.get("/admin/programmes/new").status_code == 403


def test_the_programme_form_offers_every_course_not_only_the_first_page(client, world, make_course):
    # More courses than one page of the API gives: the oldest is still offered.
    for n in range(100):
        make_course(title=f"Course {n:03d}")
    offered = client.get("/admin/programmes/new").get_data(as_text=True)
    assert "White Rose Maths" in offered and "Course 099" in offered


def test_a_leader_plans_the_sprint_with_every_problem_beside_its_session(client, world):
    sign_in(client, "head.a@a.test")
    url = f"/programmes/{world.programme_id}/schools/{world.schools['a']}/sprint"
    saturday = school_day(6).date() + timedelta(days=(5 - school_day(6).weekday()) % 7)
    refused = post(client, url, action="plan", rows="3", lead=str(world.people["head.a@a.test"]),
                   **{"session-0-topic": "Fluency", "session-0-when": f"{saturday.isoformat()}T15:45",
                      "session-1-topic": "", "session-1-when": "2030-13-45",
                      "session-2-topic": "", "session-2-when": ""})
    assert refused.status_code == 422
    said = words(refused)
    assert "is not a school day" in said and "Enter the date and time of session 2" in said
    html = refused.get_data(as_text=True)
    assert 'id="session-0-when-error"' in html and 'id="session-1-when-error"' in html
    assert 'value="Fluency"' in html  # nothing typed is lost
    done = post(client, url, action="plan", rows="2", lead=str(world.people["head.a@a.test"]),
                **{"session-0-topic": "Fluency", "session-0-when": school_day(3).strftime("%Y-%m-%dT%H:%M"),
                   "session-1-topic": "Reasoning", "session-1-when": school_day(8).strftime("%Y-%m-%dT%H:%M"),
                   "session-1-minutes": "120"})
    assert done.status_code == 302
    page = words(client.get(done.headers["Location"]))
    assert "The sprint's plan was saved." in page and "1. Fluency" in page and "2. Reasoning (2 h)" in page
    assert page.count("A SIP should attend") == 2  # Ashby is high risk: every session


def test_a_session_is_recorded_taken_on_and_noted_and_every_change_kept(client, world):
    sign_in(client, "head.a@a.test")
    sprint = plan(client, world, "a")
    url = f"/programmes/{world.programme_id}/schools/{world.schools['a']}/sprint"
    second = sprint["sessions"][1]["id"]
    sign_in(client, "sip.a@trust.test")
    taken = post(client, url, action="take-on", session=second)
    assert taken.status_code == 302 and "Sita Sip attends" in words(client.get(taken.headers["Location"]))
    sign_in(client, "head.a@a.test")
    hold_first(client, world, "a")
    sign_in(client, "sip.a@trust.test")
    first = sprint["sessions"][0]["id"]
    note_url = f"/sprints/{sprint['id']}/sessions/{first}/qa-note"
    refused = post(client, note_url, judgement="", strengths="", developmentPoints="x", nextSessionPlan="y",
                   version="0")
    assert refused.status_code == 422 and "Choose the judgement" in words(refused)
    assert note(client, first, strengths="Clear modelling with cubes.")["userErrors"] == []
    changed = post(client, note_url, judgement="SECURE", strengths="Clear modelling with cubes and bar models.",
                   developmentPoints="More reasoning.", nextSessionPlan="Bar models in Year 5.", version="1")
    assert changed.status_code == 302
    html = client.get(note_url).get_data(as_text=True)
    assert "Changed by Sita Sip" in words_of(html) and "Developing → changed to Secure" in words_of(html)
    # word by word: what went struck through, what came underlined, each said in words too
    assert ('Clear modelling with <del><span class="govuk-visually-hidden">[removed: </span>cubes.<span '
            'class="govuk-visually-hidden">]</span></del><ins><span class="govuk-visually-hidden">[added: </span>cubes '
            'and bar models.') in html
    sign_in(client, "head.a@a.test")  # the school's leader reads it, and cannot change it
    read = client.get(note_url)
    assert read.status_code == 200 and "Change the note" not in words(read)
    sign_in(client, "head.b@b.test")
    assert client.get(note_url).status_code == 404


def test_the_school_page_keeps_the_band_and_shows_the_cascade(client, world):
    sign_in(client, "sip.a@trust.test")
    url = f"/schools/{world.schools['a']}"
    page = words(client.get(url))
    assert "Risk band" in page and "White Rose Maths mastery" in page and "Change the band" in page
    refused = post(client, url, band="MEDIUM", reason="", reviewOn="01/02/2027")
    assert refused.status_code == 422
    said = words(refused)
    assert "Say why the school is in this band" in said and "Enter the review date as a date" in said
    soon = (date.today() + timedelta(days=90)).isoformat()
    done = post(client, url, band="MEDIUM", reason="New head settled in.", reviewOn=soon)
    assert done.status_code == 302
    after = words(client.get(done.headers["Location"]))
    assert "The risk band was saved." in after and "Set by Sita Sip" in after and "History (1 change)" in after
    sign_in(client, "head.a@a.test")
    seen = words(client.get(url))
    assert "Medium" in seen and "Change the band" not in seen
    sign_in(client, "sip.b@trust.test")
    assert client.get(url).status_code == 404


def test_a_sips_home_lists_their_schools_by_risk_with_what_is_due(client, world):
    sign_in(client, "head.a@a.test")
    plan(client, world, "a")
    hold_first(client, world, "a")
    sign_in(client, "sip.a@trust.test")
    home = words(client.get("/"))
    assert "My schools" in home and "Ashby Primary" in home and "High risk" in home
    assert "QA note due: White Rose Maths mastery" in home and "Take on: Session 2" in home
    assert "Brook Academy" not in home


def test_the_coverage_map_costs_the_same_calls_for_3_schools_as_for_15(client, world, make_school):
    from gateway.tests.cascade_world import SAVE, programme_input
    from tests.support.counting import count_backend_calls
    from tests.support.fixtures import gql

    def cost() -> list:
        with count_backend_calls(client.application) as calls:
            assert client.get(f"/programmes/{world.programme_id}").status_code == 200
        return calls

    sign_in(client, "admin@trust.test")
    few = cost()
    for i in range(12):
        make_school(name=f"Dale School {i:02d}")
    everyone = gql(client, SAVE, {"input": programme_input(world, id=world.programme_id, scope="ALL", schoolIds=[])})
    assert everyone["data"]["saveProgramme"]["userErrors"] == []
    assert "15 schools" in words(client.get(f"/programmes/{world.programme_id}"))
    assert cost() == few
    assert [path for _, _, path in few] == ["/programmes/1", "/courses", "/sessions", "/networks",
                                            "/meetings/follow-ups", "/meetings", "/programmes/coverage",
                                            "/attendance/by-school", "/attendance/by-school"]
