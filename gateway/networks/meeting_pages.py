"""Meetings' pages: planning the year's dates, the meeting form, a meeting (answers,
cancelling, minutes and actions), the one-click answer from an invitation, and its
calendar entry."""
from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for

from gateway.backends import BackendUnavailable
from gateway.graph.history import HISTORY
from gateway.graph.view import execute_here
from gateway.identity.models import Person as PersonRow
from gateway.identity.service import identity_for
from gateway.web.forms import FormErrors, done, said, submit
from gateway.web.pages import found, local_moment, passed_through, sign_in_first, start_and_end
from shared.clock import LONDON, academic_years_around, utcnow
from shared.db import request_session
from shared.links import read_rsvp_token

bp = Blueprint("meetings", __name__, template_folder="templates")


def _network(network_id: int) -> dict:
    """The network a meeting is for (404 when there is none the person may see)."""
    network = (execute_here("query($id: ID!) { network(id: $id) { id name } }", {"id": str(network_id)})
               .get("data") or {}).get("network")
    if network is None:
        abort(404)
    return network


@bp.route("/networks/<int:network_id>/meetings/new", methods=["GET", "POST"])
def new_meeting(network_id: int):
    """A network's lead schedules a meeting (UK times); every member is invited."""
    if (visitor := sign_in_first()) is not None:
        return visitor
    network = _network(network_id)
    form, errors = (request.form if request.method == "POST" else request.args), FormErrors(MEETING_FORM)
    if request.method == "POST":
        payload = submit("""mutation($input: MeetingInput!) { scheduleMeeting(input: $input) {
            meeting { id } userErrors { field message } } }""", {"input": _meeting_from_form(form, network_id, errors)},
                         errors)
        if payload is not None:
            return redirect(url_for("meetings.meeting_page", meeting_id=payload["meeting"]["id"],
                                    message="Meeting scheduled; every member has been invited."))
    return render_template("networks/meeting_form.html", network=network, form=form, errors=errors), \
        422 if errors else 200


@bp.route("/networks/<int:network_id>/plan", methods=["GET", "POST"])
def plan_year(network_id: int):
    """A lead asks for the year's dates with a pattern and sees who would clash with
    what; each proposal opens the meeting form ready filled."""
    if (visitor := sign_in_first()) is not None:
        return visitor
    network = _network(network_id)
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
    return render_template("networks/plan.html", network=network, years=years, form=form, proposals=proposals,
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
        return local_moment(form, name, label, errors, "2027-01-20T16:00")

    title = form.get("title", "").strip()
    if not title:
        errors.add("title", "Give the meeting a title.")
        title = "Meeting"  # a stand-in: the rest is still checked (forms.submit)
    starts, ends = start_and_end(moment("startsAt", "start"), moment("endsAt", "end"))
    agenda = [{"title": line.strip()} for line in form.get("agenda", "").splitlines() if line.strip()]
    return {"networkId": str(network_id), "title": title, "startsAt": starts.isoformat(), "endsAt": ends.isoformat(),
            "venue": form.get("venue", "").strip() or None, "onlineUrl": form.get("onlineUrl", "").strip() or None,
            "agenda": agenda, "outsideTermConfirmed": form.get("outsideTerm") == "yes"}


MEETING = """query($id: ID!) { meeting(id: $id) { id title term startsAt endsAt venue onlineUrl status minutes myRsvp
  icsUrl network { id name members { person { id name } } }
  agenda { title minutes presenter } rsvps { person { id name } response } attendees { id name }
  actions { id description dueOn done owner { id name } } %s } }"""


@bp.route("/meetings/<int:meeting_id>", methods=["GET", "POST"])
def meeting_page(meeting_id: int):
    """A meeting: agenda, answers, and afterwards the minutes and actions."""
    if (visitor := sign_in_first()) is not None:
        return visitor
    message = said()
    errors, status = FormErrors([]), 200
    if request.method == "POST":
        action = request.form.get("action")
        if action == "rsvp":
            submit("""mutation($m: ID!, $r: RsvpResponse!) { rsvp(meetingId: $m, response: $r) {
                meeting { myRsvp } userErrors { message } } }""",
                   {"m": str(meeting_id), "r": request.form.get("response", "")[:5]}, errors)
            outcome = "Thank you — your answer is recorded."
        elif action == "cancel":
            submit("""mutation($m: ID!) { cancelMeeting(meetingId: $m) { meeting { status }
                userErrors { message } } }""", {"m": str(meeting_id)}, errors)
            outcome = "Meeting cancelled; members told."
        elif action == "complete":
            submit("""mutation($a: ID!) { completeAction(actionId: $a) { action { done }
                userErrors { message } } }""", {"a": request.form.get("actionId", "")[:12]}, errors)
            outcome = "Action marked done."
        elif action == "minutes":
            errors = _minutes(meeting_id, request.form)
            outcome = "Minutes saved."
        else:
            abort(400)
        if not errors:
            return done(outcome)
        status = 409
    meeting = found(execute_here(MEETING % (HISTORY if g.identity.is_admin else ""), {"id": str(meeting_id)}),
                    "meeting", "Networks unavailable")
    network_id = int(meeting["network"]["id"])
    may_change = g.identity.is_admin or network_id in g.identity.networks_for("network_lead")
    return render_template("networks/meeting.html", meeting=meeting, may_change=may_change, message=message,
                           errors=errors, form=request.form, me=str(g.person.id),
                           today=utcnow().astimezone(LONDON).date().isoformat()), status


# The minutes form: up to three new actions, each a what, a who and a when.
NEW_ACTIONS = 3
ACTION_FIELDS = {"description": "action", "ownerId": "owner", "dueOn": "due"}


def _minutes(meeting_id: int, form) -> FormErrors:
    """Record a meeting's minutes from its form; what went wrong, by field."""
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
    settings = current_app.extensions["lighthouse_settings"]
    parsed = read_rsvp_token(settings.link_secret, token[:500])
    person = request_session().get(PersonRow, parsed[1]) if parsed else None
    if parsed is None or person is None or parsed[2] not in ("YES", "NO", "MAYBE"):
        return render_template("error.html", title="That link does not work",
                               message="The answer link is incomplete or too old. Open the meeting from "
                                       "Networks to answer instead."), 404
    meeting_id, _, response = parsed
    words = {"YES": "Yes, I'll come", "NO": "No, I can't come", "MAYBE": "Maybe"}[response]
    if request.method == "POST":
        backends = current_app.extensions["lighthouse_backends"]
        try:
            answer = backends.fetch("networks", "POST", f"/meetings/{meeting_id}/rsvp",
                                    identity=identity_for(person), json={"response": response})
        except BackendUnavailable:
            return render_template("networks/rsvp.html", words=words, done=False,
                                   error="Answers cannot be recorded just now; try the link again in a minute."), 503
        if answer.status_code >= 400:
            return render_template("networks/rsvp.html", words=words, error=answer.json().get("message"),
                                   done=False), 409
        return render_template("networks/rsvp.html", words=words, meeting=answer.json(), done=True)
    return render_template("networks/rsvp.html", words=words, done=False, person=person)


@bp.get("/meetings/<int:meeting_id>.ics")
def meeting_ics(meeting_id: int):
    return passed_through("networks", f"/meetings/{meeting_id}/calendar", g.identity, f"meeting-{meeting_id}.ics")
