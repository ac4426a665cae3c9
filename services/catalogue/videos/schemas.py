"""What the video library's HTTP API accepts and answers, validated at the edge."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from services.catalogue.videos.captions import MAX_CHARACTERS
from shared.fields import Text
from shared.paging import PageQuery, page_model
from shared.vocabulary import ConsentStatus, Phase, Visibility

LONGEST_VIDEO = 24 * 3600
_IDS = r"^\d{1,9}(,\d{1,9}){0,99}$"
Year = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}$")]


class ChapterIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: Text(1, 120)
    starts_at_seconds: int = Field(ge=0, le=LONGEST_VIDEO)


class VideoIn(BaseModel):
    """A new video (from an `upload_id` or a `source_url`), or a video's new details."""

    model_config = ConfigDict(extra="forbid")
    title: Text(3, 160)
    description: Text(0, 20_000) = ""
    subject: Text(1, 80)
    phases: list[Phase] = Field(min_length=1, max_length=len(Phase))
    course_id: int | None = Field(None, ge=1, le=2**31 - 1)
    source_url: str | None = Field(None, max_length=500, description="A video on an allowed host (new videos).")
    upload_id: str | None = Field(None, max_length=64, description="A finished upload (tus), for a new video.")
    captions_vtt: str | None = Field(None, max_length=MAX_CHARACTERS, description=(
        "WebVTT; empty: none; left out of a change: as they were (chapters too)."))
    chapters: list[ChapterIn] = Field(default_factory=list, max_length=50)
    visibility: Visibility = Visibility.TRUST
    has_pupils: bool | None = Field(None, description=(
        "Whether pupils can be seen or heard in it. A new video with pupils waits for consent (and one that "
        "does not say is taken to have them); on a change, left out means as it was."))

    @field_validator("phases")
    @classmethod
    def _no_repeats(cls, values: list) -> list:
        if len(set(values)) != len(values):
            raise ValueError("List each value once.")
        return values


class CueOut(BaseModel):
    start_seconds: float
    end_seconds: float
    text: str


class ChapterOut(BaseModel):
    title: str
    starts_at_seconds: int


class VideoOut(BaseModel):
    id: int
    title: str
    description: str
    subject: str
    phases: list[Phase]
    course_id: int | None
    visibility: Visibility
    source: str = Field(description="UPLOAD (played here) or LINK (played on its own site).")
    source_url: str | None
    content_type: str | None
    duration_seconds: int
    has_pupils: bool
    consent_status: ConsentStatus
    consent_by_name: str | None = Field(description="Who recorded the consent decision: admins and the uploader "
                                                    "only, null for everyone else.")
    consent_at: datetime | None
    consent_note: str | None = Field(description="The basis of the consent, or why withdrawn: admins and the "
                                                 "uploader only.")
    watchable: bool = Field(description="Whether the caller may play it now (an admin may read a withdrawn "
                                        "film's record without playing it).")
    stream_url: str | None = Field(description="A short-lived signed playback URL for the caller, when they may "
                                               "watch an uploaded film.")
    poster_url: str | None
    has_captions: bool
    transcript: str | None
    chapters: list[ChapterOut]
    uploaded_by_id: int
    uploaded_by_name: str
    may_edit: bool = Field(description="Whether the caller may change it.")
    my_position_seconds: int | None = Field(description="Where the caller left off; null when never played.")
    my_counted: bool = Field(description="Whether its minutes are in the caller's CPD record.")
    cues: list[CueOut] | None = Field(None, description="The captions, cue by cue (with_captions only).")
    captions_vtt: str | None = Field(None, description="The captions as kept (with_captions only).")
    created_at: datetime
    updated_at: datetime


VideoPage = page_model("VideoPage", VideoOut)


class VideoQuery(PageQuery):
    search: str | None = Field(None, max_length=200, description="Full text over title, description and transcript.")
    subject: str | None = Field(None, max_length=80)
    phase: Phase | None = None
    course_id: int | None = Field(None, ge=1, le=2**31 - 1)
    consent_status: ConsentStatus | None = Field(None, description=(
        "Admins only: the films of one consent status (WITHDRAWN ones are in no other list)."))
    ids: str | None = Field(None, max_length=1200, pattern=_IDS,
                            description="Batch read: up to 100 comma-separated ids, answered in one page.")
    with_captions: bool = Field(False, description="Include each video's captions and cues.")


class ByCourseQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    course_ids: str = Field(max_length=1200, pattern=_IDS, description="Up to 100 comma-separated course ids.")


class VideoList(BaseModel):
    items: list[VideoOut]


class VideoIdPath(BaseModel):
    video_id: int = Field(ge=1, le=2**31 - 1)


class ConsentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: ConsentStatus
    note: Text(3, 2000) = Field(description="The basis for consent (the forms held, by whom), or why it changed.")


class ProgressIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    position_seconds: int = Field(ge=0, le=LONGEST_VIDEO)


class MineQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    first: int = Field(5, ge=0, le=50)


class CpdRecordsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    person_ids: str = Field(max_length=1200, pattern=_IDS, description="Up to 100 comma-separated person ids.")
    academic_year: Year | None = Field(None, description="For example 2026-27; the current one when left out.")


class WatchedEntry(BaseModel):
    video_id: int
    title: str
    counted_at: datetime
    minutes: int


class VideoCpdRecord(BaseModel):
    person_id: int
    academic_year: str
    minutes: int
    videos_watched: int
    entries: list[WatchedEntry]


class VideoCpdRecords(BaseModel):
    items: list[VideoCpdRecord]


class HoursQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    person_id: int = Field(ge=1, le=2**31 - 1)
    bounds: str = Field(max_length=200, pattern=r"^\d{4}-\d{2}-\d{2}(,\d{4}-\d{2}-\d{2}){1,12}$", description=(
        "The periods' first days, rising, then the day after the last period (as bookings' GET /cpd-hours)."))


class PersonVideoHours(BaseModel):
    person_id: int
    minutes: list[int] = Field(description="Minutes of video counted in each period, in the order asked.")
    videos: list[int]


class VideoHoursOut(BaseModel):
    items: list[PersonVideoHours]


class SubjectList(BaseModel):
    subjects: list[str]
