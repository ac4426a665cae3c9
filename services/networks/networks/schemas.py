from __future__ import annotations

from pydantic import BaseModel, Field

from shared.paging import PageQuery


class NetworkOut(BaseModel):
    id: int
    name: str
    subject: str
    meetings_per_year: int


class NetworkQuery(PageQuery):
    ids: str | None = Field(None, max_length=1200, pattern=r"^\d{1,9}(,\d{1,9}){0,99}$",
                            description="Batch read: up to 100 comma-separated ids.")


class NetworkPage(BaseModel):
    items: list[NetworkOut]
    total: int
    has_next: bool
    end_cursor: str | None
    cursors: list[str]


class NetworkIdPath(BaseModel):
    network_id: int = Field(ge=1, le=2**31 - 1)
