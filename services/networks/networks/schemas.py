from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shared.paging import PageQuery, page_model
from shared.vocabulary import MembershipRole


class NetworkOut(BaseModel):
    id: int
    name: str
    subject: str
    meetings_per_year: int


class NetworkQuery(PageQuery):
    ids: str | None = Field(None, max_length=1200, pattern=r"^\d{1,9}(,\d{1,9}){0,99}$",
                            description="Batch read: up to 100 comma-separated ids.")


NetworkPage = page_model("NetworkPage", NetworkOut)


class NetworkIdPath(BaseModel):
    network_id: int = Field(ge=1, le=2**31 - 1)


class MemberIn(BaseModel):
    """Who to add, as the gateway knows them."""

    model_config = ConfigDict(extra="forbid")
    person_id: int = Field(ge=1, le=2**31 - 1)
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=160)]
    email: Annotated[str, StringConstraints(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    school_id: int | None = Field(None, ge=1, le=2**31 - 1)
    role: MembershipRole = MembershipRole.MEMBER


class MembershipOut(BaseModel):
    network_id: int
    person_id: int
    name: str
    school_id: int | None
    role: MembershipRole
    added_at: datetime


class MembershipList(BaseModel):
    items: list[MembershipOut]


class MemberPath(BaseModel):
    network_id: int = Field(ge=1, le=2**31 - 1)
    person_id: int = Field(ge=1, le=2**31 - 1)


class MembershipQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    network_ids: str = Field(max_length=1200, pattern=r"^\d{1,9}(,\d{1,9}){0,99}$",
                             description="Members of these networks (up to 100) that the caller may see.")
