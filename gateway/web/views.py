"""The web pages.  Every page reads through the same GraphQL schema as the API, so a
page can never show what the API would refuse this person."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, g, jsonify, redirect, render_template, request, url_for

from gateway.graph.view import execute_here

bp = Blueprint("web", __name__)

PHASES = ["EYFS", "KS1", "KS2", "KS3", "KS4", "KS5"]
AUDIENCES = ["TEACHER", "LEARNING_PARTNER", "SUPPORT_STAFF", "SUBJECT_LEAD", "HEADTEACHER", "ECT", "GOVERNOR", "SUPPLY"]
DELIVERY_MODES = ["IN_PERSON", "ONLINE", "HYBRID"]
VISIBILITIES = ["TRUST", "PUBLIC"]
STATUSES = ["DRAFT", "PUBLISHED", "ARCHIVED"]

COURSE_FIELDS = """
  id slug title summary description subject phases audiences provider deliveryMode
  durationMinutes visibility status externalPricePence updatedAt
"""


def _mutate(mutation: str, variables: dict) -> tuple[dict, list[dict]]:
    """Run one mutation for a form: its payload, and what went wrong (the payload's
    userErrors, or the request's own errors) — nothing when it worked."""
    result = execute_here(mutation, variables)
    payload = next(iter((result.get("data") or {}).values()), None) or {}
    return payload, payload.get("userErrors") or result.get("errors") or []


def _by_field(problems: list[dict]) -> dict[str, str]:
    """Problems keyed by the form field they are about ("_": the form as a whole)."""
    errors: dict[str, str] = {}
    for problem in problems:
        errors.setdefault((problem.get("field") or ["_"])[0], problem["message"])
    return errors


@bp.app_template_filter("label")
def label(value: str | None) -> str:
    """KS2 stays KS2; IN_PERSON becomes In person."""
    if not value:
        return ""
    if value in PHASES or value in ("ECT", "SIP"):
        return value
    return value.replace("_", " ").capitalize()


@bp.app_template_filter("markdown")
def markdown(text: str | None):
    """Minutes as the lead wrote them, rendered safely: raw HTML in the Markdown is shown
    as text, and the result is cleaned by an allow-list sanitiser (nh3) as well, so no
    script, handler or javascript: link gets through."""
    import nh3
    from markdown_it import MarkdownIt
    from markupsafe import Markup

    if not text:
        return ""
    html = MarkdownIt("commonmark", {"html": False}).enable("table").render(text)
    return Markup(nh3.clean(html, url_schemes={"http", "https", "mailto"}))


@bp.app_template_filter("pence")
def pence(value: int | None) -> str:
    return "" if value is None else f"£{value / 100:,.2f}"


@bp.app_template_filter("duration")
def duration(minutes: int) -> str:
    hours, mins = divmod(int(minutes), 60)
    if hours and mins:
        return f"{hours} h {mins} min"
    return f"{hours} h" if hours else f"{mins} min"


@bp.app_context_processor
def _viewer():
    identity = g.get("identity")
    return {"viewer": g.get("person"), "is_admin": bool(identity and identity.is_admin),
            "is_leader": bool(identity and (identity.has_role("school_leader") or identity.is_admin))}


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok", component="gateway")


@bp.get("/readyz")
def readyz():
    from gateway.db import database

    try:
        database(current_app.extensions["lighthouse_settings"]).ping()
    except Exception as exc:  # a probe reports, it does not raise
        return jsonify(status="unavailable", component="gateway", reason=type(exc).__name__), 503
    return jsonify(status="ready", component="gateway")


@bp.get("/")
def home():
    result = execute_here("""{ me { name email jobTitle school { name } organisation { name }
                                roles { role schoolId networkId school { name } } } }""")
    return render_template("home.html", me=(result.get("data") or {}).get("me"))


@bp.get("/courses")
def catalogue():
    args = request.args
    variables = {
        "search": args.get("q", "").strip()[:200] or None,
        "subject": args.get("subject", "")[:80] or None,
        "phase": args.get("phase") if args.get("phase") in PHASES else None,
        "audience": args.get("audience") if args.get("audience") in AUDIENCES else None,
        "deliveryMode": args.get("mode") if args.get("mode") in DELIVERY_MODES else None,
        "after": args.get("after", "")[:200] or None,
    }
    result = execute_here(
        f"""query Catalogue($search: String, $subject: String, $phase: Phase, $audience: Audience,
                           $deliveryMode: DeliveryMode, $after: String) {{
              courses(search: $search, subject: $subject, phase: $phase, audience: $audience,
                      deliveryMode: $deliveryMode, first: 20, after: $after) {{
                totalCount pageInfo {{ hasNextPage endCursor }}
                edges {{ node {{ {COURSE_FIELDS} }} }}
              }}
              courseSubjects
            }}""",
        variables,
    )
    data = result.get("data") or {}
    errors = [e["message"] for e in result.get("errors", [])]
    return render_template(
        "catalogue.html", courses=data.get("courses"), subjects=data.get("courseSubjects") or [],
        errors=errors, filters=variables, q=args.get("q", ""),
        phases=PHASES, audiences=AUDIENCES, modes=DELIVERY_MODES,
    )


@bp.get("/courses/<slug>")
def course_page(slug: str):
    result = execute_here(f"query Course($slug: String!) {{ course(slug: $slug) {{ {COURSE_FIELDS} }} }}",
                          {"slug": slug[:120]})
    if result.get("errors"):
        return render_template("error.html", title="Catalogue unavailable",
                               message=result["errors"][0]["message"]), 503
    course = (result.get("data") or {}).get("course")
    if course is None:
        abort(404)
    # Dates come from the bookings service; if it is down the course still shows.
    dates = execute_here("""query($slug: String!) { course(slug: $slug) {
                              sessions { id startsAt venue placesLeft } } }""", {"slug": slug[:120]})
    sessions = ((dates.get("data") or {}).get("course") or {}).get("sessions")
    sessions_error = dates["errors"][0]["message"] if dates.get("errors") else None
    feedback = None
    if g.identity.is_admin:
        answer = execute_here("""query($slug: String!) { course(slug: $slug) { feedback { count average
                                   comments { rating comment sessionStartsAt } } } }""", {"slug": slug[:120]})
        feedback = ((answer.get("data") or {}).get("course") or {}).get("feedback")
    return render_template("course.html", course=course, sessions=sessions or [], sessions_error=sessions_error,
                           feedback=feedback)


def _require_admin():
    if g.get("person") is None:
        return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
    if not g.identity.is_admin:
        abort(403)
    return None


SAVE_COURSE = f"""mutation Save($input: CourseInput!) {{
  saveCourse(input: $input) {{ course {{ {COURSE_FIELDS} }} userErrors {{ field message }} }} }}"""


def _course_from_form(form) -> tuple[dict, dict]:
    """The CourseInput a form describes, and field errors for what cannot even be typed."""
    errors: dict[str, str] = {}
    values = {
        "title": form.get("title", ""), "summary": form.get("summary", ""),
        "description": form.get("description", ""), "subject": form.get("subject", ""),
        "provider": form.get("provider", ""),
        "phases": [p for p in form.getlist("phases") if p in PHASES],
        "audiences": [a for a in form.getlist("audiences") if a in AUDIENCES],
        "deliveryMode": form.get("deliveryMode") if form.get("deliveryMode") in DELIVERY_MODES else "IN_PERSON",
        "visibility": form.get("visibility") if form.get("visibility") in VISIBILITIES else "TRUST",
        "status": form.get("status") if form.get("status") in STATUSES else "DRAFT",
    }
    try:
        values["durationMinutes"] = int(form.get("durationMinutes", ""))
    except ValueError:
        errors["durationMinutes"] = "Enter the length in whole minutes, for example 90."
        values["durationMinutes"] = 0
    price = form.get("externalPrice", "").strip().lstrip("£")
    if price:
        try:
            values["externalPricePence"] = round(float(price) * 100)
        except ValueError:
            errors["externalPricePence"] = "Enter a price in pounds, for example 95 or 95.50."
    else:
        values["externalPricePence"] = None
    if form.get("id"):
        values["id"] = form["id"]
    return values, errors


def _editor(course: dict | None, errors: dict, status: int = 200):
    return render_template("admin/course_form.html", course=course or {}, errors=errors, phases=PHASES,
                           audiences=AUDIENCES, modes=DELIVERY_MODES, visibilities=VISIBILITIES,
                           statuses=STATUSES), status


@bp.route("/admin/courses/new", methods=["GET", "POST"])
def new_course():
    if (refused := _require_admin()) is not None:
        return refused
    if request.method == "GET":
        return _editor({"phases": [], "audiences": [], "status": "DRAFT", "visibility": "TRUST",
                        "deliveryMode": "IN_PERSON"}, {})
    return _save(None)


@bp.route("/admin/courses/<slug>/edit", methods=["GET", "POST"])
def edit_course(slug: str):
    if (refused := _require_admin()) is not None:
        return refused
    result = execute_here(f"query Course($slug: String!) {{ course(slug: $slug) {{ {COURSE_FIELDS} }} }}",
                          {"slug": slug[:120]})
    course = (result.get("data") or {}).get("course")
    if course is None:
        abort(404)
    if request.method == "GET":
        return _editor(course, {})
    return _save(course)


def _save(existing: dict | None):
    values, errors = _course_from_form(request.form)
    if existing:
        values["id"] = existing["id"]
    shown = {**values, "slug": existing["slug"] if existing else None,
             "externalPricePence": values.get("externalPricePence")}
    if errors:
        return _editor(shown, errors, 422)
    payload, problems = _mutate(SAVE_COURSE, {"input": values})
    if problems:
        return _editor(shown, _by_field(problems), 422)
    return redirect(url_for("web.course_page", slug=payload["course"]["slug"], saved=1))


ROLES = ["STAFF", "SCHOOL_LEADER", "NETWORK_LEAD", "SIP", "LL_ADMIN", "EXTERNAL_BOOKER", "GOVERNOR"]
PEOPLE = """query($search: String) {
  people(search: $search, first: 50) { id name email school { name } roles { id role schoolId networkId } }
  schools { id name } }"""


@bp.route("/admin/people", methods=["GET", "POST"])
def people():
    """Admins find people and grant or revoke their roles."""
    if (refused := _require_admin()) is not None:
        return refused
    message, error, status = None, None, 200
    if request.method == "POST":
        form = request.form
        if form.get("action") == "revoke":
            _, errors = _mutate("mutation($g: ID!) { revokeRole(grantId: $g) { userErrors { message } } }",
                                {"g": form.get("grantId", "")})
        else:
            role = form.get("role") if form.get("role") in ROLES else "STAFF"
            _, errors = _mutate(
                """mutation($p: ID!, $r: Role!, $s: ID, $n: ID) { grantRole(personId: $p, role: $r, schoolId: $s,
                   networkId: $n) { userErrors { message } } }""",
                {"p": form.get("personId", ""), "r": role, "s": form.get("schoolId") or None,
                 "n": form.get("networkId") or None})
        if errors:
            error, status = errors[0]["message"], 422
        else:
            message = "Role removed." if form.get("action") == "revoke" else "Role granted."
    search = request.values.get("q", "").strip()[:100]
    data = execute_here(PEOPLE, {"search": search or None}).get("data") or {}
    schools = {s["id"]: s["name"] for s in data.get("schools") or []}
    return render_template("admin/people.html", people=data.get("people") or [], schools=schools, roles=ROLES,
                           q=search, message=message, error=error), status


# ---------- sessions and bookings ----------

SESSION_FIELDS = """id startsAt endsAt venue onlineUrl capacity externalPlaces placesLeft requiresApproval bookingClosesAt
  cancellationDeadline status waitingListLength icsUrl course { title slug subject durationMinutes }
  myBooking { id status waitingListPosition offerExpiresAt icsUrl }"""
LIST_FIELDS = """id startsAt endsAt venue placesLeft waitingListLength status course { title subject phases }"""


@bp.app_template_filter("when")
def when(value: str | None) -> str:
    """An ISO time shown in Europe/London, as people in the trust read it."""
    from datetime import datetime

    from shared.clock import LONDON

    if not value:
        return ""
    moment = datetime.fromisoformat(value).astimezone(LONDON)
    return moment.strftime("%a %-d %b %Y, %H:%M")


@bp.app_template_filter("when_time")
def when_time(value: str | None) -> str:
    from datetime import datetime

    from shared.clock import LONDON

    return datetime.fromisoformat(value).astimezone(LONDON).strftime("%H:%M") if value else ""


@bp.app_template_global("current_academic_year")
def _current_academic_year() -> str:
    from shared.clock import LONDON, academic_year_of, utcnow

    return academic_year_of(utcnow().astimezone(LONDON).date())


@bp.app_template_global("timedelta")
def _timedelta(**kwargs):
    from datetime import timedelta

    return timedelta(**kwargs)


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


bp.add_app_template_filter(ordinal, "ordinal")


@bp.get("/sessions")
def sessions_list():
    """Upcoming sessions as a list or a month calendar, filtered by subject, phase and
    date.  Filters are plain GET parameters so a filtered view can be bookmarked."""
    from datetime import date, datetime, time, timedelta

    from shared.clock import LONDON, utcnow

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
    weeks = _month_grid(month, [e["node"] for e in sessions["edges"]]) if month and sessions else None
    filters = {"subject": subject or "", "phase": phase or "", "from": args.get("from", "")}
    return render_template("sessions.html", sessions=sessions, view=view, weeks=weeks, month=month,
                           filters=filters, phases=PHASES, today=today,
                           errors=problems + [e["message"] for e in result.get("errors", [])]), 422 if problems else 200


def _month_grid(month, sessions: list[dict]) -> list[list[dict]]:
    """Weeks (Monday first) of a month, each day with the sessions starting on it in
    UK time; days of the neighbouring months are blanks."""
    import calendar
    from datetime import datetime

    from shared.clock import LONDON

    by_day: dict = {}
    for s in sessions:
        by_day.setdefault(datetime.fromisoformat(s["startsAt"]).astimezone(LONDON).date(), []).append(s)
    return [[{"day": d, "in_month": d.month == month.month, "sessions": by_day.get(d, [])} for d in week]
            for week in calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)]


