"""Schools' sprints in the GraphQL API, stored by the catalogue: a school leader plans
their school's sprint (sessions with topics and school days, optional video clips as
pre-work) and records each session held; the central team takes on the sessions
flagged for them.  `sprint`, `centralSessions`, `planSprint`, `recordSprintSession`,
`takeOnSprintSession`, `giveUpSprintSession`.

The catalogue decides who may plan, record and take on, whether each date is a school
day (by its copy of networks' academic calendar) and which sessions the central team
attends (by its copy of the schools' risk bands); the gateway checks what only it can:
that the school, the lead and the partner schools exist."""
from __future__ import annotations

import graphene
from sqlmodel import col, select

from gateway.backends import BackendError, BackendUnavailable
from gateway.graph.compose import named, ref
from gateway.graph.ids import parse_id, parse_ids
from gateway.graph.loaders import grouped, ids_param, loaded, loads
from gateway.graph.mutations import Refused, an_id, mutation, refusal
from gateway.graph.shapes import every_page, payload
from gateway.graph.values import enum_value, moment, parsed
from gateway.identity.models import Person as PersonRow
from gateway.identity.models import School as SchoolRow

SprintStatus = graphene.Enum("SprintStatus", [(n, n) for n in ("PLANNED", "IN_PROGRESS", "COMPLETE")])
SprintSessionStatus = graphene.Enum("SprintSessionStatus", [(n, n) for n in ("PLANNED", "HELD", "CANCELLED")])


def seen(ctx, sprints: list[dict]) -> list[dict]:
    """Sprints the answer holds, and every one of their sessions: what hangs off the
    sessions (notes, attendees, clips) is then read for all of them at once."""
    ctx.remember("sprint session", [session_of(sprint, s) for sprint in sprints for s in sprint["sessions"]])
    return ctx.remember("sprint", sprints)


def session_of(sprint: dict, session: dict) -> dict:
    # the catalogue answers a sprint's sessions inside it; each is told its sprint here
    return {**session, "sprint_id": sprint["id"]}


@loads("sprint")
def _sprints(ctx, ids: list[int]) -> dict:
    items = ctx.read("catalogue", "GET", "/sprints", params={"ids": ids_param(ids)})["items"]
    return {s["id"]: s for s in seen(ctx, items)}


@loads("sprints of school", missing=list)
def _sprints_of_schools(ctx, school_ids: list[int]) -> dict:
    items = every_page(ctx, "catalogue", "/sprints", {"school_ids": ids_param(school_ids)})
    return grouped((s["school_id"], s) for s in seen(ctx, items))


def _sessions_in_view(ctx):
    return list(ctx.in_view("sprint session"))


@named
class Sprint(graphene.ObjectType):
    id = graphene.ID(required=True)
    programme = graphene.Field(ref("Programme"), required=True)
    school = graphene.Field(ref("School"), required=True)
    partner_schools = graphene.List(graphene.NonNull(ref("School")), required=True,
                                    description="Schools whose staff join this sprint rather than run their own.")
    lead = graphene.Field(ref("Person"), required=True)
    lead_name = graphene.String(required=True, description="The lead's name as the sprint keeps it.")
    status = graphene.Field(SprintStatus, required=True)
    sessions = graphene.List(graphene.NonNull(lambda: SprintSession), required=True)

    resolve_programme = loaded("programme", "programme_id", among="sprint")
    resolve_school = loaded("school", "school_id")
    resolve_lead = loaded("person", "lead_id", among="sprint")

    @staticmethod
    def resolve_partner_schools(sprint, info):
        partners = set(sprint["partner_school_ids"] or [])
        return [s for s in info.context.loader("school").everything() if s.id in partners]

    @staticmethod
    def resolve_sessions(sprint, info):
        ordered = sorted(sprint["sessions"], key=lambda s: s["sequence"])
        return info.context.remember("sprint session", [session_of(sprint, s) for s in ordered])


