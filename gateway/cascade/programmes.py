"""Cascaded CPD programmes in the GraphQL API, stored by the catalogue: a programme
names its source course and trust-wide sessions (bookings), its network and follow-up
meetings (networks) and the schools taking part (the gateway's).  `programmes`,
`programme`, `saveProgramme`, and `Meeting.programme`.

Everything a list of programmes hangs off its items is read for the whole list at
once: the sessions, meetings, sprints and coverage of every programme in view in one
call per kind."""
from __future__ import annotations

import graphene

from gateway.backends import BackendError, BackendUnavailable
from gateway.graph.compose import Extension, named, ref
from gateway.graph.ids import parse_id, parse_ids
from gateway.graph.loaders import grouped, ids_param, loaded, loads
from gateway.graph.mutations import Refused, an_id, mutation, refusal
from gateway.graph.shapes import every_page, payload
from gateway.graph.values import enum_value, moment, parsed

ProgrammeScope = graphene.Enum("ProgrammeScope", [(n, n) for n in ("ALL", "PHASE", "LIST")])


@loads("programme")
def _programmes(ctx, ids: list[int]) -> dict:
    items = ctx.read("catalogue", "GET", "/programmes", params={"ids": ids_param(ids)})["items"]
    return {p["id"]: p for p in ctx.remember("programme", items)}


@loads("all programmes", whole=True)
def _all_programmes(ctx) -> dict:
    """Every programme the caller may see: a trust runs a handful a year."""
    return {p["id"]: p for p in every_page(ctx, "catalogue", "/programmes")}


@loads("meetings following programme", missing=list)
def _following(ctx, programme_ids: list[int]) -> dict:
    """The ids of meetings whose network lead said, scheduling them, that they follow
    these programmes up (whether the caller may read the meetings or not: a
    programme's coverage counts the same meetings for everyone)."""
    items = ctx.read("networks", "GET", "/meetings/follow-ups", params={"programme_ids": ids_param(programme_ids)})
    return grouped((row["programme_id"], row["meeting_id"]) for row in items["items"])


def follow_up_ids(ctx, programme: dict) -> list[int]:
    """A programme's follow-up meetings: those the admin chose for it (the catalogue's)
    and those a network lead said follow it up (networks').  Each is said in its own
    service by its own people, so both count rather than one silently overruling the
    other; read for every programme in view at once."""
    tagged = ctx.loader("meetings following programme").load(
        programme["id"], among=(p["id"] for p in programmes_in_view(ctx)))
    chosen = programme["follow_up_meeting_ids"] or []
    return chosen + [m for m in tagged if m not in chosen]


@loads("sprints of programme", missing=list)
def _sprints_of_programmes(ctx, programme_ids: list[int]) -> dict:
    from gateway.cascade.sprints import seen

    items = every_page(ctx, "catalogue", "/sprints", {"programme_ids": ids_param(programme_ids)})
    return grouped((s["programme_id"], s) for s in seen(ctx, items))


def programmes_in_view(ctx):
    return list(ctx.in_view("programme"))


def expect_all(ctx, kind: str, key: str) -> object:
    """The loader of `kind`, told of the ids every programme in view names by `key`,
    so that the first read reads them all."""
    found = ctx.loader(kind)
    found.expect(i for p in programmes_in_view(ctx) for i in p[key] or [])
    return found


