"""The home page's staff section: my next sessions (with my place, my place in the
queue, offers to answer and the time left to answer them), the network actions I
own that are open, my CPD hours by term this year against last, and the certificates
of what I attended lately.  At most nine calls, however many bookings I have."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from gateway.backends import BackendError, BackendUnavailable
from gateway.home.hours import hours_by_term, this_year, year_before
from gateway.home.sections import Viewer
from gateway.web.filters import ordinal
from shared.clock import LONDON, utcnow

NEXT = 5  # sessions shown; offers to answer are shown whatever their number
RECENT = timedelta(days=90)  # a certificate is "new" for a term or so


def time_left(expires: datetime, now: datetime) -> str:
    """"2 days 3 hours", "5 hours", "40 minutes": what is left to answer an offer."""
    seconds = max(0, int((expires - now).total_seconds()))
    days, hours, minutes = seconds // 86400, seconds % 86400 // 3600, seconds % 3600 // 60
    def plural(n, word):
        return f"{n} {word}{'' if n == 1 else 's'}"
    if days:
        return plural(days, "day") + (f" {plural(hours, 'hour')}" if hours else "")
    if hours:
        return plural(hours, "hour")
    return plural(max(minutes, 1), "minute")


def place_of(booking: dict) -> str:
    """My booking's state in words."""
    status = booking["status"]
    if status == "WAITLISTED":
        return f"{ordinal(booking['waiting_list_position'] or 1)} on the waiting list"
    return {"CONFIRMED": "Booked", "PENDING_APPROVAL": "Waiting for your school leader's approval",
            "OFFERED": "A place is offered to you", "HELD": "Held while you pay"}.get(status, status.title())


def sessions_by_id(viewer: Viewer, ids) -> dict[int, dict]:
    ids = sorted(set(ids))[:100]
    if not ids:
        return {}
    answer = viewer.call("bookings", "/sessions", ids=",".join(map(str, ids)))
    return {s["id"]: s for s in answer["items"]}


def _bookings(viewer: Viewer, now: datetime) -> dict:
    mine = viewer.call("bookings", "/bookings/mine", upcoming="true")["items"]
    offers = [b for b in mine if b["status"] == "OFFERED"]
    upcoming = [b for b in mine if b["status"] != "OFFERED"][:NEXT]
    sessions = sessions_by_id(viewer, (b["session_id"] for b in offers + upcoming))

    def shown(b):
        out = {**b, "session": sessions.get(b["session_id"]), "place": place_of(b)}
        if b["offer_expires_at"]:
            out["time_left"] = time_left(datetime.fromisoformat(b["offer_expires_at"]), now)
        return out
    return {"offers": [shown(b) for b in offers if b["session_id"] in sessions],
            "upcoming": [shown(b) for b in upcoming if b["session_id"] in sessions],
            "more": max(0, len(mine) - len(offers) - NEXT)}


def _actions(viewer: Viewer, today: date) -> list[dict]:
    """Open actions I own in the networks I belong to, soonest due first."""
    me = int(viewer.me["id"])
    networks = sorted({m["network_id"] for m in viewer.call("networks", "/memberships/mine")["items"]})
    if not networks:
        return []
    ids = ",".join(map(str, networks[:100]))
    mine = [a for a in viewer.call("networks", "/actions/open", network_ids=ids)["items"] if a["owner_id"] == me]
    if not mine:
        return []
    names = {n["id"]: n["name"] for n in viewer.call("networks", "/networks", ids=ids, first=100)["items"]}
    for a in mine:
        due = date.fromisoformat(a["due_on"]) if a["due_on"] else None
        a.update(network=names.get(a["network_id"], "A network"), due=due, overdue=bool(due and due < today))
    return sorted(mine, key=lambda a: (a["due"] is None, a["due"] or today, a["id"]))


def _certificates(viewer: Viewer, now: datetime) -> list[dict]:
    record = viewer.call("bookings", "/cpd-record", person_id=viewer.me["id"])
    recent = [e for e in record["entries"] if datetime.fromisoformat(e["starts_at"]) >= now - RECENT]
    return [{"title": e["title"], "date": datetime.fromisoformat(e["starts_at"]).astimezone(LONDON).date(),
             "minutes": e["minutes"], "booking_id": e["booking_id"]} for e in reversed(recent)][:5]


def section(viewer: Viewer) -> dict | None:
    now = utcnow()
    today = now.astimezone(LONDON).date()
    data: dict = {"problems": []}
    try:
        data.update(_bookings(viewer, now))
    except (BackendError, BackendUnavailable):
        data["problems"].append("Your bookings cannot be shown just now.")
        data.update(offers=[], upcoming=[], more=0)
    try:
        data["actions"] = _actions(viewer, today)
    except (BackendError, BackendUnavailable):
        data["problems"].append("Your network actions cannot be shown just now.")
        data["actions"] = []
    this, last = this_year(), year_before(this_year())
    try:
        hours = hours_by_term(viewer.ctx, [last, this], person_id=int(viewer.me["id"]))
        me = int(viewer.me["id"])
        data["hours"] = {"this": hours.year_total(me, this), "last": hours.year_total(me, last), "year": this,
                         "last_year": last, "chart": hours.chart(f"My CPD hours by term, {this} and {last}",
                                                                 hours.of(me))}
        data["certificates"] = _certificates(viewer, now)
    except (BackendError, BackendUnavailable):
        data["problems"].append("Your CPD record cannot be shown just now.")
        data["hours"], data["certificates"] = None, []
    return data
