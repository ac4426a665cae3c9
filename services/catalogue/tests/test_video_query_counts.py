"""N+1 guard for the video library's lists: each costs the same SQL statements for 10
videos as for 100 (tests/support/counting.py) — the caller's place in each video is
one query for the page, not one per video.  The catalogue's route check
(test_catalogue_query_counts.py) reads VIDEO_CASES and VIDEO_NOT_LISTS from here."""
from __future__ import annotations

from datetime import timedelta

import pytest

from services.catalogue.db import database
from services.catalogue.tests.conftest import STAFF
from services.catalogue.tests.test_catalogue_query_counts import courses
from services.catalogue.videos.models import Video, WatchProgress
from shared.clock import LONDON, academic_year_of, utcnow
from tests.support.counting import Ask, ListRead, assert_constant_queries
from tests.support.fixtures import ADMIN

YEAR = academic_year_of(utcnow().astimezone(LONDON).date())


def videos(n: int, course_id: int | None = None, watched: bool = False, person_id: int = 8) -> list[int]:
    """n films anyone in the trust may watch (with captions), in one unit of work; each
    started by `person_id` (STAFF's 8), its minutes counted when `watched`."""
    now = utcnow()
    with database().session() as db:
        made = [Video(title=f"Reading lesson {i:03d}", subject=f"Subject {i:03d}", phases=["KS2"],
                      course_id=course_id, storage_key=f"videos/v{i}/video.mp4", poster_key=f"videos/v{i}/poster.jpg",
                      duration_seconds=600, uploaded_by_id=7, uploaded_by_name="Nadia Lead",
                      captions_vtt="WEBVTT\n\n00:01.000 --> 00:02.000\nHello.\n", transcript="Hello.")
                for i in range(n)]
        db.add_all(made)
        db.flush()
        db.add_all([WatchProgress(person_id=person_id, video_id=v.id, position_seconds=60, watched_seconds=60,
                                  academic_year=YEAR, counted_at=now if watched else None,
                                  updated_at=now - timedelta(seconds=i)) for i, v in enumerate(made)])
        return [v.id for v in made]


def items(response) -> int:
    return len(response.json()["items"])


def _page(n: int) -> Ask:
    videos(n)
    return Ask("/videos", STAFF, items, params={"first": 100})


def _batch_with_captions(n: int) -> Ask:
    return Ask("/videos", STAFF, items, params={"ids": ",".join(map(str, videos(n))), "with_captions": "true"})


def _search(n: int) -> Ask:
    videos(n)
    return Ask("/videos", STAFF, items, params={"first": 100, "search": "reading"})


def _subjects(n: int) -> Ask:
    videos(n)
    return Ask("/videos/subjects", STAFF, lambda r: len(r.json()["subjects"]))


def _by_course(n: int) -> Ask:
    (course,) = courses(1)
    videos(n, course)
    return Ask("/videos/by-course", STAFF, items, params={"course_ids": str(course)})


def _mine(n: int) -> Ask:
    videos(n)
    return Ask("/videos/mine", STAFF, items, params={"first": 50})


def _records(n: int) -> Ask:
    videos(n, watched=True)
    return Ask("/videos/cpd-records", ADMIN, lambda r: r.json()["items"][0]["videos_watched"],
               params={"person_ids": "8", "academic_year": YEAR})


def _hours(n: int) -> Ask:
    videos(n, watched=True)
    start = int(YEAR[:4])
    return Ask("/videos/cpd-hours", ADMIN, lambda r: sum(r.json()["items"][0]["videos"]),
               params={"person_id": 8, "bounds": f"{start}-09-01,{start + 1}-09-01"})


# route, what is asked, statements (count, page, my places; subjects, courses: one)
VIDEO_CASES = [
    ListRead("GET /videos", "a page", _page, 3),
    ListRead("GET /videos", "a batch read by ids, with captions", _batch_with_captions, 3),
    ListRead("GET /videos", "a full-text search", _search, 3),
    ListRead("GET /videos/subjects", "the subjects", _subjects, 1),
    ListRead("GET /videos/by-course", "a course's videos", _by_course, 2),
    ListRead("GET /videos/cpd-records", "the videos in a CPD record", _records, 1),
    ListRead("GET /videos/cpd-hours", "the video minutes of a year", _hours, 1),
]
# "continue watching" is at most 50 long: its own case, at 10 and 50
MINE = ListRead("GET /videos/mine", "continue watching", _mine, 2)

VIDEO_NOT_LISTS = {
    "GET /videos/<int:video_id>": "one video",
    "GET /videos/<int:video_id>/captions": "one video's captions",
    "GET /history/<object_type>": "the audit trail's batch read: one query (shared/audit.py history)",
    "GET /history/<object_type>/<object_id>": "one object's history: one query",
    "GET /videos/uploads/<upload_id>": "one upload",
    "GET /media/videos/<int:video_id>/<kind>": "one video's file",
}


@pytest.mark.parametrize("case", VIDEO_CASES, ids=lambda c: c.id)
def test_a_video_list_costs_the_same_statements_for_10_videos_as_for_100(case, service_call):
    assert_constant_queries("catalogue", case, service_call)


def test_continue_watching_costs_the_same_for_10_as_for_50(service_call, monkeypatch):
    from tests.support import counting

    monkeypatch.setattr(counting, "SIZES", (10, 50))
    assert_constant_queries("catalogue", MINE, service_call)
