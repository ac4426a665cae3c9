"""The academic calendar over HTTP: read by anyone signed in, changed by admins."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from services.networks.terms import service
from shared.db import request_session
from shared.errors import Invalid, field_error
from shared.vocabulary import ClosureKind, TermName
from shared.web import SECURITY, current_identity

bp = APIBlueprint("terms", __name__, abp_tags=[Tag(name="academic calendar")], abp_security=SECURITY)
Label = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}$")]


class ClosureIO(BaseModel):
    model_config = ConfigDict(extra="forbid")
    on: date
    kind: ClosureKind
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)] | None = None


class TermIO(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: TermName
    starts_on: date
    ends_on: date
    half_term_starts_on: date
    half_term_ends_on: date
    closures: list[ClosureIO] = Field(default_factory=list, max_length=40)


class YearIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    terms: list[TermIO] = Field(min_length=3, max_length=3)


class YearOut(BaseModel):
    label: str
    terms: list[TermIO]


class LabelPath(BaseModel):
    label: Label


class DaysQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start: date = Field(alias="from")
    end: date = Field(alias="to")

    @model_validator(mode="after")
    def _span(self) -> "DaysQuery":
        if not timedelta(0) <= self.end - self.start <= timedelta(days=400):
            raise ValueError("`to` must be on or after `from`, and at most 400 days later")
        return self


class Days(BaseModel):
    days: list[date]


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
    if query.end < query.start:
        raise Invalid("`to` must be on or after `from`.", [field_error("to", "Choose a later date.")])
    return {"days": [d.isoformat() for d in service.school_days(request_session(), query.start, query.end)]}


class DayPath(BaseModel):
    day: date


class CalendarDay(BaseModel):
    day: date
    term: TermName | None = Field(description="The term the day falls in; null outside term.")
    school_day: bool = Field(description="Schools are open: a weekday in term, not half term, not closed. "
                                         "A weekday of a year with no calendar yet counts as open.")


@bp.get("/calendar-days/<day>", responses={200: CalendarDay})
def calendar_day(path: DayPath):
    """What the academic calendar says of one day (for scheduling a session on it)."""
    term, open_ = service.term_on(request_session(), path.day)
    return {"day": path.day.isoformat(), "term": term, "school_day": open_}
