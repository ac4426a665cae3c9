"""The web pages.  Every page reads through the same GraphQL schema as the API, so a
page can never show what the API would refuse this person."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, g, jsonify, redirect, render_template, request, url_for

from gateway.graph.view import execute_here
from gateway.web.forms import FormErrors, run, submit

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
                                roles { role school { name } network { name } } } }""")
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


# The course form's fields, in the order they stand on the page.
COURSE_FORM = ["title", "summary", "description", "subject", "provider", "phases", "audiences", "deliveryMode",
               "durationMinutes", "visibility", "externalPricePence", "status"]


def _course_from_form(form, errors: FormErrors) -> tuple[dict, dict]:
    """The CourseInput a form describes, and the form as typed (to show it again).
    What cannot even be typed into a CourseInput is filed in `errors`, and a stand-in
    goes in its place, so the catalogue still checks everything else."""
    values = {
        "title": form.get("title", ""), "summary": form.get("summary", ""),
        "description": form.get("description", ""), "subject": form.get("subject", ""),
        "provider": form.get("provider", ""),
        "phases": [p for p in form.getlist("phases") if p in PHASES],
        "audiences": [a for a in form.getlist("audiences") if a in AUDIENCES],
        "deliveryMode": form.get("deliveryMode") if form.get("deliveryMode") in DELIVERY_MODES else "IN_PERSON",
        "visibility": form.get("visibility") if form.get("visibility") in VISIBILITIES else "TRUST",
        "status": form.get("status") if form.get("status") in STATUSES else "DRAFT",
        "externalPricePence": None,
    }
    typed = {**values, "durationMinutes": form.get("durationMinutes", ""), "externalPrice": form.get("externalPrice", "")}
    try:
        values["durationMinutes"] = int(form.get("durationMinutes", "").strip())
    except ValueError:
        errors.add("durationMinutes", "Enter the length in whole minutes, for example 90.")
        values["durationMinutes"] = 60
    price = form.get("externalPrice", "").strip().lstrip("£")
    if price:
        try:
            values["externalPricePence"] = round(float(price.replace(",", "")) * 100)
        except ValueError:
            errors.add("externalPricePence", "Enter a price in pounds, for example 95 or 95.50.")
    return values, typed


def _editor(course: dict, errors: FormErrors | None = None, status: int = 200):
    """The course form: `course` as stored, or as typed (then its price and length are
    the text that was typed)."""
    if "externalPrice" not in course:
        pence = course.get("externalPricePence")
        course = {**course, "externalPrice": "" if pence is None else f"{pence / 100:.2f}",
                  "durationMinutes": course.get("durationMinutes") or ""}
    return render_template("admin/course_form.html", course=course, errors=errors or FormErrors(COURSE_FORM),
                           phases=PHASES, audiences=AUDIENCES, modes=DELIVERY_MODES, visibilities=VISIBILITIES,
                           statuses=STATUSES), status


@bp.route("/admin/courses/new", methods=["GET", "POST"])
def new_course():
    if (refused := _require_admin()) is not None:
        return refused
    if request.method == "GET":
        return _editor({"phases": [], "audiences": [], "status": "DRAFT", "visibility": "TRUST",
                        "deliveryMode": "IN_PERSON", "provider": "Lighthouse Learning"})
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
        return _editor(course)
    return _save(course)


def _save(existing: dict | None):
    errors = FormErrors(COURSE_FORM)
    values, typed = _course_from_form(request.form, errors)
    if existing:
        values["id"] = typed["id"] = existing["id"]
        typed["slug"] = existing["slug"]
    payload = submit(SAVE_COURSE, {"input": values}, errors)
    if payload is None:
        return _editor(typed, errors, 422)
    return redirect(url_for("web.course_page", slug=payload["course"]["slug"], saved=1))


