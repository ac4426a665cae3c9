"""What the orders API accepts and answers."""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from services.bookings.bookings.schemas import BookingOut
from services.bookings.invoices.schemas import CreditNoteOut
from services.bookings.periods import BOUNDS
from shared.errors import FieldProblems
from shared.fields import Text
from shared.paging import PageQuery, page_model
from shared.vocabulary import OrderStatus, PaymentMethod

Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
_EMAIL = re.compile(r"^[^@\s,]+@[^@\s,]+\.[^@\s,]+$")


def _email(value: str) -> str:
    if not _EMAIL.match(value):
        raise ValueError("Enter the attendee's email address, like name@school.org.uk; "
                         "joining details are sent to it.")
    return value


# Not EmailStr: it refuses reserved domains such as .test, which the demo uses.
Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=254), AfterValidator(_email)]


class OrderIdPath(BaseModel):
    order_id: Id


class AttendeePath(OrderIdPath):
    attendee_id: Id


class AttendeeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Text(1, 160)
    email: Email


class OrderLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    session_id: Id
    attendees: list[AttendeeIn] = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _each_person_once(self) -> "OrderLineIn":
        seen: set[str] = set()
        for attendee in self.attendees:
            if attendee.email.lower() in seen:
                raise FieldProblems([("attendees", f"{attendee.email} is named twice on this session; "
                                                   "each attendee needs a place of their own.")])
            seen.add(attendee.email.lower())
        return self


class OrderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    lines: list[OrderLineIn] = Field(min_length=1, max_length=20)
    payment_method: PaymentMethod
    purchase_order_number: Text(1, 60) | None = None
    # The gateway vouches for whether the buyer's organisation needs a purchase-order
    # number (organisations are the gateway's).
    purchase_order_required: bool = False
    voucher_code: Text(1, 40) | None = None
    idempotency_key: Text(1, 100) | None = None

    @model_validator(mode="after")
    def _one_line_per_session_and_a_po_where_needed(self) -> "OrderIn":
        problems = []
        ids = [line.session_id for line in self.lines]
        if len(set(ids)) != len(ids):
            problems.append(("lines", "Each session can appear once in an order; put all its attendees on one line."))
        if self.payment_method == PaymentMethod.INVOICE and self.purchase_order_required \
                and not self.purchase_order_number:
            problems.append(("purchase_order_number", "Enter your school's purchase-order number to pay by invoice."))
        if problems:
            raise FieldProblems(problems)
        return self


class CancelOrderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    attendee_ids: list[Id] | None = Field(None, min_length=1, max_length=500,
                                          description="Only these attendees' places; leave out for the whole order.")
    reason: Text(3, 500) | None = Field(None, description="Needed when an admin cancels after the deadline.")


class PaymentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    paid_on: date
    reference: Text(1, 100)


class OrdersQuery(PageQuery):
    organisation_id: Id | None = Field(None, description="Only this organisation's orders (admins).")
    organisation_ids: str | None = Field(None, max_length=1200, pattern=r"^\d{1,9}(,\d{1,9}){0,99}$",
                                         description="Only these organisations' orders (a batch read).")
    ids: str | None = Field(None, max_length=1200, pattern=r"^\d{1,9}(,\d{1,9}){0,99}$",
                            description="Only these orders (a batch read: the orders of bookings in view).")
    status: OrderStatus | None = None


class AttendeeOut(BaseModel):
    id: int
    name: str
    email: str
    cancelled_at: datetime | None
    # The booking their place is (orders/attendees.py): on the session's register, with
    # its certificate; none for an attendee whose order never held a place.
    booking: BookingOut | None = None


class OrderLineOut(BaseModel):
    id: int
    session_id: int
    unit_price_pence: int
    quantity: int
    attendees: list[AttendeeOut]


class RefundOut(BaseModel):
    id: int
    amount_pence: int
    reason: str
    created_at: datetime
    stripe_refund_id: str | None = Field(description=(
        "Stripe's refund id; null for a moment while the refund is owed (decided here, being made at Stripe)."))


class OrderOut(BaseModel):
    id: int
    organisation_id: int
    status: OrderStatus
    payment_method: PaymentMethod
    purchase_order_number: str | None
    total_pence: int
    discount_pence: int
    currency: str = "GBP"
    invoiced_pence: int | None
    invoice_number: str | None
    hold_expires_at: datetime | None
    paid_on: date | None
    payment_reference: str | None
    cancel_reason: str | None
    created_by_id: int
    created_at: datetime
    lines: list[OrderLineOut]
    # A card order's payment (payments/card.py): the secret Stripe.js needs, for the
    # order's own bookers while it awaits payment; why the last card attempt failed.
    payment_client_secret: str | None = None
    payment_error: str | None = None
    paid_pence: int = 0
    refunded_pence: int = 0
    refunds: list[RefundOut] = []
    # Credit notes against the invoice (services/bookings/invoices), oldest first.
    credit_notes: list[CreditNoteOut] = Field(default_factory=list)


OrderPage = page_model("OrderPage", OrderOut)


class IncomeQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    bounds: str = BOUNDS


class PeriodIncome(BaseModel):
    starts_on: date
    card_pence: int = Field(description="Taken by card in the period.")
    invoice_pence: int = Field(description="Invoiced in the period (paid or not).")
    refunded_pence: int = Field(description="Refunded by card or credited by credit note in the period.")
    net_pence: int = Field(description="Card and invoiced sales less refunds and credits.")
    unpaid_pence: int = Field(description="Of the period's invoices, what is still owed.")


class IncomeOut(BaseModel):
    items: list[PeriodIncome] = Field(description="One per period, in the order asked.")
