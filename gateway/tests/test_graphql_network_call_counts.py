"""N+1 guard for the learning networks' GraphQL lists (test_graphql_call_counts.py says
what it guards and walks the schema for cases): networks with their members, leads,
meetings and open actions, a meeting's people, the academic calendar, the clashes of a
proposed year of meetings, and their histories — each costs the same calls for 10
items as for 100."""
from __future__ import annotations

from datetime import timedelta

import pytest

from gateway.tests.graph_counts import (
    ADMIN_EMAIL,
    ENTRY,
    NETWORKS,
    ONE_NETWORK,
    PERSON,
    admin,
    entries,
    people,
    person,
    schools,
    signed_in,
    staff_of,
)
from services.bookings.tests.test_bookings_query_counts import bookings, sessions
from services.networks.meetings.models import Attendance, Rsvp
from services.networks.networks.models import Network
from services.networks.tests.test_networks_query_counts import WHEN, YEAR, action, add, meetings, member, year
from services.networks.tests.test_networks_query_counts import logged as logged_networks
from shared.vocabulary import BookingStatus, RsvpResponse
from tests.support.counting import GraphAsk, GraphRead, assert_constant_graph_costs

# ---------- networks ----------


def networks_world(app, n: int, email: str = ADMIN_EMAIL, *roles: tuple) -> tuple:
    """n networks, each with a lead, a member (each of a school of their own, and the
    viewer) and a meeting with the member's open action; a school nobody represents."""
    schools(1)
    places = schools(n)
    them = [people(1, f"member{i:03d}-", s, lambda _, s=s: [("staff", s, None)])[0] for i, s in enumerate(places)]
    viewer = person(email, *roles)
    made = add([Network(name=f"Network {i:03d}", subject="Maths") for i in range(n)])
    add([member(nw, p, s) for nw, p, s in zip(made, them, places)] + [member(nw, viewer, None) for nw in made])
    people(n, "lead", None, lambda i: [("network_lead", None, made[i])])
    for nw, p in zip(made, them):
        meetings(nw, 1, person=p)
    return made, signed_in(app, email)


def _networks(app, n: int) -> GraphAsk:
    _, client = networks_world(app, n, ADMIN_EMAIL, ("ll_admin", None, None))
    return GraphAsk(client, """{ networks { id name subject meetingsPerYear leads { name }
        members { person { name } school { name } role joinedAt } meetings { title network { name } }
        openActions { description owner { name } raisedAt { title } } schoolsWithoutMember { name } } }""",
                    lambda data: len(data["networks"]))


def _my_networks(app, n: int) -> GraphAsk:
    _, client = networks_world(app, n, "viewer@trust.test")
    return GraphAsk(client, """{ myNetworks { id name leads { name } members { person { name } role }
        meetings { title status } openActions { description owner { name } } schoolsWithoutMember { name } } }""",
                    lambda data: len(data["myNetworks"]))


def one_network(app) -> tuple[int, object]:
    """A network whose one member is an admin (of no school), signed in."""
    (network,) = add([Network(name="Maths network", subject="Maths")])
    add([member(network, person(ADMIN_EMAIL, ("ll_admin", None, None)), None)])
    return network, signed_in(app, ADMIN_EMAIL)


def _leads(app, n: int) -> GraphAsk:
    network, client = one_network(app)
    (school,) = schools(1)
    people(n, "lead", school, lambda i: [("staff", school, None), ("network_lead", None, network)])
    return GraphAsk(client, "query($id: ID!) { network(id: $id) { leads { " + PERSON + " } } }",
                    lambda data: len(data["network"]["leads"]), {"id": str(network)})


def _members(app, n: int) -> GraphAsk:
    network, client = one_network(app)
    places = schools(n)
    made = [people(1, f"member{i:03d}-", s, lambda _, s=s: [("staff", s, None)])[0] for i, s in enumerate(places)]
    add([member(network, p, s) for p, s in zip(made, places)])
    return GraphAsk(client, """query($id: ID!) { network(id: $id) { members {
        person { name email school { name } roles { role } } school { name staff { name } } role joinedAt } } }""",
                    lambda data: len(data["network"]["members"]) - 1, {"id": str(network)})