ROLES = ["STAFF", "SCHOOL_LEADER", "NETWORK_LEAD", "SIP", "LL_ADMIN", "EXTERNAL_BOOKER", "GOVERNOR"]
PEOPLE_PAGE = 25
PEOPLE = """query($search: String, $first: Int, $after: String) {
  people(search: $search, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor }
    edges { node { id name email school { name } roles { id role school { name } network { name } } } } }
  schools { id name } networks { id name } }"""


def grant_label(grant: dict) -> str:
    """A role as people say it: "Network lead · Maths network"."""
    scope = (grant.get("school") or {}).get("name") or (grant.get("network") or {}).get("name")
    return label(grant["role"]) + (f" · {scope}" if scope else "")


bp.add_app_template_filter(grant_label, "grant_label")


@bp.route("/admin/people", methods=["GET", "POST"])
def people():
    """Admins find people (a page at a time) and grant or revoke their roles; a
    role is only removed once the admin has confirmed it."""
    if (refused := _require_admin()) is not None:
        return refused
    form = request.form
    search = request.values.get("q", "").strip()
    after = request.values.get("after", "")[:200] or None
    variables = {"search": search or None, "first": PEOPLE_PAGE, "after": after}
    message, confirm, row, status = None, None, None, 200
    errors = FormErrors([])
    if request.method == "POST":
        action, person_id = form.get("action"), form.get("personId", "")[:12]
        if action == "grant":
            row = person_id
            fields = {"role": f"role-{row}", "schoolId": f"school-{row}", "networkId": f"network-{row}"}
            errors = FormErrors(fields.values(), name_of=lambda path: fields.get(path[0]) if path else None)
            payload = submit("""mutation($p: ID!, $r: Role!, $s: ID, $n: ID) { grantRole(personId: $p, role: $r,
                schoolId: $s, networkId: $n) { person { name } userErrors { field message } } }""",
                             {"p": person_id, "r": form.get("role") if form.get("role") in ROLES else "STAFF",
                              "s": form.get("schoolId") or None, "n": form.get("networkId") or None}, errors)
            if payload is not None:
                message = f"Role granted to {payload['person']['name']}."
        elif action == "revoke" and form.get("confirmed") == "yes":
            payload, problems = run("mutation($g: ID!) { revokeRole(grantId: $g) { person { name } "
                                    "userErrors { message } } }", {"g": form.get("grantId", "")[:12]})
            errors.add_problems(problems)
            if not problems:
                message = f"Role removed from {payload['person']['name']}."
        elif action == "revoke":
            confirm = {"grantId": form.get("grantId", "")[:12], "personId": person_id}
        else:
            abort(400)
        status = 422 if errors else 200
    data = execute_here(PEOPLE, variables).get("data") or {}
    found = data.get("people") or {"edges": [], "totalCount": 0, "pageInfo": {"hasNextPage": False}}
    listed = [e["node"] for e in found["edges"]]
    if confirm:  # what is about to be removed, said in words, from the list on show
        for person in listed:
            for grant in person["roles"]:
                if grant["id"] == confirm["grantId"]:
                    confirm.update(person=person, grant=grant)
        if "grant" not in confirm:
            confirm = None
            errors.add(None, "That role has already been removed.")
    return render_template("admin/people.html", people=listed, found=found, schools=data.get("schools") or [],
                           networks=data.get("networks") or [], roles=ROLES, q=search, after=after,
                           message=message, errors=errors, row=row, confirm=confirm, form=form), status


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
    message = request.args.get("message") if request.method == "GET" else None
    errors, status = FormErrors(["attendeeId", "reason"]), 200
    if request.method == "POST":
        if g.get("person") is None:
            return redirect(url_for("auth.sign_in", next=request.path))
        action = request.form.get("action")
        if action in ("book", "book-staff"):
            attendee = request.form.get("attendeeId", "")[:12] or None if action == "book-staff" else None
            payload, problems = run("""mutation($s: ID!, $a: ID, $k: String) { bookSession(sessionId: $s,
                attendeeId: $a, idempotencyKey: $k) { booking { status waitingListPosition attendeeName }
                userErrors { field message } } }""",
                                {"s": session_id[:12], "a": attendee, "k": request.form.get("key", "")[:100] or None})
        elif action == "cancel-session":
            payload, problems = run("""mutation($s: ID!, $r: String!) { cancelSession(sessionId: $s, reason: $r) {
                session { status } userErrors { field message } } }""",
                                    {"s": session_id[:12], "r": request.form.get("reason", "").strip()})
            if not problems:
                return redirect(url_for("web.session_page", session_id=session_id,
                                        message="The session is cancelled and every attendee has been told."))
        elif action in ("cancel", "accept"):
            name = "cancelBooking" if action == "cancel" else "acceptWaitingListOffer"
            payload, problems = run(f"""mutation($b: ID!) {{ {name}(bookingId: $b) {{
                booking {{ status waitingListPosition }} userErrors {{ message }} }} }}""",
                                    {"b": request.form.get("bookingId", "")[:12]})
        else:
            abort(400)
        errors.add_problems(problems)
        if errors:
            status = 409
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
    return render_template("session.html", session=session, message=message, errors=errors, staff=staff,
                           key=uuid.uuid4().hex, staff_key=uuid.uuid4().hex), status


