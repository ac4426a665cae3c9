"""Running one GraphQL operation: parse, validate (depth limit, no introspection
outside development), execute, and never let an internal error's text out."""
from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

from graphene.validation import DisableIntrospection, depth_limit_validator
from graphql import GraphQLError, execute, parse, specified_rules, validate

from gateway.graph.schema import schema

log = logging.getLogger(__name__)
MAX_QUERY_LENGTH = 20_000


def run(query: str, variables: dict | None, operation_name: str | None, context: Any, *,
        max_depth: int, allow_introspection: bool) -> tuple[dict, bool]:
    """The response body and whether the request itself was acceptable (parsed and valid)."""
    if len(query) > MAX_QUERY_LENGTH:
        return {"errors": [{"message": f"The query is longer than {MAX_QUERY_LENGTH} characters."}]}, False
    document, errors = _checked(query, max_depth, allow_introspection)
    if errors:
        return {"errors": list(errors)}, False
    result = execute(schema.graphql_schema, document, context_value=context,
                     variable_values=variables, operation_name=operation_name)
    body: dict = {"data": result.data}
    if result.errors:
        body["errors"] = [_public(e) for e in result.errors]
        if result.data is None and all(e.path is None for e in result.errors):
            return body, False  # the variables did not fit: nothing ran
    return body, True


@lru_cache(maxsize=512)
def _checked(query: str, max_depth: int, allow_introspection: bool):
    """Parse and validate once per distinct query text: pages and clients send the same
    few operations over and over, and validation costs more than most resolvers.  The
    document is only read by execution, so sharing it between threads is safe."""
    try:
        document = parse(query)
    except GraphQLError as exc:
        return None, (exc.formatted,)
    rules = [*specified_rules, depth_limit_validator(max_depth=max_depth)]
    if not allow_introspection:
        rules.append(DisableIntrospection)
    errors = validate(schema.graphql_schema, document, rules)
    return document, tuple(e.formatted for e in errors)


def _public(error: GraphQLError) -> dict:
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        return error.formatted
    log.error("resolver failed at %s", error.path, exc_info=original)
    masked = GraphQLError("Something went wrong on our side; it has been logged.",
                          path=error.path, nodes=error.nodes, extensions={"code": "INTERNAL"})
    return masked.formatted
