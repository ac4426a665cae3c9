"""Signed playback: Range requests (206, 416 outside the file), and URLs that work for
one video, one person and ten minutes — checked against the video as it is now on every
request, so a withdrawal stops URLs already handed out.  Through the gateway as well."""
from __future__ import annotations

import os
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import sqlalchemy as sa
import time_machine

from services.catalogue.db import database
from services.catalogue.tests.conftest import ADMIN, LEAD, STAFF, VISITOR
from services.catalogue.videos import media
from services.catalogue.videos.media_api import byte_range
from services.catalogue.videos.models import Video
from shared.clock import utcnow
from shared.vocabulary import ConsentStatus, Visibility

DATA = os.urandom(3 * 512 * 1024 + 77)


@pytest.fixture
def play(service_call):
    def _play(url: str, identity=STAFF, **headers):
        return service_call("catalogue", "GET", url, identity, headers=headers)
    return _play


def _tampered(url: str, **changes) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()} | {k: str(v) for k, v in changes.items()}
    return f"{parts.path}?{urlencode(query)}"


def test_ranges_are_served_as_asked(make_video, play):
    video = make_video(DATA)
    url = media.signed_stream_url(video, 8)
    whole = play(url)
    assert whole.status_code == 200 and whole.content == DATA
    assert whole.headers["Accept-Ranges"] == "bytes" and whole.headers["Content-Type"] == "video/mp4"
    assert whole.headers["Cache-Control"] == "private, no-store"
    for header, first, last in (("bytes=0-99", 0, 99), ("bytes=1000-", 1000, len(DATA) - 1),
                                ("bytes=-50", len(DATA) - 50, len(DATA) - 1),
                                ("bytes=600000-9999999999", 600000, len(DATA) - 1)):
        part = play(url, Range=header)
        assert part.status_code == 206, header
        assert part.headers["Content-Range"] == f"bytes {first}-{last}/{len(DATA)}"
        assert part.headers["Content-Length"] == str(last - first + 1)
        assert part.content == DATA[first:last + 1]


@pytest.mark.parametrize("header", [f"bytes={len(DATA)}-", f"bytes={len(DATA) + 10}-{len(DATA) + 20}", "bytes=-0"])
def test_a_range_outside_the_file_is_416_with_its_size(make_video, play, header):
    refused = play(media.signed_stream_url(make_video(DATA), 8), Range=header)
    assert refused.status_code == 416
    assert refused.headers["Content-Range"] == f"bytes */{len(DATA)}"
    assert "does not exist" in refused.json()["message"]


@pytest.mark.parametrize("header", ["bytes=0-1,5-9", "bytes=abc", "lines=1-2", "bytes=9-1", "bytes="])
def test_a_range_header_that_is_not_one_byte_range_is_ignored(make_video, play, header):
    whole = play(media.signed_stream_url(make_video(DATA), 8), Range=header)
    assert whole.status_code == 200 and len(whole.content) == len(DATA)


def test_byte_range_reading():
    assert byte_range(None, 10) is None and byte_range("bytes=2-4", 10) == (2, 4)
    assert byte_range("bytes=-3", 10) == (7, 9) and byte_range("bytes=-30", 10) == (0, 9)


def test_head_gives_the_headers_only(make_video, service_call):
    url = media.signed_stream_url(make_video(DATA), 8)
    head = service_call("catalogue", "HEAD", url, STAFF, headers={"Range": "bytes=10-19"})
    assert head.status_code == 206 and head.headers["Content-Length"] == "10" and head.content == b""


def test_a_url_tampered_with_made_for_another_or_expired_is_403(make_video, play, stack):
    video, other = make_video(DATA), make_video(b"other film")
    url = media.signed_stream_url(video, 8)
    person, expires = (parse_qs(urlsplit(url).query)[k][0] for k in ("person", "expires"))
    refusals = {
        "not valid": [_tampered(url, sig="0" * 64), _tampered(url, expires=int(expires) + 3600),
                      _tampered(url, person=9), url.replace(f"/videos/{video.id}/", f"/videos/{other.id}/"),
                      url.replace("/stream?", "/poster?"), _tampered(url, person="x"), url.split("?")[0]],
        "someone else": [media.signed_stream_url(video, 9)],
    }
    for words, urls in refusals.items():
        for bad in urls:
            refused = play(bad)
            assert refused.status_code in (403, 404), bad
            if refused.status_code == 403:
                assert words in refused.json()["message"], (bad, refused.json())
    with time_machine.travel(utcnow() + timedelta(seconds=stack.settings.video_url_ttl_seconds + 1), tick=False):
        expired = play(url)
    assert expired.status_code == 403 and "expired" in expired.json()["message"]
    assert play(url).status_code == 200  # the same URL, in time, for its person


