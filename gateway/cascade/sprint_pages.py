"""A school's sprint in a programme: its leader plans it (sessions on school days,
fewer and longer for a small school, or joining a partner's) and records each session
held and how many staff came; the central team takes on the sessions flagged for
them and reaches each session's QA note from here.  Each session may have clips from
the video library as pre-work (chosen as gateway/cascade/sprint_clips.py explains).
Every form shows all its problems at once, beside their fields (gateway/web/forms.py)."""
from __future__ import annotations

from datetime import datetime

from flask import abort, g, render_template, request

from gateway.cascade import sprint_clips as clips
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
    names = {"scheduledAt": "when", "topic": "topic", "durationMinutes": "minutes", "id": "topic", "videoIds": "videos"}

    def name_of(path) -> str | None:
        if not path:
            return None
        if path[0] == "sessions" and len(path) >= 3 and str(path[1]).isdigit() and int(path[1]) < len(rows):
            return f"session-{rows[int(path[1])]}-{names.get(path[2], 'topic')}"
        return {"leadId": "lead", "partnerSchoolIds": "partners", "sessions": "sessions"}.get(path[0])
    return name_of


def _plan(programme_id: int, school_id: int, form) -> tuple[FormErrors, bool]:
    """The plan form sent: every row with a topic, a time or a clip is a session."""
    count = _sent_rows(form)
    rows, sessions = [], []
    fields = ["lead", "partners", "sessions"] + [f"session-{i}-{f}" for i in range(count)
                                                 for f in ("topic", "when", "minutes", "videos")]
    errors = FormErrors(fields, name_of=_field(rows))
    for i in range(count):
        topic, videos = form.get(f"session-{i}-topic", "").strip(), form.getlist(f"session-{i}-videos")
        if not topic and not form.get(f"session-{i}-when", "").strip() and not videos:
            continue  # a row left empty
        when = local_moment(form, f"session-{i}-when", f"date and time of session {len(rows) + 1}", errors,
                            "2027-01-14T15:45") or utcnow()
        minutes = form.get(f"session-{i}-minutes", "").strip()
        if minutes and not minutes.isdigit():
            errors.add(f"session-{i}-minutes", "Enter the length in minutes as a whole number, such as 90.")
        if len(videos) > clips.MAX_CLIPS:
            errors.add(f"session-{i}-videos", f"Choose at most {clips.MAX_CLIPS} clips for a session.")
        rows.append(i)
        sessions.append({"id": form.get(f"session-{i}-id") or None, "topic": topic, "scheduledAt": when.isoformat(),
                         "durationMinutes": int(minutes) if minutes.isdigit() else None,
                         "videoIds": videos[:clips.MAX_CLIPS]})
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
    errors, status, searched, sent = FormErrors([]), 200, None, None
    if request.method == "POST":
        action = request.form.get("action", "")
        searched = clips.search_asked(request.form, _sent_rows(request.form))
        if action == "enter":  # Enter pressed in the plan form: a search typed, or the plan
            action = "plan" if searched is None else f"find-{searched}"
        finding = action.startswith("find-")
        if action == "plan":
            errors, saved = _plan(programme_id, school_id, request.form)
            outcome = "The sprint's plan was saved."
        elif finding:  # nothing is saved: the form comes back as it was sent, with the row's clips found
            errors, saved = FormErrors([]), False
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
        status = 200 if finding else 422
        sent = request.form if action == "plan" or finding else None
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
    clips_of = clips.of_sessions(sprint["id"]) if sprint and sprint["sessions"] else {}
    for session in (sprint or {}).get("sessions", []):
        session["videos"] = clips_of.get(session["id"], [])
    rows = _sent(sent) if sent is not None else _rows(sprint)
    return render_template(
        "cascade/sprint.html", programme=programme, school=school, sprint=sprint, may_plan=may_plan,
        central=identity.is_admin or school_id in identity.schools_for("sip"), me=identity.person_id,
        errors=errors, form=request.form if request.method == "POST" else None, message=said(), rows=rows,
        clips=clips.picker(rows, clips.library(rows), clips_of, searched) if may_plan else {},
        partners=[s for s in programme["schools"] if parse_id(s["id"]) != school_id],
        chosen_partners=sent.getlist("partners") if sent is not None else
        [s["id"] for s in (sprint or {}).get("partnerSchools", [])],
        lead=sent.get("lead") if sent is not None else ((sprint or {}).get("lead") or {}).get("id"),
    ), status


def _sent_rows(form) -> int:
    """How many rows the plan form had (as many as it may have, at most)."""
    return min(int(form["rows"]) if form.get("rows", "").isdigit() else 0, MAX_ROWS + BLANK_ROWS)


def _sent(sent) -> list[dict]:
    """The plan form's rows as they were sent (with their problems, or a search)."""
    return [{"n": i, "id": sent.get(f"session-{i}-id", ""), "topic": sent.get(f"session-{i}-topic", ""),
             "when": sent.get(f"session-{i}-when", ""), "minutes": sent.get(f"session-{i}-minutes", ""),
             "videos": sent.getlist(f"session-{i}-videos")[:5 * clips.MAX_CLIPS],  # not a forged thousand
             "find": sent.get(f"session-{i}-find", "").strip()[:200]} for i in range(_sent_rows(sent))]


def _rows(sprint: dict | None) -> list[dict]:
    """The plan form's rows: the sessions still to come, and a blank row or two."""
    planned = [s for s in (sprint or {}).get("sessions", []) if s["status"] == "PLANNED"]
    rows = [{"n": i, "id": s["id"], "topic": s["topic"],
             "when": datetime.fromisoformat(s["scheduledAt"]).astimezone(LONDON).strftime("%Y-%m-%dT%H:%M"),
             "minutes": s["durationMinutes"] or "", "videos": [v["id"] for v in s["videos"]], "find": ""}
            for i, s in enumerate(planned)]
    return rows + [{"n": len(rows) + i, "id": "", "topic": "", "when": "", "minutes": "", "videos": [], "find": ""}
                   for i in range(min(BLANK_ROWS if rows else 3, MAX_ROWS - len(rows)))]
