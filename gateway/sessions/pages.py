"""Sessions' pages: the dates to come as a list or a month, a session (booking,
cancelling, waiting lists), the admins' session form and the register."""
from __future__ import annotations

import calendar
import uuid
from datetime import date, datetime, time, timedelta

from flask import Blueprint, abort, g, redirect, render_template, request, url_for

from gateway.graph.history import HISTORY
from gateway.graph.view import execute_here
from gateway.web.filters import PHASES, label, ordinal
from gateway.web.forms import FormErrors, done, said, submit
from gateway.web.pages import admins_only, local_moment, passed_through, sign_in_first, start_and_end
from shared.clock import LONDON, academic_year_of, utcnow

bp = Blueprint("sessions", __name__, template_folder="templates")

SESSION_FIELDS = """id startsAt endsAt venue onlineUrl capacity externalPlaces placesLeft requiresApproval bookingClosesAt
  cancellationDeadline status waitingListLength icsUrl course { title slug subject durationMinutes }
  myBooking { id status waitingListPosition offerExpiresAt icsUrl }"""
LIST_FIELDS = """id startsAt endsAt venue placesLeft waitingListLength status course { title subject phases }
  myBooking { status waitingListPosition }"""
CALENDAR = """query($y: String!) { academicYear(label: $y) { terms { startsOn endsOn halfTermStartsOn halfTermEndsOn
  closureDetails { on kind } } } }"""
# What a closed day's cell says: the words carry the meaning, the shading only repeats it.
HALF_TERM, HOLIDAY, BANK_HOLIDAY, INSET = "Half term", "Holiday", "Bank holiday", "INSET day"


@bp.get("/sessions")
def sessions_list():
    """Upcoming sessions as a list or a month calendar, filtered by subject, phase and
    date.  Filters are plain GET parameters so a filtered view can be bookmarked."""
    args = request.args
    view = "month" if args.get("view") == "month" else "list"
    subject = args.get("subject", "").strip()[:80] or None
    phase = args.get("phase") if args.get("phase") in PHASES else None
    today = utcnow().astimezone(LONDON).date()
    problems = []
    try:
        start_day = date.fromisoformat(args["from"]) if args.get("from") else today
    except ValueError:
        problems.append("Enter the date as, for example, 2027-01-14.")
        start_day = today
    month = None
    if view == "month":
        try:
            month = date.fromisoformat(args["month"] + "-01") if args.get("month") else today.replace(day=1)
        except ValueError:
            problems.append("Choose the month as, for example, 2027-01.")
            month = today.replace(day=1)
        start_day = month
        end_day = (month + timedelta(days=32)).replace(day=1)
    variables = {"from": datetime.combine(start_day, time(), LONDON).isoformat(), "subject": subject, "phase": phase,
                 "to": datetime.combine(end_day, time(), LONDON).isoformat() if month else None,
                 "first": 100 if month else 50, "after": None if month else args.get("after", "")[:200] or None}
    result = execute_here(f"""query($from: DateTime, $to: DateTime, $subject: String, $phase: Phase, $first: Int,
        $after: String) {{ sessions(from: $from, to: $to, subject: $subject, phase: $phase, first: $first,
        after: $after) {{ totalCount pageInfo {{ hasNextPage endCursor }} edges {{ node {{ {LIST_FIELDS} }} }} }} }}""",
                          variables)
    data = result.get("data") or {}
    sessions = data.get("sessions")
    weeks = closed_runs = None
    calendar_unread = False
    if month and sessions:
        closed, calendar_unread = _closed_days(month)
        weeks = _month_grid(month, [e["node"] for e in sessions["edges"]], closed)
        closed_runs = _runs(closed, month)
    filters = {"subject": subject or "", "phase": phase or "", "from": args.get("from", "")}
    return render_template("sessions/sessions.html", sessions=sessions, view=view, weeks=weeks, month=month,
                           filters=filters, phases=PHASES, today=today, closed_runs=closed_runs,
                           calendar_unread=calendar_unread, filtered=bool(subject or phase or args.get("from")),
                           errors=problems + [e["message"] for e in result.get("errors", [])]), 422 if problems else 200


