"""The academic calendar over HTTP: read by anyone signed in, changed by admins."""
from __future__ import annotations

from datetime import date

from flask_openapi3 import APIBlueprint, Tag

from services.networks.terms import service
from services.networks.terms.schemas import (
    CalendarDay,
    CalendarDays,
    ClosureIO,
    DayPath,
    Days,
    DaysListQuery,
    DaysQuery,
    LabelPath,
    TermIO,
    YearIn,
    YearOut,
)
from shared.db import request_session
from shared.errors import Invalid, field_error
from shared.web import SECURITY, current_identity

bp = APIBlueprint("terms", __name__, abp_tags=[Tag(name="academic calendar")], abp_security=SECURITY)


def year_out(label: str) -> dict:
    rows = service.academic_year(request_session(), label)
    return YearOut(label=label, terms=[TermIO(
        name=t.name, starts_on=t.starts_on, ends_on=t.ends_on, half_term_starts_on=t.half_term_starts_on,
        half_term_ends_on=t.half_term_ends_on, closures=[ClosureIO(on=c.on_date, kind=c.kind, note=c.note)
                                                          for c in closures]) for t, closures in rows]
    ).model_dump(mode="json")


@bp.get("/academic-years/<label>", responses={200: YearOut})
def get_year(path: LabelPath):
    """The three terms of an academic year (e.g. 2026-27), with half terms and closures."""
    return year_out(path.label)


@bp.put("/academic-years/<label>", responses={200: YearOut})
def put_year(path: LabelPath, body: YearIn):
    """Admins: the year's terms, replaced whole."""
    terms = [service.TermData(t.name, t.starts_on, t.ends_on, t.half_term_starts_on, t.half_term_ends_on,
                              [(c.on, c.kind, c.note) for c in t.closures]) for t in body.terms]
    service.save_academic_year(request_session(), current_identity(), path.label, terms)
    return year_out(path.label)


@bp.get("/school-days", responses={200: Days})
def school_days(query: DaysQuery):
    """Days schools are open in a span of up to 400 days."""
    return {"days": [d.isoformat() for d in service.school_days(request_session(), query.start, query.end)]}


@bp.get("/calendar-days/<day>", responses={200: CalendarDay})
def calendar_day(path: DayPath):
    """What the academic calendar says of one day (for scheduling a session on it)."""
    term, open_ = service.term_on(request_session(), path.day)
    return {"day": path.day.isoformat(), "term": term, "school_day": open_}


@bp.get("/calendar-days", responses={200: CalendarDays})
def calendar_days(query: DaysListQuery):
    """What the academic calendar says of several days at once (a batch read of the
    above: the gateway checks a sprint's dates with it)."""
    try:
        days = sorted({date.fromisoformat(d) for d in query.days.split(",")})
    except ValueError:
        raise Invalid("Give the days as real dates, for example 2026-10-05.",
                      [field_error("days", "One of the days is not a day of the calendar.")]) from None
    found = service.calendar_days(request_session(), days)
    return {"items": [{"day": d.isoformat(), "term": term, "school_day": open_} for d, term, open_ in found]}
