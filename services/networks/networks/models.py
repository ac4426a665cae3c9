
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field

from services.networks.db import NetworksModel
from shared.clock import utcnow
from shared.db import utc_column


class Network(NetworksModel, table=True):
    __tablename__ = "network"
    __table_args__ = (sa.CheckConstraint("meetings_per_year BETWEEN 1 AND 12", name="meetings_per_year_range"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=sa.Column(sa.String(120), nullable=False, unique=True))
    subject: str = Field(sa_column=sa.Column(sa.String(80), nullable=False))
    meetings_per_year: int = 3
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
