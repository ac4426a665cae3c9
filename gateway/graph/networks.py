"""Subject networks in the GraphQL API: the networks, who leads them, their members
and the schools they reach.  Members come from the networks service, which shows them
only to the network's members, leads and admins; people and schools from here."""
from __future__ import annotations

import graphene
from graphql import GraphQLError
from sqlmodel import col, select

from gateway.backends import BackendError, BackendUnavailable
from gateway.graph.bookings import _call, _chunks, _dt, _public, forget_cached_calendar
from gateway.graph.ids import parse_id, parse_ids, parse_year_label
from gateway.graph.payloads import called, no_such, refusal, refused, remember
from gateway.graph.types import Person, School, UserError, _school
from gateway.identity.models import Person as PersonRow
from gateway.identity.models import Role, RoleGrant
from gateway.identity.models import School as SchoolRow

MembershipRole = graphene.Enum("MembershipRole", [(n, n) for n in ("LEAD", "MEMBER", "GUEST")])
MeetingStatus = graphene.Enum("MeetingStatus", [(n, n) for n in ("PROPOSED", "SCHEDULED", "HELD", "CANCELLED")])
RsvpResponse = graphene.Enum("RsvpResponse", [(n, n) for n in ("YES", "NO", "MAYBE")])
TermName = graphene.Enum("TermName", [(n, n) for n in ("AUTUMN", "SPRING", "SUMMER")])


def _people(ctx, ids: set[int]) -> dict[int, PersonRow]:
    people = ctx.cache.setdefault("people_by_id", {})
    wanted = ids - people.keys()
    if wanted:
        for person in ctx.db.exec(select(PersonRow).where(col(PersonRow.id).in_(wanted))).all():
            people[person.id] = person
        for i in wanted:
            people.setdefault(i, None)
    return people


def members_by_network(ctx, network_id: int) -> list[dict]:
    """Network.members for every network in view in one call per 100."""
    loaded = ctx.cache.setdefault("members_by_network", {})
    if network_id not in loaded:
        wanted = sorted(set(ctx.cache.get("networks_in_view", ())) - loaded.keys() | {network_id})
        for i in wanted:
            loaded[i] = []
        for chunk in _chunks(wanted):
            items = _call(ctx, "networks", "GET", "/memberships",
                          params={"network_ids": ",".join(map(str, chunk))})["items"]
            for m in items:
                loaded[m["network_id"]].append(m)
        _people(ctx, {m["person_id"] for ms in loaded.values() for m in ms})
    return loaded[network_id]


def leads_by_network(ctx, network_id: int) -> list[PersonRow]:
    """Who holds the network_lead role for each network in view, in one query."""
    leads = ctx.cache.get("leads_by_network")
    if leads is None or network_id not in leads:
        wanted = set(ctx.cache.get("networks_in_view", ())) | {network_id}
        rows = ctx.db.exec(select(RoleGrant.network_id, PersonRow).join(PersonRow, PersonRow.id == RoleGrant.person_id)
                           .where(RoleGrant.role == Role.NETWORK_LEAD, col(RoleGrant.network_id).in_(wanted))
                           .order_by(PersonRow.name)).all()
        leads = {i: [] for i in wanted}
        for nid, person in rows:
            leads[nid].append(person)
        ctx.cache["leads_by_network"] = leads
    return leads[network_id]



def meetings_by_network(ctx, network_id: int, academic_year: str | None) -> list[dict]:
    """Network.meetings for every network in view in one call."""
    key = f"meetings_by_network:{academic_year}"
    loaded = ctx.cache.setdefault(key, {})
    if network_id not in loaded:
        wanted = sorted(set(ctx.cache.get("networks_in_view", ())) - loaded.keys() | {network_id})
        for i in wanted:
            loaded[i] = []
        for chunk in _chunks(wanted):
            params = {"network_ids": ",".join(map(str, chunk))}
            if academic_year:
                params["academic_year"] = academic_year[:7]
            for m in _call(ctx, "networks", "GET", "/meetings", params=params)["items"]:
                loaded[m["network_id"]].append(m)
    return loaded[network_id]