SCHEDULE_SESSION = """mutation($input: SessionInput!) { scheduleSession(input: $input) {
    session { id } userErrors { field message } } }"""
# The session form's fields, in the order they stand on the page.
SESSION_FORM = ["startsAt", "endsAt", "outsideTerm", "venue", "onlineUrl", "capacity", "externalPlaces",
                "requiresApproval", "bookingClosesAt", "cancellationDeadline"]


def _session_form(course: dict, form, errors: FormErrors, editing: bool = False):
    return render_template("admin/session_form.html", course=course, form=form, errors=errors,
                           editing=editing), 422 if errors else 200


@bp.route("/admin/courses/<slug>/sessions/new", methods=["GET", "POST"])
def new_session(slug: str):
    """Admins schedule a date for a course; times are typed in UK time."""
    if (refused := _require_admin()) is not None:
        return refused
    result = execute_here("query($slug: String!) { course(slug: $slug) { id title slug } }", {"slug": slug[:120]})
    course = (result.get("data") or {}).get("course")
    if course is None:
        abort(404)
    errors = FormErrors(SESSION_FORM)
    if request.method == "POST":
        payload = submit(SCHEDULE_SESSION, {"input": _session_from_form(request.form, course["id"], errors)}, errors)
        if payload is not None:
            return redirect(url_for("web.session_page", session_id=payload["session"]["id"],
                                    message="Session scheduled."))
    return _session_form(course, request.form, errors)


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
    errors = FormErrors(SESSION_FORM)
    if request.method == "GET":
        return _session_form(course, _form_from_session(session), errors, editing=True)
    values = _session_from_form(request.form, course["id"], errors)
    values["id"] = str(session_id)
    if submit(SCHEDULE_SESSION, {"input": values}, errors) is not None:
        return redirect(url_for("web.session_page", session_id=session_id, message="Session updated."))
    return _session_form(course, request.form, errors, editing=True)


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


def _local_moment(form, name: str, label: str, errors: FormErrors, example: str, required: bool = True):
    """A date and time typed in UK time, as an aware datetime (None if left out or
    unreadable, which is filed in `errors`)."""
    from datetime import datetime

    from shared.clock import LONDON

    text = form.get(name, "").strip()
    if not text:
        if required:
            errors.add(name, f"Enter the {label}.")
        return None
    try:
        return datetime.fromisoformat(text).replace(tzinfo=LONDON)
    except ValueError:
        errors.add(name, f"Enter the {label} as a date and time, for example {example}.")
        return None


def _start_and_end(starts, ends):
    """Stand-ins for a start or end the page could not read (see forms.submit), an hour
    from the other so that nothing else is refused because of them."""
    from datetime import timedelta

    from shared.clock import utcnow

    starts = starts or (ends - timedelta(hours=1) if ends else utcnow() + timedelta(days=30))
    return starts, ends or starts + timedelta(hours=1)


