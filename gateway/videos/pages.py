"""The video library's pages: the library (search, filters, poster frames), a video
(player with captions, chapters and a transcript that seeks it, consent for those who
manage it), and the form that adds or changes one (gateway/videos/form.py).  What they
show is what the GraphQL API answers the person looking."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, g, render_template, request

from gateway.graph.history import HISTORY
from gateway.graph.view import execute_here
from gateway.videos import form
from gateway.web.filters import PHASES
from gateway.web.forms import FormErrors, done, said, submit
from gateway.web.pages import found, passed_through, sign_in_first

bp = Blueprint("videos", __name__, template_folder="templates")

CONSENT_STATUSES = ["PENDING", "CONFIRMED", "WITHDRAWN", "NOT_NEEDED"]
CARD = """id title description subject phases durationSeconds posterUrl consentStatus visibility sourceUrl
  myProgressSeconds myMinutesCounted course { title slug }"""
LIBRARY = f"""query Library($search: String, $subject: String, $phase: Phase, $courseId: ID,
                        $consent: ConsentStatus, $after: String) {{
  videos(search: $search, subject: $subject, phase: $phase, courseId: $courseId, consentStatus: $consent,
         first: 20, after: $after) {{
    totalCount pageInfo {{ hasNextPage endCursor }} edges {{ node {{ {CARD} }} }} }}
  videoSubjects
  courses(first: 100) {{ edges {{ node {{ id title }} }} }}
}}"""
VIDEO = f"""query Video($id: ID!) {{ video(id: $id) {{
  id title description subject phases durationSeconds streamUrl posterUrl captionsUrl sourceUrl transcript
  chapters {{ title startsAtSeconds }} cues {{ startSeconds endSeconds text }}
  consentStatus consentByName consentAt consentNote hasPupils visibility watchable mayEdit
  myProgressSeconds myMinutesCounted uploadedByName createdAt course {{ title slug }} {HISTORY} }} }}"""
CONSENT = """mutation($id: ID!, $status: ConsentStatus!, $note: String!) {
  recordConsent(videoId: $id, status: $status, note: $note) { video { id } userErrors { field message } } }"""


@bp.app_template_filter("clock")
def _clock(seconds) -> str:
    return form.clock(seconds)


def may_add() -> bool:
    identity = g.get("identity")
    return bool(identity and (identity.is_admin or identity.has_role("network_lead")))


@bp.get("/library")
def library():
    args = request.args
    admin = g.identity.is_admin
    variables = {
        "search": args.get("q", "").strip()[:200] or None,
        "subject": args.get("subject", "")[:80] or None,
        "phase": args.get("phase") if args.get("phase") in PHASES else None,
        "courseId": args.get("course", "")[:10] if args.get("course", "").isdigit() else None,
        "consent": args.get("consent") if admin and args.get("consent") in CONSENT_STATUSES else None,
        "after": args.get("after", "")[:200] or None,
    }
    result = execute_here(LIBRARY, variables)
    data = result.get("data") or {}
    courses = [e["node"] for e in ((data.get("courses") or {}).get("edges") or [])]
    chosen = sum(1 for key in ("subject", "phase", "courseId", "consent") if variables[key])
    return render_template("videos/library.html", videos=data.get("videos"), subjects=data.get("videoSubjects") or [],
                           courses=courses, errors=[e["message"] for e in result.get("errors", [])],
                           filters=variables, chosen=chosen, q=args.get("q", ""), phases=PHASES,
                           consents=CONSENT_STATUSES if admin else [], may_add=may_add())


def _seek_to(value: str | None, duration: int) -> int | None:
    """The `?t=` a transcript or chapter link asks for, in seconds within the film."""
    if not value or not value.isdigit() or len(value) > 6:
        return None
    return min(int(value), max(duration - 1, 0))


@bp.route("/library/<int:video_id>", methods=["GET", "POST"])
def video_page(video_id: int):
    """The player, its chapters and transcript (searchable here, and as you type with
    JavaScript), and for admins and its uploader its consent."""
    errors, status = FormErrors(["status", "note"]), 200
    if request.method == "POST":
        if (visitor := sign_in_first()) is not None:
            return visitor
        chosen = request.form.get("status")
        if chosen not in CONSENT_STATUSES:
            errors.add("status", "Choose what is now known about consent for this film.")
        # (an unreadable choice goes as a stand-in, only checked: see forms.submit)
        if submit(CONSENT, {"id": str(video_id), "status": chosen if chosen in CONSENT_STATUSES else "PENDING",
                            "note": request.form.get("note", "")}, errors) is not None:
            return done(form.CONSENT_DONE[chosen])
        status = 422
    video = found(execute_here(VIDEO, {"id": str(video_id)}), "video", "The video library is unavailable")
    find = request.args.get("find", "").strip()[:100]
    cues = video["cues"]
    shown = [c for c in cues if find.lower() in c["text"].lower()] if find else cues
    settings = current_app.extensions["lighthouse_settings"]
    return render_template("videos/video.html", video=video, cues=shown, all_cues=len(cues), find=find,
                           start=_seek_to(request.args.get("t"), video["durationSeconds"]),
                           share=round(settings.video_cpd_share * 100), errors=errors, form=request.form,
                           consent_choices=form.consent_choices(video, g.identity), message=said()), status


@bp.get("/library/<int:video_id>/captions.vtt")
def captions(video_id: int):
    """The captions for the player's <track>, as the catalogue lets this person have them."""
    return passed_through("catalogue", f"/videos/{video_id}/captions", g.identity)


@bp.route("/library/new", methods=["GET", "POST"])
def new_video():
    if (visitor := sign_in_first()) is not None:
        return visitor
    if not may_add():
        abort(403)
    return form.editor(None)


@bp.route("/library/<int:video_id>/edit", methods=["GET", "POST"])
def edit_video(video_id: int):
    if (visitor := sign_in_first()) is not None:
        return visitor
    video = found(execute_here(form.EDITED, {"id": str(video_id)}), "video", "The video library is unavailable")
    if not video["mayEdit"]:
        abort(403)
    return form.editor(video)

