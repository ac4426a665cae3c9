"""N+1 guard for the cascade's GraphQL lists (test_graphql_call_counts.py says what it
guards, and reads CASCADE_CASES and CASCADE_NOT_COUNTED from here for its walk of the
schema): every list of programmes, schools, sprints, sessions and band changes costs
the same calls to the three services for 10 items as for 100 — the coverage map above
all, which a trust reads for 30 schools and must read the same way for 300.

The programmes, sprints, sessions and notes are made through the catalogue's domain
operations in one unit of work, as its own query counts make them
(services/catalogue/tests/test_cascade_query_counts.py); the trust-wide sessions and
their register in bookings' tables, the follow-up meetings and their attendance in
networks', and the schools and people in the gateway's."""
from __future__ import annotations

from datetime import timedelta

import pytest

from gateway.identity.models import Person
from gateway.tests.graph_counts import BOOKINGS, CATALOGUE, NETWORKS, admin, rows, schools
from services.bookings.tests.test_bookings_query_counts import LAST_YEAR, bookings, sessions
from services.catalogue.cascade.programmes import save_programme
from services.catalogue.cascade.schemas import ProgrammeIn
from services.catalogue.db import database as catalogue_database
from services.catalogue.tests.cascade_helpers import ADMIN as CATALOGUE_ADMIN
from services.catalogue.tests.cascade_helpers import Cascade
from services.catalogue.tests.test_cascade_query_counts import _cascade
from services.networks.meetings.models import Attendance, Meeting
from services.networks.networks.models import Network
from services.networks.tests.test_networks_query_counts import add
from shared.vocabulary import BookingStatus, MeetingStatus
from tests.support.counting import GraphAsk, GraphRead, assert_constant_graph_costs


def _sources(n: int, schools: list[int]) -> tuple[list[int], list[int], int]:
    """n trust-wide sessions held last year and n follow-up meetings of one network,
    somebody from each school at each."""
    made = sessions(n, LAST_YEAR, course_id=1)
    for school in schools:
        bookings([(s, 1000 * school + i, BookingStatus.ATTENDED) for i, s in enumerate(made)], school_id=school)
    (network,) = add([Network(name="Maths network", subject="Maths")])
    meetings = add([Meeting(network_id=network, title=f"Follow-up {i:03d}", term="AUTUMN", status=MeetingStatus.HELD,
                            starts_at=LAST_YEAR + timedelta(days=7 + i), venue="Hall",
                            ends_at=LAST_YEAR + timedelta(days=7 + i, hours=1)) for i in range(n)])
    add([Attendance(meeting_id=m, person_id=1000 * s, school_id=s) for m in meetings for s in schools])
    return made, meetings, network


def _lead() -> None:
    """The people the catalogue's helpers name — the sprints' lead (31) and the admin who
    writes the notes (9) — in the gateway."""
    rows([Person(id=31, email="lee@school1.test", name="Lee Leader"),
          Person(id=9, email="ada@lighthouse.test", name="Ada Admin")])


def _programmes(app, n: int) -> GraphAsk:
    """n programmes of three schools, each from a session of its own, followed up at a
    meeting of its own."""
    client = admin(app)
    places = schools(3)
    made, meetings, network = _sources(n, places)
    course_id = Cascade(None).course()
    with catalogue_database().session() as db:
        for i in range(n):
            save_programme(db, CATALOGUE_ADMIN, ProgrammeIn(
                title=f"Programme {i:03d}", source_course_id=course_id, source_session_ids=[made[i]],
                network_id=network, follow_up_meeting_ids=[meetings[i]], school_scope="LIST", school_ids=places))
    return GraphAsk(client, """{ programmes { id title scope sourceCourse { title } sourceSessions { startsAt }
        network { name } followUpMeetings { title } schools { name } sprints { id }
        coverage { school { name } stage attendedSource attendedFollowUp sprint { id } } } }""",
                    lambda data: len(data["programmes"]))


def _coverage(app, n: int) -> GraphAsk:
    """A programme of n schools, each with its sprint, first session held and noted."""
    client = admin(app)
    places = schools(n)
    _lead()
    programme = _cascade(n, held=True, noted=True)
    made, meetings, _ = _sources(2, places)
    with catalogue_database().session() as db:
        from services.catalogue.cascade.models import Programme

        row = db.get(Programme, programme)
        row.source_session_ids, row.follow_up_meeting_ids, row.network_id = made, meetings, 1
    return GraphAsk(client, """query($id: ID!) { programme(id: $id) { coverage(orderBy: RISK) {
        school { name supportBand { band reviewDue } } stage attendedSource attendedFollowUp sessionsPlanned
        sessionsHeld firstSessionHeldOn qaRecorded gaps hostSchool { name } steps { stage state }
        sprint { status lead { name } } } } }""",
                    lambda data: len(data["programme"]["coverage"]), {"id": str(programme)})


def _sprints(app, n: int) -> GraphAsk:
    """A programme's n sprints, each with its session held and its QA note edited once
    (one session each: notes are read a hundred sessions a call)."""
    import sqlalchemy as sa

    from services.catalogue.cascade.models import SprintSession

    client = admin(app)
    schools(n)
    _lead()
    programme = _cascade(n, held=True, noted=True)
    with catalogue_database().session() as db:
        db.execute(sa.delete(SprintSession).where(SprintSession.sequence == 2))
    return GraphAsk(client, """query($id: ID!) { programme(id: $id) { sprints { status school { name }
        partnerSchools { name } lead { name } sessions { topic centralAttendee { name }
          qaNote { author { name } revisions { editedBy { name } } } } } } }""",
                    lambda data: len(data["programme"]["sprints"]), {"id": str(programme)})


