"""What the sessions API accepts and answers."""
from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from shared.errors import FieldProblems
from shared.fields import HttpsUrl, Text
from shared.paging import PageQuery, page_model
from shared.vocabulary import Phase, SessionStatus, Visibility


class SessionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    course_id: int = Field(ge=1, le=2**31 - 1, description=(
        "A course the catalogue has told bookings about: the session takes its title, subject, phases and "
        "visibility from that listing."))
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
    external_places_left: int
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


SessionPage = page_model("SessionPage", SessionOut)


class SessionIdPath(BaseModel):
    session_id: int = Field(ge=1, le=2**31 - 1)


class CancelSessionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Text(3, 500)
