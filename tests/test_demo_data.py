"""The demo data of the embedded default: the trust's schools, the demo accounts, the
networks, the courses and the video library, loaded once."""
from __future__ import annotations

import pytest
from sqlmodel import func, select

from tests.support.fixtures import gql, sign_in


@pytest.fixture
def seeded(stack):
    from gateway import seed as gateway_seed
    from services.bookings import seed as bookings_seed
    from services.catalogue import seed as catalogue_seed
    from services.networks import seed as networks_seed

    seeds = (gateway_seed, catalogue_seed, networks_seed, bookings_seed)
    assert [s.seed() for s in seeds] == [True] * 4
    # a second start changes nothing
    assert [s.seed() for s in seeds] == [False] * 4


def test_the_trust_has_its_thirty_schools(seeded):
    from gateway.db import database
    from gateway.identity.models import Person, School

    with database().session() as db:
        schools = db.exec(select(School)).all()
        assert len(schools) == 30
        primaries = [s for s in schools if s.phase.value == "PRIMARY"]
        assert len(primaries) == 26
        small = [s for s in primaries if s.pupil_count < 100]
        assert len(small) == 5
        tiny = [s for s in small if s.pupil_count == 50]
        assert len(tiny) == 1
        teachers = db.exec(select(func.count()).select_from(Person).where(
            Person.school_id == tiny[0].id, Person.job_title.in_(["Headteacher", "Teacher"]))).one()
        assert teachers == 3
        assert any(s.pupil_count > 2000 for s in schools if s.phase.value == "SECONDARY")
        staff = db.exec(select(func.count()).select_from(Person)).one()
        assert staff > 500  # in proportion to 30 schools


@pytest.mark.parametrize("email, role", [
    ("ll.admin@lighthouse.test", "LL_ADMIN"), ("teacher@lighthouse.test", "STAFF"),
    ("head@lighthouse.test", "SCHOOL_LEADER"), ("maths.lead@lighthouse.test", "NETWORK_LEAD"),
    ("sip@lighthouse.test", "SIP"), ("governor@lighthouse.test", "GOVERNOR"),
    ("governors.lead@lighthouse.test", "NETWORK_LEAD"),
    ("bursar@external.test", "EXTERNAL_BOOKER"),
])
def test_each_demo_account_signs_in_with_its_role(seeded, client, email, role):
    sign_in(client, email)
    me = gql(client, "{ me { email school { id phase } organisation { name } roles { role schoolId networkId } } }")
    me = me["data"]["me"]
    assert me["email"] == email
    assert role in {r["role"] for r in me["roles"]}


def test_demo_accounts_fit_together(seeded, client):
    sign_in(client, "teacher@lighthouse.test")
    teacher = gql(client, "{ me { school { id phase } } }")["data"]["me"]["school"]
    assert teacher["phase"] == "PRIMARY"
    client.post("/sign-out", data={"csrf_token": _token(client)})
    sign_in(client, "head@lighthouse.test")
    head = gql(client, "{ me { roles { role schoolId } } }")["data"]["me"]["roles"]
    assert {"role": "SCHOOL_LEADER", "schoolId": teacher["id"]} in head
    client.post("/sign-out", data={"csrf_token": _token(client)})
    sign_in(client, "sip@lighthouse.test")
    sip = {r["schoolId"] for r in gql(client, "{ me { roles { role schoolId } } }")["data"]["me"]["roles"]}
    assert teacher["id"] in sip and len(sip) >= 3
    client.post("/sign-out", data={"csrf_token": _token(client)})
    sign_in(client, "maths.lead@lighthouse.test")
    lead = gql(client, "{ me { roles { role networkId } } }")["data"]["me"]["roles"]
    from services.networks.db import database
    from services.networks.networks.models import Network

    with database().session() as db:
        maths = db.exec(select(Network).where(Network.name == "Maths network")).one()
        assert maths.meetings_per_year == 3
    assert {"role": "NETWORK_LEAD", "networkId": str(maths.id)} in lead
    client.post("/sign-out", data={"csrf_token": _token(client)})
    sign_in(client, "bursar@external.test")
    bursar = gql(client, "{ me { school { id } organisation { name } } }")["data"]["me"]
    assert bursar["school"] is None and bursar["organisation"]["name"]


