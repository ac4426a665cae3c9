"""Planning a network's year in the GraphQL API (`proposeMeetings`): the networks
service ranks the dates; the gateway brings it the members' trust CPD from bookings,
since services do not call one another."""
from __future__ import annotations

import re

import graphene
from graphql import GraphQLError

from gateway.graph.compose import ref
from gateway.graph.ids import parse_id, parse_year_label
from gateway.graph.loaders import loaded
from gateway.graph.mutations import Refused, mutation
from gateway.graph.shapes import payload
from gateway.graph.values import moment, parsed
from gateway.networks.academic_year import TermName


class MeetingPatternInput(graphene.InputObjectType):
    weekdays = graphene.List(graphene.NonNull(graphene.Int), required=True, description="ISO weekdays, 1 = Monday")
    start_time = graphene.String(required=True)
    duration_minutes = graphene.Int(required=True)
    per_term = graphene.Int(default_value=1)


class Clash(graphene.ObjectType):
    person = graphene.Field(ref("Person"), required=True)
    with_ = graphene.String(required=True, name="with", source="with")

    resolve_person = loaded("person", "person_id")


@parsed(moment, "starts_at", "ends_at")
class MeetingProposal(graphene.ObjectType):
    term = graphene.Field(TermName, required=True)
    starts_at = graphene.DateTime(required=True)
    ends_at = graphene.DateTime(required=True)
    clashes = graphene.List(graphene.NonNull(Clash), required=True)


MeetingProposalPayload = payload("MeetingProposal",
                                 proposals=graphene.List(graphene.NonNull(MeetingProposal), required=True))


def propose(ctx, network_id: int, academic_year: str, weekdays: list[int], start_time: str, minutes: int,
            per_term: int) -> list[dict]:
    """The networks service's best `per_term` dates in each term for the pattern, in
    three backend calls however many members: the candidate days (for whom and when to
    ask about), every member's trust CPD bookings in that span at once, then the
    proposals ranked with them."""
    pattern = {"academic_year": academic_year, "weekdays": sorted(set(weekdays)), "start_time": start_time,
               "duration_minutes": minutes}
    found = ctx.read("networks", "GET", f"/networks/{network_id}/candidates",
                     params={**pattern, "weekdays": ",".join(map(str, pattern["weekdays"]))})
    slots = found["candidates"]
    if not slots:
        return []
    busy = ctx.read("bookings", "POST", "/bookings/commitments", json={
        "person_ids": found["member_ids"], "from": slots[0]["starts_at"], "to": slots[-1]["ends_at"]})["items"]
    chosen = ctx.read("networks", "POST", f"/networks/{network_id}/proposals",
                      json={**pattern, "per_term": per_term, "commitments": busy})["proposals"]
    ctx.loader("person").expect(c["person_id"] for s in chosen for c in s["clashes"])
    return chosen


@mutation(MeetingProposalPayload, "proposals", refused=list, network_id=graphene.ID(required=True),
          academic_year=graphene.String(required=True), pattern=MeetingPatternInput(required=True))
def propose_meetings(root, info, network_id, academic_year, pattern):
    """A network's lead asks for dates for the year: inside term time, never in a half
    term, on an INSET day or a bank holiday, ranked by who would clash with what."""
    problems = []
    if parse_id(network_id) is None:
        problems.append({"field": ["networkId"], "message": "There is no such network."})
    if parse_year_label(academic_year) is None:
        problems.append({"field": ["academicYear"], "message": "Give the academic year as, for example, 2026-27."})
    if not pattern["weekdays"] or any(not 1 <= d <= 7 for d in pattern["weekdays"]):
        problems.append({"field": ["pattern", "weekdays"], "message": "Choose weekdays from 1 (Monday) to 7."})
    if not re.fullmatch(r"([01][0-9]|2[0-3]):[0-5][0-9]", pattern["start_time"]):
        problems.append({"field": ["pattern", "startTime"], "message": "Give the start time as, for example, 16:00."})
    per_term = pattern.get("per_term") or 1
    if not 1 <= per_term <= 6:
        problems.append({"field": ["pattern", "perTerm"], "message": "Between 1 and 6 meetings a term."})
    if problems:
        raise Refused(problems=problems)
    try:
        return propose(info.context, parse_id(network_id), academic_year, pattern["weekdays"],
                       pattern["start_time"], pattern["duration_minutes"], per_term)
    except GraphQLError as exc:  # a service's refusal as a query says it: fields named in the message
        raise Refused(exc.message) from exc
