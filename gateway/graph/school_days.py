"""The trust's school days in the next ten weeks, from the networks service's academic
calendar, sent with bookings so that the bookings service times approval reminders by
them (a Christmas holiday is not three days of a head ignoring a request).  Saving the
calendar here forgets them."""
from __future__ import annotations

import threading
from datetime import timedelta

from cachetools import TTLCache, cached

from gateway.backends import BackendError, BackendUnavailable
from shared.clock import LONDON, utcnow

_SCHOOL_DAYS: TTLCache = TTLCache(maxsize=2, ttl=300)


def school_days_ahead(ctx) -> list[str]:
    return _school_days_from(ctx, utcnow().astimezone(LONDON).date())


@cached(_SCHOOL_DAYS, key=lambda ctx, today: today, lock=threading.Lock())
def _school_days_from(ctx, today) -> list[str]:
    """Asked at most every five minutes; while networks cannot answer, none are sent
    and bookings counts weekdays."""
    try:
        return ctx.call("networks", "GET", "/school-days",
                        params={"from": today.isoformat(), "to": (today + timedelta(days=70)).isoformat()})["days"]
    except (BackendError, BackendUnavailable):
        return []


def forget_school_days() -> None:
    """After the academic calendar changes here, or between tests."""
    _SCHOOL_DAYS.clear()