def _session(session_id: str, with_bookings: bool = False):
    extra = "bookings { id attendeeName status attendee { school { name } } }" if with_bookings else ""
    result = execute_here(f"query($id: ID!) {{ session(id: $id) {{ {SESSION_FIELDS} {extra} }} }}",
                          {"id": session_id[:12]})
    if result.get("errors"):
        return None, result["errors"][0]["message"]
    return (result.get("data") or {}).get("session"), None


@bp.route("/sessions/<session_id>", methods=["GET", "POST"])
def session_page(session_id: str):
    message, error, status = request.args.get("message"), None, 200
    if request.method == "POST":
        if g.get("person") is None:
            return redirect(url_for("auth.sign_in", next=request.path))
        action = request.form.get("action")
        if action in ("book", "book-staff"):
            attendee = request.form.get("attendeeId", "")[:12] or None if action == "book-staff" else None
            payload, errors = _mutate("""mutation($s: ID!, $a: ID, $k: String) { bookSession(sessionId: $s,
                attendeeId: $a, idempotencyKey: $k) { booking { status waitingListPosition attendeeName }
                userErrors { message } } }""",
                                      {"s": session_id[:12], "a": attendee,
                                       "k": request.form.get("key", "")[:100] or None})
        elif action == "cancel-session":
            payload, errors = _mutate("""mutation($s: ID!, $r: String!) { cancelSession(sessionId: $s, reason: $r) {
                session { status } userErrors { message } } }""",
                                      {"s": session_id[:12], "r": request.form.get("reason", "").strip()[:500]})
            if not errors:
                return redirect(url_for("web.session_page", session_id=session_id,
                                        message="The session is cancelled and every attendee has been told."))
        elif action in ("cancel", "accept"):
            name = "cancelBooking" if action == "cancel" else "acceptWaitingListOffer"
            payload, errors = _mutate(f"""mutation($b: ID!) {{ {name}(bookingId: $b) {{
                booking {{ status waitingListPosition }} userErrors {{ message }} }} }}""",
                                      {"b": request.form.get("bookingId", "")[:12]})
        else:
            abort(400)
        if errors:
            error, status = errors[0]["message"], 409
        else:
            booking = payload["booking"]
            if action == "book-staff":
                name, status = booking["attendeeName"], booking["status"]
                message = (f"{name} is booked." if status == "CONFIRMED" else
                           f"{name} is {ordinal(booking['waitingListPosition'] or 1)} on the waiting list."
                           if status == "WAITLISTED" else f"{name}: {label(status).lower()}.")
                return redirect(url_for("web.session_page", session_id=session_id, message=message))
            message = {
                "CONFIRMED": "You are booked. A confirmation is on its way.",
                "PENDING_APPROVAL": "Your place is held until your school leader approves it.",
                "WAITLISTED": f"This session is full — you are {ordinal(booking['waitingListPosition'] or 1)} "
                              "on the waiting list. We will email you if a place comes up.",
                "CANCELLED": "Your booking is cancelled.",
            }.get(booking["status"], "Done.")
            return redirect(url_for("web.session_page", session_id=session_id, message=message))
    identity = g.identity
    session, problem = _session(session_id, with_bookings=identity.is_admin or identity.has_role("school_leader"))
    if session is None:
        if problem:
            return render_template("error.html", title="Sessions unavailable", message=problem), 503
        abort(404)
    import uuid

    staff = []
    if identity.has_role("school_leader") and session["status"] == "SCHEDULED":
        me = (execute_here("{ me { id roles { role school { name staff { id name } } } } }").get("data") or {}).get("me")
        for grant in (me or {}).get("roles", []):
            if grant["role"] == "SCHOOL_LEADER" and grant["school"]:
                staff += [{"id": p["id"], "name": p["name"], "school": grant["school"]["name"]}
                          for p in grant["school"]["staff"] if p["id"] != me["id"]]
    # One key per form: a retried submit is recognised, two different forms are not confused.
    return render_template("session.html", session=session, message=message, error=error, staff=staff,
                           key=uuid.uuid4().hex, staff_key=uuid.uuid4().hex), status


