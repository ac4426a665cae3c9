"""N+1 guard for the GraphQL API: every list field, read with the fields below its items
(those read by id through the loaders included), costs the same calls to the services,
and the same statements on the gateway's own database, for 10 items as for 100
(tests/support/counting.py).  A test walks the schema: a list field no case grows
fails it until it has one, or a reason here why it needs none.

The items are made straight in each component's tables, as the services' own query
counts make theirs (their helpers are used here), with gateway people to match."""
from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from sqlmodel import col, select

from gateway.db import database as gateway_database
from gateway.identity.models import Organisation, Person, Role, RoleGrant, School
from gateway.tests.cascade_counts import CASCADE_CASES, CASCADE_NOT_COUNTED
from services.bookings.tests.test_bookings_query_counts import LAST_YEAR, bookings, sessions
from services.bookings.tests.test_bookings_query_counts import logged as logged_bookings
from services.catalogue.tests.test_catalogue_query_counts import courses
from services.networks.meetings.models import Attendance, Rsvp
from services.networks.networks.models import Network
from services.networks.tests.test_networks_query_counts import (
    WHEN,
    YEAR,
    action,
    add,
    meetings,
    member,
    year,
)
from services.networks.tests.test_networks_query_counts import logged as logged_networks
from shared.vocabulary import BookingStatus, RsvpResponse
from tests.support.counting import GraphAsk, GraphRead, assert_constant_graph_costs, uncovered_list_fields
from tests.support.fixtures import sign_in

ADMIN_EMAIL = "admin@trust.test"


# ---------- people and schools, in the gateway's tables ----------


def rows(made: list) -> list[int]:
    with gateway_database().session() as db:
        db.add_all(made)
        db.flush()
        return [r.id for r in made]


_URNS = itertools.count(900000)


def schools(n: int) -> list[int]:
    return rows([School(name=f"School {i:03d}", urn=str(next(_URNS)), phase="PRIMARY", risk_band="LOW")
                 for i in range(n)])


def people(n: int, prefix: str, school_id: int | None = None, roles=lambda i: [], **values) -> list[int]:
    """n people (`prefix`000@trust.test, …), `roles(i)` each: (role, school, network)."""
    return rows([Person(email=f"{prefix}{i:03d}@trust.test", name=f"{prefix.title()} {i:03d}",
                        school_id=school_id, grants=[RoleGrant(role=Role(r), school_id=s, network_id=nw)
                                                     for r, s, nw in roles(i)], **values)
                 for i in range(n)])


def person(email: str, *roles: tuple, school_id: int | None = None) -> int:
    return rows([Person(email=email, name=email.split("@")[0].title(), school_id=school_id,
                        grants=[RoleGrant(role=Role(r), school_id=s, network_id=nw) for r, s, nw in roles])])[0]


def signed_in(app, email: str):
    client = app.test_client()
    sign_in(client, email)
    return client


def admin(app):
    person(ADMIN_EMAIL, ("ll_admin", None, None))
    return signed_in(app, ADMIN_EMAIL)


PERSON = "name email jobTitle school { name } roles { role school { name } network { name } }"


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


# ---------- sessions and bookings ----------


def slug(course_id: int) -> str:
    return f"fractions-{course_id - 1:03d}"


def staff_of(school: int, n: int, prefix: str = "staff") -> list[int]:
    return people(n, prefix, school, lambda i: [("staff", school, None)])


def _sessions(app, n: int) -> GraphAsk:
    client = admin(app)
    (me,) = people_ids(ADMIN_EMAIL)
    (school,) = schools(1)
    (other,) = staff_of(school, 1)
    made = sessions(n, course_id=courses(n))
    bookings([(s, me, BookingStatus.CONFIRMED) for s in made])
    bookings([(s, other, BookingStatus.WAITLISTED) for s in made], school_id=school)
    return GraphAsk(client, """query($n: Int) { sessions(first: $n) { totalCount edges { cursor node {
        id startsAt placesLeft waitingListLength course { title slug phases }
        myBooking { status waitingListPosition session { id } } bookings { attendeeName status attendee { name } }
        } } } }""", lambda data: len(data["sessions"]["edges"]), {"n": n})


def _course_sessions(app, n: int) -> GraphAsk:
    client = admin(app)
    (me,) = people_ids(ADMIN_EMAIL)
    (course,) = courses(1)
    made = sessions(n, course_id=course)
    bookings([(s, me, BookingStatus.CONFIRMED) for s in made])
    return GraphAsk(client, """query($slug: String!) { course(slug: $slug) { sessions { id startsAt
        course { title } myBooking { status } bookings { attendee { name } } } } }""",
                    lambda data: len(data["course"]["sessions"]), {"slug": slug(course)})


