"""HTTP for the video library: thin — parse, call the domain operation, shape the
answer for the caller (their playback URLs, their place in each video, what they may
see of its consent).  The files themselves are videos/media_api.py's."""
from __future__ import annotations

from datetime import date

from flask import Response, current_app
from flask_openapi3 import APIBlueprint, Tag

from services.catalogue.videos import access, captions, media, progress, service
from services.catalogue.videos.models import Video
from services.catalogue.videos.schemas import (
    ByCourseQuery,
    ConsentIn,
    CpdRecordsQuery,
    HoursQuery,
    MineQuery,
    ProgressIn,
    SubjectList,
    VideoCpdRecords,
    VideoHoursOut,
    VideoIdPath,
    VideoIn,
    VideoList,
    VideoOut,
    VideoPage,
    VideoQuery,
)
from shared.db import request_session
from shared.errors import Invalid, NotFound, field_error
from shared.paging import decode_cursor, page_of
from shared.tokens import Identity
from shared.web import SECURITY, current_identity

bp = APIBlueprint("videos", __name__, abp_tags=[Tag(name="videos")], abp_security=SECURITY)

# The catalogue's audit trail, read through shared.audit.history_api (app.py).
OBJECT_TYPES = ("video", "watch")
PHRASES = {
    "video.added": "Video added",
    "video.changed": "Video changed",
    "video.consent_confirmed": "Consent confirmed",
    "video.consent_withdrawn": "Consent withdrawn",
    "video.consent_pending": "Consent awaited again",
    "video.consent_not_needed": "Marked as having no pupils in it",
    "video.counted": "Minutes of {label} counted towards CPD",
}


def _settings():
    return current_app.extensions["lighthouse_settings"]


def present(videos: list[Video], identity: Identity, *, with_captions: bool = False) -> list[dict]:
    """The videos as this caller sees them: signed playback URLs where they may watch,
    their own place in each (one query for them all), consent's who and why for
    admins and the uploader only."""
    settings = _settings()
    mine = progress.mine(request_session(), identity, [v.id for v in videos])
    shown = []
    for video in videos:
        watchable = access.refusal_to_watch(video, identity) is None
        played = watchable and video.storage_key is not None
        insider = identity.is_admin or video.uploaded_by_id == identity.person_id
        mark = mine.get(video.id)
        out = {name: getattr(video, name) for name in VideoOut.model_fields if hasattr(video, name)}
        out.update({
            "watchable": watchable,
            "stream_url": media.signed_stream_url(video, identity.person_id, settings) if played else None,
            "poster_url": media.signed_poster_url(video, identity.person_id, settings) if played else None,
            "has_captions": bool(video.captions_vtt),
            "consent_by_name": video.consent_by_name if insider else None,
            "consent_note": video.consent_note if insider else None,
            "may_edit": access.may_add_videos(identity) and (identity.is_admin or
                                                              video.uploaded_by_id == identity.person_id),
            "my_position_seconds": mark.position_seconds if mark else None,
            "my_counted": bool(mark and mark.counted_at),
            "cues": None, "captions_vtt": None,
        })
        if not watchable:
            # An admin reads a withdrawn film's record to manage it, never what is said
            # in it: its words may name the pupils it shows.
            out.update(transcript=None, has_captions=False)
        elif with_captions:
            cues = captions.parse(video.captions_vtt) if video.captions_vtt else []
            out.update(captions_vtt=video.captions_vtt, cues=[c.as_dict() for c in cues])
        shown.append(VideoOut(**out).model_dump(mode="json"))
    return shown


def _one(video: Video, identity: Identity) -> dict:
    return present([video], identity, with_captions=True)[0]


@bp.get("/videos", responses={200: VideoPage})
def list_videos(query: VideoQuery):
    """The videos the caller may watch (admins may ask for one consent status, withdrawn
    included); `search` is full text over title, description and transcript."""
    offset = 0 if query.ids else decode_cursor(query.after)
    identity = current_identity()
    rows, total = service.list_videos(request_session(), identity, query, offset)
    return page_of(present(rows, identity, with_captions=query.with_captions), total, offset)


