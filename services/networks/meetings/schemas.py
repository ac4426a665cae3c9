"""What the meetings API accepts and answers."""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from shared.fields import HttpsUrl, Text
from shared.vocabulary import MeetingStatus, RsvpResponse

Ids = Annotated[str, StringConstraints(max_length=1200, pattern=r"^\d{1,9}(,\d{1,9}){0,99}$")]
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]


class AgendaItem(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: Text(1, 200)
    minutes: int | None = Field(None, ge=1, le=600)
    presenter: Text(1, 160) | None = None


class MeetingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    network_id: Id
    title: Text(1, 200)
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    venue: Text(1, 200) | None = None
    online_url: HttpsUrl | None = None
    agenda: list[AgendaItem] = Field(default_factory=list, max_length=30)
    programme_id: Id | None = None
    outside_term_confirmed: bool = Field(False, description="Hold it on a day that is not a school day.")


class RsvpIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    response: RsvpResponse


class ActionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    description: Text(1, 500)
    owner_id: Id
    due_on: date | None = None


class MinutesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    minutes: Annotated[str, StringConstraints(max_length=50_000)]
    attendee_ids: list[Id] = Field(max_length=500)
    actions: list[ActionIn] = Field(default_factory=list, max_length=50)


class ActionOut(BaseModel):
    id: int
    meeting_id: int
    network_id: int
    description: str
    owner_id: int
    due_on: date | None
    done: bool


class RsvpOut(BaseModel):
    person_id: int
    response: RsvpResponse


class MeetingOut(BaseModel):
    id: int
    network_id: int
    title: str
    term: str | None
    starts_at: datetime
    ends_at: datetime
    venue: str | None
    online_url: str | None
    agenda: list[dict]
    programme_id: int | None
    status: MeetingStatus
    sequence: int
    minutes: str | None
    my_rsvp: RsvpResponse | None
    rsvps: list[RsvpOut]
    attendee_ids: list[int]
    actions: list[ActionOut]


class MeetingList(BaseModel):
    items: list[MeetingOut]


class ActionList(BaseModel):
    items: list[ActionOut]


class MeetingIdPath(BaseModel):
    meeting_id: Id


class ActionIdPath(BaseModel):
    action_id: Id


class MeetingsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    network_ids: Ids | None = None
    ids: Ids | None = None
    academic_year: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}$")] | None = None


class NetworkIdsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    network_ids: Ids


class MeetingIdsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    meeting_ids: Ids


class ProgrammeIdsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    programme_ids: Ids


class FollowUp(BaseModel):
    meeting_id: int
    programme_id: int


class FollowUps(BaseModel):
    items: list[FollowUp]


class SchoolAttendance(BaseModel):
    meeting_id: int
    school_id: int
    attended: int = Field(description="How many from the school came.")


class AttendanceBySchool(BaseModel):
    items: list[SchoolAttendance] = Field(description="Only schools somebody came from, and only those the caller "
                                                      "may follow: admins every school, SIPs and school "
                                                      "leaders their own.")
