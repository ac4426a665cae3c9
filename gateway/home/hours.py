"""CPD hours by term, for a person (home, My CPD) or a school's staff (the leader's
home): the term dates from the academic calendar (networks), the attended minutes in
each term from bookings (GET /cpd-hours) and, for a person, the minutes of the videos
they watched from the catalogue (GET /videos/cpd-hours) — a fixed number of calls
whatever the number of people, bookings or videos."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.easter import easter
from flask import g

from gateway.backends import BackendError, BackendUnavailable
from gateway.web.charts import Picture, bars
from shared.clock import LONDON, academic_year_of, utcnow

TERMS = ("Autumn", "Spring", "Summer")


def this_year() -> str:
    return academic_year_of(utcnow().astimezone(LONDON).date())


def year_before(label: str) -> str:
    start = int(label[:4]) - 1
    return f"{start}-{(start + 1) % 100:02d}"


def _usual_term_starts(label: str) -> list[date]:
    """Where the calendar has no terms for a year: spring from the first Monday of
    January, summer from the second Monday after Easter, as most English schools."""
    start = int(label[:4])
    january = date(start + 1, 1, 1)
    easter_monday = easter(start + 1) + timedelta(days=1)
    return [date(start, 9, 1), january + timedelta(days=(7 - january.weekday()) % 7),
            easter_monday + timedelta(days=7)]


def term_starts(ctx, label: str) -> list[date]:
    """The first day of each term's span in `label`: 1 September (so a session in the
    summer holiday's last days still counts for the autumn), then the first days of the
    spring and summer terms; a holiday belongs to the term before it."""
    known = g.setdefault("ll_term_starts", {})  # one read per year per request, however many sections ask
    if label not in known:
        try:
            year = ctx.call("networks", "GET", f"/academic-years/{label}")
        except (BackendError, BackendUnavailable):
            year = {"terms": []}
        starts = {t["name"]: date.fromisoformat(t["starts_on"]) for t in year["terms"]}
        known[label] = ([date(int(label[:4]), 9, 1), starts["SPRING"], starts["SUMMER"]]
                        if "SPRING" in starts and "SUMMER" in starts else _usual_term_starts(label))
    return known[label]


@dataclass
class Hours:
    """Attended hours per (year, term), for each person who has any."""

    years: list[str]  # oldest first
    people: dict[int, dict]  # person id → {"name", "hours": [per year per term], "sessions": [...]}

    def of(self, person_id: int) -> list[float]:
        found = self.people.get(person_id)
        return found["hours"] if found else [0.0] * (3 * len(self.years))

    def year_total(self, person_id: int, label: str) -> float:
        i = self.years.index(label)
        return round(sum(self.of(person_id)[3 * i:3 * i + 3]), 2)

    def terms_total(self) -> list[float]:
        """Everyone's hours added up, per (year, term)."""
        totals = [0.0] * (3 * len(self.years))
        for row in self.people.values():
            totals = [a + b for a, b in zip(totals, row["hours"])]
        return [round(t, 2) for t in totals]

    def chart(self, caption: str, totals: list[float]) -> Picture:
        """Each term, one bar per year (this year beside the last)."""
        series = {label: totals[3 * i:3 * i + 3] for i, label in enumerate(self.years)}
        return bars(caption, list(TERMS), dict(reversed(list(series.items()))), unit=" h", category_name="Term")


def hours_by_term(ctx, years: list[str], *, person_id: int | None = None, school_id: int | None = None) -> Hours:
    """One call to networks per year for its terms and one to bookings for the lot."""
    bounds: list[date] = []
    for label in years:
        bounds += term_starts(ctx, label)
    bounds.append(date(int(years[-1][:4]) + 1, 9, 1))
    params = {"bounds": ",".join(d.isoformat() for d in bounds)}
    params.update({"person_id": person_id} if person_id is not None else {"school_id": school_id})
    items = ctx.call("bookings", "GET", "/cpd-hours", params=params)["items"]
    people = {p["person_id"]: {"name": p["name"], "hours": [round(m / 60, 2) for m in p["minutes"]],
                               "sessions": p["sessions"]} for p in items}
    if person_id is not None:
        # A person's videos watched count too: the catalogue keeps them, bookings the
        # sessions, and the record is the two side by side (gateway/videos/cpd.py).
        # A school's hours are its staff's sessions: the catalogue knows no one's school.
        watched = ctx.call("catalogue", "GET", "/videos/cpd-hours",
                           params={"person_id": person_id, "bounds": params["bounds"]})["items"]
        for found in watched:
            row = people.setdefault(person_id, {"name": "", "hours": [0.0] * len(found["minutes"]),
                                                "sessions": [0] * len(found["minutes"])})
            row["hours"] = [round(h + m / 60, 2) for h, m in zip(row["hours"], found["minutes"])]
    return Hours(years=years, people=people)
