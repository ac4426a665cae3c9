"""A subject network and who is in it."""
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field

from services.networks.db import NetworksModel
from shared.clock import utcnow
from shared.db import text_enum, utc_column
from shared.vocabulary import MembershipRole


class Network(NetworksModel, table=True):
    __tablename__ = "network"
    __table_args__ = (sa.CheckConstraint("meetings_per_year BETWEEN 1 AND 12", name="meetings_per_year_range"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=sa.Column(sa.String(120), nullable=False, unique=True))
    subject: str = Field(sa_column=sa.Column(sa.String(80), nullable=False))
    meetings_per_year: int = 3
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())


class Membership(NetworksModel, table=True):
    """A person in a network, usually representing their school.  People live in the
    gateway: an id, plus the name, email and school needed to invite them."""

    __tablename__ = "membership"
    __table_args__ = (sa.UniqueConstraint("network_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    network_id: int = Field(sa_column=sa.Column(sa.ForeignKey("network.id", ondelete="CASCADE"), nullable=False,
                                                index=True))
    person_id: int = Field(index=True)
    name: str = Field(sa_column=sa.Column(sa.String(160), nullable=False))
    email: str = Field(sa_column=sa.Column(sa.String(254), nullable=False))
    school_id: int | None = None
    role: MembershipRole = Field(default=MembershipRole.MEMBER,
                                 sa_column=sa.Column(text_enum(MembershipRole, "role"), nullable=False))
    added_by_id: int | None = None
    added_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
