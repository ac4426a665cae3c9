"""People, schools and role grants in the GraphQL API, read from the gateway's own
database (gateway/identity): `me`, `schools`, `school`, `people`, `grantRole` and
`revokeRole`.  Who may see whose email, roles and staff is decided here."""
from __future__ import annotations

import graphene
from graphql import GraphQLError
from sqlmodel import col, func, or_, select

from gateway.graph.compose import named, ref
from gateway.graph.ids import parse_id
from gateway.graph.loaders import grouped, loaded, loads
from gateway.graph.mutations import Refused, an_id, mutation, mutations
from gateway.graph.shapes import connection, page, page_args, payload
from gateway.graph.values import enum_column, enum_value
from gateway.identity import risk
from gateway.identity import service as identity_service
from gateway.identity.models import Person as PersonRow
from gateway.identity.models import School as SchoolRow
from shared import vocabulary
from shared.errors import ApiError
from shared.paging import decode_cursor, page_of


class Role(graphene.Enum):
    class Meta:
        enum = vocabulary.Role  # the one list of roles


SchoolPhase = named(graphene.Enum("SchoolPhase", [(n, n) for n in ("PRIMARY", "SECONDARY", "ALL_THROUGH")]))
RiskBand = named(graphene.Enum("RiskBand", [(n, n) for n in ("LOW", "MEDIUM", "HIGH")]))


def _may_see_people_of(identity, school_id: int | None) -> bool:
    """Admins see everyone; a school's leaders and its SIPs see that school's staff."""
    if identity.is_admin:
        return True
    if school_id is None:
        return False
    return school_id in identity.schools_for("school_leader") or school_id in identity.schools_for("sip")


@loads("person", batch=None)
def _people(ctx, ids: list[int]) -> dict:
    found = ctx.db.exec(select(PersonRow).where(col(PersonRow.id).in_(ids))).all()
    return {p.id: p for p in ctx.remember("person", found)}


@loads("school", whole=True)
def _schools(ctx) -> dict:
    """A trust has a few dozen schools: one query names them all."""
    return {s.id: s for s in ctx.db.exec(select(SchoolRow).order_by(SchoolRow.name)).all()}


@loads("staff of school", batch=None, missing=list)
def _staff(ctx, school_ids: list[int]) -> dict:
    staff = ctx.db.exec(select(PersonRow).where(col(PersonRow.school_id).in_(school_ids)).order_by(PersonRow.name))
    return grouped((p.school_id, p) for p in ctx.remember("person", staff.all()))


@named
class RoleGrant(graphene.ObjectType):
    id = graphene.ID(required=True)
    role = graphene.Field(Role, required=True)
    school_id = graphene.ID()
    network_id = graphene.ID()
    school = graphene.Field(lambda: School)

    resolve_role = enum_column("role")
    resolve_school = loaded("school", "school_id")


@named
class School(graphene.ObjectType):
    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    urn = graphene.String(required=True)
    phase = graphene.Field(SchoolPhase, required=True)
    pupil_count = graphene.Int()
    risk_band = graphene.Field(RiskBand, required=True, description=(
        "Admins and the school's own SIPs and leaders only: an error for anyone else."))
    staff = graphene.List(graphene.NonNull(lambda: Person), required=True,
                          description="Visible to admins and to the school's leaders and SIPs; empty otherwise.")

    resolve_phase = enum_column("phase")

    @staticmethod
    def resolve_risk_band(school, info):
        # The contract makes the band non-null, so for anyone who may not see it the
        # answer is an error on the field rather than a band it is not (supportBand,
        # the cascade's, is null for them instead).
        if not risk.may_see_band(info.context.identity, school.id):
            raise GraphQLError("Only admins and the school's own SIPs and leaders can see its risk band.",
                               extensions={"code": "FORBIDDEN"})
        return school.risk_band.value

    @staticmethod
    def resolve_staff(school, info):
        ctx = info.context
        if not _may_see_people_of(ctx.identity, school.id):
            return []
        # One query for every school of the list being resolved, not one per school.
        return ctx.loader("staff of school").load(school.id, among=(s.id for s in ctx.in_view("school")))