def _courses(app, n: int) -> GraphAsk:
    client = admin(app)
    (me,) = people_ids(ADMIN_EMAIL)
    made = sessions(n, LAST_YEAR, course_id=courses(n))
    bookings([(s, me, BookingStatus.ATTENDED) for s in made], feedback_rating=5, feedback_comment="Good",
             feedback_at=LAST_YEAR + timedelta(days=200))
    return GraphAsk(client, """query($n: Int) { courses(first: $n) { totalCount edges { node { title slug
        phases audiences updatedAt sessions(upcoming: false) { id myBooking { status } }
        feedback { count average comments { rating } } } } } courseSubjects }""",
                    lambda data: len(data["courses"]["edges"]), {"n": n})


def _feedback_comments(app, n: int) -> GraphAsk:
    client = admin(app)
    (course,) = courses(1)
    (school,) = schools(1)
    them = staff_of(school, n)
    made = sessions(n, LAST_YEAR, course_id=course)
    bookings([(s, p, BookingStatus.ATTENDED) for s, p in zip(made, them)], school_id=school,
             feedback_rating=4, feedback_comment="Useful", feedback_at=LAST_YEAR + timedelta(days=200))
    return GraphAsk(client, """query($slug: String!) { course(slug: $slug) { feedback { count average
        comments { rating comment sessionStartsAt } } } }""",
                    lambda data: len(data["course"]["feedback"]["comments"]), {"slug": slug(course)})


BOOKING = """id status attendeeName waitingListPosition offerExpiresAt createdAt certificateUrl icsUrl
    feedbackRating attendee { name email school { name } } session { startsAt course { title } myBooking { id } }"""


def _my_bookings(app, n: int) -> GraphAsk:
    (school,) = schools(1)
    (me,) = staff_of(school, 1, "me")
    (other,) = staff_of(school, 1, "other")
    made = sessions(n, course_id=courses(n))
    bookings([(s, other, BookingStatus.WAITLISTED) for s in made], school_id=school)
    bookings([(s, me, BookingStatus.WAITLISTED if i % 2 else BookingStatus.CONFIRMED)
              for i, s in enumerate(made)], school_id=school)
    return GraphAsk(signed_in(app, "me000@trust.test"), "{ myBookings { " + BOOKING + " } }",
                    lambda data: len(data["myBookings"]))


def school_world(app, n: int, status: BookingStatus) -> tuple[int, object]:
    """A school's leader, signed in, and n of its staff each booked on a session."""
    (school,) = schools(1)
    person("head@trust.test", ("staff", school, None), ("school_leader", school, None), school_id=school)
    them = staff_of(school, n)
    bookings([(s, p, status) for s, p in zip(sessions(n, course_id=courses(n)), them)], school_id=school)
    return school, signed_in(app, "head@trust.test")


def _school_bookings(app, n: int) -> GraphAsk:
    school, client = school_world(app, n, BookingStatus.CONFIRMED)
    return GraphAsk(client, "query($s: ID!) { schoolBookings(schoolId: $s) { " + BOOKING + " } }",
                    lambda data: len(data["schoolBookings"]), {"s": str(school)})


def _awaiting_approval(app, n: int) -> GraphAsk:
    _, client = school_world(app, n, BookingStatus.PENDING_APPROVAL)
    return GraphAsk(client, "{ bookingsAwaitingApproval { " + BOOKING + " } }",
                    lambda data: len(data["bookingsAwaitingApproval"]))


def _session_bookings(app, n: int) -> GraphAsk:
    client = admin(app)
    (school,) = schools(1)
    (session,) = sessions(1, course_id=courses(1))
    bookings([(session, p, BookingStatus.WAITLISTED if i % 2 else BookingStatus.CONFIRMED)
              for i, p in enumerate(staff_of(school, n))], school_id=school)
    return GraphAsk(client, """query($id: ID!) { session(id: $id) { bookings { status waitingListPosition
        attendee { name school { name } } session { id } } } }""",
                    lambda data: len(data["session"]["bookings"]), {"id": str(session)})


# ---------- people, schools and CPD records ----------


def people_ids(*emails: str) -> list[int]:
    from sqlmodel import col, select

    with gateway_database().session() as db:
        return list(db.exec(select(Person.id).where(col(Person.email).in_(emails))).all())


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