SCHEDULE_SESSION = """mutation($input: SessionInput!) { scheduleSession(input: $input) {
    session { id } userErrors { field message } } }"""


@bp.route("/admin/courses/<slug>/sessions/new", methods=["GET", "POST"])
def new_session(slug: str):
    """Admins schedule a date for a course; times are typed in UK time."""
    if (refused := _require_admin()) is not None:
        return refused
    result = execute_here("query($slug: String!) { course(slug: $slug) { id title slug } }", {"slug": slug[:120]})
    course = (result.get("data") or {}).get("course")
    if course is None:
        abort(404)
    form, errors = request.form, {}
    if request.method == "POST":
        values, errors = _session_from_form(form, course["id"])
        if not errors:
            payload, problems = _mutate(SCHEDULE_SESSION, {"input": values})
            if not problems:
                return redirect(url_for("web.session_page", session_id=payload["session"]["id"],
                                        message="Session scheduled."))
            errors = _by_field(problems)
    return render_template("admin/session_form.html", course=course, form=form, errors=errors), 422 if errors else 200


@bp.route("/admin/sessions/<int:session_id>/edit", methods=["GET", "POST"])
def edit_session(session_id: int):
    """Admins change a session: times, place, capacity (never below the places already
    taken).  Attendees are sent the updated calendar entry."""
    if (refused := _require_admin()) is not None:
        return refused
    session, problem = _session(str(session_id))
    if session is None:
        abort(404 if not problem else 503)
    course = {"id": None, "title": session["course"]["title"], "slug": session["course"]["slug"]}
    found = execute_here("query($slug: String!) { course(slug: $slug) { id } }", {"slug": course["slug"]})
    course["id"] = ((found.get("data") or {}).get("course") or {}).get("id")
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = request.form
        values, errors = _session_from_form(form, course["id"])
        if not errors:
            values["id"] = str(session_id)
            _, problems = _mutate(SCHEDULE_SESSION, {"input": values})
            if not problems:
                return redirect(url_for("web.session_page", session_id=session_id, message="Session updated."))
            errors = _by_field(problems)
    else:
        form = _form_from_session(session)
    return render_template("admin/session_form.html", course=course, form=form, errors=errors,
                           editing=True), 422 if errors else 200