def _meetings(app, n: int) -> GraphAsk:
    network, client = one_network(app)
    for i, s in enumerate(schools(n)):
        meetings(network, 1, WHEN + timedelta(weeks=i), person=people(1, f"member{i:03d}-", s)[0])
    return GraphAsk(client, """query($id: ID!) { network(id: $id) { meetings { id title term startsAt endsAt
        venue onlineUrl status minutes myRsvp icsUrl programmeId network { name } agenda { title minutes }
        actions { description owner { name } raisedAt { title } } rsvps { person { name } response }
        attendees { name } } } }""", lambda data: len(data["network"]["meetings"]), {"id": str(network)})


def _open_actions(app, n: int) -> GraphAsk:
    network, client = one_network(app)
    (school,) = schools(1)
    owners = people(n, "owner", school)
    (first, *_) = meetings(network, 2, person=owners[0])
    add([action(network, first, p) for p in owners[1:]])
    return GraphAsk(client, """query($id: ID!) { network(id: $id) { openActions { description dueOn done
        owner { name school { name } } raisedAt { title network { name } } } } }""",
                    lambda data: len(data["network"]["openActions"]) - 1, {"id": str(network)})


def _schools_without_member(app, n: int) -> GraphAsk:
    network, client = one_network(app)
    for s in schools(n):
        people(1, f"staff{s:03d}-", s)
    return GraphAsk(client, """query($id: ID!) { network(id: $id) {
        schoolsWithoutMember { name urn phase pupilCount riskBand staff { name } } } }""",
                    lambda data: len(data["network"]["schoolsWithoutMember"]), {"id": str(network)})


def _one_meeting(app, n: int) -> GraphAsk:
    """n answers, n attendees, n actions; n open actions of an earlier meeting on the agenda."""
    network, client = one_network(app)
    (school,) = schools(1)
    them = people(n, "member", school)
    earlier, meeting = meetings(network, 2, person=them[0])
    add([Rsvp(meeting_id=meeting, person_id=p, response=RsvpResponse.MAYBE) for p in them[1:]]
        + [Attendance(meeting_id=meeting, person_id=p, school_id=school) for p in them[1:]]
        + [action(network, meeting, p) for p in them[1:]] + [action(network, earlier, p) for p in them[1:]])

    def items(data) -> int:
        m = data["meeting"]
        assert len(m["agenda"]) == 1 + n and len(m["attendees"]) == len(m["actions"]) == n
        return len(m["rsvps"])
    return GraphAsk(client, """query($id: ID!) { meeting(id: $id) { agenda { title presenter }
        actions { description owner { name } raisedAt { title } } rsvps { person { name school { name } } response }
        attendees { name school { name } } } }""", items, {"id": str(meeting)})


# ---------- the academic calendar ----------


def _closures(app, n: int) -> GraphAsk:
    year(closures=n)
    client = signed_in(app, "t@trust.test")
    return GraphAsk(client, "query($y: String!) { academicYear(label: $y) { label terms { name startsOn "
                            "closures closureDetails { on kind note } } } }",
                    lambda data: sum(len(t["closureDetails"]) for t in data["academicYear"]["terms"]), {"y": YEAR})


# ---------- planning a network's year ----------


def _clashes(app, n: int) -> GraphAsk:
    """Every member is booked on trust CPD at each of the tiny year's three times."""
    year(tiny=True)
    (network,) = add([Network(name="Maths network", subject="Maths")])
    person("lead@trust.test", ("network_lead", None, network))
    (school,) = schools(1)
    them = staff_of(school, n)
    add([member(network, p, school) for p in them])
    times = [sessions(1, WHEN + timedelta(days=d), course_id=None)[0] for d in (0, 119, 224)]
    bookings([(s, p, BookingStatus.CONFIRMED) for s in times for p in them], school_id=school)
    return GraphAsk(signed_in(app, "lead@trust.test"), """mutation($id: ID!) { proposeMeetings(networkId: $id,
        academicYear: "2027-28", pattern: {weekdays: [3], startTime: "16:00", durationMinutes: 90, perTerm: 1}) {
        proposals { term startsAt endsAt clashes { person { name school { name } } with } }
        userErrors { message } } }""", lambda data: len(data["proposeMeetings"]["proposals"][0]["clashes"]),
                    {"id": str(network)})


# ---------- histories (admins only) ----------


def _meeting_history(app, n: int) -> GraphAsk:
    network, client = one_network(app)
    (meeting,) = meetings(network, 1)
    logged_networks([("rsvp", i, ("meeting", meeting)) for i in range(n)])
    return GraphAsk(client, "query($id: ID!) { meeting(id: $id) { history(first: 100) { " + ENTRY + " } } }",
                    entries, {"id": str(meeting)})