def test_the_catalogue_has_the_courses_the_trust_runs(seeded, client):
    sign_in(client, "teacher@lighthouse.test")
    result = gql(client, "{ courses(first: 100) { totalCount edges { node { title } } } }")["data"]["courses"]
    assert result["totalCount"] >= 40
    titles = " | ".join(e["node"]["title"] for e in result["edges"]).lower()
    for expected in ("white rose", "unlocking letters and sounds", "moderation", "team teach", "ecf", "governor"):
        assert expected in titles, expected
    found = gql(client, '{ courses(search: "phonics") { totalCount } }')["data"]["courses"]["totalCount"]
    assert found >= 2


def test_the_video_library_has_films_to_watch(seeded, client, anon_client):
    sign_in(client, "teacher@lighthouse.test")
    videos = gql(client, "{ videos { edges { node { title streamUrl posterUrl durationSeconds cues { text } "
                         "chapters { title } course { title } } } } }")["data"]["videos"]["edges"]
    films = {v["node"]["title"]: v["node"] for v in videos}
    assert set(films) == {"Editing persuasive letters with talk partners", "Dialogic reading: a demonstration"}
    editing = films["Editing persuasive letters with talk partners"]
    assert editing["streamUrl"] and editing["posterUrl"] and editing["durationSeconds"] == 20
    assert len(editing["cues"]) == 5 and len(editing["chapters"]) == 3 and editing["course"]
    # the one waiting for consent is not shown; a visitor sees the public link only
    public = gql(anon_client, "{ videos { edges { node { title } } } }")["data"]["videos"]["edges"]
    assert [v["node"]["title"] for v in public] == ["Dialogic reading: a demonstration"]


def _token(client) -> str:
    from tests.support.fixtures import csrf_token

    return csrf_token(client)


def test_demo_sessions_belong_to_the_courses_they_name(seeded, client):
    sign_in(client, "teacher@lighthouse.test")
    sessions = gql(client, "{ sessions(first: 50) { totalCount edges { node { course { title visibility } } } } }")
    assert "errors" not in sessions
    titles = [e["node"]["course"]["title"] for e in sessions["data"]["sessions"]["edges"]]
    assert len(titles) >= 10
    assert any("Unlocking Letters and Sounds" in t for t in titles)
    assert any("Team Teach" in t for t in titles)
    client.post("/sign-out", data={"csrf_token": _token(client)})
    public = gql(client, "{ sessions(first: 50) { edges { node { course { visibility } } } } }")
    assert {e["node"]["course"]["visibility"] for e in public["data"]["sessions"]["edges"]} == {"PUBLIC"}


def test_the_maths_network_gets_its_demo_roster_once(seeded, stack, client):
    from gateway.backends import Backends
    from gateway.seed import seed_network_members

    backends = Backends(stack.settings)
    # each network: the lead, Tara (Gwen), and a teacher (a governor) from seven more schools
    assert seed_network_members(backends) == 9 + 9
    assert seed_network_members(backends) == 0  # already there: nothing added
    sign_in(client, "maths.lead@lighthouse.test")
    network = gql(client, "{ network(id: 1) { name members { role person { email } school { name } } } }")
    members = network["data"]["network"]["members"]
    assert network["data"]["network"]["name"].startswith("Maths")
    assert {m["person"]["email"] for m in members if m["role"] == "LEAD"} == {"maths.lead@lighthouse.test"}
    assert len({m["school"]["name"] for m in members}) == 9


def test_every_demo_session_is_listed_as_its_course_and_its_messages_name_it(seeded, client):
    from icalendar import Calendar

    from services.bookings.db import database as bookings_db
    from services.bookings.messages import OutboxMessage
    from services.bookings.sessions.models import CourseSession
    from services.catalogue.courses.models import Course
    from services.catalogue.db import database as catalogue_db

    with catalogue_db().session() as db:
        courses = {c.id: (c.title, c.visibility.value, c.subject, sorted(getattr(p, "value", p) for p in c.phases))
                   for c in db.exec(select(Course)).all()}
    with bookings_db().session() as db:
        sessions = db.exec(select(CourseSession)).all()
        listed = {s.id: (s.course_id, (s.course_title, s.course_visibility, s.course_subject,
                                       sorted(p for p in s.course_phases.split(",") if p))) for s in sessions}
    assert listed and all(listing == courses[course_id] for course_id, listing in listed.values())

    sign_in(client, "teacher@lighthouse.test")
    ecf = next(sid for sid, (course_id, _) in listed.items() if course_id == 27)  # no approval needed
    booked = gql(client, "mutation($s: ID!) { bookSession(sessionId: $s) { booking { status } } }", {"s": str(ecf)})
    assert booked["data"]["bookSession"]["booking"]["status"] == "CONFIRMED"
    with bookings_db().session() as db:
        [message] = db.exec(select(OutboxMessage).where(OutboxMessage.recipient == "teacher@lighthouse.test")).all()
    assert message.subject.startswith("Booked: ECF mentor training: year one, ")
    [event] = Calendar.from_ical(message.ics).walk("VEVENT")
    assert str(event["SUMMARY"]) == "ECF mentor training: year one"


