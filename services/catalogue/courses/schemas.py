"""What the catalogue's HTTP API accepts and answers, validated at the edge."""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.fields import Text
from shared.paging import PageQuery, page_model
from shared.vocabulary import Audience, CourseStatus, DeliveryMode, Phase, Visibility


class CourseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Text(3, 200)
    summary: Text(1, 500)
    description: Text(1, 20_000)
    subject: Text(1, 80)
    phases: list[Phase] = Field(min_length=1, max_length=len(Phase))
    audiences: list[Audience] = Field(min_length=1, max_length=len(Audience))
    provider: Text(1, 120)
    delivery_mode: DeliveryMode
    duration_minutes: int = Field(ge=15, le=60 * 24 * 5, description="Contact time in minutes.")
    visibility: Visibility
    status: CourseStatus
    external_price_pence: int | None = Field(None, ge=0, le=10_000_00)

    @field_validator("phases", "audiences")
    @classmethod
    def _no_repeats(cls, values: list) -> list:
        if len(set(values)) != len(values):
            raise ValueError("List each value once.")
        return values


class CourseOut(BaseModel):
    id: int
    slug: str
    title: str
    summary: str
    description: str
    subject: str
    phases: list[Phase]
    audiences: list[Audience]
    provider: str
    delivery_mode: DeliveryMode
    duration_minutes: int
    visibility: Visibility
    status: CourseStatus
    external_price_pence: int | None
    created_at: datetime
    updated_at: datetime


class CourseQuery(PageQuery):
    search: str | None = Field(None, max_length=200)
    subject: str | None = Field(None, max_length=80)
    phase: Phase | None = None
    audience: Audience | None = None
    delivery_mode: DeliveryMode | None = None
    visibility: Visibility | None = None
    status: CourseStatus | None = Field(None, description="Admins only; others always see PUBLISHED.")
    ids: str | None = Field(
        None, max_length=1200, pattern=r"^\d{1,9}(,\d{1,9}){0,99}$",
        description="Batch read: up to 100 comma-separated ids, answered in one page.",
    )


CoursePage = page_model("CoursePage", CourseOut)


class CourseIdPath(BaseModel):
    course_id: int = Field(ge=1, le=2**31 - 1)


class CourseSlugPath(BaseModel):
    slug: str = Field(min_length=1, max_length=120)


class SubjectList(BaseModel):
    subjects: list[str]


class ErrorOut(BaseModel):
    code: str
    message: str
    fieldErrors: list[dict]
