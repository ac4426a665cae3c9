"""Periods (terms, years) as the gateway asks for them: their first days, rising, then
the day after the last — used by the CPD hours and the income by term alike."""
from __future__ import annotations

from datetime import date, datetime, time

from pydantic import Field

from shared.clock import LONDON
from shared.errors import Invalid, field_error

BOUNDS = Field(max_length=200, pattern=r"^\d{4}-\d{2}-\d{2}(,\d{4}-\d{2}-\d{2}){1,12}$", description=(
    "The periods' first days, rising, then the day after the last period: 2025-09-01,2026-01-05,2026-09-01 "
    "is two periods. Up to 12 periods."))


def parse_bounds(text: str) -> list[date]:
    try:
        bounds = [date.fromisoformat(d) for d in text.split(",")]
    except ValueError:
        raise Invalid("Give the periods' dates as real days, for example 2026-01-05.",
                      [field_error("bounds", "One of the dates is not a day of the calendar.")]) from None
    if any(later <= earlier for earlier, later in zip(bounds, bounds[1:])):
        raise Invalid("The periods must follow one another.", [field_error("bounds", "Give the dates rising.")])
    return bounds


def starts_of(bounds: list[date]) -> list[datetime]:
    """Each bound as the moment its UK day begins."""
    return [datetime.combine(d, time(), LONDON) for d in bounds]
