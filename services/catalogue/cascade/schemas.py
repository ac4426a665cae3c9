"""What the cascade's HTTP API accepts and answers, validated at the edge: every
problem said on its own field, in a sentence a person can act on."""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from shared.errors import FieldProblems
from shared.fields import Text
from shared.paging import PageQuery, page_model
from shared.vocabulary import QaJudgement, RiskBand, SchoolScope, SprintSessionStatus, SprintStatus

Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
# An address the gateway vouches for (its people's emails); reminders go to it.
Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")]
IdList = Annotated[str, StringConstraints(max_length=1200, pattern=r"^\d{1,9}(,\d{1,9}){0,99}$")]
MAX_SCHOOLS = 1000  # the trust has 30; room for the benchmark's 300 and growth
MAX_SESSIONS = 20


def _once(values: list) -> list:
    if len(set(values)) != len(values):
        raise ValueError("List each one once.")
    return values


def id_list(text: str | None) -> list[int]:
    return list(dict.fromkeys(int(i) for i in text.split(","))) if text else []


# ---------- programmes ----------


class ProgrammeIn(BaseModel):
    """A programme as an admin saves it.  The gateway resolves the schools (all, a
    phase, or a list) to `school_ids`; `school_scope` and `school_phase` say how they
    were chosen, so the programme reads back as it was made."""

    model_config = ConfigDict(extra="forbid")
    title: Text(3, 200)
    source_course_id: Id
    source_session_ids: Annotated[list[Id], AfterValidator(_once)] = Field(default_factory=list, max_length=50)
    network_id: Id | None = None
    follow_up_meeting_ids: Annotated[list[Id], AfterValidator(_once)] = Field(default_factory=list, max_length=50)
    school_scope: SchoolScope
    school_phase: Annotated[str, StringConstraints(pattern=r"^[A-Z_]{1,20}$")] | None = Field(
        None, description="The gateway's phase (PRIMARY, SECONDARY, ALL_THROUGH) when school_scope is PHASE.")
    school_ids: Annotated[list[Id], AfterValidator(_once)] = Field(min_length=1, max_length=MAX_SCHOOLS)

    @model_validator(mode="after")
    def _consistent(self) -> "ProgrammeIn":
        problems = []
        if self.follow_up_meeting_ids and self.network_id is None:
            problems.append(("network_id", "Choose the network whose meetings follow the programme up."))
        if self.school_scope == SchoolScope.PHASE and not self.school_phase:
            problems.append(("school_phase", "Choose the phase whose schools take part."))
        if self.school_scope != SchoolScope.PHASE and self.school_phase:
            problems.append(("school_phase", "A phase is only given when the schools are chosen by phase."))
        if problems:
            raise FieldProblems(problems)
        return self


class ProgrammeOut(BaseModel):
    id: int
    title: str
    source_course_id: int
    source_session_ids: list[int]
    network_id: int | None
    follow_up_meeting_ids: list[int]
    school_scope: SchoolScope
    school_phase: str | None
    school_ids: list[int]
    created_by_id: int | None
    created_by_name: str
    created_at: datetime
    updated_at: datetime


class ProgrammeQuery(PageQuery):
    ids: IdList | None = Field(None, description="Batch read: up to 100 comma-separated ids, answered in one page.")
    school_id: Id | None = Field(None, description="Only the programmes this school takes part in.")


ProgrammePage = page_model("ProgrammePage", ProgrammeOut)


class ProgrammePath(BaseModel):
    programme_id: Id


class CoverageQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ids: IdList = Field(description="The programmes, comma-separated (up to 100).")


class CoverageRow(BaseModel):
    """Where one school stands in one programme, as far as the catalogue knows (the
    gateway adds the source session and the network's follow-up)."""

    programme_id: int
    school_id: int
    sprint_id: int | None = Field(description="Its own sprint, or the partner school's sprint it joined.")
    host_school_id: int | None = Field(description="Whose sprint it is: the school itself, or the partner it joined.")
    sprint_status: SprintStatus | None
    school_risk_band: RiskBand | None = Field(description="The band of the sprint's riskiest school (the copy of "
                                                          "the gateway's), as its sessions are flagged by.")
    sessions_planned: int = Field(description="Sessions still to be held.")
    sessions_held: int
    first_session_held_on: date | None = Field(description="The day (London) its first session was held.")
    next_session_at: datetime | None
    qa_recorded: bool = Field(description="A QA note is recorded on one of its sessions.")


class CoverageList(BaseModel):
    items: list[CoverageRow]


# ---------- sprints ----------


class SprintSessionPlanIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: Id | None = Field(None, description="A session already planned, to change it; without ids, the planned "
                                            "sessions are matched in order.")
    # A blank topic and a day schools are shut are refused by the service (sprints._match),
    # beside each session with the calendar's problems, so a plan's mistakes show at once.
    topic: Text(0, 200)
    scheduled_at: AwareDatetime
    duration_minutes: int | None = Field(None, ge=15, le=8 * 60)
    video_ids: Annotated[list[Id], AfterValidator(_once)] = Field(default_factory=list, max_length=10)


