"""N+1 guard for the GraphQL lists of people (test_graphql_call_counts.py says what it
guards and walks the schema for cases): the trust's schools, a school's staff and a
page of people with their CPD records, an organisation's bookers, my role grants and
my CPD record — each costs the same calls for 10 items as for 100."""
from __future__ import annotations

import pytest

from gateway.tests.graph_counts import (
    BOOKINGS,
    CATALOGUE,
    NETWORKS,
    admin,
    organisations,
    people,
    person,
    schools,
    signed_in,
    staff_of,
)
from services.bookings.tests.test_bookings_query_counts import LAST_YEAR, bookings, sessions
from services.networks.networks.models import Network
from services.networks.tests.test_networks_query_counts import add
from shared.vocabulary import BookingStatus
from tests.support.counting import GraphAsk, GraphRead, assert_constant_graph_costs

# ---------- people, schools and CPD records ----------


def _schools(app, n: int) -> GraphAsk:
    client = admin(app)
    for s in schools(n):
        staff_of(s, 1, f"staff{s:03d}-")
    return GraphAsk(client, "{ schools { id name urn phase riskBand pupilCount staff { name roles { role } } } }",
                    lambda data: len(data["schools"]))


def with_records(them: list[int], school: int) -> None:
    """Each of them attended a session last year, each of its own course."""
    made = sessions(len(them), LAST_YEAR, course_id=None)
    bookings([(s, p, BookingStatus.ATTENDED) for s, p in zip(made, them)], school_id=school)


def _staff(app, n: int) -> GraphAsk:
    client = admin(app)
    (school,) = schools(1)
    them = [people(1, f"staff{i:03d}-", school, lambda _: [("staff", school, None)], organisation_id=o)[0]
            for i, o in enumerate(organisations(n))]
    with_records(them, school)
    return GraphAsk(client, """query($id: ID!) { school(id: $id) { staff { name email jobTitle
        organisation { name } roles { role school { name } } cpdRecord(academicYear: "2025-26") { hours } } } }""",
                    lambda data: len(data["school"]["staff"]), {"id": str(school)})


def _people(app, n: int) -> GraphAsk:
    client = admin(app)
    (school,) = schools(1)
    them = [people(1, f"staff{i:03d}-", school, lambda _: [("staff", school, None)], organisation_id=o)[0]
            for i, o in enumerate(organisations(n))]
    with_records(them, school)
    return GraphAsk(client, """query($n: Int) { people(first: $n, search: "staff") { totalCount edges { node {
        name email school { name } organisation { name } roles { role school { name } }
        cpdRecord(academicYear: "2025-26") { hours sessionsAttended } } } } }""",
                    lambda data: len(data["people"]["edges"]), {"n": n})


def _organisation_bookers(app, n: int) -> GraphAsk:
    (org,) = organisations(1)
    people(n, "booker", None, lambda _: [("external_booker", None, None)], organisation_id=org)
    return GraphAsk(signed_in(app, "booker000@trust.test"), """{ myOrganisation { name bookers { name email
        organisation { name } roles { role } } } }""", lambda data: len(data["myOrganisation"]["bookers"]))


def _roles(app, n: int) -> GraphAsk:
    made = add([Network(name=f"Network {i:03d}", subject="Maths") for i in range(n)])
    person("lead@trust.test", *[("network_lead", None, nw) for nw in made])
    return GraphAsk(signed_in(app, "lead@trust.test"), """{ me { roles { id role schoolId networkId
        school { name } network { name } } } }""", lambda data: len(data["me"]["roles"]))


def _cpd_entries(app, n: int) -> GraphAsk:
    (school,) = schools(1)
    (me,) = staff_of(school, 1, "me")
    bookings([(s, me, BookingStatus.ATTENDED) for s in sessions(n, LAST_YEAR, course_id=None)], school_id=school)
    return GraphAsk(signed_in(app, "me000@trust.test"), """{ me { cpdRecord(academicYear: "2025-26") {
        academicYear hours sessionsAttended entries { title date minutes kind certificateUrl } } } }""",
                    lambda data: len(data["me"]["cpdRecord"]["entries"]))


PEOPLE_CASES = [
    GraphRead(("Query.schools",), "the trust's schools", _schools, (), 4),  # schools, staff, grants
    # each person's CPD record: sessions attended (bookings) and videos watched (catalogue)
    GraphRead(("School.staff",), "a school's staff, for an admin", _staff, (
        f"{BOOKINGS} /cpd-records", f"{CATALOGUE} /videos/cpd-records"), 5),  # schools, staff, grants, organisations
    GraphRead(("Query.people",), "a page of people, for an admin", _people, (
        f"{BOOKINGS} /cpd-records", f"{CATALOGUE} /videos/cpd-records"), 6),  # count, page, grants, schools, orgs
    GraphRead(("Person.roles",), "my role grants", _roles, (f"{NETWORKS} /networks",), 1),
    # the sign-in's session, the organisation, its bookers, their grants
    GraphRead(("Organisation.bookers",), "my organisation's bookers", _organisation_bookers, (), 4),
    GraphRead(("CpdRecord.entries",), "my CPD record", _cpd_entries, (
        f"{BOOKINGS} /cpd-records", f"{CATALOGUE} /videos/cpd-records"), 1),
]


@pytest.mark.parametrize("case", PEOPLE_CASES, ids=lambda c: c.id)
def test_a_list_field_costs_the_same_calls_for_10_items_as_for_100(gateway_app, case):
    assert_constant_graph_costs(gateway_app, case)
