"""What the bookings API accepts and answers."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from shared.fields import Text
from shared.vocabulary import BookingStatus


class BookingIdPath(BaseModel):
    booking_id: int = Field(ge=1, le=2**31 - 1)


class AttendeeIn(BaseModel):
    """Who the place is for, as the gateway knows them; leave out to book yourself."""

    model_config = ConfigDict(extra="forbid")
    person_id: int = Field(ge=1, le=2**31 - 1)
    name: Text(1, 160)
    # Not EmailStr: it refuses reserved domains such as .test, which the demo uses;
    # the gateway has already matched this address to a signed-in person.
    email: Annotated[str, StringConstraints(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    school_id: int | None = Field(None, ge=1, le=2**31 - 1)


class BookingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    attendee: AttendeeIn | None = None
    idempotency_key: Text(1, 100) | None = None


class SchoolBookingsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    school_id: int = Field(ge=1, le=2**31 - 1)
    upcoming: bool = True


class MyBookingsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    session_ids: str | None = Field(None, max_length=1200, pattern=r"^\d{1,9}(,\d{1,9}){0,99}$",
                                    description="Only bookings on these sessions (a batch read).")
    upcoming: bool = False


class BookingOut(BaseModel):
    id: int
    session_id: int
    person_id: int
    attendee_name: str
    school_id: int | None
    status: BookingStatus
    waiting_list_position: int | None
    offer_expires_at: datetime | None
    decision_note: str | None = None
    feedback_rating: int | None = None
    feedback_comment: str | None = None
    created_at: datetime


class BookingList(BaseModel):
    items: list[BookingOut]


class CommitmentsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    person_ids: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] = Field(max_length=1000)
    starts_from: AwareDatetime = Field(alias="from")
    starts_to: AwareDatetime = Field(alias="to")


class Commitment(BaseModel):
    person_id: int
    starts_at: datetime
    ends_at: datetime
    title: str


class Commitments(BaseModel):
    items: list[Commitment]
