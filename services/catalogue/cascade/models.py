"""The cascade's tables.  The database holds the rules that must not bend whatever the
code above does: a school has one sprint in a programme (its own or a partner's), only
a school taking part in the programme can be in one of its sprints, a session's staff
count belongs to a held session, and a QA note's edit history has one entry per
version it replaced — two edits can never both claim to replace the same text."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field

from services.catalogue.db import CatalogueModel
from shared.clock import utcnow
from shared.db import text_enum, utc_column
from shared.vocabulary import QaJudgement, RiskBand, SchoolScope, SprintSessionStatus, SprintStatus


class Programme(CatalogueModel, table=True):
    """A trust-wide course cascaded into schools: its sessions (bookings' ids), the
    network that follows it up and the meetings where it does (networks' ids), and the
    schools taking part (programme_school)."""

    __tablename__ = "programme"
    __table_args__ = (
        sa.CheckConstraint("(school_scope = 'PHASE') = (school_phase IS NOT NULL)", name="phase_only_for_phase"),
    )

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(sa_column=sa.Column(sa.String(200), nullable=False))
    source_course_id: int = Field(sa_column=sa.Column(
        sa.ForeignKey("course.id", ondelete="RESTRICT"), nullable=False, index=True))
    # Other services' ids, kept in the order the admin gave them.
    source_session_ids: list[int] = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    network_id: int | None = None
    follow_up_meeting_ids: list[int] = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    # How the admin chose the schools (the list itself is programme_school): a phase is
    # the gateway's word for it (PRIMARY, SECONDARY, ALL_THROUGH).
    school_scope: SchoolScope = Field(sa_column=sa.Column(text_enum(SchoolScope, "school_scope"), nullable=False))
    school_phase: str | None = Field(default=None, sa_column=sa.Column(sa.String(20), nullable=True))
    created_by_id: int | None = None
    created_by_name: str = Field(sa_column=sa.Column(sa.String(160), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())


class ProgrammeSchool(CatalogueModel, table=True):
    """A school taking part in a programme; a row each, so "this school's programmes"
    is an indexed read and the sprints' schools can be held to the list by a key."""

    __tablename__ = "programme_school"

    programme_id: int = Field(sa_column=sa.Column(
        sa.ForeignKey("programme.id", ondelete="CASCADE"), primary_key=True))
    school_id: int = Field(sa_column=sa.Column(sa.Integer, primary_key=True, autoincrement=False, index=True))


class Sprint(CatalogueModel, table=True):
    """A school's short run of CPD sessions for its own staff, in one programme, led by
    one of its people; partner schools may join it (sprint_school)."""

    __tablename__ = "sprint"
    __table_args__ = (
        sa.UniqueConstraint("programme_id", "school_id"),
        sa.CheckConstraint("(status = 'COMPLETE') = (completed_at IS NOT NULL)", name="complete_when_completed"),
    )

    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(sa_column=sa.Column(
        sa.ForeignKey("programme.id", ondelete="RESTRICT"), nullable=False))
    school_id: int  # the host: its leaders plan and record the sprint
    # The lead as the gateway named them when the sprint was planned: reminders go to them.
    lead_id: int
    lead_name: str = Field(sa_column=sa.Column(sa.String(160), nullable=False))
    lead_email: str | None = Field(default=None, sa_column=sa.Column(sa.String(254), nullable=True))
    # The band the sprint was planned under (the highest of its schools', from the
    # gateway): the SIPs' list sorts by it and a HIGH one flags every session.
    school_risk_band: RiskBand | None = Field(default=None, sa_column=sa.Column(
        text_enum(RiskBand, "school_risk_band"), nullable=True))
    status: SprintStatus = Field(default=SprintStatus.PLANNED, sa_column=sa.Column(
        text_enum(SprintStatus, "status"), nullable=False, index=True))
    completed_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())


class SprintSchool(CatalogueModel, table=True):
    """A school in a sprint: its host, and any partner school that joins it (a small
    school with three teachers, a mixed-age setting).  Its leaders and SIPs see it."""

    __tablename__ = "sprint_school"
    __table_args__ = (
        # One sprint per school per programme, whoever plans it.
        sa.UniqueConstraint("programme_id", "school_id"),
        # Only a school taking part in the programme; and a school cannot leave the
        # programme while it is in one of its sprints.
        sa.ForeignKeyConstraint(["programme_id", "school_id"],
                                ["programme_school.programme_id", "programme_school.school_id"],
                                ondelete="RESTRICT"),
        sa.Index("ix_sprint_school_school", "school_id", "sprint_id"),
    )

    sprint_id: int = Field(sa_column=sa.Column(sa.ForeignKey("sprint.id", ondelete="CASCADE"), primary_key=True))
    school_id: int = Field(sa_column=sa.Column(sa.Integer, primary_key=True, autoincrement=False))
    programme_id: int  # the sprint's, here so the database can hold the two rules above
    host: bool = False


class SprintSession(CatalogueModel, table=True):
    """One session of a sprint.  `sequence` is its place in time order (1 is the first);
    `flagged_for_central` marks the sessions a SIP should attend: the first that is not
    cancelled, and every one of a HIGH-band sprint.  Stamped as each reminder about it
    is written, so a job run twice writes it once."""

    __tablename__ = "sprint_session"
    __table_args__ = (
        sa.UniqueConstraint("sprint_id", "sequence"),
        sa.CheckConstraint("sequence >= 1", name="sequence_positive"),
        sa.CheckConstraint("staff_attending IS NULL OR (status = 'HELD' AND staff_attending >= 0)",
                           name="staff_counted_when_held"),
        sa.CheckConstraint("duration_minutes IS NULL OR duration_minutes > 0", name="duration_positive"),
        # The SIPs' list: flagged sessions still to come.
        sa.Index("ix_sprint_session_central", "flagged_for_central", "status", "scheduled_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    sprint_id: int = Field(sa_column=sa.Column(sa.ForeignKey("sprint.id", ondelete="CASCADE"), nullable=False,
                                               index=True))
    sequence: int
    topic: str = Field(sa_column=sa.Column(sa.String(200), nullable=False))
    scheduled_at: datetime = Field(sa_column=utc_column())
    duration_minutes: int | None = None
    # Video-library clips to watch beforehand (the catalogue's own video ids).
    video_ids: list[int] = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    status: SprintSessionStatus = Field(default=SprintSessionStatus.PLANNED, sa_column=sa.Column(
        text_enum(SprintSessionStatus, "status"), nullable=False))
    staff_attending: int | None = None
    recorded_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    flagged_for_central: bool = Field(default=False, sa_column=sa.Column(sa.Boolean, nullable=False))
    # The SIP who attends (took it on, or was recorded as there), as the gateway named them.
    central_attendee_id: int | None = None
    central_attendee_name: str | None = Field(default=None, sa_column=sa.Column(sa.String(160), nullable=True))
    central_attendee_email: str | None = Field(default=None, sa_column=sa.Column(sa.String(254), nullable=True))
    qa_reminded_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    plan_reminded_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())


