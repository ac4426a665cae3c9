"""Schools' risk bands in the GraphQL API (gateway/identity/risk.py holds the rules):
`School.supportBand` — the band with its reason, review date and history, null for
anyone who may not see it — and `setRiskBand` for the central team."""
from __future__ import annotations

import graphene

from gateway.graph.compose import Extension, named, ref
from gateway.graph.history import AuditEntry
from gateway.graph.loaders import loads
from gateway.graph.mutations import an_id, mutation
from gateway.graph.shapes import page_args, payload
from gateway.graph.values import enum_value, moment
from gateway.identity import risk
from shared.clock import LONDON, utcnow


@loads("band history of school", batch=None, missing=list)
def _band_histories(ctx, school_ids: list[int], first: int) -> dict:
    return risk.band_histories(ctx.db, school_ids, first)


def _schools_in_view(ctx):
    return (s.id for s in ctx.in_view("school"))


@named
class SupportBand(graphene.ObjectType):
    """A school's risk band as the central team set it."""

    band = graphene.Field(ref("RiskBand"), required=True)
    reason = graphene.String(description="Why the school is in this band; null until the central team first says.")
    review_on = graphene.Date(description="When the central team means to look at the band again.")
    review_due = graphene.Boolean(required=True, description="The review date has come (or none was ever set).")
    set_at = graphene.DateTime(description="When the band was last changed here; null if never.")
    set_by_name = graphene.String(description="Who last changed it, by their name then.")
    history = graphene.List(graphene.NonNull(AuditEntry), required=True, first=graphene.Int(default_value=20),
                            description="Every change of the band, newest first (at most 100).")
    can_change = graphene.Boolean(required=True, description="Whether the viewer may change it.")

    @staticmethod
    def resolve_band(school, info):
        return school.risk_band.value

    @staticmethod
    def resolve_reason(school, info):
        return school.risk_reason

    @staticmethod
    def resolve_review_on(school, info):
        return school.risk_review_on

    @staticmethod
    def resolve_review_due(school, info):
        return school.risk_review_on is None or school.risk_review_on <= utcnow().astimezone(LONDON).date()

    @staticmethod
    def resolve_set_at(school, info):
        latest = _latest(info, school)
        return moment(latest["at"]) if latest else None

    @staticmethod
    def resolve_set_by_name(school, info):
        latest = _latest(info, school)
        return latest and latest["actor_name"]

    @staticmethod
    def resolve_history(school, info, first=20):
        ctx = info.context
        first = page_args(first, None)["first"]
        return ctx.loader("band history of school", first=first).load(school.id, among=_schools_in_view(ctx))

    @staticmethod
    def resolve_can_change(school, info):
        return risk.may_set_band(info.context.identity, school.id)


def _latest(info, school) -> dict | None:
    """The newest change, read with those of every school in view."""
    ctx = info.context
    found = ctx.loader("band history of school", first=1).load(school.id, among=_schools_in_view(ctx))
    return found[0] if found else None


class SchoolSupportBand(Extension):
    extends = "School"
    support_band = graphene.Field(SupportBand, description=(
        "The school's risk band, its reason and review date: for admins and the school's own SIPs and leaders; "
        "null for everyone else."))

    @staticmethod
    def resolve_support_band(school, info):
        return school if risk.may_see_band(info.context.identity, school.id) else None


SchoolPayload = payload("School", school=graphene.Field(ref("School")))


@mutation(SchoolPayload, "school", remember="school", school_id=graphene.ID(required=True),
          band=graphene.Argument(ref("RiskBand"), required=True), reason=graphene.String(required=True),
          review_on=graphene.Date(required=True))
def set_risk_band(root, info, school_id, band, reason, review_on):
    """The central team sets a school's risk band (admins any school's, a SIP their
    own schools'), saying why and when to review it; every change is kept."""
    ctx = info.context
    school_id = an_id(school_id, "schoolId", "school")
    return risk.set_risk_band(ctx.db, ctx.identity, school_id, enum_value(band), reason, review_on,
                              today=utcnow().astimezone(LONDON).date())
