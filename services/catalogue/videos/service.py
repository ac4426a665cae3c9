"""Domain operations on the video library: adding and changing videos, finding them,
and recording consent.  Each takes the acting identity explicitly; who may do what is
videos/access.py's, the files and links videos/media.py's."""
from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, func, select

from services.catalogue.audit import AuditEntry
from services.catalogue.courses.models import Course
from services.catalogue.search import full_text, search_terms
from services.catalogue.videos import access, captions, media
from services.catalogue.videos.models import LINK, UPLOAD, Video
from services.catalogue.videos.schemas import VideoIn, VideoQuery
from shared import audit
from shared.clock import utcnow
from shared.errors import Conflict, Forbidden, Invalid, NotFound, field_error
from shared.settings import Settings
from shared.tokens import Identity
from shared.vocabulary import ConsentStatus, Phase, Visibility

NOT_FOUND = "There is no such video, or it is not open to you."
# What a change's audit entry compares (captions as a count: the file itself is long).
AUDITED = ("title", "description", "subject", "phases", "course_id", "visibility", "source", "source_url",
           "duration_seconds", "has_pupils", "consent_status", "chapters", "captions")


def _audited(video: Video) -> dict:
    values = audit.snapshot(video, [f for f in AUDITED if f != "captions"])
    values["captions"] = f"{len(captions.parse(video.captions_vtt))} captions" if video.captions_vtt else None
    return values


def get_video(db: Session, identity: Identity, video_id: int) -> Video:
    """The video, if this identity may read its record (videos/access.py); NotFound
    otherwise — never a hint that a hidden film exists."""
    video = db.get(Video, video_id)
    if video is None or not access.may_see_record(video, identity):
        raise NotFound(NOT_FOUND)
    return video


def list_videos(db: Session, identity: Identity, q: VideoQuery, offset: int) -> tuple[list[Video], int]:
    """A page of the videos this identity may watch, matching the filters, best first
    for a search, else newest first."""
    where = [access.visible_to(identity, q.consent_status)]
    order = [Video.created_at.desc(), Video.id.desc()]
    stmt, count = select(Video), select(func.count()).select_from(Video)
    if q.ids:
        where.append(Video.id.in_([int(i) for i in q.ids.split(",")]))
    if q.search and (terms := search_terms(q.search)):
        hits, hit_id, rank = full_text(db, Video, terms)
        stmt, count = stmt.join(hits, hit_id == Video.id), count.join(hits, hit_id == Video.id)
        order.insert(0, rank)
    if q.subject:
        where.append(func.lower(Video.subject) == q.subject.strip().lower())
    if q.phase:
        # phases is a short JSON list: its text holds "KS2" with the quotes exactly when it lists KS2
        where.append(sa.cast(Video.phases, sa.String).contains(f'"{q.phase.value}"'))
    if q.course_id:
        where.append(Video.course_id == q.course_id)
    total = db.exec(count.where(*where)).one()
    limit = 100 if q.ids else q.first
    rows = db.exec(stmt.where(*where).order_by(*order).offset(offset).limit(limit)).all()
    return list(rows), total


def videos_of_courses(db: Session, identity: Identity, course_ids: list[int]) -> list[Video]:
    """The videos of these courses that this identity may watch, by course and title."""
    stmt = (select(Video).where(Video.course_id.in_(course_ids), access.watchable_by(identity))
            .order_by(Video.course_id, Video.title, Video.id))
    return list(db.exec(stmt).all())


def subjects(db: Session, identity: Identity) -> list[str]:
    """The subjects of the videos this identity may watch, for the library's filter."""
    return list(db.exec(select(Video.subject).where(access.watchable_by(identity)).distinct()
                        .order_by(Video.subject)))


# ---------- adding and changing ----------


