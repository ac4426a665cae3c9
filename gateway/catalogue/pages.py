"""The catalogue's pages: the course list with its filters, a course with its dates,
and the admins' course form."""
from __future__ import annotations

from flask import Blueprint, abort, g, redirect, render_template, request, url_for

from gateway.graph.view import execute_here
from gateway.web.filters import PHASES
from gateway.web.forms import FormErrors, submit
from gateway.web.pages import admins_only, found

bp = Blueprint("catalogue", __name__, template_folder="templates")

AUDIENCES = ["TEACHER", "LEARNING_PARTNER", "SUPPORT_STAFF", "SUBJECT_LEAD", "HEADTEACHER", "ECT", "GOVERNOR", "SUPPLY"]
DELIVERY_MODES = ["IN_PERSON", "ONLINE", "HYBRID"]
VISIBILITIES = ["TRUST", "PUBLIC"]
STATUSES = ["DRAFT", "PUBLISHED", "ARCHIVED"]

COURSE_FIELDS = """
  id slug title summary description subject phases audiences provider deliveryMode
  durationMinutes visibility status externalPricePence updatedAt
"""


# What a card says of a course's dates: the bookings service answers them for every
# course on the page in one call (Course.sessions is read through a batch loader).
CARD_SESSIONS = "sessions { id startsAt venue status placesLeft externalPlacesLeft waitingListLength }"
COURSE_SESSIONS = """sessions { id startsAt endsAt venue status placesLeft externalPlacesLeft waitingListLength
  myBooking { status waitingListPosition offerExpiresAt } }"""

CATALOGUE_WITHOUT_DATES = """query Catalogue($search: String, $subject: String, $phase: Phase, $audience: Audience,
                         $deliveryMode: DeliveryMode, $after: String) {
  courses(search: $search, subject: $subject, phase: $phase, audience: $audience,
          deliveryMode: $deliveryMode, first: 20, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id slug title summary subject phases deliveryMode durationMinutes visibility status
                   externalPricePence } }
  }
  courseSubjects
}"""
CATALOGUE = CATALOGUE_WITHOUT_DATES.replace("externalPricePence }", f"externalPricePence {CARD_SESSIONS} }}")


def outsider() -> bool:
    """Whether the viewer is outside the trust (a visitor, an external booker): they
    see the price and the places sold to other schools, never the trust's own."""
    return not g.identity.is_trust_member


def places(session: dict, outside: bool) -> int:
    """The places left that the viewer could book: the trust's for its staff, those
    set aside for other schools for everyone else."""
    return session["externalPlacesLeft"] if outside else session["placesLeft"]


def _next_date(course: dict) -> dict | None:
    """The first session still going ahead (the list comes soonest first)."""
    return next((s for s in course.get("sessions") or () if s["status"] == "SCHEDULED"), None)


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
    result = execute_here(CATALOGUE, variables)
    dates_error = None
    if result.get("errors") and not (result.get("data") or {}).get("courses"):
        # The dates come from the bookings service: when it cannot answer, the courses
        # still show, without them (one more call, only then).
        dates_error = result["errors"][0]["message"]
        result = execute_here(CATALOGUE_WITHOUT_DATES, variables)
    data = result.get("data") or {}
    errors = [e["message"] for e in result.get("errors", [])]
    courses = data.get("courses")
    cards = [{**edge["node"], "next": _next_date(edge["node"])} for edge in courses["edges"]] if courses else []
    chosen = sum(1 for key in ("subject", "phase", "audience", "deliveryMode") if variables[key])
    return render_template(
        "catalogue/catalogue.html", courses=courses, cards=cards, subjects=data.get("courseSubjects") or [],
        errors=errors, dates_error=None if errors else dates_error, filters=variables, chosen=chosen,
        q=args.get("q", ""), phases=PHASES, audiences=AUDIENCES, modes=DELIVERY_MODES, outside=outsider(),
        places=places,
    )


@bp.get("/courses/<slug>")
def course_page(slug: str):
    course = found(execute_here(f"query Course($slug: String!) {{ course(slug: $slug) {{ {COURSE_FIELDS} }} }}",
                                {"slug": slug[:120]}), "course", "Catalogue unavailable")
    # Dates come from the bookings service; if it is down the course still shows.  Each
    # date's own booking is the signed-in person's, read for every date in one call.
    dates = execute_here(f"""query($slug: String!) {{ course(slug: $slug) {{ {COURSE_SESSIONS} }} }}""",
                         {"slug": slug[:120]})
    sessions = ((dates.get("data") or {}).get("course") or {}).get("sessions")
    sessions_error = dates["errors"][0]["message"] if dates.get("errors") else None
    # The course's videos (the catalogue's library): a query of their own, so that the
    # course still shows if they cannot be read.
    watch = execute_here("""query($slug: String!) { course(slug: $slug) { videos { id title durationSeconds
                              posterUrl myProgressSeconds myMinutesCounted } } }""", {"slug": slug[:120]})
    videos = ((watch.get("data") or {}).get("course") or {}).get("videos") or []
    feedback = None
    if g.identity.is_admin:
        answer = execute_here("""query($slug: String!) { course(slug: $slug) { feedback { count average
                                   comments { rating comment sessionStartsAt } } } }""", {"slug": slug[:120]})
        feedback = ((answer.get("data") or {}).get("course") or {}).get("feedback")
    return render_template("catalogue/course.html", course=course, sessions=sessions or [],
                           sessions_error=sessions_error, feedback=feedback, outside=outsider(), places=places,
                           videos=videos)


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
    return render_template("catalogue/course_form.html", course=course, errors=errors or FormErrors(COURSE_FORM),
                           phases=PHASES, audiences=AUDIENCES, modes=DELIVERY_MODES, visibilities=VISIBILITIES,
                           statuses=STATUSES), status


@bp.route("/admin/courses/new", methods=["GET", "POST"])
def new_course():
    if (refused := admins_only()) is not None:
        return refused
    if request.method == "GET":
        return _editor({"phases": [], "audiences": [], "status": "DRAFT", "visibility": "TRUST",
                        "deliveryMode": "IN_PERSON", "provider": "Lighthouse Learning"})
    return _save(None)


@bp.route("/admin/courses/<slug>/edit", methods=["GET", "POST"])
def edit_course(slug: str):
    if (refused := admins_only()) is not None:
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
    return redirect(url_for("catalogue.course_page", slug=payload["course"]["slug"], saved=1))
