"""What the bookings API accepts and answers."""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from shared.errors import FieldProblems
from shared.fields import HttpsUrl, Text
from shared.paging import PageQuery
from shared.vocabulary import BookingStatus, Phase, SessionStatus, Visibility


class SessionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    course_id: int = Field(ge=1, le=2**31 - 1)
    course_visibility: Visibility = Visibility.TRUST
    course_published: bool = True
    course_title: Text(1, 200) = Field(description="What every message, record and certificate calls it.")
    course_subject: Text(1, 80) | None = None
    course_phases: list[Phase] = Field(default_factory=list, max_length=6)
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    venue: Text(1, 200) | None = None
    online_url: HttpsUrl | None = None
    capacity: int = Field(ge=1, le=5000)
    external_places: int = Field(0, ge=0, le=5000)
    requires_approval: bool = False
    booking_closes_at: AwareDatetime | None = Field(None, description="Defaults to the start.")
    cancellation_deadline: AwareDatetime | None = Field(None, description="Defaults to 48 hours before the start.")

    @model_validator(mode="after")
    def _coherent(self) -> "SessionIn":
        problems = []
        if self.ends_at <= self.starts_at:
            problems.append(("ends_at", "The session must end after it starts."))
        if self.external_places > self.capacity:
            problems.append(("external_places", "Places for other schools cannot exceed the capacity."))
        if not self.venue and not self.online_url:
            problems.append(("venue", "Give a venue, an online link, or both."))
        if problems:
            raise FieldProblems(problems)
        return self


class CourseListingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    visibility: Visibility
    published: bool
    title: Text(1, 200) | None = None
    subject: Text(1, 80) | None = None
    phases: list[Phase] | None = Field(None, max_length=6)


class ListingResult(BaseModel):
    sessions: int


class CourseIdPath(BaseModel):
    course_id: int = Field(ge=1, le=2**31 - 1)


class SessionOut(BaseModel):
    id: int
    course_id: int
    # The course as this session has it: what the session's attendees still see of a
    # course the catalogue no longer shows them.
    course_title: str
    course_subject: str | None
    course_phases: list[Phase]
    course_visibility: Visibility
    course_published: bool
    starts_at: datetime
    ends_at: datetime
    venue: str | None
    online_url: str | None
    capacity: int
    external_places: int
    places_left: int
    requires_approval: bool
    booking_closes_at: datetime
    cancellation_deadline: datetime
    status: SessionStatus
    waiting_list_length: int
    sequence: int


class SessionQuery(PageQuery):
    starts_from: AwareDatetime | None = Field(None, alias="from")
    starts_to: AwareDatetime | None = Field(None, alias="to")
    course_id: int | None = Field(None, ge=1, le=2**31 - 1)
    course_ids: str | None = Field(None, max_length=1200, pattern=r"^\d{1,9}(,\d{1,9}){0,99}$",
                                   description="Sessions of any of these courses (up to 100), unpaged.")
    upcoming: bool = Field(False, description="Only sessions that have not started.")
    subject: Text(1, 80) | None = Field(None, description="Only sessions of courses in this subject.")
    phase: Phase | None = Field(None, description="Only sessions of courses for this phase.")
    ids: str | None = Field(None, max_length=1200, pattern=r"^\d{1,9}(,\d{1,9}){0,99}$")


class SessionPage(BaseModel):
    items: list[SessionOut]
    total: int
    has_next: bool
    end_cursor: str | None
    cursors: list[str]


class SessionIdPath(BaseModel):
    session_id: int = Field(ge=1, le=2**31 - 1)


class BookingIdPath(BaseModel):
    booking_id: int = Field(ge=1, le=2**31 - 1)


class AttendeeIn(BaseModel):
    """Who the place is for, as the gateway knows them; leave out to book yourself."""

    model_config = ConfigDict(extra="forbid")
    person_id: int = Field(ge=1, le=2**31 - 1)
    name: Text(1, 160)
    # Not EmailStr: it refuses reserved domains such as .test, which the demo uses;
    # the gateway has already matched this address to a signed-in person.
    email: Annotated[str, StringConstraints(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    school_id: int | None = Field(None, ge=1, le=2**31 - 1)


Email = Annotated[str, StringConstraints(max_length=254, pattern=r"^[^@\s,]+@[^@\s,]+\.[^@\s,]+$")]


class BookingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    attendee: AttendeeIn | None = None
    idempotency_key: Text(1, 100) | None = None
    approvers: list[Email] = Field(default_factory=list, max_length=10,
                                   description="The attendee's school leaders, told when a booking needs approval.")
    school_days: list[date] = Field(default_factory=list, max_length=200, description=(
        "The trust's school days from today, as the academic calendar has them: a booking that needs approval "
        "reminds the school leaders after three of these (weekdays past the last one given)."))


class AcceptIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    school_days: list[date] = Field(default_factory=list, max_length=200, description="As for a booking.")

    @model_validator(mode="before")
    @classmethod
    def _no_body(cls, data):
        return {} if data is None else data  # accepting needs nothing said: no body is fine


class AttendanceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    attended_booking_ids: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] = Field(max_length=5000)


class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rating: int = Field(ge=1, le=5, description="1 (poor) to 5 (excellent).")
    comment: Text(0, 2000) | None = None


class FeedbackItem(BaseModel):
    rating: int
    comment: str | None
    session_id: int
    session_starts_at: datetime
    left_at: datetime | None


class CourseFeedback(BaseModel):
    count: int
    average: float | None
    items: list[FeedbackItem]


class RecordQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    person_id: int = Field(ge=1, le=2**31 - 1)
    academic_year: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}$")] | None = Field(
        None, description="For example 2026-27; the current one when left out.")


class RecordEntry(BaseModel):
    booking_id: int
    session_id: int
    title: str
    starts_at: datetime
    minutes: int


class CpdRecordOut(BaseModel):
    academic_year: str
    minutes: int
    sessions_attended: int
    entries: list[RecordEntry]


class SchoolBookingsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    school_id: int = Field(ge=1, le=2**31 - 1)
    upcoming: bool = True


class MyBookingsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    session_ids: str | None = Field(None, max_length=1200, pattern=r"^\d{1,9}(,\d{1,9}){0,99}$",
                                    description="Only bookings on these sessions (a batch read).")
    upcoming: bool = False


class CancelSessionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Text(3, 500)


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    approve: bool
    note: Text(0, 500) | None = None


class BookingOut(BaseModel):
    id: int
    session_id: int
    person_id: int
    attendee_name: str
    school_id: int | None
    status: BookingStatus
    waiting_list_position: int | None
    offer_expires_at: datetime | None
    decision_note: str | None = None
    feedback_rating: int | None = None
    feedback_comment: str | None = None
    created_at: datetime


class BookingList(BaseModel):
    items: list[BookingOut]


class CommitmentsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    person_ids: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] = Field(max_length=1000)
    starts_from: AwareDatetime = Field(alias="from")
    starts_to: AwareDatetime = Field(alias="to")


class Commitment(BaseModel):
    person_id: int
    starts_at: datetime
    ends_at: datetime
    title: str


class Commitments(BaseModel):
    items: list[Commitment]
