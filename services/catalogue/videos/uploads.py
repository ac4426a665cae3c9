"""Resumable uploads (tus 1.0 core + creation): a file arrives in chunks, each stored
as it comes, so a dropped connection costs only the chunk in flight; the last chunk
has the whole file checked (videos/probe.py) and stored where it will be played from.

Each chunk is written to the scratch disk first (never held in memory), then — under
a conditional UPDATE that moves the upload's offset from exactly where the chunk
starts — stored as its own object `uploads/<id>/<offset>`.  Two chunks sent for the
same offset at once (a client retrying too eagerly, two tabs) race for that UPDATE:
PostgreSQL's row lock and SQLite's write lock let one in, the other finds the offset
moved and is refused with 409 before it stores a byte, so the file is never a mix of
both.  A chunk cut off halfway keeps what arrived, and HEAD says where to resume.

An upload nobody finishes is removed by the catalogue's scheduler after a day
(`remove_abandoned_uploads`), files and all.
"""
from __future__ import annotations

import base64
import binascii
import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO

import sqlalchemy as sa
from sqlmodel import Session, select
from werkzeug.exceptions import ClientDisconnected

from services.catalogue.videos import probe
from services.catalogue.videos.models import Video, VideoUpload
from services.catalogue.videos.storage import CHUNK, Storage
from shared.clock import utcnow
from shared.db import Database, after_commit, begin_write
from shared.errors import ApiError, Conflict, Forbidden, Invalid, NotFound
from shared.settings import Settings
from shared.tokens import Identity
from shared.vocabulary import Role

ABANDONED_AFTER = timedelta(days=1)


class TooLarge(ApiError):
    status, code = 413, "too_large"


class Gone(ApiError):
    status, code = 410, "gone"


def staging_prefix(upload_id: str) -> str:
    return f"uploads/{upload_id}/"


def media_prefix(upload_id: str) -> str:
    """Where an upload's file and poster frame are kept once checked (and then, for as
    long as it is in the library, the video's)."""
    return f"videos/{upload_id}/"


def _part_key(upload_id: str, start: int) -> str:
    # zero-padded, so the parts list in the order they join up
    return f"{staging_prefix(upload_id)}{start:015d}"


def _gib(size: int) -> str:
    return f"{size / 1024**3:.1f} GB" if size >= 1024**3 else f"{size / 1024**2:.0f} MB"


def create_upload(db: Session, identity: Identity, length: int | None, metadata: str | None,
                  settings: Settings) -> VideoUpload:
    """A new upload of a file of `length` bytes (tus Upload-Length) by an admin or a
    network lead.  Refused whole — nothing made — when the file is empty or over the
    size limit (LL_VIDEO_MAX_BYTES)."""
    if not (identity.is_admin or identity.has_role(Role.NETWORK_LEAD)):
        raise Forbidden("Only Lighthouse Learning admins and network leads can upload videos.")
    if length is None:
        raise Invalid("Say how big the file is (the Upload-Length header, in bytes); "
                      "uploads of unknown length are not taken.")
    if length <= 0:
        raise Invalid("This file is empty; choose the video file itself.")
    if length > settings.video_max_bytes:
        raise TooLarge(f"This file is {_gib(length)}; a video can be at most {_gib(settings.video_max_bytes)}. "
                       "Trim it, or export it at a lower quality (720p is plenty for a lesson film).")
    upload = VideoUpload(id=secrets.token_urlsafe(24), created_by_id=identity.person_id or 0,
                         filename=_filename(metadata), size_bytes=length)
    db.add(upload)
    db.flush()
    return upload


def _filename(metadata: str | None) -> str:
    """The file's name from tus Upload-Metadata (`filename <base64>,…`), for people to
    recognise it by; its content decides what it is, never its name."""
    for pair in (metadata or "").split(","):
        key, _, value = pair.strip().partition(" ")
        if key == "filename" and value:
            try:
                name = base64.b64decode(value, validate=True).decode("utf-8", "replace")
            except (binascii.Error, ValueError):
                return ""
            return name.replace("\\", "/").rsplit("/", 1)[-1].replace("\x00", "")[:255]
    return ""