def open_actions_by_network(ctx, network_id: int) -> list[dict]:
    loaded = ctx.cache.setdefault("open_actions_by_network", {})
    if network_id not in loaded:
        wanted = sorted(set(ctx.cache.get("networks_in_view", ())) - loaded.keys() | {network_id})
        for i in wanted:
            loaded[i] = []
        for chunk in _chunks(wanted):
            for a in _call(ctx, "networks", "GET", "/actions/open",
                           params={"network_ids": ",".join(map(str, chunk))})["items"]:
                loaded[a["network_id"]].append(a)
    return loaded[network_id]


def networks_by_id(ctx, network_id: int) -> dict | None:
    loaded = ctx.cache.setdefault("network_by_id", {})
    if network_id not in loaded:
        wanted = sorted({m["network_id"] for m in ctx.cache.get("meetings", {}).values()} - loaded.keys()
                        | {network_id})
        for chunk in _chunks(wanted):
            for n in _call(ctx, "networks", "GET", "/networks", params={"ids": ",".join(map(str, chunk))})["items"]:
                loaded[n["id"]] = n
        for i in wanted:
            loaded.setdefault(i, None)
    return loaded[network_id]


def all_networks(ctx) -> dict[int, dict]:
    """Every network by id, read once per request: a trust has a few dozen, so one or
    two calls of 100 name them all (for Query.networks and a role grant's network)."""
    if "all_networks" not in ctx.cache:
        items, after = [], None
        while True:
            page = _call(ctx, "networks", "GET", "/networks", params={"first": 100, **({"after": after} if after else {})})
            items += page["items"]
            if not page["has_next"]:
                break
            after = page["end_cursor"]
        ctx.cache["all_networks"] = {n["id"]: n for n in items}
    return ctx.cache["all_networks"]


class AgendaItem(graphene.ObjectType):
    title = graphene.String(required=True)
    minutes = graphene.Int()
    presenter = graphene.String()

    @staticmethod
    def resolve_minutes(item, info):
        return item.get("minutes")

    @staticmethod
    def resolve_presenter(item, info):
        return item.get("presenter")


class Rsvp(graphene.ObjectType):
    person = graphene.Field(Person, required=True)
    response = graphene.Field(RsvpResponse, required=True)

    @staticmethod
    def resolve_person(rsvp, info):
        return _people(info.context, {rsvp["person_id"]})[rsvp["person_id"]]


class Action(graphene.ObjectType):
    id = graphene.ID(required=True)
    description = graphene.String(required=True)
    owner = graphene.Field(Person, required=True)
    due_on = graphene.Date()
    done = graphene.Boolean(required=True)
    raised_at = graphene.Field(lambda: Meeting, required=True)

    @staticmethod
    def resolve_owner(action, info):
        return _people(info.context, {action["owner_id"]})[action["owner_id"]]

    @staticmethod
    def resolve_due_on(action, info):
        from datetime import date

        return date.fromisoformat(action["due_on"]) if action["due_on"] else None

    @staticmethod
    def resolve_raised_at(action, info):
        ctx = info.context
        meetings = ctx.cache.setdefault("meetings", {})
        if action["meeting_id"] not in meetings:
            wanted = {a["meeting_id"] for ms in ctx.cache.get("open_actions_by_network", {}).values() for a in ms}
            wanted = sorted((wanted | {action["meeting_id"]}) - meetings.keys())
            for chunk in _chunks(wanted):
                for m in _call(ctx, "networks", "GET", "/meetings", params={"ids": ",".join(map(str, chunk))})["items"]:
                    meetings[m["id"]] = m
        return meetings[action["meeting_id"]]


