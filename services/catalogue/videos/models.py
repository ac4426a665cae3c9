"""A video in the library, an upload on its way to becoming one, and each person's
progress through a video."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field

from services.catalogue.db import CatalogueModel
from shared.clock import utcnow
from shared.db import text_enum, utc_column
from shared.vocabulary import ConsentStatus, Visibility

UPLOAD = "UPLOAD"  # a file kept in the catalogue's storage (videos/media.py)
LINK = "LINK"  # a video hosted elsewhere, on an allowed host


class Video(CatalogueModel, table=True):
    """A lesson video or film.  The database holds the safeguarding rules that must
    never bend whatever the code above does: a film with pupils is never PUBLIC, and it
    needs consent (its status is never NOT_NEEDED) while a pupil-free one needs none."""

    __tablename__ = "video"
    __table_args__ = (
        sa.CheckConstraint("source IN ('UPLOAD', 'LINK')", name="source_known"),
        # An uploaded video has its file; a linked one its address.
        sa.CheckConstraint("(source = 'UPLOAD' AND storage_key IS NOT NULL) OR "
                           "(source = 'LINK' AND source_url IS NOT NULL)", name="source_has_its_media"),
        sa.CheckConstraint("NOT has_pupils OR visibility = 'TRUST'", name="pupils_never_public"),
        sa.CheckConstraint("has_pupils = (consent_status != 'NOT_NEEDED')", name="consent_follows_pupils"),
        sa.CheckConstraint("size_bytes >= 0 AND duration_seconds >= 0", name="sizes_not_negative"),
        # A course page's videos.
        sa.Index("ix_video_course", "course_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(sa_column=sa.Column(sa.String(160), nullable=False))
    description: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    subject: str = Field(sa_column=sa.Column(sa.String(80), nullable=False, index=True))
    # Phase values ("KS1", …), in the order of shared.vocabulary.Phase.
    phases: list[str] = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    course_id: int | None = Field(default=None, sa_column=sa.Column(
        sa.ForeignKey("course.id", ondelete="SET NULL"), nullable=True))
    visibility: Visibility = Field(default=Visibility.TRUST, sa_column=sa.Column(
        text_enum(Visibility, "visibility"), nullable=False, index=True))
    source: str = Field(default=UPLOAD, sa_column=sa.Column(sa.String(10), nullable=False))
    source_url: str | None = Field(default=None, sa_column=sa.Column(sa.String(500), nullable=True))
    # Keys in the catalogue's storage (videos/storage.py), never URLs: a file is only
    # ever reached through a signed, short-lived playback URL.
    storage_key: str | None = Field(default=None, sa_column=sa.Column(sa.String(200), nullable=True))
    poster_key: str | None = Field(default=None, sa_column=sa.Column(sa.String(200), nullable=True))
    content_type: str | None = Field(default=None, sa_column=sa.Column(sa.String(100), nullable=True))
    # BIGINT: files run past 2 GiB.
    size_bytes: int = Field(default=0, sa_column=sa.Column(sa.BigInteger, nullable=False))
    duration_seconds: int = 0  # 0 when unknown (a linked video)
    has_pupils: bool = False
    consent_status: ConsentStatus = Field(default=ConsentStatus.NOT_NEEDED, sa_column=sa.Column(
        text_enum(ConsentStatus, "consent_status"), nullable=False, index=True))
    # Who recorded the consent decision last, when, and on what basis (or why withdrawn).
    consent_by_id: int | None = None
    consent_by_name: str | None = Field(default=None, sa_column=sa.Column(sa.String(160), nullable=True))
    consent_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    consent_note: str | None = Field(default=None, sa_column=sa.Column(sa.Text, nullable=True))
    captions_vtt: str | None = Field(default=None, sa_column=sa.Column(sa.Text, nullable=True))
    # The captions' words without their timings, for search and the transcript beside the player.
    transcript: str | None = Field(default=None, sa_column=sa.Column(sa.Text, nullable=True))
    # [{"title": …, "starts_at_seconds": …}], in order.
    chapters: list[dict] = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    uploaded_by_id: int
    uploaded_by_name: str = Field(sa_column=sa.Column(sa.String(160), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())


class VideoUpload(CatalogueModel, table=True):
    """A resumable upload (tus 1.0): its id is the tus upload id, random so it cannot be
    guessed.  `offset` is how many bytes are safely stored; it only moves by a
    conditional UPDATE from the offset a PATCH started at, so two PATCHes racing at one
    offset cannot both write."""

    __tablename__ = "video_upload"
    __table_args__ = (
        sa.CheckConstraint('size_bytes > 0 AND "offset" >= 0 AND "offset" <= size_bytes', name="offset_within_size"),
        # The scheduler's sweep of abandoned uploads.
        sa.Index("ix_video_upload_updated_at", "updated_at"),
    )

    id: str = Field(sa_column=sa.Column(sa.String(64), primary_key=True))
    created_by_id: int
    filename: str = Field(default="", sa_column=sa.Column(sa.String(255), nullable=False))
    # Upload-Length, as declared when it was created.
    size_bytes: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False))
    offset: int = Field(default=0, sa_column=sa.Column(sa.BigInteger, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    # Set when the whole file was checked (ffprobe) and stored under `storage_key`,
    # with what the check found; saving it as a video (media.finish_upload) uses it up.
    completed_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    storage_key: str | None = Field(default=None, sa_column=sa.Column(sa.String(200), nullable=True))
    poster_key: str | None = Field(default=None, sa_column=sa.Column(sa.String(200), nullable=True))
    content_type: str | None = Field(default=None, sa_column=sa.Column(sa.String(100), nullable=True))
    duration_seconds: int = 0
    # Why the finished file was refused, in a sentence a person can act on.
    error: str | None = Field(default=None, sa_column=sa.Column(sa.String(500), nullable=True))


class WatchProgress(CatalogueModel, table=True):
    """Where a person is in a video, across devices, and whether its minutes have gone
    into their CPD record (once: `counted_at`)."""

    __tablename__ = "watch_progress"
    __table_args__ = (
        sa.UniqueConstraint("person_id", "video_id"),
        sa.CheckConstraint("position_seconds >= 0 AND watched_seconds >= 0", name="seconds_not_negative"),
        # "Continue watching": a person's most recent first.
        sa.Index("ix_watch_progress_person_updated", "person_id", "updated_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int
    video_id: int = Field(sa_column=sa.Column(sa.ForeignKey("video.id", ondelete="CASCADE"), nullable=False,
                                              index=True))
    position_seconds: int = 0
    watched_seconds: int = 0
    academic_year: str = Field(sa_column=sa.Column(sa.String(7), nullable=False))  # "2026-27"
    counted_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
