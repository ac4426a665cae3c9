"""A network's meetings, the answers to their invitations, who came, and the actions agreed."""
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field

from services.networks.db import NetworksModel
from shared.clock import utcnow
from shared.db import text_enum, utc_column
from shared.vocabulary import MeetingStatus, RsvpResponse


class Meeting(NetworksModel, table=True):
    """One meeting of a network.  `sequence` is the SEQUENCE of its calendar entry,
    bumped on every change members were told about."""

    __tablename__ = "meeting"
    __table_args__ = (sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: int | None = Field(default=None, primary_key=True)
    network_id: int = Field(sa_column=sa.Column(sa.ForeignKey("network.id", ondelete="CASCADE"), nullable=False,
                                                index=True))
    title: str = Field(sa_column=sa.Column(sa.String(200), nullable=False))
    term: str | None = Field(default=None, sa_column=sa.Column(sa.String(10)))
    starts_at: datetime = Field(sa_column=utc_column(index=True))
    ends_at: datetime = Field(sa_column=utc_column())
    venue: str | None = Field(default=None, sa_column=sa.Column(sa.String(200)))
    online_url: str | None = Field(default=None, sa_column=sa.Column(sa.String(500)))
    # [{"title": …, "minutes": …, "presenter": …}] — read and written whole, never queried.
    agenda: list = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    programme_id: int | None = None
    status: MeetingStatus = Field(default=MeetingStatus.SCHEDULED,
                                  sa_column=sa.Column(text_enum(MeetingStatus, "status"), nullable=False))
    sequence: int = 0
    minutes: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    minutes_recorded_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    reminded_week_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    reminded_day_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())


class Rsvp(NetworksModel, table=True):
    __tablename__ = "rsvp"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(sa_column=sa.Column(sa.ForeignKey("meeting.id", ondelete="CASCADE"), nullable=False,
                                                index=True))
    person_id: int
    response: RsvpResponse = Field(sa_column=sa.Column(text_enum(RsvpResponse, "response"), nullable=False))
    answered_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())


class Attendance(NetworksModel, table=True):
    """Who came, as the lead recorded it with the minutes."""

    __tablename__ = "meeting_attendance"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(sa_column=sa.Column(sa.ForeignKey("meeting.id", ondelete="CASCADE"), nullable=False,
                                                index=True))
    person_id: int
    school_id: int | None = None


class Action(NetworksModel, table=True):
    """Something a member agreed to do at a meeting; it stays on the network's agenda
    until it is done."""

    __tablename__ = "action"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(sa_column=sa.Column(sa.ForeignKey("meeting.id", ondelete="CASCADE"), nullable=False,
                                                index=True))
    network_id: int = Field(index=True)
    description: str = Field(sa_column=sa.Column(sa.String(500), nullable=False))
    owner_id: int = Field(index=True)
    owner_name: str = Field(sa_column=sa.Column(sa.String(160), nullable=False))
    owner_email: str = Field(sa_column=sa.Column(sa.String(254), nullable=False))
    due_on: date | None = Field(default=None, sa_column=sa.Column(sa.Date))
    done: bool = False
    done_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    reminded_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