@named
@parsed(moment, "created_at", "updated_at")
class Programme(graphene.ObjectType):
    id = graphene.ID(required=True)
    title = graphene.String(required=True)
    source_course = graphene.Field(ref("Course"), required=True)
    source_sessions = graphene.List(graphene.NonNull(ref("Session")), required=True,
                                    description="The trust-wide sessions the cascade starts from.")
    network = graphene.Field(ref("Network"))
    follow_up_meetings = graphene.List(graphene.NonNull(ref("Meeting")), required=True, description=(
        "The network's meetings that pick the programme up (those the viewer may see)."))
    sprints = graphene.List(graphene.NonNull(ref("Sprint")), required=True, description=(
        "The schools' sprints the viewer may see."))
    coverage = graphene.List(graphene.NonNull(ref("SchoolCascadeStatus")), required=True,
                             order_by=graphene.Argument(ref("CoverageOrder"), default_value="SCHOOL"),
                             description="Each school's stage: admins see every school taking part, a SIP or "
                                         "a school leader their own schools; anyone else none.")
    scope = graphene.Field(ProgrammeScope, required=True, source="school_scope",
                           description="Who takes part: every school, a phase, or a list.")
    phase = graphene.Field(ref("SchoolPhase"), source="school_phase",
                           description="For a programme of one phase's schools.")
    created_by_name = graphene.String(required=True)
    schools = graphene.List(graphene.NonNull(ref("School")), required=True,
                            description="The schools taking part, by name.")
    created_at = graphene.DateTime(required=True)
    updated_at = graphene.DateTime(required=True)

    resolve_source_course = loaded("course", "source_course_id", among="programme")
    resolve_network = loaded("network", "network_id", among="programme")

    @staticmethod
    def resolve_source_sessions(programme, info):
        sessions = expect_all(info.context, "session", "source_session_ids")
        return [s for s in sessions.load_many(programme["source_session_ids"]) if s is not None]

    @staticmethod
    def resolve_follow_up_meetings(programme, info):
        meetings = expect_all(info.context, "meeting", "follow_up_meeting_ids")
        found = [m for m in meetings.load_many(follow_up_ids(info.context, programme)) if m is not None]
        return sorted(found, key=lambda m: m["starts_at"])

    @staticmethod
    def resolve_sprints(programme, info):
        ctx = info.context
        return ctx.loader("sprints of programme").load(programme["id"],
                                                        among=(p["id"] for p in programmes_in_view(ctx)))

    @staticmethod
    def resolve_coverage(programme, info, order_by="SCHOOL"):
        from gateway.cascade.coverage import coverage_of, ordered

        return ordered(info.context, coverage_of(info.context, programme), enum_value(order_by))

    @staticmethod
    def resolve_schools(programme, info):
        taking_part = set(programme["school_ids"])
        schools = [s for s in info.context.loader("school").everything() if s.id in taking_part]
        return info.context.remember("school", schools)


class MeetingProgramme(Extension):
    extends = "Meeting"
    programme = graphene.Field(Programme, description="The cascaded CPD programme this meeting follows up, as "
                                                       "its lead said when scheduling it, or else as the "
                                                       "programme's admin chose it as a follow-up.")

    _said_by_lead = loaded("programme", "programme_id", among="meeting")

    @staticmethod
    def resolve_programme(meeting, info):
        if meeting.get("programme_id") is not None:
            return MeetingProgramme._said_by_lead(meeting, info)
        # One read of every programme the caller may see, however many meetings ask.
        return next((p for p in info.context.loader("all programmes").everything()
                     if meeting["id"] in (p["follow_up_meeting_ids"] or [])), None)


ProgrammePayload = payload("Programme", programme=graphene.Field(Programme))


class ProgrammeInput(graphene.InputObjectType):
    id = graphene.ID(description="The programme to change; none for a new one.")
    title = graphene.String(required=True)
    source_course_id = graphene.ID(required=True)
    source_session_ids = graphene.List(graphene.NonNull(graphene.ID), required=True)
    network_id = graphene.ID()
    follow_up_meeting_ids = graphene.List(graphene.NonNull(graphene.ID))
    school_ids = graphene.List(graphene.NonNull(graphene.ID), required=True,
                               description="The schools taking part, for scope LIST (else left empty).")
    scope = ProgrammeScope(description="ALL: every school; PHASE: the schools of `phase`; LIST (left out): "
                                       "`schoolIds`.")
    phase = graphene.InputField(ref("SchoolPhase"))


class ProgrammeQuery(graphene.ObjectType):
    programmes = graphene.List(graphene.NonNull(Programme), required=True,
                               description="The programmes you may see, newest first.")
    programme = graphene.Field(Programme, id=graphene.ID(required=True))

    @staticmethod
    def resolve_programmes(root, info):
        ctx = info.context
        return ctx.remember("programme", ctx.loader("all programmes").everything())

    @staticmethod
    def resolve_programme(root, info, id):
        return info.context.one("catalogue", f"/programmes/{parse_id(id)}", remember="programme") \
            if parse_id(id) else None


