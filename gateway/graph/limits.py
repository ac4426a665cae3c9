"""What an operation asks for, worked out from its text before anything runs: how
deep it nests, and what it costs.

Cost is one point per field, times the size of every list the field sits in.  An
alias is a field of its own, so a thousand aliases of `networks { id }` cost a
thousand times one.  A list's size is its page (`first`) where it has one — a page
given by a variable counts as the largest page, so one query text has one cost —
and otherwise LIST_SIZE, or less for the few lists in LIST_SIZES.  A paged field
costs at least its page, which its service reads even when the query asks only for
`totalCount`.  Introspection is counted like any other field.

This runs on validated documents only: the standard rules have refused unknown
fragments and fragment cycles, and bounded nesting through fragments, before the
walk below follows a spread.
"""
from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    get_nullable_type,
    is_list_type,
)
from graphql.type import SchemaMetaFieldDef, TypeMetaFieldDef, TypeNameMetaFieldDef

from shared.paging import MAX_PAGE

# What a list without a page is taken to hold: a trust's networks, a network's
# members and meetings, a meeting's attendees run to a few dozen at most.
LIST_SIZE = 20
# Lists short by nature, whatever the data: a person holds a role grant or two, and an
# audit entry names the few fields one change touched (a new session's dozen at most);
# a school's order is for a session or two and refunded once or twice, and an order
# line's bookings are always empty (gateway/orders/graph.py).
LIST_SIZES = {("Person", "roles"): 5, ("AuditEntry", "changes"): 5, ("Order", "lines"): 5, ("Order", "refunds"): 5,
              ("OrderLine", "bookings"): 1,
              # a cascade's six links; a sprint's partners and a session's clips, at most
              # ten each (the catalogue's limits); a QA note is edited a few times at most
              ("SchoolCascadeStatus", "steps"): 6, ("Sprint", "partnerSchools"): 10, ("SprintSession", "videos"): 10,
              ("QaNote", "revisions"): 5}
_META = {"__schema": SchemaMetaFieldDef, "__type": TypeMetaFieldDef, "__typename": TypeNameMetaFieldDef}


@dataclass(frozen=True)
class Limits:
    max_depth: int
    max_cost: int
    allow_introspection: bool


def refusals(schema: GraphQLSchema, document, limits: Limits) -> list[GraphQLError]:
    """Why the document's operations ask too much (nothing when they do not)."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    errors = []
    for operation in document.definitions:
        if not isinstance(operation, OperationDefinitionNode):
            continue
        root = {OperationType.QUERY: schema.query_type, OperationType.MUTATION: schema.mutation_type,
                OperationType.SUBSCRIPTION: schema.subscription_type}[operation.operation]
        if root is None:
            continue  # an operation the schema has no root for: execution says so
        walk = _Walk(schema, fragments, limits.max_depth)
        try:
            cost = walk.selections(root, operation.selection_set, level=0, page=None)
        except _TooDeep as deep:
            errors.append(GraphQLError(
                f"This query nests deeper than {limits.max_depth} levels, the most allowed; ask for less at once, "
                "or follow up with a second request.", deep.node, extensions={"code": "TOO_DEEP",
                                                                               "limit": limits.max_depth}))
            continue
        if cost > limits.max_cost:
            errors.append(GraphQLError(
                f"This query would cost {cost:,} points and the limit is {limits.max_cost:,} (a point for each "
                "field, times the size of each list it is in; aliases count as fields). Ask for fewer fields or "
                "smaller pages, or split it into several requests.", operation,
                extensions={"code": "TOO_COSTLY", "cost": cost, "limit": limits.max_cost}))
    return errors


class _TooDeep(Exception):
    def __init__(self, node):
        self.node = node


class _Walk:
    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode], max_depth: int):
        self.schema, self.fragments, self.max_depth = schema, fragments, max_depth
        # A fragment spread in many places is costed once per page size: without this a
        # few lines of fragments that each spread the next twice take exponential time.
        self.known: dict[tuple[str, int | None, int], int] = {}

    def selections(self, parent: GraphQLObjectType, selection_set: SelectionSetNode, level: int,
                   page: int | None) -> int:
        """`page`: the size of a list directly in this selection, set by the paged
        field above it (a connection's `edges`)."""
        cost = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                cost += self.field(parent, selection, level, page)
            elif isinstance(selection, InlineFragmentNode):
                on = self.schema.get_type(selection.type_condition.name.value) if selection.type_condition else parent
                cost += self.selections(on, selection.selection_set, level, page)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if (name, page, level) not in self.known:
                    fragment = self.fragments[name]
                    on = self.schema.get_type(fragment.type_condition.name.value)
                    self.known[(name, page, level)] = self.selections(on, fragment.selection_set, level, page)
                cost += self.known[(name, page, level)]
        return cost

    def field(self, parent: GraphQLObjectType, node: FieldNode, level: int, page: int | None) -> int:
        name = node.name.value
        definition = _META.get(name) or parent.fields[name]
        if node.selection_set is None:
            return 1
        if level + 1 > self.max_depth:
            raise _TooDeep(node)
        first = _page_size(definition, node)
        type_ = get_nullable_type(definition.type)
        if is_list_type(type_):
            size = first if first is not None else page if page is not None else \
                LIST_SIZES.get((parent.name, name), LIST_SIZE)
            inner = self.selections(get_named_type(type_), node.selection_set, level + 1, None)
            return 1 + size * inner
        inner = self.selections(get_named_type(type_), node.selection_set, level + 1, first)
        return 1 + max(inner, first or 0)


def _page_size(definition, node: FieldNode) -> int | None:
    """The page a field with a `first` argument reads; None for a field without one."""
    if "first" not in definition.args:
        return None
    given = next((a.value for a in node.arguments or () if a.name.value == "first"), None)
    if given is None:
        default = definition.args["first"].default_value
        return min(default, MAX_PAGE) if isinstance(default, int) else MAX_PAGE
    if isinstance(given, IntValueNode):
        return max(0, min(int(given.value), MAX_PAGE))
    return MAX_PAGE  # a variable (or null): the largest page it could ask for
