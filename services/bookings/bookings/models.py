"""A booking: a person's place, or place in the queue, on a session."""
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field

from services.bookings.db import BookingsModel
from shared.clock import utcnow
from shared.db import text_enum, utc_column
from shared.vocabulary import BookingStatus

# Statuses that hold one of the session's places.
HOLDS_PLACE = (BookingStatus.PENDING_APPROVAL, BookingStatus.HELD, BookingStatus.CONFIRMED, BookingStatus.OFFERED)
# Statuses of a booking that is still alive: a person has at most one per session.
LIVE = HOLDS_PLACE + (BookingStatus.WAITLISTED,)


class Booking(BookingsModel, table=True):
    """A place (or place in the queue) on a session: a trust person's (`person_id`), or
    an attendee's named on another school's order (`order_attendee_id`; they have no
    account here, so no person).  A partial unique index allows one live booking per
    person per session, whatever races happen."""

    __tablename__ = "booking"
    __table_args__ = (
        sa.Index("uq_booking_live_person", "session_id", "person_id", unique=True,
                 sqlite_where=sa.text("status IN ('PENDING_APPROVAL','HELD','CONFIRMED','OFFERED','WAITLISTED')"),
                 postgresql_where=sa.text("status IN ('PENDING_APPROVAL','HELD','CONFIRMED','OFFERED','WAITLISTED')")),
        sa.UniqueConstraint("booked_by_id", "idempotency_key"),
        sa.CheckConstraint("feedback_rating BETWEEN 1 AND 5", name="feedback_rating_1_to_5"),
        sa.CheckConstraint("person_id IS NOT NULL OR order_attendee_id IS NOT NULL", name="a_person_or_an_attendee"),
    )

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(sa_column=sa.Column(sa.ForeignKey("course_session.id", ondelete="CASCADE"),
                                                nullable=False, index=True))
    # People live in the gateway: ids, plus the snapshot needed to write to them.
    person_id: int | None = Field(default=None, index=True)
    # A place bought by another school: its attendee on the order (orders/), whose own
    # cancellation, substitution and payment move this booking.  Its places are counted
    # in the session's `external_taken`, never `trust_taken`.
    order_attendee_id: int | None = Field(default=None, sa_column=sa.Column(
        sa.ForeignKey("order_attendee.id", ondelete="CASCADE"), unique=True, index=True))
    attendee_name: str = Field(sa_column=sa.Column(sa.String(160), nullable=False))
    attendee_email: str = Field(sa_column=sa.Column(sa.String(254), nullable=False))
    school_id: int | None = Field(default=None, index=True)
    booked_by_id: int
    idempotency_key: str | None = Field(default=None, sa_column=sa.Column(sa.String(100)))
    status: BookingStatus = Field(sa_column=sa.Column(text_enum(BookingStatus, "status"), nullable=False))
    offer_expires_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    decided_by_id: int | None = None
    decided_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    decision_note: str | None = Field(default=None, sa_column=sa.Column(sa.String(500)))
    # When a booking waiting for approval is due a reminder to its school leaders:
    # three school days after it began to wait, by the trust's academic calendar.
    approval_remind_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    # Each timed message is sent once: the scheduler stamps these as it writes them.
    approval_reminded_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    reminded_week_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    reminded_day_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    feedback_requested_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    feedback_rating: int | None = None
    feedback_comment: str | None = Field(default=None, sa_column=sa.Column(sa.String(2000)))
    feedback_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
