"""What the gateway hands over: a Stripe event whose signature it has checked."""
from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from shared.fields import Text


class EventData(BaseModel):
    model_config = ConfigDict(extra="ignore")

    object: dict = Field(description="The object the event is about, as Stripe sent it.")


class StripeEventIn(BaseModel):
    # Stripe adds fields to its events over time; what we do not read is not an error.
    model_config = ConfigDict(extra="ignore")

    id: str = Field(pattern=r"^evt_[A-Za-z0-9_]+$", max_length=255, description="Stripe's event id (evt_…).")
    type: str = Field(pattern=r"^[a-z_]+(\.[a-z_]+)+$", max_length=100,
                      description="payment_intent.succeeded and the like.")
    created: int = Field(ge=0, description="When Stripe made the event, in seconds since 1970.")
    data: EventData


class EventRecorded(BaseModel):
    recorded: bool = Field(description="False when this event id had arrived before: nothing was done again.")
    outcome: str = Field(description="applied (a handler acted on it) or ignored (a type nothing acts on).")


class RefundIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    amount_pence: Annotated[int, Field(ge=1, le=10_000_000, description="What to give back, in pence.")]
    reason: Text(3, 500)
    idempotency_key: Text(1, 100) | None = Field(
        None, description="The same key again answers the refund already made, rather than refunding twice.")
