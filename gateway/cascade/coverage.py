"""The coverage of a programme in the GraphQL API: each school's stage in its cascade,
assembled from the three services — the catalogue's sprints and QA notes, bookings'
attendance at the source sessions, networks' attendance at the follow-up meetings —
and the gateway's own schools and risk bands.  `Programme.coverage`, `School.cascade`
and `School.cascades`.

However many schools and programmes are in view it costs the same few calls: every
programme's rows, every source session's attendance, which meetings their leads said
follow the programmes up, and every follow-up meeting's attendance are each read
together (stages.py reckons the stages)."""
from __future__ import annotations

import graphene
from graphql import GraphQLError

from gateway.cascade import stages
from gateway.cascade.programmes import expect_all, follow_up_ids
from gateway.cascade.stages import Facts
from gateway.graph.compose import Extension, named, ref
from gateway.graph.ids import parse_id
from gateway.graph.loaders import grouped, ids_param, loads
from gateway.graph.values import day, moment
from gateway.identity import risk

CascadeStage = graphene.Enum("CascadeStage", [(n, n) for n in (stages.NOT_STARTED, *stages.STAGES)])
StepState = graphene.Enum("StepState", [(n, n) for n in (stages.DONE, stages.GAP, stages.TO_DO, stages.NOT_PART)])
CoverageOrder = named(graphene.Enum("CoverageOrder", [
    ("SCHOOL", "SCHOOL"), ("RISK", "RISK"), ("STAGE", "STAGE")]))


@loads("coverage of programme", missing=list)
def _coverage(ctx, programme_ids: list[int]) -> dict:
    """The catalogue's part, one row per school taking part that the caller may see."""
    items = ctx.read("catalogue", "GET", "/programmes/coverage", params={"ids": ids_param(programme_ids)})["items"]
    return grouped((row["programme_id"], row) for row in items)


@loads("attendance of session", missing=list)
def _attended(ctx, session_ids: list[int]) -> dict:
    """Who from each school attended each source session (bookings' register)."""
    items = ctx.read("bookings", "GET", "/attendance/by-school", params={"session_ids": ids_param(session_ids)})
    return grouped((row["session_id"], row) for row in items["items"])


@loads("attendance of meeting", missing=list)
def _came(ctx, meeting_ids: list[int]) -> dict:
    """How many from each school came to each follow-up meeting (networks' minutes)."""
    items = ctx.read("networks", "GET", "/attendance/by-school", params={"meeting_ids": ids_param(meeting_ids)})
    return grouped((row["meeting_id"], row) for row in items["items"])


def coverage_of(ctx, programme: dict) -> list[dict]:
    """Each school's status in `programme` the caller may see, by school name."""
    coverage = ctx.loader("coverage of programme")
    in_view = list(ctx.in_view("programme"))
    rows = coverage.load(programme["id"], among=(p["id"] for p in in_view))
    # every programme in view was read with it: their sprints are read together too
    ctx.loader("sprint").expect(r["sprint_id"] for p in in_view for r in coverage.load(p["id"]) if r["sprint_id"])
    sessions = expect_all(ctx, "attendance of session", "source_session_ids")
    meetings = ctx.loader("attendance of meeting")
    meetings.expect(i for p in in_view for i in follow_up_ids(ctx, p))
    people: dict[int, set] = {}
    for session_id in programme["source_session_ids"]:
        for row in sessions.load(session_id):
            people.setdefault(row["school_id"], set()).update(row["person_ids"])
    follow_ups = follow_up_ids(ctx, programme)
    came = {row["school_id"] for m in follow_ups for row in meetings.load(m) if row["attended"]}
    schools = {s.id: s for s in ctx.loader("school").everything()}
    found = []
    for row in rows:
        school = schools.get(row["school_id"])
        if school is None:
            continue  # a school no longer in the trust
        found.append({"programme": programme, "school": school, "row": row, "facts": Facts(
            attended_source=len(people.get(school.id, ())),
            attended_follow_up=(school.id in came) if follow_ups else None,
            sessions_planned=row["sessions_planned"] + row["sessions_held"],
            first_session_held_on=day(row["first_session_held_on"]),
            qa_recorded=row["qa_recorded"], complete=row["sprint_status"] == "COMPLETE")})
    ctx.remember("school", [f["school"] for f in found])
    return sorted(found, key=lambda f: f["school"].name.lower())


def ordered(ctx, statuses: list[dict], order_by: str) -> list[dict]:
    """By school (as read), by risk (high-risk, least done first: where support should
    go first), or by stage (furthest behind first).  A band the viewer may not see
    sorts as none."""
    if order_by == "RISK":
        def band(s):
            return s["school"].risk_band.value if risk.may_see_band(ctx.identity, s["school"].id) else None
        return sorted(statuses, key=lambda s: stages.by_risk(band(s), s["facts"], s["school"].name))
    if order_by == "STAGE":
        return sorted(statuses, key=lambda s: stages.by_stage(s["facts"], s["school"].name))
    return statuses