def organisations(n: int) -> list[int]:
    return rows([Organisation(name=f"Outside school {i:03d}", billing_email=f"bursar{i:03d}@outside.test",
                              address="1 High Street") for i in range(n)])


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


# ---------- vouchers (admins only) ----------


def vouchers(course_ids: list[int | None], uses_by: list[int] = ()) -> list[int]:
    """A voucher for each course id (None: every course); the first used once by an
    order of each organisation in `uses_by`."""
    from services.bookings.db import database as bookings_database
    from services.bookings.orders.models import Order
    from services.bookings.vouchers.models import Voucher, VoucherUse

    with bookings_database().session() as db:
        made = [Voucher(code=f"CODE-{i:03d}", percent_off=10, max_uses=1000, uses=len(uses_by) if i == 0 else 0,
                        course_ids=None if c is None else [c], valid_from=WHEN.date(), valid_until=WHEN.date(),
                        created_by_id=1, created_by_name="Admin") for i, c in enumerate(course_ids)]
        orders = [Order(organisation_id=o, status="INVOICED", payment_method="INVOICE", total_pence=90,
                        discount_pence=10, created_by_id=1, created_by_name="Bursar") for o in uses_by]
        db.add_all(made + orders)
        db.flush()
        db.add_all([VoucherUse(voucher_id=made[0].id, order_id=o.id, organisation_id=o.organisation_id,
                               discount_pence=10) for o in orders])
        return [v.id for v in made]


def _vouchers(app, n: int) -> GraphAsk:
    client = admin(app)
    vouchers(courses(n, visibility="PUBLIC", external_price_pence=5000))
    return GraphAsk(client, "{ vouchers(first: 100) { edges { node { code courses { title } } } } }",
                    lambda data: sum(len(e["node"]["courses"]) for e in data["vouchers"]["edges"]))


def _voucher_uses(app, n: int) -> GraphAsk:
    client = admin(app)
    (voucher,) = vouchers([None], uses_by=organisations(n))
    return GraphAsk(client, """query($id: ID!) { voucher(id: $id) { used { orderId discountPence
        organisation { name } } } }""", lambda data: len(data["voucher"]["used"]), {"id": str(voucher)})


# ---------- orders of schools outside the trust ----------


def bought(org: int, lines_per_order: list[int]) -> list[int]:
    """Orders of `org` (in bookings' tables): one per item, with that many lines, each
    on a session (and course) of its own and naming two attendees."""
    from services.bookings.db import database as bookings_database
    from services.bookings.orders.models import Order, OrderAttendee, OrderLine
    from services.bookings.sessions.models import CourseSession

    made_sessions = sessions(sum(lines_per_order), course_id=courses(sum(lines_per_order)))
    with bookings_database().session() as db:
        # on sale to schools outside the trust, as any session a school bought is
        for row in db.exec(select(CourseSession).where(col(CourseSession.id).in_(made_sessions))).all():
            row.course_visibility, row.course_published = "PUBLIC", True
            db.add(row)
    made_sessions = iter(made_sessions)
    with bookings_database().session() as db:
        made = [Order(organisation_id=org, status="INVOICED", payment_method="INVOICE", total_pence=100,
                      created_by_id=501, created_by_name="Bursar") for _ in lines_per_order]
        db.add_all(made)
        db.flush()
        lines = [OrderLine(order_id=o.id, session_id=next(made_sessions), unit_price_pence=50, quantity=2)
                 for o, n in zip(made, lines_per_order) for _ in range(n)]
        db.add_all(lines)
        db.flush()
        db.add_all([OrderAttendee(line_id=ln.id, name=f"A{i}", email=f"a{i}@s.test") for ln in lines for i in range(2)])
        return [o.id for o in made]


ORDER_READ = """id status totalPence organisation { name } refunds { amountPence reason }
    lines { quantity bookings { id } session { startsAt course { title } } attendees { name email } }"""


def _organisation_orders(app, n: int) -> GraphAsk:
    (org,) = organisations(1)
    people(1, "booker", None, lambda _: [("external_booker", None, None)], organisation_id=org)
    bought(org, [1] * n)
    return GraphAsk(signed_in(app, "booker000@trust.test"), "{ myOrganisation { name orders { " + ORDER_READ
                    + " } } }", lambda data: len(data["myOrganisation"]["orders"]))


def _order_lines(app, n: int) -> GraphAsk:
    (org,) = organisations(1)
    (order,) = bought(org, [n])
    return GraphAsk(admin(app), "query($id: ID!) { order(id: $id) { " + ORDER_READ + " } }",
                    lambda data: len(data["order"]["lines"]), {"id": str(order)})


