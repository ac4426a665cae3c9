"""A sprint session's quality-assurance note: the SIP who attended records it (agreed
with the headteacher) and may edit it; every earlier text stays and is shown as a
diff — who changed what, when — because a note is evidence.  The school's leaders
read it; the catalogue answers nobody else (a 404 here)."""
from __future__ import annotations

import difflib
import re

from flask import abort, g, render_template, request

from gateway.cascade.pages import bp
from gateway.graph.ids import parse_id
from gateway.graph.view import execute_here
from gateway.web.forms import FormErrors, done, said, submit
from gateway.web.pages import found, sign_in_first

TEXTS = {"strengths": "Strengths", "developmentPoints": "Development points",
         "nextSessionPlan": "Plan for the next session"}
JUDGEMENTS = {"SECURE": "Secure", "DEVELOPING": "Developing", "NOT_YET_SECURE": "Not yet secure"}
NOTE = """id judgement strengths developmentPoints nextSessionPlan recordedAt updatedAt updatedByName authorName version
  revisions { version judgement strengths developmentPoints nextSessionPlan writtenByName writtenAt editedByName
    editedAt }"""
PAGE = """query($id: ID!) { sprint(id: $id) { id school { id name } programme { id title }
  sessions { id sequence topic scheduledAt status staffAttending centralAttendee { name } qaNote { %s } } } }""" % NOTE
SAVE = """mutation($input: QaNoteInput!) { recordQaNote(input: $input) { qaNote { id } userErrors { field message } } }"""


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """The words of `after` against `before`: ("same" | "removed" | "added", text)
    runs, in reading order (whitespace kept with its word)."""
    old, new = re.findall(r"\S+\s*", before or ""), re.findall(r"\S+\s*", after or "")
    runs = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            runs.append(("same", "".join(old[i1:i2])))
            continue
        if i2 > i1:
            runs.append(("removed", "".join(old[i1:i2])))
        if j2 > j1:
            runs.append(("added", "".join(new[j1:j2])))
    return runs


def changes(note: dict) -> list[dict]:
    """Each edit of the note, newest first: who made it and when, the judgement before
    and after, and each text that changed as a word diff."""
    texts = {r["version"]: r for r in note["revisions"]} | {note["version"]: note}
    edits = []
    for revision in note["revisions"]:
        after = texts.get(revision["version"] + 1)
        if after is None:
            continue
        edits.append({"by": revision["editedByName"], "at": revision["editedAt"],
                      "judgement": (revision["judgement"], after["judgement"]),
                      "texts": [(label, word_diff(revision[key], after[key])) for key, label in TEXTS.items()
                                if revision[key] != after[key]]})
    return edits


@bp.route("/sprints/<int:sprint_id>/sessions/<int:session_id>/qa-note", methods=["GET", "POST"])
def qa_note_page(sprint_id: int, session_id: int):
    if (visitor := sign_in_first()) is not None:
        return visitor
    errors, status = FormErrors(["judgement", *TEXTS]), 200
    if request.method == "POST":
        values = {"sprintSessionId": str(session_id), "judgement": request.form.get("judgement", ""),
                  **{key: request.form.get(key, "") for key in TEXTS}}
        if values["judgement"] not in JUDGEMENTS:
            errors.add("judgement", "Choose the judgement: secure, developing or not yet secure.")
            values["judgement"] = "DEVELOPING"  # a stand-in: the rest is still checked (forms.submit)
        version = request.form.get("version", "")
        if version.isdigit():
            values["version"] = int(version)
        if submit(SAVE, {"input": values}, errors) is not None:
            return done("The QA note was saved.")
        status = 422
    sprint = found(execute_here(PAGE, {"id": str(sprint_id)}), "sprint", "Sprints unavailable")
    session = next((s for s in sprint["sessions"] if parse_id(s["id"]) == session_id), None)
    if session is None:
        abort(404)
    note = session["qaNote"]
    school_id = parse_id(sprint["school"]["id"])
    may_write = g.identity.is_admin or school_id in g.identity.schools_for("sip")
    if note is None and not may_write:
        abort(404)  # nothing to read, and not theirs to write
    shown = dict(request.form) if errors else (note or {})
    return render_template("cascade/qa_note.html", sprint=sprint, session=session, note=note, may_write=may_write,
                           shown=shown, errors=errors, texts=TEXTS, judgements=JUDGEMENTS, message=said(),
                           edits=changes(note) if note else []), status
