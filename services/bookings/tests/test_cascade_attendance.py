"""Who from each school attended a cascaded programme's trust-wide sessions, as bookings
answers the gateway's coverage map: the register's attendees only, people by id (so
one who came to two sessions counts once), admins every school's, a school's SIPs and
leaders their own, nobody else anything."""
from __future__ import annotations

import pytest

from services.bookings.tests.test_bookings_query_counts import LAST_YEAR, bookings, sessions
from shared import tokens
from shared.vocabulary import BookingStatus

A, B = 1, 2


def who(*grants: tuple) -> tokens.Identity:
    return tokens.Identity(subject="500", name="Someone", grants=tuple(tokens.Grant(*g) for g in grants))


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
def test_attendance_by_school_for_each_role(service_call, role):
    first, second, other = sessions(3, LAST_YEAR)
    bookings([(first, 7, BookingStatus.ATTENDED), (first, 8, BookingStatus.NO_SHOW),
              (second, 7, BookingStatus.ATTENDED), (second, 9, BookingStatus.ATTENDED),
              (other, 10, BookingStatus.ATTENDED)], school_id=A)
    bookings([(first, 20, BookingStatus.ATTENDED), (second, 21, BookingStatus.CANCELLED)], school_id=B)
    identity, sees = ROLES[role]
    answer = service_call("bookings", "GET", "/attendance/by-school", identity,
                          params={"session_ids": f"{first},{second}"})
    assert answer.status_code == 200, answer.text
    everything = {(first, A): [7], (second, A): [7, 9], (first, B): [20]}
    assert {(r["session_id"], r["school_id"]): r["person_ids"] for r in answer.json()["items"]} == {
        k: v for k, v in everything.items() if k[1] in sees}


def test_attendance_by_school_refuses_what_is_not_a_list_of_ids(service_call):
    for bad in ("", "1;2", "-1", ",".join(["1"] * 101)):
        assert service_call("bookings", "GET", "/attendance/by-school", params={"session_ids": bad}
                            ).status_code == 422
