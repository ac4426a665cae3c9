"""A programme's follow-up meetings are said in two places by two sets of people: the
admin chooses them on the programme (the catalogue's), and a network lead says, when
scheduling a meeting, which programme it follows up (networks').  Either way the
meeting is one of the programme's follow-ups, counts in its coverage, and names it."""
from __future__ import annotations

from datetime import timedelta

import pytest

from gateway.tests.cascade_world import HELD, build
from services.networks.meetings.models import Attendance, Meeting
from services.networks.tests.test_networks_query_counts import add
from shared.vocabulary import MeetingStatus
from tests.support.fixtures import gql

PROGRAMME = """query($id: ID!) { programme(id: $id) { followUpMeetings { title programme { title } }
  coverage { school { name } attendedFollowUp } } }"""
MEETING = "query($id: ID!) { meeting(id: $id) { programme { title } } }"


@pytest.fixture
def world(client, make_school, make_person, make_course):
    return build(client, make_school, make_person, make_course)


def test_a_meeting_the_admin_chose_names_the_programme_it_follows_up(client, world):
    # the world's meeting was chosen on the programme; its lead never tagged it
    answer = gql(client, MEETING, {"id": str(world.meeting_id)})
    assert answer["data"]["meeting"]["programme"] == {"title": "White Rose Maths mastery"}


def test_a_meeting_its_lead_tagged_is_a_follow_up_and_counts_in_the_coverage(client, world):
    (spring,) = add([Meeting(network_id=world.network_id, title="Spring follow-up", term="SPRING",
                             status=MeetingStatus.HELD, starts_at=HELD + timedelta(days=120),
                             ends_at=HELD + timedelta(days=120, hours=1), venue="Brook Academy",
                             programme_id=int(world.programme_id))])
    add([Attendance(meeting_id=spring, person_id=world.people["teacher.b@b.test"], school_id=world.schools["b"])])
    programme = gql(client, PROGRAMME, {"id": world.programme_id})["data"]["programme"]
    assert [m["title"] for m in programme["followUpMeetings"]] == ["Autumn follow-up", "Spring follow-up"]
    assert {m["programme"]["title"] for m in programme["followUpMeetings"]} == {"White Rose Maths mastery"}
    came = {c["school"]["name"]: c["attendedFollowUp"] for c in programme["coverage"]}
    # Brook came only to the meeting its lead tagged; Cedar to neither
    assert came == {"Ashby Primary": True, "Brook Academy": True, "Cedar Infants": False}


def test_a_meeting_tagged_with_another_programme_is_not_this_ones(client, world):
    add([Meeting(network_id=world.network_id, title="Phonics catch-up", term="SPRING", status=MeetingStatus.HELD,
                 starts_at=HELD + timedelta(days=60), ends_at=HELD + timedelta(days=60, hours=1),
                 venue="Cedar Infants", programme_id=int(world.programme_id) + 1000)])
    programme = gql(client, PROGRAMME, {"id": world.programme_id})["data"]["programme"]
    assert [m["title"] for m in programme["followUpMeetings"]] == ["Autumn follow-up"]
