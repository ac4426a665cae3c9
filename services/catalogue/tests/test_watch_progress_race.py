"""Two reports of one person's place in one video at once — two tabs, a phone and a
laptop — with real requests on real sockets (SQLite, and PostgreSQL with
LL_TEST_DATABASE_URL): the video's minutes go into their CPD record exactly once, and
no report is lost to the race for the first row.  The control shows the race is real
without the row lock (and SQLite's write lock taken up front)."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlmodel import select

from services.catalogue.audit import AuditEntry
from services.catalogue.db import database
from services.catalogue.tests.conftest import STAFF
from services.catalogue.tests.test_watch_progress import report, rewind
from services.catalogue.videos import progress
from services.catalogue.videos.models import WatchProgress

AT_ONCE = 8


def _at_once(service_call, video_id: int, seconds: int, n: int = AT_ONCE) -> list[int]:
    start = threading.Barrier(n)

    def one(_):
        start.wait(timeout=10)
        return service_call("catalogue", "PUT", f"/videos/{video_id}/progress", STAFF,
                            json={"position_seconds": seconds}, timeout=30).status_code
    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(one, range(n)))


def _counted_entries() -> int:
    with database().session() as db:
        return len(db.exec(select(AuditEntry).where(AuditEntry.action == "video.counted")).all())


def test_reports_at_once_count_the_minutes_exactly_once(make_video, service_call):
    for _ in range(3):  # which report wins varies; the outcome must not
        video = make_video(duration_seconds=600)
        before = _counted_entries()
        assert _at_once(service_call, video.id, 0) == [200] * AT_ONCE  # the first row: made once, no 409
        rewind(video.id, 600)  # ten minutes of playing since
        assert _at_once(service_call, video.id, 580) == [200] * AT_ONCE
        with database().session() as db:
            (row,) = db.exec(select(WatchProgress).where(WatchProgress.video_id == video.id)).all()
        assert row.counted_at is not None and row.watched_seconds == 580  # credited by one report, not eight
        assert _counted_entries() == before + 1
        records = service_call("catalogue", "GET", "/videos/cpd-records", STAFF, params={"person_ids": "8"}).json()
        assert records["items"][0]["videos_watched"] == len(records["items"][0]["entries"])


def test_control_without_the_lock_the_minutes_are_counted_twice(make_video, service_call, monkeypatch):
    """Read the row without locking it (and on SQLite without taking the write lock up
    front), both reports read before either writes: each finds the minutes uncounted,
    and each counts them."""
    video = make_video(duration_seconds=600)
    report(service_call, video.id, 0)
    rewind(video.id, 600)
    both_read = threading.Barrier(2)

    def unlocked(db, person_id, found, now):
        row = db.exec(select(WatchProgress).where(WatchProgress.person_id == person_id,
                                                  WatchProgress.video_id == found.id)).one()
        both_read.wait(timeout=10)
        return row
    monkeypatch.setattr(progress, "_row_for", unlocked)
    monkeypatch.setattr(progress, "begin_write", lambda db: None)
    assert _at_once(service_call, video.id, 580, n=2) == [200, 200]
    assert _counted_entries() == 2
