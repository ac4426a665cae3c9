"""An object's history in the GraphQL API: the changes people made to it (and to what
hangs off it), newest first, as the audit trail of the service that stores it keeps
them (shared/audit.py).  Admins only: for anyone else `history` is null, and no
service is asked.

A feature gives its type the field with `history_field("bookings", "session",
among="session")`; the histories of every object of that kind in view are read
together, in one call per 100 (`GET /history/<type>?ids=…`).
"""
from __future__ import annotations

import json

import graphene

from gateway.graph.loaders import grouped, loads
from gateway.graph.shapes import page_args
from gateway.graph.values import moment, parsed


def as_text(value) -> str | None:
    """A value as an entry keeps it, as text: lists comma-separated, times in ISO 8601;
    None for nothing (an empty list too)."""
    if value is None or value == []:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(as_text(v) or "" for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


class AuditChange(graphene.ObjectType):
    field = graphene.String(required=True, description="The field, as the service names it (starts_at).")
    before = graphene.String(description="Its value before, as text (times in ISO 8601, lists comma-separated); "
                                         "null when it held nothing.")
    after = graphene.String(description="Its value after; null when it holds nothing.")

    @staticmethod
    def resolve_before(change, info):
        return as_text(change["before"])

    @staticmethod
    def resolve_after(change, info):
        return as_text(change["after"])


@parsed(moment, "at")
class AuditEntry(graphene.ObjectType):
    at = graphene.DateTime(required=True)
    actor_name = graphene.String(required=True, description=(
        "Who did it, by their name then; System for what the rules did by themselves (an offer lapsing)."))
    actor_id = graphene.ID(description="The person who did it; null for the system.")
    action = graphene.String(required=True, description="What was done, as a dotted verb: booking.cancelled.")
    summary = graphene.String(required=True, description="The entry in words: Tara Cole's booking cancelled.")
    object_type = graphene.String(required=True, description="What it was done to: this object, or one hanging "
                                                             "off it (a session's booking).")
    object_id = graphene.ID(required=True)
    changes = graphene.List(graphene.NonNull(AuditChange), required=True,
                            description="The fields that changed, before and after.")


# What a page asks for to show an object's history to an admin
# (gateway/templates/macros/history.html).
HISTORY = "history(first: 100) { at actorName summary changes { field before after } }"


@loads("history", missing=list)
def _histories(ctx, ids: list[str], service: str, object_type: str, first: int) -> dict:
    answer = ctx.read(service, "GET", f"/history/{object_type}", params={"ids": ",".join(ids), "first": first})
    return grouped((entry["for_id"], entry) for entry in answer["items"])


def _key(obj, key: str) -> str:
    return str(obj[key] if isinstance(obj, dict) else getattr(obj, key))


def history_field(service: str, object_type: str, *, key: str = "id", among: str | None = None,
                  description: str) -> graphene.List:
    """`history(first: Int = 20)`: the newest changes to an object of `object_type`,
    as `service` keeps them, read for every object of the kind `among` in view at once."""

    def resolve(obj, info, first=20):
        ctx = info.context
        if not ctx.identity.is_admin:
            return None
        first = page_args(first, None)["first"]
        others = (_key(o, key) for o in ctx.in_view(among)) if among else ()
        return ctx.loader("history", service=service, object_type=object_type, first=first).load(
            _key(obj, key), among=others)

    return graphene.List(graphene.NonNull(AuditEntry), first=graphene.Int(default_value=20), resolver=resolve,
                         description=f"Admins: {description}, newest first (at most 100); null for everyone else.")
