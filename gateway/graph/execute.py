"""Running one GraphQL operation: parse, validate (the standard rules, no
introspection outside development), then the depth and cost limits, execute, and
never let an internal error's text out."""
from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any

from graphql import GraphQLError, GraphQLSchema, ValidationRule, execute, parse, specified_rules, validate
from graphql.validation.validate import ValidationAbortedError

from gateway.graph.limits import Limits, refusals

log = logging.getLogger(__name__)
MAX_QUERY_LENGTH = 20_000
# No operation's variables nest nearly this deep; the bound keeps every walk over them
# short, and Python's recursion out of reach.
MAX_INPUT_DEPTH = 32
TOO_NESTED = f"The JSON is nested more than {MAX_INPUT_DEPTH} levels deep; no query needs that."
# A lone surrogate (\ud800) decodes from JSON but is no character: it cannot be
# encoded to send on.  NUL is no text either, and PostgreSQL refuses to store it.
_NOT_TEXT = re.compile(r"[\x00\ud800-\udfff]")


def run(schema: GraphQLSchema, query: str, variables: dict | None, operation_name: str | None, context: Any, *,
        limits: Limits) -> tuple[dict, bool]:
    """The response body and whether the request itself was acceptable (parsed, valid
    and within the limits)."""
    if len(query) > MAX_QUERY_LENGTH:
        return {"errors": [{"message": f"The query is longer than {MAX_QUERY_LENGTH} characters."}]}, False
    problem = _unreadable({"query": query, "operationName": operation_name, "variables": variables})
    if problem:
        return {"errors": [{"message": problem, "extensions": {"code": "BAD_INPUT"}}]}, False
    document, errors = _checked(schema, query, limits)
    if errors:
        return {"errors": list(errors)}, False
    result = execute(schema, document, context_value=context,
                     variable_values=variables, operation_name=operation_name)
    body: dict = {"data": result.data}
    if result.errors:
        body["errors"] = [_public(e) for e in result.errors]
        if result.data is None and all(e.path is None for e in result.errors):
            return body, False  # the variables did not fit: nothing ran
    return body, True


class NoIntrospection(ValidationRule):
    """The schema stays unexplored outside development.  `__typename` is not
    exploring it (it names an object's own type) and clients add it by themselves."""

    def enter_field(self, node, *_):
        if node.name.value in ("__schema", "__type"):
            self.report_error(GraphQLError(
                "Introspection is off outside development; the API's schema is published with its documentation.",
                node, extensions={"code": "INTROSPECTION_OFF"}))


def _unreadable(sent: dict) -> str | None:
    """Why what was sent cannot be read as text, if it cannot: nested too deeply, or
    holding a character that is not text.  The pages' input comes through here too."""
    stack = [(value, 1, name) for name, value in sent.items()]
    while stack:
        value, depth, where = stack.pop()
        if depth > MAX_INPUT_DEPTH:
            return TOO_NESTED
        if isinstance(value, dict):
            for key, item in value.items():
                if _NOT_TEXT.search(key):
                    return f"A name in `{where}` holds a character that is not text; remove it."
                stack.append((item, depth + 1, key))
        elif isinstance(value, list):
            stack.extend((item, depth + 1, where) for item in value)
        elif isinstance(value, str) and (found := _NOT_TEXT.search(value)):
            what = "a NUL character" if found.group() == "\x00" else "a lone surrogate, such as \\ud800"
            return f"`{where}` is not valid text (it holds {what}); remove it."
    return None


@lru_cache(maxsize=512)
def _checked(schema: GraphQLSchema, query: str, limits: Limits):
    """Parse and check once per distinct query text: pages and clients send the same
    few operations over and over, and validation costs more than most resolvers.  The
    document is only read by execution, so sharing it between threads is safe.

    The limits are measured only on a valid document: measuring walks the fragments,
    which only validation has shown to exist and to end."""
    try:
        document = parse(query)
    except GraphQLError as exc:
        return None, (exc.formatted,)
    rules = [*specified_rules] if limits.allow_introspection else [*specified_rules, NoIntrospection]
    errors = validate(schema, document, rules)
    if not errors:
        errors = refusals(schema, document, limits)
    return document, tuple(_said(e) for e in errors)


def _said(error: GraphQLError) -> dict:
    if isinstance(error, ValidationAbortedError):  # graphql-core's own budget for checking ran out
        return {"message": "This query is too large or repetitive to check; ask for fewer fields at once.",
                "extensions": {"code": "TOO_COSTLY"}}
    return error.formatted


def _public(error: GraphQLError) -> dict:
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        return error.formatted
    log.error("resolver failed at %s", error.path, exc_info=original)
    masked = GraphQLError("Something went wrong on our side; it has been logged.",
                          path=error.path, nodes=error.nodes, extensions={"code": "INTERNAL"})
    return masked.formatted