def _session_from_form(form, course_id: str, errors: FormErrors) -> dict:
    """The SessionInput a form describes; what cannot be read is filed in `errors`."""

    def moment(name, label, required=True):
        return _local_moment(form, name, label, errors, "2027-01-14T15:45", required)

    def number(name: str, label: str, stand_in: int):
        try:
            return int(form.get(name, "").strip())
        except ValueError:
            errors.add(name, f"Enter the {label} as a whole number.")
            return stand_in

    starts, ends = _start_and_end(moment("startsAt", "start"), moment("endsAt", "end"))
    optional = {name: moment(name, label, required=False) for name, label in
                (("bookingClosesAt", "booking close"), ("cancellationDeadline", "cancellation deadline"))}
    return {"courseId": course_id, "startsAt": starts.isoformat(), "endsAt": ends.isoformat(),
            "venue": form.get("venue", "").strip() or None, "onlineUrl": form.get("onlineUrl", "").strip() or None,
            "capacity": number("capacity", "number of places", 5000),
            "externalPlaces": number("externalPlaces", "places for other schools", 0),
            "requiresApproval": form.get("requiresApproval") == "yes",
            "outsideTermConfirmed": form.get("outsideTerm") == "yes",
            **{name: value.isoformat() if value else None for name, value in optional.items()}}


@bp.route("/my-cpd", methods=["GET", "POST"])
def my_cpd():
    """What I have booked, what I have done this year (with certificates), feedback
    to give, and the private address of my calendar feed."""
    from shared.clock import LONDON, utcnow

    if g.get("person") is None:
        return redirect(url_for("auth.sign_in", next=request.path))
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
                           message=message, errors=errors, rated=rated, form=request.form,
                           unavailable=[e["message"] for e in result.get("errors", [])]), status


@bp.route("/sessions/<int:session_id>/register", methods=["GET", "POST"])
def register(session_id: int):
    """The register, for admins and facilitators: a tick for everyone who came.  Made
    for a tablet at the door — big targets, one button."""
    if (refused := _require_admin()) is not None:
        return refused
    message, errors, status = None, FormErrors([]), 200
    if request.method == "POST":
        _, problems = run("""mutation($s: ID!, $ids: [ID!]!) { recordAttendance(sessionId: $s,
            attendedBookingIds: $ids) { session { id } userErrors { message } } }""",
                          {"s": str(session_id), "ids": request.form.getlist("attended")[:5000]})
        errors.add_problems(problems)
        if errors:
            status = 409
        else:
            came = len(request.form.getlist("attended"))
            message = f"Register saved: {came} attended. Certificates and feedback requests are on their way."
    session, problem = _session(str(session_id), with_bookings=True)
    if session is None:
        abort(404 if not problem else 503)
    places = [b for b in session["bookings"] if b["status"] in ("CONFIRMED", "ATTENDED", "NO_SHOW")]
    return render_template("register.html", session=session, places=places, message=message, errors=errors), status


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
    return render_template("approvals.html", bookings=(result.get("data") or {}).get("bookingsAwaitingApproval") or [],
                           message=message, errors=errors, decided=decided, form=request.form), status


