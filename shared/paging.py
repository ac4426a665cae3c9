"""Paging shared by every list endpoint: `first` (at most 100) and an opaque `after` cursor."""
from __future__ import annotations

import base64
from pydantic import BaseModel, ConfigDict, Field, create_model

from shared.errors import Invalid, field_error

MAX_PAGE = 100


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, field: str = "after") -> int:
    if not cursor:
        return 0
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = raw.partition(":")
        offset = int(value)
        if kind != "o" or offset < 0:
            raise ValueError
        return offset + 1
    except (ValueError, UnicodeDecodeError):
        raise Invalid("That page cursor is not one we gave out; start again from the first page.",
                      [field_error(field, "Not a valid cursor.")]) from None


class PageQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    first: int = Field(20, ge=0, le=MAX_PAGE, description="How many items, at most 100.")
    after: str | None = Field(None, max_length=200, description="The cursor of the last item seen.")


def page_model(name: str, item: type[BaseModel]) -> type[BaseModel]:
    """The schema of what page_of answers for a list of `item`s, called `name` in the
    OpenAPI document."""
    return create_model(name, __module__=item.__module__, items=(list[item], ...), total=(int, ...),
                        has_next=(bool, ...), end_cursor=(str | None, ...), cursors=(list[str], ...))


def page_of(items: list, total: int, start: int) -> dict:
    """The page shape every list endpoint answers with; cursors are the item offsets."""
    end = start + len(items)
    return {
        "items": items,
        "total": total,
        "has_next": end < total,
        "end_cursor": encode_cursor(end - 1) if items else None,
        "cursors": [encode_cursor(start + i) for i in range(len(items))],
    }
