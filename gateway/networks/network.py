"""Subject networks in the GraphQL API: the networks (networks service), who leads
them (role grants here), their members (networks service, shown only to the
network's members, leads and admins) and the schools they do not reach yet; and
`RoleGrant.network`."""
from __future__ import annotations

import graphene
from sqlmodel import col, select

from gateway.backends import BackendError
from gateway.graph.compose import Extension, named, ref
from gateway.graph.history import history_field
from gateway.graph.ids import parse_id
from gateway.graph.loaders import grouped, ids_param, loaded, loads
from gateway.graph.mutations import Refused, an_id, mutation
from gateway.graph.shapes import every_page, payload
from gateway.graph.values import enum_value, moment
from gateway.identity.models import Person as PersonRow
from gateway.identity.models import Role, RoleGrant

MembershipRole = graphene.Enum("MembershipRole", [(n, n) for n in ("LEAD", "MEMBER", "GUEST")])


@loads("network")
def _networks(ctx, ids: list[int]) -> dict:
    return {n["id"]: n for n in ctx.read("networks", "GET", "/networks", params={"ids": ids_param(ids)})["items"]}


@loads("all networks", whole=True)
def _all_networks(ctx) -> dict:
    """Every network, in the service's order: a trust has a few dozen, so one or two
    calls of 100 name them all (for Query.networks and a role grant's network)."""
    return {n["id"]: n for n in every_page(ctx, "networks", "/networks")}


@loads("members of network", missing=list)
def _members(ctx, network_ids: list[int]) -> dict:
    members = ctx.read("networks", "GET", "/memberships", params={"network_ids": ids_param(network_ids)})["items"]
    ctx.loader("person").expect(m["person_id"] for m in members)
    # the staff of the schools they represent, should a school's be asked for, at once
    ctx.loader("staff of school").expect(m["school_id"] for m in members if m["school_id"] is not None)
    return grouped((m["network_id"], m) for m in members)


@loads("leads of network", batch=None, missing=list)
def _leads(ctx, network_ids: list[int]) -> dict:
    """Who holds the network_lead role for each network, by name."""
    leads = ctx.db.exec(select(RoleGrant.network_id, PersonRow).join(PersonRow, PersonRow.id == RoleGrant.person_id)
                        .where(RoleGrant.role == Role.NETWORK_LEAD, col(RoleGrant.network_id).in_(network_ids))
                        .order_by(PersonRow.name)).all()
    ctx.remember("person", [p for _, p in leads])
    return grouped(leads)


def _networks_in_view(ctx):
    return (n["id"] for n in ctx.in_view("network"))


class Membership(graphene.ObjectType):
    person = graphene.Field(ref("Person"), required=True)
    school = graphene.Field(ref("School"))
    role = graphene.Field(MembershipRole, required=True)
    joined_at = graphene.DateTime(required=True, description="When they were added to the network.")

    @staticmethod
    def resolve_joined_at(member, info):
        return moment(member["added_at"])

    resolve_person = loaded("person", "person_id")
    resolve_school = loaded("school", "school_id")