@bp.get("/videos/subjects", responses={200: SubjectList})
def list_subjects():
    """The subjects of the videos the caller may watch."""
    return {"subjects": service.subjects(request_session(), current_identity())}


@bp.get("/videos/by-course", responses={200: VideoList})
def videos_by_course(query: ByCourseQuery):
    """The videos of each of these courses the caller may watch (a batch read)."""
    identity = current_identity()
    ids = [int(i) for i in query.course_ids.split(",")]
    return {"items": present(service.videos_of_courses(request_session(), identity, ids), identity)}


@bp.get("/videos/mine", responses={200: VideoList})
def continue_watching(query: MineQuery):
    """Films the caller has started and not finished, the latest first."""
    identity = current_identity()
    return {"items": present(progress.continue_watching(request_session(), identity, query.first), identity)}


@bp.get("/videos/<int:video_id>", responses={200: VideoOut})
def get_video(path: VideoIdPath):
    """One video with its captions, cue by cue."""
    identity = current_identity()
    return _one(service.get_video(request_session(), identity, path.video_id), identity)


@bp.get("/videos/<int:video_id>/captions", responses={200: None})
def get_captions(path: VideoIdPath):
    """The captions as WebVTT, for the player's <track>: whoever may watch the film."""
    identity = current_identity()
    video = service.get_video(request_session(), identity, path.video_id)
    if access.refusal_to_watch(video, identity) is not None or not video.captions_vtt:
        raise NotFound("This video has no captions you can read.")
    return Response(video.captions_vtt, mimetype="text/vtt", headers={"Cache-Control": "private, no-store"})


@bp.post("/videos", responses={201: VideoOut})
def create_video(body: VideoIn):
    """Admins and network leads: a video from a finished upload or a link."""
    identity = current_identity()
    return _one(service.save_video(request_session(), identity, body, _settings()), identity), 201


@bp.put("/videos/<int:video_id>", responses={200: VideoOut})
def update_video(path: VideoIdPath, body: VideoIn):
    """Admins, and the network lead who added it: its details (its film stays)."""
    identity = current_identity()
    return _one(service.save_video(request_session(), identity, body, _settings(), path.video_id), identity)


@bp.post("/videos/<int:video_id>/consent", responses={200: VideoOut})
def record_consent(path: VideoIdPath, body: ConsentIn):
    """Record consent for the pupils in a film, or withdraw it (hidden at once)."""
    identity = current_identity()
    video = service.record_consent(request_session(), identity, path.video_id, body.status, body.note)
    return _one(video, identity)


@bp.put("/videos/<int:video_id>/progress", responses={200: VideoOut})
def record_progress(path: VideoIdPath, body: ProgressIn):
    """Where the caller is in the film; counts its minutes into their CPD record once
    they have watched enough of it."""
    identity = current_identity()
    video, _ = progress.record_progress(request_session(), identity, path.video_id, body.position_seconds,
                                        _settings())
    return present([video], identity)[0]


@bp.get("/videos/cpd-records", responses={200: VideoCpdRecords})
def cpd_records(query: CpdRecordsQuery):
    """Videos counted in each person's CPD record for a year (theirs; admins anyone's)."""
    ids = list(dict.fromkeys(int(i) for i in query.person_ids.split(",")))
    found = progress.cpd_records(request_session(), current_identity(), ids, query.academic_year)
    return VideoCpdRecords(items=found).model_dump(mode="json")


@bp.get("/videos/cpd-hours", responses={200: VideoHoursOut})
def cpd_hours(query: HoursQuery):
    """A person's counted video minutes in each period (as bookings' GET /cpd-hours)."""
    try:
        bounds = [date.fromisoformat(d) for d in query.bounds.split(",")]
    except ValueError:
        raise Invalid("One of the dates is not a real date.", [field_error("bounds", "Give real dates, such as "
                                                                                     "2026-09-01.")]) from None
    found = progress.cpd_hours(request_session(), current_identity(), query.person_id, bounds)
    return VideoHoursOut(items=found).model_dump(mode="json")