def _taking_part(ctx, scope: str, phase, school_ids) -> list[int]:
    """The schools a programme's scope names, as the catalogue keeps them (it knows no
    schools of its own)."""
    schools = ctx.loader("school").everything()
    if scope == "ALL":
        return [s.id for s in schools]
    if scope == "PHASE":
        if phase is None:
            raise Refused("Choose the phase whose schools take part.", "phase")
        return [s.id for s in schools if s.phase.value == enum_value(phase)]
    ids = parse_ids(school_ids)
    known = {s.id for s in schools}
    if ids is None or not set(ids) <= known:
        raise Refused("Choose schools of the trust.", "schoolIds")
    if not ids:
        raise Refused("Choose at least one school to take part.", "schoolIds")
    return list(dict.fromkeys(ids))


def _sources(ctx, course_id: int, session_ids: list[int]) -> list[dict]:
    """Problems with the source sessions: each must be one of the course's."""
    found = {s["id"]: s for s in ctx.call("bookings", "GET", "/sessions", params={"ids": ids_param(session_ids)})
             ["items"]} if session_ids else {}
    problems = []
    if not session_ids:
        problems.append({"field": ["sourceSessionIds"], "message": "Choose the trust-wide session (or sessions) "
                                                                   "the cascade starts from."})
    elif any(found.get(i, {}).get("course_id") != course_id for i in session_ids):
        problems.append({"field": ["sourceSessionIds"], "message": "Choose sessions of the programme's course."})
    return problems


def _follow_ups(ctx, network_id: int | None, meeting_ids: list[int]) -> list[dict]:
    """Problems with the follow-up meetings: each must be one of the network's."""
    if not meeting_ids:
        return []
    if network_id is None:
        return [{"field": ["followUpMeetingIds"], "message": "Choose the network first: follow-up meetings are "
                                                            "its meetings."}]
    found = {m["id"]: m for m in ctx.call("networks", "GET", "/meetings", params={"ids": ids_param(meeting_ids)})
             ["items"]}
    if any(found.get(i, {}).get("network_id") != network_id for i in meeting_ids):
        return [{"field": ["followUpMeetingIds"], "message": "Choose meetings of the programme's network."}]
    return []


@mutation(ProgrammePayload, "programme", remember="programme", input=ProgrammeInput(required=True))
def save_programme(root, info, input):
    """Admins make (or change) a programme from a course, its trust-wide sessions, the
    network and its follow-up meetings, and the schools taking part."""
    ctx = info.context
    if not ctx.identity.is_admin:
        raise Refused("Only Lighthouse Learning admins can make or change programmes.")
    programme_id = an_id(input.get("id"), "id", "programme", optional=True)
    course_id = an_id(input["source_course_id"], "sourceCourseId", "course")
    network_id = an_id(input.get("network_id"), "networkId", "network", optional=True)
    session_ids = parse_ids(input["source_session_ids"])
    meeting_ids = parse_ids(input.get("follow_up_meeting_ids") or [])
    if session_ids is None:
        raise Refused("Choose sessions of the programme's course.", "sourceSessionIds")
    if meeting_ids is None:
        raise Refused("Choose meetings of the programme's network.", "followUpMeetingIds")
    scope = enum_value(input.get("scope") or "LIST")
    body = {"title": input["title"], "source_course_id": course_id, "source_session_ids": session_ids,
            "network_id": network_id, "follow_up_meeting_ids": meeting_ids, "school_scope": scope,
            "school_phase": enum_value(input.get("phase")) if scope == "PHASE" else None,
            "school_ids": _taking_part(ctx, scope, input.get("phase"), input["school_ids"])}
    try:
        problems = _sources(ctx, course_id, session_ids) + _follow_ups(ctx, network_id, meeting_ids)
    except BackendUnavailable as exc:
        raise Refused(str(exc)) from exc
    method, path = ("PUT", f"/programmes/{programme_id}") if programme_id else ("POST", "/programmes")
    if not problems:
        return ctx.call("catalogue", method, path, json=body)
    with ctx.only_checking():  # not saved; the catalogue checks the rest so every problem shows at once
        try:
            ctx.call("catalogue", method, path, json=body)
        except (BackendError, BackendUnavailable) as exc:
            problems += refusal(exc)
    raise Refused(problems=problems)
