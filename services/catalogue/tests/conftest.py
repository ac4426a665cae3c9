"""Fixtures of the video library's tests: small videos made on the fly with ffmpeg (lavfi
test patterns — no binary is committed), a tus client, and videos in the catalogue."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from shared import tokens

LEAD = tokens.Identity(subject="7", name="Nadia Lead", grants=(tokens.Grant("network_lead", network_id=1),))
STAFF = tokens.Identity(subject="8", name="Sam Staff", grants=(tokens.Grant("staff", school_id=1),))
ADMIN = tokens.Identity(subject="9", name="Ada Admin", grants=(tokens.Grant("ll_admin"),))
VISITOR = tokens.ANONYMOUS_IDENTITY
TUS = {"Tus-Resumable": "1.0.0"}
CHUNK_TYPE = {"Content-Type": "application/offset+octet-stream"}


@pytest.fixture(scope="session")
def video_files(tmp_path_factory) -> dict[str, Path]:
    """lesson.mp4 (H.264 + AAC) and lesson.webm (VP8 + Opus), four seconds each;
    old-codec.mp4 (MPEG-4 Part 2: an MP4 no browser plays); sound-only.m4a; a PDF
    renamed report.mp4; damaged.mp4 (an MP4's opening box, then noise)."""
    if shutil.which("ffmpeg") is None:
        pytest.fail("ffmpeg is not installed: `make test` installs Debian's ffmpeg package")
    folder = tmp_path_factory.mktemp("videos")
    pattern = ["-f", "lavfi", "-i", "testsrc=duration=4:size=320x240:rate=25"]
    tone = ["-f", "lavfi", "-i", "sine=frequency=440:duration=4"]

    def ffmpeg(name: str, *args: str) -> None:
        subprocess.run(["ffmpeg", "-v", "error", "-y", *args, str(folder / name)], check=True, timeout=120)

    ffmpeg("lesson.mp4", *pattern, *tone, "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
           "-c:a", "aac", "-shortest", "-movflags", "+faststart")
    ffmpeg("lesson.webm", *pattern, *tone, "-c:v", "libvpx", "-deadline", "realtime", "-b:v", "300k",
           "-c:a", "libopus", "-shortest")
    ffmpeg("old-codec.mp4", *pattern, "-c:v", "mpeg4")
    ffmpeg("sound-only.m4a", *tone, "-c:a", "aac")
    (folder / "report.mp4").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + os.urandom(40_000))
    (folder / "damaged.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + os.urandom(60_000))
    return {path.name: path for path in folder.iterdir()}


@pytest.fixture
def tus(service_call):
    """A tus client of the catalogue, as `identity`: `start(length)` → upload id,
    `send(id, offset, data)` → response, `upload(data, chunk)` → (id, last response)."""

    class Client:
        def __init__(self, identity: tokens.Identity = LEAD):
            self.identity = identity

        def start(self, length: int, **headers):
            return service_call("catalogue", "POST", "/videos/uploads", self.identity,
                                headers={**TUS, "Upload-Length": str(length), **headers})

        def send(self, upload_id: str, offset: int, data: bytes, **headers):
            return service_call("catalogue", "PATCH", f"/videos/uploads/{upload_id}", self.identity,
                                headers={**TUS, **CHUNK_TYPE, "Upload-Offset": str(offset), **headers}, content=data,
                                timeout=60)

        def status(self, upload_id: str):
            return service_call("catalogue", "GET", f"/videos/uploads/{upload_id}", self.identity)

        def upload(self, data: bytes, chunk: int = 64 * 1024):
            created = self.start(len(data))
            assert created.status_code == 201, created.text
            upload_id = created.headers["Location"].rsplit("/", 1)[1]
            answer = None
            for at in range(0, len(data), chunk):
                answer = self.send(upload_id, at, data[at:at + chunk])
                if answer.status_code != 204:
                    break
            return upload_id, answer

    return Client


@pytest.fixture
def store(stack):
    """The catalogue's video storage (a folder in the tests), emptied first as the
    tables are, so no test sees another's files."""
    from services.catalogue.videos.storage import storage_for

    shutil.rmtree(stack.settings.video_storage_path, ignore_errors=True)
    return storage_for(stack.settings)


@pytest.fixture
def make_video(stack, store, tmp_path):
    """A video in the catalogue whose file (`data`, any bytes: playback does not probe)
    is in storage; the row's other fields as given."""
    from services.catalogue.db import database
    from services.catalogue.videos.models import Video

    def _make(data: bytes = b"", *, poster: bytes | None = None, **fields) -> Video:
        key = f"videos/v{os.urandom(6).hex()}/video.mp4"
        (tmp_path / "file").write_bytes(data)
        store.put_file(key, tmp_path / "file", "video/mp4")
        poster_key = None
        if poster is not None:
            poster_key = key.replace("video.mp4", "poster.jpg")
            (tmp_path / "poster").write_bytes(poster)
            store.put_file(poster_key, tmp_path / "poster", "image/jpeg")
        values = {"title": "Guided reading in Year 3", "subject": "English", "phases": ["KS2"], "storage_key": key,
                  "poster_key": poster_key, "content_type": "video/mp4", "size_bytes": len(data),
                  "duration_seconds": 60, "uploaded_by_id": 7, "uploaded_by_name": "Nadia Lead", **fields}
        with database().session() as db:
            video = Video(**values)
            db.add(video)
            db.flush()
            return video
    return _make


@pytest.fixture
def cascade(service_call, deliver_fact):
    """The cascade's API as the gateway calls it (cascade_helpers.Cascade)."""
    from services.catalogue.tests.cascade_helpers import Cascade

    return Cascade(service_call, deliver_fact)