def _network_histories(app, n: int) -> GraphAsk:
    _, client = networks_world(app, n, ADMIN_EMAIL, ("ll_admin", None, None))
    logged_networks([("network", i, None) for i in range(1, n + 1)])
    return GraphAsk(client, "{ networks { history { " + ENTRY + " } } }", entries)


def _year_history(app, n: int) -> GraphAsk:
    year()
    client = admin(app)
    logged_networks([("academic_year", YEAR, None)] * n)
    return GraphAsk(client, "query($y: String!) { academicYear(label: $y) { history(first: 100) { " + ENTRY
                    + " } } }", entries, {"y": YEAR})


# what grows, what is asked; the calls to the services; statements on the gateway's
NETWORK_CASES = [
    GraphRead(("Query.networks",), "every network, with what hangs off each", _networks, (
        f"{NETWORKS} /networks", f"{NETWORKS} /memberships", f"{NETWORKS} /meetings",
        f"{NETWORKS} /actions/open"), 6),  # members and owners, their grants, leads, schools
    GraphRead(("Query.myNetworks",), "a member's networks", _my_networks, (
        f"{NETWORKS} /memberships/mine", f"{NETWORKS} /networks", f"{NETWORKS} /memberships",
        f"{NETWORKS} /meetings", f"{NETWORKS} /actions/open"), 6),
    GraphRead(("Network.leads",), "a network's leads", _leads, (
        ONE_NETWORK, f"{NETWORKS} /networks"), 4),  # leads, their grants, schools
    GraphRead(("Network.members",), "a network's members, each of a school", _members, (
        ONE_NETWORK, f"{NETWORKS} /memberships"), 6),  # people, grants, schools, their staff, grants
    GraphRead(("Network.meetings",), "a network's meetings, each with its own people", _meetings, (
        ONE_NETWORK, f"{NETWORKS} /meetings", f"{NETWORKS} /networks"), 3),  # the people, their grants
    GraphRead(("Network.openActions",), "a network's open actions", _open_actions, (
        ONE_NETWORK, f"{NETWORKS} /actions/open", f"{NETWORKS} /meetings", f"{NETWORKS} /networks"), 4),
    GraphRead(("Network.schoolsWithoutMember",), "the schools a network misses", _schools_without_member,
              (ONE_NETWORK, f"{NETWORKS} /memberships"), 4),  # schools, their staff, grants
    GraphRead(("Meeting.rsvps", "Meeting.attendees", "Meeting.actions", "Meeting.agenda"),
              "a meeting's answers, attendees, actions and agenda", _one_meeting, (
                  f"{NETWORKS} /meetings/<id>",), 4),  # people, grants, schools
    GraphRead(("Term.closureDetails",), "a year's closures", _closures, (
        f"{NETWORKS} /academic-years/2027-28",), 1),
    GraphRead(("Meeting.history",), "a meeting's history, for an admin", _meeting_history, (
        f"{NETWORKS} /meetings/<id>", f"{NETWORKS} /history/meeting"), 1),
    GraphRead(("Network.history",), "each network's history, for an admin", _network_histories, (
        f"{NETWORKS} /networks", f"{NETWORKS} /history/network"), 1),
    GraphRead(("AcademicYear.history",), "a year's history, for an admin", _year_history, (
        f"{NETWORKS} /academic-years/{YEAR}", f"{NETWORKS} /history/academic_year"), 1),
    GraphRead(("MeetingProposal.clashes",), "who clashes with the proposed dates", _clashes, (
        f"{NETWORKS} /networks/<id>/candidates", "bookings POST /bookings/commitments",
        "networks POST /networks/<id>/proposals"), 4),  # members, grants, schools
]

NETWORK_NOT_COUNTED = {
    "AcademicYear.terms": "a year's three terms, always three, in the same answer as the year; "
                          "Term.closureDetails's case reads them",
    "MeetingProposalPayload.proposals": "perTerm (1 to 6) dates a term: as many as were asked for, whatever the "
                                        "data; MeetingProposal.clashes's case reads them",
}


@pytest.mark.parametrize("case", NETWORK_CASES, ids=lambda c: c.id)
def test_a_list_field_costs_the_same_calls_for_10_items_as_for_100(gateway_app, case):
    assert_constant_graph_costs(gateway_app, case)