def _form_from_session(session: dict) -> dict:
    from datetime import datetime

    from shared.clock import LONDON

    def local(value):
        return datetime.fromisoformat(value).astimezone(LONDON).strftime("%Y-%m-%dT%H:%M") if value else ""

    return {"startsAt": local(session["startsAt"]), "endsAt": local(session["endsAt"]),
            "venue": session["venue"] or "", "onlineUrl": session["onlineUrl"] or "",
            "capacity": str(session["capacity"]), "externalPlaces": str(session.get("externalPlaces", 0)),
            "requiresApproval": "yes" if session["requiresApproval"] else "",
            "bookingClosesAt": local(session["bookingClosesAt"]),
            "cancellationDeadline": local(session["cancellationDeadline"])}


def _session_from_form(form, course_id: str) -> tuple[dict, dict]:
    from datetime import datetime

    from shared.clock import LONDON

    errors: dict[str, str] = {}

    def moment(name: str, label: str, required: bool = True):
        text = form.get(name, "").strip()
        if not text:
            if required:
                errors[name] = f"Enter the {label}."
            return None
        try:
            return datetime.fromisoformat(text).replace(tzinfo=LONDON).isoformat()
        except ValueError:
            errors[name] = f"Enter the {label} as a date and time, for example 2027-01-14T15:45."
            return None

    def number(name: str, label: str):
        try:
            return int(form.get(name, ""))
        except ValueError:
            errors[name] = f"Enter the {label} as a whole number."
            return 0

    values = {"courseId": course_id, "startsAt": moment("startsAt", "start"), "endsAt": moment("endsAt", "end"),
              "venue": form.get("venue", "").strip() or None, "onlineUrl": form.get("onlineUrl", "").strip() or None,
              "capacity": number("capacity", "number of places"),
              "externalPlaces": number("externalPlaces", "places for other schools"),
              "requiresApproval": form.get("requiresApproval") == "yes",
              "bookingClosesAt": moment("bookingClosesAt", "booking close", required=False),
              "cancellationDeadline": moment("cancellationDeadline", "cancellation deadline", required=False)}
    return values, errors