@bp.get("/dev/mailbox")
def mailbox():
    """Development only: the messages the embedded default 'sent', newest first — a
    person's own (admins see everyone's).  The messages hold signed one-click links, so
    a visitor sees none of them."""
    import email
    from email import policy
    from email.utils import getaddresses

    settings = current_app.extensions["lighthouse_settings"]
    if not settings.is_development:
        abort(404)
    if g.get("person") is None:
        return redirect(url_for("auth.sign_in", next=request.path))
    everyone = g.identity.is_admin
    folder = settings.mailbox_dir
    files = sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime, reverse=True) if folder.exists() else []
    messages = []
    for path in files:
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        recipients = {address.lower() for _, address in getaddresses(message.get_all("To", []))}
        if not everyone and g.person.email.lower() not in recipients:
            continue
        body = message.get_body(("plain",))
        messages.append({"to": message["To"], "subject": message["Subject"], "date": message["Date"],
                         "body": body.get_content() if body else "",
                         "attachments": [p.get_filename() for p in message.iter_attachments()]})
        if len(messages) == 100:
            break
    return render_template("mailbox.html", messages=messages, everyone=everyone)


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

    # A message from the last change, unless this is a new attempt (whose own outcome shows instead).
    message = request.args.get("message") if request.method == "GET" else None
    errors, status = FormErrors(["email", "role"]), 200
    if request.method == "POST":
        if g.get("person") is None:
            return redirect(url_for("auth.sign_in", next=request.path))
        if request.form.get("action") == "remove":
            _, problems = run("""mutation($n: ID!, $p: ID!) { removeNetworkMember(networkId: $n, personId: $p) {
                network { id } userErrors { message } } }""",
                              {"n": str(network_id), "p": request.form.get("personId", "")[:12]})
            errors.add_problems(problems)
            done = "Member removed."
        else:
            email = request.form.get("email", "").strip().lower()
            person = request_session().exec(select(PersonRow).where(func.lower(PersonRow.email) == email)).first() \
                if email else None
            role = request.form.get("role") if request.form.get("role") in ("LEAD", "MEMBER", "GUEST") else "MEMBER"
            if not email:
                errors.add("email", "Enter the email address of the person to add.")
            elif person is None:
                errors.add("email", f"Nobody with the email {email} has signed in yet; check the address.")
            else:
                submit("""mutation($n: ID!, $p: ID!, $r: MembershipRole!) { addNetworkMember(networkId: $n,
                    personId: $p, role: $r) { network { id } userErrors { field message } } }""",
                       {"n": str(network_id), "p": str(person.id), "r": role}, errors)
                done = f"{person.name} added."
        if not errors:
            return redirect(url_for("web.network_page", network_id=network_id, message=done))
        status = 409
    from shared.clock import LONDON, academic_year_of, utcnow

    year = academic_year_of(utcnow().astimezone(LONDON).date())
    result = execute_here("""query($id: ID!, $y: String) { network(id: $id) { id name subject meetingsPerYear
        leads { id name school { name } } members { role joinedAt person { id name } school { id name } }
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
    return render_template("network.html", network=network, may_change=may_change, message=message, errors=errors,
                           form=request.form, roles=["MEMBER", "LEAD", "GUEST"], year=year,
                           attendance=_attendance_by_school(network)), status


def _attendance_by_school(network: dict) -> list[dict]:
    """For each school in the network: meetings held this year that somebody from it
    attended, out of those it could have (held since it joined, or that it came to
    anyway) — so a school that missed two stands out, and one that joined today does not."""
    from datetime import datetime

    held = [m for m in network.get("meetings") or [] if m["status"] == "HELD"]
    joined: dict[str, datetime] = {}
    names: dict[str, str] = {}
    for member in network.get("members") or []:
        if member["school"]:
            school_id, since = member["school"]["id"], datetime.fromisoformat(member["joinedAt"])
            names[school_id] = member["school"]["name"]
            joined[school_id] = min(since, joined.get(school_id, since))
    rows = []
    for school_id, name in sorted(names.items(), key=lambda kv: kv[1]):
        came = open_to = 0
        for m in held:
            attended = any((p["school"] or {}).get("id") == school_id for p in m["attendees"])
            if attended or datetime.fromisoformat(m["startsAt"]) >= joined[school_id]:
                open_to += 1
                came += attended
        rows.append({"name": name, "attended": came, "held": open_to, "missed": open_to - came})
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
    form, errors = (request.form if request.method == "POST" else request.args), FormErrors(MEETING_FORM)
    if request.method == "POST":
        payload = submit("""mutation($input: MeetingInput!) { scheduleMeeting(input: $input) {
            meeting { id } userErrors { field message } } }""", {"input": _meeting_from_form(form, network_id, errors)},
                         errors)
        if payload is not None:
            return redirect(url_for("web.meeting_page", meeting_id=payload["meeting"]["id"],
                                    message="Meeting scheduled; every member has been invited."))
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
    proposals = None
    errors = FormErrors(PLAN_FORM, name_of=lambda path: PLAN_FIELDS.get(str(path[-1])) if path else None)
    if request.method == "POST":
        def whole(name: str, stand_in: int, message: str) -> int:
            try:
                return int(request.form.get(name, "").strip())
            except ValueError:
                errors.add(name, message)
                return stand_in

        weekdays = [int(d) for d in request.form.getlist("weekday") if d in ("1", "2", "3", "4", "5")]
        if not weekdays:
            errors.add("weekday", "Choose at least one day of the week.")
            weekdays = [3]
        pattern = {"weekdays": weekdays, "startTime": request.form.get("startTime", "").strip(),
                   "durationMinutes": whole("duration", 90, "Enter the length in whole minutes, for example 90."),
                   "perTerm": whole("perTerm", 1, "Enter how many meetings a term as a whole number, for example 1.")}
        payload = submit("""mutation($n: ID!, $y: String!, $p: MeetingPatternInput!) {
            proposeMeetings(networkId: $n, academicYear: $y, pattern: $p) { proposals { term startsAt endsAt
            clashes { person { name } with } } userErrors { field message } } }""",
                         {"n": str(network_id), "y": request.form.get("year", "")[:7], "p": pattern}, errors)
        if payload is not None:
            proposals = payload["proposals"]
            for x in proposals:
                x["local_start"] = datetime.fromisoformat(x["startsAt"]).astimezone(LONDON).strftime("%Y-%m-%dT%H:%M")
                x["local_end"] = datetime.fromisoformat(x["endsAt"]).astimezone(LONDON).strftime("%Y-%m-%dT%H:%M")
                x["clash_groups"] = _clashes_by_what(x["clashes"])
    return render_template("plan.html", network=network, years=years, form=form, proposals=proposals,
                           errors=errors, weekdays=["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]), \
        422 if errors else 200


# The plan form's fields, and the names the API gives them.
PLAN_FORM = ["year", "weekday", "startTime", "duration", "perTerm"]
PLAN_FIELDS = {"academicYear": "year", "weekdays": "weekday", "startTime": "startTime",
               "durationMinutes": "duration", "perTerm": "perTerm"}


def _clashes_by_what(clashes: list[dict]) -> list[dict]:
    """A proposal's clashes, one line per meeting or course with everyone it holds
    ("Maths network: Autumn meeting — Tara, Theo")."""
    groups: dict[str, list[str]] = {}
    for clash in clashes:
        groups.setdefault(clash["with"], []).append(clash["person"]["name"])
    return [{"with": what, "people": names} for what, names in groups.items()]


# The meeting form's fields, in the order they stand on the page.
MEETING_FORM = ["title", "startsAt", "endsAt", "venue", "onlineUrl", "agenda", "outsideTerm"]


def _meeting_from_form(form, network_id: int, errors: FormErrors) -> dict:
    """The MeetingInput a form describes; what cannot be read is filed in `errors`."""

    def moment(name, label):
        return _local_moment(form, name, label, errors, "2027-01-20T16:00")

    title = form.get("title", "").strip()
    if not title:
        errors.add("title", "Give the meeting a title.")
        title = "Meeting"  # a stand-in: the rest is still checked (forms.submit)
    starts, ends = _start_and_end(moment("startsAt", "start"), moment("endsAt", "end"))
    agenda = [{"title": line.strip()} for line in form.get("agenda", "").splitlines() if line.strip()]
    return {"networkId": str(network_id), "title": title, "startsAt": starts.isoformat(), "endsAt": ends.isoformat(),
            "venue": form.get("venue", "").strip() or None, "onlineUrl": form.get("onlineUrl", "").strip() or None,
            "agenda": agenda, "outsideTermConfirmed": form.get("outsideTerm") == "yes"}


MEETING = """query($id: ID!) { meeting(id: $id) { id title term startsAt endsAt venue onlineUrl status minutes myRsvp
  icsUrl network { id name members { person { id name } } }
  agenda { title minutes presenter } rsvps { person { name } response } attendees { id name }
  actions { id description dueOn done owner { id name } } } }"""


@bp.route("/meetings/<int:meeting_id>", methods=["GET", "POST"])
def meeting_page(meeting_id: int):
    """A meeting: agenda, answers, and afterwards the minutes and actions."""
    if g.get("person") is None:
        return redirect(url_for("auth.sign_in", next=request.path))
    message = request.args.get("message") if request.method == "GET" else None
    errors, status = FormErrors([]), 200
    if request.method == "POST":
        action = request.form.get("action")
        if action == "rsvp":
            _, problems = run("""mutation($m: ID!, $r: RsvpResponse!) { rsvp(meetingId: $m, response: $r) {
                meeting { myRsvp } userErrors { message } } }""",
                              {"m": str(meeting_id), "r": request.form.get("response", "")[:5]})
            errors.add_problems(problems)
            done = "Thank you — your answer is recorded."
        elif action == "cancel":
            _, problems = run("""mutation($m: ID!) { cancelMeeting(meetingId: $m) { meeting { status }
                userErrors { message } } }""", {"m": str(meeting_id)})
            errors.add_problems(problems)
            done = "Meeting cancelled; members told."
        elif action == "complete":
            _, problems = run("""mutation($a: ID!) { completeAction(actionId: $a) { action { done }
                userErrors { message } } }""", {"a": request.form.get("actionId", "")[:12]})
            errors.add_problems(problems)
            done = "Action marked done."
        elif action == "minutes":
            errors = _minutes(meeting_id, request.form)
            done = "Minutes saved."
        else:
            abort(400)
        if not errors:
            return redirect(url_for("web.meeting_page", meeting_id=meeting_id, message=done))
        status = 409
    result = execute_here(MEETING, {"id": str(meeting_id)})
    meeting = (result.get("data") or {}).get("meeting")
    if meeting is None:
        if result.get("errors"):
            return render_template("error.html", title="Networks unavailable",
                                   message=result["errors"][0]["message"]), 503
        abort(404)
    network_id = int(meeting["network"]["id"])
    may_change = g.identity.is_admin or network_id in g.identity.networks_for("network_lead")
    return render_template("meeting.html", meeting=meeting, may_change=may_change, message=message, errors=errors,
                           form=request.form, me=str(g.person.id)), status


# The minutes form: up to three new actions, each a what, a who and a when.
NEW_ACTIONS = 3
ACTION_FIELDS = {"description": "action", "ownerId": "owner", "dueOn": "due"}


def _minutes(meeting_id: int, form) -> FormErrors:
    """Record a meeting's minutes from its form; what went wrong, by field."""
    from datetime import date

    written = [i for i in range(NEW_ACTIONS) if form.get(f"action{i}", "").strip()]

    def field_of(path):  # ["actions", 1, "dueOn"] is the second action written, wherever it stood
        if len(path) >= 3 and path[0] == "actions" and str(path[1]).isdigit() and int(path[1]) < len(written):
            return f"{ACTION_FIELDS.get(str(path[2]), 'action')}{written[int(path[1])]}"
        return str(path[0]) if path else None

    errors = FormErrors(["minutes", *(f"{kind}{i}" for i in range(NEW_ACTIONS) for kind in ACTION_FIELDS.values())],
                        name_of=field_of)
    actions = []
    for i in written:
        due = form.get(f"due{i}", "").strip()
        try:
            due = date.fromisoformat(due).isoformat() if due else None
        except ValueError:
            errors.add(f"due{i}", "Enter the date it is due as, for example, 2027-02-05.")
            due = None
        actions.append({"description": form[f"action{i}"].strip(), "ownerId": form.get(f"owner{i}", "")[:12],
                        "dueOn": due})
    submit("""mutation($input: MinutesInput!) { recordMinutes(input: $input) { meeting { status }
        userErrors { field message } } }""", {"input": {"meetingId": str(meeting_id), "minutes": form.get("minutes", ""),
                                                        "attendeeIds": form.getlist("attended")[:500],
                                                        "actions": actions}}, errors)
    return errors


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


TERMS = ("AUTUMN", "SPRING", "SUMMER")
TERM_DATES = {"startsOn": "starts", "endsOn": "ends", "halfTermStartsOn": "breaks for half term",
              "halfTermEndsOn": "comes back from half term"}


def _term_field(path) -> str | None:
    """`["terms", "1", "startsOn"]` (the API's) → "SPRING-startsOn" (the form's)."""
    if len(path) >= 3 and path[0] == "terms" and str(path[1]).isdigit() and int(path[1]) < len(TERMS):
        return f"{TERMS[int(path[1])]}-{'inset' if path[2] == 'closures' else path[2]}"
    return None


@bp.route("/admin/academic-years/<label>", methods=["GET", "POST"])
def academic_year_page(label: str):
    """Admins check and correct a year's term dates; meetings are planned inside them."""
    import re
    from datetime import date

    if (refused := _require_admin()) is not None:
        return refused
    if not re.fullmatch(r"\d{4}-\d{2}", label):
        abort(404)
    message = request.args.get("message") if request.method == "GET" else None
    errors = FormErrors([f"{name}-{key}" for name in TERMS for key in (*TERM_DATES, "inset")],
                        name_of=_term_field)
    status = 200
    if request.method == "POST":
        terms = []
        for name in TERMS:
            term = {"name": name}
            for key, words in TERM_DATES.items():
                try:
                    term[key] = date.fromisoformat(request.form.get(f"{name}-{key}", "").strip()).isoformat()
                except ValueError:
                    errors.add(f"{name}-{key}", f"{name.capitalize()} term: enter the date it {words} as, "
                                                "for example, 2027-01-04.")
            try:
                term["insetDays"] = [date.fromisoformat(d.strip()).isoformat()
                                     for d in request.form.get(f"{name}-inset", "").split(",") if d.strip()]
            except ValueError:
                errors.add(f"{name}-inset", f"{name.capitalize()} term: enter the INSET days as dates separated "
                                            "by commas, for example 2027-01-04, 2027-02-22.")
            terms.append(term)
        # Every date must be read before the calendar can be checked as a whole.
        if not errors and submit("""mutation($l: String!, $t: [TermInput!]!) { saveAcademicYear(label: $l,
                terms: $t) { academicYear { label } userErrors { field message } } }""",
                                 {"l": label, "t": terms}, errors) is not None:
            return redirect(url_for("web.academic_year_page", label=label, message="Calendar saved."))
        status = 422
    result = execute_here("""query($l: String!) { academicYear(label: $l) { label terms { name startsOn endsOn
        halfTermStartsOn halfTermEndsOn closureDetails { on kind note } } } }""", {"l": label})
    year = (result.get("data") or {}).get("academicYear")
    raw = {t["name"]: t for t in (year or {}).get("terms", [])}
    if errors:  # show what was typed, not what is stored, so nothing typed is lost
        for name in TERMS:
            kept = raw.get(name, {}).get("closureDetails", [])
            raw[name] = {k: request.form.get(f"{name}-{k}", "") for k in
                         ("startsOn", "endsOn", "halfTermStartsOn", "halfTermEndsOn")}
            raw[name]["closureDetails"] = [c for c in kept if c["kind"] == "BANK_HOLIDAY"]
            raw[name]["insetText"] = request.form.get(f"{name}-inset", "")
    return render_template("academic_year.html", label=label, year=year, raw=raw, message=message,
                           errors=errors), status
