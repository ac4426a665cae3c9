"""What the owners deliver to the catalogue's copies (shared.facts: the fact, whole,
with the publisher's version)."""
from __future__ import annotations

from pydantic import BaseModel, Field

from shared.facts import Fact
from shared.vocabulary import RiskBand


class SchoolBandFact(Fact):
    band: RiskBand | None = Field(description="The school's band; null when it has none.")


class SchoolPath(BaseModel):
    school_id: int = Field(ge=1, le=2**31 - 1)