class Meeting(graphene.ObjectType):
    id = graphene.ID(required=True)
    network = graphene.Field(lambda: Network, required=True)
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
    attendees = graphene.List(graphene.NonNull(Person), required=True)
    ics_url = graphene.String(required=True)
    programme_id = graphene.ID(description="The cascaded CPD programme this meeting follows up (the Programme "
                                           "itself arrives with the catalogue's programmes).")

    @staticmethod
    def resolve_network(meeting, info):
        return networks_by_id(info.context, meeting["network_id"])

    @staticmethod
    def resolve_starts_at(meeting, info):
        return _dt(meeting["starts_at"])

    @staticmethod
    def resolve_ends_at(meeting, info):
        return _dt(meeting["ends_at"])

    @staticmethod
    def resolve_attendees(meeting, info):
        people = _people(info.context, set(meeting["attendee_ids"]))
        return [people[i] for i in meeting["attendee_ids"] if people.get(i) is not None]

    @staticmethod
    def resolve_rsvps(meeting, info):
        people = _people(info.context, {r["person_id"] for r in meeting["rsvps"]})
        return [r for r in meeting["rsvps"] if people.get(r["person_id"]) is not None]

    @staticmethod
    def resolve_ics_url(meeting, info):
        return _public(f"/meetings/{meeting['id']}.ics")


class Closure(graphene.ObjectType):
    on = graphene.Date(required=True)
    kind = graphene.String(required=True, description="INSET or BANK_HOLIDAY")
    note = graphene.String()

    @staticmethod
    def resolve_on(c, info):
        from datetime import date

        return date.fromisoformat(c["on"])


class Term(graphene.ObjectType):
    name = graphene.Field(TermName, required=True)
    starts_on = graphene.Date(required=True)
    ends_on = graphene.Date(required=True)
    half_term_starts_on = graphene.Date(required=True)
    half_term_ends_on = graphene.Date(required=True)
    closures = graphene.List(graphene.NonNull(graphene.Date), required=True,
                             description="Weekdays in term when schools are shut (INSET days, bank holidays).")
    closure_details = graphene.List(graphene.NonNull(Closure), required=True)

    @staticmethod
    def resolve_closure_details(term, info):
        return term["closures"]

    @staticmethod
    def resolve_closures(term, info):
        from datetime import date

        return [date.fromisoformat(c["on"]) for c in term["closures"]]


for _f in ("starts_on", "ends_on", "half_term_starts_on", "half_term_ends_on"):
    setattr(Term, f"resolve_{_f}", staticmethod(lambda t, info, _f=_f: __import__("datetime").date.fromisoformat(t[_f])))


class AcademicYear(graphene.ObjectType):
    label = graphene.String(required=True)
    terms = graphene.List(graphene.NonNull(Term), required=True)


class Membership(graphene.ObjectType):
    person = graphene.Field(Person, required=True)
    school = graphene.Field(School)
    role = graphene.Field(MembershipRole, required=True)
    joined_at = graphene.DateTime(required=True, description="When they were added to the network.")

    @staticmethod
    def resolve_joined_at(member, info):
        return _dt(member["added_at"])

    @staticmethod
    def resolve_person(member, info):
        return _people(info.context, {member["person_id"]})[member["person_id"]]

    @staticmethod
    def resolve_school(member, info):
        return _school(info.context, member["school_id"]) if member["school_id"] else None


