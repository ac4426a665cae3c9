"""Turning service refusals into GraphQL answers: userErrors on mutation payloads,
a located error on the field for a service that is down."""
from __future__ import annotations

import re

from graphql import GraphQLError

from gateway.backends import BackendError, BackendUnavailable


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def user_errors(exc: BackendError) -> list[dict]:
    """Field-by-field errors in the contract's UserError shape, field paths in camelCase."""
    fields = [
        {"field": [camel(str(p)) for p in fe.get("field") or [] if not re.fullmatch(r"body|query|path", str(p))],
         "message": fe.get("message", "Invalid value.")}
        for fe in exc.field_errors
    ]
    if not fields:
        return [{"field": None, "message": exc.message}]
    return fields


def as_graphql_error(exc: Exception) -> GraphQLError:
    if isinstance(exc, BackendUnavailable):
        return GraphQLError(str(exc), extensions={"code": "SERVICE_UNAVAILABLE", "service": exc.service})
    if isinstance(exc, BackendError):
        # A query has no userErrors to carry field errors in: say them in the message
        # ("search: Use 200 characters or fewer"), not "see the field errors".
        said = [f"{'.'.join(e['field'])}: {e['message']}" if e["field"] else e["message"] for e in user_errors(exc)]
        message = exc.message if not exc.field_errors else " ".join(said)
        return GraphQLError(message, extensions={"code": exc.code.upper()})
    raise exc