def upload_of(db: Session, identity: Identity, upload_id: str) -> VideoUpload:
    """The caller's own upload; someone else's is as unknown as one never made."""
    upload = db.get(VideoUpload, upload_id) if len(upload_id) <= 64 else None
    if upload is None or upload.created_by_id != (identity.person_id or 0):
        raise NotFound("There is no such upload (it may have been abandoned and removed); upload the file again.")
    return upload


def receive_chunk(database: Database, identity: Identity, upload_id: str, start: int, length: int | None,
                  body: BinaryIO, settings: Settings, store: Storage) -> VideoUpload:
    """Store the chunk of `length` bytes that `body` holds, which starts at byte `start`
    of the file (tus PATCH).  Refused, storing nothing, when the upload has moved past
    `start` or another chunk for `start` got there first (409), or the chunk would run
    past the declared size (413).  A chunk cut off keeps what arrived.  The last chunk
    has the whole file checked and stored; a file that is not a playable video is
    refused (415), its bytes deleted.  Answers the upload as it now stands."""
    with database.lone_read() as reader:
        upload = upload_of(reader, identity, upload_id)
    if upload.error:
        raise Gone(upload.error)
    if upload.completed_at is not None or start != upload.offset:
        raise Conflict(f"This upload has {upload.offset:,} of its {upload.size_bytes:,} bytes; carry on from "
                       f"byte {upload.offset:,} (ask with HEAD, then send Upload-Offset: {upload.offset}).")
    if length is None:
        raise ApiError("Say how long this chunk is (Content-Length).", code="length_required")
    if start + length > upload.size_bytes:
        raise TooLarge(f"This chunk would take the file past the {upload.size_bytes:,} bytes it was said to be; "
                       "start the upload again with the right size.")
    scratch = settings.video_scratch_path
    scratch.mkdir(parents=True, exist_ok=True)
    spooled, head = _spool(body, length, scratch)
    try:
        got = spooled.stat().st_size
        if start == 0:
            probe.sniff(head)  # a document renamed .mp4 goes no further than its first chunk
        if got:
            with database.session() as db:
                begin_write(db)
                _claim(db, upload_id, start, got)
                store.put_file(_part_key(upload_id, start), spooled, "application/octet-stream")
    finally:
        spooled.unlink(missing_ok=True)
    upload.offset = start + got
    # The last chunk finishes the upload; an empty PATCH at the end tries again when
    # finishing failed for a reason of ours (ffprobe missing, the bucket away).
    if upload.offset == upload.size_bytes:
        return finish(database, upload, settings, store)
    return upload


def _spool(body: BinaryIO, length: int, scratch: Path) -> tuple[Path, bytes]:
    """The chunk written to the scratch disk a piece at a time, and its first bytes;
    a client that goes away midway leaves what it sent."""
    fd, name = tempfile.mkstemp(dir=scratch, suffix=".chunk")
    head, left = b"", length
    with os.fdopen(fd, "wb") as out:
        try:
            while left > 0:
                piece = body.read(min(CHUNK, left))
                if not piece:
                    break
                if len(head) < 16:
                    head += piece[:16 - len(head)]
                out.write(piece)
                left -= len(piece)
        except (ClientDisconnected, ConnectionError, OSError):
            pass  # keep what came: the client resumes from the offset HEAD gives
    return Path(name), head


def _claim(db: Session, upload_id: str, start: int, got: int) -> None:
    """Move the offset from `start` to `start + got`, or refuse: the one guard that lets
    a single chunk per offset in (the row stays locked until the chunk is stored)."""
    moved = db.execute(sa.update(VideoUpload).where(
        VideoUpload.id == upload_id, VideoUpload.offset == start, VideoUpload.completed_at.is_(None),
        VideoUpload.error.is_(None)).values(offset=start + got, updated_at=utcnow())).rowcount
    if moved != 1:
        raise Conflict("Another copy of this chunk arrived first; ask where the upload stands (HEAD) and carry on "
                       "from there.")


