"""What the academic calendar API accepts and answers."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from shared.vocabulary import ClosureKind, TermName

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


class DayPath(BaseModel):
    day: date


class CalendarDay(BaseModel):
    day: date
    term: TermName | None = Field(description="The term the day falls in; null outside term.")
    school_day: bool = Field(description="Schools are open: a weekday in term, not half term, not closed. "
                                         "A weekday of a year with no calendar yet counts as open.")


class DaysListQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    days: Annotated[str, StringConstraints(max_length=1100, pattern=r"^\d{4}-\d{2}-\d{2}(,\d{4}-\d{2}-\d{2}){0,99}$")] \
        = Field(description="Up to 100 comma-separated days (2026-10-05).")


class CalendarDays(BaseModel):
    items: list[CalendarDay]