@named
@parsed(moment, "scheduled_at", "recorded_at")
class SprintSession(graphene.ObjectType):
    id = graphene.ID(required=True)
    sprint = graphene.Field(Sprint, required=True)
    sequence = graphene.Int(required=True)
    topic = graphene.String(required=True)
    scheduled_at = graphene.DateTime(required=True)
    duration_minutes = graphene.Int()
    status = graphene.Field(SprintSessionStatus, required=True)
    staff_attending = graphene.Int()
    recorded_at = graphene.DateTime(description="When the session was recorded as held or cancelled.")
    central_attendee = graphene.Field(ref("Person"))
    flagged_for_central = graphene.Boolean(required=True, description=(
        "The central team should attend: a sprint's first session, and every session of a high-risk school."))
    qa_note = graphene.Field(ref("QaNote"), description="Null when there is none, or it is not yours to read.")
    videos = graphene.List(graphene.NonNull(ref("Video")), required=True, description="Pre-work from the video "
                                                                                      "library.")

    @staticmethod
    def resolve_sprint(session, info):
        ctx = info.context
        return ctx.loader("sprint").load(session["sprint_id"], among=(s["sprint_id"] for s in _sessions_in_view(ctx)))

    @staticmethod
    def resolve_central_attendee(session, info):
        ctx = info.context
        if session["central_attendee_id"] is None:
            return None
        return ctx.loader("person").load(session["central_attendee_id"], among=(
            s["central_attendee_id"] for s in _sessions_in_view(ctx) if s["central_attendee_id"] is not None))

    resolve_qa_note = loaded("qa note of sprint session", "id", among="sprint session")

    @staticmethod
    def resolve_videos(session, info):
        # the clips the viewer may watch (the library decides), for every session in view at once
        if not session["video_ids"]:
            return []
        videos = info.context.loader("video")
        videos.expect(v for s in _sessions_in_view(info.context) for v in s["video_ids"] or [])
        return [v for v in videos.load_many(session["video_ids"]) if v is not None]


SprintPayload = payload("Sprint", sprint=graphene.Field(Sprint))


class SprintSessionPlanInput(graphene.InputObjectType):
    id = graphene.ID(description="A session planned already, to change it (without ids, the sessions still to "
                                 "come are matched in order).")
    topic = graphene.String(required=True)
    scheduled_at = graphene.DateTime(required=True)
    duration_minutes = graphene.Int()
    video_ids = graphene.List(graphene.NonNull(graphene.ID))


class SprintInput(graphene.InputObjectType):
    programme_id = graphene.ID(required=True)
    school_id = graphene.ID(required=True)
    lead_id = graphene.ID(required=True)
    sessions = graphene.List(graphene.NonNull(SprintSessionPlanInput), required=True, description=(
        "The sessions still to come, in any order (they are numbered by time); those held or cancelled stay."))
    partner_school_ids = graphene.List(graphene.NonNull(graphene.ID), description=(
        "Schools joining this sprint rather than running their own (a small school with a partner)."))


class SprintSessionInput(graphene.InputObjectType):
    sprint_session_id = graphene.ID(required=True)
    status = SprintSessionStatus(required=True)
    staff_attending = graphene.Int()
    central_attendee_id = graphene.ID()


class SprintQuery(graphene.ObjectType):
    sprint = graphene.Field(Sprint, id=graphene.ID(required=True))
    central_sessions = graphene.List(
        graphene.NonNull(SprintSession), required=True, mine=graphene.Boolean(default_value=False),
        description="Sessions flagged for the central team, from today on, in your schools (a SIP's; every "
                    "school's for admins): highest-risk first, then soonest.  `mine`: only those you have taken on. "
                    "At most 100.")

    @staticmethod
    def resolve_sprint(root, info, id):
        return info.context.one("catalogue", f"/sprints/{parse_id(id)}", remember="sprint") if parse_id(id) else None

    @staticmethod
    def resolve_central_sessions(root, info, mine=False):
        ctx = info.context
        if not (ctx.identity.is_admin or ctx.identity.has_role("sip")):
            return []
        items = ctx.read("catalogue", "GET", "/sprint-sessions/central", params={"mine": mine, "first": 100})["items"]
        return ctx.remember("sprint session", [{**i["session"], "sprint_id": i["sprint_id"]} for i in items])


def clips_out_of_reach(ctx, planned: list[dict]) -> list[dict]:
    """A problem beside each session naming a clip its planner may not watch.  The
    video library's loader answers only the films the caller may watch, so a film
    waiting for consent, withdrawn or not in the library is never made pre-work by its
    id alone; read in one call for every session (and the payload's clips come from it)."""
    wanted = [v for s in planned for v in s["video_ids"]]
    if not wanted:
        return []
    videos = ctx.loader("video")
    videos.expect(wanted)
    return [{"field": ["sessions", str(i), "videoIds"], "message": f"Video {v} is not one you can watch in the "
             "video library (it may be waiting for consent, or withdrawn); choose another clip."}
            for i, s in enumerate(planned) for v in s["video_ids"] if videos.load(v) is None]


