"""The school days of the academic calendar, as a component keeps its copy of them.

Networks owns the calendar and publishes each year's school days (shared.facts); every
service that counts school days by itself (bookings' approval reminders, the
catalogue's QA-note reminders and its sprint dates) keeps them in its own `school_day`
table, made here on its own base (`SchoolDays.on`), and reads them through one
`SchoolCalendar`, so "is this a school day?" has one answer across the trust.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from pydantic import BaseModel, Field
from sqlmodel import Field as Column
from sqlmodel import Session, SQLModel, select

from shared.clock import academic_year_of
from shared.facts import Fact


class SchoolDaysFact(Fact):
    school_days: list[date] = Field(max_length=366, description="Every day schools are open in the year.")


class YearPath(BaseModel):
    label: str = Field(pattern=r"^\d{4}-\d{2}$", description="An academic year, e.g. 2026-27.")


@dataclass(frozen=True)
class SchoolDays:
    """A component's `school_day` table: the days schools are open, by academic year."""

    model: type

    @classmethod
    def on(cls, base: type[SQLModel]) -> "SchoolDays":
        class SchoolDay(base, table=True):  # type: ignore[misc, valid-type]
            """A day schools are open, by the academic calendar; a year with none here is one
            the copy does not have, where every weekday counts."""

            __tablename__ = "school_day"

            on_date: date = Column(sa_column=sa.Column(sa.Date, primary_key=True))
            academic_year: str = Column(sa_column=sa.Column(sa.String(7), nullable=False, index=True))

        return cls(SchoolDay)

    def keep(self, db: Session, label: str, days: list[date]) -> None:
        """An academic year's school days, replacing what the copy had for it."""
        db.execute(sa.delete(self.model).where(self.model.academic_year == label))
        if days:
            db.execute(sa.insert(self.model), [{"on_date": d, "academic_year": label} for d in sorted(set(days))])

    def calendar(self, db: Session) -> "SchoolCalendar":
        return SchoolCalendar(self, db)


class SchoolCalendar:
    """The school days as a copy has them, read a year at a time as they are asked
    about.  Holidays, half terms and INSET days are not school days; in a year the
    copy does not have (none yet, or no calendar at all) every weekday counts, so a
    copy that lags never makes a working day look closed."""

    def __init__(self, copy: SchoolDays | None = None, db: Session | None = None,
                 years: dict[str, set[date]] | None = None):
        self._copy, self._db = copy, db
        self._years: dict[str, set[date] | None] = dict(years or {})

    def is_school_day(self, day: date) -> bool:
        label = academic_year_of(day)
        if label not in self._years:
            self._years[label] = self._load(label)
        days = self._years[label]
        return day.weekday() < 5 if days is None else day in days

    def _load(self, label: str) -> set[date] | None:
        if self._db is None or self._copy is None:
            return None
        model = self._copy.model
        days = set(self._db.exec(select(model.on_date).where(model.academic_year == label)).all())
        return days or None
