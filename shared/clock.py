"""Time: store UTC, show and reason in Europe/London."""
from __future__ import annotations

from datetime import date, datetime, timezone
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