class QaNote(CatalogueModel, table=True):
    """The central team's quality-assurance note on a held session, agreed with the
    headteacher.  `version` counts its texts; each edit moves the text it replaces into
    qa_note_revision first.  Notes are evidence: never deleted, never silently rewritten."""

    __tablename__ = "qa_note"
    __table_args__ = (sa.CheckConstraint("version >= 1", name="version_positive"),)

    id: int | None = Field(default=None, primary_key=True)
    sprint_session_id: int = Field(sa_column=sa.Column(
        sa.ForeignKey("sprint_session.id", ondelete="RESTRICT"), nullable=False, unique=True))
    author_id: int | None = None
    author_name: str = Field(sa_column=sa.Column(sa.String(160), nullable=False))
    judgement: QaJudgement = Field(sa_column=sa.Column(text_enum(QaJudgement, "judgement"), nullable=False))
    strengths: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    development_points: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    next_session_plan: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    recorded_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    version: int = 1
    # Who wrote the text as it now stands, and when.
    updated_by_id: int | None = None
    updated_by_name: str = Field(sa_column=sa.Column(sa.String(160), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())


class QaNoteRevision(CatalogueModel, table=True):
    """A text a QA note once had (its `version`), who wrote it and when, and who
    replaced it and when: with the note's current text, the whole history to diff."""

    __tablename__ = "qa_note_revision"
    __table_args__ = (sa.UniqueConstraint("note_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    note_id: int = Field(sa_column=sa.Column(sa.ForeignKey("qa_note.id", ondelete="RESTRICT"), nullable=False))
    version: int
    judgement: QaJudgement = Field(sa_column=sa.Column(text_enum(QaJudgement, "judgement"), nullable=False))
    strengths: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    development_points: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    next_session_plan: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    written_by_id: int | None = None
    written_by_name: str = Field(sa_column=sa.Column(sa.String(160), nullable=False))
    written_at: datetime = Field(sa_column=utc_column())
    replaced_by_id: int | None = None
    replaced_by_name: str = Field(sa_column=sa.Column(sa.String(160), nullable=False))
    replaced_at: datetime = Field(sa_column=utc_column())