@mutation(SprintPayload, "sprint", remember="sprint", input=SprintInput(required=True))
def plan_sprint(root, info, input):
    """A school's leader plans (or re-plans) its sprint: the sessions' topics and school
    days, and optional video clips as pre-work.  Fewer, longer sessions are fine, and
    a small school may join a partner's sprint instead (its `partnerSchoolIds`)."""
    ctx = info.context
    programme_id = an_id(input["programme_id"], "programmeId", "programme")
    school = ctx.db.get(SchoolRow, an_id(input["school_id"], "schoolId", "school"))
    if school is None:
        raise Refused("There is no such school.", "schoolId")
    partner_ids = parse_ids(input.get("partner_school_ids") or [])
    partners = ctx.db.exec(select(SchoolRow).where(col(SchoolRow.id).in_(partner_ids))).all() if partner_ids else []
    if partner_ids is None or len(partners) != len(set(partner_ids)) or school.id in partner_ids:
        raise Refused("Choose other schools of the trust as partners.", "partnerSchoolIds")
    lead = ctx.db.get(PersonRow, an_id(input["lead_id"], "leadId", "person"))
    if lead is None or lead.school_id not in (school.id, *partner_ids):
        raise Refused("Choose someone who works at the school (or a partner school) to lead the sprint.", "leadId")
    planned = []
    for i, s in enumerate(input["sessions"]):
        videos = parse_ids(s.get("video_ids") or [])
        session_id = parse_id(s["id"]) if s.get("id") else None
        if videos is None or (s.get("id") and session_id is None):
            raise Refused(problems=[{"field": ["sessions", str(i), "videoIds" if videos is None else "id"],
                                     "message": "Choose clips from the video library." if videos is None else
                                     "There is no such session in this sprint."}])
        planned.append({"id": session_id, "topic": s["topic"], "scheduled_at": s["scheduled_at"].isoformat(),
                        "duration_minutes": s.get("duration_minutes"), "video_ids": videos})
    # The band the sprint is supported by, and whether each day is a school day, are
    # the catalogue's to decide from its copies of the gateway's bands and networks'
    # calendar (shared.facts): the request carries neither.
    body = {"lead_id": lead.id, "lead_name": lead.name, "lead_email": lead.email,
            "partner_school_ids": partner_ids, "sessions": planned}
    problems = clips_out_of_reach(ctx, planned)
    path = f"/programmes/{programme_id}/schools/{school.id}/sprint"
    if not problems:
        return ctx.call("catalogue", "PUT", path, json=body)
    with ctx.only_checking():  # nothing saved; the catalogue checks the rest so every problem shows at once
        try:
            ctx.call("catalogue", "PUT", path, json=body)
        except (BackendError, BackendUnavailable) as exc:
            said = {tuple(p["field"] or ()) for p in problems}  # an unknown clip: the library's sentence is enough
            problems += [p for p in refusal(exc) if tuple(p["field"] or ()) not in said]
    raise Refused(problems=problems)


def _sprint_session(value) -> int:
    return an_id(value, "sprintSessionId", "sprint session")


@mutation(SprintPayload, "sprint", remember="sprint", input=SprintSessionInput(required=True))
def record_sprint_session(root, info, input):
    """The school's leader records a session held (and how many staff came) or
    cancelled; naming a central attendee records who from the central team came."""
    ctx = info.context
    path = f"/sprint-sessions/{_sprint_session(input['sprint_session_id'])}/record"
    body = {"status": enum_value(input["status"]), "staff_attending": input.get("staff_attending")}
    if input.get("central_attendee_id"):
        attendee = ctx.db.get(PersonRow, an_id(input["central_attendee_id"], "centralAttendeeId", "person"))
        if attendee is None:
            raise Refused("There is no such person.", "centralAttendeeId")
        body |= {"central_attendee_id": attendee.id, "central_attendee_name": attendee.name,
                 "central_attendee_email": attendee.email}
    return ctx.call("catalogue", "POST", path, json=body)


@mutation(SprintPayload, "sprint", remember="sprint", sprint_session_id=graphene.ID(required=True))
def take_on_sprint_session(root, info, sprint_session_id):
    """A SIP of the school (or an admin) takes on a session flagged for the central
    team: they will attend it (refused when someone else has)."""
    path = f"/sprint-sessions/{_sprint_session(sprint_session_id)}/central-attendee"
    return info.context.call("catalogue", "PUT", path)


@mutation(SprintPayload, "sprint", remember="sprint", sprint_session_id=graphene.ID(required=True))
def give_up_sprint_session(root, info, sprint_session_id):
    """The SIP who took a session on (or an admin) gives it up, for another to take."""
    path = f"/sprint-sessions/{_sprint_session(sprint_session_id)}/central-attendee"
    return info.context.call("catalogue", "DELETE", path)
