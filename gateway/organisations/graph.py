"""Outside schools in the GraphQL API, read from the gateway's own database
(gateway/identity/organisations.py): the `Organisation` type, `myOrganisation`,
`registerOrganisation` and `addOrganisationBooker`.  An organisation is seen by its own
bookers and the trust's admins only."""
from __future__ import annotations

import graphene
from sqlmodel import col, select

from gateway.graph.compose import named, ref
from gateway.graph.loaders import loads
from gateway.graph.mutations import an_id, mutation, mutations
from gateway.graph.shapes import payload
from gateway.identity import organisations as service
from gateway.identity.models import Organisation as OrganisationRow
from gateway.identity.models import Person as PersonRow
from gateway.identity.service import identity_for


@loads("organisation", batch=None)
def _organisations(ctx, ids: list[int]) -> dict:
    return {o.id: o for o in ctx.db.exec(select(OrganisationRow).where(col(OrganisationRow.id).in_(ids))).all()}


@loads("bookers of organisation", batch=None, missing=list)
def _bookers(ctx, organisation_ids: list[int]) -> dict:
    found = service.bookers_of(ctx.db, organisation_ids)
    for people in found.values():
        ctx.remember("person", people)
    return found


@named
class Organisation(graphene.ObjectType):
    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    urn = graphene.String()
    billing_email = graphene.String(required=True)
    address = graphene.String(required=True)
    needs_purchase_order = graphene.Boolean(
        required=True, description="Whether its orders must carry its own purchase-order number.")
    bookers = graphene.List(graphene.NonNull(ref("Person")), required=True,
                            description="Who books for it, by name: for its own bookers and admins; empty otherwise.")

    @staticmethod
    def resolve_bookers(organisation, info):
        ctx = info.context
        if not service.may_manage(ctx.identity, organisation.id):
            return []
        # with those of every organisation read in this answer, in one query
        return ctx.loader("bookers of organisation").load(organisation.id,
                                                          among=ctx.loader("organisation").keys())


class OrganisationInput(graphene.InputObjectType):
    name = graphene.String(required=True)
    urn = graphene.String(description="The school's unique reference number: six digits.")
    billing_email = graphene.String(required=True)
    address = graphene.String(required=True)
    needs_purchase_order = graphene.Boolean(description="Its orders must carry a purchase-order number (default no).")


OrganisationPayload = payload("Organisation", organisation=graphene.Field(Organisation))


class OrganisationsQuery(graphene.ObjectType):
    my_organisation = graphene.Field(Organisation, description="The school the signed-in person books for, if any.")

    @staticmethod
    def resolve_my_organisation(root, info):
        organisation_id = info.context.identity.organisation_id
        return info.context.loader("organisation").load(organisation_id) if organisation_id else None


@mutation(OrganisationPayload, "organisation", input=OrganisationInput(required=True))
def register_organisation(root, info, input):
    """Someone from a school outside the trust registers it and becomes its first booker."""
    ctx = info.context
    organisation = service.register_organisation(
        ctx.db, ctx.identity, name=input.get("name"), urn=input.get("urn"), billing_email=input.get("billing_email"),
        address=input.get("address"), needs_purchase_order=bool(input.get("needs_purchase_order")))
    # The rest of this answer is read as the booker they have just become.
    ctx.identity = identity_for(ctx.db.get(PersonRow, ctx.identity.person_id))
    return organisation


@mutation(OrganisationPayload, "organisation", email=graphene.String(required=True), name=graphene.String(),
          organisation_id=graphene.ID(description="Admins name the organisation; a booker adds to their own."))
def add_organisation_booker(root, info, email, name=None, organisation_id=None):
    """A booker adds a colleague (by email; a new account if they have none) as a booker
    of the same school; the answer is the school, its bookers with them."""
    ctx = info.context
    wanted = an_id(organisation_id, "organisationId", "organisation", optional=True)
    person = service.add_booker(ctx.db, ctx.identity, wanted, email=email, name=name)
    return ctx.db.get(OrganisationRow, person.organisation_id)


OrganisationsMutation = mutations("OrganisationsMutation", register_organisation, add_organisation_booker)
