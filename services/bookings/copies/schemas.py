"""What the owners deliver to bookings' copies (shared.facts: the fact, whole, with
the publisher's version)."""
from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shared.facts import Fact
from shared.fields import Text
from shared.vocabulary import Phase, Visibility


class CourseListingFact(Fact):
    title: Text(1, 200)
    subject: Text(1, 80) | None = None
    phases: list[Phase] = Field(default_factory=list, max_length=6)
    visibility: Visibility
    published: bool
    # What a school outside the trust pays for a place (PUBLIC courses), in pence.
    external_price_pence: int | None = Field(None, ge=0, le=10_000_00)


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


class SchoolPath(BaseModel):
    school_id: int = Field(ge=1, le=2**31 - 1)
