"""An object's history through the gateway: admins read it on Session, Booking, Meeting,
Network and AcademicYear (and on the pages of the four), everyone else gets null and
no service is asked; a list's histories cost one call; a change the gateway only has
checked leaves none."""
from __future__ import annotations

import sqlalchemy as sa

from gateway.app import create_app
from gateway.tests.test_graphql_bookings import BOOK, SCHEDULE, people, scheduled, session_input  # noqa: F401
from gateway.tests.test_graphql_catalogue import CountingBackends
from gateway.tests.test_graphql_meetings import schedule
from gateway.tests.test_graphql_networks import ADD, world  # noqa: F401
from gateway.tests.test_graphql_proposals import seed_calendar
from tests.support.fixtures import gql, sign_in

ENTRY = "at actorName actorId action summary objectType objectId changes { field before after }"
SESSION = f"""query($id: ID!) {{ session(id: $id) {{ history {{ {ENTRY} }} bookings {{ history {{ action }} }} }} }}"""
CANCEL = "mutation($b: ID!) { cancelBooking(bookingId: $b) { booking { status } userErrors { message } } }"


def client_of(gateway_app, email):
    client = gateway_app.test_client()
    sign_in(client, email)
    return client


def test_admins_read_a_sessions_history_with_its_bookings_and_nobody_else_does(gateway_app, people, scheduled):  # noqa: F811
    sid = scheduled["session"]["id"]
    admin, tara, head = (client_of(gateway_app, e) for e in ("admin@trust.test", "t1@a.test", "head@a.test"))
    booking = gql(tara, BOOK, {"s": sid})["data"]["bookSession"]["booking"]
    gql(tara, CANCEL, {"b": booking["id"]})
    session = gql(admin, SESSION, {"id": sid})["data"]["session"]
    assert [(e["action"], e["actorName"], e["summary"]) for e in session["history"]] == [
        ("booking.cancelled", "Tara One", "Tara One's booking cancelled"),
        ("booking.made", "Tara One", "Booking made for Tara One"),
        ("session.scheduled", "Alex Admin", "Session scheduled")]
    cancelled, made, created = session["history"]
    assert (cancelled["objectType"], cancelled["objectId"], cancelled["actorId"]) == (
        "booking", booking["id"], str(people["t1"]))
    assert cancelled["changes"] == [{"field": "status", "before": "CONFIRMED", "after": "CANCELLED"}]
    assert {"field": "capacity", "before": None, "after": "2"} in created["changes"]
    assert {"field": "requires_approval", "before": None, "after": "no"} in created["changes"]
    assert session["bookings"] == [{"history": [{"action": "booking.cancelled"}, {"action": "booking.made"}]}]
    assert len(gql(admin, "query($id: ID!) { session(id: $id) { history(first: 1) { action } } }",
                   {"id": sid})["data"]["session"]["history"]) == 1
    for someone in (tara, head):
        seen = gql(someone, SESSION, {"id": sid})["data"]["session"]
        assert seen["history"] is None
    mine = gql(tara, "{ myBookings(upcoming: false) { history { action } } }")["data"]["myBookings"]
    assert mine == [{"history": None}]


def test_a_lists_histories_cost_one_call_and_none_for_everyone_else(stack, gateway_app, people, scheduled,  # noqa: F811
                                                                    service_call):
    for _ in range(4):
        body = session_input(scheduled["course"]["id"])
        made = gql(client_of(gateway_app, "admin@trust.test"), SCHEDULE, {"input": body})["data"]["scheduleSession"]
        assert made["userErrors"] == []
    backends = CountingBackends(stack.settings)
    client = create_app(stack.settings, backends=backends).test_client()
    query = """{ sessions(first: 10) { edges { node { history { action }
                 bookings { history { action } } } } } }"""
    for email, asked in (("admin@trust.test", 1), ("t1@a.test", 0)):
        sign_in(client, email)
        backends.requests.clear()
        edges = gql(client, query)["data"]["sessions"]["edges"]
        assert len(edges) == 5
        assert backends.requests.count("GET /history/session") == asked, backends.requests
        assert all((e["node"]["history"] is None) == (asked == 0) for e in edges)


