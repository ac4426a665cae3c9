"""Reading the identifiers a client sends: ids, course slugs, academic-year labels.

Each is checked against the form we give out before it goes into a service's URL:
anything else cannot name one of our things, so the answer is "not found" (null, or
a userError on a mutation) without asking any service.  `str.isdigit` is not the
test: it is true of "²" and "٣", which `int` refuses or reads as another number.
"""
from __future__ import annotations

import re
from typing import Any, Iterable

_ID = re.compile(r"[0-9]{1,10}")
# python-slugify's output, which is how the catalogue makes slugs (at most 120 long)
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_YEAR = re.compile(r"[0-9]{4}-[0-9]{2}")


def parse_id(value: Any) -> int | None:
    """The row id `value` names: ASCII digits for a positive 32-bit integer (every
    table's key), else None."""
    text = str(value)
    if not _ID.fullmatch(text):
        return None
    number = int(text)
    return number if 0 < number < 2**31 else None


def parse_ids(values: Iterable[Any]) -> list[int] | None:
    """Every id of a list, or None when any of them cannot be ours."""
    ids = [parse_id(v) for v in values]
    return None if None in ids else ids


def parse_slug(value: str) -> str | None:
    return value if len(value) <= 120 and _SLUG.fullmatch(value) else None


def parse_year_label(value: str) -> str | None:
    """An academic year as people write it, 2026-27."""
    return value if _YEAR.fullmatch(value) else None