class Network(graphene.ObjectType):
    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    subject = graphene.String(required=True)
    meetings_per_year = graphene.Int(required=True)
    leads = graphene.List(graphene.NonNull(Person), required=True)
    members = graphene.List(graphene.NonNull(Membership), required=True,
                            description="For the network's members, leads and admins; empty for everyone else.")
    meetings = graphene.List(graphene.NonNull(Meeting), required=True, academic_year=graphene.String())
    open_actions = graphene.List(graphene.NonNull(Action), required=True)
    schools_without_member = graphene.List(
        graphene.NonNull(School), required=True,
        description="Trust schools nobody in the network represents (for those who may see the members).")

    @staticmethod
    def resolve_meetings(network, info, academic_year=None):
        return remember(info.context, "meetings", meetings_by_network(info.context, network["id"], academic_year))

    @staticmethod
    def resolve_open_actions(network, info):
        return open_actions_by_network(info.context, network["id"])

    @staticmethod
    def resolve_leads(network, info):
        return leads_by_network(info.context, network["id"])

    @staticmethod
    def resolve_members(network, info):
        members = members_by_network(info.context, network["id"])
        people = _people(info.context, {m["person_id"] for m in members})
        return [m for m in members if people.get(m["person_id"]) is not None]

    @staticmethod
    def resolve_schools_without_member(network, info):
        ctx = info.context
        members = members_by_network(ctx, network["id"])
        if not members and not (ctx.identity.is_admin or network["id"] in ctx.identity.networks_for("network_lead")):
            return []  # not allowed to see the roster, so not its gaps either
        covered = {m["school_id"] for m in members}
        schools = ctx.db.exec(select(SchoolRow).order_by(SchoolRow.name)).all()
        return [s for s in schools if s.id not in covered]


class NetworkPayload(graphene.ObjectType):
    network = graphene.Field(Network)
    user_errors = graphene.List(graphene.NonNull(UserError), required=True)


class NetworksQuery(graphene.ObjectType):
    networks = graphene.List(graphene.NonNull(Network), required=True)
    network = graphene.Field(Network, id=graphene.ID(required=True))
    my_networks = graphene.List(graphene.NonNull(Network), required=True,
                                description="The networks the signed-in person belongs to.")
    meeting = graphene.Field(Meeting, id=graphene.ID(required=True))
    academic_year = graphene.Field(AcademicYear, label=graphene.String(required=True))

    @staticmethod
    def resolve_academic_year(root, info, label):
        if parse_year_label(label) is None:
            return None
        try:
            return info.context.call("networks", "GET", f"/academic-years/{label}")
        except BackendError:
            return None

    @staticmethod
    def resolve_meeting(root, info, id):
        ctx = info.context
        if parse_id(id) is None:
            return None
        try:
            return remember(ctx, "meetings", [ctx.call("networks", "GET", f"/meetings/{parse_id(id)}")])[0]
        except BackendError:
            return None

    @staticmethod
    def resolve_networks(root, info):
        ctx = info.context
        items = list(all_networks(ctx).values())
        ctx.cache["networks_in_view"] = [n["id"] for n in items]
        return items

    @staticmethod
    def resolve_network(root, info, id):
        if parse_id(id) is None:
            return None
        try:
            return info.context.call("networks", "GET", f"/networks/{parse_id(id)}")
        except BackendError:
            return None

    @staticmethod
    def resolve_my_networks(root, info):
        ctx = info.context
        if ctx.identity.person_id is None:
            return []
        mine = [m["network_id"] for m in _call(ctx, "networks", "GET", "/memberships/mine")["items"]]
        if not mine:
            return []
        items = _call(ctx, "networks", "GET", "/networks", params={"ids": ",".join(map(str, mine[:100]))})["items"]
        ctx.cache["networks_in_view"] = [n["id"] for n in items]
        return items


def _payload(ctx, network_id: int) -> dict:
    return {"network": ctx.call("networks", "GET", f"/networks/{network_id}"), "user_errors": []}


class AddNetworkMember(graphene.Mutation):
    """A network's leads (and admins) add a trust person, who represents their school."""

    class Arguments:
        network_id = graphene.ID(required=True)
        person_id = graphene.ID(required=True)
        role = MembershipRole(required=True)

    Output = NetworkPayload

    @staticmethod
    def mutate(root, info, network_id, person_id, role):
        ctx = info.context
        if parse_id(network_id) is None:
            return no_such("network", "networkId", "network")
        person = ctx.db.get(PersonRow, parse_id(person_id)) if parse_id(person_id) else None
        if person is None:
            return no_such("network", "personId", "person")
        body = {"person_id": person.id, "name": person.name, "email": person.email, "school_id": person.school_id,
                "role": getattr(role, "value", role)}
        try:
            ctx.call("networks", "POST", f"/networks/{parse_id(network_id)}/members", json=body)
            return _payload(ctx, parse_id(network_id))
        except (BackendError, BackendUnavailable) as exc:
            return {"network": None, "user_errors": refusal(exc)}


