"""N+1 guard: every list the networks service answers costs the same SQL statements
for 10 items as for 100 (tests/support/counting.py), and every GET route is either
such a list, with its count here, or says why it is not one.

The items are made straight in the tables, each with what it costs to answer: a
meeting with an answer, an attendee and an open action (which come back on the next
meeting's agenda), a member who is in another network that meets."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from services.networks.db import database
from services.networks.meetings.models import Action, Attendance, Meeting, Rsvp
from services.networks.networks.models import Membership, Network
from services.networks.terms.models import Closure, Term
from shared import tokens
from shared.vocabulary import ClosureKind, RsvpResponse, TermName
from tests.support.counting import Ask, ListRead, assert_constant_queries, uncovered_routes

# Wednesdays at 4 pm UK time, well ahead, in the 2027-28 year made below.
WHEN = datetime(2027, 9, 8, 15, 0, tzinfo=timezone.utc)
YEAR = "2027-28"
MEMBER = tokens.Identity(subject="7", name="Person 7", email="p7@trust.test", school_id=1,
                         grants=(tokens.Grant("staff", school_id=1),))


def lead(network_id: int) -> tokens.Identity:
    return tokens.Identity(subject="50", name="Mo Lead", grants=(tokens.Grant("network_lead", network_id=network_id),))


def add(rows: list) -> list:
    with database().session() as db:
        db.add_all(rows)
        db.flush()
        return [r.id for r in rows]


def member(network_id: int, person_id: int, school_id: int | None = 1) -> Membership:
    return Membership(network_id=network_id, person_id=person_id, name=f"Person {person_id}",
                      email=f"p{person_id}@trust.test", school_id=school_id)


def networks(n: int, person: int = 7) -> list[int]:
    """n networks, with `person` in each."""
    made = add([Network(name=f"Network {i:03d}", subject="Maths") for i in range(n)])
    add([member(network, person) for network in made])
    return made


def meetings(network_id: int, n: int, start: datetime = WHEN, person: int = 7) -> list[int]:
    """n meetings a week apart, each with `person`'s answer, attendance and open action."""
    made = add([Meeting(network_id=network_id, title=f"Meeting {i:03d}", term="AUTUMN",
                        starts_at=start + timedelta(weeks=i), ends_at=start + timedelta(weeks=i, hours=1),
                        venue="Saltmarsh Primary", agenda=[{"title": "Fractions", "minutes": 30, "presenter": None}])
                for i in range(n)])
    add([Rsvp(meeting_id=m, person_id=person, response=RsvpResponse.YES) for m in made]
        + [Attendance(meeting_id=m, person_id=person, school_id=1) for m in made]
        + [action(network_id, m, person) for m in made])
    return made


def action(network_id: int, meeting_id: int, owner: int = 7) -> Action:
    return Action(meeting_id=meeting_id, network_id=network_id, description="Share the bar-model slides",
                  owner_id=owner, owner_name=f"Person {owner}", owner_email=f"p{owner}@trust.test")