class SprintPlanIn(BaseModel):
    """A school's sprint as its leader plans it.  `sessions` are the sessions still to
    come, in any order (they are numbered by time); those already held or cancelled
    stay as they were.  The gateway names the lead; the sprint's band of risk is the
    catalogue's to work out, from its copy of the schools' bands."""

    model_config = ConfigDict(extra="forbid")
    lead_id: Id
    lead_name: Text(1, 160)
    lead_email: Email | None = None
    partner_school_ids: Annotated[list[Id], AfterValidator(_once)] = Field(default_factory=list, max_length=10)
    sessions: list[SprintSessionPlanIn] = Field(default_factory=list, max_length=MAX_SESSIONS)

    @model_validator(mode="after")
    def _each_session_once(self) -> "SprintPlanIn":
        ids = [s.id for s in self.sessions if s.id is not None]
        if len(set(ids)) != len(ids):
            raise FieldProblems([("sessions", "Each planned session can be listed once.")])
        return self


class SprintSessionOut(BaseModel):
    id: int
    sequence: int
    topic: str
    scheduled_at: datetime
    duration_minutes: int | None
    video_ids: list[int]
    status: SprintSessionStatus
    staff_attending: int | None
    recorded_at: datetime | None
    flagged_for_central: bool
    central_attendee_id: int | None
    central_attendee_name: str | None
    qa_note_id: int | None


class SprintOut(BaseModel):
    id: int
    programme_id: int
    school_id: int = Field(description="The host school, whose leaders plan and record it.")
    partner_school_ids: list[int]
    lead_id: int
    lead_name: str
    school_risk_band: RiskBand | None
    status: SprintStatus
    completed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    sessions: list[SprintSessionOut]


class SprintQuery(PageQuery):
    ids: IdList | None = Field(None, description="Batch read by sprint ids (up to 100), in one page.")
    programme_ids: IdList | None = None
    school_ids: IdList | None = Field(None, description="Sprints these schools host or have joined.")


SprintPage = page_model("SprintPage", SprintOut)


class SprintPath(BaseModel):
    sprint_id: Id


class SchoolSprintPath(ProgrammePath):
    school_id: Id


class SprintSessionPath(BaseModel):
    sprint_session_id: Id


class SessionRecordIn(BaseModel):
    """How a session went: held (with how many staff came), cancelled, or back to
    planned; and, if the gateway names one, the SIP who was there."""

    model_config = ConfigDict(extra="forbid")
    status: SprintSessionStatus
    staff_attending: int | None = Field(None, ge=0, le=2000)
    central_attendee_id: Id | None = None
    central_attendee_name: Text(1, 160) | None = None
    central_attendee_email: Email | None = None

    @model_validator(mode="after")
    def _consistent(self) -> "SessionRecordIn":
        problems = []
        if self.status == SprintSessionStatus.HELD and self.staff_attending is None:
            problems.append(("staff_attending", "Say how many staff came to the session."))
        if self.status != SprintSessionStatus.HELD and self.staff_attending is not None:
            problems.append(("staff_attending", "Only a held session has staff attending; leave this empty."))
        if self.central_attendee_id is not None and not self.central_attendee_name:
            problems.append(("central_attendee_name", "Name the member of the central team who was there."))
        if problems:
            raise FieldProblems(problems)
        return self


class CentralSessionOut(BaseModel):
    """A session flagged for the central team, with what a SIP needs to choose it."""

    session: SprintSessionOut
    sprint_id: int
    programme_id: int
    programme_title: str
    school_id: int
    partner_school_ids: list[int]
    school_risk_band: RiskBand | None
    lead_name: str


CentralSessionPage = page_model("CentralSessionPage", CentralSessionOut)


class CentralQuery(PageQuery):
    mine: bool = Field(False, description="Only the sessions the caller has taken on.")
    school_ids: IdList | None = Field(None, description="Only these of the caller's schools.")


# ---------- QA notes ----------


class QaNoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    judgement: QaJudgement
    strengths: Text(1, 10_000)
    development_points: Text(1, 10_000)
    next_session_plan: Text(1, 10_000)
    version: int | None = Field(None, ge=0, le=2**31 - 1, description=(
        "The version of the note the writer started from (0 for a new note). Given, an edit made meanwhile "
        "refuses this one (409) rather than bury it; left out, this text is saved on top of whatever is there, "
        "which is kept as a revision."))


class QaNoteRevisionOut(BaseModel):
    version: int
    judgement: QaJudgement
    strengths: str
    development_points: str
    next_session_plan: str
    written_by_id: int | None
    written_by_name: str
    written_at: datetime
    replaced_by_id: int | None
    replaced_by_name: str
    replaced_at: datetime


class QaNoteOut(BaseModel):
    id: int
    sprint_session_id: int
    sprint_id: int
    author_id: int | None
    author_name: str
    judgement: QaJudgement
    strengths: str
    development_points: str
    next_session_plan: str
    recorded_at: datetime
    version: int
    updated_by_id: int | None
    updated_by_name: str
    updated_at: datetime
    revisions: list[QaNoteRevisionOut] = Field(description="The texts it replaced, newest first.")


class QaNoteQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ids: IdList | None = Field(None, description="Notes by id (up to 100).")
    sprint_session_ids: IdList | None = Field(None, description="The notes of these sessions (up to 100).")

    @model_validator(mode="after")
    def _one_of(self) -> "QaNoteQuery":
        if not self.ids and not self.sprint_session_ids:
            raise FieldProblems([("ids", "Give the notes' ids or their sessions' ids.")])
        return self


class QaNoteList(BaseModel):
    items: list[QaNoteOut]
