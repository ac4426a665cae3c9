"""The video library in the GraphQL API, stored by the catalogue service: `videos`,
`video`, `videoSubjects`, `continueWatching`, `Course.videos`, and the mutations
`saveVideo`, `recordConsent` and `recordWatchProgress`.  The catalogue decides who may
see and watch what (services/catalogue/videos/access.py); what it answers is what a
person may have, playback URLs signed for them included."""
from __future__ import annotations

import graphene

from gateway.graph.compose import Extension, named, ref
from gateway.graph.history import history_field
from gateway.graph.ids import parse_id, parse_ids
from gateway.graph.loaders import grouped, ids_param, loaded, loads
from gateway.graph.mutations import Refused, an_id, mutation, mutations
from gateway.graph.shapes import connection, page, page_args, payload
from gateway.graph.values import enum_value, moment, parsed
from gateway.videos import cpd  # noqa: F401  (the videos in a CPD record, read by Person.cpdRecord)

ConsentStatus = named(graphene.Enum("ConsentStatus", [(n, n) for n in (
    "PENDING", "CONFIRMED", "WITHDRAWN", "NOT_NEEDED")]))


@loads("video")
def _videos(ctx, ids: list[int]) -> dict:
    """Videos by id, those the caller may watch: the clips other features name (a
    sprint session's pre-work), read for all of them at once."""
    items = ctx.read("catalogue", "GET", "/videos", params={"ids": ids_param(ids)})["items"]
    return {v["id"]: v for v in ctx.remember("video", items)}


@loads("videos of course", missing=list)
def _videos_of_courses(ctx, course_ids: list[int]) -> dict:
    items = ctx.read("catalogue", "GET", "/videos/by-course", params={"course_ids": ids_param(course_ids)})["items"]
    return grouped((v["course_id"], v) for v in ctx.remember("video", items))


@loads("video with captions")
def _with_captions(ctx, ids: list[int]) -> dict:
    answer = ctx.read("catalogue", "GET", "/videos", params={"ids": ids_param(ids), "with_captions": "true"})
    return {v["id"]: v for v in answer["items"]}


def _captioned(video: dict, info) -> dict:
    """The video with its captions: as it came when it came with them, else read for
    every video in view at once."""
    if video.get("cues") is not None:
        return video
    ctx = info.context
    return ctx.loader("video with captions").load(video["id"], among=(v["id"] for v in ctx.in_view("video"))) or {}


class Chapter(graphene.ObjectType):
    title = graphene.String(required=True)
    starts_at_seconds = graphene.Int(required=True)


class Cue(graphene.ObjectType):
    start_seconds = graphene.Float(required=True)
    end_seconds = graphene.Float(required=True)
    text = graphene.String(required=True)


