"""The one shape of every .ics Lighthouse Learning sends or serves: invitations in
emails, a session's or meeting's download, and the personal feed calendars subscribe to."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Literal

from flask import Response
from icalendar import Calendar, Event

from shared.clock import as_utc, utcnow


Status = Literal["CONFIRMED", "TENTATIVE", "CANCELLED"]


def event(uid: str, sequence: int, starts_at: datetime, ends_at: datetime, summary: str, location: str,
          status: Status) -> Event:
    """One diary entry.  `uid` must never change for the thing it stands for, and
    `sequence` must grow with each change: a calendar then updates (or, cancelled,
    removes) the entry it already has rather than adding another.  `status` is the
    caller's to decide: a calendar shows CONFIRMED as a firm engagement, so nothing
    short of one may say so."""
    ev = Event()
    ev.add("uid", f"{uid}@lighthouse.test")
    ev.add("sequence", sequence)
    ev.add("dtstamp", utcnow())
    ev.add("dtstart", as_utc(starts_at))
    ev.add("dtend", as_utc(ends_at))
    ev.add("summary", summary)
    ev.add("location", location)
    ev.add("status", status)
    return ev


def calendar(events: Iterable[Event], method: str | None = None, name: str | None = None,
             product: str = "CPD") -> str:
    """A VCALENDAR of `events`.  `method` is REQUEST or CANCEL for an email's
    invitation and PUBLISH for a download or feed; `name` is what a subscribing
    calendar shows for the feed."""
    cal = Calendar()
    cal.add("prodid", f"-//Lighthouse Learning//{product}//EN")
    cal.add("version", "2.0")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    for ev in events:
        cal.add_component(ev)
    return cal.to_ical().decode()


def download(text: str, filename: str) -> Response:
    """An .ics answer that browsers save as `<filename>.ics`."""
    return Response(text, mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="{filename}.ics"'})
