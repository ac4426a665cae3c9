"""Streaming proxies to the catalogue's video files, adding the viewer's service token:

- `/uploads/videos[/<id>]`: resumable uploads (tus 1.0; the catalogue speaks it at
  /videos/uploads).  A chunk is passed on as it arrives, a piece at a time.
- `/media/videos/<id>/<kind>?…`: the signed playback URLs the catalogue hands out
  (services/catalogue/videos/media.py), with the browser's Range header, the bytes
  passed back as they come.

Neither ever holds a body in memory, so the gateway's memory stays flat whatever the
file size and however many people watch; the catalogue decides everything (who may
upload, whether a URL still plays).  These do not go through `Backends.fetch`, which
reads whole answers under a five-second limit: a chunk of a video takes longer.
"""
from __future__ import annotations

import threading

import urllib3
from flask import Blueprint, Response, current_app, g, jsonify, request
from werkzeug.exceptions import ClientDisconnected

from gateway.backends import FRIENDLY
from shared.logs import current_request_id

bp = Blueprint("media", __name__)

PIECE = 256 * 1024
# Headers passed on as they came, each way.
TUS_REQUEST = ("Tus-Resumable", "Upload-Length", "Upload-Offset", "Upload-Metadata", "Content-Type")
TUS_ANSWER = ("Tus-Resumable", "Tus-Version", "Tus-Extension", "Tus-Max-Size", "Upload-Offset", "Upload-Length",
              "Cache-Control", "Content-Type")
PLAY_ANSWER = ("Content-Type", "Content-Length", "Content-Range", "Accept-Ranges", "Cache-Control")
_lock = threading.Lock()


def _pool() -> urllib3.HTTPConnectionPool:
    """One pool per worker process (made on first use, after gunicorn forks).  A read
    may wait minutes: the last chunk of an upload answers once the whole file has been
    checked; a viewer may pause with a connection open."""
    pool = current_app.extensions.get("lighthouse_media_pool")
    if pool is None:
        with _lock:
            pool = current_app.extensions.get("lighthouse_media_pool")
            if pool is None:
                url = current_app.extensions["lighthouse_settings"].catalogue_url
                pool = urllib3.connection_from_url(url, maxsize=64, block=False, retries=False,
                                                   timeout=urllib3.Timeout(connect=5, read=600))
                current_app.extensions["lighthouse_media_pool"] = pool
    return pool


def _unavailable():
    body = jsonify(code="unavailable", fieldErrors=[],
                   message=f"{FRIENDLY['catalogue']} is unavailable just now; please try again in a minute.")
    body.status_code = 503
    return body


def _call(method: str, path: str, headers: dict, body=None) -> urllib3.BaseHTTPResponse:
    backends = current_app.extensions["lighthouse_backends"]
    headers = {**headers, **backends.auth_headers("catalogue", g.identity, current_request_id())}
    return _pool().urlopen(method, path, body=body, headers=headers, preload_content=False, decode_content=False,
                           release_conn=False, redirect=False)


def _streamed(upstream: urllib3.BaseHTTPResponse):
    """The upstream body a piece at a time; a viewer who goes away (a seek, a closed tab)
    closes it, and its connection is dropped rather than drained."""
    whole = False
    try:
        for piece in upstream.stream(PIECE, decode_content=False):
            yield piece
        whole = True
    finally:
        if not whole:
            upstream.close()
        upstream.release_conn()


def _answer(upstream: urllib3.BaseHTTPResponse, names: tuple[str, ...], rewrite_location: bool = False):
    headers = {name: upstream.headers[name] for name in names if name in upstream.headers}
    if rewrite_location and "Location" in upstream.headers:
        headers["Location"] = upstream.headers["Location"].replace("/videos/uploads/", "/uploads/videos/", 1)
    return Response(_streamed(upstream), status=upstream.status, headers=headers, direct_passthrough=True)


# ---------- playback ----------


@bp.route("/media/videos/<int:video_id>/<kind>", methods=["GET"])
def play(video_id: int, kind: str):
    """Signed playback: the URL is the credential, checked by the catalogue for the
    person signed in now (a visitor, for a public film)."""
    if kind not in ("stream", "poster"):
        return jsonify(code="not_found", fieldErrors=[], message="There is no such video file."), 404
    headers = {name: request.headers[name] for name in ("Range",) if name in request.headers}
    path = f"/media/videos/{video_id}/{kind}?{request.query_string.decode('latin-1')}"
    try:
        upstream = _call(request.method, path, headers)
    except urllib3.exceptions.HTTPError:
        return _unavailable()
    if upstream.status >= 500:
        upstream.release_conn()
        return _unavailable()
    return _answer(upstream, PLAY_ANSWER)


# ---------- uploads (tus) ----------


def _signed_in_first():
    if g.get("person") is None:
        return jsonify(code="unauthorized", fieldErrors=[], message="Sign in to upload videos."), 401
    return None


@bp.route("/uploads/videos", methods=["POST"])
def create_upload():
    refusal = _signed_in_first()
    if refusal:
        return refusal
    return _pass_on("POST", "/videos/uploads", body=None)


@bp.route("/uploads/videos/<upload_id>", methods=["GET", "PATCH"])
def upload(upload_id: str):
    refusal = _signed_in_first()
    if refusal:
        return refusal
    if not upload_id.replace("-", "").replace("_", "").isalnum() or len(upload_id) > 64:
        return jsonify(code="not_found", fieldErrors=[], message="There is no such upload."), 404
    path = f"/videos/uploads/{upload_id}"
    if request.method != "PATCH":
        return _pass_on(request.method, path, body=None)
    if request.content_length is None:
        return jsonify(code="length_required", fieldErrors=[],
                       message="Say how long this chunk is (Content-Length)."), 411
    # The gateway takes 256 KiB bodies otherwise; a chunk is bounded by the upload's
    # declared size, which the catalogue checks before it reads a byte.
    request.max_content_length = current_app.extensions["lighthouse_settings"].video_max_bytes
    return _pass_on("PATCH", path, body=_pieces(request.stream, request.content_length),
                    length=request.content_length)


def _pieces(stream, length: int):
    left = length
    while left > 0:
        piece = stream.read(min(PIECE, left))
        if not piece:
            return  # the browser went away: the catalogue keeps what it was sent
        left -= len(piece)
        yield piece


def _pass_on(method: str, path: str, body, length: int | None = None):
    headers = {name: request.headers[name] for name in TUS_REQUEST if name in request.headers}
    if length is not None:
        headers["Content-Length"] = str(length)
    try:
        upstream = _call(method, path, headers, body)
    except ClientDisconnected:
        # The browser went away midway through its chunk: urllib3 has closed the
        # catalogue's connection, so the catalogue keeps what came.  Nobody to answer.
        return Response(status=400)
    except (urllib3.exceptions.HTTPError, OSError):
        return _unavailable()
    if upstream.status >= 500 and upstream.status != 503:
        upstream.release_conn()
        return _unavailable()
    return _answer(upstream, TUS_ANSWER, rewrite_location=True)
