"""Uploads under faults, with real requests on real sockets (run on SQLite, and on
PostgreSQL with LL_TEST_DATABASE_URL): a chunk cut off halfway keeps what came and the
upload resumes from there; two chunks sent for one offset at once — one is stored, the
other refused with 409 — and the file is never a mix of both.  A control test shows
the race does happen without the guard."""
from __future__ import annotations

import socket
import threading
import time
from urllib.parse import urlsplit

import httpx

from services.catalogue.tests.conftest import CHUNK_TYPE, LEAD, TUS
from services.catalogue.videos import uploads
from shared import tokens


def _stored_file(store, upload_id: str) -> bytes:
    (video,) = [s for s in store.list(uploads.media_prefix(upload_id)) if "/video." in s.key]
    return b"".join(store.read(video.key, 0, video.size - 1))


def _cut_off(url: str, path: str, headers: dict, declared: int, sent: bytes) -> None:
    """A PATCH that says `declared` bytes are coming, sends `sent`, and hangs up."""
    where = urlsplit(url)
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    with socket.create_connection((where.hostname, where.port), timeout=10) as conn:
        conn.sendall(f"PATCH {path} HTTP/1.1\r\nHost: {where.netloc}\r\n{head}Content-Length: {declared}\r\n\r\n"
                     .encode() + sent)
        time.sleep(0.3)  # let the server read what came before the line drops


def _offset_becomes(offset, expected: int) -> None:
    """Wait for `offset()` to say `expected`: the server reads the cut-off chunk in its own time."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and offset() != expected:
        time.sleep(0.05)
    assert offset() == expected


def test_a_chunk_cut_off_halfway_keeps_what_came_and_the_upload_resumes(tus, video_files, stack, store):
    data = video_files["lesson.mp4"].read_bytes()
    client = tus(LEAD)
    upload_id = client.start(len(data)).headers["Location"].rsplit("/", 1)[1]
    token = tokens.sign(LEAD, "catalogue", stack.settings.private_key_pem())
    cut = len(data) // 3
    _cut_off(stack.catalogue.url, f"/videos/uploads/{upload_id}",
             {"Authorization": f"Bearer {token}", **TUS, **CHUNK_TYPE, "Upload-Offset": "0"}, len(data), data[:cut])
    _offset_becomes(lambda: client.status(upload_id).json()["offset"], cut)  # HEAD/GET says where to carry on
    head = httpx.head(f"{stack.catalogue.url}/videos/uploads/{upload_id}",
                      headers={"Authorization": f"Bearer {token}", **TUS})
    assert head.headers["Upload-Offset"] == str(cut) and head.headers["Upload-Length"] == str(len(data))
    assert client.send(upload_id, cut, data[cut:]).status_code == 204
    assert _stored_file(store, upload_id) == data


def test_a_chunk_cut_off_on_its_way_through_the_gateway_resumes_too(tus, video_files, stack, store, gateway_server,
                                                                    make_person):
    from tests.support.fixtures import csrf_token, sign_in

    make_person("lead@trust.test", "Nadia Lead", roles=[("network_lead", None, 1)])
    browser = gateway_server.app.test_client()
    sign_in(browser, "lead@trust.test")
    csrf = csrf_token(browser)
    cookie = f"ll_session={browser.get_cookie('ll_session').value}"
    data = video_files["lesson.mp4"].read_bytes()
    created = browser.post("/uploads/videos", headers={**TUS, "Upload-Length": str(len(data)), "X-CSRFToken": csrf})
    assert created.status_code == 201, created.get_data(as_text=True)
    path = created.headers["Location"]
    cut = len(data) // 2
    _cut_off(gateway_server.url, path, {"Cookie": cookie, "X-CSRFToken": csrf, **TUS, **CHUNK_TYPE,
                                        "Upload-Offset": "0"}, len(data), data[:cut])
    _offset_becomes(lambda: browser.get(path).get_json()["offset"], cut)
    assert browser.head(path).headers["Upload-Offset"] == str(cut)
    done = browser.patch(path, data=data[cut:], headers={**TUS, **CHUNK_TYPE, "Upload-Offset": str(cut),
                                                         "X-CSRFToken": csrf})
    assert done.status_code == 204, done.get_data(as_text=True)
    assert _stored_file(store, path.rsplit("/", 1)[1]) == data


def _race(stack, monkeypatch, upload_id: str, bodies: list[bytes]) -> list[int]:
    """Each body PATCHed at offset 0 at once.  The server's handlers meet once each has
    read its whole chunk (so each has passed the early offset check, and what decides
    is the claim itself), then both go on to claim the offset together."""
    token = tokens.sign(LEAD, "catalogue", stack.settings.private_key_pem())
    together = threading.Barrier(len(bodies))
    spool = uploads._spool

    def spool_then_meet(*args):
        spooled = spool(*args)
        together.wait(timeout=20)
        return spooled
    monkeypatch.setattr(uploads, "_spool", spool_then_meet)
    answers: list[int] = [0] * len(bodies)

    def send(i: int, body: bytes):
        answers[i] = httpx.patch(f"{stack.catalogue.url}/videos/uploads/{upload_id}", content=body, timeout=60,
                                 headers={"Authorization": f"Bearer {token}", **TUS, **CHUNK_TYPE,
                                          "Upload-Offset": "0"}).status_code
    threads = [threading.Thread(target=send, args=(i, body)) for i, body in enumerate(bodies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    monkeypatch.setattr(uploads, "_spool", spool)
    return answers


def test_two_chunks_for_one_offset_at_once_one_is_stored_and_the_file_is_whole(tus, video_files, stack, store,
                                                                              monkeypatch):
    data = video_files["lesson.mp4"].read_bytes()
    client = tus(LEAD)
    for _ in range(3):  # a few times over: which one wins varies, the outcome must not
        upload_id = client.start(len(data)).headers["Location"].rsplit("/", 1)[1]
        # Both are true beginnings of the file, of different lengths: whichever wins,
        # the upload carries on from its end; a mix of the two would spoil the file.
        answers = _race(stack, monkeypatch, upload_id, [data[:len(data) // 2], data[:len(data) // 3]])
        assert sorted(answers) == [204, 409], answers
        offset = client.status(upload_id).json()["offset"]
        assert offset in (len(data) // 2, len(data) // 3)
        assert len(store.list(uploads.staging_prefix(upload_id))) == 1
        assert client.send(upload_id, offset, data[offset:]).status_code == 204
        assert _stored_file(store, upload_id) == data


def test_control_without_the_guard_both_chunks_are_taken(tus, video_files, stack, monkeypatch):
    """The race is real: with the offset condition taken out of the claim, both chunks
    for offset 0 are accepted, and which one the file holds is down to timing."""
    import sqlalchemy as sa

    from services.catalogue.videos.models import VideoUpload
    from shared.clock import utcnow

    def unguarded(db, upload_id, start, got):
        db.execute(sa.update(VideoUpload).where(VideoUpload.id == upload_id)
                   .values(offset=start + got, updated_at=utcnow()))
    monkeypatch.setattr(uploads, "_claim", unguarded)
    data = video_files["lesson.mp4"].read_bytes()
    upload_id = tus(LEAD).start(len(data)).headers["Location"].rsplit("/", 1)[1]
    assert _race(stack, monkeypatch, upload_id, [data[:len(data) // 2], data[:len(data) // 3]]) == [204, 204]
