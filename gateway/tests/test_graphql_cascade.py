"""The cascade through the GraphQL API: an admin makes a programme from a course, its
trust-wide sessions, the network and its follow-up meeting; a school leader plans the
school's sprint on school days (the catalogue's copy of the calendar) and records it; a SIP
takes on the first session and records the QA note, whose every edit is kept; a band
set later re-flags the sessions to come; and the coverage map puts each school at its
stage, assembled from all three services."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from gateway.tests.cascade_world import SAVE, build, film, hold_first, note, plan, plan_input, programme_input
from services.catalogue.tests.cascade_helpers import school_day
from services.networks.terms.models import Closure, Term
from services.networks.tests.test_networks_query_counts import add
from shared.clock import academic_year_of
from shared.vocabulary import ClosureKind, TermName
from tests.support.fixtures import gql, sign_in

COVERAGE = """query($id: ID!, $order: CoverageOrder) { programme(id: $id) { title sourceCourse { title }
  sourceSessions { id } network { name } followUpMeetings { title programme { id } } sprints { id school { name } }
  coverage(orderBy: $order) { school { name } stage attendedSource attendedFollowUp sessionsPlanned sessionsHeld
    qaRecorded gaps steps { stage state } sprint { id lead { name } } } } }"""


@pytest.fixture
def world(client, make_school, make_person, make_course):
    return build(client, make_school, make_person, make_course)


def coverage(client, world, order="SCHOOL") -> dict:
    answer = gql(client, COVERAGE, {"id": world.programme_id, "order": order})
    assert "errors" not in answer, answer
    return answer["data"]["programme"]


def test_the_cascade_from_programme_to_qa_note_and_the_coverage_it_makes(client, world):
    made = coverage(client, world)
    assert made["sourceCourse"]["title"] == "White Rose Maths: Year 4" and len(made["sourceSessions"]) == 2
    assert made["network"]["name"] == "Maths network" and made["followUpMeetings"][0]["title"] == "Autumn follow-up"
    stages = {c["school"]["name"]: (c["stage"], c["attendedSource"], c["attendedFollowUp"]) for c in made["coverage"]}
    # Tara came to both source sessions and Lee to one: two people; Ted did not come
    assert stages == {"Ashby Primary": ("NETWORK_FOLLOW_UP", 2, True), "Brook Academy": ("NOT_STARTED", 0, False),
                      "Cedar Infants": ("NOT_STARTED", 0, False)}

    sign_in(client, "head.a@a.test")
    sprint = plan(client, world, "a")
    # Ashby is HIGH risk: every session is flagged for the central team
    assert sprint["status"] == "PLANNED" and [s["flaggedForCentral"] for s in sprint["sessions"]] == [True, True]
    hold_first(client, world, "a")
    sign_in(client, "sip.a@trust.test")
    first = world.sprints["a"]["sessions"][0]["id"]
    recorded = note(client, first)
    assert recorded["userErrors"] == [] and recorded["qaNote"]["author"]["name"] == "Sita Sip"
    edited = note(client, first, judgement="SECURE", strengths="Clear modelling; pupils explained.", version=1)
    assert edited["qaNote"]["revisions"] == [
        {"editedByName": "Sita Sip", "judgement": "DEVELOPING", "strengths": "Clear modelling."}]

    sign_in(client, "admin@trust.test")
    ashby = next(c for c in coverage(client, world)["coverage"] if c["school"]["name"] == "Ashby Primary")
    assert (ashby["stage"], ashby["sessionsPlanned"], ashby["sessionsHeld"], ashby["qaRecorded"]) == (
        "QA_RECORDED", 2, 1, True)
    assert [s["state"] for s in ashby["steps"]] == ["DONE"] * 5 + ["TO_DO"]
    assert ashby["sprint"]["lead"]["name"] == "Lee Leader"


def test_a_gap_shows_and_the_risk_order_puts_high_risk_gaps_first(client, world):
    sign_in(client, "head.b@b.test")
    plan(client, world, "b", lead="head.b@b.test")  # Brook planned, though nobody came to the source session
    sign_in(client, "admin@trust.test")
    by_risk = coverage(client, world, "RISK")["coverage"]
    assert [c["school"]["name"] for c in by_risk] == ["Ashby Primary", "Brook Academy", "Cedar Infants"]
    brook = by_risk[1]
    assert brook["stage"] == "SPRINT_PLANNED" and brook["gaps"] == 2
    assert [s["state"] for s in brook["steps"]] == ["GAP", "GAP", "DONE", "TO_DO", "TO_DO", "TO_DO"]
    # furthest behind first, whatever the band
    assert [c["school"]["name"] for c in coverage(client, world, "STAGE")["coverage"]] == [
        "Cedar Infants", "Brook Academy", "Ashby Primary"]


def _calendar_closing(day: date) -> None:
    """This academic year's calendar in networks, with `day` an INSET day, published to
    the services keeping a copy as a saved calendar is."""
    from services.networks.db import database
    from services.networks.terms.service import publish_school_days

    label = academic_year_of(day)
    terms = add([Term(academic_year=label, name=TermName.AUTUMN, starts_on=day - timedelta(days=40),
                      ends_on=day + timedelta(days=40), half_term_starts_on=day + timedelta(days=30),
                      half_term_ends_on=day + timedelta(days=31))]
                + [Term(academic_year=label, name=name, starts_on=day + timedelta(days=100 + 60 * i),
                        ends_on=day + timedelta(days=140 + 60 * i), half_term_starts_on=day + timedelta(days=110 + 60 * i),
                        half_term_ends_on=day + timedelta(days=111 + 60 * i))
                   for i, name in enumerate((TermName.SPRING, TermName.SUMMER))])
    add([Closure(term_id=terms[0], on_date=day, kind=ClosureKind.INSET, note="INSET day")])
    with database().session() as db:
        publish_school_days(db, label)


PLAN_ERRORS = """mutation($input: SprintInput!) { planSprint(input: $input) { sprint { id }
    userErrors { field message } } }"""


def test_a_sprint_date_that_is_not_a_school_day_is_refused_beside_it(client, world):
    inset = school_day(5)
    _calendar_closing(inset.date())
    saturday = school_day(6).date() + timedelta(days=(5 - school_day(6).weekday()) % 7)
    sessions = [{"topic": "On the INSET day", "scheduledAt": inset.isoformat()},
                {"topic": "Fine", "scheduledAt": school_day(7).isoformat()},
                {"topic": "On a Saturday", "scheduledAt": f"{saturday.isoformat()}T10:00:00+01:00"},
                {"topic": "", "scheduledAt": school_day(9).isoformat()}]
    sign_in(client, "head.a@a.test")
    refused = gql(client, PLAN_ERRORS, {"input": plan_input(world, sessions=sessions)})["data"]["planSprint"]
    assert refused["sprint"] is None
    # every problem at once, beside its session: the weekend, the blank topic, and the
    # INSET day by the catalogue's copy of the academic calendar (networks'), with no
    # call to networks
    assert refused["userErrors"] == [
        {"field": ["sessions", "0", "scheduledAt"],
         "message": f"{inset:%A %-d %B %Y} is not a school day (half term, a holiday or an INSET day); choose another."},
        {"field": ["sessions", "2", "scheduledAt"],
         "message": f"{saturday:%A %-d %B %Y} is not a school day (a weekend); choose another."},
        {"field": ["sessions", "3", "topic"], "message": "Enter what the session is about; the topic cannot be blank."}]
    sign_in(client, "admin@trust.test")
    assert coverage(client, world)["sprints"] == []  # nothing was saved


def test_a_programme_is_refused_whole_with_every_problem_beside_its_field(client, world, make_course):
    other = make_course(title="Phonics")
    bad = programme_input(world, sourceCourseId=str(other["id"]), followUpMeetingIds=["999"], title="")
    refused = gql(client, SAVE, {"input": bad})["data"]["saveProgramme"]
    assert refused["programme"] is None
    fields = {tuple(e["field"] or ()) for e in refused["userErrors"]}
    assert {("sourceSessionIds",), ("followUpMeetingIds",), ("title",)} <= fields, refused
    phase = gql(client, SAVE, {"input": programme_input(world, scope="PHASE", schoolIds=[])})["data"]["saveProgramme"]
    assert phase["userErrors"] == [{"field": ["phase"], "message": "Choose the phase whose schools take part."}]
    everyone = gql(client, SAVE, {"input": programme_input(world, scope="ALL", schoolIds=[], title="Everyone")})
    assert [s["name"] for s in everyone["data"]["saveProgramme"]["programme"]["schools"]] == [
        "Ashby Primary", "Brook Academy", "Cedar Infants"]
    sign_in(client, "head.a@a.test")
    assert gql(client, SAVE, {"input": programme_input(world)})["data"]["saveProgramme"]["userErrors"] == [
        {"field": None, "message": "Only Lighthouse Learning admins can make or change programmes."}]


def test_a_sip_takes_on_a_flagged_session_and_sees_it_in_their_list(client, world):
    sign_in(client, "head.a@a.test")
    plan(client, world, "a")
    sign_in(client, "sip.a@trust.test")
    listed = gql(client, "{ centralSessions { id topic sprint { school { name } programme { title } } } }")
    assert [(s["topic"], s["sprint"]["school"]["name"]) for s in listed["data"]["centralSessions"]] == [
        ("Session 1", "Ashby Primary"), ("Session 2", "Ashby Primary")]
    first = listed["data"]["centralSessions"][0]["id"]
    taken = gql(client, """mutation($s: ID!) { takeOnSprintSession(sprintSessionId: $s) {
        sprint { sessions { id centralAttendee { name } } } userErrors { message } } }""", {"s": first})
    assert taken["data"]["takeOnSprintSession"]["sprint"]["sessions"][0]["centralAttendee"]["name"] == "Sita Sip"
    assert [s["id"] for s in gql(client, "{ centralSessions(mine: true) { id } }")["data"]["centralSessions"]] == [
        first]
    sign_in(client, "sip.b@trust.test")
    assert gql(client, "{ centralSessions { id } }")["data"]["centralSessions"] == []
    refused = gql(client, """mutation($s: ID!) { takeOnSprintSession(sprintSessionId: $s) { sprint { id }
        userErrors { message } } }""", {"s": first})["data"]["takeOnSprintSession"]
    assert refused["sprint"] is None and refused["userErrors"]


def test_a_meeting_names_the_programme_it_follows_up(client, world):
    from sqlalchemy import update

    from services.networks.db import database
    from services.networks.meetings.models import Meeting

    with database().session() as db:
        db.execute(update(Meeting).where(Meeting.id == world.meeting_id).values(programme_id=int(world.programme_id)))
    answer = gql(client, "query($id: ID!) { meeting(id: $id) { programme { title } } }", {"id": str(world.meeting_id)})
    assert answer["data"]["meeting"]["programme"] == {"title": "White Rose Maths mastery"}


def test_a_sessions_pre_work_clips_are_those_the_viewer_may_watch(client, world):
    shown, waiting = film("Bar models in Year 4", "NOT_NEEDED"), film("Counting in Reception", "PENDING")
    sessions = [{"topic": "Bar models", "scheduledAt": school_day(4).isoformat(),
                 "videoIds": [shown, waiting]}]
    plan_clips = """mutation($input: SprintInput!) { planSprint(input: $input) {
        sprint { id sessions { videos { title } } } userErrors { field message } } }"""
    sign_in(client, "admin@trust.test")  # an admin may watch a film waiting for consent, and plan with it
    planned = gql(client, plan_clips, {"input": plan_input(world, sessions=sessions)})["data"]["planSprint"]
    assert planned["userErrors"] == []
    assert [v["title"] for v in planned["sprint"]["sessions"][0]["videos"]] == [
        "Bar models in Year 4", "Counting in Reception"]
    # the film waiting for consent is kept on the plan but shown to nobody who may not watch it
    sign_in(client, "head.a@a.test")
    seen = gql(client, "query($id: ID!) { sprint(id: $id) { sessions { videos { title } } } }",
               {"id": planned["sprint"]["id"]})["data"]["sprint"]
    assert seen["sessions"][0]["videos"] == [{"title": "Bar models in Year 4"}]
    # and nobody makes a film they may not watch pre-work by its id: a sentence beside the session's clips
    for video in (waiting, 4242):
        clips = [{"topic": "Clip", "scheduledAt": school_day(5).isoformat(), "videoIds": [shown, str(video)]}]
        refused = gql(client, plan_clips, {"input": plan_input(world, sessions=clips)})["data"]["planSprint"]
        assert refused["sprint"] is None
        assert refused["userErrors"] == [{"field": ["sessions", "0", "videoIds"], "message": (
            f"Video {video} is not one you can watch in the video library (it may be waiting for consent, or "
            "withdrawn); choose another clip.")}]
    assert gql(client, "query($id: ID!) { sprint(id: $id) { sessions { topic } } }",
               {"id": planned["sprint"]["id"]})["data"]["sprint"]["sessions"] == [{"topic": "Bar models"}]


def test_a_band_set_after_planning_reflags_the_sessions_to_come(client, world):
    """planSprint sends no band: the catalogue flags by its copy of the gateway's, which
    setRiskBand publishes — delivered as its transaction commits."""
    from gateway.tests.test_risk_bands import set_band

    sign_in(client, "head.b@b.test")
    brook = plan(client, world, "b", lead="head.b@b.test", days=(3, 8, 12))  # MEDIUM: the first session only
    assert [s["flaggedForCentral"] for s in brook["sessions"]] == [True, False, False]
    hold_first(client, world, "b")
    listed = "{ centralSessions { topic sprint { school { name } } } }"
    sign_in(client, "sip.b@trust.test")
    assert gql(client, listed)["data"]["centralSessions"] == []
    assert set_band(client, str(world.schools["b"]), "HIGH")["userErrors"] == []
    assert [s["topic"] for s in gql(client, listed)["data"]["centralSessions"]] == ["Session 2", "Session 3"]
    assert set_band(client, str(world.schools["b"]), "LOW")["userErrors"] == []
    assert gql(client, listed)["data"]["centralSessions"] == []
    sprint = gql(client, "query($id: ID!) { sprint(id: $id) { sessions { status flaggedForCentral } } }",
                 {"id": brook["id"]})["data"]["sprint"]
    assert [(s["status"], s["flaggedForCentral"]) for s in sprint["sessions"]] == [
        ("HELD", True), ("PLANNED", False), ("PLANNED", False)]