def test_governors_have_their_cpd_and_their_network_a_lead(seeded, stack, client):
    from gateway.backends import Backends
    from gateway.db import database
    from gateway.identity.models import Person, Role, RoleGrant
    from gateway.seed import GOVERNORS_NETWORK_ID, seed_network_members

    with database().session() as db:
        governors = db.exec(select(func.count(func.distinct(RoleGrant.school_id)))
                            .where(RoleGrant.role == Role.GOVERNOR)).one()
        assert governors == 30  # every school has its governors
        lead = db.exec(select(Person).join(RoleGrant, RoleGrant.person_id == Person.id).where(
            RoleGrant.role == Role.NETWORK_LEAD, RoleGrant.network_id == GOVERNORS_NETWORK_ID)).one()
    seed_network_members(Backends(stack.settings))
    sign_in(client, lead.email)
    network = gql(client, "query($id: ID!) { network(id: $id) { name members { role person { email } } } }",
                  {"id": str(GOVERNORS_NETWORK_ID)})["data"]["network"]
    assert network["name"] == "Governors network"
    assert {m["person"]["email"] for m in network["members"] if m["role"] == "LEAD"} == {lead.email}
    assert len(network["members"]) == 9
    client.post("/sign-out", data={"csrf_token": _token(client)})
    # the governor's home lists governor CPD to come, with dates and where to book
    sign_in(client, "governor@lighthouse.test")
    home = client.get("/").get_data(as_text=True)
    assert "Governor CPD" in home
    assert home.count("Book Safeguarding for governors") == 2 and "Book Governor induction" in home


def test_the_demo_programme_names_the_rows_the_other_components_seed(seeded):
    """The catalogue's demo programme refers to other components' rows by id
    (services/catalogue/demo_cascade.py): each id names what the demo says it does."""
    from gateway.db import database as gateway_db
    from gateway.identity.models import Person, Role, RoleGrant, School
    from services.bookings.db import database as bookings_db
    from services.bookings.sessions.models import CourseSession
    from services.catalogue import demo_cascade as demo
    from services.catalogue.cascade.models import Programme, QaNote, Sprint
    from services.catalogue.courses.models import Course
    from services.catalogue.db import database as catalogue_db
    from services.networks.db import database as networks_db
    from services.networks.networks.models import Network

    with catalogue_db().session() as db:
        programme = db.exec(select(Programme)).one()
        assert db.get(Course, programme.source_course_id).title.startswith("White Rose Maths")
        sprint = db.exec(select(Sprint)).one()
        note = db.exec(select(QaNote)).one()
        assert (sprint.lead_name, note.author_name) == ("Hannah Head", "Sam Improvement")
    with bookings_db().session() as db:
        assert [db.get(CourseSession, s).course_id for s in programme.source_session_ids] == [1]
    with networks_db().session() as db:
        assert db.get(Network, programme.network_id).name == "Maths network"
    with gateway_db().session() as db:
        phases = {db.get(School, s).phase.value for s in demo.PROGRAMME["school_ids"]}
        assert phases == {"PRIMARY"} and len(demo.PROGRAMME["school_ids"]) == 26
        grants = {(p.email, g.role, g.school_id) for p, g in db.exec(
            select(Person, RoleGrant).join(RoleGrant, RoleGrant.person_id == Person.id)
            .where(Person.id.in_([sprint.lead_id, note.author_id]))).all()}
        assert (demo.SPRINT["lead_email"], Role.SCHOOL_LEADER, sprint.school_id) in grants
        assert (demo.SIP["email"], Role.SIP, sprint.school_id) in grants
