"""A school's sprint in a programme: its leader plans it (sessions on school days,
fewer and longer for a small school, or joining a partner's) and records each session
held and how many staff came; the central team takes on the sessions flagged for
them and reaches each session's QA note from here.  Every form shows all its
problems at once, beside their fields (gateway/web/forms.py)."""
from __future__ import annotations

from datetime import datetime

from flask import abort, g, render_template, request

from gateway.cascade.pages import bp
from gateway.graph.ids import parse_id
from gateway.graph.view import execute_here
from gateway.web.forms import FormErrors, done, said, submit
from gateway.web.pages import found, local_moment, sign_in_first
from shared.clock import LONDON, utcnow

BLANK_ROWS = 2  # empty rows offered below the sessions planned: a sprint grows a row or two at a time
MAX_ROWS = 20  # the catalogue's most sessions in one sprint

PAGE = """query($p: ID!, $s: ID!) {
  programme(id: $p) { id title schools { id name }
    sprints { id status leadName lead { id } school { id name } partnerSchools { id name }
      sessions { id sequence topic scheduledAt durationMinutes status staffAttending flaggedForCentral
        centralAttendee { id name } qaNote { id judgement } } } }
  school(id: $s) { id name staff { id name jobTitle } } }"""
PLAN = """mutation($input: SprintInput!) { planSprint(input: $input) { sprint { id } userErrors { field message } } }"""
RECORD = """mutation($input: SprintSessionInput!) { recordSprintSession(input: $input) { sprint { id }
  userErrors { field message } } }"""
TAKE_ON = """mutation($s: ID!) { takeOnSprintSession(sprintSessionId: $s) { sprint { id } userErrors { message } } }"""
GIVE_UP = """mutation($s: ID!) { giveUpSprintSession(sprintSessionId: $s) { sprint { id } userErrors { message } } }"""


def _field(rows: list[int]):
    """A problem's field path as the plan form names its fields: the API's
    ["sessions", "1", "scheduledAt"] is the second row sent, whichever row that was."""
    names = {"scheduledAt": "when", "topic": "topic", "durationMinutes": "minutes", "id": "topic"}

    def name_of(path) -> str | None:
        if not path:
            return None
        if path[0] == "sessions" and len(path) >= 3 and str(path[1]).isdigit() and int(path[1]) < len(rows):
            return f"session-{rows[int(path[1])]}-{names.get(path[2], 'topic')}"
        return {"leadId": "lead", "partnerSchoolIds": "partners", "sessions": "sessions"}.get(path[0])
    return name_of


def _plan(programme_id: int, school_id: int, form) -> tuple[FormErrors, bool]:
    """The plan form sent: every row with a topic or a time is a session."""
    count = min(int(form.get("rows", "0") or 0) if form.get("rows", "").isdigit() else 0, MAX_ROWS + BLANK_ROWS)
    rows, sessions = [], []
    fields = ["lead", "partners", "sessions"] + [f"session-{i}-{f}" for i in range(count)
                                                 for f in ("topic", "when", "minutes")]
    errors = FormErrors(fields, name_of=_field(rows))
    for i in range(count):
        topic = form.get(f"session-{i}-topic", "").strip()
        if not topic and not form.get(f"session-{i}-when", "").strip():
            continue  # a row left empty
        when = local_moment(form, f"session-{i}-when", f"date and time of session {len(rows) + 1}", errors,
                            "2027-01-14T15:45") or utcnow()
        minutes = form.get(f"session-{i}-minutes", "").strip()
        if minutes and not minutes.isdigit():
            errors.add(f"session-{i}-minutes", "Enter the length in minutes as a whole number, such as 90.")
        rows.append(i)
        sessions.append({"id": form.get(f"session-{i}-id") or None, "topic": topic, "scheduledAt": when.isoformat(),
                         "durationMinutes": int(minutes) if minutes.isdigit() else None})
    if not rows:
        errors.add("sessions", "Plan at least one session: its topic and when it is.")
        return errors, False
    lead = form.get("lead", "")[:12]
    if not lead:  # a stand-in, so that the rest is still checked (forms.submit)
        errors.add("lead", "Choose who leads the sprint.")
        lead = str(g.identity.person_id)
    variables = {"input": {"programmeId": str(programme_id), "schoolId": str(school_id), "leadId": lead,
                           "partnerSchoolIds": form.getlist("partners"), "sessions": sessions}}
    return errors, submit(PLAN, variables, errors) is not None


