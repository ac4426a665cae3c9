"""The shapes every feature's types share, each made one way: UserError, PageInfo,
`<Node>Connection` with its `<Node>Edge`, `<Thing>Payload` (`{thing, userErrors}`),
and an input type that writes what an object type reads."""
from __future__ import annotations

import graphene
from graphql import GraphQLError

from shared.paging import MAX_PAGE


class PageInfo(graphene.ObjectType):
    has_next_page = graphene.Boolean(required=True)
    end_cursor = graphene.String()


class UserError(graphene.ObjectType):
    field = graphene.List(graphene.NonNull(graphene.String))
    message = graphene.String(required=True)


def connection(node: type[graphene.ObjectType]) -> type[graphene.ObjectType]:
    """`<Node>Connection`: a page of `node`s, each in an edge with its cursor."""
    name = node._meta.name
    edge = type(f"{name}Edge", (graphene.ObjectType,), {
        "node": graphene.Field(node, required=True), "cursor": graphene.String(required=True)})
    return type(f"{name}Connection", (graphene.ObjectType,), {
        "edges": graphene.List(graphene.NonNull(edge), required=True),
        "page_info": graphene.Field(PageInfo, required=True),
        "total_count": graphene.Int(required=True)})


def payload(name: str, **fields) -> type[graphene.ObjectType]:
    """`<name>Payload`: what a mutation made or changed (`fields`; null, or empty, when
    it was refused) and why it was refused."""
    return type(f"{name}Payload", (graphene.ObjectType,), {
        **fields, "user_errors": graphene.List(graphene.NonNull(UserError), required=True)})


def input_of(read: type[graphene.ObjectType], name: str, *, leave_out: tuple[str, ...] = (),
             **first) -> type[graphene.InputObjectType]:
    """An input type that writes what `read` reads: its fields (less `leave_out`),
    after the fields `first`."""
    return type(name, (graphene.InputObjectType,), {**first, **{
        field_name: graphene.InputField(field.type, description=field.description)
        for field_name, field in read._meta.fields.items() if field_name not in leave_out}})


def page_args(first: int | None, after: str | None) -> dict:
    """A page request as the services read it."""
    if first is None:
        first = 20
    if not 0 <= first <= MAX_PAGE:
        raise GraphQLError(f"`first` must be between 0 and {MAX_PAGE}; ask for the next page with `after`.")
    params = {"first": first}
    if after:
        params["after"] = after
    return params


def page(answer: dict) -> dict:
    """A service's page (shared.paging) as a connection."""
    return {
        "edges": [{"node": n, "cursor": c} for n, c in zip(answer["items"], answer["cursors"])],
        "page_info": {"has_next_page": answer["has_next"], "end_cursor": answer["end_cursor"]},
        "total_count": answer["total"],
    }


def every_page(ctx, service: str, path: str, params: dict | None = None) -> list:
    """Every item of a service's paged list, a page of the most at a time: for the few
    lists the gateway needs whole (a trust's networks, its programmes, a programme's
    sprints) — one call per hundred items."""
    items, after = [], None
    while True:
        answer = ctx.read(service, "GET", path, params={**(params or {}), "first": MAX_PAGE, "after": after})
        items += answer["items"]
        if not answer.get("has_next"):
            return items
        after = answer["end_cursor"]


EMPTY_PAGE = {"edges": [], "page_info": {"has_next_page": False, "end_cursor": None}, "total_count": 0}
