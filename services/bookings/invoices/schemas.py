"""What the invoices API accepts and answers."""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from shared.fields import Text


class CreditNotePath(BaseModel):
    order_id: int = Field(ge=1, le=2**31 - 1)
    number: str = Field(pattern=r"^CN-\d{6,}$", description="The credit note's number, e.g. CN-000001.")


class ReductionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    amount_pence: int = Field(ge=1, le=100_000_000, description="What to take off the invoice, in pence.")
    reason: Text(3, 500)


class CreditNoteOut(BaseModel):
    number: str
    amount_pence: int
    reason: str
    created_at: datetime
