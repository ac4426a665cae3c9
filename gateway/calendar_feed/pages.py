"""The calendar feed: a person's bookings and network meetings at a private address
that Outlook or Google Calendar subscribes to."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app
from icalendar import Calendar

from gateway.backends import BackendUnavailable
from gateway.identity.service import identity_for, person_for_calendar
from shared import calendars
from shared.db import request_session
from shared.logs import current_request_id

bp = Blueprint("calendar_feed", __name__)

# One feed from every service that puts things in a person's diary.
SOURCES = (("bookings", "/bookings/mine/calendar"), ("networks", "/meetings/mine/calendar"))


@bp.get("/calendar/<token>.ics")
def calendar_feed(token: str):
    """The token in the address is the only credential (calendars send no cookie), so
    it is long, random and replaceable from My CPD."""
    person = person_for_calendar(request_session(), token)
    if person is None:
        abort(404)
    backends, identity = current_app.extensions["lighthouse_backends"], identity_for(person)
    events = []
    for service, path in SOURCES:
        try:
            part = backends.fetch(service, "GET", path, identity=identity, request_id=current_request_id())
        except BackendUnavailable:
            # A calendar app keeps what it had when a refresh fails: better than a feed
            # that silently drops one service's events.
            return Response("Temporarily unavailable", status=503, mimetype="text/plain")
        events += Calendar.from_ical(part.content).walk("VEVENT")
    return Response(calendars.calendar(events, "PUBLISH", "Lighthouse Learning"), mimetype="text/calendar",
                    headers={"Cache-Control": "private, no-store"})