def finish(database: Database, upload: VideoUpload, settings: Settings, store: Storage) -> VideoUpload:
    """The whole file, joined from its chunks on the scratch disk, probed, given a
    poster frame and stored under `videos/<id>/`; the upload marked complete with what
    the probe found.  A file that is no playable video is refused with a sentence, and
    nothing of it is kept: its chunks deleted, the refusal kept on the upload."""
    scratch = settings.video_scratch_path
    joined = scratch / f"{upload.id}.joined"
    poster = scratch / f"{upload.id}.jpg"
    try:
        _join(store, upload, joined)
        found = probe.probe(joined)
        key = f"{media_prefix(upload.id)}video.{found.extension}"
        poster_key = f"{media_prefix(upload.id)}poster.jpg" if probe.poster_frame(
            joined, poster, found.duration_seconds) else None
        store.put_file(key, joined, found.content_type)
        if poster_key:
            store.put_file(poster_key, poster, "image/jpeg")
        now = utcnow()
        facts = {"storage_key": key, "poster_key": poster_key, "content_type": found.content_type,
                 "duration_seconds": found.duration_seconds, "completed_at": now, "updated_at": now}
        with database.session() as db:
            done = db.execute(sa.update(VideoUpload).where(
                VideoUpload.id == upload.id, VideoUpload.completed_at.is_(None), VideoUpload.error.is_(None))
                .values(**facts)).rowcount
        if not done:
            raise Conflict("This upload was finished or refused a moment ago; ask where it stands (HEAD).")
    except (probe.Unsupported, Gone) as refused:
        _forget(database, store, upload.id, refused.message)
        raise
    finally:
        joined.unlink(missing_ok=True)
        poster.unlink(missing_ok=True)
    store.delete_prefix(staging_prefix(upload.id))  # what is left of a crash here, the scheduler sweeps
    for name, value in facts.items():
        setattr(upload, name, value)
    return upload


def _join(store: Storage, upload: VideoUpload, joined: Path) -> None:
    parts = {int(s.key.rsplit("/", 1)[1]): s for s in store.list(staging_prefix(upload.id))
             if s.key.rsplit("/", 1)[1].isdigit()}
    at = 0
    with open(joined, "wb") as out:
        while at < upload.size_bytes and at in parts and parts[at].size:
            at += store.copy_into(parts[at].key, out)
    if at != upload.size_bytes:
        raise Gone("Part of this upload went missing before it could be checked; upload the file again.")


def _forget(database: Database, store: Storage, upload_id: str, why: str) -> None:
    """Keep the refusal on the upload and delete its bytes — unless it was finished
    meanwhile (an eager retry), whose files are then the good ones."""
    with database.session() as db:
        refused = db.execute(sa.update(VideoUpload).where(
            VideoUpload.id == upload_id, VideoUpload.completed_at.is_(None), VideoUpload.error.is_(None))
            .values(error=why[:500], updated_at=utcnow())).rowcount
    if refused:
        store.delete_prefix(staging_prefix(upload_id))
        store.delete_prefix(media_prefix(upload_id))


def remove_abandoned_uploads(db: Session, store: Storage, now=None) -> int:
    """Uploads untouched for a day — never finished, refused, or finished but never
    saved as a video — removed with their files; and files under uploads/ or videos/
    that no upload or video owns any more (left by a crash between deleting a row and
    its files), once a day old.  A file a video plays is never touched.  Idempotent:
    a second run finds nothing.  How many uploads and stray folders went."""
    cutoff = (now or utcnow()) - ABANDONED_AFTER
    stale = db.exec(select(VideoUpload.id).where(VideoUpload.updated_at < cutoff)).all()
    if stale:
        # Conditional on still being stale: a chunk arriving meanwhile keeps its upload.
        db.execute(sa.delete(VideoUpload).where(VideoUpload.id.in_(stale), VideoUpload.updated_at < cutoff))
    live = set(db.exec(select(VideoUpload.id)).all())
    played = {key.split("/")[1] for key in db.exec(select(Video.storage_key).where(Video.storage_key.is_not(None)))}
    played |= {key.split("/")[1] for key in db.exec(select(Video.poster_key).where(Video.poster_key.is_not(None)))}
    strays = {(s.key.split("/")[0], s.key.split("/")[1]) for prefix in ("uploads/", "videos/")
              for s in store.list(prefix) if s.modified < cutoff}
    doomed = (set(stale) | {upload_id for folder, upload_id in strays
                            if folder == "uploads" or upload_id not in played}) - live
    # The rows go with this transaction; the files once it has committed, so a
    # rollback never leaves a row whose files are gone.
    after_commit(db, ("remove_abandoned_uploads", tuple(sorted(doomed))), lambda: [
        (store.delete_prefix(staging_prefix(upload_id)),
         upload_id in played or store.delete_prefix(media_prefix(upload_id))) for upload_id in sorted(doomed)])
    return len(doomed)
