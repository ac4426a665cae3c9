"""What the register, feedback and CPD record API accepts and answers."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from services.bookings.periods import BOUNDS
from shared.fields import Text


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


class CoursesFeedbackQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    course_ids: str = Field(max_length=1200, pattern=r"^\d{1,9}(,\d{1,9}){0,99}$",
                            description="Up to 100 comma-separated course ids.")


class OneCourseFeedback(CourseFeedback):
    course_id: int


class CoursesFeedback(BaseModel):
    items: list[OneCourseFeedback]


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


class RecordsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    person_ids: str = Field(max_length=1200, pattern=r"^\d{1,9}(,\d{1,9}){0,99}$",
                            description="Up to 100 comma-separated person ids.")
    academic_year: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}$")] | None = Field(
        None, description="For example 2026-27; the current one when left out.")


class PersonCpdRecord(CpdRecordOut):
    person_id: int


class CpdRecords(BaseModel):
    items: list[PersonCpdRecord]


class HoursQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    person_id: int | None = Field(None, ge=1, le=2**31 - 1)
    school_id: int | None = Field(None, ge=1, le=2**31 - 1)
    bounds: str = BOUNDS


class PersonHours(BaseModel):
    person_id: int
    name: str = Field(description="The name the person booked under.")
    minutes: list[int] = Field(description="Attended minutes in each period, in the order asked.")
    sessions: list[int] = Field(description="Sessions attended in each period.")


class HoursOut(BaseModel):
    items: list[PersonHours] = Field(description="Only people with an attended session in one of the periods.")


class BySchoolQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    session_ids: str = Field(max_length=1200, pattern=r"^\d{1,9}(,\d{1,9}){0,99}$",
                             description="Up to 100 comma-separated session ids.")


class SchoolAttendance(BaseModel):
    session_id: int
    school_id: int
    person_ids: list[int] = Field(description="Who from the school attended the session.")


class AttendanceBySchool(BaseModel):
    items: list[SchoolAttendance] = Field(description="Only schools somebody came from, and only those the caller "
                                                      "may follow: admins every school, SIPs and school "
                                                      "leaders their own.")
