"""What a school leader's decision on a booking accepts (it answers the booking)."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from shared.fields import Text


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    approve: bool
    note: Text(0, 500) | None = None