@named
class Person(graphene.ObjectType):
    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    email = graphene.String(description="Null where the viewer may not see it.")
    job_title = graphene.String()
    school = graphene.Field(School)
    organisation = graphene.Field(ref("Organisation"))
    roles = graphene.List(graphene.NonNull(RoleGrant), required=True)

    @staticmethod
    def resolve_email(person, info):
        identity = info.context.identity
        if identity.person_id == person.id or _may_see_people_of(identity, person.school_id):
            return person.email
        if identity.organisation_id is not None and identity.organisation_id == person.organisation_id:
            return person.email  # the bookers of one school see one another's
        return None

    resolve_school = loaded("school", "school_id")

    @staticmethod
    def resolve_organisation(person, info):
        identity = info.context.identity
        if person.organisation_id is None:
            return None
        if identity.person_id != person.id and not identity.is_admin:
            return None
        # with those of everyone else the answer holds, in one query
        return info.context.loader("organisation").load(
            person.organisation_id, among=(p.organisation_id for p in info.context.in_view("person")
                                           if p.organisation_id is not None))

    @staticmethod
    def resolve_roles(person, info):
        identity = info.context.identity
        if identity.person_id == person.id or _may_see_people_of(identity, person.school_id):
            return person.grants
        return []


PersonConnection = connection(Person)
PersonPayload = payload("Person", person=graphene.Field(Person))


class PeopleQuery(graphene.ObjectType):
    me = graphene.Field(Person, description="Who is signed in; null for a visitor.")
    schools = graphene.List(graphene.NonNull(School), required=True)
    school = graphene.Field(School, id=graphene.ID(required=True))
    people = graphene.Field(PersonConnection, required=True, search=graphene.String(),
                            first=graphene.Int(default_value=50), after=graphene.String(),
                            description="Admins only: people matching a name or email, by name, a page at a time.")

    @staticmethod
    def resolve_me(root, info):
        return info.context.person

    @staticmethod
    def resolve_schools(root, info):
        return info.context.remember("school", info.context.loader("school").everything())

    @staticmethod
    def resolve_school(root, info, id):
        school_id = parse_id(id)
        return info.context.loader("school").load(school_id) if school_id else None

    @staticmethod
    def resolve_people(root, info, search=None, first=50, after=None):
        ctx = info.context
        if not ctx.identity.is_admin:
            raise GraphQLError("Only Lighthouse Learning admins can list people.")
        params = page_args(first, after)
        try:
            offset = decode_cursor(after)
        except ApiError as exc:
            raise GraphQLError(exc.message) from None
        matching = select(PersonRow)
        if search and search.strip():
            # the search is words people type, not a pattern: % and _ match themselves
            text = search.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            like = f"%{text}%"
            matching = matching.where(or_(func.lower(PersonRow.name).like(like, escape="\\"),
                                          PersonRow.email.like(like, escape="\\")))
        total = ctx.db.exec(select(func.count()).select_from(matching.subquery())).one()
        rows = ctx.db.exec(matching.order_by(PersonRow.name, PersonRow.id).offset(offset).limit(params["first"])).all()
        return page(page_of(ctx.remember("person", list(rows)), total, offset))


@mutation(PersonPayload, "person", person_id=graphene.ID(required=True), role=Role(required=True),
          school_id=graphene.ID(), network_id=graphene.ID())
def grant_role(root, info, person_id, role, school_id=None, network_id=None):
    """Admins grant a role, scoped to a school or a network where the role needs one."""
    ctx = info.context
    given = (person_id, school_id, network_id)
    ids = [parse_id(x) if x is not None else None for x in given]
    if any(x is not None and i is None for x, i in zip(given, ids)):
        raise Refused("Ids must be numbers we gave out.")
    networks = ctx.loader("all networks")
    try:
        grant = identity_service.grant_role(ctx.db, ctx.identity, ids[0], enum_value(role), ids[1], ids[2],
                                            network_exists=lambda n: networks.load(n) is not None)
    except GraphQLError as exc:  # the networks service could not say which networks there are
        raise Refused(exc.message, "networkId") from exc
    return grant.person


@mutation(PersonPayload, "person", grant_id=graphene.ID(required=True))
def revoke_role(root, info, grant_id):
    ctx = info.context
    return identity_service.revoke_role(ctx.db, ctx.identity, an_id(grant_id, "grantId", "role grant"))


PeopleMutation = mutations("PeopleMutation", grant_role, revoke_role)