def _record(form) -> tuple[FormErrors, bool]:
    session_id = form.get("session", "")[:12]
    errors = FormErrors([f"status-{session_id}", f"staff-{session_id}"],
                        name_of=lambda path: {"status": f"status-{session_id}", "staffAttending": f"staff-{session_id}"}
                        .get(path[0] if path else None))
    status = form.get("status") if form.get("status") in ("HELD", "CANCELLED", "PLANNED") else None
    staff = form.get("staff", "").strip()
    if status is None:
        errors.add(f"status-{session_id}", "Say whether the session was held or cancelled.")
    if staff and not staff.isdigit():
        errors.add(f"staff-{session_id}", "Enter how many staff came as a whole number, such as 12.")
    payload = {"sprintSessionId": session_id, "status": status or "HELD",
               "staffAttending": int(staff) if staff.isdigit() else None}
    return errors, submit(RECORD, {"input": payload}, errors) is not None


@bp.route("/programmes/<int:programme_id>/schools/<int:school_id>/sprint", methods=["GET", "POST"])
def sprint_page(programme_id: int, school_id: int):
    if (visitor := sign_in_first()) is not None:
        return visitor
    errors, status = FormErrors([]), 200
    if request.method == "POST":
        action = request.form.get("action")
        if action == "plan":
            errors, saved = _plan(programme_id, school_id, request.form)
            outcome = "The sprint's plan was saved."
        elif action == "record":
            errors, saved = _record(request.form)
            outcome = "The session was recorded."
        elif action in ("take-on", "give-up"):
            errors = FormErrors([])
            saved = submit(TAKE_ON if action == "take-on" else GIVE_UP,
                           {"s": request.form.get("session", "")[:12]}, errors) is not None
            outcome = "You are down to attend the session." if action == "take-on" else "You gave the session up."
        else:
            abort(400)
        if saved:
            return done(outcome)
        status = 422
    result = execute_here(PAGE, {"p": str(programme_id), "s": str(school_id)})
    programme = found(result, "programme", "Programmes unavailable")
    school = found(result, "school", "Schools unavailable")
    sprint = next((s for s in programme["sprints"] if parse_id(s["school"]["id"]) == school_id), None)
    if sprint is None and not any(parse_id(s["id"]) == school_id for s in programme["schools"]):
        abort(404)
    identity = g.identity
    may_plan = identity.is_admin or school_id in identity.schools_for("school_leader")
    for session in (sprint or {}).get("sessions", []):  # a session is recorded once its time has come
        session["due"] = datetime.fromisoformat(session["scheduledAt"]) <= utcnow()
    return render_template(
        "cascade/sprint.html", programme=programme, school=school, sprint=sprint, may_plan=may_plan,
        central=identity.is_admin or school_id in identity.schools_for("sip"), me=identity.person_id,
        errors=errors, form=request.form if request.method == "POST" else None, message=said(),
        rows=_rows(sprint, request.form if errors and request.form.get("action") == "plan" else None),
        partners=[s for s in programme["schools"] if parse_id(s["id"]) != school_id],
        chosen_partners=request.form.getlist("partners") if errors else
        [s["id"] for s in (sprint or {}).get("partnerSchools", [])],
        lead=request.form.get("lead") if errors else ((sprint or {}).get("lead") or {}).get("id"),
    ), status


def _rows(sprint: dict | None, sent) -> list[dict]:
    """The plan form's rows: what was sent (with its problems), or the sessions still
    to come and a blank row or two."""
    if sent is not None:
        count = int(sent.get("rows", "0")) if sent.get("rows", "").isdigit() else 0
        return [{"n": i, "id": sent.get(f"session-{i}-id", ""), "topic": sent.get(f"session-{i}-topic", ""),
                 "when": sent.get(f"session-{i}-when", ""), "minutes": sent.get(f"session-{i}-minutes", "")}
                for i in range(min(count, MAX_ROWS + BLANK_ROWS))]
    planned = [s for s in (sprint or {}).get("sessions", []) if s["status"] == "PLANNED"]
    rows = [{"n": i, "id": s["id"], "topic": s["topic"],
             "when": datetime.fromisoformat(s["scheduledAt"]).astimezone(LONDON).strftime("%Y-%m-%dT%H:%M"),
             "minutes": s["durationMinutes"] or ""} for i, s in enumerate(planned)]
    return rows + [{"n": len(rows) + i, "id": "", "topic": "", "when": "", "minutes": ""}
                   for i in range(min(BLANK_ROWS if rows else 3, MAX_ROWS - len(rows)))]
