"""Watching: where each person is in each video (so they resume there on any device),
how much of it they have watched, and the video's minutes in their CPD record.

The catalogue keeps this, not bookings: it is about the catalogue's videos and changes
every few seconds while one plays, and bookings' record is of sessions attended.  A
person's CPD record is the two put together by the gateway (gateway/videos/cpd.py),
as it assembles the rest of what crosses services — no copy to keep in step.

Watched time is playing time the clock allows: each report moves the position on, and
what it moved counts up to twice the time since the last report (double speed) and a
little more — so jumping to the end counts nothing, and the minutes are earned by
watching.  Once the watched share (LL_VIDEO_CPD_SHARE, 0.9) is reached, the video's
minutes go into the record of the academic year it happened in, once: a person's
progress row is locked while it is worked on, so two reports at once (two tabs, two
devices) cannot both count it.
"""
from __future__ import annotations

import bisect
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from services.catalogue.audit import AuditEntry
from services.catalogue.videos import access
from services.catalogue.videos.models import UPLOAD, Video, WatchProgress
from shared import audit
from shared.clock import LONDON, academic_year_of, as_utc, utcnow
from shared.db import begin_write
from shared.errors import Conflict, Forbidden, Invalid, NotFound, field_error
from shared.settings import Settings
from shared.tokens import Identity

# What a report may credit beyond the time that passed: a report sent late, a player
# that reports a second or two ahead.  Double speed is allowed for the rest.
SLACK = timedelta(seconds=10)
SPEED = 2
# So near the end that it counts as finished, not as one to continue.
END = 5


def minutes_of(duration_seconds: int) -> int:
    """A video's minutes of CPD: its length, to the nearest minute, at least one."""
    return max(1, round(duration_seconds / 60)) if duration_seconds > 0 else 0


def _row_for(db: Session, person_id: int, video: Video, now: datetime) -> WatchProgress:
    """The person's progress row for the video, made if need be, locked for the rest of
    the transaction (on SQLite the whole unit of work holds the write lock already)."""
    values = {"person_id": person_id, "video_id": video.id, "position_seconds": 0, "watched_seconds": 0,
              "academic_year": academic_year_of(now.astimezone(LONDON).date()), "updated_at": now}
    dialect = postgresql if db.get_bind().dialect.name == "postgresql" else sqlite
    db.exec(dialect.insert(WatchProgress).values(**values).on_conflict_do_nothing(
        index_elements=["person_id", "video_id"]))
    stmt = (select(WatchProgress).where(WatchProgress.person_id == person_id, WatchProgress.video_id == video.id)
            .with_for_update().execution_options(populate_existing=True))
    return db.exec(stmt).one()


def record_progress(db: Session, identity: Identity, video_id: int, position_seconds: int,
                    settings: Settings) -> tuple[Video, WatchProgress]:
    """Save where the person is in a film they may watch, add the playing time since
    their last report, and — the first time the watched share is reached — put the
    video's minutes in their CPD record for this academic year, with an audit entry.
    Never counts a video twice, however many reports arrive at once."""
    if identity.person_id is None:
        raise Forbidden("Sign in to keep your place in a video and count it towards your CPD.")
    begin_write(db)  # SQLite: the reads below decide the writes, so take the lock first
    video = db.get(Video, video_id)
    if video is None or access.refusal_to_watch(video, identity) is not None:
        raise NotFound("There is no such video, or it is not open to you.")
    if video.source != UPLOAD:
        raise Conflict("This video plays on its own site, so your place in it cannot be kept here.")
    if video.duration_seconds and position_seconds > video.duration_seconds + 1:
        raise Invalid("That is past the end of the video.", [field_error(
            "position_seconds", f"Give a position no later than {video.duration_seconds} seconds.")])
    now = utcnow()
    row = _row_for(db, identity.person_id, video, now)
    since = max(timedelta(0), now - as_utc(row.updated_at))
    moved = max(0, position_seconds - row.position_seconds)
    credit = min(moved, int((since * SPEED + SLACK).total_seconds()))
    watched, duration = row.watched_seconds + credit, video.duration_seconds
    row.watched_seconds = min(watched, duration) if duration else watched
    row.position_seconds = min(position_seconds, duration) if duration else position_seconds
    row.updated_at = now
    if row.counted_at is None and video.duration_seconds and \
            row.watched_seconds >= settings.video_cpd_share * video.duration_seconds:
        row.counted_at = now
        row.academic_year = academic_year_of(now.astimezone(LONDON).date())
        audit.log_action(db, AuditEntry, identity, "video.counted", ("watch", row.id), {
            "video_id": [None, video.id], "cpd_minutes": [None, minutes_of(video.duration_seconds)],
            "academic_year": [None, row.academic_year]}, label=video.title)
    db.flush()
    return video, row


