"""Admins make and change programmes.  Without JavaScript a choice cannot redraw the
form, so it comes in two steps on one page: the course and the network (a GET form),
then — with that course's sessions and that network's meetings to tick — the rest."""
from __future__ import annotations

from flask import redirect, render_template, request, url_for

from gateway.cascade.pages import bp
from gateway.graph.ids import parse_id
from gateway.graph.view import execute_here
from gateway.web.forms import FormErrors, submit
from gateway.web.pages import admins_only, found

FIELDS = ["title", "sourceCourseId", "sourceSessionIds", "networkId", "followUpMeetingIds", "scope", "phase",
          "schoolIds"]
SCOPES = {"ALL": "Every school", "PHASE": "The schools of one phase", "LIST": "Chosen schools"}
PHASES = ("PRIMARY", "SECONDARY", "ALL_THROUGH")
CHOICES = """{ networks { id name } schools { id name phase } }"""
# Every course, a page at a time: a trust's catalogue outgrows any one page, and a
# programme may start from the oldest course in it.
COURSES = """query($after: String, $first: Int!) { courses(first: $first, after: $after) {
  pageInfo { hasNextPage endCursor } edges { node { id title slug status } } } }"""
COURSES_PAGE = 100
SAVE = """mutation($input: ProgrammeInput!) { saveProgramme(input: $input) { programme { id title }
  userErrors { field message } } }"""
CURRENT = """query($id: ID!) { programme(id: $id) { id title scope phase sourceCourse { id } sourceSessions { id }
  network { id } followUpMeetings { id } schools { id } } }"""


def _options(course_id: int | None, network_id: int | None) -> dict:
    """What the form offers: courses, networks and schools; the chosen course's sessions
    (held ones too: a cascade starts from them) and the chosen network's meetings."""
    choices = execute_here(CHOICES).get("data") or {}
    courses = sorted((c for c in _all_courses() if c["status"] != "ARCHIVED"), key=lambda c: c["title"].lower())
    course = next((c for c in courses if parse_id(c["id"]) == course_id), None)
    sessions = meetings = []
    if course:
        sessions = found(execute_here("query($s: String!) { course(slug: $s) { sessions(upcoming: false) { id startsAt "
                                      "venue } } }", {"s": course["slug"]}), "course", "Courses unavailable")["sessions"]
    network = next((n for n in choices["networks"] if parse_id(n["id"]) == network_id), None)
    if network:
        meetings = found(execute_here("query($n: ID!) { network(id: $n) { meetings { id title startsAt status } } }",
                                      {"n": network["id"]}), "network", "Networks unavailable")["meetings"]
    return {"courses": courses, "course": course, "networks": choices["networks"], "network": network,
            "sessions": sessions, "meetings": meetings, "schools": choices["schools"]}


def _all_courses() -> list[dict]:
    courses, after = [], None
    while True:
        page = found(execute_here(COURSES, {"after": after, "first": COURSES_PAGE}), "courses", "Courses unavailable")
        courses += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return courses
        after = page["pageInfo"]["endCursor"]


def _form(programme_id: int | None):
    if (refused := admins_only()) is not None:
        return refused
    current = found(execute_here(CURRENT, {"id": str(programme_id)}), "programme", "Programmes unavailable") \
        if programme_id else None
    course_id = parse_id(request.values.get("course", "")) or (parse_id(current["sourceCourse"]["id"]) if current
                                                                else None)
    network_id = parse_id(request.values.get("network", "")) if "network" in request.values else (
        parse_id(current["network"]["id"]) if current and current["network"] else None)
    errors, status = FormErrors(FIELDS), 200
    chosen = _chosen(current)
    if request.method == "POST":
        chosen = {"title": request.form.get("title", ""), "scope": request.form.get("scope", "LIST"),
                  "phase": request.form.get("phase") or None,
                  **{k: request.form.getlist(k) for k in ("sourceSessionIds", "followUpMeetingIds", "schoolIds")}}
        if chosen["scope"] not in SCOPES:
            errors.add("scope", "Choose which schools take part.")
        if chosen["phase"] is not None and chosen["phase"] not in PHASES:
            errors.add("phase", "Choose the phase whose schools take part.")
        values = {**chosen, "id": str(programme_id) if programme_id else None, "sourceCourseId": str(course_id or ""),
                  "networkId": str(network_id) if network_id else None,
                  "schoolIds": chosen["schoolIds"] if chosen["scope"] == "LIST" else [],
                  "scope": chosen["scope"] if chosen["scope"] in SCOPES else "LIST",
                  "phase": chosen["phase"] if chosen["scope"] == "PHASE" and chosen["phase"] in PHASES else None}
        if (done := submit(SAVE, {"input": values}, errors)) is not None:
            saved = done["programme"]
            return redirect(url_for("cascade.programme_page", programme_id=saved["id"],
                                    message=f"{saved['title']} saved."))
        status = 422
    return render_template("cascade/programme_form.html", programme=current, chosen=chosen, errors=errors,
                           scopes=SCOPES, phases=PHASES, **_options(course_id, network_id)), status


def _chosen(current: dict | None) -> dict:
    """The form's values: the programme as it is, or nothing chosen yet."""
    if current is None:
        return {"title": request.args.get("title", ""), "scope": "LIST", "phase": None, "sourceSessionIds": [],
                "followUpMeetingIds": [], "schoolIds": []}
    return {"title": current["title"], "scope": current["scope"], "phase": current["phase"],
            "sourceSessionIds": [s["id"] for s in current["sourceSessions"]],
            "followUpMeetingIds": [m["id"] for m in current["followUpMeetings"]],
            "schoolIds": [s["id"] for s in current["schools"]]}


@bp.route("/admin/programmes/new", methods=["GET", "POST"])
def new_programme():
    return _form(None)


@bp.route("/admin/programmes/<int:programme_id>/edit", methods=["GET", "POST"])
def edit_programme(programme_id: int):
    return _form(programme_id)