@named
@parsed(moment, "consent_at", "created_at", "updated_at")
class Video(graphene.ObjectType):
    id = graphene.ID(required=True)
    title = graphene.String(required=True)
    description = graphene.String(required=True)
    subject = graphene.String(required=True)
    phases = graphene.List(graphene.NonNull(ref("Phase")), required=True)
    duration_seconds = graphene.Int(required=True, description="0 when not known (a video played on its own site).")
    stream_url = graphene.String(description="A playback URL signed for you, working for a few minutes; null when "
                                             "you may not watch it here (or it plays on its own site).")
    captions_url = graphene.String(description="Its WebVTT captions, for a <track>; null when it has none you may "
                                               "read.")
    transcript = graphene.String()
    chapters = graphene.List(graphene.NonNull(Chapter), required=True)
    consent_status = graphene.Field(ConsentStatus, required=True)
    visibility = graphene.Field(ref("Visibility"), required=True)
    course = graphene.Field(ref("Course"))
    my_progress_seconds = graphene.Int(description="Where you left off; null when you have not played it.")
    # beyond the contract: what the library's pages need
    poster_url = graphene.String(description="Its poster frame, signed for you like streamUrl.")
    source_url = graphene.String(description="Where a linked video plays, on its own site.")
    has_pupils = graphene.Boolean(required=True)
    watchable = graphene.Boolean(required=True, description="Whether you may play it now (an admin may read a "
                                                            "withdrawn film's record, never play it).")
    may_edit = graphene.Boolean(required=True)
    my_minutes_counted = graphene.Boolean(required=True, description="Whether its minutes are in your CPD record.")
    consent_by_name = graphene.String(description="Who recorded the consent decision: admins and its uploader.")
    consent_at = graphene.DateTime()
    consent_note = graphene.String(description="The basis of consent, or why it changed: admins and its uploader.")
    uploaded_by_name = graphene.String(required=True)
    created_at = graphene.DateTime(required=True)
    updated_at = graphene.DateTime(required=True)
    cues = graphene.List(graphene.NonNull(Cue), required=True, description="The captions cue by cue, for a "
                                                                          "transcript that seeks the player.")
    captions_vtt = graphene.String(description="The captions as WebVTT, for editing them.")
    history = history_field("catalogue", "video", among="video", description="the changes to this video, consent "
                                                                             "above all")

    resolve_course = loaded("course", "course_id", among="video")

    @staticmethod
    def resolve_captions_url(video, info):
        return f"/library/{video['id']}/captions.vtt" if video["has_captions"] and video["watchable"] else None

    @staticmethod
    def resolve_my_progress_seconds(video, info):
        return video["my_position_seconds"]

    @staticmethod
    def resolve_my_minutes_counted(video, info):
        return video["my_counted"]

    @staticmethod
    def resolve_cues(video, info):
        return _captioned(video, info).get("cues") or []

    @staticmethod
    def resolve_captions_vtt(video, info):
        return _captioned(video, info).get("captions_vtt")


VideoConnection = connection(Video)
VideoPayload = payload("Video", video=graphene.Field(Video))


class ChapterInput(graphene.InputObjectType):
    title = graphene.String(required=True)
    starts_at_seconds = graphene.Int(required=True)


class VideoInput(graphene.InputObjectType):
    id = graphene.ID(description="The video to change; none for a new one.")
    title = graphene.String(required=True)
    description = graphene.String(required=True)
    subject = graphene.String(required=True)
    phases = graphene.List(graphene.NonNull(ref("Phase")), required=True)
    course_id = graphene.ID()
    source_url = graphene.String(description="A new video on an allowed host (YouTube, Vimeo).")
    upload_id = graphene.String(description="A new video from a finished upload (POST /uploads/videos, tus).")
    captions_vtt = graphene.String(description="WebVTT; empty for none; left out of a change, kept as they are.")
    chapters = graphene.List(graphene.NonNull(ChapterInput), description="Left out of a change, kept as they are.")
    visibility = graphene.Field(ref("Visibility"), required=True)
    has_pupils = graphene.Boolean(description="Pupils can be seen or heard in it: it waits for consent (a new video "
                                              "that does not say is taken to have them).")


