"""The media backbone's operations for the rest of the video library: saving a finished
upload as a video's file, playback URLs, and checking a link to a video elsewhere.

Playback URLs are short-lived and bound to one video, one file of it and one person:
`/media/videos/<id>/<kind>?person=…&expires=…&sig=…`, signed with HMAC-SHA256 under
the catalogue's own secret LL_VIDEO_URL_KEY (one purpose: nothing else is signed with
it).  The gateway serves them at the same path, adding the viewer's service token; the
catalogue checks the signature, the time, the viewer and — on every request, so a
withdrawal stops URLs already handed out — whether the video may still be watched.
"""
from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

from sqlmodel import Session, select

from services.catalogue.videos.models import UPLOAD, Video, VideoUpload
from services.catalogue.videos.uploads import upload_of
from shared.errors import Conflict, Forbidden, Invalid, NotFound, field_error
from shared.settings import Settings, get_settings
from shared.tokens import Identity
from shared.vocabulary import ConsentStatus, Visibility

STREAM, POSTER = "stream", "poster"


@dataclass(frozen=True)
class StoredVideo:
    """What a finished upload became: where its file and poster frame are kept, what
    kind of video it is and how long it runs."""

    key: str
    content_type: str
    size: int
    duration: int
    poster_key: str | None


def finish_upload(session: Session, identity: Identity, upload_id: str) -> StoredVideo:
    """The caller's finished upload, checked and stored, as a video's file — used up,
    so it becomes one video only (its row is deleted in the caller's transaction:
    should that roll back, the upload is there to try again).  Refused with a sentence
    when it is someone else's or unknown (404), still arriving or being checked (409),
    or was refused as no playable video (422)."""
    upload = upload_of(session, identity, upload_id)
    # Locked for the rest of the transaction: two saves of one upload make one video.
    upload = session.exec(select(VideoUpload).where(VideoUpload.id == upload.id).with_for_update()).one()
    if upload.error:
        raise Invalid(upload.error, [field_error("upload_id", upload.error)])
    if upload.completed_at is None or not upload.storage_key:
        if upload.offset < upload.size_bytes:
            share = 100 * upload.offset // upload.size_bytes
            raise Conflict(f"The file has not finished uploading ({share}% has arrived); wait until it has, "
                           "then save.")
        raise Conflict("The file has arrived and is still being checked; save again in a minute.")
    stored = StoredVideo(upload.storage_key, upload.content_type or "video/mp4", upload.size_bytes,
                         upload.duration_seconds, upload.poster_key)
    session.delete(upload)
    session.flush()
    return stored


# ---------- who may watch ----------


def refusal_to_watch(video: Video, identity: Identity) -> str | None:
    """Why `identity` may not watch `video` now, in a sentence; None when they may.
    Withdrawn consent hides a film from everyone; a film with pupils waits for consent
    (its uploader and admins may check it meanwhile); TRUST films are for the trust's
    own people, PUBLIC ones for anyone."""
    if video.consent_status == ConsentStatus.WITHDRAWN:
        return "Consent for this video has been withdrawn, so it can no longer be watched."
    if identity.is_admin:
        return None
    if video.has_pupils and video.consent_status != ConsentStatus.CONFIRMED \
            and video.uploaded_by_id != identity.person_id:
        return "This video cannot be watched until consent for the pupils in it has been recorded."
    if video.visibility != Visibility.PUBLIC and not identity.is_trust_member:
        return "This video is for the trust's own staff; sign in with your school account to watch it."
    return None


# ---------- signed playback URLs ----------


def signed_stream_url(video: Video, person_id: int | None, settings: Settings | None = None) -> str:
    """A playback URL of the video's file for this person (None: a visitor), working
    for LL_VIDEO_URL_TTL seconds (ten minutes unless set)."""
    return _signed(video, person_id, STREAM, settings or get_settings())


def signed_poster_url(video: Video, person_id: int | None, settings: Settings | None = None) -> str | None:
    """The same for its poster frame; None when it has none."""
    return _signed(video, person_id, POSTER, settings or get_settings()) if video.poster_key else None


def _key_of(video: Video, kind: str) -> str | None:
    return video.storage_key if kind == STREAM else video.poster_key


def _mac(settings: Settings, kind: str, video_id: int, stored_key: str, person: int, expires: int) -> str:
    # The stored key is signed too (not shown): a file replaced by another upload does
    # not play through URLs made for the old one.
    message = f"{kind}\n{video_id}\n{stored_key}\n{person}\n{expires}".encode()
    return hmac.new(settings.video_url_key.encode(), message, hashlib.sha256).hexdigest()


def _signed(video: Video, person_id: int | None, kind: str, settings: Settings) -> str:
    if video.source != UPLOAD or not _key_of(video, kind):
        raise ValueError(f"video {video.id} has no {kind} file")
    person, expires = person_id or 0, int(time.time()) + settings.video_url_ttl_seconds
    sig = _mac(settings, kind, video.id, _key_of(video, kind), person, expires)
    return f"/media/videos/{video.id}/{kind}?" + urlencode({"person": person, "expires": expires, "sig": sig})


def check_playback(db: Session, identity: Identity, video_id: int, kind: str, person: int, expires: int,
                   sig: str, settings: Settings) -> tuple[Video, str]:
    """The video and the key of its file that this URL plays, or a refusal: 404 for no
    such file, 403 with a sentence for a URL tampered with, expired, made for someone
    else or for a video that may no longer be watched."""
    video = db.get(Video, video_id)
    stored_key = _key_of(video, kind) if video is not None and kind in (STREAM, POSTER) else None
    if stored_key is None:
        raise NotFound("There is no such video file.")
    if not hmac.compare_digest(_mac(settings, kind, video_id, stored_key, person, expires), sig):
        raise Forbidden("This video link is not valid; reload the page to get a new one.")
    if expires < time.time():
        raise Forbidden("This video link has expired; reload the page to get a new one.")
    if person != (identity.person_id or 0):
        raise Forbidden("This video link was made for someone else; open the video from the library yourself.")
    why = refusal_to_watch(video, identity)
    if why:
        raise Forbidden(why)
    return video, stored_key


# ---------- links to videos elsewhere ----------


def check_link(url: str, settings: Settings | None = None) -> str:
    """A link to a video on an allowed host (LL_VIDEO_LINK_HOSTS: YouTube and Vimeo unless
    set), normalised — https, the host in lower case, no fragment — or a refusal (422)
    saying which hosts are allowed."""
    settings = settings or get_settings()
    allowed = ", ".join(sorted(settings.video_link_host_set))
    text = (url or "").strip()
    try:
        parts = urlsplit(text)
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError:
        parts, host, port = None, "", None
    if parts is None or parts.scheme not in ("https", "http") or not host or any(c.isspace() for c in text):
        raise _bad_link(f"Enter the video's full web address, starting https:// (a link on {allowed}).")
    if parts.username or parts.password or port not in (None, 443):
        raise _bad_link("Enter the video's address as the site shows it, without a user name or port.")
    if host not in settings.video_link_host_set:
        raise _bad_link(f"Videos can only be linked from {allowed}; this link is to {host}. "
                        "Upload the file instead.")
    return urlunsplit(("https", host, parts.path or "/", parts.query, ""))


def _bad_link(message: str) -> Invalid:
    return Invalid(message, [field_error("source_url", message)])
