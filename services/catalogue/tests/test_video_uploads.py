"""Resumable uploads (tus 1.0) to the catalogue: a file in chunks, checked from its
content when it has all come, stored with a poster frame; every refusal a 4xx with a
sentence that changes nothing; a finished upload used up by saving it as a video."""
from __future__ import annotations

import pytest
from sqlmodel import select

from services.catalogue.db import database
from services.catalogue.tests.conftest import ADMIN, LEAD, STAFF, TUS
from services.catalogue.videos import media, uploads
from services.catalogue.videos.models import VideoUpload


def _upload_row(upload_id: str) -> VideoUpload | None:
    with database().session() as db:
        return db.get(VideoUpload, upload_id)


def _refused(response, status: int, *words: str) -> None:
    assert response.status_code == status, (response.status_code, response.text)
    body = response.json()
    assert body["message"].endswith(".") and body["code"], body
    for word in words:
        assert word in body["message"], body["message"]


def test_a_video_arrives_in_chunks_is_checked_and_is_used_up_by_saving_it(tus, video_files, store):
    data = video_files["lesson.mp4"].read_bytes()
    client = tus(LEAD)
    created = client.start(len(data), **{"Upload-Metadata": "filename eWVhcjMtcmVhZGluZy5tcDQ="})
    assert created.status_code == 201
    assert created.headers["Tus-Resumable"] == "1.0.0" and created.headers["Upload-Offset"] == "0"
    upload_id = created.headers["Location"].rsplit("/", 1)[1]
    assert created.headers["Location"] == f"/videos/uploads/{upload_id}"
    half = len(data) // 2
    first = client.send(upload_id, 0, data[:half])
    assert first.status_code == 204 and first.headers["Upload-Offset"] == str(half)
    assert client.status(upload_id).json()["complete"] is False
    last = client.send(upload_id, half, data[half:])
    assert last.status_code == 204 and last.headers["Upload-Offset"] == str(len(data))
    status = client.status(upload_id).json()
    assert status == {"id": upload_id, "filename": "year3-reading.mp4", "offset": len(data), "length": len(data),
                      "complete": True, "content_type": "video/mp4", "duration_seconds": 4}
    assert store.list(uploads.staging_prefix(upload_id)) == []  # the chunks are gone, the file stored whole

    with database().session() as db:
        stored = media.finish_upload(db, LEAD, upload_id)
    assert stored.content_type == "video/mp4" and stored.size == len(data) and stored.duration == 4
    assert b"".join(store.read(stored.key, 0, len(data) - 1)) == data
    assert store.size(stored.poster_key) > 1000  # a JPEG of a frame
    assert _upload_row(upload_id) is None  # used up: one upload makes one video
    with database().session() as db, pytest.raises(media.NotFound):
        media.finish_upload(db, LEAD, upload_id)


def test_webm_is_taken_too(tus, video_files):
    upload_id, last = tus(ADMIN).upload(video_files["lesson.webm"].read_bytes(), chunk=1 << 20)
    assert last.status_code == 204
    assert tus(ADMIN).status(upload_id).json()["content_type"] == "video/webm"


@pytest.mark.parametrize("name, words", [
    ("old-codec.mp4", ["MPEG4", "not every browser plays", "H.264"]),
    ("sound-only.m4a", ["no pictures"]),
    ("damaged.mp4", ["could not be read as a video"]),
])
def test_a_file_that_is_no_playable_video_is_refused_when_it_has_come_and_nothing_is_kept(
        tus, video_files, store, name, words):
    client = tus(LEAD)
    upload_id, last = client.upload(video_files[name].read_bytes(), chunk=16 * 1024)
    _refused(last, 415, *words)
    _refused(client.status(upload_id), 410, *words)  # the reason stays with the upload
    assert store.list(uploads.staging_prefix(upload_id)) == store.list(uploads.media_prefix(upload_id)) == []
    with database().session() as db, pytest.raises(media.Invalid, match=words[0]):
        media.finish_upload(db, LEAD, upload_id)


def test_a_disguised_file_is_refused_at_its_first_chunk(tus, video_files, store):
    client = tus(LEAD)
    data = video_files["report.mp4"].read_bytes()
    upload_id = client.start(len(data)).headers["Location"].rsplit("/", 1)[1]
    _refused(client.send(upload_id, 0, data[:8192]), 415, "not a video we can play", "MP4")
    assert client.status(upload_id).json()["offset"] == 0
    assert store.list(uploads.staging_prefix(upload_id)) == []


