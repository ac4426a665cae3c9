"""The copies bookings keeps, and the versions it has applied (shared.facts.Keeper)."""
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field

from services.bookings.db import BookingsModel
from shared.clock import utcnow
from shared.db import utc_column
from shared.facts import Keeper
from shared.school_days import SchoolDays
from shared.vocabulary import Visibility

FACTS = Keeper.on(BookingsModel)
# The days schools are open (networks' calendar): approval reminders count them.
SCHOOL_DAYS = SchoolDays.on(BookingsModel)
SchoolDay = SCHOOL_DAYS.model


class CourseListing(BookingsModel, table=True):
    """A catalogue course as bookings needs it: what to call its sessions, what to
    filter them by, who may see them, and what a school outside the trust pays for a
    place (an order fixes it on its lines when it is placed).  A session takes it when scheduled and
    follows it until it starts (sessions.service.follow_listing)."""

    __tablename__ = "course_listing"

    course_id: int = Field(sa_column=sa.Column(sa.Integer, primary_key=True, autoincrement=False))
    title: str = Field(sa_column=sa.Column(sa.String(200), nullable=False))
    subject: str | None = Field(default=None, sa_column=sa.Column(sa.String(80)))
    phases: str | None = Field(default=None, sa_column=sa.Column(sa.String(60)))  # ",KS1,KS2,"
    visibility: str = Field(default=Visibility.TRUST.value, sa_column=sa.Column(sa.String(10), nullable=False))
    published: bool = Field(default=True, sa_column=sa.Column(sa.Boolean, nullable=False))
    external_price_pence: int | None = Field(default=None, sa_column=sa.Column(sa.Integer))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())


class SchoolLeader(BookingsModel, table=True):
    """A school leader of a trust school: who approves its staff's bookings and is
    reminded of those left waiting."""

    __tablename__ = "school_leader"

    school_id: int = Field(sa_column=sa.Column(sa.Integer, primary_key=True, autoincrement=False))
    person_id: int = Field(sa_column=sa.Column(sa.Integer, primary_key=True, autoincrement=False))
    name: str = Field(sa_column=sa.Column(sa.String(160), nullable=False))
    email: str = Field(sa_column=sa.Column(sa.String(254), nullable=False))


class BuyingOrganisation(BookingsModel, table=True):
    """A school outside the trust as the gateway has it: who its invoices and credit
    notes are addressed to, and where they are emailed."""

    __tablename__ = "buying_organisation"

    organisation_id: int = Field(sa_column=sa.Column(sa.Integer, primary_key=True, autoincrement=False))
    name: str = Field(sa_column=sa.Column(sa.String(160), nullable=False))
    address: str = Field(sa_column=sa.Column(sa.String(500), nullable=False))
    billing_email: str = Field(sa_column=sa.Column(sa.String(254), nullable=False))
