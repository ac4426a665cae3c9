"""What the vouchers API accepts and answers."""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from shared.errors import FieldProblems
from shared.paging import page_model

Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,39}$")


def _code(value: str) -> str:
    value = value.upper()
    if not _CODE.match(value):
        raise ValueError("Enter a code of 3 to 40 letters, digits and hyphens, like SPRING-25.")
    return value


# Case does not matter to a buyer typing it, so it is kept upper-case.
Code = Annotated[str, StringConstraints(strip_whitespace=True, max_length=40), AfterValidator(_code)]


class VoucherIdPath(BaseModel):
    voucher_id: Id


class VoucherIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: Code
    percent_off: int | None = Field(None, description="1 to 100; or give amount_off_pence.")
    amount_off_pence: int | None = Field(None, description="Pence off the eligible lines; or give percent_off.")
    course_ids: list[Id] | None = Field(None, max_length=100,
                                        description="The courses it applies to; leave out for every course.")
    max_uses: int = Field(ge=1, le=100_000)
    valid_from: date
    valid_until: date

    # Field validators, not one check of the whole: pydantic runs a model validator only
    # when every field is valid, and the admin should see every problem at once.
    @field_validator("percent_off")
    @classmethod
    def _percent_in_range(cls, value: int | None) -> int | None:
        if value is not None and not 1 <= value <= 100:
            raise ValueError("Enter a percentage from 1 to 100.")
        return value

    @field_validator("amount_off_pence")
    @classmethod
    def _amount_in_range(cls, value: int | None) -> int | None:
        if value is not None and not 1 <= value <= 10_000_000:
            raise ValueError("Enter an amount off of at least 1p and at most £100,000.")
        return value

    @field_validator("course_ids")
    @classmethod
    def _some_courses(cls, value: list[int] | None) -> list[int] | None:
        if value is not None and not value:
            raise ValueError("Choose at least one course, or leave this out for every course.")
        return value

    @field_validator("valid_until")
    @classmethod
    def _window_in_order(cls, value: date, info: ValidationInfo) -> date:
        first = info.data.get("valid_from")
        if first is not None and value < first:
            raise ValueError("The last day must be on or after the first day.")
        return value

    @model_validator(mode="after")
    def _one_kind_of_discount(self) -> "VoucherIn":
        if self.percent_off is not None and self.amount_off_pence is not None:
            raise FieldProblems([("percent_off", "Give either a percentage off or an amount off, not both.")])
        if self.percent_off is None and self.amount_off_pence is None:
            raise FieldProblems([("percent_off", "Give either a percentage off or an amount off.")])
        return self


class VouchersQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    first: int = Field(20, ge=0, le=100, description="How many items, at most 100.")
    after: str | None = Field(None, max_length=200, description="The cursor of the last item seen.")


class VoucherUseOut(BaseModel):
    id: int
    order_id: int
    organisation_id: int
    discount_pence: int
    used_at: datetime
    given_back_at: datetime | None


class VoucherOut(BaseModel):
    id: int
    code: str
    percent_off: int | None
    amount_off_pence: int | None
    course_ids: list[int] | None
    max_uses: int
    uses: int
    valid_from: date
    valid_until: date
    created_at: datetime
    # What the uses still standing took off their orders.
    discount_given_pence: int


class VoucherWithUsesOut(VoucherOut):
    used: list[VoucherUseOut] = Field(description="Every use, newest first, those given back included.")


VoucherPage = page_model("VoucherPage", VoucherOut)
