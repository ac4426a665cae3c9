"""What the owners deliver to bookings' copies (shared.facts: the fact, whole, with
the publisher's version)."""
from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shared.fields import Text
from shared.vocabulary import Phase, Visibility


class Fact(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int = Field(ge=1, le=2**63 - 1, description="The publisher's outbox id: newer facts have larger ones.")


class CourseListingFact(Fact):
    title: Text(1, 200)
    subject: Text(1, 80) | None = None
    phases: list[Phase] = Field(default_factory=list, max_length=6)
    visibility: Visibility
    published: bool
    # What a school outside the trust pays for a place (PUBLIC courses), in pence.
    external_price_pence: int | None = Field(None, ge=0, le=10_000_00)


class SchoolDaysFact(Fact):
    school_days: list[date] = Field(max_length=366, description="Every day schools are open in the year.")


class LeaderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    person_id: int = Field(ge=1, le=2**31 - 1)
    name: Text(1, 160)
    email: Annotated[str, StringConstraints(max_length=254, pattern=r"^[^@\s,]+@[^@\s,]+\.[^@\s,]+$")]


class SchoolLeadersFact(Fact):
    leaders: list[LeaderIn] = Field(max_length=50)


class OrganisationFact(Fact):
    name: Text(1, 160)
    address: Text(1, 500)
    billing_email: Annotated[str, StringConstraints(max_length=254, pattern=r"^[^@\s,]+@[^@\s,]+\.[^@\s,]+$")]


class OrganisationPath(BaseModel):
    organisation_id: int = Field(ge=1, le=2**31 - 1)


class Applied(BaseModel):
    applied: bool = Field(description="False when this copy already held the fact, or a newer one.")


class YearPath(BaseModel):
    label: str = Field(pattern=r"^\d{4}-\d{2}$", description="An academic year, e.g. 2026-27.")


class SchoolPath(BaseModel):
    school_id: int = Field(ge=1, le=2**31 - 1)
