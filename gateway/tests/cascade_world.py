"""A small trust with a cascade under way, for the gateway's cascade tests: three schools
(Ashby HIGH risk, Brook MEDIUM, Cedar LOW), people in every role, a course with two
trust-wide sessions held last year and a network meeting that followed them up, and
a programme of the three schools made through the API as an admin makes it.

The sessions, their register and the meeting are made straight in bookings' and
networks' tables (as their own tests make them); the rest goes through the gateway."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from services.bookings.tests.test_bookings_query_counts import bookings, sessions
from services.catalogue.tests.cascade_helpers import move_session, school_day
from services.networks.meetings.models import Attendance, Meeting
from services.networks.networks.models import Network
from services.networks.tests.test_networks_query_counts import add
from shared.clock import utcnow
from shared.vocabulary import BookingStatus, MeetingStatus
from tests.support.fixtures import gql, sign_in

HELD = datetime(2025, 10, 1, 15, 30, tzinfo=timezone.utc)
PEOPLE = {  # email: (name, roles, school key)
    "admin@trust.test": ("Ada Admin", [("ll_admin",)], None),
    "sip.a@trust.test": ("Sita Sip", [("sip", "a")], None),
    "sip.b@trust.test": ("Bea Sip", [("sip", "b")], None),
    "head.a@a.test": ("Lee Leader", [("staff", "a"), ("school_leader", "a")], "a"),
    "head.b@b.test": ("Lou Leader", [("staff", "b"), ("school_leader", "b")], "b"),
    "teacher.a@a.test": ("Tara Teacher", [("staff", "a")], "a"),
    "teacher.b@b.test": ("Ted Teacher", [("staff", "b")], "b"),
    "governor.a@a.test": ("Gus Governor", [("governor", "a")], None),
    "booker@outside.test": ("Eve External", [("external_booker",)], None),
    "lead@trust.test": ("Nia Lead", [("network_lead", None, 1)], None),
}

SAVE = """mutation($input: ProgrammeInput!) { saveProgramme(input: $input) {
  programme { id title schools { name } } userErrors { field message } } }"""
PLAN = """mutation($input: SprintInput!) { planSprint(input: $input) {
  sprint { id status lead { name } sessions { id sequence topic scheduledAt flaggedForCentral } }
  userErrors { field message } } }"""
RECORD = """mutation($input: SprintSessionInput!) { recordSprintSession(input: $input) {
  sprint { id status sessions { id status staffAttending } } userErrors { field message } } }"""
NOTE = """mutation($input: QaNoteInput!) { recordQaNote(input: $input) {
  qaNote { id judgement strengths version author { name } revisions { editedByName judgement strengths } }
  userErrors { field message } } }"""


@dataclass
class World:
    schools: dict[str, int]
    people: dict[str, int]
    course_id: int
    session_ids: list[int]
    network_id: int
    meeting_id: int
    programme_id: str = ""
    sprints: dict[str, dict] = field(default_factory=dict)
    films: dict[str, str] = field(default_factory=dict)  # pre-work in the library, by a test's names for them


def build(client, make_school, make_person, make_course) -> World:
    schools = {"a": make_school(name="Ashby Primary", risk_band="HIGH"),
               "b": make_school(name="Brook Academy", risk_band="MEDIUM"),
               "c": make_school(name="Cedar Infants", risk_band="LOW")}
    people = {}
    for email, (name, roles, school) in PEOPLE.items():
        grants = [(r[0], schools[r[1]] if len(r) > 1 and r[1] else None, *r[2:]) for r in roles]
        people[email] = make_person(email, name, roles=grants, school_id=schools[school] if school else None)
    course = make_course(title="White Rose Maths: Year 4")
    first, second = sessions(2, HELD, course_id=course["id"])
    # Tara came to both (she counts once), Lee to the first; Ted did not come
    bookings([(first, people["teacher.a@a.test"], BookingStatus.ATTENDED),
              (second, people["teacher.a@a.test"], BookingStatus.ATTENDED),
              (first, people["head.a@a.test"], BookingStatus.ATTENDED)], school_id=schools["a"])
    bookings([(first, people["teacher.b@b.test"], BookingStatus.NO_SHOW)], school_id=schools["b"])
    (network,) = add([Network(name="Maths network", subject="Maths")])
    (meeting,) = add([Meeting(network_id=network, title="Autumn follow-up", term="AUTUMN", status=MeetingStatus.HELD,
                              starts_at=HELD + timedelta(days=14), ends_at=HELD + timedelta(days=14, hours=1),
                              venue="Ashby Primary")])
    add([Attendance(meeting_id=meeting, person_id=people["teacher.a@a.test"], school_id=schools["a"])])
    world = World(schools, people, course["id"], [first, second], network, meeting)
    sign_in(client, "admin@trust.test")
    made = gql(client, SAVE, {"input": programme_input(world)})["data"]["saveProgramme"]
    assert made["userErrors"] == [], made
    world.programme_id = made["programme"]["id"]
    return world


def programme_input(world: World, **fields) -> dict:
    return {"title": "White Rose Maths mastery", "sourceCourseId": str(world.course_id),
            "sourceSessionIds": [str(s) for s in world.session_ids], "networkId": str(world.network_id),
            "followUpMeetingIds": [str(world.meeting_id)],
            "schoolIds": [str(world.schools[k]) for k in "abc"], **fields}


def plan_input(world: World, school: str = "a", lead: str = "head.a@a.test", days=(3, 8), **fields) -> dict:
    return {"programmeId": world.programme_id, "schoolId": str(world.schools[school]),
            "leadId": str(world.people[lead]), **fields,
            "sessions": fields.pop("sessions", None) or [
                {"topic": f"Session {i + 1}", "scheduledAt": school_day(d).isoformat()} for i, d in enumerate(days)]}


def plan(client, world: World, school: str = "a", **fields) -> dict:
    done = gql(client, PLAN, {"input": plan_input(world, school, **fields)})["data"]["planSprint"]
    assert done["userErrors"] == [], done
    world.sprints[school] = done["sprint"]
    return done["sprint"]


def hold_first(client, world: World, school: str = "a", staff: int = 9) -> dict:
    """The school's first sprint session, moved into the past and recorded as held."""
    session_id = world.sprints[school]["sessions"][0]["id"]
    move_session(int(session_id), utcnow() - timedelta(days=1))
    done = gql(client, RECORD, {"input": {"sprintSessionId": session_id, "status": "HELD",
                                          "staffAttending": staff}})["data"]["recordSprintSession"]
    assert done["userErrors"] == [], done
    return done["sprint"]


