"""The video storage's contract (videos/storage.py), run against both kinds: a folder,
and an S3 bucket on moto's S3 server (a real HTTP server in a thread, on 127.0.0.1)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from services.catalogue.videos.storage import CHUNK, LocalStorage, S3Storage, check_key


@pytest.fixture(scope="module")
def s3_server():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(params=["local", "s3"])
def storage(request, tmp_path):
    if request.param == "local":
        return LocalStorage(tmp_path / "videos")
    endpoint = request.getfixturevalue("s3_server")
    store = S3Storage(f"videos-{os.urandom(4).hex()}", endpoint_url=endpoint, region="eu-west-2",
                      access_key_id="test", secret_access_key="test")
    store.client.create_bucket(Bucket=store.bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    return store


def local_file(tmp_path: Path, data: bytes, name: str = "in.bin") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_file_goes_in_and_comes_out_by_range(storage, tmp_path):
    data = os.urandom(3 * CHUNK + 123)
    source = local_file(tmp_path, data)
    storage.put_file("videos/abc/video.mp4", source, "video/mp4")
    assert not source.exists()  # used up: no second copy left on the scratch disk
    assert storage.size("videos/abc/video.mp4") == len(data)
    assert b"".join(storage.read("videos/abc/video.mp4", 0, len(data) - 1)) == data
    assert b"".join(storage.read("videos/abc/video.mp4", 10, 19)) == data[10:20]
    middle = list(storage.read("videos/abc/video.mp4", CHUNK - 5, 2 * CHUNK + 5))
    assert b"".join(middle) == data[CHUNK - 5:2 * CHUNK + 6]
    assert max(len(c) for c in middle) <= CHUNK  # a piece at a time, never the whole


def test_replacing_listing_copying_and_deleting(storage, tmp_path):
    storage.put_file("uploads/u1/000000000000", local_file(tmp_path, b"first"), "application/octet-stream")
    storage.put_file("uploads/u1/000000000005", local_file(tmp_path, b"-second"), "application/octet-stream")
    storage.put_file("uploads/u1/000000000005", local_file(tmp_path, b"-again"), "application/octet-stream")
    storage.put_file("uploads/u2/000000000000", local_file(tmp_path, b"other"), "application/octet-stream")
    listed = storage.list("uploads/u1/")
    assert [(s.key, s.size) for s in listed] == [("uploads/u1/000000000000", 5), ("uploads/u1/000000000005", 6)]
    assert all(s.modified.tzinfo is not None for s in listed)
    with open(tmp_path / "joined", "wb") as out:
        assert sum(storage.copy_into(s.key, out) for s in listed) == 11
    assert (tmp_path / "joined").read_bytes() == b"first-again"
    assert storage.delete_prefix("uploads/u1/") == 2
    assert storage.delete_prefix("uploads/u1/") == 0  # again: nothing left, no error
    assert storage.list("uploads/u1/") == [] and storage.size("uploads/u1/000000000000") is None
    assert [s.key for s in storage.list("uploads/")] == ["uploads/u2/000000000000"]


def test_an_empty_file_and_a_missing_one(storage, tmp_path):
    storage.put_file("videos/e/empty", local_file(tmp_path, b""), "application/octet-stream")
    assert storage.size("videos/e/empty") == 0
    with open(tmp_path / "out", "wb") as out:
        assert storage.copy_into("videos/e/empty", out) == 0
    assert storage.size("videos/nothing/here") is None
    assert storage.list("videos/nothing/") == []


@pytest.mark.parametrize("key", ["../etc/passwd", "/abs", "a//b", "a/../b", "", "a/.hidden/../x", "a b"])
def test_keys_cannot_climb_out_or_be_odd(key):
    with pytest.raises(ValueError):
        check_key(key)


def test_an_upload_is_joined_checked_and_kept_in_the_bucket(s3_server, stack, video_files):
    """The upload path end to end with the bucket as its storage (the API's tests run on
    the folder): chunks in as objects of their own, joined, probed, stored, cleared."""
    import io

    from services.catalogue.db import database
    from services.catalogue.tests.conftest import LEAD
    from services.catalogue.videos import uploads

    store = S3Storage("uploads-bucket", endpoint_url=s3_server, access_key_id="test", secret_access_key="test")
    store.client.create_bucket(Bucket=store.bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    data = video_files["lesson.mp4"].read_bytes()
    with database().session() as db:
        upload_id = uploads.create_upload(db, LEAD, len(data), None, stack.settings).id
    half = len(data) // 2
    for start, piece in ((0, data[:half]), (half, data[half:])):
        upload = uploads.receive_chunk(database(), LEAD, upload_id, start, len(piece), io.BytesIO(piece),
                                       stack.settings, store)
    assert upload.completed_at is not None and upload.content_type == "video/mp4" and upload.duration_seconds == 4
    assert store.list(uploads.staging_prefix(upload_id)) == []
    assert b"".join(store.read(upload.storage_key, 0, len(data) - 1)) == data
    assert store.size(upload.poster_key) > 1000
