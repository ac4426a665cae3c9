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


@bp.app_template_filter("label")
def label(value: str | None) -> str:
    """KS2 stays KS2; IN_PERSON becomes In person."""
    if not value:
        return ""
    if value in PHASES or value in ("ECT", "SIP"):
        return value
    return value.replace("_", " ").capitalize()


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
    return render_template("course.html", course=course, sessions=sessions or [], sessions_error=sessions_error)


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
    result = execute_here(SAVE_COURSE, {"input": values})
    if result.get("errors"):
        return _editor(shown, {"_": result["errors"][0]["message"]}, 422)
    payload = result["data"]["saveCourse"]
    if payload["userErrors"]:
        field_errors = {}
        for err in payload["userErrors"]:
            key = (err.get("field") or ["_"])[0]
            field_errors.setdefault(key, err["message"])
        return _editor(shown, field_errors, 422)
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
            result = execute_here("mutation($g: ID!) { revokeRole(grantId: $g) { userErrors { message } } }",
                                  {"g": form.get("grantId", "")})
            payload = (result.get("data") or {}).get("revokeRole") or {}
        else:
            role = form.get("role") if form.get("role") in ROLES else "STAFF"
            result = execute_here(
                """mutation($p: ID!, $r: Role!, $s: ID, $n: ID) { grantRole(personId: $p, role: $r, schoolId: $s,
                   networkId: $n) { userErrors { message } } }""",
                {"p": form.get("personId", ""), "r": role, "s": form.get("schoolId") or None,
                 "n": form.get("networkId") or None})
            payload = (result.get("data") or {}).get("grantRole") or {}
        errors = payload.get("userErrors") or result.get("errors") or []
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

SESSION_FIELDS = """id startsAt endsAt venue onlineUrl capacity placesLeft requiresApproval bookingClosesAt
  cancellationDeadline status waitingListLength course { title slug subject durationMinutes }
  myBooking { id status waitingListPosition offerExpiresAt }"""


@bp.app_template_filter("when")
def when(value: str | None) -> str:
    """An ISO time shown in Europe/London, as people in the trust read it."""
    from datetime import datetime

    from shared.clock import LONDON

    if not value:
        return ""
    moment = datetime.fromisoformat(value).astimezone(LONDON)
    return moment.strftime("%a %-d %b %Y, %H:%M")


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


bp.add_app_template_filter(ordinal, "ordinal")


@bp.get("/sessions")
def sessions_list():
    result = execute_here(f"""query($after: String) {{ sessions(first: 50, after: $after) {{
        totalCount pageInfo {{ hasNextPage endCursor }} edges {{ node {{ {SESSION_FIELDS} }} }} }} }}""",
                          {"after": request.args.get("after", "")[:200] or None})
    data = result.get("data") or {}
    return render_template("sessions.html", sessions=data.get("sessions"),
                           errors=[e["message"] for e in result.get("errors", [])])


def _session(session_id: str):
    result = execute_here(f"query($id: ID!) {{ session(id: $id) {{ {SESSION_FIELDS} }} }}", {"id": session_id[:12]})
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
        if action == "book":
            result = execute_here("""mutation($s: ID!, $k: String) { bookSession(sessionId: $s, idempotencyKey: $k) {
                booking { status waitingListPosition } userErrors { message } } }""",
                                  {"s": session_id[:12], "k": request.form.get("key", "")[:100] or None})
            payload = (result.get("data") or {}).get("bookSession") or {}
        elif action == "cancel-session":
            result = execute_here("""mutation($s: ID!, $r: String!) { cancelSession(sessionId: $s, reason: $r) {
                session { status } userErrors { message } } }""",
                                  {"s": session_id[:12], "r": request.form.get("reason", "").strip()[:500]})
            payload = (result.get("data") or {}).get("cancelSession") or {}
            problems = payload.get("userErrors") or result.get("errors") or []
            if not problems:
                return redirect(url_for("web.session_page", session_id=session_id,
                                        message="The session is cancelled and every attendee has been told."))
            payload = {"userErrors": problems}
        elif action in ("cancel", "accept"):
            name = "cancelBooking" if action == "cancel" else "acceptWaitingListOffer"
            result = execute_here(f"""mutation($b: ID!) {{ {name}(bookingId: $b) {{
                booking {{ status waitingListPosition }} userErrors {{ message }} }} }}""",
                                  {"b": request.form.get("bookingId", "")[:12]})
            payload = (result.get("data") or {}).get(name) or {}
        else:
            abort(400)
        errors = payload.get("userErrors") or result.get("errors") or []
        if errors:
            error, status = errors[0]["message"], 409
        else:
            booking = payload["booking"]
            message = {
                "CONFIRMED": "You are booked. A confirmation is on its way.",
                "PENDING_APPROVAL": "Your place is held until your school leader approves it.",
                "WAITLISTED": f"This session is full — you are {ordinal(booking['waitingListPosition'] or 1)} "
                              "on the waiting list. We will email you if a place comes up.",
                "CANCELLED": "Your booking is cancelled.",
            }.get(booking["status"], "Done.")
            return redirect(url_for("web.session_page", session_id=session_id, message=message))
    session, problem = _session(session_id)
    if session is None:
        if problem:
            return render_template("error.html", title="Sessions unavailable", message=problem), 503
        abort(404)
    import uuid

    return render_template("session.html", session=session, message=message, error=error,
                           key=uuid.uuid4().hex), status


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
            saved = execute_here("""mutation($input: SessionInput!) { scheduleSession(input: $input) {
                session { id } userErrors { field message } } }""", {"input": values})
            payload = (saved.get("data") or {}).get("scheduleSession") or {}
            problems = payload.get("userErrors") or saved.get("errors") or []
            if not problems:
                return redirect(url_for("web.session_page", session_id=payload["session"]["id"],
                                        message="Session scheduled."))
            for p in problems:
                errors.setdefault((p.get("field") or ["_"])[0] if p.get("field") else "_", p["message"])
    return render_template("admin/session_form.html", course=course, form=form, errors=errors), 422 if errors else 200


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


@bp.get("/my-cpd")
def my_cpd():
    if g.get("person") is None:
        return redirect(url_for("auth.sign_in", next=request.path))
    result = execute_here("""{ myBookings(upcoming: true) { id status waitingListPosition offerExpiresAt
        session { id startsAt venue course { title } } } }""")
    return render_template("my_cpd.html", bookings=(result.get("data") or {}).get("myBookings") or [],
                           errors=[e["message"] for e in result.get("errors", [])])


@bp.route("/approvals", methods=["GET", "POST"])
def approvals():
    """School leaders approve or decline their staff's bookings that need cover."""
    if g.get("person") is None:
        return redirect(url_for("auth.sign_in", next=request.path))
    message, error, status = None, None, 200
    if request.method == "POST":
        approve = request.form.get("decision") == "approve"
        result = execute_here("""mutation($b: ID!, $ok: Boolean!, $n: String) {
            decideBooking(bookingId: $b, approve: $ok, note: $n) { booking { attendeeName status }
            userErrors { message } } }""", {"b": request.form.get("bookingId", "")[:12], "ok": approve,
                                              "n": request.form.get("note", "").strip()[:500] or None})
        payload = (result.get("data") or {}).get("decideBooking") or {}
        problems = payload.get("userErrors") or result.get("errors") or []
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
