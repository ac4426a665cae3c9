"""Bookings' pages: My CPD (bookings, record, certificates, feedback, calendar feed),
a school's bookings and the approvals its leaders give, and the files of a booking."""
from __future__ import annotations

from flask import Blueprint, g, render_template, request

from gateway.graph.view import execute_here
from gateway.web.forms import FormErrors, submit
from gateway.web.pages import passed_through, sign_in_first
from shared.clock import LONDON, academic_years_around, utcnow

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
    return render_template("sessions/my_cpd.html", bookings=data.get("upcoming") or [], me=data.get("me"),
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


@bp.get("/school-bookings")
def school_bookings():
    """For school leaders: every upcoming booking made by or for their staff."""
    if (visitor := sign_in_first()) is not None:
        return visitor
    schools = sorted(g.identity.schools_for("school_leader"))
    if not schools:
        return render_template("error.html", title="For school leaders",
                               message="This page lists a school's bookings for its school leaders."), 403
    query = "query($id: ID!) { school(id: $id) { id name } schoolBookings(schoolId: $id) { id attendeeName status " \
            "waitingListPosition session { id startsAt venue course { title } } } }"
    listed = []
    for school_id in schools[:10]:
        data = execute_here(query, {"id": str(school_id)}).get("data") or {}
        if data.get("school"):
            listed.append({"school": data["school"], "bookings": data.get("schoolBookings") or []})
    return render_template("sessions/school_bookings.html", listed=listed)


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