class RemoveNetworkMember(graphene.Mutation):
    class Arguments:
        network_id = graphene.ID(required=True)
        person_id = graphene.ID(required=True)

    Output = NetworkPayload

    @staticmethod
    def mutate(root, info, network_id, person_id):
        ctx = info.context
        if parse_id(network_id) is None or parse_id(person_id) is None:
            return refused("network", "There is no such member.")
        try:
            gone = ctx.fetch("networks", "DELETE", f"/networks/{parse_id(network_id)}/members/{parse_id(person_id)}")
            if gone.status_code >= 400:
                raise BackendError(gone.status_code, gone.json())
            return _payload(ctx, parse_id(network_id))
        except (BackendError, BackendUnavailable) as exc:
            return {"network": None, "user_errors": refusal(exc)}


class AgendaItemInput(graphene.InputObjectType):
    title = graphene.String(required=True)
    minutes = graphene.Int()
    presenter = graphene.String()


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


class MeetingPatternInput(graphene.InputObjectType):
    weekdays = graphene.List(graphene.NonNull(graphene.Int), required=True, description="ISO weekdays, 1 = Monday")
    start_time = graphene.String(required=True)
    duration_minutes = graphene.Int(required=True)
    per_term = graphene.Int(default_value=1)


class Clash(graphene.ObjectType):
    person = graphene.Field(Person, required=True)
    with_ = graphene.String(required=True, name="with")

    @staticmethod
    def resolve_person(clash, info):
        return _people(info.context, {clash["person_id"]})[clash["person_id"]]

    @staticmethod
    def resolve_with_(clash, info):
        return clash["with"]


class MeetingProposal(graphene.ObjectType):
    term = graphene.Field(TermName, required=True)
    starts_at = graphene.DateTime(required=True)
    ends_at = graphene.DateTime(required=True)
    clashes = graphene.List(graphene.NonNull(Clash), required=True)

    @staticmethod
    def resolve_starts_at(p, info):
        return _dt(p["starts_at"])

    @staticmethod
    def resolve_ends_at(p, info):
        return _dt(p["ends_at"])


class MeetingProposalPayload(graphene.ObjectType):
    proposals = graphene.List(graphene.NonNull(MeetingProposal), required=True)
    user_errors = graphene.List(graphene.NonNull(UserError), required=True)


def propose(ctx, network_id: int, academic_year: str, weekdays: list[int], start_time: str, minutes: int,
            per_term: int) -> list[dict]:
    """The networks service's best `per_term` dates in each term for the pattern, in
    three backend calls however many members: the candidate days (for whom and when to
    ask about), every member's trust CPD bookings in that span at once, then the
    proposals ranked with them (services do not call one another)."""
    pattern = {"academic_year": academic_year, "weekdays": sorted(set(weekdays)), "start_time": start_time,
               "duration_minutes": minutes}
    found = _call(ctx, "networks", "GET", f"/networks/{network_id}/candidates",
                  params={**pattern, "weekdays": ",".join(map(str, pattern["weekdays"]))})
    slots = found["candidates"]
    if not slots:
        return []
    busy = _call(ctx, "bookings", "POST", "/bookings/commitments", json={
        "person_ids": found["member_ids"], "from": slots[0]["starts_at"], "to": slots[-1]["ends_at"]})["items"]
    chosen = _call(ctx, "networks", "POST", f"/networks/{network_id}/proposals",
                   json={**pattern, "per_term": per_term, "commitments": busy})["proposals"]
    _people(ctx, {c["person_id"] for s in chosen for c in s["clashes"]})
    return chosen