def year(label: str = YEAR, closures: int = 0, tiny: bool = False) -> list[date]:
    """The year's three terms (in a `tiny` year each has one Wednesday to meet on), with
    `closures` INSET days shared among them (a term holds at most 40); their dates."""
    first = int(label[:4])
    if tiny:  # Monday to Friday, half term from the Thursday
        spans = [date(first, 9, 6), date(first + 1, 1, 3), date(first + 1, 4, 17)]
        dates = [(s, s + timedelta(days=4), s + timedelta(days=3), s + timedelta(days=4)) for s in spans]
    else:
        dates = [(date(first, 9, 1), date(first, 12, 17), date(first, 10, 25), date(first, 11, 2)),
                 (date(first + 1, 1, 4), date(first + 1, 3, 31), date(first + 1, 2, 14), date(first + 1, 2, 18)),
                 (date(first + 1, 4, 18), date(first + 1, 7, 21), date(first + 1, 5, 30), date(first + 1, 6, 3))]
    terms = add([Term(academic_year=label, name=name, starts_on=s, ends_on=e, half_term_starts_on=hs,
                      half_term_ends_on=he) for name, (s, e, hs, he) in zip(TermName, dates)])
    open_days = [[s + timedelta(days=i) for i in range((e - s).days + 1)
                  if (s + timedelta(days=i)).weekday() < 5 and not hs <= s + timedelta(days=i) <= he]
                 for s, e, hs, he in dates]
    shut = [(terms[i % 3], open_days[i % 3][i // 3]) for i in range(closures)]
    add([Closure(term_id=term, on_date=d, kind=ClosureKind.INSET, note="INSET day") for term, d in shut])
    return [d for _, d in shut]


def items(response) -> int:
    return len(response.json()["items"])


def ids(numbers) -> str:
    return ",".join(map(str, numbers))


def _networks_page(n: int) -> Ask:
    networks(n)
    return Ask("/networks", MEMBER, items, params={"first": 100})


def _networks_batch(n: int) -> Ask:
    return Ask("/networks", MEMBER, items, params={"ids": ids(networks(n))})


def _members(n: int) -> Ask:
    (network,) = networks(1)
    add([member(network, 100 + i) for i in range(n - 1)])
    return Ask(f"/networks/{network}/members", MEMBER, items)


def _memberships(n: int) -> Ask:
    return Ask("/memberships", MEMBER, items, params={"network_ids": ids(networks(n))})


def _my_memberships(n: int) -> Ask:
    networks(n)
    return Ask("/memberships/mine", MEMBER, items)


def _meetings_of_networks(n: int) -> Ask:
    (network,) = networks(1)
    meetings(network, n)
    return Ask("/meetings", MEMBER, items, params={"network_ids": network})


def _meetings_batch(n: int) -> Ask:
    (network,) = networks(1)
    return Ask("/meetings", MEMBER, items, params={"ids": ids(meetings(network, n))})


def _one_meeting(n: int) -> Ask:
    """One meeting with n answers, n attendees and n actions; n open actions before it."""
    (network,) = networks(1)
    (earlier, meeting) = meetings(network, 2)
    people = range(100, 100 + n)
    add([Rsvp(meeting_id=meeting, person_id=p, response=RsvpResponse.MAYBE) for p in people]
        + [Attendance(meeting_id=meeting, person_id=p, school_id=1) for p in people]
        + [action(network, meeting, p) for p in people] + [action(network, earlier, p) for p in people])

    def answered(response) -> int:
        m = response.json()
        assert len(m["agenda"]) == 1 + 1 + n and len(m["attendee_ids"]) == 1 + n and len(m["actions"]) == 1 + n
        return len(m["rsvps"]) - 1
    return Ask(f"/meetings/{meeting}", MEMBER, answered)


def _open_actions(n: int) -> Ask:
    (network,) = networks(1)
    meetings(network, n)
    return Ask("/actions/open", MEMBER, items, params={"network_ids": network})


def _my_meetings_calendar(n: int) -> Ask:
    (network,) = networks(1)
    meetings(network, n)
    return Ask("/meetings/mine/calendar", MEMBER, lambda r: r.text.count("BEGIN:VEVENT"))


PATTERN = {"academic_year": YEAR, "weekdays": "3", "start_time": "16:00", "duration_minutes": 90}


def _planned(n: int) -> int:
    """A network of n members (of a tiny year), each also in another network that meets
    on the first Wednesday, at the same time."""
    year(tiny=True)
    network, other = networks(2)
    add([member(network, 100 + i) for i in range(n - 1)] + [member(other, 100 + i) for i in range(n - 1)])
    meetings(other, 1)
    return network


def _candidates(n: int) -> Ask:
    network = _planned(n)

    def clashing(response) -> int:
        found = response.json()
        assert len(found["member_ids"]) == n and len(found["candidates"]) == 3
        return len(found["candidates"][0]["clashes"])
    return Ask(f"/networks/{network}/candidates", lead(network), clashing, params=PATTERN)


def _proposals(n: int) -> Ask:
    """Every member is booked on trust CPD at each of the three times."""
    network = _planned(n)
    busy = [{"person_id": 100 + i, "starts_at": (WHEN + timedelta(days=d)).isoformat(),
             "ends_at": (WHEN + timedelta(days=d, hours=2)).isoformat(), "title": "Team Teach"}
            for d in (0, 119, 224) for i in range(n)]
    return Ask(f"/networks/{network}/proposals", lead(network), lambda r: len(r.json()["proposals"][1]["clashes"]),
               method="POST", json={**PATTERN, "weekdays": [3], "per_term": 1, "commitments": busy})


def _academic_year(n: int) -> Ask:
    year(closures=n)
    return Ask(f"/academic-years/{YEAR}", MEMBER, lambda r: sum(len(t["closures"]) for t in r.json()["terms"]))


def _school_days(n: int) -> Ask:
    shut = year(closures=n)

    def closed(response) -> int:
        days = set(response.json()["days"])
        return sum(d.isoformat() not in days for d in shut)
    return Ask("/school-days", MEMBER, closed, params={"from": "2027-09-01", "to": "2028-07-21"})


def _calendar_days(n: int) -> Ask:
    """n days asked about at once, closures among them."""
    shut = year(closures=n // 2)
    days = shut + [date(2027, 10, 1) + timedelta(days=i) for i in range(n - len(shut))]
    return Ask("/calendar-days", MEMBER, items, params={"days": ids(d.isoformat() for d in days)})


def _attendance_by_school(n: int) -> Ask:
    """n follow-up meetings, each with one from a school of its own and one from school 1."""
    (network,) = networks(1)
    made = meetings(network, n)
    add([Attendance(meeting_id=m, person_id=300 + i, school_id=10 + i) for i, m in enumerate(made)])
    return Ask("/attendance/by-school", ADMIN, lambda r: items(r) // 2, params={"meeting_ids": ids(made)})


def _follow_ups(n: int) -> Ask:
    """n meetings whose lead said they follow up one of two programmes."""
    from sqlalchemy import update

    from services.networks.db import database

    (network,) = networks(1)
    made = meetings(network, n)
    with database().session() as db:
        for i, m in enumerate(made):
            db.execute(update(Meeting).where(Meeting.id == m).values(programme_id=1 + i % 2))
    return Ask("/meetings/follow-ups", ADMIN, items, params={"programme_ids": "1,2"})


ADMIN = tokens.Identity(subject="42", name="Ada Admin", grants=(tokens.Grant("ll_admin"),))


def logged(rows: list[tuple[str, int, tuple | None]]) -> None:
    """An audit entry for each (object type, id, parent)."""
    from services.networks.audit import log_action

    with database().session() as db:
        for kind, object_id, parent in rows:
            log_action(db, ADMIN, f"{kind}.changed", (kind, object_id), {"status": ["A", "B"]}, parent=parent)


def _history(n: int) -> Ask:
    logged([("network", 1, None)] * (n // 2) + [("membership", i, ("network", 1)) for i in range(n - n // 2)])
    return Ask("/history/network/1", ADMIN, items, params={"first": 100})


def _histories(n: int) -> Ask:
    logged([("meeting", i, ("network", i)) for i in range(1, n + 1)])
    return Ask("/history/network", ADMIN, items, params={"ids": ids(range(1, n + 1))})


# route, what is asked, statements
CASES = [
    # count, page
    ListRead("GET /networks", "a page", _networks_page, 2),
    ListRead("GET /networks", "a batch read by ids", _networks_batch, 2),
    # the network, whether the caller may see its members, the members
    ListRead("GET /networks/<int:network_id>/members", "a network's members", _members, 3),
    ListRead("GET /memberships", "the members of several networks", _memberships, 2),
    ListRead("GET /memberships/mine", "my networks", _my_memberships, 1),
    # whether the caller may see them, the meetings; their answers, attendees, actions,
    # and the open actions of earlier meetings on their agendas
    ListRead("GET /meetings", "a network's meetings", _meetings_of_networks, 6),
    ListRead("GET /meetings", "a batch read by ids", _meetings_batch, 6),
    ListRead("GET /meetings/<int:meeting_id>", "a meeting's answers, attendees and actions", _one_meeting, 6),
    ListRead("GET /actions/open", "a network's open actions", _open_actions, 2),
    ListRead("GET /meetings/mine/calendar", "my meetings' calendar feed", _my_meetings_calendar, 1),
    # the network, the year (terms, closures), the members, the school days (terms,
    # closures), the members' other networks, their meetings
    ListRead("GET /networks/<int:network_id>/candidates", "days to meet on, and who clashes", _candidates, 8),
    ListRead("POST /networks/<int:network_id>/proposals", "the best days (a read sent as POST)", _proposals, 8),
    # terms, closures
    ListRead("GET /academic-years/<label>", "a year's closures", _academic_year, 2),
    ListRead("GET /school-days", "the school days around closures", _school_days, 2),
    ListRead("GET /calendar-days", "what the calendar says of several days", _calendar_days, 2),
    ListRead("GET /attendance/by-school", "how many from each school came to a cascade's meetings, for admins",
             _attendance_by_school, 1),
    ListRead("GET /meetings/follow-ups", "which meetings follow up cascaded programmes", _follow_ups, 1),
    ListRead("GET /history/<object_type>/<object_id>", "a network's history with its members'", _history, 1),
    ListRead("GET /history/<object_type>", "several networks' histories", _histories, 1),
]

NOT_LISTS = {
    "GET /networks/<int:network_id>": "one network",
    "GET /meetings/<int:meeting_id>/calendar": "one meeting's calendar entry",
    "GET /calendar-days/<day>": "one day",
}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_a_list_costs_the_same_statements_for_10_items_as_for_100(case, service_call):
    assert_constant_queries("networks", case, service_call)


def test_every_list_the_networks_service_answers_has_a_count(stack):
    assert uncovered_routes(stack.networks.app, CASES, NOT_LISTS) == []