@named
class Network(graphene.ObjectType):
    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    subject = graphene.String(required=True)
    meetings_per_year = graphene.Int(required=True)
    leads = graphene.List(graphene.NonNull(ref("Person")), required=True)
    members = graphene.List(graphene.NonNull(Membership), required=True,
                            description="For the network's members, leads and admins; empty for everyone else.")
    meetings = graphene.List(graphene.NonNull(ref("Meeting")), required=True, academic_year=graphene.String())
    open_actions = graphene.List(graphene.NonNull(ref("Action")), required=True)
    schools_without_member = graphene.List(
        graphene.NonNull(ref("School")), required=True,
        description="Trust schools nobody in the network represents (for those who may see the members).")
    history = history_field("networks", "network", among="network",
                            description="the changes made to this network's members and meetings")

    @staticmethod
    def resolve_meetings(network, info, academic_year=None):
        ctx = info.context
        meetings = ctx.loader("meetings of network", academic_year=academic_year[:7] if academic_year else None)
        return ctx.remember("meeting", meetings.load(network["id"], among=_networks_in_view(ctx)))

    resolve_open_actions = loaded("open actions of network", "id", among="network")
    resolve_leads = loaded("leads of network", "id", among="network")

    @staticmethod
    def resolve_members(network, info):
        ctx = info.context
        members = ctx.loader("members of network").load(network["id"], among=_networks_in_view(ctx))
        people = ctx.loader("person")
        return [m for m in members if people.load(m["person_id"]) is not None]

    @staticmethod
    def resolve_schools_without_member(network, info):
        ctx = info.context
        members = ctx.loader("members of network").load(network["id"], among=_networks_in_view(ctx))
        if not members and not (ctx.identity.is_admin or network["id"] in ctx.identity.networks_for("network_lead")):
            return []  # not allowed to see the roster, so not its gaps either
        covered = {m["school_id"] for m in members}
        return ctx.remember("school", [s for s in ctx.loader("school").everything() if s.id not in covered])


class RoleGrantNetwork(Extension):
    extends = "RoleGrant"
    network = graphene.Field(Network, description="The network a network lead leads.")

    resolve_network = loaded("all networks", "network_id")


NetworkPayload = payload("Network", network=graphene.Field(Network))


class NetworkQuery(graphene.ObjectType):
    networks = graphene.List(graphene.NonNull(Network), required=True)
    network = graphene.Field(Network, id=graphene.ID(required=True))
    my_networks = graphene.List(graphene.NonNull(Network), required=True,
                                description="The networks the signed-in person belongs to.")

    @staticmethod
    def resolve_networks(root, info):
        ctx = info.context
        return ctx.remember("network", ctx.loader("all networks").everything())

    @staticmethod
    def resolve_network(root, info, id):
        return info.context.one("networks", f"/networks/{parse_id(id)}") if parse_id(id) else None

    @staticmethod
    def resolve_my_networks(root, info):
        ctx = info.context
        if ctx.identity.person_id is None:
            return []
        mine = [m["network_id"] for m in ctx.read("networks", "GET", "/memberships/mine")["items"]]
        if not mine:
            return []
        listed = ctx.read("networks", "GET", "/networks", params={"ids": ids_param(mine[:100])})["items"]
        return ctx.remember("network", listed)


@mutation(NetworkPayload, "network", network_id=graphene.ID(required=True), person_id=graphene.ID(required=True),
          role=MembershipRole(required=True))
def add_network_member(root, info, network_id, person_id, role):
    """A network's leads (and admins) add a trust person, who represents their school."""
    ctx = info.context
    network_id = an_id(network_id, "networkId", "network")
    person = ctx.db.get(PersonRow, parse_id(person_id)) if parse_id(person_id) else None
    if person is None:
        raise Refused("There is no such person.", "personId")
    ctx.call("networks", "POST", f"/networks/{network_id}/members", json={
        "person_id": person.id, "name": person.name, "email": person.email, "school_id": person.school_id,
        "role": enum_value(role)})
    return ctx.call("networks", "GET", f"/networks/{network_id}")


@mutation(NetworkPayload, "network", network_id=graphene.ID(required=True), person_id=graphene.ID(required=True))
def remove_network_member(root, info, network_id, person_id):
    ctx = info.context
    if parse_id(network_id) is None or parse_id(person_id) is None:
        raise Refused("There is no such member.")
    gone = ctx.fetch("networks", "DELETE", f"/networks/{parse_id(network_id)}/members/{parse_id(person_id)}")
    if gone.status_code >= 400:  # the answer to a DELETE that worked is empty: no JSON to read
        raise BackendError(gone.status_code, gone.json())
    return ctx.call("networks", "GET", f"/networks/{parse_id(network_id)}")
