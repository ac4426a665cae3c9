"""HTTP for the video library's files: resumable uploads (tus 1.0, core + creation) at
/videos/uploads, and signed playback with HTTP Range at /media/videos/<id>/<kind>.
Thin: headers parsed here, the work in videos/uploads.py and videos/media.py.

The browser reaches both through the gateway (gateway/media), which streams bodies
both ways and adds the service token.
"""
from __future__ import annotations

from typing import Annotated, Literal

from flask import Response, current_app, jsonify, request
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from services.catalogue.db import database
from services.catalogue.videos import media, uploads
from services.catalogue.videos.models import VideoUpload
from services.catalogue.videos.storage import storage_for
from shared.db import request_session
from shared.errors import ApiError, Forbidden, Invalid, NotFound, field_error
from shared.web import SECURITY, current_identity

TUS_VERSION = "1.0.0"
TUS_CHUNK_TYPE = "application/offset+octet-stream"

bp = APIBlueprint("video_media", __name__, abp_tags=[Tag(name="video files")], abp_security=SECURITY)


class ErrorOut(BaseModel):
    code: str
    message: str
    fieldErrors: list[dict]


class UploadPath(BaseModel):
    upload_id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]


class UploadOut(BaseModel):
    id: str
    filename: str
    offset: int = Field(description="Bytes safely stored so far: where to carry on.")
    length: int
    complete: bool = Field(description="The whole file has come, been checked, and can be saved as a video.")
    content_type: str | None
    duration_seconds: int


class PlaybackPath(BaseModel):
    video_id: int
    kind: Literal["stream", "poster"]


class PlaybackQuery(BaseModel):
    # Text, checked by the signature: a URL tampered with is a 403, whatever was changed.
    model_config = ConfigDict(extra="ignore")
    person: Annotated[str, StringConstraints(max_length=20)] = ""
    expires: Annotated[str, StringConstraints(max_length=20)] = ""
    sig: Annotated[str, StringConstraints(max_length=128)] = ""


class PreconditionFailed(ApiError):
    status, code = 412, "precondition_failed"


class UnsupportedChunk(ApiError):
    status, code = 415, "unsupported_media_type"


ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 410: ErrorOut, 412: ErrorOut,
          413: ErrorOut, 415: ErrorOut, 422: ErrorOut}


def _settings():
    return current_app.extensions["lighthouse_settings"]


def _storage():
    return storage_for(_settings())


def _out(upload: VideoUpload) -> dict:
    return UploadOut(id=upload.id, filename=upload.filename, offset=upload.offset, length=upload.size_bytes,
                     complete=upload.completed_at is not None, content_type=upload.content_type,
                     duration_seconds=upload.duration_seconds).model_dump(mode="json")


def _tus_request() -> None:
    if request.headers.get("Tus-Resumable") != TUS_VERSION:
        raise PreconditionFailed(f"This server speaks tus {TUS_VERSION}; send the header Tus-Resumable: "
                                 f"{TUS_VERSION}.")


def _bytes_header(name: str) -> int | None:
    text = request.headers.get(name)
    if text is None:
        return None
    if not text.strip().isdigit() or len(text.strip()) > 15:
        message = f"{name} must be a whole number of bytes."
        raise Invalid(message, [field_error(["header", name], message)])
    return int(text)


@bp.after_request
def _tus_headers(response: Response) -> Response:
    if request.path.startswith("/videos/uploads"):
        response.headers["Tus-Resumable"] = TUS_VERSION
        response.headers["Tus-Version"] = TUS_VERSION
        response.headers["Tus-Extension"] = "creation"
        response.headers["Tus-Max-Size"] = str(_settings().video_max_bytes)
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/videos/uploads", responses={201: UploadOut, **ERRORS})
def create_upload():
    """Start an upload (tus creation): Upload-Length says how big the file is; the
    answer's Location is where its chunks go.  Admins and network leads only."""
    _tus_request()
    upload = uploads.create_upload(request_session(), current_identity(), _bytes_header("Upload-Length"),
                                   request.headers.get("Upload-Metadata"), _settings())
    return _out(upload), 201, {"Location": f"/videos/uploads/{upload.id}", "Upload-Offset": "0",
                               "Upload-Length": str(upload.size_bytes)}