def save_video(db: Session, identity: Identity, data: VideoIn, settings: Settings,
               video_id: int | None = None) -> Video:
    """Add a video (its film from a finished upload or a link to an allowed host) or
    change one's details.  Admins and network leads add; a lead changes their own.
    Refused whole, every problem on its field, and nothing kept: an upload used for the
    film is only used up if the video is saved.  Only an admin makes a film PUBLIC, and
    never one with pupils in it; a new film with pupils (or that does not say) waits
    for consent."""
    access.require_adder(identity)
    video = None
    if video_id is not None:
        video = db.get(Video, video_id)
        if video is None or not access.may_see_record(video, identity):
            raise NotFound(NOT_FOUND)
        access.require_editor(video, identity)
    problems: list[dict] = []
    has_pupils = _has_pupils(video, data, problems)
    if data.visibility == Visibility.PUBLIC and (video is None or video.visibility != Visibility.PUBLIC):
        if not identity.is_admin:
            problems.append(field_error("visibility", "Only a Lighthouse Learning admin can make a video public; "
                                                      "choose trust staff only."))
        elif has_pupils:
            problems.append(field_error("visibility", "A film with pupils in it stays within the trust; "
                                                      "choose trust staff only."))
    if data.course_id is not None and db.get(Course, data.course_id) is None:
        problems.append(field_error("course_id", "There is no such course; choose one from the list."))
    _check_film(video, data, problems)
    if problems:
        raise Invalid("The video was not saved; see what to change beside each field.", problems)
    # A new film is fetched only now, once all else is right; should what follows refuse
    # the video, the transaction rolls back and the upload is there to be used again.
    film = _new_film(db, identity, data, settings) if video is None else {}
    duration = film["duration_seconds"] if video is None else video.duration_seconds
    chapters, vtt, transcript = _timed_parts(data, duration)
    # A change that leaves the captions or the chapters out keeps them as they are.
    if video is not None and "captions_vtt" not in data.model_fields_set:
        vtt, transcript = video.captions_vtt, video.transcript
    if video is not None and "chapters" not in data.model_fields_set:
        chapters = video.chapters
    before = _audited(video) if video else {}
    values = {"title": data.title, "description": data.description, "subject": data.subject,
              "phases": [p.value for p in sorted(data.phases, key=list(Phase).index)],
              "course_id": data.course_id, "visibility": data.visibility, "chapters": chapters,
              "captions_vtt": vtt, "transcript": transcript}
    if video is None:
        video = Video(**values, **film, has_pupils=has_pupils,
                      consent_status=ConsentStatus.PENDING if has_pupils else ConsentStatus.NOT_NEEDED,
                      uploaded_by_id=identity.person_id or 0, uploaded_by_name=identity.name[:160] or "Someone")
        db.add(video)
    else:
        for key, value in values.items():
            setattr(video, key, value)
        video.updated_at = utcnow()
    db.flush()
    action = "video.changed" if before else "video.added"
    audit.log_action(db, AuditEntry, identity, action, ("video", video.id), audit.diff(before, _audited(video)),
                     label=video.title)
    return video


def _has_pupils(video: Video | None, data: VideoIn, problems: list[dict]) -> bool:
    if video is None:
        return True if data.has_pupils is None else data.has_pupils
    if data.has_pupils is not None and data.has_pupils != video.has_pupils:
        problems.append(field_error("has_pupils", "Whether pupils are in the film is changed with its consent "
                                                  "record, which keeps who changed it and why."))
    return video.has_pupils


def _check_film(video: Video | None, data: VideoIn, problems: list[dict]) -> None:
    """Checks that a new video names its film once and a saved one keeps its own."""
    if video is None:
        if bool(data.upload_id) == bool(data.source_url):
            message = "Upload the video's file, or give a link to it, but not both."
            problems.append(field_error("upload_id" if data.upload_id else "source_url", message))
        return
    if data.upload_id or (data.source_url and data.source_url != video.source_url):
        problems.append(field_error("upload_id" if data.upload_id else "source_url",
                                    "A video's film cannot be swapped for another; add the new film as a new "
                                    "video."))


