"""A course and the key stages and audiences it is for."""
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, Relationship

from services.catalogue.db import CatalogueModel
from shared.clock import utcnow
from shared.db import text_enum, utc_column
from shared.vocabulary import Audience, CourseStatus, DeliveryMode, Phase, Visibility


class Course(CatalogueModel, table=True):
    __tablename__ = "course"
    __table_args__ = (
        sa.CheckConstraint("duration_minutes > 0", name="duration_positive"),
        sa.CheckConstraint("external_price_pence IS NULL OR external_price_pence >= 0", name="price_not_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(sa_column=sa.Column(sa.String(120), nullable=False, unique=True))
    title: str = Field(sa_column=sa.Column(sa.String(200), nullable=False))
    summary: str = Field(sa_column=sa.Column(sa.String(500), nullable=False))
    description: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    subject: str = Field(sa_column=sa.Column(sa.String(80), nullable=False, index=True))
    provider: str = Field(sa_column=sa.Column(sa.String(120), nullable=False))
    delivery_mode: DeliveryMode = Field(sa_column=sa.Column(text_enum(DeliveryMode, "delivery_mode"), nullable=False))
    duration_minutes: int
    visibility: Visibility = Field(sa_column=sa.Column(text_enum(Visibility, "visibility"), nullable=False, index=True))
    status: CourseStatus = Field(sa_column=sa.Column(text_enum(CourseStatus, "status"), nullable=False, index=True))
    external_price_pence: int | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())

    phase_rows: list["CoursePhase"] = Relationship(
        back_populates="course", sa_relationship_kwargs={"cascade": "all, delete-orphan", "lazy": "selectin"}
    )
    audience_rows: list["CourseAudience"] = Relationship(
        back_populates="course", sa_relationship_kwargs={"cascade": "all, delete-orphan", "lazy": "selectin"}
    )

    @property
    def phases(self) -> list[Phase]:
        order = list(Phase)
        return sorted((r.phase for r in self.phase_rows), key=order.index)

    @property
    def audiences(self) -> list[Audience]:
        order = list(Audience)
        return sorted((r.audience for r in self.audience_rows), key=order.index)


class CoursePhase(CatalogueModel, table=True):
    """Which key stages a course is for; a row each, so a filter is an indexed join."""

    __tablename__ = "course_phase"
    course_id: int = Field(sa_column=sa.Column(sa.ForeignKey("course.id", ondelete="CASCADE"), primary_key=True))
    phase: Phase = Field(sa_column=sa.Column(text_enum(Phase, "phase"), primary_key=True, index=True))
    course: Course = Relationship(back_populates="phase_rows")


class CourseAudience(CatalogueModel, table=True):
    __tablename__ = "course_audience"
    course_id: int = Field(sa_column=sa.Column(sa.ForeignKey("course.id", ondelete="CASCADE"), primary_key=True))
    audience: Audience = Field(sa_column=sa.Column(text_enum(Audience, "audience"), primary_key=True, index=True))
    course: Course = Relationship(back_populates="audience_rows")