def _closed_days(month: date) -> tuple[dict[date, str], bool]:
    """The days of `month` schools are closed, each with what to call it, from the
    academic calendar networks keeps (one call: a month lies in one academic year,
    September to August); and whether the calendar could not be read.  A year the
    calendar has no terms for shades nothing rather than guess."""
    result = execute_here(CALENDAR, {"y": academic_year_of(month)})
    terms = (((result.get("data") or {}).get("academicYear")) or {}).get("terms") or []
    closed: dict[date, str] = {}
    if not terms:
        return closed, bool(result.get("errors"))
    spans = [(date.fromisoformat(t["startsOn"]), date.fromisoformat(t["endsOn"]),
              date.fromisoformat(t["halfTermStartsOn"]), date.fromisoformat(t["halfTermEndsOn"])) for t in terms]
    named = {date.fromisoformat(c["on"]): INSET if c["kind"] == "INSET" else BANK_HOLIDAY
             for t in terms for c in t["closureDetails"]}
    day = month
    while day.month == month.month:
        if any(half_start <= day <= half_end for _, _, half_start, half_end in spans):
            closed[day] = HALF_TERM
        elif day in named:
            closed[day] = named[day]
        elif day.weekday() < 5 and not any(start <= day <= end for start, end, _, _ in spans):
            closed[day] = HOLIDAY
        day += timedelta(days=1)
    return closed, False


def _runs(closed: dict[date, str], month: date) -> list[dict]:
    """The month's closures as runs of days with the same name ("Half term, Mon 26 Oct
    to Fri 30 Oct"), a weekend inside a run not breaking it: said in words above the
    calendar, and all a phone's agenda has of them."""
    runs: list[dict] = []
    for day in sorted(closed):
        last = runs[-1] if runs else None
        gap = (day - last["last"]).days if last else None
        if last and last["name"] == closed[day] and (gap == 1 or (gap <= 3 and day.weekday() == 0)):
            last["last"] = day
        else:
            runs.append({"name": closed[day], "first": day, "last": day})
    return runs


def _month_grid(month, sessions: list[dict], closed: dict[date, str] | None = None) -> list[list[dict]]:
    """Weeks (Monday first) of a month, each day with the sessions starting on it in
    UK time and what it is called if schools are closed; days of the neighbouring
    months are blanks."""
    closed = closed or {}
    by_day: dict = {}
    for s in sessions:
        by_day.setdefault(datetime.fromisoformat(s["startsAt"]).astimezone(LONDON).date(), []).append(s)
    return [[{"day": d, "in_month": d.month == month.month, "sessions": by_day.get(d, []),
              "closed": closed.get(d) if d.month == month.month else None} for d in week]
            for week in calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)]


def _session(session_id: str, with_bookings: bool = False, with_history: bool = False):
    extra = "bookings { id attendeeName status attendee { school { name } } }" if with_bookings else ""
    extra += HISTORY if with_history else ""
    result = execute_here(f"query($id: ID!) {{ session(id: $id) {{ {SESSION_FIELDS} {extra} }} }}",
                          {"id": session_id[:12]})
    if result.get("errors"):
        return None, result["errors"][0]["message"]
    return (result.get("data") or {}).get("session"), None


