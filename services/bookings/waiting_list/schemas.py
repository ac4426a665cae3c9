"""What taking up a waiting-list offer accepts (it answers the booking)."""
from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, model_validator


class AcceptIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    school_days: list[date] = Field(default_factory=list, max_length=200, description="As for a booking.")

    @model_validator(mode="before")
    @classmethod
    def _no_body(cls, data):
        return {} if data is None else data  # accepting needs nothing said: no body is fine
