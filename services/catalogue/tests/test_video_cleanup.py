"""The catalogue scheduler's sweep of abandoned uploads (run as the scheduler runs it,
twice: the second run finds nothing), and links to videos hosted elsewhere."""
from __future__ import annotations

import os
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from services.catalogue import scheduler
from services.catalogue.db import database
from services.catalogue.tests.conftest import LEAD
from services.catalogue.videos import media, uploads
from services.catalogue.videos.models import VideoUpload
from shared.clock import utcnow

DAY_AND_A_BIT = timedelta(days=1, minutes=5)


def _age(upload_id: str, by: timedelta = DAY_AND_A_BIT) -> None:
    with database().session() as db:
        db.execute(sa.update(VideoUpload).where(VideoUpload.id == upload_id).values(updated_at=utcnow() - by))


def _age_files(store, prefix: str, by: timedelta = DAY_AND_A_BIT) -> None:
    """Files as old as their upload (a folder's files: their modification time)."""
    moment = (utcnow() - by).timestamp()
    for stored in store.list(prefix):
        os.utime(store.root / stored.key, (moment, moment))


def _ids() -> set[str]:
    with database().session() as db:
        return set(db.exec(select(VideoUpload.id)).all())


def test_uploads_left_for_a_day_go_with_their_files_and_nothing_else_does(tus, video_files, store, make_video,
                                                                         tmp_path):
    data = video_files["lesson.mp4"].read_bytes()
    client = tus(LEAD)
    # abandoned halfway a day ago
    halfway = client.start(len(data)).headers["Location"].rsplit("/", 1)[1]
    client.send(halfway, 0, data[:5000])
    _age(halfway)
    # finished a day ago and never saved as a video
    unsaved, _ = client.upload(data, chunk=1 << 20)
    _age(unsaved)
    # still coming: touched an hour ago
    fresh = client.start(len(data)).headers["Location"].rsplit("/", 1)[1]
    client.send(fresh, 0, data[:5000])
    _age(fresh, timedelta(hours=1))
    # saved as a video: its files are the video's now
    saved, _ = client.upload(data, chunk=1 << 20)
    with database().session() as db:
        stored = media.finish_upload(db, LEAD, saved)
    video = make_video(b"", storage_key=stored.key, poster_key=stored.poster_key)
    _age_files(store, uploads.media_prefix(saved))
    # a crash's leftovers: files of an upload whose row is gone, two days old
    (tmp_path / "stray").write_bytes(b"x" * 100)
    store.put_file("uploads/gone-upload/000000000000000", tmp_path / "stray", "application/octet-stream")
    _age_files(store, "uploads/gone-upload/", timedelta(days=2))

    assert scheduler.remove_abandoned_uploads() == 3
    assert _ids() == {fresh}
    for upload_id in (halfway, unsaved, "gone-upload"):
        assert store.list(uploads.staging_prefix(upload_id)) == store.list(uploads.media_prefix(upload_id)) == []
    assert [s.key for s in store.list(uploads.staging_prefix(fresh))]  # untouched
    assert store.size(video.storage_key) == len(data) and store.size(video.poster_key)

    assert scheduler.remove_abandoned_uploads() == 0  # idempotent: a second run finds nothing
    assert _ids() == {fresh} and store.size(video.storage_key) == len(data)


def test_a_refused_upload_goes_a_day_later(tus, video_files, store):
    upload_id, last = tus(LEAD).upload(video_files["old-codec.mp4"].read_bytes())
    assert last.status_code == 415
    assert scheduler.remove_abandoned_uploads() == 0  # the reason stays a day, for the uploader to read
    _age(upload_id)
    assert scheduler.remove_abandoned_uploads() == 1
    assert scheduler.remove_abandoned_uploads() == 0
    assert _ids() == set()


@pytest.mark.parametrize("url, normalised", [
    ("https://www.youtube.com/watch?v=abc123#t=5", "https://www.youtube.com/watch?v=abc123"),
    ("  http://Vimeo.com/123456  ", "https://vimeo.com/123456"),
    ("https://youtu.be/abc123", "https://youtu.be/abc123"),
])
def test_links_on_allowed_hosts_are_normalised(url, normalised):
    assert media.check_link(url) == normalised


@pytest.mark.parametrize("url, words", [
    ("https://example.com/film.mp4", "only be linked from"),
    ("https://evil.youtube.com.example.org/watch", "only be linked from"),
    ("https://www.youtube.com.evil.test/watch", "only be linked from"),
    ("javascript:alert(1)", "full web address"),
    ("youtube.com/watch?v=1", "full web address"),
    ("https://user:pw@vimeo.com/1", "without a user name"),
    ("https://vimeo.com:8443/1", "without a user name"),
    ("https://vimeo.com/a b", "full web address"),
    ("", "full web address"),
])
def test_links_elsewhere_are_refused_with_a_sentence(url, words):
    with pytest.raises(media.Invalid) as refused:
        media.check_link(url)
    assert words in refused.value.message and refused.value.field_errors[0]["field"] == ["source_url"]
