"""What the bookings API accepts and answers."""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from shared.errors import FieldProblems
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
    """A school's bookings, narrowed the way its leaders look for them (My school)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    school_id: int = Field(ge=1, le=2**31 - 1)
    upcoming: bool = True
    person_id: int | None = Field(None, ge=1, le=2**31 - 1, description="Only this member of staff's bookings.")
    subject: Text(1, 80) | None = Field(None, description="Only sessions of courses in this subject (any case).")
    status: BookingStatus | None = None
    starts_from: date | None = Field(None, alias="from", description="Sessions on or after this day (UK).")
    starts_to: date | None = Field(None, alias="to", description="Sessions on or before this day (UK).")

    @model_validator(mode="after")
    def _span(self) -> "SchoolBookingsQuery":
        if self.starts_from and self.starts_to and self.starts_to < self.starts_from:
            raise FieldProblems([("to", "The end date must be on or after the start date.")])
        return self


class MyBookingsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    session_ids: str | None = Field(None, max_length=1200, pattern=r"^\d{1,9}(,\d{1,9}){0,99}$",
                                    description="Only bookings on these sessions (a batch read).")
    upcoming: bool = False


class BookingOut(BaseModel):
    id: int
    session_id: int
    person_id: int | None = Field(description="The trust person's; null for a place another school bought "
                                              "(its attendee has no account: see order_id).")
    order_id: int | None = Field(None, description="The order that bought this place, if another school bought it.")
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
