"""Quality-assurance notes in the GraphQL API, stored by the catalogue: the SIP's
judgement of a sprint session, its strengths, development points and the plan for the
next session agreed with the headteacher, and every earlier version of it (a note is
evidence, never silently rewritten).  `SprintSession.qaNote`, `recordQaNote`.

Only the central team (the school's SIPs, admins) and the school's own leaders read
notes; the catalogue answers nothing else, so a note that is not yours is null."""
from __future__ import annotations

import graphene

from gateway.graph.compose import named, ref
from gateway.graph.loaders import ids_param, loads
from gateway.graph.mutations import an_id, mutation
from gateway.graph.shapes import payload
from gateway.graph.values import enum_value, moment, parsed

QaJudgement = graphene.Enum("QaJudgement", [(n, n) for n in ("SECURE", "DEVELOPING", "NOT_YET_SECURE")])


@loads("qa note of sprint session")
def _notes(ctx, sprint_session_ids: list[int]) -> dict:
    items = ctx.read("catalogue", "GET", "/qa-notes", params={"sprint_session_ids": ids_param(sprint_session_ids)})
    ctx.loader("person").expect(p for n in items["items"] for p in _people(n) if p is not None)
    return {n["sprint_session_id"]: n for n in ctx.remember("qa note", items["items"])}


def _people(note: dict):
    """Everyone a note names: its author, and whoever replaced each of its texts."""
    return (note["author_id"], *(r["replaced_by_id"] for r in note["revisions"]))


def _people_of_notes(ctx):
    return (p for n in ctx.in_view("qa note") for p in _people(n) if p is not None)


@parsed(moment, "written_at", "replaced_at")
class QaNoteRevision(graphene.ObjectType):
    """A text the note once had: as it stood before an edit, who made that edit and
    when (`editedBy`, `editedAt`), and who had written it."""

    version = graphene.Int(required=True, description="1 for the note as first recorded.")
    edited_by = graphene.Field(ref("Person"), required=True, description="Who replaced this text.")
    edited_by_name = graphene.String(required=True, description="Their name then.")
    edited_at = graphene.DateTime(required=True)
    judgement = graphene.Field(QaJudgement, required=True, description="The judgement before the edit.")
    strengths = graphene.String(required=True, description="The strengths before the edit.")
    development_points = graphene.String(required=True)
    next_session_plan = graphene.String(required=True)
    written_by_name = graphene.String(required=True)
    written_at = graphene.DateTime(required=True)

    @staticmethod
    def resolve_edited_by(revision, info):
        return info.context.loader("person").load(revision["replaced_by_id"], among=_people_of_notes(info.context))

    @staticmethod
    def resolve_edited_by_name(revision, info):
        return revision["replaced_by_name"]

    @staticmethod
    def resolve_edited_at(revision, info):
        return moment(revision["replaced_at"])


@named
@parsed(moment, "recorded_at", "updated_at")
class QaNote(graphene.ObjectType):
    id = graphene.ID(required=True)
    author = graphene.Field(ref("Person"), required=True)
    author_name = graphene.String(required=True, description="The author's name as the note keeps it.")
    judgement = graphene.Field(QaJudgement, required=True)
    strengths = graphene.String(required=True)
    development_points = graphene.String(required=True)
    next_session_plan = graphene.String(required=True, description="Agreed with the headteacher.")
    recorded_at = graphene.DateTime(required=True)
    version = graphene.Int(required=True, description="How many texts it has had: send it back with an edit, so "
                                                      "that one made meanwhile is not buried.")
    updated_by_name = graphene.String(required=True, description="Who wrote the text as it stands.")
    updated_at = graphene.DateTime(required=True, description="When it was last edited (its recording, if never).")
    revisions = graphene.List(graphene.NonNull(QaNoteRevision), required=True,
                              description="Each earlier text, newest first.")

    @staticmethod
    def resolve_author(note, info):
        if note["author_id"] is None:
            return None
        return info.context.loader("person").load(note["author_id"], among=_people_of_notes(info.context))


QaNotePayload = payload("QaNote", qa_note=graphene.Field(QaNote))


class QaNoteInput(graphene.InputObjectType):
    sprint_session_id = graphene.ID(required=True)
    judgement = QaJudgement(required=True)
    strengths = graphene.String(required=True)
    development_points = graphene.String(required=True)
    next_session_plan = graphene.String(required=True)
    version = graphene.Int(description="The note's version the writer started from (0 for a new note): an edit "
                                       "made meanwhile then refuses this one rather than bury it.")


@mutation(QaNotePayload, "qa_note", remember="qa note", input=QaNoteInput(required=True))
def record_qa_note(root, info, input):
    """A SIP of the school (or an admin) records the note of a held session, agreed with
    the headteacher, or edits it: the text before stays, with who changed it and when."""
    session_id = an_id(input["sprint_session_id"], "sprintSessionId", "sprint session")
    body = {"judgement": enum_value(input["judgement"]), "strengths": input["strengths"],
            "development_points": input["development_points"], "next_session_plan": input["next_session_plan"]}
    if input.get("version") is not None:
        body["version"] = input["version"]
    return info.context.call("catalogue", "PUT", f"/sprint-sessions/{session_id}/qa-note", json=body)