NETWORKS, BOOKINGS, CATALOGUE = "networks GET", "bookings GET", "catalogue GET"
ONE_NETWORK = f"{NETWORKS} /networks/<id>"


# ---------- histories (admins only) ----------

ENTRY = "at actorName actorId action summary objectType objectId changes { field before after }"


def entries(data) -> int:
    """How many history entries an answer holds, wherever they hang."""
    if isinstance(data, dict):
        return sum(len(v) if k == "history" else entries(v) for k, v in data.items() if v is not None)
    return sum(entries(v) for v in data) if isinstance(data, list) else 0


def _session_histories(app, n: int) -> GraphAsk:
    client = admin(app)
    made = sessions(n, course_id=courses(n))
    logged_bookings([("session", s, None) for s in made])
    # the newest entry of each (a page of 100 sessions' twenty newest is over the cost limit)
    return GraphAsk(client, "query($n: Int) { sessions(first: $n) { edges { node { history(first: 1) { "
                    + ENTRY + " } } } } }", entries, {"n": n})


def _booking_histories(app, n: int) -> GraphAsk:
    client = admin(app)
    (session,) = sessions(1)
    made = bookings([(session, 100 + i, BookingStatus.CONFIRMED) for i in range(n)])
    logged_bookings([("booking", b, ("session", session)) for b in made])
    return GraphAsk(client, "query($id: ID!) { session(id: $id) { bookings { history { " + ENTRY + " } } } }",
                    entries, {"id": str(session)})


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
# database (the first is always the sign-in's session, with its person and grants)
CASES = [
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
    GraphRead(("Query.sessions",), "a page of sessions", _sessions, (
        f"{BOOKINGS} /sessions", f"{CATALOGUE} /courses", f"{BOOKINGS} /bookings/mine",
        f"{BOOKINGS} /bookings/by-session"), 3),  # the attendees, their grants
    GraphRead(("Course.sessions",), "a course's sessions", _course_sessions, (
        f"{CATALOGUE} /courses/by-slug/fractions-000", f"{BOOKINGS} /sessions", f"{BOOKINGS} /bookings/mine",
        f"{BOOKINGS} /bookings/by-session"), 3),
    GraphRead(("Query.courses",), "a page of courses, for an admin", _courses, (
        f"{CATALOGUE} /courses", f"{BOOKINGS} /sessions", f"{BOOKINGS} /bookings/mine",
        f"{BOOKINGS} /courses/feedback", f"{CATALOGUE} /courses/subjects"), 1),
    GraphRead(("CourseFeedback.comments",), "a course's feedback", _feedback_comments, (
        f"{CATALOGUE} /courses/by-slug/fractions-000", f"{BOOKINGS} /courses/feedback"), 1),
    GraphRead(("Query.myBookings",), "my bookings", _my_bookings, (
        f"{BOOKINGS} /bookings/mine", f"{BOOKINGS} /sessions", f"{CATALOGUE} /courses",
        f"{BOOKINGS} /bookings/mine"), 4),  # me, my grants, schools
    GraphRead(("Query.schoolBookings",), "a school's bookings", _school_bookings, (
        f"{BOOKINGS} /bookings/school", f"{BOOKINGS} /sessions", f"{CATALOGUE} /courses",
        f"{BOOKINGS} /bookings/mine"), 4),  # the attendees, their grants, schools
    GraphRead(("Query.bookingsAwaitingApproval",), "a leader's decisions", _awaiting_approval, (
        f"{BOOKINGS} /bookings/awaiting-approval", f"{BOOKINGS} /sessions", f"{CATALOGUE} /courses",
        f"{BOOKINGS} /bookings/mine"), 4),
    GraphRead(("Session.bookings",), "a session's bookings", _session_bookings, (
        f"{BOOKINGS} /sessions/<id>", f"{BOOKINGS} /bookings/by-session"), 4),
    GraphRead(("Query.schools",), "the trust's schools", _schools, (), 4),  # schools, staff, grants
    # each person's CPD record: sessions attended (bookings) and videos watched (catalogue)
    GraphRead(("School.staff",), "a school's staff, for an admin", _staff, (
        f"{BOOKINGS} /cpd-records", f"{CATALOGUE} /videos/cpd-records"), 5),  # schools, staff, grants, organisations
    GraphRead(("Query.people",), "a page of people, for an admin", _people, (
        f"{BOOKINGS} /cpd-records", f"{CATALOGUE} /videos/cpd-records"), 6),  # count, page, grants, schools, orgs
    GraphRead(("Person.roles",), "my role grants", _roles, (f"{NETWORKS} /networks",), 1),
    GraphRead(("Organisation.bookers",), "my organisation's bookers", _organisation_bookers, (), 4),
    # the session, the organisation, its bookers, their grants
    GraphRead(("Organisation.orders",), "my organisation's orders, each on its own session", _organisation_orders, (
        f"{BOOKINGS} /orders", f"{BOOKINGS} /sessions", f"{CATALOGUE} /courses"), 2),
    # the sign-in's session with me and my grants; the organisation (its orders' one read with it)
    GraphRead(("Order.lines",), "an order's lines, each on its own session, for an admin", _order_lines, (
        f"{BOOKINGS} /orders/<id>", f"{BOOKINGS} /sessions", f"{CATALOGUE} /courses"), 2),
    GraphRead(("CpdRecord.entries",), "my CPD record", _cpd_entries, (
        f"{BOOKINGS} /cpd-records", f"{CATALOGUE} /videos/cpd-records"), 1),
    GraphRead(("Session.history",), "each session's history on a page of sessions, for an admin",
              _session_histories, (f"{BOOKINGS} /sessions", f"{BOOKINGS} /history/session"), 1),
    GraphRead(("Booking.history",), "each booking's history on a session, for an admin", _booking_histories, (
        f"{BOOKINGS} /sessions/<id>", f"{BOOKINGS} /bookings/by-session", f"{BOOKINGS} /history/booking"), 1),
    GraphRead(("Meeting.history",), "a meeting's history, for an admin", _meeting_history, (
        f"{NETWORKS} /meetings/<id>", f"{NETWORKS} /history/meeting"), 1),
    GraphRead(("Network.history",), "each network's history, for an admin", _network_histories, (
        f"{NETWORKS} /networks", f"{NETWORKS} /history/network"), 1),
    GraphRead(("AcademicYear.history",), "a year's history, for an admin", _year_history, (
        f"{NETWORKS} /academic-years/{YEAR}", f"{NETWORKS} /history/academic_year"), 1),
    GraphRead(("MeetingProposal.clashes",), "who clashes with the proposed dates", _clashes, (
        f"{NETWORKS} /networks/<id>/candidates", "bookings POST /bookings/commitments",
        "networks POST /networks/<id>/proposals"), 4),  # members, grants, schools
    GraphRead(("Query.vouchers", "Voucher.courses"), "every voucher with its courses, for an admin", _vouchers, (
        f"{BOOKINGS} /vouchers", f"{CATALOGUE} /courses"), 1),
    GraphRead(("Voucher.used",), "a voucher's uses and their schools, for an admin", _voucher_uses, (
        f"{BOOKINGS} /vouchers/<id>",), 2),  # the organisations
]


