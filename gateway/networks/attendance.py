"""Attendance by school at a network's meetings, as a table of numbers and as a
picture: one reckoning for the network page (which reads it through GraphQL) and the
network lead's home section (which reads the service's lists), so both say the same."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from gateway.web.charts import Picture, bars


@dataclass(frozen=True)
class Seat:
    """A school the network reaches, through one member who joined `since`."""
    school_id: str
    school_name: str
    since: datetime


def by_school(seats: Iterable[Seat], held: Iterable[tuple[datetime, set[str]]]) -> list[dict]:
    """For each school in the network: meetings held that somebody from it attended,
    out of those it could have (held since it joined, or that it came to anyway) — so
    a school that missed two stands out, and one that joined today does not.
    `held`: each meeting held, as (when it started, the ids of the schools that came)."""
    joined: dict[str, datetime] = {}
    names: dict[str, str] = {}
    for seat in seats:
        names[seat.school_id] = seat.school_name
        joined[seat.school_id] = min(seat.since, joined.get(seat.school_id, seat.since))
    held = list(held)
    rows = []
    for school_id, name in sorted(names.items(), key=lambda kv: kv[1]):
        came = open_to = 0
        for starts_at, schools in held:
            attended = school_id in schools
            if attended or starts_at >= joined[school_id]:
                open_to += 1
                came += attended
        rows.append({"name": name, "attended": came, "held": open_to, "missed": open_to - came})
    return rows


def chart(rows: list[dict], year: str, network: str) -> Picture | None:
    """The schools that could have come to something this year, each as two bars (came
    and missed) so a gap is seen at a glance; None before the first meeting is held."""
    shown = [r for r in rows if r["held"]]
    if not shown:
        return None
    picture = bars(f"{network}: meetings attended by each school, {year}", [r["name"] for r in shown],
                   {"Attended": [r["attended"] for r in shown], "Missed": [r["missed"] for r in shown]},
                   horizontal=True, whole=True, category_name="School")
    return picture


def joined_since(rows: list[dict]) -> list[str]:
    """Schools that joined after the year's last meeting (nothing to count yet)."""
    return [r["name"] for r in rows if not r["held"]]


def missed_two(rows: list[dict]) -> list[dict]:
    """Schools that missed two meetings or more: the ones a lead would follow up."""
    return [r for r in rows if r["missed"] >= 2]