class VideosQuery(graphene.ObjectType):
    videos = graphene.Field(
        VideoConnection, required=True, search=graphene.String(), subject=graphene.String(),
        phase=graphene.Argument(ref("Phase")), course_id=graphene.ID(),
        consent_status=graphene.Argument(ConsentStatus, description="Admins: the films of one consent status "
                                                                    "(withdrawn ones are in no other list)."),
        first=graphene.Int(default_value=20), after=graphene.String(),
        ids=graphene.List(graphene.NonNull(graphene.ID), description=(
            "Beyond the contract: only these videos (at most 100, in one page), those of them you may watch — the "
            "clips a form has chosen, to show them again.")))
    video = graphene.Field(Video, id=graphene.ID(required=True))
    video_subjects = graphene.List(graphene.NonNull(graphene.String), required=True,
                                   description="Subjects of the videos you can watch, for filters.")
    continue_watching = graphene.List(graphene.NonNull(Video), required=True, first=graphene.Int(default_value=5),
                                      description="Films you have started and not finished, the latest first.")

    @staticmethod
    def resolve_videos(root, info, first=20, after=None, course_id=None, ids=None, **filters):
        params = page_args(first, after)
        if ids is not None:
            wanted = parse_ids(ids[:100])
            if not wanted:  # none, or one that cannot be a video's
                return page({"items": [], "cursors": [], "total": 0, "has_next": False, "end_cursor": None})
            params["ids"] = ids_param(wanted)
        for key, value in filters.items():
            if value is not None and value != "":
                params[key] = enum_value(value)
        if course_id is not None:
            if parse_id(course_id) is None:
                return page({"items": [], "cursors": [], "total": 0, "has_next": False, "end_cursor": None})
            params["course_id"] = parse_id(course_id)
        answer = info.context.read("catalogue", "GET", "/videos", params=params)
        info.context.remember("video", answer["items"])
        return page(answer)

    @staticmethod
    def resolve_video(root, info, id):
        video_id = parse_id(id)
        return info.context.one("catalogue", f"/videos/{video_id}", remember="video") if video_id else None

    @staticmethod
    def resolve_video_subjects(root, info):
        return info.context.read("catalogue", "GET", "/videos/subjects")["subjects"]

    @staticmethod
    def resolve_continue_watching(root, info, first=5):
        if info.context.identity.person_id is None:
            return []
        first = max(0, min(first, 50))
        return info.context.remember("video", info.context.read("catalogue", "GET", "/videos/mine",
                                                                params={"first": first})["items"])


class CourseVideos(Extension):
    extends = "Course"
    videos = graphene.List(graphene.NonNull(Video), required=True,
                           description="The course's videos you can watch, by title.")

    @staticmethod
    def resolve_videos(course, info):
        """For every course in view in one call per 100."""
        ctx = info.context
        return ctx.loader("videos of course").load(course["id"], among=(c["id"] for c in ctx.in_view("course")))


def _video_body(input: dict) -> dict:
    body = {"title": input["title"], "description": input["description"], "subject": input["subject"],
            "phases": [enum_value(p) for p in input["phases"]], "visibility": enum_value(input["visibility"]),
            "course_id": an_id(input.get("course_id"), "courseId", "course", optional=True)}
    for key in ("source_url", "upload_id", "captions_vtt", "has_pupils"):
        if key in input:
            body[key] = input[key]
    if input.get("chapters") is not None:
        body["chapters"] = [dict(c) for c in input["chapters"]]
    return body


@mutation(VideoPayload, "video", remember="video", input=graphene.Argument(VideoInput, required=True))
def save_video(root, info, input):
    """Admins and network leads: add a video (a finished upload, or a link to an
    allowed host) or change one's details; a lead changes the ones they added."""
    video_id = an_id(input.get("id"), "id", "video", optional=True)
    method, path = ("PUT", f"/videos/{video_id}") if video_id else ("POST", "/videos")
    return info.context.call("catalogue", method, path, json=_video_body(dict(input)))


@mutation(VideoPayload, "video", remember="video", video_id=graphene.ID(required=True),
          status=graphene.Argument(ConsentStatus, required=True), note=graphene.String(required=True))
def record_consent(root, info, video_id, status, note):
    """Record consent for the pupils in a film (the basis in `note`), say it needs none,
    or withdraw it — which hides it everywhere at once.  Kept with who and why."""
    path = f"/videos/{an_id(video_id, 'videoId', 'video')}/consent"
    return info.context.call("catalogue", "POST", path, json={"status": enum_value(status), "note": note})


@mutation(VideoPayload, "video", remember="video", video_id=graphene.ID(required=True),
          position_seconds=graphene.Int(required=True))
def record_watch_progress(root, info, video_id, position_seconds):
    """Where you are in a film: kept for you on every device; watching most of it adds
    its minutes to your CPD record for this academic year, once."""
    if info.context.identity.person_id is None:
        raise Refused("Sign in to keep your place in a video and count it towards your CPD.")
    path = f"/videos/{an_id(video_id, 'videoId', 'video')}/progress"
    return info.context.call("catalogue", "PUT", path, json={"position_seconds": position_seconds})


VideosMutation = mutations("VideosMutation", save_video, record_consent, record_watch_progress)