CASES += CASCADE_CASES  # gateway/tests/cascade_counts.py

NOT_COUNTED = {
    r"\w+Payload\.userErrors": "a mutation's refusals, made from the one answer it had: nothing is read per item",
    r"\w+Connection\.edges": "the page of the field that answers the connection (Query.sessions, Query.people, "
                             "Query.courses): counted there",
    "AcademicYear.terms": "a year's three terms, always three, in the same answer as the year; "
                          "Term.closureDetails's case reads them",
    "OrderLine.attendees": "a line's attendees, in the same answer as its order: nothing is read per item",
    "OrderLine.bookings": "always empty: an order's places are attendees, not bookings (gateway/orders/graph.py)",
    "Order.refunds": "an order's refunds, in the same answer as the order: nothing is read per item",
    "AuditEntry.changes": "an entry's changed fields, in the same answer as the entry: nothing is read per item",
    "MeetingProposalPayload.proposals": "perTerm (1 to 6) dates a term: as many as were asked for, whatever the "
                                        "data; MeetingProposal.clashes's case reads them",
    **CASCADE_NOT_COUNTED,
}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_a_list_field_costs_the_same_calls_for_10_items_as_for_100(gateway_app, case):
    assert_constant_graph_costs(gateway_app, case)


def test_every_list_field_has_a_count():
    from gateway.schema import schema
    from gateway.tests.test_graphql_video_call_counts import CONTINUE, VIDEO_CASES, VIDEO_NOT_COUNTED

    assert uncovered_list_fields(schema.graphql_schema, [*CASES, *VIDEO_CASES, CONTINUE],
                                 {**NOT_COUNTED, **VIDEO_NOT_COUNTED}) == []
