"""What networks answers for following a cascaded programme: how many from each school
came to its follow-up meetings (admins every school, a school's SIPs and leaders
their own, nobody else anything), which meetings their leads said follow it up, and what the calendar says of several days at once
(the gateway checks a sprint's dates with it)."""
from __future__ import annotations

import pytest

from services.networks.meetings.models import Attendance
from services.networks.tests.test_networks_query_counts import add, meetings, networks
from services.networks.tests.test_terms import seeded
from shared import tokens

A, B = 1, 2


def who(*grants: tuple, subject: str = "500") -> tokens.Identity:
    return tokens.Identity(subject=subject, name="Someone", grants=tuple(tokens.Grant(*g) for g in grants))


ROLES = {
    "admin": (who(("ll_admin",)), {A, B}),
    "SIP of school A": (who(("sip", A)), {A}),
    "leader of school A": (who(("school_leader", A), ("staff", A)), {A}),
    "staff of school A": (who(("staff", A)), set()),
    "governor of school A": (who(("governor", A)), set()),
    "external booker": (who(("external_booker",)), set()),
    "network lead": (who(("network_lead", None, 1)), set()),
    "visitor": (tokens.ANONYMOUS_IDENTITY, set()),
}


@pytest.mark.parametrize("role", list(ROLES))
def test_follow_up_attendance_by_school_for_each_role(service_call, role):
    (network,) = networks(1)
    first, second = meetings(network, 2)  # person 7 of school A came to both
    add([Attendance(meeting_id=first, person_id=8, school_id=A), Attendance(meeting_id=first, person_id=9, school_id=B),
         Attendance(meeting_id=second, person_id=10, school_id=None)])  # a member of no school
    identity, sees = ROLES[role]
    answer = service_call("networks", "GET", "/attendance/by-school", identity,
                          params={"meeting_ids": f"{first},{second}"})
    assert answer.status_code == 200, answer.text
    everything = {(first, A): 2, (first, B): 1, (second, A): 1}
    assert {(r["meeting_id"], r["school_id"]): r["attended"] for r in answer.json()["items"]} == {
        k: v for k, v in everything.items() if k[1] in sees}


def test_follow_up_attendance_refuses_what_is_not_a_list_of_ids(service_call):
    for bad in ("", "1,,2", "x", ",".join(["1"] * 101)):
        assert service_call("networks", "GET", "/attendance/by-school", params={"meeting_ids": bad}
                            ).status_code == 422


@pytest.mark.parametrize("role", list(ROLES))
def test_which_meetings_follow_up_a_programme_for_each_role(service_call, role):
    from sqlalchemy import update

    from services.networks.db import database
    from services.networks.meetings.models import Meeting

    (network,) = networks(1)
    first, second, third = meetings(network, 3)
    with database().session() as db:  # as their lead said when scheduling them
        db.execute(update(Meeting).where(Meeting.id.in_([first, third])).values(programme_id=5))
        db.execute(update(Meeting).where(Meeting.id == second).values(programme_id=6))
    identity, _ = ROLES[role]
    answer = service_call("networks", "GET", "/meetings/follow-ups", identity, params={"programme_ids": "5,7"})
    assert answer.status_code == 200, answer.text
    # ids alone, to everyone of the trust, whether or not they are the network's members
    trust = role not in ("external booker", "visitor")
    assert answer.json()["items"] == ([{"meeting_id": first, "programme_id": 5},
                                       {"meeting_id": third, "programme_id": 5}] if trust else [])


def test_several_days_of_the_calendar_at_once(service_call):
    seeded(service_call)
    days = ["2026-11-04", "2026-10-28", "2026-09-01", "2026-11-07", "2027-05-03", "2031-03-05", "2031-03-08"]
    answer = service_call("networks", "GET", "/calendar-days", tokens.ANONYMOUS_IDENTITY,
                          params={"days": ",".join(days)})
    assert answer.status_code == 200, answer.text
    said = {d["day"]: (d["term"], d["school_day"]) for d in answer.json()["items"]}
    assert said == {
        "2026-11-04": ("AUTUMN", True),  # an ordinary Wednesday in term
        "2026-10-28": ("AUTUMN", False),  # half term
        "2026-09-01": ("AUTUMN", False),  # an INSET day
        "2026-11-07": ("AUTUMN", False),  # a Saturday
        "2027-05-03": ("SUMMER", False),  # the May Day bank holiday
        "2031-03-05": (None, True),  # a weekday of a year with no calendar yet counts as open
        "2031-03-08": (None, False),  # its Saturday does not
    }
    # the batch says what the one-day read says
    for day in days:
        one = service_call("networks", "GET", f"/calendar-days/{day}").json()
        assert (one["term"], one["school_day"]) == said[day]
    for bad in ("2026-02-30", "2026-1-1", "", ",".join(["2026-11-04"] * 101)):
        assert service_call("networks", "GET", "/calendar-days", params={"days": bad}).status_code == 422
