"""Subject networks in the GraphQL API: the networks, who leads them, their members
and the schools they reach.  Members come from the networks service, which shows them
only to the network's members, leads and admins; people and schools from here."""
from __future__ import annotations

import graphene
from sqlmodel import col, select

from gateway.backends import BackendError, BackendUnavailable
from gateway.graph.bookings import _call, _chunks, _id, _refusal
from gateway.graph.types import Person, School, UserError, _school
from gateway.identity.models import Person as PersonRow
from gateway.identity.models import Role, RoleGrant
from gateway.identity.models import School as SchoolRow

MembershipRole = graphene.Enum("MembershipRole", [(n, n) for n in ("LEAD", "MEMBER", "GUEST")])


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


class Membership(graphene.ObjectType):
    person = graphene.Field(Person, required=True)
    school = graphene.Field(School)
    role = graphene.Field(MembershipRole, required=True)

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
    schools_without_member = graphene.List(
        graphene.NonNull(School), required=True,
        description="Trust schools nobody in the network represents (for those who may see the members).")

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

    @staticmethod
    def resolve_networks(root, info):
        ctx = info.context
        items, after = [], None
        while True:  # a trust has a few dozen networks: read them all, 100 at a time
            page = _call(ctx, "networks", "GET", "/networks", params={"first": 100, **({"after": after} if after else {})})
            items += page["items"]
            if not page["has_next"]:
                break
            after = page["end_cursor"]
        ctx.cache["networks_in_view"] = [n["id"] for n in items]
        return items

    @staticmethod
    def resolve_network(root, info, id):
        if _id(id) is None:
            return None
        try:
            return info.context.call("networks", "GET", f"/networks/{_id(id)}")
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
        if _id(network_id) is None:
            return {"network": None, "user_errors": [{"field": ["networkId"], "message": "There is no such network."}]}
        person = ctx.db.get(PersonRow, _id(person_id)) if _id(person_id) else None
        if person is None:
            return {"network": None, "user_errors": [{"field": ["personId"], "message": "There is no such person."}]}
        body = {"person_id": person.id, "name": person.name, "email": person.email, "school_id": person.school_id,
                "role": getattr(role, "value", role)}
        try:
            ctx.call("networks", "POST", f"/networks/{_id(network_id)}/members", json=body)
            return _payload(ctx, _id(network_id))
        except (BackendError, BackendUnavailable) as exc:
            return {"network": None, "user_errors": _refusal(exc)}


class RemoveNetworkMember(graphene.Mutation):
    class Arguments:
        network_id = graphene.ID(required=True)
        person_id = graphene.ID(required=True)

    Output = NetworkPayload

    @staticmethod
    def mutate(root, info, network_id, person_id):
        ctx = info.context
        if _id(network_id) is None or _id(person_id) is None:
            return {"network": None, "user_errors": [{"field": None, "message": "There is no such member."}]}
        try:
            gone = ctx.backends.fetch("networks", "DELETE", f"/networks/{_id(network_id)}/members/{_id(person_id)}",
                                      identity=ctx.identity, request_id=ctx.request_id, counter=ctx.backend_calls)
            if gone.status_code >= 400:
                raise BackendError(gone.status_code, gone.json())
            return _payload(ctx, _id(network_id))
        except (BackendError, BackendUnavailable) as exc:
            return {"network": None, "user_errors": _refusal(exc)}


class NetworksMutation(graphene.ObjectType):
    add_network_member = AddNetworkMember.Field(required=True)
    remove_network_member = RemoveNetworkMember.Field(required=True)