@bp.route("/my-cpd", methods=["GET", "POST"])
def my_cpd():
    """What I have booked, what I have done this year (with certificates), feedback
    to give, and the private address of my calendar feed."""
    from shared.clock import LONDON, utcnow

    if g.get("person") is None:
        return redirect(url_for("auth.sign_in", next=request.path))
    message, error, status = None, None, 200
    if request.method == "POST":
        if request.form.get("action") == "reset-feed":
            execute_here("mutation { resetCalendarFeed }")
            message = "Your calendar feed has a new address; the old one no longer works."
        else:
            try:
                rating = int(request.form.get("rating", ""))
            except ValueError:
                rating = 0
            _, problems = _mutate("""mutation($b: ID!, $r: Int!, $c: String) { leaveFeedback(bookingId: $b,
                rating: $r, comment: $c) { booking { id } userErrors { message } } }""",
                                  {"b": request.form.get("bookingId", "")[:12], "r": rating,
                                   "c": request.form.get("comment", "").strip()[:2000] or None})
            if problems:
                error, status = problems[0]["message"], 422
            else:
                message = "Thank you — your feedback has been recorded."
    from shared.clock import academic_years_around

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
    return render_template("my_cpd.html", bookings=data.get("upcoming") or [], me=data.get("me"),
                           to_rate=[b for b in attended if b["feedbackRating"] is None], years=years,
                           message=message, error=error,
                           errors=[e["message"] for e in result.get("errors", [])]), status


@bp.route("/sessions/<int:session_id>/register", methods=["GET", "POST"])
def register(session_id: int):
    """The register, for admins and facilitators: a tick for everyone who came.  Made
    for a tablet at the door — big targets, one button."""
    if (refused := _require_admin()) is not None:
        return refused
    message, error, status = None, None, 200
    if request.method == "POST":
        _, problems = _mutate("""mutation($s: ID!, $ids: [ID!]!) { recordAttendance(sessionId: $s,
            attendedBookingIds: $ids) { session { id } userErrors { message } } }""",
                              {"s": str(session_id), "ids": request.form.getlist("attended")[:5000]})
        if problems:
            error, status = problems[0]["message"], 409
        else:
            came = len(request.form.getlist("attended"))
            message = f"Register saved: {came} attended. Certificates and feedback requests are on their way."
    session, problem = _session(str(session_id), with_bookings=True)
    if session is None:
        abort(404 if not problem else 503)
    places = [b for b in session["bookings"] if b["status"] in ("CONFIRMED", "ATTENDED", "NO_SHOW")]
    return render_template("register.html", session=session, places=places, message=message, error=error), status


@bp.get("/school-bookings")
def school_bookings():
    """For school leaders: every upcoming booking made by or for their staff."""
    if g.get("person") is None:
        return redirect(url_for("auth.sign_in", next=request.path))
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
    return render_template("school_bookings.html", listed=listed)


@bp.route("/approvals", methods=["GET", "POST"])
def approvals():
    """School leaders approve or decline their staff's bookings that need cover."""
    if g.get("person") is None:
        return redirect(url_for("auth.sign_in", next=request.path))
    message, error, status = None, None, 200
    if request.method == "POST":
        approve = request.form.get("decision") == "approve"
        payload, problems = _mutate("""mutation($b: ID!, $ok: Boolean!, $n: String) {
            decideBooking(bookingId: $b, approve: $ok, note: $n) { booking { attendeeName status }
            userErrors { message } } }""", {"b": request.form.get("bookingId", "")[:12], "ok": approve,
                                              "n": request.form.get("note", "").strip()[:500] or None})
        if problems:
            error, status = problems[0]["message"], 409
        else:
            b = payload["booking"]
            message = f"{b['attendeeName']}: {'approved' if approve else 'declined'}."
    result = execute_here("""{ bookingsAwaitingApproval { id attendeeName
        session { id startsAt venue course { title } } } }""")
    return render_template("approvals.html", bookings=(result.get("data") or {}).get("bookingsAwaitingApproval") or [],
                           message=message, error=error), status


@bp.get("/dev/mailbox")
def mailbox():
    """Development only: the messages the embedded default 'sent', newest first."""
    import email
    from email import policy

    settings = current_app.extensions["lighthouse_settings"]
    if not settings.is_development:
        abort(404)
    folder = settings.mailbox_dir
    files = sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime, reverse=True)[:100] if folder.exists() else []
    messages = []
    for path in files:
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        body = message.get_body(("plain",))
        messages.append({"to": message["To"], "subject": message["Subject"], "date": message["Date"],
                         "body": body.get_content() if body else "",
                         "attachments": [p.get_filename() for p in message.iter_attachments()]})
    return render_template("mailbox.html", messages=messages)


# ---------- files: calendars and certificates ----------


def _passed_through(service: str, path: str, identity, filename: str | None = None):
    """A file a service makes (a PDF, a calendar), fetched as `identity` and handed on;
    the service decides whether this person may have it."""
    from flask import Response

    from gateway.backends import BackendUnavailable
    from shared.logs import current_request_id

    backends = current_app.extensions["lighthouse_backends"]
    try:
        response = backends.fetch(service, "GET", path, identity=identity, request_id=current_request_id())
    except BackendUnavailable:
        return render_template("error.html", title="Not available just now",
                               message="That file could not be made just now; try again in a minute."), 503
    if response.status_code >= 400:
        abort(404)
    headers = {"Cache-Control": "private, no-store"}
    if filename:
        headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return Response(response.content, mimetype=response.headers.get("content-type", "application/octet-stream")
                    .split(";")[0], headers=headers)


@bp.get("/sessions/<int:session_id>.ics")
def session_ics(session_id: int):
    return _passed_through("bookings", f"/sessions/{session_id}/calendar", g.identity, f"session-{session_id}.ics")


@bp.get("/bookings/<int:booking_id>.ics")
def booking_ics(booking_id: int):
    return _passed_through("bookings", f"/bookings/{booking_id}/calendar", g.identity, f"booking-{booking_id}.ics")


@bp.get("/meetings/<int:meeting_id>.ics")
def meeting_ics(meeting_id: int):
    return _passed_through("networks", f"/meetings/{meeting_id}/calendar", g.identity, f"meeting-{meeting_id}.ics")


