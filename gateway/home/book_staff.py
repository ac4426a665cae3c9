"""School leaders book several of their staff onto a session at once: one booking
each through the same bookSession mutation a leader uses for one person, so each is
held to every rule a single booking is (the bookings service refuses anyone not of
the leader's school).  Each person's outcome is reported; one refused does not undo
or stop the others."""
from __future__ import annotations

import uuid

from flask import Blueprint, g, render_template, request
from sqlmodel import col, select

from gateway.graph.view import execute_here, make_context
from gateway.home.leader import staff_of, upcoming_sessions
from gateway.home.sections import Viewer
from gateway.identity.models import Person, School
from gateway.web.filters import ordinal
from gateway.web.forms import FormErrors, problems_of
from gateway.web.pages import sign_in_first
from shared.db import request_session

bp = Blueprint("book_staff", __name__, template_folder="templates")

MOST = 100  # people in one go: more than any session holds
LIVE = {"PENDING_APPROVAL", "HELD", "CONFIRMED", "WAITLISTED", "OFFERED"}
BOOK = """mutation($s: ID!, $a: ID, $k: String) { bookSession(sessionId: $s, attendeeId: $a, idempotencyKey: $k) {
  booking { status waitingListPosition } userErrors { field message } } }"""
ON_SESSION = """query($id: ID!) { session(id: $id) { id startsAt venue course { title }
  bookings { status attendee { id } } } }"""


def _outcome(booking: dict) -> tuple[str, str]:
    """(kind, words) for a booking just made."""
    status = booking["status"]
    if status == "WAITLISTED":
        return "waiting", f"On the waiting list, {ordinal(booking['waitingListPosition'] or 1)}"
    if status == "PENDING_APPROVAL":
        return "booked", "Booked, waiting for approval"
    return "booked", "Booked"


def book_each(session_id: str, person_ids: list[int], key: str) -> tuple[dict | None, list[dict]]:
    """Book each person, reporting each: booked, on the waiting list, already booked,
    or not booked with the reason.  The session as it was found, and the outcomes."""
    found = execute_here(ON_SESSION, {"id": session_id})
    session = (found.get("data") or {}).get("session")
    if session is None:
        return None, []
    already = {b["attendee"]["id"]: b["status"] for b in session["bookings"] if b["status"] in LIVE and b["attendee"]}
    names = {p.id: p.name for p in request_session().exec(select(Person).where(col(Person.id).in_(person_ids)))}
    outcomes = []
    for pid in person_ids:
        name = names.get(pid, f"Person {pid}")
        if str(pid) in already:
            status = already[str(pid)]
            words = "Already booked" if status == "CONFIRMED" else f"Already booked ({status.replace('_', ' ').lower()})"
            outcomes.append({"id": pid, "name": name, "kind": "already", "words": words})
            continue
        # one key per person per form: a form sent twice books nobody twice
        payload, problems = problems_of(execute_here(BOOK, {"s": session_id, "a": str(pid), "k": f"{key}:{pid}"}))
        if problems or not payload.get("booking"):
            reason = problems[0]["message"] if problems else "The booking could not be made."
            outcomes.append({"id": pid, "name": name, "kind": "refused", "words": f"Not booked: {reason}"})
        else:
            kind, words = _outcome(payload["booking"])
            outcomes.append({"id": pid, "name": name, "kind": kind, "words": words})
    return session, outcomes


def _form_data(school: dict) -> dict:
    viewer = Viewer(me={"roles": []}, ctx=make_context())
    data = {"school": school, "staff": [{"id": p.id, "name": p.name, "job": p.job_title}
                                        for p in staff_of(viewer, int(school["id"]))],
            "sessions": upcoming_sessions(viewer)}
    return data


@bp.route("/book-staff", methods=["GET", "POST"])
def book_staff():
    if (visitor := sign_in_first()) is not None:
        return visitor
    led = sorted(g.identity.schools_for("school_leader"))
    if not led:
        return render_template("error.html", title="For school leaders",
                               message="School leaders book their staff onto sessions here."), 403
    form = request.values
    try:
        school_id = int(form.get("school", led[0]))
    except ValueError:
        school_id = led[0]
    if school_id not in led:
        return render_template("error.html", title="Not your school",
                               message="You can book the staff of the schools you lead only."), 403
    found = request_session().get(School, school_id)
    school = {"id": str(school_id), "name": found.name if found else "Your school"}
    errors, status = FormErrors(["sessionId", "staff"]), 200
    session, outcomes = None, []
    chosen = [int(i) for i in form.getlist("staff") if i.isdigit()][:MOST]
    if request.method == "POST":
        session_id = form.get("sessionId", "")[:12]
        if not session_id.isdigit():
            errors.add("sessionId", "Choose the session to book them onto.")
        if not chosen:
            errors.add("staff", "Tick at least one member of staff to book.")
        if not errors:
            session, outcomes = book_each(session_id, list(dict.fromkeys(chosen)), form.get("key", "")[:60] or
                                          uuid.uuid4().hex)
            if session is None:
                errors.add("sessionId", "That session cannot be booked: it may have been cancelled.")
        status = 422 if errors else 200
    data = _form_data(school)
    counts = {kind: sum(1 for o in outcomes if o["kind"] == kind) for kind in ("booked", "waiting", "already",
                                                                                 "refused")}
    return render_template("home/book_staff.html", data=data, errors=errors, form=form, chosen=set(chosen),
                           session=session, outcomes=outcomes, counts=counts, key=uuid.uuid4().hex), status
