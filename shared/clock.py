"""Time: store UTC, show and reason in Europe/London."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    """An aware datetime in UTC; the only clock domain code should read."""
    return datetime.now(timezone.utc)


def as_utc(value: datetime) -> datetime:
    """Aware UTC, treating a naive value as UTC (SQLite returns naive datetimes)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def academic_year_of(day: date) -> str:
    """England's school year runs September to August: 2026-27 starts 1 Sep 2026."""
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def academic_years_around(day: date, back: int = 3) -> list[str]:
    """This academic year and the `back` before it, newest first (a year picker)."""
    start = int(academic_year_of(day)[:4])
    return [f"{y}-{(y + 1) % 100:02d}" for y in range(start, start - back - 1, -1)]


def weekday(day: date) -> bool:
    return day.weekday() < 5


def school_days_after(moment: datetime, days: int, is_school_day: Callable[[date], bool] = weekday) -> datetime:
    """The same time of day, `days` school days after `moment` (London), by
    `is_school_day` (a component's copy of the trust's academic calendar, which leaves
    out holidays, half terms and INSET days; without one, every weekday counts)."""
    local = moment.astimezone(LONDON)
    while days:
        local += timedelta(days=1)
        if is_school_day(local.date()):
            days -= 1
    return local.astimezone(timezone.utc)
