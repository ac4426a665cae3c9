"""The form that adds a video (its file uploaded in resumable chunks by
static/library-upload.js, or a link) or changes one's details, and the consent choices
a video's page offers.  Every problem is filed under its field, what the page cannot
read and what the catalogue refuses shown together (gateway/web/forms.py)."""
from __future__ import annotations

import re

from flask import g, redirect, render_template, request, url_for

from gateway.graph.view import execute_here
from gateway.web.filters import PHASES
from gateway.web.forms import FormErrors, first_part, submit

# The form's fields, in the order they stand on the page: each is also the id of the
# control a problem's link in the error summary moves to.
FIELDS = ["uploadFile", "sourceUrl", "title", "description", "subject", "phases", "courseId", "hasPupils",
          "visibility", "captionsVtt", "chapters"]
EDITED = """query Edited($id: ID!) { video(id: $id) { id title description subject phases visibility hasPupils
  sourceUrl durationSeconds mayEdit captionsVtt chapters { title startsAtSeconds } course { id } } }"""
SAVE = """mutation Save($input: VideoInput!) {
  saveVideo(input: $input) { video { id } userErrors { field message } } }"""
COURSES = "{ courses(first: 100) { edges { node { id title } } } }"
_CHAPTER = re.compile(r"(?:(\d{1,2}):)?(\d{1,3}):(\d{2})\s+(\S.*)")

CONSENT_DONE = {
    "CONFIRMED": "Consent recorded: trust staff can now watch this video.",
    "WITHDRAWN": "Consent withdrawn: the video is hidden from everyone, everywhere.",
    "PENDING": "The video now waits for consent: only its uploader and admins can watch it.",
    "NOT_NEEDED": "Recorded that the film has no pupils in it.",
}


def consent_choices(video: dict, identity) -> list[tuple[str, str, str]]:
    """(status, label, hint) for each consent decision this person may record now:
    all of them for an admin; for its uploader, only what hides it (the catalogue
    checks again)."""
    choices = [
        ("CONFIRMED", "Consent is confirmed", "Give the basis: whose consent, and where the forms are kept."),
        ("WITHDRAWN", "Consent has been withdrawn", "The film is hidden from everyone at once."),
        ("PENDING", "It has pupils in it and waits for consent", "Only its uploader and admins can watch it."),
        ("NOT_NEEDED", "No pupils can be seen or heard in it", "It needs no consent."),
    ]
    current = video["consentStatus"]
    if identity.is_admin:
        return [c for c in choices if c[0] != current]
    if not video["mayEdit"]:
        return []
    hides = {"WITHDRAWN"} | ({"PENDING"} if current == "NOT_NEEDED" else set())
    return [c for c in choices if c[0] in hides and c[0] != current]


def _name_of(path) -> str | None:
    name = first_part(path)
    return "uploadFile" if name == "uploadId" else name


def clock(seconds: float | int | None) -> str:
    """12:05 or 1:02:03: a time in a film as a player shows it."""
    whole = int(seconds or 0)
    hours, minutes, secs = whole // 3600, whole % 3600 // 60, whole % 60
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def chapters_text(chapters: list[dict]) -> str:
    return "\n".join(f"{clock(c['startsAtSeconds'])} {c['title']}" for c in chapters)


def _chapters(text: str, errors: FormErrors) -> list[dict]:
    """Chapters typed a line each, "2:30 Modelling the writing"."""
    chapters = []
    for number, line in enumerate((t.strip() for t in text.splitlines()), start=1):
        if not line:
            continue
        match = _CHAPTER.fullmatch(line)
        if not match or int(match[3]) > 59 or (match[1] and int(match[2]) > 59):
            errors.add("chapters", f"Line {number}: write each chapter as its start and its title, for example "
                                   "2:30 Modelling the writing.")
            continue
        hours, minutes, seconds, title = match.groups()
        chapters.append({"title": title[:120], "startsAtSeconds": int(hours or 0) * 3600 + int(minutes) * 60
                         + int(seconds)})
    return chapters


def _captions(form, files, errors: FormErrors) -> str:
    """The captions: a file chosen (read as UTF-8 text) before what is in the box."""
    chosen = files.get("captionsFile")
    if chosen and chosen.filename:
        try:
            return chosen.read(400_000).decode("utf-8-sig")
        except UnicodeDecodeError:
            errors.add("captionsVtt", "The captions file is not text we can read; save it as WebVTT (UTF-8) and "
                                      "choose it again.")
    return form.get("captionsVtt", "")


def _from_form(existing: dict | None, errors: FormErrors) -> tuple[dict, dict]:
    """(the VideoInput the form describes, the form as typed to show it again)."""
    form = request.form
    values = {"title": form.get("title", ""), "description": form.get("description", ""),
              "subject": form.get("subject", ""), "phases": [p for p in form.getlist("phases") if p in PHASES],
              "visibility": form.get("visibility") if form.get("visibility") in ("TRUST", "PUBLIC") else "TRUST",
              "courseId": form.get("courseId") or None,
              "captionsVtt": _captions(form, request.files, errors),
              "chapters": _chapters(form.get("chapters", ""), errors)}
    typed = {**values, "chaptersText": form.get("chapters", ""), "uploadId": form.get("uploadId", ""),
             "uploadName": form.get("uploadName", ""), "sourceUrl": form.get("sourceUrl", ""),
             "hasPupils": form.get("hasPupils", "")}
    if existing:
        values["id"] = existing["id"]
        typed = {**existing, **typed, "sourceUrl": existing.get("sourceUrl") or ""}
    else:
        for key in ("uploadId", "sourceUrl"):
            if form.get(key, "").strip():
                values[key] = form[key].strip()
        if form.get("hasPupils") not in ("yes", "no"):
            errors.add("hasPupils", "Say whether pupils can be seen or heard in the film.")
        values["hasPupils"] = form.get("hasPupils") != "no"
    return values, typed


def _render(video: dict, errors: FormErrors, status: int = 200):
    courses = [e["node"] for e in (((execute_here(COURSES).get("data") or {}).get("courses") or {})
                                   .get("edges") or [])]
    return render_template("videos/video_form.html", video=video, errors=errors, phases=PHASES, courses=courses,
                           is_new=not video.get("id")), status


def editor(existing: dict | None):
    """The form (GET), or what it sent saved and the video shown (POST)."""
    errors = FormErrors(FIELDS, name_of=_name_of)
    if request.method == "GET":
        if existing is None:
            return _render({"phases": [], "visibility": "TRUST", "hasPupils": ""}, errors)
        shown = {**existing, "courseId": (existing.get("course") or {}).get("id"),
                 "chaptersText": chapters_text(existing["chapters"])}
        return _render(shown, errors)
    values, typed = _from_form(existing, errors)
    if not g.identity.is_admin:  # only an admin is offered the choice (a lead's film stays as it is)
        values["visibility"] = (existing or {}).get("visibility") or "TRUST"
    payload = submit(SAVE, {"input": values}, errors)
    if payload is None:
        typed["courseId"] = values.get("courseId")
        return _render(typed, errors, 422)
    return redirect(url_for("videos.video_page", video_id=payload["video"]["id"], message="Video saved."))