@bp.get("/certificates/<int:booking_id>.pdf")
def certificate(booking_id: int):
    if g.get("person") is None:
        return redirect(url_for("auth.sign_in", next=request.path))
    return _passed_through("bookings", f"/bookings/{booking_id}/certificate", g.identity,
                           f"certificate-{booking_id}.pdf")


@bp.get("/calendar/<token>.ics")
def calendar_feed(token: str):
    """A person's bookings for Outlook or Google Calendar to subscribe to.  The token
    in the address is the only credential (calendars send no cookie), so it is long,
    random and replaceable from My CPD."""
    from flask import Response
    from icalendar import Calendar

    from gateway.backends import BackendUnavailable
    from gateway.identity.service import identity_for, person_for_calendar
    from shared import calendars
    from shared.db import request_session
    from shared.logs import current_request_id

    person = person_for_calendar(request_session(), token)
    if person is None:
        abort(404)
    # One feed from every service that puts things in a person's diary.
    backends, identity = current_app.extensions["lighthouse_backends"], identity_for(person)
    events = []
    for service, path in (("bookings", "/bookings/mine/calendar"), ("networks", "/meetings/mine/calendar")):
        try:
            part = backends.fetch(service, "GET", path, identity=identity, request_id=current_request_id())
        except BackendUnavailable:
            # A calendar app keeps what it had when a refresh fails: better than a feed
            # that silently drops one service's events.
            return Response("Temporarily unavailable", status=503, mimetype="text/plain")
        events += Calendar.from_ical(part.content).walk("VEVENT")
    return Response(calendars.calendar(events, "PUBLISH", "Lighthouse Learning"), mimetype="text/calendar",
                    headers={"Cache-Control": "private, no-store"})


# ---------- networks ----------


@bp.get("/networks")
def networks_list():
    result = execute_here("{ networks { id name subject meetingsPerYear leads { name } } myNetworks { id } }")
    data = result.get("data") or {}
    mine = {n["id"] for n in data.get("myNetworks") or []}
    return render_template("networks.html", networks=data.get("networks") or [], mine=mine,
                           errors=[e["message"] for e in result.get("errors", [])])


@bp.route("/networks/<int:network_id>", methods=["GET", "POST"])
def network_page(network_id: int):
    """A network: its leads, members and the schools it does not reach yet; its leads
    (and admins) add and remove members here."""
    from sqlmodel import func, select

    from gateway.identity.models import Person as PersonRow
    from shared.db import request_session

    message, error, status = request.args.get("message"), None, 200
    if request.method == "POST":
        if g.get("person") is None:
            return redirect(url_for("auth.sign_in", next=request.path))
        if request.form.get("action") == "remove":
            _, problems = _mutate("""mutation($n: ID!, $p: ID!) { removeNetworkMember(networkId: $n, personId: $p) {
                network { id } userErrors { message } } }""",
                                  {"n": str(network_id), "p": request.form.get("personId", "")[:12]})
            done = "Member removed."
        else:
            email = request.form.get("email", "").strip().lower()[:254]
            person = request_session().exec(select(PersonRow).where(func.lower(PersonRow.email) == email)).first()
            role = request.form.get("role") if request.form.get("role") in ("LEAD", "MEMBER", "GUEST") else "MEMBER"
            if person is None:
                problems = [{"message": f"Nobody with the email {email or '(blank)'} has signed in yet; "
                                        "check the address."}]
            else:
                _, problems = _mutate("""mutation($n: ID!, $p: ID!, $r: MembershipRole!) {
                    addNetworkMember(networkId: $n, personId: $p, role: $r) { network { id } userErrors { message } } }""",
                                      {"n": str(network_id), "p": str(person.id), "r": role})
            done = f"{person.name} added." if person else ""
        if problems:
            error, status = problems[0]["message"], 409
        else:
            return redirect(url_for("web.network_page", network_id=network_id, message=done))
    from shared.clock import LONDON, academic_year_of, utcnow

    year = academic_year_of(utcnow().astimezone(LONDON).date())
    result = execute_here("""query($id: ID!, $y: String) { network(id: $id) { id name subject meetingsPerYear
        leads { id name school { name } } members { role person { id name } school { id name } }
        schoolsWithoutMember { id name }
        meetings(academicYear: $y) { id title term startsAt status venue attendees { id school { id } } }
        openActions { id description dueOn owner { name } } } }""", {"id": str(network_id), "y": year})
    network = (result.get("data") or {}).get("network")
    if network is None:
        if result.get("errors"):
            return render_template("error.html", title="Networks unavailable",
                                   message=result["errors"][0]["message"]), 503
        abort(404)
    identity = g.identity
    may_change = identity.is_admin or network_id in identity.networks_for("network_lead")
    return render_template("network.html", network=network, may_change=may_change, message=message, error=error,
                           roles=["MEMBER", "LEAD", "GUEST"], year=year,
                           attendance=_attendance_by_school(network)), status


def _attendance_by_school(network: dict) -> list[dict]:
    """For each school in the network: meetings held this year that somebody from it
    attended, out of all held — so a school that missed two of three stands out."""
    held = [m for m in network.get("meetings") or [] if m["status"] == "HELD"]
    schools = {m["school"]["id"]: m["school"]["name"] for m in network.get("members") or [] if m["school"]}
    rows = []
    for school_id, name in sorted(schools.items(), key=lambda kv: kv[1]):
        came = sum(any((p["school"] or {}).get("id") == school_id for p in m["attendees"]) for m in held)
        rows.append({"name": name, "attended": came, "held": len(held), "missed": len(held) - came})
    return rows