@bp.get("/videos/uploads/<upload_id>", responses={200: UploadOut, **ERRORS})
def upload_status(path: UploadPath):
    """Where one's own upload stands (HEAD answers the same in Upload-Offset and
    Upload-Length, as tus asks); a refused upload is 410 with the reason."""
    upload = uploads.upload_of(request_session(), current_identity(), path.upload_id)
    if upload.error:
        raise uploads.Gone(upload.error)
    return _out(upload), 200, {"Upload-Offset": str(upload.offset), "Upload-Length": str(upload.size_bytes)}


@bp.patch("/videos/uploads/<upload_id>", responses={204: None, **ERRORS})
def upload_chunk(path: UploadPath):
    """The next chunk of the file, from Upload-Offset, as application/offset+octet-stream.
    204 with the new Upload-Offset; the last chunk answers once the file is checked."""
    _tus_request()
    if request.mimetype != TUS_CHUNK_TYPE:
        raise UnsupportedChunk(f"Send the chunk as {TUS_CHUNK_TYPE}.")
    start = _bytes_header("Upload-Offset")
    if start is None:
        raise Invalid("Say where this chunk starts (Upload-Offset).", [field_error(["header", "Upload-Offset"],
                                                                                  "This header is required.")])
    settings = _settings()
    # Chunks run far past the 1 MiB a service takes otherwise; the upload's own size
    # bounds them (uploads.receive_chunk), and they are read a piece at a time.
    request.max_content_length = settings.video_max_bytes
    upload = uploads.receive_chunk(database(settings), current_identity(), path.upload_id, start,
                                   request.content_length, request.stream, settings, _storage())
    return "", 204, {"Upload-Offset": str(upload.offset), "Upload-Length": str(upload.size_bytes)}


# ---------- playback ----------


class RangeNotSatisfiable(Exception):
    pass


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The one byte range (first, last, both included) a Range header asks for, None to
    send the whole file.  A header that is not a single `bytes=` range is ignored, as
    HTTP allows; a range that starts past the end cannot be met (416)."""
    if not header:
        return None
    unit, _, spec = header.partition("=")
    first, dash, last = spec.strip().partition("-")
    if unit.strip().lower() != "bytes" or "," in spec or not dash:
        return None
    try:
        if first.strip() == "":
            wanted = int(last)
            if wanted <= 0 or size == 0:
                raise RangeNotSatisfiable
            return max(0, size - wanted), size - 1
        start, end = int(first), int(last) if last.strip() else size - 1
    except ValueError:
        return None
    if start < 0 or (last.strip() and end < start):
        return None
    if start >= size:
        raise RangeNotSatisfiable
    return start, min(end, size - 1)


@bp.get("/media/videos/<int:video_id>/<kind>", responses={200: None, 206: None, **ERRORS})
def play(path: PlaybackPath, query: PlaybackQuery):
    """A video's file (`stream`) or poster frame (`poster`) through a signed playback URL
    (videos/media.py), whole or one byte range; checked against the video as it is now
    on every request.  Streamed a chunk at a time."""
    settings = _settings()
    try:
        person, expires = int(query.person), int(query.expires)
    except ValueError:
        raise Forbidden("This video link is not valid; reload the page to get a new one.") from None
    # A read of its own, let go before the bytes flow: a long stream holds no transaction.
    with database(settings).lone_read() as reader:
        video, key = media.check_playback(reader, current_identity(), path.video_id, path.kind, person, expires,
                                          query.sig, settings)
    store = _storage()
    size = store.size(key)
    if size is None:
        raise NotFound("This video's file is missing; tell the Lighthouse Learning team.")
    headers = {"Accept-Ranges": "bytes", "Cache-Control": "private, no-store",
               "Content-Type": (video.content_type or "video/mp4") if path.kind == media.STREAM else "image/jpeg"}
    try:
        wanted = byte_range(request.headers.get("Range"), size)
    except RangeNotSatisfiable:
        refusal = jsonify(code="range_not_satisfiable", fieldErrors=[],
                          message=f"That part of the file does not exist: it is {size:,} bytes long.")
        refusal.status_code = 416
        refusal.headers["Content-Range"] = f"bytes */{size}"
        return refusal
    start, end = wanted or (0, size - 1)
    headers["Content-Length"] = str(end - start + 1 if size else 0)
    if wanted:
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    body = store.read(key, start, end) if size else iter(())
    return Response(body, status=206 if wanted else 200, headers=headers, direct_passthrough=True)
