"""What taking up a waiting-list offer accepts (it answers the booking)."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, model_validator


class AcceptIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _no_body(cls, data):
        return {} if data is None else data  # accepting needs nothing said: no body is fine
