"""Watching: a person's place kept across devices, watched time that the clock allows,
the video's minutes in their CPD record once (for the academic year it happened in),
"continue watching", and the record and hours the gateway adds to bookings'."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from services.catalogue.audit import AuditEntry
from services.catalogue.db import database
from services.catalogue.tests.conftest import ADMIN, LEAD, STAFF
from services.catalogue.videos.models import WatchProgress
from shared import tokens
from shared.clock import LONDON, academic_year_of, utcnow

OTHER = tokens.Identity(subject="40", name="Olu Staff", grants=(tokens.Grant("staff", school_id=2),))
YEAR = academic_year_of(utcnow().astimezone(LONDON).date())


def report(service_call, video_id: int, seconds: int, identity=STAFF):
    answer = service_call("catalogue", "PUT", f"/videos/{video_id}/progress", identity,
                          json={"position_seconds": seconds})
    assert answer.status_code == 200, answer.text
    return answer.json()


def rewind(video_id: int, seconds: int, person_id: int = 8) -> None:
    """As if the last report came `seconds` earlier (the player has been playing since)."""
    with database().session() as db:
        row = db.exec(select(WatchProgress).where(WatchProgress.video_id == video_id,
                                                  WatchProgress.person_id == person_id)).one()
        row.updated_at = row.updated_at - timedelta(seconds=seconds)


def row(video_id: int, person_id: int = 8) -> WatchProgress:
    with database().session() as db:
        return db.exec(select(WatchProgress).where(WatchProgress.video_id == video_id,
                                                   WatchProgress.person_id == person_id)).one()


def test_watching_most_of_a_film_counts_its_minutes_once(make_video, service_call):
    video = make_video(title="Bar models", duration_seconds=600)  # ten minutes
    assert report(service_call, video.id, 0)["my_position_seconds"] == 0
    for at in range(60, 541, 60):  # a report a minute, as the player sends them
        rewind(video.id, 60)
        shown = report(service_call, video.id, at)
    assert shown["my_position_seconds"] == 540 and row(video.id).watched_seconds == 540
    assert shown["my_counted"] is True  # 540 of 600 seconds: the 0.9 share
    counted = row(video.id).counted_at
    rewind(video.id, 60)
    report(service_call, video.id, 600)
    report(service_call, video.id, 0)  # and again from the start: not new CPD
    assert row(video.id).counted_at == counted and row(video.id).academic_year == YEAR
    with database().session() as db:
        entries = db.exec(select(AuditEntry).where(AuditEntry.action == "video.counted")).all()
    assert [(e.actor_name, e.changes["cpd_minutes"]) for e in entries] == [("Sam Staff", [None, 10])]

    record = service_call("catalogue", "GET", "/videos/cpd-records", STAFF, params={"person_ids": "8"}).json()
    assert record["items"][0]["minutes"] == 10 and record["items"][0]["videos_watched"] == 1
    assert record["items"][0]["entries"][0]["title"] == "Bar models"


def test_jumping_ahead_counts_only_the_time_that_passed(make_video, service_call):
    video = make_video(duration_seconds=600)
    report(service_call, video.id, 0)
    rewind(video.id, 20)
    shown = report(service_call, video.id, 590)  # dragged to the end after 20 seconds
    assert shown["my_position_seconds"] == 590 and not shown["my_counted"]
    assert row(video.id).watched_seconds == 50  # 20 seconds at up to double speed, and 10 to spare
    rewind(video.id, 600)
    report(service_call, video.id, 100)  # back to the start: going backwards counts nothing
    assert row(video.id).watched_seconds == 50


def test_the_place_is_kept_across_devices_and_per_person(make_video, service_call):
    video = make_video(duration_seconds=300)
    report(service_call, video.id, 0)
    rewind(video.id, 30)
    report(service_call, video.id, 30)
    seen = service_call("catalogue", "GET", f"/videos/{video.id}", STAFF).json()
    assert seen["my_position_seconds"] == 30
    assert service_call("catalogue", "GET", f"/videos/{video.id}", OTHER).json()["my_position_seconds"] is None


def test_continue_watching_lists_unfinished_films_latest_first(make_video, service_call):
    first = make_video(title="First", duration_seconds=300)
    second = make_video(title="Second", duration_seconds=300)
    done = make_video(title="Done", duration_seconds=300)
    hidden = make_video(title="Withdrawn later", duration_seconds=300)
    for video in (first, second, done, hidden):
        report(service_call, video.id, 0)
        rewind(video.id, 150)
    report(service_call, first.id, 100)
    report(service_call, second.id, 120)
    report(service_call, done.id, 299)
    report(service_call, hidden.id, 50)
    service_call("catalogue", "POST", f"/videos/{hidden.id}/consent", ADMIN,
                 json={"status": "PENDING", "note": "Pupils spotted; checking consent."})
    mine = service_call("catalogue", "GET", "/videos/mine", STAFF).json()["items"]
    assert [(v["title"], v["my_position_seconds"]) for v in mine] == [("Second", 120), ("First", 100)]
    assert service_call("catalogue", "GET", "/videos/mine", OTHER).json()["items"] == []


def test_what_cannot_be_tracked_is_refused_with_a_sentence(make_video, service_call):
    video = make_video(duration_seconds=60)
    linked = make_video(source="LINK", source_url="https://vimeo.com/1", storage_key=None, duration_seconds=0)
    past = service_call("catalogue", "PUT", f"/videos/{video.id}/progress", STAFF, json={"position_seconds": 90})
    assert past.status_code == 422 and past.json()["fieldErrors"][0]["field"] == ["position_seconds"]
    elsewhere = service_call("catalogue", "PUT", f"/videos/{linked.id}/progress", STAFF, json={"position_seconds": 5})
    assert elsewhere.status_code == 409 and "own site" in elsewhere.json()["message"]
    visitor = service_call("catalogue", "PUT", f"/videos/{video.id}/progress", tokens.ANONYMOUS_IDENTITY,
                           json={"position_seconds": 5})
    assert visitor.status_code == 403 and "Sign in" in visitor.json()["message"]
    negative = service_call("catalogue", "PUT", f"/videos/{video.id}/progress", STAFF, json={"position_seconds": -1})
    assert negative.status_code == 422
    with database().session() as db:
        assert db.exec(select(WatchProgress)).all() == []


def test_records_and_hours_are_ones_own_or_an_admins_to_read(make_video, service_call):
    video = make_video(duration_seconds=120)
    report(service_call, video.id, 0)
    rewind(video.id, 120)
    report(service_call, video.id, 120)
    assert row(video.id).counted_at is not None
    start = int(YEAR[:4])
    bounds = f"{start}-09-01,{start + 1}-01-01,{start + 1}-09-01"
    mine = service_call("catalogue", "GET", "/videos/cpd-hours", STAFF, params={"person_id": 8, "bounds": bounds})
    assert sum(mine.json()["items"][0]["minutes"]) == 2 and sum(mine.json()["items"][0]["videos"]) == 1
    for identity, seen in ((ADMIN, 2), (LEAD, 0), (OTHER, 0)):
        records = service_call("catalogue", "GET", "/videos/cpd-records", identity,
                               params={"person_ids": "8,40"}).json()["items"]
        assert [r["minutes"] for r in records] == [seen, 0]
        hours = service_call("catalogue", "GET", "/videos/cpd-hours", identity, params={"person_id": 8,
                                                                                          "bounds": bounds})
        assert sum(sum(p["minutes"]) for p in hours.json()["items"]) == seen
    last_year = f"{start - 1}-{start % 100:02d}"
    assert service_call("catalogue", "GET", "/videos/cpd-records", STAFF, params={
        "person_ids": "8", "academic_year": last_year}).json()["items"][0]["minutes"] == 0
    wrong = service_call("catalogue", "GET", "/videos/cpd-hours", STAFF, params={"person_id": 8,
                                                                                  "bounds": "2026-02-31,2026-09-01"})
    assert wrong.status_code == 422