def note(client, session_id: str, **fields) -> dict:
    values = {"sprintSessionId": session_id, "judgement": "DEVELOPING", "strengths": "Clear modelling.",
              "developmentPoints": "More reasoning.", "nextSessionPlan": "Bar models in Year 5.", **fields}
    return gql(client, NOTE, {"input": values})["data"]["recordQaNote"]


def film(title: str, consent: str = "NOT_NEEDED", seconds: int = 0, subject: str = "Maths") -> str:
    """A film in the library, as pre-work: a link with no pupils (anyone in the trust may
    watch it), or one with pupils still waiting for consent (nobody but its uploader and
    admins).  Its id, as the API says ids."""
    from services.catalogue.db import database
    from services.catalogue.videos.models import LINK, Video
    from shared.vocabulary import ConsentStatus, Visibility

    with database().session() as db:
        video = Video(title=title, subject=subject, phases=["KS2"], description="A film.", source=LINK,
                      source_url="https://www.youtube.com/watch?v=x", visibility=Visibility.TRUST,
                      has_pupils=consent != "NOT_NEEDED", consent_status=ConsentStatus(consent), uploaded_by_id=0,
                      uploaded_by_name="Test", duration_seconds=seconds)
        db.add(video)
        db.flush()
        return str(video.id)
