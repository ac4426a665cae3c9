"""Meetings over HTTP: thin — parse, call the domain operation, shape."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated

from flask_openapi3 import APIBlueprint, Tag
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from services.networks.meetings import messages, service
from services.networks.meetings.models import Action, Meeting
from services.networks.meetings.schemas import (
    ActionIdPath,
    ActionList,
    ActionOut,
    AttendanceBySchool,
    FollowUps,
    MeetingIdPath,
    MeetingIdsQuery,
    MeetingIn,
    MeetingList,
    MeetingOut,
    MeetingsQuery,
    MinutesIn,
    NetworkIdsQuery,
    ProgrammeIdsQuery,
    RsvpIn,
)
from services.networks.networks.schemas import NetworkIdPath
from services.networks.networks.service import network_or_404, visible_network_ids
from shared import calendars
from shared.db import request_session
from shared.web import SECURITY, current_identity

bp = APIBlueprint("meetings", __name__, abp_tags=[Tag(name="meetings")], abp_security=SECURITY)


def action_out(a: Action) -> dict:
    return ActionOut.model_validate(a, from_attributes=True).model_dump(mode="json")


def meetings_out(db, rows: list[Meeting]) -> list[dict]:
    """A page of meetings with their answers, attendance, actions and agendas: four
    queries for the lot, not four per meeting."""
    ids = [m.id for m in rows]
    me = current_identity().person_id
    rsvps, came, actions = {}, {}, {}
    for r in service.rsvps_of(db, ids):
        rsvps.setdefault(r.meeting_id, []).append(r)
    for a in service.attendance_of(db, ids):
        came.setdefault(a.meeting_id, []).append(a.person_id)
    for a in service.actions_of(db, ids):
        actions.setdefault(a.meeting_id, []).append(a)
    agendas = service.agendas_with_actions(db, rows)
    out = []
    for m in rows:
        answers = rsvps.get(m.id, [])
        out.append(MeetingOut(
            **{k: getattr(m, k) for k in ("id", "network_id", "title", "term", "starts_at", "ends_at", "venue",
                                           "online_url", "programme_id", "status", "sequence", "minutes")},
            agenda=agendas[m.id],
            my_rsvp=next((r.response for r in answers if r.person_id == me), None),
            rsvps=[{"person_id": r.person_id, "response": r.response} for r in answers],
            attendee_ids=sorted(came.get(m.id, [])), actions=[action_out(a) for a in actions.get(m.id, [])],
        ).model_dump(mode="json"))
    return out


def _data(body: MeetingIn) -> service.MeetingData:
    return service.MeetingData(**body.model_dump(exclude={"agenda"}), agenda=[i.model_dump() for i in body.agenda])


@bp.post("/meetings", responses={201: MeetingOut})
def schedule(body: MeetingIn):
    """The network's leads and admins; every member is invited with an .ics."""
    db = request_session()
    return meetings_out(db, [service.schedule(db, current_identity(), _data(body))])[0], 201


@bp.put("/meetings/<int:meeting_id>", responses={200: MeetingOut})
def reschedule(path: MeetingIdPath, body: MeetingIn):
    """Members are sent the changed entry (same UID, higher SEQUENCE)."""
    db = request_session()
    return meetings_out(db, [service.schedule(db, current_identity(), _data(body), path.meeting_id)])[0]


@bp.get("/meetings", responses={200: MeetingList})
def list_meetings(query: MeetingsQuery):
    """The meetings of these networks (or these meetings) that the caller may see."""
    db = request_session()
    identity = current_identity()
    if query.ids:
        rows = service.meetings_by_ids(db, identity, [int(i) for i in query.ids.split(",")])
    else:
        ids = [int(i) for i in (query.network_ids or "").split(",") if i]
        rows = service.meetings_of(db, identity, ids, query.academic_year)
    return {"items": meetings_out(db, rows)}


@bp.get("/meetings/<int:meeting_id>", responses={200: MeetingOut})
def get_meeting(path: MeetingIdPath):
    db = request_session()
    return meetings_out(db, [service.get_meeting(db, current_identity(), path.meeting_id)])[0]


@bp.post("/meetings/<int:meeting_id>/cancel", responses={200: MeetingOut})
def cancel(path: MeetingIdPath):
    db = request_session()
    return meetings_out(db, [service.cancel(db, current_identity(), path.meeting_id)])[0]


@bp.post("/meetings/<int:meeting_id>/rsvp", responses={200: MeetingOut})
def rsvp(path: MeetingIdPath, body: RsvpIn):
    db = request_session()
    return meetings_out(db, [service.rsvp(db, current_identity(), path.meeting_id, body.response)])[0]


@bp.post("/meetings/<int:meeting_id>/minutes", responses={200: MeetingOut})
def record_minutes(path: MeetingIdPath, body: MinutesIn):
    """The lead: minutes (Markdown), who came, and the actions agreed."""
    db = request_session()
    actions = [service.ActionData(a.description, a.owner_id, a.due_on) for a in body.actions]
    meeting = service.record_minutes(db, current_identity(), path.meeting_id, body.minutes, body.attendee_ids, actions)
    return meetings_out(db, [meeting])[0]


@bp.post("/actions/<int:action_id>/complete", responses={200: ActionOut})
def complete_action(path: ActionIdPath):
    return action_out(service.complete_action(request_session(), current_identity(), path.action_id))