def test_the_size_limit_and_bad_headers_are_refused_with_sentences(tus, stack):
    client = tus(LEAD)
    limit = stack.settings.video_max_bytes
    _refused(client.start(limit + 1), 413, "2.0 GB", "at most 2.0 GB")
    _refused(client.start(0), 422, "empty")
    _refused(client.start(10, **{"Upload-Length": "ten"}), 422, "Upload-Length must be a whole number")
    _refused(client.start(10, **{"Tus-Resumable": "0.2.2"}), 412, "Tus-Resumable: 1.0.0")
    _refused(tus(STAFF).start(10), 403, "admins and network leads")
    with database().session() as db:
        assert db.exec(select(VideoUpload)).all() == []  # none of those made an upload


def test_chunks_in_the_wrong_place_or_form_are_refused_and_change_nothing(tus, video_files, stack):
    data = video_files["lesson.mp4"].read_bytes()
    client = tus(LEAD)
    upload_id = client.start(len(data)).headers["Location"].rsplit("/", 1)[1]
    assert client.send(upload_id, 0, data[:1000]).status_code == 204
    _refused(client.send(upload_id, 0, data[:1000]), 409, "carry on from byte 1,000")
    _refused(client.send(upload_id, 5000, data[5000:6000]), 409, "Upload-Offset: 1000")
    _refused(client.send(upload_id, 1000, data[1000:] + b"more"), 413, "past the")
    _refused(client.send(upload_id, 1000, b"{}", **{"Content-Type": "application/json"}), 415,
             "application/offset+octet-stream")
    _refused(client.send(upload_id, 1000, b"", **{"Upload-Offset": "-1"}), 422, "whole number")
    _refused(tus(ADMIN).send(upload_id, 1000, data[1000:2000]), 404, "no such upload")  # someone else's
    _refused(tus(LEAD).send("no-such-upload", 0, data[:10]), 404)
    assert client.status(upload_id).json()["offset"] == 1000
    assert client.send(upload_id, 1000, data[1000:]).status_code == 204


def test_saving_an_upload_that_has_not_all_come_says_how_far_it_got(tus, video_files):
    data = video_files["lesson.mp4"].read_bytes()
    client = tus(LEAD)
    upload_id = client.start(len(data)).headers["Location"].rsplit("/", 1)[1]
    client.send(upload_id, 0, data[:len(data) // 4])
    with database().session() as db, pytest.raises(media.Conflict, match=r"2[45]% has arrived"):
        media.finish_upload(db, LEAD, upload_id)
    with database().session() as db, pytest.raises(media.NotFound):
        media.finish_upload(db, ADMIN, upload_id)  # not theirs
    assert _upload_row(upload_id).offset == len(data) // 4


def test_through_the_gateway_an_upload_needs_a_signed_in_uploader_and_the_forms_token(
        client, make_school, make_person, signed_in):
    from tests.support.fixtures import csrf_token

    refused = client.post("/uploads/videos", headers={**TUS, "Upload-Length": "100", "X-CSRFToken": csrf_token(client)})
    assert refused.status_code == 401 and refused.get_json()["message"] == "Sign in to upload videos."
    make_person("teacher@lighthouse.test", "Terry Teacher", roles=[("staff", make_school())])
    browser = signed_in("teacher@lighthouse.test")
    assert browser.post("/uploads/videos", headers={**TUS, "Upload-Length": "100"}).status_code == 400  # no token
    staff = browser.post("/uploads/videos", headers={**TUS, "Upload-Length": "100", "X-CSRFToken": csrf_token(browser)})
    assert staff.status_code == 403 and "admins and network leads" in staff.get_json()["message"]
    assert browser.get("/uploads/videos/not*an*id").status_code == 404


def test_when_checking_fails_on_our_side_an_empty_chunk_at_the_end_tries_again(tus, video_files, monkeypatch):
    from services.catalogue.videos import probe

    data = video_files["lesson.mp4"].read_bytes()
    client = tus(LEAD)
    real = probe._tool
    monkeypatch.setattr(probe, "_tool", lambda name: real("no-such-ffprobe"))
    upload_id, last = client.upload(data, chunk=1 << 20)
    _refused(last, 503, "cannot be checked on this server just now", "nothing was saved")
    assert client.status(upload_id).json() | {"id": None} == {
        "id": None, "filename": "", "offset": len(data), "length": len(data), "complete": False,
        "content_type": None, "duration_seconds": 0}
    with database().session() as db, pytest.raises(media.Conflict, match="still being checked"):
        media.finish_upload(db, LEAD, upload_id)
    monkeypatch.setattr(probe, "_tool", real)
    assert client.send(upload_id, len(data), b"").status_code == 204
    assert client.status(upload_id).json()["complete"] is True
