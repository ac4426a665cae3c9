"""Time: store UTC, show and reason in Europe/London."""
from __future__ import annotations

from datetime import datetime, timezone
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
