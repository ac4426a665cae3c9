"""Network meetings in the GraphQL API, stored by the networks service: a meeting with
its agenda, answers, attendance, minutes and actions; `meeting`, and the mutations a
lead and the members make on them."""
from __future__ import annotations

import graphene

from gateway.graph.compose import named, ref
from gateway.graph.history import history_field
from gateway.graph.ids import parse_id, parse_ids
from gateway.graph.loaders import grouped, ids_param, loaded, loads
from gateway.graph.mutations import Refused, an_id, mutation
from gateway.graph.shapes import input_of, payload
from gateway.graph.values import day, enum_value, moment, parsed, public_url
from gateway.networks.academic_year import TermName

MeetingStatus = graphene.Enum("MeetingStatus", [(n, n) for n in ("PROPOSED", "SCHEDULED", "HELD", "CANCELLED")])
RsvpResponse = graphene.Enum("RsvpResponse", [(n, n) for n in ("YES", "NO", "MAYBE")])


@loads("meeting")
def _meetings(ctx, ids: list[int]) -> dict:
    """The meetings the open actions in view were raised at."""
    return {m["id"]: m for m in ctx.remember("meeting", ctx.read("networks", "GET", "/meetings",
                                                                 params={"ids": ids_param(ids)})["items"])}


@loads("meetings of network", missing=list)
def _meetings_of_networks(ctx, network_ids: list[int], academic_year: str | None) -> dict:
    params = {"network_ids": ids_param(network_ids)}
    if academic_year:
        params["academic_year"] = academic_year
    return grouped((m["network_id"], m) for m in ctx.read("networks", "GET", "/meetings", params=params)["items"])


@loads("open actions of network", missing=list)
def _open_actions(ctx, network_ids: list[int]) -> dict:
    actions = ctx.read("networks", "GET", "/actions/open", params={"network_ids": ids_param(network_ids)})["items"]
    ctx.loader("meeting").expect(a["meeting_id"] for a in actions)
    ctx.loader("person").expect(a["owner_id"] for a in actions)
    return grouped((a["network_id"], a) for a in actions)


class AgendaItem(graphene.ObjectType):
    title = graphene.String(required=True)
    minutes = graphene.Int()
    presenter = graphene.String()


class Rsvp(graphene.ObjectType):
    person = graphene.Field(ref("Person"), required=True)
    response = graphene.Field(RsvpResponse, required=True)

    resolve_person = loaded("person", "person_id")


@named
@parsed(day, "due_on")
class Action(graphene.ObjectType):
    id = graphene.ID(required=True)
    description = graphene.String(required=True)
    owner = graphene.Field(ref("Person"), required=True)
    due_on = graphene.Date()
    done = graphene.Boolean(required=True)
    raised_at = graphene.Field(lambda: Meeting, required=True)

    resolve_owner = loaded("person", "owner_id")
    resolve_raised_at = loaded("meeting", "meeting_id")


@named
@parsed(moment, "starts_at", "ends_at")
class Meeting(graphene.ObjectType):
    id = graphene.ID(required=True)
    network = graphene.Field(ref("Network"), required=True)
    title = graphene.String(required=True)
    term = graphene.Field(TermName)
    starts_at = graphene.DateTime(required=True)
    ends_at = graphene.DateTime(required=True)
    venue = graphene.String()
    online_url = graphene.String()
    status = graphene.Field(MeetingStatus, required=True)
    agenda = graphene.List(graphene.NonNull(AgendaItem), required=True,
                           description="Planned items, then every action still open from earlier meetings.")
    minutes = graphene.String(description="Markdown, as the lead wrote it.")
    actions = graphene.List(graphene.NonNull(Action), required=True)
    my_rsvp = graphene.Field(RsvpResponse)
    rsvps = graphene.List(graphene.NonNull(Rsvp), required=True)
    attendees = graphene.List(graphene.NonNull(ref("Person")), required=True)
    ics_url = graphene.String(required=True)
    programme_id = graphene.ID(description="The cascaded CPD programme this meeting follows up (the Programme "
                                           "itself arrives with the catalogue's programmes).")
    history = history_field("networks", "meeting", among="meeting",
                            description="the changes made to this meeting, its answers and its actions")

    resolve_network = loaded("network", "network_id", among="meeting")

    @staticmethod
    def resolve_attendees(meeting, info):
        return [p for p in _people_of_meetings(info.context).load_many(meeting["attendee_ids"]) if p is not None]

    @staticmethod
    def resolve_rsvps(meeting, info):
        people = _people_of_meetings(info.context)
        return [r for r, p in zip(meeting["rsvps"], people.load_many(r["person_id"] for r in meeting["rsvps"]))
                if p is not None]

    @staticmethod
    def resolve_actions(meeting, info):
        _people_of_meetings(info.context)
        return meeting["actions"]

    @staticmethod
    def resolve_ics_url(meeting, info):
        return public_url(f"/meetings/{meeting['id']}.ics")


