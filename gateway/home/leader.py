"""The home page's school leader section, for each school led: bookings waiting for
my approval, my staff's upcoming CPD, each member of staff's hours this year (a table
sorted by the server, so it works without JavaScript, with who has none flagged), the
staff's hours by term as a chart, and the form that books several staff at once
(gateway/home/book_staff.py).  A fixed number of calls per school, however many staff
or bookings: the staff are the gateway's own, their hours one call to bookings."""
from __future__ import annotations

import uuid

from flask import request
from sqlmodel import col, select

from gateway.backends import BackendError, BackendUnavailable
from gateway.home.hours import hours_by_term, this_year, year_before
from gateway.home.sections import Viewer
from gateway.home.staff import sessions_by_id
from gateway.identity.models import Person, Role, RoleGrant
from gateway.web.filters import ordinal
from gateway.web.forms import FormErrors

SHOWN = 20  # approvals and upcoming bookings listed; the count says how many in all
SORTS = {"name": "Name", "hours": "Hours this year", "last": "Hours last year"}


def sort_order() -> tuple[str, str]:
    """The staff table's order, from the page's address (?sort=hours&order=descending)."""
    key = request.args.get("sort", "name")
    key = key if key in SORTS else "name"
    order = request.args.get("order")
    order = order if order in ("ascending", "descending") else ("descending" if key != "name" else "ascending")
    return key, order


def staff_of(viewer: Viewer, school_id: int) -> list[Person]:
    """The people who work at the school: its governors are of it, not its staff."""
    works_here = (select(RoleGrant.person_id)
                  .where(RoleGrant.school_id == school_id, col(RoleGrant.role).in_([Role.STAFF, Role.SCHOOL_LEADER])))
    return list(viewer.ctx.db.exec(select(Person).where(Person.school_id == school_id, col(Person.id).in_(works_here))
                                   .order_by(Person.name, Person.id)).all())


def upcoming_sessions(viewer: Viewer) -> list[dict]:
    """Sessions still to come that can be booked, soonest first: what the bulk booking offers."""
    answer = viewer.call("bookings", "/sessions", upcoming="true", first=100)
    return [s for s in answer["items"] if s["status"] == "SCHEDULED"]


def _school(viewer: Viewer, school: dict, awaiting: list[dict], this: str, last: str) -> dict:
    school_id = int(school["id"])
    staff = staff_of(viewer, school_id)
    upcoming = viewer.call("bookings", "/bookings/school", school_id=school_id, upcoming="true")["items"]
    hours = hours_by_term(viewer.ctx, [last, this], school_id=school_id)
    waiting = [b for b in awaiting if b["school_id"] == school_id]
    rows = [{"id": p.id, "name": p.name, "job": p.job_title, "this": hours.year_total(p.id, this),
             "last": hours.year_total(p.id, last)} for p in staff]
    key, order = sort_order()
    field = {"name": lambda r: (r["name"].lower(), r["id"]), "hours": lambda r: (r["this"], r["name"].lower()),
             "last": lambda r: (r["last"], r["name"].lower())}[key]
    rows.sort(key=field, reverse=order == "descending")
    return {"school": school, "staff": rows, "none": sum(1 for r in rows if r["this"] == 0),
            "waiting": waiting, "upcoming": upcoming,
            "chart": hours.chart(f"{school['name']} staff's CPD hours by term, {this} and {last}",
                                 hours.terms_total())}


def section(viewer: Viewer) -> dict | None:
    schools = viewer.scopes("SCHOOL_LEADER", "school")
    if not schools:
        return None
    this, last = this_year(), year_before(this_year())
    try:
        awaiting = viewer.call("bookings", "/bookings/awaiting-approval")["items"]
        led = [_school(viewer, school, awaiting, this, last) for school in schools[:5]]
        shown = [b for s in led for b in s["waiting"][:SHOWN] + s["upcoming"][:SHOWN]]
        sessions = sessions_by_id(viewer, (b["session_id"] for b in shown))
        choices = upcoming_sessions(viewer)
    except (BackendError, BackendUnavailable):
        return {"problem": "Your school's bookings and CPD cannot be shown just now. Try again in a minute.",
                "schools": []}
    for s in led:
        for b in s["waiting"] + s["upcoming"]:
            b["session"] = sessions.get(b["session_id"])
            b["place"] = (f"{ordinal(b['waiting_list_position'] or 1)} on the waiting list"
                          if b["status"] == "WAITLISTED" else None)
        s["waiting_shown"] = [b for b in s["waiting"][:SHOWN] if b["session"]]
        s["upcoming_shown"] = [b for b in s["upcoming"][:SHOWN] if b["session"]]
    key, order = sort_order()
    return {"problem": None, "schools": led, "sort": key, "order": order, "sorts": SORTS, "sessions": choices,
            "year": this, "last_year": last, "no_errors": FormErrors([]), "key": uuid.uuid4().hex}