@bp.route("/sessions/<session_id>", methods=["GET", "POST"])
def session_page(session_id: str):
    message = said()
    errors, status = FormErrors(["attendeeId", "reason"]), 200
    if request.method == "POST":
        if (visitor := sign_in_first()) is not None:
            return visitor
        action = request.form.get("action")
        if action in ("book", "book-staff"):
            attendee = request.form.get("attendeeId", "")[:12] or None if action == "book-staff" else None
            payload = submit("""mutation($s: ID!, $a: ID, $k: String) { bookSession(sessionId: $s,
                attendeeId: $a, idempotencyKey: $k) { booking { status waitingListPosition attendeeName }
                userErrors { field message } } }""",
                             {"s": session_id[:12], "a": attendee, "k": request.form.get("key", "")[:100] or None},
                             errors)
        elif action == "cancel-session":
            if submit("""mutation($s: ID!, $r: String!) { cancelSession(sessionId: $s, reason: $r) {
                session { status } userErrors { field message } } }""",
                      {"s": session_id[:12], "r": request.form.get("reason", "").strip()}, errors) is not None:
                return done("The session is cancelled and every attendee has been told.")
        elif action in ("cancel", "accept"):
            name = "cancelBooking" if action == "cancel" else "acceptWaitingListOffer"
            payload = submit(f"""mutation($b: ID!) {{ {name}(bookingId: $b) {{
                booking {{ status waitingListPosition }} userErrors {{ message }} }} }}""",
                             {"b": request.form.get("bookingId", "")[:12]}, errors)
        else:
            abort(400)
        if errors:
            status = 409
        else:
            booking = payload["booking"]
            if action == "book-staff":
                name, status = booking["attendeeName"], booking["status"]
                return done(f"{name} is booked." if status == "CONFIRMED" else
                            f"{name} is {ordinal(booking['waitingListPosition'] or 1)} on the waiting list."
                            if status == "WAITLISTED" else f"{name}: {label(status).lower()}.")
            return done({
                "CONFIRMED": "You are booked. A confirmation is on its way.",
                "PENDING_APPROVAL": "Your place is held until your school leader approves it.",
                "WAITLISTED": f"This session is full — you are {ordinal(booking['waitingListPosition'] or 1)} "
                              "on the waiting list. We will email you if a place comes up.",
                "CANCELLED": "Your booking is cancelled.",
            }.get(booking["status"], "Done."))
    identity = g.identity
    session, problem = _session(session_id, with_bookings=identity.is_admin or identity.has_role("school_leader"),
                                with_history=identity.is_admin)
    if session is None:
        if problem:
            return render_template("error.html", title="Sessions unavailable", message=problem), 503
        abort(404)
    staff = []
    if identity.has_role("school_leader") and session["status"] == "SCHEDULED":
        me = (execute_here("{ me { id roles { role school { name staff { id name } } } } }").get("data") or {}).get("me")
        for grant in (me or {}).get("roles", []):
            if grant["role"] == "SCHOOL_LEADER" and grant["school"]:
                staff += [{"id": p["id"], "name": p["name"], "school": grant["school"]["name"]}
                          for p in grant["school"]["staff"] if p["id"] != me["id"]]
    # One key per form: a retried submit is recognised, two different forms are not confused.
    return render_template("sessions/session.html", session=session, message=message, errors=errors, staff=staff,
                           key=uuid.uuid4().hex, staff_key=uuid.uuid4().hex), status


SCHEDULE_SESSION = """mutation($input: SessionInput!) { scheduleSession(input: $input) {
    session { id } userErrors { field message } } }"""
# The session form's fields, in the order they stand on the page.
SESSION_FORM = ["startsAt", "endsAt", "outsideTerm", "venue", "onlineUrl", "capacity", "externalPlaces",
                "requiresApproval", "bookingClosesAt", "cancellationDeadline"]


def _session_form(course: dict, form, errors: FormErrors, editing: bool = False):
    return render_template("sessions/session_form.html", course=course, form=form, errors=errors,
                           editing=editing), 422 if errors else 200


@bp.route("/admin/courses/<slug>/sessions/new", methods=["GET", "POST"])
def new_session(slug: str):
    """Admins schedule a date for a course; times are typed in UK time."""
    if (refused := admins_only()) is not None:
        return refused
    result = execute_here("query($slug: String!) { course(slug: $slug) { id title slug } }", {"slug": slug[:120]})
    course = (result.get("data") or {}).get("course")
    if course is None:
        abort(404)
    errors = FormErrors(SESSION_FORM)
    if request.method == "POST":
        payload = submit(SCHEDULE_SESSION, {"input": _session_from_form(request.form, course["id"], errors)}, errors)
        if payload is not None:
            return redirect(url_for("sessions.session_page", session_id=payload["session"]["id"],
                                    message="Session scheduled."))
    return _session_form(course, request.form, errors)


