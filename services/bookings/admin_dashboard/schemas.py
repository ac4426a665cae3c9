"""What the dashboards API accepts and answers."""
from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field


class AdminDashboardQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    governor_course_ids: str | None = Field(
        None, max_length=1200, pattern=r"^\d{1,9}(,\d{1,9}){0,99}$",
        description="The courses whose audience includes governors (up to 100, as the catalogue has them): "
                    "their attended places are the governor CPD figures.")


class SessionFill(BaseModel):
    id: int
    course_id: int
    course_title: str
    starts_at: datetime
    ends_at: datetime
    venue: str | None
    capacity: int
    booked: int
    status: str


class Registers(BaseModel):
    total: int
    items: list[SessionFill]


class CourseRating(BaseModel):
    course_id: int
    course_title: str
    count: int
    average: float


class GovernorMonth(BaseModel):
    month: str  # 2026-09
    this_year: int
    last_year: int


class GovernorCpd(BaseModel):
    academic_year: str
    last_academic_year: str
    as_of: date
    same_point_last_year: date
    attended: int
    attended_last_year: int
    by_month: list[GovernorMonth]


class AdminDashboard(BaseModel):
    week_starts_on: date
    this_week: list[SessionFill]
    registers_to_take: Registers
    under_filled_below: float
    under_filled_days: int
    under_filled: list[SessionFill]
    feedback_days: int
    feedback: list[CourseRating]
    governor_cpd: GovernorCpd