def _new_film(db: Session, identity: Identity, data: VideoIn, settings: Settings) -> dict:
    if data.source_url:
        return {"source": LINK, "source_url": media.check_link(data.source_url, settings), "duration_seconds": 0}
    stored = media.finish_upload(db, identity, data.upload_id)
    return {"source": UPLOAD, "storage_key": stored.key, "poster_key": stored.poster_key,
            "content_type": stored.content_type, "size_bytes": stored.size, "duration_seconds": stored.duration}


def _timed_parts(data: VideoIn, duration: int) -> tuple[list[dict], str | None, str | None]:
    """(the chapters in order of their start, the captions, their transcript), or one
    refusal naming every chapter at fault and what is wrong with the captions."""
    problems, seen = [], {}
    for i, chapter in enumerate(data.chapters):
        where = ["chapters", i, "starts_at_seconds"]
        if duration and chapter.starts_at_seconds >= duration:
            problems.append(field_error(where, f"Chapter {i + 1} starts at "
                                               f"{captions.clock(chapter.starts_at_seconds)}, after the video "
                                               f"ends at {captions.clock(duration)}."))
        elif chapter.starts_at_seconds in seen:
            problems.append(field_error(where, f"Chapters {seen[chapter.starts_at_seconds] + 1} and {i + 1} start "
                                               "at the same time; give each its own."))
        seen.setdefault(chapter.starts_at_seconds, i)
    vtt = transcript = None
    try:
        vtt, transcript = captions.checked(data.captions_vtt, duration)
    except Invalid as refused:
        problems += refused.field_errors
    if problems:
        raise Invalid("The video was not saved; see what to change beside each field.", problems)
    chapters = [{"title": c.title, "starts_at_seconds": c.starts_at_seconds}
                for c in sorted(data.chapters, key=lambda c: c.starts_at_seconds)]
    return chapters, vtt, transcript


# ---------- consent ----------

CONSENT_PHRASES = {
    ConsentStatus.CONFIRMED: "It can now be watched by trust staff.",
    ConsentStatus.WITHDRAWN: "It is hidden from everyone, everywhere, from now on.",
    ConsentStatus.PENDING: "Only its uploader and admins can watch it until consent is confirmed.",
    ConsentStatus.NOT_NEEDED: "It has no pupils in it, so it needs no consent.",
}


def record_consent(db: Session, identity: Identity, video_id: int, status: ConsentStatus, note: str) -> Video:
    """Record a film's consent: confirmed (with its basis), withdrawn (hidden at once
    from every list, page and playback URL — they all ask videos/access.py), back to
    waiting, or not needed (no pupils in it).  Who did it, when and why are kept on the
    video and in the audit trail, in this transaction.  A film that gains pupils stops
    being PUBLIC in the same change (the database insists)."""
    video = db.get(Video, video_id)
    if video is None or not access.may_see_record(video, identity):
        raise NotFound(NOT_FOUND)
    if (why := access.may_record_consent(video, identity, status)) is not None:
        raise Forbidden(why)
    if status == video.consent_status:
        raise Conflict(f"Consent is already recorded as {status.value.replace('_', ' ').lower()}; nothing changed.",
                       [field_error("status", "Choose a different answer, or leave it as it is.")])
    before = _audited(video) | {"consent_note": video.consent_note}
    video.consent_status = status
    video.has_pupils = status != ConsentStatus.NOT_NEEDED
    if video.has_pupils and video.visibility == Visibility.PUBLIC:
        video.visibility = Visibility.TRUST
    video.consent_by_id, video.consent_by_name = identity.person_id, identity.name[:160] or "Someone"
    video.consent_at = video.updated_at = utcnow()
    video.consent_note = note
    db.flush()
    audit.log_action(db, AuditEntry, identity, f"video.consent_{status.value.lower()}", ("video", video.id),
                     audit.diff(before, _audited(video) | {"consent_note": note}), label=video.title)
    return video