@bp.route("/admin/sessions/<int:session_id>/edit", methods=["GET", "POST"])
def edit_session(session_id: int):
    """Admins change a session: times, place, capacity (never below the places already
    taken).  Attendees are sent the updated calendar entry."""
    if (refused := admins_only()) is not None:
        return refused
    session, problem = _session(str(session_id))
    if session is None:
        abort(404 if not problem else 503)
    course = {"id": None, "title": session["course"]["title"], "slug": session["course"]["slug"]}
    found = execute_here("query($slug: String!) { course(slug: $slug) { id } }", {"slug": course["slug"]})
    course["id"] = ((found.get("data") or {}).get("course") or {}).get("id")
    errors = FormErrors(SESSION_FORM)
    if request.method == "GET":
        return _session_form(course, _form_from_session(session), errors, editing=True)
    values = _session_from_form(request.form, course["id"], errors)
    values["id"] = str(session_id)
    if submit(SCHEDULE_SESSION, {"input": values}, errors) is not None:
        return redirect(url_for("sessions.session_page", session_id=session_id, message="Session updated."))
    return _session_form(course, request.form, errors, editing=True)


def _form_from_session(session: dict) -> dict:
    def local(value):
        return datetime.fromisoformat(value).astimezone(LONDON).strftime("%Y-%m-%dT%H:%M") if value else ""

    return {"startsAt": local(session["startsAt"]), "endsAt": local(session["endsAt"]),
            "venue": session["venue"] or "", "onlineUrl": session["onlineUrl"] or "",
            "capacity": str(session["capacity"]), "externalPlaces": str(session.get("externalPlaces", 0)),
            "requiresApproval": "yes" if session["requiresApproval"] else "",
            "bookingClosesAt": local(session["bookingClosesAt"]),
            "cancellationDeadline": local(session["cancellationDeadline"])}


def _session_from_form(form, course_id: str, errors: FormErrors) -> dict:
    """The SessionInput a form describes; what cannot be read is filed in `errors`."""

    def moment(name, label, required=True):
        return local_moment(form, name, label, errors, "2027-01-14T15:45", required)

    def number(name: str, label: str, stand_in: int):
        try:
            return int(form.get(name, "").strip())
        except ValueError:
            errors.add(name, f"Enter the {label} as a whole number.")
            return stand_in

    starts, ends = start_and_end(moment("startsAt", "start"), moment("endsAt", "end"))
    optional = {name: moment(name, label, required=False) for name, label in
                (("bookingClosesAt", "booking close"), ("cancellationDeadline", "cancellation deadline"))}
    return {"courseId": course_id, "startsAt": starts.isoformat(), "endsAt": ends.isoformat(),
            "venue": form.get("venue", "").strip() or None, "onlineUrl": form.get("onlineUrl", "").strip() or None,
            "capacity": number("capacity", "number of places", 5000),
            "externalPlaces": number("externalPlaces", "places for other schools", 0),
            "requiresApproval": form.get("requiresApproval") == "yes",
            "outsideTermConfirmed": form.get("outsideTerm") == "yes",
            **{name: value.isoformat() if value else None for name, value in optional.items()}}


@bp.route("/sessions/<int:session_id>/register", methods=["GET", "POST"])
def register(session_id: int):
    """The register, for admins and facilitators: a tick for everyone who came.  Made
    for a tablet at the door — big targets, one button."""
    if (refused := admins_only()) is not None:
        return refused
    message, errors, status = None, FormErrors([]), 200
    if request.method == "POST":
        submit("""mutation($s: ID!, $ids: [ID!]!) { recordAttendance(sessionId: $s,
            attendedBookingIds: $ids) { session { id } userErrors { message } } }""",
               {"s": str(session_id), "ids": request.form.getlist("attended")[:5000]}, errors)
        if errors:
            status = 409
        else:
            came = len(request.form.getlist("attended"))
            message = f"Register saved: {came} attended. Certificates and feedback requests are on their way."
    session, problem = _session(str(session_id), with_bookings=True)
    if session is None:
        abort(404 if not problem else 503)
    places = [b for b in session["bookings"] if b["status"] in ("CONFIRMED", "ATTENDED", "NO_SHOW")]
    return render_template("sessions/register.html", session=session, places=places, message=message,
                           errors=errors), status


@bp.get("/sessions/<int:session_id>.ics")
def session_ics(session_id: int):
    return passed_through("bookings", f"/sessions/{session_id}/calendar", g.identity, f"session-{session_id}.ics")