@bp.route("/networks/<int:network_id>/meetings/new", methods=["GET", "POST"])
def new_meeting(network_id: int):
    """A network's lead schedules a meeting (UK times); every member is invited."""
    if g.get("person") is None:
        return redirect(url_for("auth.sign_in", next=request.path))
    found = execute_here("query($id: ID!) { network(id: $id) { id name } }", {"id": str(network_id)})
    network = (found.get("data") or {}).get("network")
    if network is None:
        abort(404)
    form, errors = (request.form if request.method == "POST" else request.args), {}
    if request.method == "POST":
        values, errors = _meeting_from_form(form, network_id)
        if not errors:
            payload, problems = _mutate("""mutation($input: MeetingInput!) { scheduleMeeting(input: $input) {
                meeting { id } userErrors { field message } } }""", {"input": values})
            if not problems:
                return redirect(url_for("web.meeting_page", meeting_id=payload["meeting"]["id"],
                                        message="Meeting scheduled; every member has been invited."))
            errors = _by_field(problems)
    return render_template("meeting_form.html", network=network, form=form, errors=errors), 422 if errors else 200


@bp.route("/networks/<int:network_id>/plan", methods=["GET", "POST"])
def plan_year(network_id: int):
    """A lead asks for the year's dates with a pattern and sees who would clash with
    what; each proposal opens the meeting form ready filled."""
    from datetime import datetime

    from shared.clock import LONDON, academic_years_around, utcnow

    if g.get("person") is None:
        return redirect(url_for("auth.sign_in", next=request.path))
    found = execute_here("query($id: ID!) { network(id: $id) { id name } }", {"id": str(network_id)})
    network = (found.get("data") or {}).get("network")
    if network is None:
        abort(404)
    this_year = academic_years_around(utcnow().astimezone(LONDON).date(), back=0)[0]
    first = int(this_year[:4])
    years = [f"{y}-{(y + 1) % 100:02d}" for y in (first, first + 1)]
    form = request.form if request.method == "POST" else {}
    proposals, error, status = None, None, 200
    if request.method == "POST":
        try:
            pattern = {"weekdays": [int(d) for d in request.form.getlist("weekday")][:7],
                       "startTime": request.form.get("startTime", "")[:5],
                       "durationMinutes": int(request.form.get("duration", "0")),
                       "perTerm": int(request.form.get("perTerm", "1"))}
        except ValueError:
            pattern = None
            error, status = "Give the length and the meetings a term as whole numbers.", 422
        if pattern:
            payload, problems = _mutate("""mutation($n: ID!, $y: String!, $p: MeetingPatternInput!) {
                proposeMeetings(networkId: $n, academicYear: $y, pattern: $p) { proposals { term startsAt endsAt
                clashes { person { name } with } } userErrors { field message } } }""",
                                        {"n": str(network_id), "y": request.form.get("year", "")[:7], "p": pattern})
            if problems:
                error, status = problems[0]["message"], 422
            else:
                proposals = payload["proposals"]
                for x in proposals:
                    x["local_start"] = datetime.fromisoformat(x["startsAt"]).astimezone(LONDON).strftime("%Y-%m-%dT%H:%M")
                    x["local_end"] = datetime.fromisoformat(x["endsAt"]).astimezone(LONDON).strftime("%Y-%m-%dT%H:%M")
    return render_template("plan.html", network=network, years=years, form=form, proposals=proposals,
                           error=error, weekdays=["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]), status


def _meeting_from_form(form, network_id: int) -> tuple[dict, dict]:
    from datetime import datetime

    from shared.clock import LONDON

    errors: dict[str, str] = {}

    def moment(name: str, label: str):
        text = form.get(name, "").strip()
        try:
            return datetime.fromisoformat(text).replace(tzinfo=LONDON).isoformat()
        except ValueError:
            errors[name] = f"Enter the {label} as a date and time, for example 2027-01-20T16:00."
            return None

    title = form.get("title", "").strip()[:200]
    if not title:
        errors["title"] = "Give the meeting a title."
    agenda = [{"title": line.strip()[:200]} for line in form.get("agenda", "").splitlines() if line.strip()][:30]
    return {"networkId": str(network_id), "title": title, "startsAt": moment("startsAt", "start"),
            "endsAt": moment("endsAt", "end"), "venue": form.get("venue", "").strip()[:200] or None,
            "onlineUrl": form.get("onlineUrl", "").strip()[:500] or None, "agenda": agenda,
            "outsideTermConfirmed": form.get("outsideTerm") == "yes"}, errors


MEETING = """query($id: ID!) { meeting(id: $id) { id title term startsAt endsAt venue onlineUrl status minutes myRsvp
  icsUrl network { id name members { person { id name } } }
  agenda { title minutes presenter } rsvps { person { name } response } attendees { id name }
  actions { id description dueOn done owner { id name } } } }"""


@bp.route("/meetings/<int:meeting_id>", methods=["GET", "POST"])
def meeting_page(meeting_id: int):
    """A meeting: agenda, answers, and afterwards the minutes and actions."""
    if g.get("person") is None:
        return redirect(url_for("auth.sign_in", next=request.path))
    message, error, status = request.args.get("message"), None, 200
    if request.method == "POST":
        action = request.form.get("action")
        if action == "rsvp":
            _, problems = _mutate("""mutation($m: ID!, $r: RsvpResponse!) { rsvp(meetingId: $m, response: $r) {
                meeting { myRsvp } userErrors { message } } }""",
                                  {"m": str(meeting_id), "r": request.form.get("response", "")[:5]})
            done = "Thank you — your answer is recorded."
        elif action == "cancel":
            _, problems = _mutate("""mutation($m: ID!) { cancelMeeting(meetingId: $m) { meeting { status }
                userErrors { message } } }""", {"m": str(meeting_id)})
            done = "Meeting cancelled; members told."
        elif action == "complete":
            _, problems = _mutate("""mutation($a: ID!) { completeAction(actionId: $a) { action { done }
                userErrors { message } } }""", {"a": request.form.get("actionId", "")[:12]})
            done = "Action marked done."
        elif action == "minutes":
            actions = []
            for i in range(3):
                text = request.form.get(f"action{i}", "").strip()[:500]
                if text:
                    actions.append({"description": text, "ownerId": request.form.get(f"owner{i}", "")[:12],
                                    "dueOn": request.form.get(f"due{i}") or None})
            _, problems = _mutate("""mutation($input: MinutesInput!) { recordMinutes(input: $input) {
                meeting { status } userErrors { message } } }""", {"input": {
                    "meetingId": str(meeting_id), "minutes": request.form.get("minutes", "")[:50_000],
                    "attendeeIds": request.form.getlist("attended")[:500], "actions": actions}})
            done = "Minutes saved."
        else:
            abort(400)
        if problems:
            error, status = problems[0]["message"], 409
        else:
            return redirect(url_for("web.meeting_page", meeting_id=meeting_id, message=done))
    result = execute_here(MEETING, {"id": str(meeting_id)})
    meeting = (result.get("data") or {}).get("meeting")
    if meeting is None:
        if result.get("errors"):
            return render_template("error.html", title="Networks unavailable",
                                   message=result["errors"][0]["message"]), 503
        abort(404)
    network_id = int(meeting["network"]["id"])
    may_change = g.identity.is_admin or network_id in g.identity.networks_for("network_lead")
    return render_template("meeting.html", meeting=meeting, may_change=may_change, message=message, error=error,
                           me=str(g.person.id)), status


@bp.route("/rsvp/<token>", methods=["GET", "POST"])
def rsvp_link(token: str):
    """The one-click answer from an invitation.  GET only asks (mail scanners follow
    links); the button POSTs, as the person the signed link names."""
    from gateway.identity.models import Person as PersonRow
    from gateway.identity.service import identity_for
    from shared.db import request_session
    from shared.links import read_rsvp_token

    settings = current_app.extensions["lighthouse_settings"]
    parsed = read_rsvp_token(settings.secret_key, token[:500])
    person = request_session().get(PersonRow, parsed[1]) if parsed else None
    if parsed is None or person is None or parsed[2] not in ("YES", "NO", "MAYBE"):
        return render_template("error.html", title="That link does not work",
                               message="The answer link is incomplete or too old. Open the meeting from "
                                       "Networks to answer instead."), 404
    meeting_id, _, response = parsed
    words = {"YES": "Yes, I'll come", "NO": "No, I can't come", "MAYBE": "Maybe"}[response]
    if request.method == "POST":
        from gateway.backends import BackendUnavailable

        backends = current_app.extensions["lighthouse_backends"]
        try:
            answer = backends.fetch("networks", "POST", f"/meetings/{meeting_id}/rsvp",
                                    identity=identity_for(person), json={"response": response})
        except BackendUnavailable:
            return render_template("rsvp.html", words=words, done=False,
                                   error="Answers cannot be recorded just now; try the link again in a minute."), 503
        if answer.status_code >= 400:
            return render_template("rsvp.html", words=words, error=answer.json().get("message"), done=False), 409
        return render_template("rsvp.html", words=words, meeting=answer.json(), done=True)
    return render_template("rsvp.html", words=words, done=False, person=person)


@bp.route("/admin/academic-years/<label>", methods=["GET", "POST"])
def academic_year_page(label: str):
    """Admins check and correct a year's term dates; meetings are planned inside them."""
    import re
    from datetime import date

    if (refused := _require_admin()) is not None:
        return refused
    if not re.fullmatch(r"\d{4}-\d{2}", label):
        abort(404)
    message, errors, status = request.args.get("message"), [], 200
    if request.method == "POST":
        terms = []
        for name in ("AUTUMN", "SPRING", "SUMMER"):
            try:
                dates = {k: date.fromisoformat(request.form.get(f"{name}-{k}", "")) for k in
                         ("startsOn", "endsOn", "halfTermStartsOn", "halfTermEndsOn")}
                inset = [date.fromisoformat(d.strip()) for d in request.form.get(f"{name}-inset", "").split(",")
                         if d.strip()]
            except ValueError:
                errors.append(f"{name.capitalize()} term: enter every date as, for example, 2027-01-04.")
                continue
            terms.append({"name": name, **dates, "insetDays": [d.isoformat() for d in inset]})
        if not errors:
            payload, problems = _mutate("""mutation($l: String!, $t: [TermInput!]!) { saveAcademicYear(label: $l,
                terms: $t) { academicYear { label } userErrors { message } } }""",
                                        {"l": label, "t": [{**t, **{k: v.isoformat() for k, v in t.items()
                                                                    if isinstance(v, date)}} for t in terms]})
            errors = [e["message"] for e in problems]
            if not errors and payload.get("academicYear"):
                return redirect(url_for("web.academic_year_page", label=label, message="Calendar saved."))
        status = 422
    result = execute_here("""query($l: String!) { academicYear(label: $l) { label terms { name startsOn endsOn
        halfTermStartsOn halfTermEndsOn closureDetails { on kind note } } } }""", {"l": label})
    year = (result.get("data") or {}).get("academicYear")
    raw = {t["name"]: t for t in (year or {}).get("terms", [])}
    if errors:  # show what was typed, not what is stored, so nothing typed is lost
        for name in ("AUTUMN", "SPRING", "SUMMER"):
            kept = raw.get(name, {}).get("closureDetails", [])
            raw[name] = {k: request.form.get(f"{name}-{k}", "") for k in
                         ("startsOn", "endsOn", "halfTermStartsOn", "halfTermEndsOn")}
            raw[name]["closureDetails"] = [c for c in kept if c["kind"] == "BANK_HOLIDAY"]
            raw[name]["insetText"] = request.form.get(f"{name}-inset", "")
    return render_template("academic_year.html", label=label, year=year, raw=raw, message=message,
                           errors=errors), status
