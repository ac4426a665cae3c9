"""Field types the services' request schemas share, each refusing bad input with a
sentence a person can act on (see shared.errors for how pydantic's own are said)."""
from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, StringConstraints


def Text(min_length: int, max_length: int):  # noqa: N802 - used like a type: Text(1, 200)
    """Text with the surrounding spaces removed, between these lengths."""
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length)]


def _https(value: str) -> str:
    if not value.startswith("https://") or len(value) <= len("https://") or any(c.isspace() for c in value):
        raise ValueError("Enter a web address that starts with https://, for example https://meet.example/abc.")
    return value


# Links people follow from an invitation: only https, so a joining link is never sent in clear.
HttpsUrl = Annotated[str, StringConstraints(max_length=500), AfterValidator(_https)]