def _people_of_meetings(ctx):
    """The person loader, told of everyone the meetings in view name (attendees,
    answers, actions' owners), so that the first of them read reads them all: one
    query for a list of meetings, not one per meeting."""
    people = ctx.loader("person")
    people.expect(p for m in ctx.in_view("meeting") for p in (
        *m["attendee_ids"], *(r["person_id"] for r in m["rsvps"]), *(a["owner_id"] for a in m["actions"])))
    return people


MeetingPayload = payload("Meeting", meeting=graphene.Field(Meeting))
ActionPayload = payload("Action", action=graphene.Field(Action))


class MeetingQuery(graphene.ObjectType):
    meeting = graphene.Field(Meeting, id=graphene.ID(required=True))

    @staticmethod
    def resolve_meeting(root, info, id):
        return info.context.one("networks", f"/meetings/{parse_id(id)}", remember="meeting") if parse_id(id) else None


AgendaItemInput = input_of(AgendaItem, "AgendaItemInput")


class MeetingInput(graphene.InputObjectType):
    id = graphene.ID()
    network_id = graphene.ID(required=True)
    title = graphene.String(required=True)
    starts_at = graphene.DateTime(required=True)
    ends_at = graphene.DateTime(required=True)
    venue = graphene.String()
    online_url = graphene.String()
    agenda = graphene.List(graphene.NonNull(AgendaItemInput))
    programme_id = graphene.ID()
    outside_term_confirmed = graphene.Boolean(description="Hold it on a day that is not a school day.")


class ActionInput(graphene.InputObjectType):
    description = graphene.String(required=True)
    owner_id = graphene.ID(required=True)
    due_on = graphene.Date()


class MinutesInput(graphene.InputObjectType):
    meeting_id = graphene.ID(required=True)
    minutes = graphene.String(required=True)
    attendee_ids = graphene.List(graphene.NonNull(graphene.ID), required=True)
    actions = graphene.List(graphene.NonNull(ActionInput))


def _meeting(meeting_id, then: str) -> str:
    return f"/meetings/{an_id(meeting_id, 'meetingId', 'meeting')}/{then}"


@mutation(MeetingPayload, "meeting", remember="meeting", input=MeetingInput(required=True))
def schedule_meeting(root, info, input):
    """A network's lead schedules (or moves) a meeting; every member is invited."""
    body = {"network_id": an_id(input["network_id"], "networkId", "network"), "title": input["title"],
            "starts_at": input["starts_at"].isoformat(), "ends_at": input["ends_at"].isoformat(),
            "venue": input.get("venue"), "online_url": input.get("online_url"),
            "agenda": [dict(i) for i in input.get("agenda") or []],
            "programme_id": an_id(input.get("programme_id"), "programmeId", "programme", optional=True),
            "outside_term_confirmed": bool(input.get("outside_term_confirmed"))}
    meeting_id = an_id(input.get("id"), "id", "meeting", optional=True)
    if meeting_id:
        return info.context.call("networks", "PUT", f"/meetings/{meeting_id}", json=body)
    return info.context.call("networks", "POST", "/meetings", json=body)


@mutation(MeetingPayload, "meeting", remember="meeting", meeting_id=graphene.ID(required=True),
          response=RsvpResponse(required=True))
def rsvp(root, info, meeting_id, response):
    return info.context.call("networks", "POST", _meeting(meeting_id, "rsvp"), json={"response": enum_value(response)})


@mutation(MeetingPayload, "meeting", remember="meeting", meeting_id=graphene.ID(required=True))
def cancel_meeting(root, info, meeting_id):
    """A network's lead cancels a meeting; members get a calendar cancellation."""
    return info.context.call("networks", "POST", _meeting(meeting_id, "cancel"))


@mutation(MeetingPayload, "meeting", remember="meeting", input=MinutesInput(required=True))
def record_minutes(root, info, input):
    path = _meeting(input["meeting_id"], "minutes")
    attendees = parse_ids(input["attendee_ids"])
    actions = [{"description": a["description"], "owner_id": parse_id(a["owner_id"]),
                "due_on": a["due_on"].isoformat() if a.get("due_on") else None} for a in input.get("actions") or []]
    if attendees is None or any(a["owner_id"] is None for a in actions):
        raise Refused("Everyone named must be a member.")
    return info.context.call("networks", "POST", path,
                             json={"minutes": input["minutes"], "attendee_ids": attendees, "actions": actions})


@mutation(ActionPayload, "action", action_id=graphene.ID(required=True))
def complete_action(root, info, action_id):
    return info.context.call("networks", "POST", f"/actions/{an_id(action_id, 'actionId', 'action')}/complete")