@bp.get("/actions/open", responses={200: ActionList})
def open_actions(query: NetworkIdsQuery):
    """Actions not yet done, for networks whose meetings the caller may see."""
    db = request_session()
    ids = visible_network_ids(db, current_identity(), [int(i) for i in query.network_ids.split(",")])
    return {"items": [action_out(a) for a in service.open_actions(db, sorted(ids))]}


@bp.get("/meetings/follow-ups", responses={200: FollowUps})
def follow_ups(query: ProgrammeIdsQuery):
    """Which meetings their leads said follow up these cascaded programmes: ids only, so
    that everyone following a programme counts the same meetings in its coverage
    (a meeting itself is read as its network allows)."""
    found = service.follow_ups(request_session(), current_identity(),
                               [int(i) for i in query.programme_ids.split(",")])
    return {"items": [{"meeting_id": m, "programme_id": p} for m, p in found]}


@bp.get("/attendance/by-school", responses={200: AttendanceBySchool})
def attendance_by_school(query: MeetingIdsQuery):
    """How many from each school came to these meetings: for following a cascaded
    programme school by school (admins every school, SIPs and leaders their own)."""
    found = service.attendance_by_school(request_session(), current_identity(),
                                         [int(i) for i in query.meeting_ids.split(",")])
    return {"items": [{"meeting_id": m, "school_id": s, "attended": n} for m, s, n in found]}


def _calendar_response(events, name: str, method: str | None = None, calname: str | None = None):
    return calendars.download(calendars.calendar(events, method, calname, product="Networks"), name)


@bp.get("/meetings/mine/calendar")
def my_calendar():
    """The caller's networks' meetings (scheduled, and the last year's), for their feed."""
    identity = current_identity()
    if identity.person_id is None:
        return _calendar_response([], "meetings")
    rows = service.calendar_meetings(request_session(), identity)
    return _calendar_response([messages.event(m, n) for m, n in rows], "meetings", "PUBLISH", "Network meetings")


@bp.get("/meetings/<int:meeting_id>/calendar")
def meeting_calendar(path: MeetingIdPath):
    db = request_session()
    meeting = service.get_meeting(db, current_identity(), path.meeting_id)
    method = "CANCEL" if meeting.status == "CANCELLED" else "PUBLISH"
    return _calendar_response([messages.event(meeting, network_or_404(db, meeting.network_id))],
                              f"meeting-{meeting.id}", method)


class PatternQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    academic_year: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}$")]
    weekdays: Annotated[str, StringConstraints(pattern=r"^[1-7](,[1-7]){0,6}$")] = Field(
        description="ISO weekdays, 1 = Monday, comma-separated.")
    start_time: Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
    duration_minutes: int = Field(ge=1, le=600)


class Candidate(BaseModel):
    term: str
    starts_at: datetime
    ends_at: datetime
    clashes: list[dict]


class Candidates(BaseModel):
    network: str
    member_ids: list[int]
    candidates: list[Candidate]


@bp.get("/networks/<int:network_id>/candidates", responses={200: Candidates})
def meeting_candidates(path: NetworkIdPath, query: PatternQuery):
    """Leads: every school day of the year that fits the pattern, with the members
    already in another network's meeting then."""
    from datetime import time as time_of_day

    from services.networks.meetings.proposals import candidates

    hours, minutes = map(int, query.start_time.split(":"))
    found = candidates(request_session(), current_identity(), path.network_id, query.academic_year,
                       [int(d) for d in query.weekdays.split(",")], time_of_day(hours, minutes),
                       query.duration_minutes)
    return Candidates(**found).model_dump(mode="json")


class CommitmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    person_id: int = Field(ge=1, le=2**31 - 1)
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    title: Annotated[str, StringConstraints(max_length=300)]


class ProposalsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    academic_year: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}$")]
    weekdays: list[Annotated[int, Field(ge=1, le=7)]] = Field(min_length=1, max_length=7,
                                                              description="ISO weekdays, 1 = Monday.")
    start_time: Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
    duration_minutes: int = Field(ge=1, le=600)
    per_term: int = Field(ge=1, le=6)
    # about what fits in a request body (1 MiB): a hundred each for a network of 50 members
    commitments: list[CommitmentIn] = Field(max_length=5_000, description=(
        "The members' trust CPD bookings in the candidates' span, as POST /bookings/commitments answers them."))


class Proposals(BaseModel):
    proposals: list[Candidate]


@bp.post("/networks/<int:network_id>/proposals", responses={200: Proposals})
def meeting_proposals(path: NetworkIdPath, body: ProposalsIn):
    """Leads: the best dates in each term for the pattern, fewest clashes first, with
    the members' trust CPD (sent along: a read, sent as POST because it can be long)."""
    from datetime import time as time_of_day

    from services.networks.meetings.proposals import Commitment, proposals

    hours, minutes = map(int, body.start_time.split(":"))
    busy = [Commitment(c.person_id, c.starts_at, c.ends_at, c.title) for c in body.commitments]
    ranked = proposals(request_session(), current_identity(), path.network_id, body.academic_year,
                       sorted(set(body.weekdays)), time_of_day(hours, minutes), body.duration_minutes, body.per_term,
                       busy)
    return Proposals(proposals=ranked).model_dump(mode="json")