class CascadeStep(graphene.ObjectType):
    """One link of the chain for one school, as the coverage map shows it."""

    stage = graphene.Field(CascadeStage, required=True)
    state = graphene.Field(StepState, required=True, description=(
        "DONE; GAP (skipped, though a later link is done); TO_DO; NOT_PART of this programme."))

    @staticmethod
    def resolve_stage(step, info):
        return step[0]

    @staticmethod
    def resolve_state(step, info):
        return step[1]


@named
class SchoolCascadeStatus(graphene.ObjectType):
    school = graphene.Field(ref("School"), required=True)
    programme = graphene.Field(ref("Programme"), required=True)
    stage = graphene.Field(CascadeStage, required=True, description="The furthest link reached.")
    attended_source = graphene.Int(required=True, description="How many of the school's staff attended a source "
                                                              "session.")
    attended_follow_up = graphene.Boolean(required=True, description=(
        "Somebody from the school came to a follow-up meeting (false when the programme has none)."))
    sprint = graphene.Field(ref("Sprint"), description="Read from the catalogue when asked for: a coverage map "
                                                       "of hundreds of schools asks for `sprintId` instead.")
    sprint_id = graphene.ID(description="The school's sprint (its own, or the partner's it joined).")
    host_school = graphene.Field(ref("School"), description="Whose sprint the school's is: its own, or the partner "
                                                            "school's it joined.")
    sessions_planned = graphene.Int(required=True, description="Sessions of the sprint, held or still to come.")
    sessions_held = graphene.Int(required=True)
    next_session_at = graphene.DateTime()
    first_session_held_on = graphene.Date()
    qa_recorded = graphene.Boolean(required=True)
    steps = graphene.List(graphene.NonNull(CascadeStep), required=True, description="Every link, in order.")
    gaps = graphene.Int(required=True, description="Links skipped before the furthest reached.")

    @staticmethod
    def resolve_stage(status, info):
        return stages.stage(status["facts"])

    @staticmethod
    def resolve_attended_source(status, info):
        return status["facts"].attended_source

    @staticmethod
    def resolve_attended_follow_up(status, info):
        return bool(status["facts"].attended_follow_up)

    @staticmethod
    def resolve_sprint(status, info):
        sprint_id = status["row"]["sprint_id"]
        return None if sprint_id is None else info.context.loader("sprint").load(sprint_id)

    @staticmethod
    def resolve_sessions_planned(status, info):
        return status["facts"].sessions_planned

    @staticmethod
    def resolve_sprint_id(status, info):
        return status["row"]["sprint_id"]

    @staticmethod
    def resolve_host_school(status, info):
        host = status["row"]["host_school_id"]
        return None if host is None else info.context.loader("school").load(host)

    @staticmethod
    def resolve_sessions_held(status, info):
        return status["row"]["sessions_held"]

    @staticmethod
    def resolve_next_session_at(status, info):
        return moment(status["row"]["next_session_at"])

    @staticmethod
    def resolve_first_session_held_on(status, info):
        return status["facts"].first_session_held_on

    @staticmethod
    def resolve_qa_recorded(status, info):
        return status["facts"].qa_recorded

    @staticmethod
    def resolve_steps(status, info):
        return stages.steps(status["facts"])

    @staticmethod
    def resolve_gaps(status, info):
        return stages.gaps(status["facts"])


class SchoolCascade(Extension):
    extends = "School"
    cascade = graphene.Field(SchoolCascadeStatus, required=True, programme_id=graphene.ID(required=True),
                             description="The school's stage in a programme it takes part in: for admins and the "
                                         "school's own SIPs and leaders (an error for anyone else).")
    cascades = graphene.List(graphene.NonNull(SchoolCascadeStatus), required=True, description=(
        "The school's stage in every programme it takes part in, newest programme first: for admins and the "
        "school's own SIPs and leaders; empty for anyone else."))

    @staticmethod
    def resolve_cascade(school, info, programme_id):
        ctx = info.context
        programme = ctx.loader("programme").load(parse_id(programme_id)) if parse_id(programme_id) else None
        mine = [s for s in coverage_of(ctx, programme) if s["school"].id == school.id] if programme else []
        if not mine:
            raise GraphQLError("There is no such programme, the school does not take part in it, or its cascade "
                               "is not yours to see.", extensions={"code": "NOT_FOUND"})
        return mine[0]

    @staticmethod
    def resolve_cascades(school, info):
        ctx = info.context
        if not risk.may_see_band(ctx.identity, school.id):  # the same people: admins, its SIPs and leaders
            return []
        programmes = [p for p in ctx.remember("programme", ctx.loader("all programmes").everything())
                      if school.id in p["school_ids"]]
        return [s for p in programmes for s in coverage_of(ctx, p) if s["school"].id == school.id]
