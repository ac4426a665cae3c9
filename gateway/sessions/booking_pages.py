"""Bookings' pages: My CPD (bookings, record, certificates, feedback, calendar feed),
a school's bookings and the approvals its leaders give, and the files of a booking."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import Blueprint, abort, g, render_template, request
from slugify import slugify

from gateway.graph.view import execute_here
from gateway.web.exports import download
from gateway.web.filters import label, ordinal
from gateway.web.forms import FormErrors, submit
from gateway.web.pages import passed_through, sign_in_first
from shared.clock import LONDON, academic_year_of, academic_years_around, utcnow

bp = Blueprint("bookings", __name__, template_folder="templates")


@bp.route("/my-cpd", methods=["GET", "POST"])
def my_cpd():
    """What I have booked, what I have done this year (with certificates), feedback
    to give, and the private address of my calendar feed."""
    if (visitor := sign_in_first()) is not None:
        return visitor
    message, status, rated = None, 200, request.form.get("bookingId", "")[:12]
    fields = {"rating": f"rating-{rated}", "comment": f"comment-{rated}"}
    errors = FormErrors(fields.values(), name_of=lambda path: fields.get(path[0]) if path else None)
    if request.method == "POST":
        if request.form.get("action") == "reset-feed":
            execute_here("mutation { resetCalendarFeed }")
            message = "Your calendar feed has a new address; the old one no longer works."
        else:
            try:
                rating = int(request.form.get("rating", ""))
            except ValueError:
                errors.add(fields["rating"], "Choose how useful it was, from 1 (poor) to 5 (excellent).")
                rating = 3  # a stand-in, only checked (forms.submit)
            if submit("""mutation($b: ID!, $r: Int!, $c: String) { leaveFeedback(bookingId: $b,
                rating: $r, comment: $c) { booking { id } userErrors { field message } } }""",
                      {"b": rated, "r": rating, "c": request.form.get("comment", "").strip() or None},
                      errors) is not None:
                message = "Thank you — your feedback has been recorded."
            else:
                status = 422
    years = academic_years_around(utcnow().astimezone(LONDON).date())
    year = request.args.get("year") if request.args.get("year") in years else None
    result = execute_here("""query($y: String) { me { calendarFeedUrl
          cpdRecord(academicYear: $y) { academicYear hours sessionsAttended
            entries { title date minutes kind certificateUrl } } }
        upcoming: myBookings(upcoming: true) { id status waitingListPosition offerExpiresAt icsUrl
          session { id startsAt venue course { title } } }
        past: myBookings(upcoming: false) { id status feedbackRating feedbackComment certificateUrl
          session { id startsAt course { title } } } }""", {"y": year})
    data = result.get("data") or {}
    attended = [b for b in data.get("past") or [] if b["status"] == "ATTENDED"]
    # Films I started (the catalogue's video library), asked apart: if the library
    # cannot answer, the rest of the page still shows.
    watching = execute_here("{ continueWatching(first: 5) { id title durationSeconds myProgressSeconds } }")
    return render_template("sessions/my_cpd.html", bookings=data.get("upcoming") or [], me=data.get("me"),
                           watching=(watching.get("data") or {}).get("continueWatching") or [],
                           hours_chart=_hours_chart(year or years[0]),
                           to_rate=[b for b in attended if b["feedbackRating"] is None], years=years,
                           message=message, errors=errors, rated=rated, form=request.form,
                           unavailable=[e["message"] for e in result.get("errors", [])]), status


def _hours_chart(label: str):
    """My CPD hours by term in the year shown and the one before, as a chart (None
    when the services cannot say just now: the rest of the page still shows)."""
    from gateway.backends import BackendError, BackendUnavailable
    from gateway.graph.view import make_context
    from gateway.home.hours import hours_by_term, year_before

    try:
        hours = hours_by_term(make_context(), [year_before(label), label], person_id=g.identity.person_id)
    except (BackendError, BackendUnavailable):
        return None
    return hours.chart(f"My CPD hours by term, {label} and {year_before(label)}", hours.of(g.identity.person_id))


# The statuses a leader may narrow My school to, in the order a booking goes through them.
SCHOOL_STATUSES = ["PENDING_APPROVAL", "CONFIRMED", "WAITLISTED", "OFFERED", "ATTENDED", "NO_SHOW", "CANCELLED",
                   "DECLINED"]
SCHOOL_FILTERS = ["school", "person", "subject", "status", "from", "to"]
SCHOOL_QUERY = """query($id: ID!, $p: ID, $sub: String, $st: BookingStatus, $from: Date, $to: Date, $y: String) {
  school(id: $id) { id name staff { id name cpdRecord(academicYear: $y) { hours sessionsAttended } } }
  schoolBookings(schoolId: $id, upcoming: false, personId: $p, subject: $sub, status: $st, from: $from, to: $to) {
    id attendeeName status waitingListPosition attendee { id }
    session { id startsAt venue course { title subject } } } }"""
# The columns of the exports, as the page's table has them.
EXPORT_HEADER = ["School", "When (UK time)", "Session", "Subject", "Person", "Status"]


class Refusal(Exception):
    """A page of My school that the viewer may not see, with the page that says so."""

    def __init__(self, response):
        self.response = response


def _forbidden(message: str):
    return Refusal((render_template("error.html", title="For school leaders", message=message), 403))


def _schools_to_show(chosen: str | None) -> tuple[list[int], list[int]]:
    """The schools My school shows (the one chosen, or all of a leader's) and those the
    viewer may choose from: a leader their own, an admin any (an admin chooses one).
    Raises Refusal for anyone else, and for a school that is not the leader's own."""
    identity = g.identity
    own = sorted(identity.schools_for("school_leader"))
    if not (own or identity.is_admin):
        raise _forbidden("This page lists a school's bookings for its school leaders.")
    school = int(chosen) if chosen and chosen.isdigit() and len(chosen) < 10 else None
    if identity.is_admin:
        return ([school] if school else []), []
    if school is not None and school not in own:
        raise _forbidden("You can see the bookings of your own school's staff only.")
    return ([school] if school else own[:10]), own


def _school_listing(args) -> dict:
    """What My school shows for these query parameters: each school's staff and its
    bookings narrowed by the filters (or the problems with the filters, and nothing).
    The backend calls are a fixed number per school, however many bookings."""
    today = utcnow().astimezone(LONDON).date()
    errors = FormErrors(SCHOOL_FILTERS)
    schools, choices = _schools_to_show(args.get("school"))
    days = {}
    # Upcoming bookings until the leader says otherwise; an emptied "From" means from any day.
    typed = {"from": args.get("from", today.isoformat()), "to": args.get("to", "")}
    for name, value in typed.items():
        try:
            days[name] = date.fromisoformat(value.strip()) if value.strip() else None
        except ValueError:
            errors.add(name, "Enter the date as, for example, 2027-01-14.")
    if days.get("from") and days.get("to") and days["to"] < days["from"]:
        errors.add("to", "The end date must be on or after the start date.")
    person = args.get("person", "")
    status = args.get("status") if args.get("status") in SCHOOL_STATUSES else ""
    subject = args.get("subject", "").strip()[:80]
    filters = {"school": args.get("school", ""), "person": person if person.isdigit() else "", "subject": subject,
               "status": status, **typed}
    year = academic_year_of(today)
    variables = {"p": filters["person"] or None, "sub": subject or None, "st": status or None, "y": year,
                 "from": days["from"].isoformat() if days.get("from") else None,
                 "to": days["to"].isoformat() if days.get("to") else None}
    listed, unavailable = [], []
    if not errors:
        for school_id in schools:
            result = execute_here(SCHOOL_QUERY, {"id": str(school_id), **variables})
            unavailable += [e["message"] for e in result.get("errors", [])]
            data = result.get("data") or {}
            if data.get("school"):
                listed.append({"school": data["school"], "bookings": data.get("schoolBookings") or []})
    extra = "schools { id name }" if g.identity.is_admin else "me { roles { role school { id name } } }"
    found = (execute_here(f"{{ courseSubjects {extra} }}").get("data") or {})
    school_choices = found.get("schools") or []
    if len(choices) > 1:
        school_choices = [r["school"] for r in (found.get("me") or {}).get("roles", [])
                          if r["role"] == "SCHOOL_LEADER" and r["school"]]
    return {"listed": listed, "filters": filters, "errors": errors, "statuses": SCHOOL_STATUSES, "year": year,
            "subjects": found.get("courseSubjects") or [], "school_choices": school_choices,
            "staff": sorted((p for e in listed for p in e["school"]["staff"]), key=lambda p: p["name"]),
            "unavailable": unavailable, "many": len(listed) > 1}


def _status_words(booking: dict) -> str:
    if booking["status"] == "WAITLISTED":
        return f"{ordinal(booking['waitingListPosition'] or 1)} on the waiting list"
    return label(booking["status"])


@bp.get("/school-bookings")
def school_bookings():
    """My school, for school leaders (and admins, a school at a time): their staff's
    bookings narrowed by person, subject, status and days, each person's record a
    click away, and the same list as CSV or XLSX."""
    if (visitor := sign_in_first()) is not None:
        return visitor
    try:
        page = _school_listing(request.args)
    except Refusal as refused:
        return refused.response
    exports = {k: v for k, v in page["filters"].items() if v}
    return render_template("sessions/school_bookings.html", exports=exports, status_words=_status_words,
                           **page), 422 if page["errors"] else 200


def _export_rows(page: dict) -> list[list]:
    return [[entry["school"]["name"], datetime.fromisoformat(b["session"]["startsAt"]).astimezone(LONDON),
             b["session"]["course"]["title"], b["session"]["course"]["subject"] or "", b["attendeeName"],
             _status_words(b)] for entry in page["listed"] for b in entry["bookings"]]


def _export(kind: str):
    if (visitor := sign_in_first()) is not None:
        return visitor
    try:
        page = _school_listing(request.args)
    except Refusal as refused:
        return refused.response
    if page["errors"]:
        return render_template("sessions/school_bookings.html", exports={}, status_words=_status_words, **page), 422
    rows = _export_rows(page)
    names = {entry["school"]["name"] for entry in page["listed"]}
    stem = (slugify(names.pop()) if len(names) == 1 else "my-school") + "-bookings-" + \
        utcnow().astimezone(LONDON).date().isoformat()
    return download(kind, stem, EXPORT_HEADER, rows, title="Bookings", widths=(28, 18, 40, 16, 28, 24))


@bp.get("/school-bookings.csv")
def school_bookings_csv():
    return _export("csv")


@bp.get("/school-bookings.xlsx")
def school_bookings_xlsx():
    return _export("xlsx")


PERSON_QUERY = """query($id: ID!, $p: ID!, $y: String!, $ly: String!, $from: Date!, $to: Date!) {
  school(id: $id) { id name staff { id name jobTitle email
    thisYear: cpdRecord(academicYear: $y) { hours sessionsAttended entries { title date minutes certificateUrl } }
    lastYear: cpdRecord(academicYear: $ly) { hours sessionsAttended } } }
  schoolBookings(schoolId: $id, upcoming: false, personId: $p, from: $from, to: $to) {
    id status waitingListPosition session { id startsAt venue course { title subject } } } }"""


@bp.get("/school-bookings/<int:school_id>/people/<int:person_id>")
def staff_record(school_id: int, person_id: int):
    """One member of staff's record for their school's leaders (and admins): this
    academic year's bookings, attendance and CPD hours, against last year's."""
    if (visitor := sign_in_first()) is not None:
        return visitor
    try:
        _schools_to_show(str(school_id))
    except Refusal as refused:
        return refused.response
    today = utcnow().astimezone(LONDON).date()
    year = academic_year_of(today)
    first = date(int(year[:4]), 9, 1)
    result = execute_here(PERSON_QUERY, {"id": str(school_id), "p": str(person_id), "y": year,
                                         "ly": academic_year_of(first - timedelta(days=1)),
                                         "from": first.isoformat(),
                                         "to": date(first.year + 1, 8, 31).isoformat()})
    data = result.get("data") or {}
    school = data.get("school")
    if school is None:
        if result.get("errors"):
            return render_template("error.html", title="My school unavailable",
                                   message=result["errors"][0]["message"]), 503
        abort(404)
    person = next((p for p in school["staff"] if p["id"] == str(person_id)), None)
    if person is None:
        abort(404)  # not this school's: nothing of them is shown, not even that they exist
    bookings = data.get("schoolBookings") or []
    now = utcnow()
    past = [b for b in bookings if datetime.fromisoformat(b["session"]["startsAt"]) < now]
    attendance = {"attended": sum(b["status"] == "ATTENDED" for b in past),
                  "missed": sum(b["status"] == "NO_SHOW" for b in past)}
    return render_template("sessions/staff_record.html", school=school, person=person, bookings=bookings,
                           attendance=attendance, year=year, status_words=_status_words,
                           upcoming=[b for b in bookings if b not in past], past=past)


@bp.route("/approvals", methods=["GET", "POST"])
def approvals():
    """School leaders approve or decline their staff's bookings that need cover."""
    if (visitor := sign_in_first()) is not None:
        return visitor
    if not (g.identity.is_admin or g.identity.has_role("school_leader")):
        return render_template("error.html", title="For school leaders",
                               message="Bookings are approved here by the school leaders of the people who made "
                                       "them. Ask your school leader about a booking of yours."), 403
    message, status, decided = None, 200, request.form.get("bookingId", "")[:12]
    errors = FormErrors([f"note-{decided}"], name_of=lambda path: f"note-{decided}" if path == ["note"] else None)
    if request.method == "POST":
        approve = request.form.get("decision") == "approve"
        payload = submit("""mutation($b: ID!, $ok: Boolean!, $n: String) {
            decideBooking(bookingId: $b, approve: $ok, note: $n) { booking { attendeeName status }
            userErrors { field message } } }""", {"b": decided, "ok": approve,
                                                    "n": request.form.get("note", "").strip() or None}, errors)
        if payload is None:
            status = 409
        else:
            b = payload["booking"]
            message = f"{b['attendeeName']}: {'approved' if approve else 'declined'}."
    result = execute_here("""{ bookingsAwaitingApproval { id attendeeName
        session { id startsAt venue course { title } } } }""")
    return render_template("sessions/approvals.html",
                           bookings=(result.get("data") or {}).get("bookingsAwaitingApproval") or [],
                           message=message, errors=errors, decided=decided, form=request.form), status


@bp.get("/bookings/<int:booking_id>.ics")
def booking_ics(booking_id: int):
    return passed_through("bookings", f"/bookings/{booking_id}/calendar", g.identity, f"booking-{booking_id}.ics")


@bp.get("/certificates/<int:booking_id>.pdf")
def certificate(booking_id: int):
    if (visitor := sign_in_first()) is not None:
        return visitor
    return passed_through("bookings", f"/bookings/{booking_id}/certificate", g.identity,
                          f"certificate-{booking_id}.pdf")