def mine(db: Session, identity: Identity, video_ids: list[int]) -> dict[int, WatchProgress]:
    """The caller's progress in each of these videos (one query)."""
    if identity.person_id is None or not video_ids:
        return {}
    rows = db.exec(select(WatchProgress).where(WatchProgress.person_id == identity.person_id,
                                               WatchProgress.video_id.in_(video_ids)))
    return {r.video_id: r for r in rows}


def continue_watching(db: Session, identity: Identity, first: int) -> list[Video]:
    """The films the caller has started and not finished, that they may still watch,
    the most recently watched first."""
    if identity.person_id is None or first == 0:
        return []
    stmt = (select(Video).join(WatchProgress, WatchProgress.video_id == Video.id)
            .where(WatchProgress.person_id == identity.person_id, WatchProgress.position_seconds > 0,
                   WatchProgress.position_seconds < Video.duration_seconds - END, access.watchable_by(identity))
            .order_by(WatchProgress.updated_at.desc(), Video.id).limit(first))
    return list(db.exec(stmt).all())


# ---------- the CPD record ----------


def _own_or_all(identity: Identity):
    """Whose counted videos the caller may read: their own; admins everyone's."""
    return sa.true() if identity.is_admin else WatchProgress.person_id == (identity.person_id or 0)


def cpd_records(db: Session, identity: Identity, person_ids: list[int], academic_year: str | None) -> list[dict]:
    """For each person asked about, the videos whose minutes went into their CPD record
    in one academic year (this one when not said), in the order they were counted.
    A person sees their own, admins anyone's; anyone else gets empty records (not an
    error, which would say the person exists) — as bookings' GET /cpd-records."""
    label = academic_year or academic_year_of(utcnow().astimezone(LONDON).date())
    stmt = (select(WatchProgress.person_id, WatchProgress.video_id, WatchProgress.counted_at, Video.title,
                   Video.duration_seconds)
            .join(Video, Video.id == WatchProgress.video_id)
            .where(WatchProgress.person_id.in_(person_ids), WatchProgress.counted_at.is_not(None),
                   WatchProgress.academic_year == label, _own_or_all(identity))
            .order_by(WatchProgress.counted_at, WatchProgress.id))
    entries: dict[int, list[dict]] = {}
    for person, video_id, counted_at, title, duration in db.exec(stmt).all():
        entries.setdefault(person, []).append({"video_id": video_id, "title": title, "counted_at": as_utc(counted_at),
                                               "minutes": minutes_of(duration)})
    return [{"person_id": p, "academic_year": label, "minutes": sum(e["minutes"] for e in entries.get(p, [])),
             "videos_watched": len(entries.get(p, [])), "entries": entries.get(p, [])} for p in person_ids]


def cpd_hours(db: Session, identity: Identity, person_id: int, bounds: list[date]) -> list[dict]:
    """A person's counted video minutes per period, as bookings' GET /cpd-hours answers
    attended sessions: `bounds` the periods' first days (UK dates, rising), then the day
    after the last.  Their own, or anyone's for an admin; nothing for anyone else."""
    if any(later <= earlier for earlier, later in zip(bounds, bounds[1:])):
        raise Invalid("The periods must follow one another.", [field_error("bounds", "Give the dates rising.")])
    starts = [datetime.combine(d, time(), LONDON) for d in bounds]
    stmt = (select(WatchProgress.counted_at, Video.duration_seconds)
            .join(Video, Video.id == WatchProgress.video_id)
            .where(WatchProgress.person_id == person_id, WatchProgress.counted_at >= starts[0],
                   WatchProgress.counted_at < starts[-1], _own_or_all(identity)))
    rows = db.exec(stmt).all()
    if not rows:
        return []
    minutes, videos = [0] * (len(starts) - 1), [0] * (len(starts) - 1)
    for counted_at, duration in rows:
        period = bisect.bisect_right(starts, as_utc(counted_at)) - 1
        minutes[period] += minutes_of(duration)
        videos[period] += 1
    return [{"person_id": person_id, "minutes": minutes, "videos": videos}]
