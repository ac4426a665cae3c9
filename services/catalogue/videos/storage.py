"""Where the video library keeps its files: a folder on this machine (the embedded
default) or an S3-compatible bucket (production), behind one interface.

Both only ever move a file in pieces — from a local file in, out a byte range at a
time — so a process's memory stays flat whatever the file size.  Keys are paths made
by the catalogue itself (`videos/<id>/video.mp4`), never typed by a person; they are
checked anyway, so that no key can climb out of the folder.  Nothing here is public:
the bucket is reached with the catalogue's own keys, and a person gets a file only
through the catalogue's signed playback route (videos/playback_api.py).
"""
from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO, Protocol

from shared.settings import Settings

# Big enough that reading a file costs few system calls, small enough that eight
# viewers at once hold a few megabytes between them.
CHUNK = 512 * 1024
_KEY = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*")


@dataclass(frozen=True)
class Stored:
    """An object in storage: its key, its size in bytes and when it was last written."""

    key: str
    size: int
    modified: datetime


class Storage(Protocol):
    def put_file(self, key: str, path: Path, content_type: str) -> None:
        """Store the local file `path` under `key` (replacing what was there); the local
        file is used up (moved or deleted)."""

    def size(self, key: str) -> int | None:
        """The object's size in bytes, None if there is no such object."""

    def read(self, key: str, start: int, end: int) -> Iterator[bytes]:
        """Bytes `start`..`end` (both included) of the object, a chunk at a time.
        Closing the iterator early lets go of the file or connection."""

    def copy_into(self, key: str, out: BinaryIO) -> int:
        """Append the whole object to the open file `out`; how many bytes."""

    def list(self, prefix: str) -> list[Stored]:
        """Every object whose key starts with `prefix`, by key."""

    def delete_prefix(self, prefix: str) -> int:
        """Delete every object whose key starts with `prefix` (a folder: ends in /);
        how many went.  Deleting what is not there is no error."""


def check_key(key: str) -> str:
    if not _KEY.fullmatch(key) or len(key) > 200:
        raise ValueError(f"not a storage key: {key!r}")
    return key


def _check_prefix(prefix: str) -> str:
    check_key(prefix.rstrip("/"))
    return prefix