def test_a_url_stops_working_when_its_file_is_replaced(make_video, play):
    video = make_video(DATA)
    url = media.signed_stream_url(video, 8)
    with database().session() as db:
        db.execute(sa.update(Video).where(Video.id == video.id).values(storage_key=video.storage_key + ".old"))
    assert play(url).status_code == 403


def _set(video: Video, **values) -> None:
    with database().session() as db:
        db.execute(sa.update(Video).where(Video.id == video.id).values(**values))


def test_withdrawing_consent_stops_urls_already_handed_out_at_once(make_video, play):
    video = make_video(DATA, poster=b"\xff\xd8jpeg", has_pupils=True, consent_status=ConsentStatus.CONFIRMED)
    stream, poster = media.signed_stream_url(video, 8), media.signed_poster_url(video, 8)
    assert play(stream, Range="bytes=0-9").status_code == 206
    assert play(poster).headers["Content-Type"] == "image/jpeg"
    _set(video, consent_status=ConsentStatus.WITHDRAWN)
    for url in (stream, poster):
        refused = play(url, Range="bytes=10-19")
        assert refused.status_code == 403 and "withdrawn" in refused.json()["message"]
    admin_url = media.signed_stream_url(video, 9)
    assert play(admin_url, ADMIN).status_code == 403  # hidden from everyone


def test_a_film_with_pupils_waits_for_consent_but_its_uploader_and_admins_may_check_it(make_video, play):
    video = make_video(DATA, has_pupils=True, consent_status=ConsentStatus.PENDING, uploaded_by_id=7)
    refused = play(media.signed_stream_url(video, 8), STAFF)
    assert refused.status_code == 403 and "until consent" in refused.json()["message"]
    assert play(media.signed_stream_url(video, 7), LEAD).status_code == 200
    assert play(media.signed_stream_url(video, 9), ADMIN).status_code == 200
    _set(video, consent_status=ConsentStatus.CONFIRMED)
    assert play(media.signed_stream_url(video, 8), STAFF).status_code == 200


def test_trust_films_are_for_the_trust_and_public_ones_for_anyone(make_video, play):
    trust, public = make_video(DATA), make_video(DATA, visibility=Visibility.PUBLIC)
    refused = play(media.signed_stream_url(trust, None), VISITOR)
    assert refused.status_code == 403 and "trust's own staff" in refused.json()["message"]
    assert play(media.signed_stream_url(public, None), VISITOR).status_code == 200


def test_a_linked_video_or_a_missing_file_has_nothing_to_play(make_video, play, store):
    video = make_video(DATA)
    url = media.signed_stream_url(video, 8)
    store.delete_prefix(video.storage_key.rsplit("/", 1)[0] + "/")
    missing = play(url)
    assert missing.status_code == 404 and "missing" in missing.json()["message"]
    assert media.signed_poster_url(video, 8) is None  # it has none
    linked = Video(id=99, title="Elsewhere", subject="Maths", source="LINK", source_url="https://vimeo.com/1",
                   uploaded_by_id=7, uploaded_by_name="Nadia Lead")
    with pytest.raises(ValueError):
        media.signed_stream_url(linked, 8)


# ---------- through the gateway ----------


def test_the_gateway_passes_ranges_and_refusals_through(make_video, make_school, make_person, signed_in):
    person = make_person("teacher@lighthouse.test", "Terry Teacher", roles=[("staff", make_school())])
    video = make_video(DATA)
    browser = signed_in("teacher@lighthouse.test")
    url = media.signed_stream_url(video, person)
    part = browser.get(url, headers={"Range": "bytes=100-1099"})
    assert part.status_code == 206 and part.data == DATA[100:1100]
    assert part.headers["Content-Range"] == f"bytes 100-1099/{len(DATA)}"
    assert browser.get(url).data == DATA
    assert browser.get(url, headers={"Range": f"bytes={len(DATA)}-"}).status_code == 416
    assert browser.get(_tampered(url, sig="f" * 64)).status_code == 403
    visitor = browser.application.test_client()
    assert visitor.get(url).status_code == 403  # made for the teacher: a visitor has it, and it will not play
    assert browser.get(f"/media/videos/{video.id}/other?x=1").status_code == 404
