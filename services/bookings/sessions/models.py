"""A session: one occurrence of a catalogue course, with its trust places and the
places sold to schools outside the trust."""
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field

from services.bookings.db import BookingsModel
from shared.clock import utcnow
from shared.db import text_enum, utc_column
from shared.vocabulary import SessionStatus, Visibility


class CourseSession(BookingsModel, table=True):
    """One occurrence of a catalogue course.  `trust_taken` counts the trust places
    held, `external_taken` the places held or bought by other schools' orders; each
    only ever moves by a conditional UPDATE (sessions/places.py), and the database
    refuses either beyond its share, so two requests can never both take the last
    place of either audience."""

    __tablename__ = "course_session"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("capacity >= 1", name="capacity_positive"),
        sa.CheckConstraint("external_places >= 0 AND external_places <= capacity", name="external_within_capacity"),
        sa.CheckConstraint("trust_taken >= 0 AND trust_taken <= capacity - external_places", name="trust_taken_in_range"),
        sa.CheckConstraint("external_taken >= 0 AND external_taken <= external_places",
                           name="external_taken_in_range"),
    )

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = Field(index=True)
    # A snapshot of the course's listing, kept by the gateway when either changes, so
    # this service can decide by itself who may see and book the session.
    course_visibility: str = Field(default=Visibility.TRUST.value, sa_column=sa.Column(
        sa.String(10), nullable=False, server_default=Visibility.TRUST.value))
    course_published: bool = Field(default=True, sa_column=sa.Column(
        sa.Boolean, nullable=False, server_default=sa.true()))
    # Every message, calendar entry, record and certificate of the session names its
    # course by this; it stops following the catalogue once the session has started,
    # so what people attended keeps the name it had.
    course_title: str = Field(sa_column=sa.Column(sa.String(200), nullable=False))
    # Subject and phases (",KS1,KS2,") copied too, so the session list filters by them
    # in one query rather than asking the catalogue for every course of a subject.
    course_subject: str | None = Field(default=None, sa_column=sa.Column(sa.String(80), index=True))
    course_phases: str | None = Field(default=None, sa_column=sa.Column(sa.String(60)))
    starts_at: datetime = Field(sa_column=utc_column(index=True))
    ends_at: datetime = Field(sa_column=utc_column())
    venue: str | None = Field(default=None, sa_column=sa.Column(sa.String(200)))
    online_url: str | None = Field(default=None, sa_column=sa.Column(sa.String(500)))
    capacity: int
    external_places: int = 0
    trust_taken: int = 0
    external_taken: int = Field(default=0, sa_column=sa.Column(sa.Integer, nullable=False, server_default="0"))
    requires_approval: bool = False
    booking_closes_at: datetime = Field(sa_column=utc_column())
    cancellation_deadline: datetime = Field(sa_column=utc_column())
    status: SessionStatus = Field(default=SessionStatus.SCHEDULED,
                                  sa_column=sa.Column(text_enum(SessionStatus, "status"), nullable=False))
    cancel_reason: str | None = Field(default=None, sa_column=sa.Column(sa.String(500)))
    register_taken_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    # Bumped on every change people were told about (the SEQUENCE of its .ics).
    sequence: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())

    @property
    def trust_places(self) -> int:
        return self.capacity - self.external_places

    @property
    def external_places_left(self) -> int:
        return self.external_places - self.external_taken