class ProposeMeetings(graphene.Mutation):
    """A network's lead asks for dates for the year: inside term time, never in a half
    term, on an INSET day or a bank holiday, ranked by who would clash with what."""

    class Arguments:
        network_id = graphene.ID(required=True)
        academic_year = graphene.String(required=True)
        pattern = MeetingPatternInput(required=True)

    Output = MeetingProposalPayload

    @staticmethod
    def mutate(root, info, network_id, academic_year, pattern):
        import re

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
            return {"proposals": [], "user_errors": problems}
        try:
            proposals = propose(info.context, parse_id(network_id), academic_year, pattern["weekdays"],
                                pattern["start_time"], pattern["duration_minutes"], per_term)
        except GraphQLError as exc:
            return {"proposals": [], "user_errors": [{"field": None, "message": exc.message}]}
        except (BackendError, BackendUnavailable) as exc:
            return {"proposals": [], "user_errors": refusal(exc)}
        return {"proposals": proposals, "user_errors": []}


class MeetingPayload(graphene.ObjectType):
    meeting = graphene.Field(Meeting)
    user_errors = graphene.List(graphene.NonNull(UserError), required=True)


class ActionPayload(graphene.ObjectType):
    action = graphene.Field(Action)
    user_errors = graphene.List(graphene.NonNull(UserError), required=True)


def _meeting_call(ctx, method: str, path: str, **kwargs) -> dict:
    return called(ctx, "meeting", "networks", method, path, kind="meetings", **kwargs)


def _bad_id(field: str, what: str) -> dict:
    return no_such("meeting", field, what)


class ScheduleMeeting(graphene.Mutation):
    """A network's lead schedules (or moves) a meeting; every member is invited."""

    class Arguments:
        input = MeetingInput(required=True)

    Output = MeetingPayload

    @staticmethod
    def mutate(root, info, input):
        from datetime import datetime

        network_id = parse_id(input["network_id"])
        if network_id is None:
            return _bad_id("networkId", "network")
        programme_id = parse_id(input["programme_id"]) if input.get("programme_id") else None
        if input.get("programme_id") and programme_id is None:
            return _bad_id("programmeId", "programme")
        body = {"network_id": network_id, "title": input["title"],
                "starts_at": input["starts_at"].isoformat(), "ends_at": input["ends_at"].isoformat(),
                "venue": input.get("venue"), "online_url": input.get("online_url"),
                "agenda": [dict(i) for i in input.get("agenda") or []],
                "programme_id": programme_id,
                "outside_term_confirmed": bool(input.get("outside_term_confirmed"))}
        body = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in body.items()}
        if input.get("id"):
            if parse_id(input["id"]) is None:
                return _bad_id("id", "meeting")
            return _meeting_call(info.context, "PUT", f"/meetings/{parse_id(input['id'])}", json=body)
        return _meeting_call(info.context, "POST", "/meetings", json=body)


class RsvpMutation(graphene.Mutation):
    class Arguments:
        meeting_id = graphene.ID(required=True)
        response = RsvpResponse(required=True)

    Output = MeetingPayload

    @staticmethod
    def mutate(root, info, meeting_id, response):
        if parse_id(meeting_id) is None:
            return _bad_id("meetingId", "meeting")
        return _meeting_call(info.context, "POST", f"/meetings/{parse_id(meeting_id)}/rsvp",
                             json={"response": getattr(response, "value", response)})


class CancelMeeting(graphene.Mutation):
    """A network's lead cancels a meeting; members get a calendar cancellation."""

    class Arguments:
        meeting_id = graphene.ID(required=True)

    Output = MeetingPayload

    @staticmethod
    def mutate(root, info, meeting_id):
        if parse_id(meeting_id) is None:
            return _bad_id("meetingId", "meeting")
        return _meeting_call(info.context, "POST", f"/meetings/{parse_id(meeting_id)}/cancel")