class LocalStorage:
    """Files in a folder: `key` is a path under `root`."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def put_file(self, key: str, path: Path, content_type: str) -> None:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        # A rename when the scratch folder is on the same disk (instant, and atomic:
        # a reader sees the old file or the new one, never half of one).
        tmp = target.with_name(f".{target.name}.partial")
        shutil.move(str(path), tmp)
        os.replace(tmp, target)

    def size(self, key: str) -> int | None:
        try:
            return self._path(key).stat().st_size
        except FileNotFoundError:
            return None

    def read(self, key: str, start: int, end: int) -> Iterator[bytes]:
        with open(self._path(key), "rb") as f:
            f.seek(start)
            left = end - start + 1
            while left > 0:
                chunk = f.read(min(CHUNK, left))
                if not chunk:
                    return
                left -= len(chunk)
                yield chunk

    def copy_into(self, key: str, out: BinaryIO) -> int:
        with open(self._path(key), "rb") as f:
            before = out.tell()
            shutil.copyfileobj(f, out, CHUNK)
            return out.tell() - before

    def list(self, prefix: str) -> list[Stored]:
        folder = self.root / _check_prefix(prefix).rpartition("/")[0]
        if not folder.is_dir():
            return []
        found = []
        for path in folder.rglob("*"):
            key = path.relative_to(self.root).as_posix()
            if path.is_file() and key.startswith(prefix) and not path.name.startswith("."):
                stat = path.stat()
                found.append(Stored(key, stat.st_size, datetime.fromtimestamp(stat.st_mtime, timezone.utc)))
        return sorted(found, key=lambda s: s.key)

    def delete_prefix(self, prefix: str) -> int:
        gone = 0
        for stored in self.list(prefix):
            self._path(stored.key).unlink(missing_ok=True)
            gone += 1
        folder = self.root / _check_prefix(prefix)
        if prefix.endswith("/") and folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)  # empty now, or holding only a .partial left by a crash
        return gone


class S3Storage:
    """Objects in an S3-compatible bucket (AWS, MinIO, Ceph, …), through boto3.  Files
    go in with boto3's managed transfer (multipart for large ones, read from disk a
    part at a time); ranges come out as a streamed GET with `Range`."""

    def __init__(self, bucket: str, *, endpoint_url: str | None = None, region: str = "eu-west-2",
                 access_key_id: str | None = None, secret_access_key: str | None = None):
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        # Path-style addressing: an endpoint of our own (MinIO, an emulator) has no
        # wildcard DNS for bucket subdomains.  Retries with backoff for the odd 503.
        config = Config(s3={"addressing_style": "path"} if endpoint_url else {},
                        retries={"max_attempts": 5, "mode": "standard"}, connect_timeout=5, read_timeout=60)
        self.client = boto3.client("s3", endpoint_url=endpoint_url, region_name=region,
                                   aws_access_key_id=access_key_id, aws_secret_access_key=secret_access_key,
                                   config=config)

    def put_file(self, key: str, path: Path, content_type: str) -> None:
        try:
            self.client.upload_file(str(path), self.bucket, check_key(key), ExtraArgs={"ContentType": content_type})
        finally:
            Path(path).unlink(missing_ok=True)

    def size(self, key: str) -> int | None:
        from botocore.exceptions import ClientError

        try:
            return self.client.head_object(Bucket=self.bucket, Key=check_key(key))["ContentLength"]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise

    def read(self, key: str, start: int, end: int) -> Iterator[bytes]:
        body = self.client.get_object(Bucket=self.bucket, Key=check_key(key), Range=f"bytes={start}-{end}")["Body"]
        try:
            yield from body.iter_chunks(CHUNK)
        finally:
            body.close()

    def copy_into(self, key: str, out: BinaryIO) -> int:
        copied, size = 0, self.size(key)
        if not size:
            return 0
        for chunk in self.read(key, 0, size - 1):
            out.write(chunk)
            copied += len(chunk)
        return copied

    def list(self, prefix: str) -> list[Stored]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket,
                                                                       Prefix=_check_prefix(prefix))
        return sorted((Stored(o["Key"], o["Size"], o["LastModified"]) for page in pages
                       for o in page.get("Contents", [])), key=lambda s: s.key)

    def delete_prefix(self, prefix: str) -> int:
        keys = [s.key for s in self.list(prefix)]
        for i in range(0, len(keys), 1000):  # DeleteObjects takes 1,000 keys at most
            self.client.delete_objects(Bucket=self.bucket, Delete={
                "Objects": [{"Key": k} for k in keys[i:i + 1000]], "Quiet": True})
        return len(keys)


def storage_for(settings: Settings) -> Storage:
    """The storage the settings name: the bucket when LL_VIDEO_S3_BUCKET is set, else
    the folder LL_VIDEO_STORAGE_DIR (var/videos).  One per process (boto3's client
    keeps a pool of connections and is safe to share between threads)."""
    # An empty value (compose's `${LL_VIDEO_S3_ENDPOINT:-}`) means unset: AWS itself.
    return _storage(settings.video_s3_bucket or None, settings.video_s3_endpoint or None, settings.video_s3_region,
                    settings.video_s3_access_key_id, settings.video_s3_secret_access_key,
                    str(settings.video_storage_path))


@lru_cache(maxsize=4)
def _storage(bucket, endpoint, region, key_id, secret, folder) -> Storage:
    if bucket:
        return S3Storage(bucket, endpoint_url=endpoint, region=region, access_key_id=key_id,
                         secret_access_key=secret)
    return LocalStorage(Path(folder))