def _central(app, n: int) -> GraphAsk:
    """n sprints' sessions flagged for the central team, for an admin: one each still
    to come (the second moved into the past, as the catalogue's own count does)."""
    import sqlalchemy as sa

    from services.catalogue.cascade.models import SprintSession
    from shared.clock import utcnow

    client = admin(app)
    schools(n)
    _lead()
    _cascade(n)
    with catalogue_database().session() as db:
        second = sa.select(SprintSession.id).where(SprintSession.sequence == 2)
        db.execute(sa.update(SprintSession).where(SprintSession.id.in_(second)).values(
            scheduled_at=utcnow() - timedelta(days=1)))
    return GraphAsk(client, """{ centralSessions { topic scheduledAt flaggedForCentral
        sprint { school { name } programme { title } lead { name } } } }""",
                    lambda data: len(data["centralSessions"]))


def _school_cascades(app, n: int) -> GraphAsk:
    """One school in n programmes."""
    client = admin(app)
    (school,) = schools(1)
    made, meetings, network = _sources(1, [school])
    course_id = Cascade(None).course()
    with catalogue_database().session() as db:
        for i in range(n):
            save_programme(db, CATALOGUE_ADMIN, ProgrammeIn(
                title=f"Programme {i:03d}", source_course_id=course_id, source_session_ids=made,
                network_id=network, follow_up_meeting_ids=meetings, school_scope="LIST", school_ids=[school]))
    return GraphAsk(client, """query($id: ID!) { school(id: $id) { cascades { programme { title } stage
        attendedSource sprint { id } } } }""", lambda data: len(data["school"]["cascades"]), {"id": str(school)})


def _band_history(app, n: int) -> GraphAsk:
    """n changes of a school's band."""
    from gateway.db import database
    from gateway.identity import risk
    from shared import tokens

    client = admin(app)
    (school,) = schools(1)
    central = tokens.Identity(subject="1", name="Ada Admin", grants=(tokens.Grant("ll_admin"),))
    from datetime import date

    with database().session() as db:
        for i in range(n):
            risk.set_risk_band(db, central, school, ("HIGH", "LOW")[i % 2], f"Reason {i}",
                               date.today() + timedelta(days=30), today=date.today())
    return GraphAsk(client, """query($id: ID!) { school(id: $id) { supportBand { band setByName
        history(first: 100) { at actorName changes { field before after } } } } }""",
                    lambda data: len(data["school"]["supportBand"]["history"]), {"id": str(school)})


CASCADE_CASES = [
    GraphRead(("Query.programmes", "Programme.sourceSessions", "Programme.followUpMeetings", "Programme.sprints"),
              "every programme with its sessions, meetings, sprints and coverage", _programmes, (
                  f"{CATALOGUE} /programmes", f"{CATALOGUE} /courses", f"{BOOKINGS} /sessions",
                  f"{NETWORKS} /networks", f"{NETWORKS} /meetings/follow-ups", f"{NETWORKS} /meetings",
                  f"{CATALOGUE} /sprints",
                  f"{CATALOGUE} /programmes/coverage", f"{BOOKINGS} /attendance/by-school",
                  f"{NETWORKS} /attendance/by-school"), 2),  # the sign-in's session; the schools
    GraphRead(("Programme.coverage",), "a programme's coverage map, by risk, for an admin", _coverage, (
        f"{CATALOGUE} /programmes/<id>", f"{CATALOGUE} /programmes/coverage", f"{NETWORKS} /meetings/follow-ups",
        f"{BOOKINGS} /attendance/by-school", f"{NETWORKS} /attendance/by-school", f"{CATALOGUE} /sprints"), 4),  # session, schools, leads, grants
    GraphRead(("Programme.sprints",), "a programme's sprints, their sessions and notes", _sprints, (
        f"{CATALOGUE} /programmes/<id>", f"{CATALOGUE} /sprints", f"{CATALOGUE} /qa-notes"), 6),
    # the session, the schools; the leads, their grants; the notes' authors, their grants
    GraphRead(("Query.centralSessions",), "the sessions flagged for the central team", _central, (
        f"{CATALOGUE} /sprint-sessions/central", f"{CATALOGUE} /sprints", f"{CATALOGUE} /programmes"), 4),
    GraphRead(("School.cascades",), "a school's stage in every programme", _school_cascades, (
        f"{CATALOGUE} /programmes", f"{CATALOGUE} /programmes/coverage", f"{NETWORKS} /meetings/follow-ups",
        f"{BOOKINGS} /attendance/by-school", f"{NETWORKS} /attendance/by-school"), 2),
    # the session, the schools, the newest change (who set it), the history
    GraphRead(("SupportBand.history",), "a school's band changes", _band_history, (), 4),
]

CASCADE_NOT_COUNTED = {
    "SchoolCascadeStatus.steps": "a school's six links, reckoned from its status (gateway/cascade/stages.py): "
                                 "nothing is read per item",
    "Sprint.sessions": "a sprint's sessions (at most 20) come in the same answer as the sprint; what hangs off "
                       "them is read for every sprint in view at once (Programme.sprints's case)",
    "Sprint.partnerSchools": "the trust's schools, read once whatever the list (the whole `school` kind)",
    "Programme.schools": "the trust's schools, read once whatever the list (the whole `school` kind)",
    "QaNote.revisions": "a note's earlier texts, in the same answer as the note; who edited them is read for every "
                        "note in view at once (Programme.sprints's case)",
    "SprintSession.videos": "a session's clips, ten at most (the catalogue's limit), read through the video "
                            "library's loader for every session in view at once",
}


@pytest.mark.parametrize("case", CASCADE_CASES, ids=lambda c: c.id)
def test_a_list_field_costs_the_same_calls_for_10_items_as_for_100(gateway_app, case):
    assert_constant_graph_costs(gateway_app, case)