class RecordMinutes(graphene.Mutation):
    class Arguments:
        input = MinutesInput(required=True)

    Output = MeetingPayload

    @staticmethod
    def mutate(root, info, input):
        meeting_id = parse_id(input["meeting_id"])
        if meeting_id is None:
            return _bad_id("meetingId", "meeting")
        attendees = parse_ids(input["attendee_ids"])
        actions = [{"description": a["description"], "owner_id": parse_id(a["owner_id"]),
                    "due_on": a["due_on"].isoformat() if a.get("due_on") else None} for a in input.get("actions") or []]
        if attendees is None or any(a["owner_id"] is None for a in actions):
            return refused("meeting", "Everyone named must be a member.")
        return _meeting_call(info.context, "POST", f"/meetings/{meeting_id}/minutes",
                             json={"minutes": input["minutes"], "attendee_ids": attendees, "actions": actions})


class CompleteAction(graphene.Mutation):
    class Arguments:
        action_id = graphene.ID(required=True)

    Output = ActionPayload

    @staticmethod
    def mutate(root, info, action_id):
        if parse_id(action_id) is None:
            return no_such("action", "actionId", "action")
        return called(info.context, "action", "networks", "POST", f"/actions/{parse_id(action_id)}/complete")


class TermInput(graphene.InputObjectType):
    name = TermName(required=True)
    starts_on = graphene.Date(required=True)
    ends_on = graphene.Date(required=True)
    half_term_starts_on = graphene.Date(required=True)
    half_term_ends_on = graphene.Date(required=True)
    inset_days = graphene.List(graphene.NonNull(graphene.Date), description="Bank holidays are added by themselves.")


class AcademicYearPayload(graphene.ObjectType):
    academic_year = graphene.Field(AcademicYear)
    user_errors = graphene.List(graphene.NonNull(UserError), required=True)


class SaveAcademicYear(graphene.Mutation):
    """Admins correct a year's term dates and INSET days; bank holidays in term are
    added from England's list."""

    class Arguments:
        label = graphene.String(required=True)
        terms = graphene.List(graphene.NonNull(TermInput), required=True)

    Output = AcademicYearPayload

    @staticmethod
    def mutate(root, info, label, terms):
        import holidays

        if parse_year_label(label) is None:
            return refused("academic_year", "Give the academic year as, for example, 2026-27.", "label")
        first = int(label[:4])
        bank = holidays.country_holidays("GB", subdiv="ENG", years=[first, first + 1])
        body = []
        for t in terms:
            closures = [{"on": d.isoformat(), "kind": "INSET", "note": "INSET day"} for d in t.get("inset_days") or []]
            closures += [{"on": d.isoformat(), "kind": "BANK_HOLIDAY", "note": name} for d, name in sorted(bank.items())
                         if t["starts_on"] <= d <= t["ends_on"] and d.weekday() < 5
                         and not t["half_term_starts_on"] <= d <= t["half_term_ends_on"]]
            body.append({"name": getattr(t["name"], "value", t["name"]), "closures": closures,
                         **{k: t[k].isoformat() for k in ("starts_on", "ends_on", "half_term_starts_on",
                                                          "half_term_ends_on")}})
        payload = called(info.context, "academic_year", "networks", "PUT", f"/academic-years/{label}",
                         json={"terms": body})
        forget_cached_calendar()  # this worker's next booking sees the new dates (others within minutes)
        return payload


class NetworksMutation(graphene.ObjectType):
    save_academic_year = SaveAcademicYear.Field(required=True)
    schedule_meeting = ScheduleMeeting.Field(required=True)
    propose_meetings = ProposeMeetings.Field(required=True)
    rsvp = RsvpMutation.Field(required=True)
    cancel_meeting = CancelMeeting.Field(required=True)
    record_minutes = RecordMinutes.Field(required=True)
    complete_action = CompleteAction.Field(required=True)
    add_network_member = AddNetworkMember.Field(required=True)
    remove_network_member = RemoveNetworkMember.Field(required=True)