def test_a_change_only_checked_leaves_no_entry(gateway_app, people, make_course):  # noqa: F811
    from services.bookings.audit import AuditEntry
    from services.bookings.db import database

    course = make_course(title="Saturday school")
    admin = client_of(gateway_app, "admin@trust.test")
    saturday = "2027-01-16T10:00:00+00:00"  # not a school day: the form's other fields are only checked
    refused = gql(admin, SCHEDULE, {"input": session_input(course["id"], startsAt=saturday,
                                                           endsAt="2027-01-16T12:00:00+00:00")})
    assert "not a school day" in refused["data"]["scheduleSession"]["userErrors"][0]["message"]
    with database().session() as db:
        assert db.execute(sa.select(sa.func.count()).select_from(AuditEntry.__table__)).scalar_one() == 0


def test_meetings_networks_and_the_calendar_have_a_history_for_admins(gateway_app, world, make_person):  # noqa: F811
    c, p, maths = world["c"], world["people"], world["maths"]
    make_person("admin@trust.test", "Alex Admin", roles=[("ll_admin",)])
    admin = client_of(gateway_app, "admin@trust.test")
    gql(c["lead"], ADD, {"n": str(maths), "p": str(p["t1"]), "r": "MEMBER"})
    meeting = schedule(c["lead"], maths)["meeting"]
    gql(c["t1"], """mutation($m: ID!) { rsvp(meetingId: $m, response: YES) { userErrors { message } } }""",
        {"m": meeting["id"]})
    seed_calendar()
    query = """query($n: ID!, $m: ID!) { network(id: $n) { history { actorName summary } }
      meeting(id: $m) { history { actorName summary changes { field before after } } }
      academicYear(label: "2026-27") { history { actorName summary } } }"""
    seen = gql(admin, query, {"n": str(maths), "m": meeting["id"]})["data"]
    assert seen["network"]["history"] == [
        {"actorName": "Lena Lead", "summary": "Meeting scheduled: Spring meeting"},
        {"actorName": "Lena Lead", "summary": "Tara One added to the network"}]
    assert [e["summary"] for e in seen["meeting"]["history"]] == ["Tara One answered the invitation",
                                                                  "Meeting scheduled: Spring meeting"]
    assert seen["meeting"]["history"][0]["changes"] == [{"field": "response", "before": None, "after": "YES"}]
    assert {"field": "agenda", "before": None, "after": "Fractions follow-up"} in \
        seen["meeting"]["history"][1]["changes"]
    assert seen["academicYear"]["history"] == [{"actorName": "service:seed",
                                                "summary": "Calendar for 2026-27 entered"}]
    for someone in ("lead", "t1"):
        hidden = gql(c[someone], query, {"n": str(maths), "m": meeting["id"]})["data"]
        assert hidden["network"]["history"] is None and hidden["meeting"]["history"] is None
        assert hidden["academicYear"]["history"] is None


def has_history(html: str) -> bool:
    return '<span class="govuk-details__summary-text">History (' in html


def test_the_session_page_shows_its_history_to_admins_only(gateway_app, people, scheduled):  # noqa: F811
    sid = scheduled["session"]["id"]
    html = client_of(gateway_app, "admin@trust.test").get(f"/sessions/{sid}").get_data(as_text=True)
    assert has_history(html) and "Session scheduled" in html and "Alex Admin" in html
    assert 'Capacity: nothing <span aria-hidden="true">→</span><span class="govuk-visually-hidden"> changed to </span> 2' \
        in html
    for email in ("t1@a.test", "head@a.test"):
        html = client_of(gateway_app, email).get(f"/sessions/{sid}").get_data(as_text=True)
        assert "History" not in html and "Session scheduled" not in html


def test_the_network_meeting_and_calendar_pages_show_their_history_to_admins_only(gateway_app, world,  # noqa: F811
                                                                                 make_person):
    c, p, maths = world["c"], world["people"], world["maths"]
    make_person("admin@trust.test", "Alex Admin", roles=[("ll_admin",)])
    admin = client_of(gateway_app, "admin@trust.test")
    gql(c["lead"], ADD, {"n": str(maths), "p": str(p["t1"]), "r": "MEMBER"})
    meeting = schedule(c["lead"], maths)["meeting"]
    seed_calendar()
    pages = {f"/networks/{maths}": "Tara One added to the network",
             f"/meetings/{meeting['id']}": "Meeting scheduled: Spring meeting",
             "/admin/academic-years/2026-27": "Calendar for 2026-27 entered"}
    for path, entry in pages.items():
        page = admin.get(path)
        assert page.status_code == 200, path
        html = page.get_data(as_text=True)
        assert has_history(html) and entry in html, path
    for path in list(pages)[:2]:
        for someone in (c["lead"], c["t1"]):
            html = someone.get(path).get_data(as_text=True)
            assert "History" not in html and pages[path] not in html, path
