"""POST /graphql.  CSRF is checked whenever the browser's session cookie came along;
a call without the cookie is anonymous and has nothing to forge."""
from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, current_app, g, jsonify, request
from flask_wtf.csrf import CSRFProtect

from gateway.graph.context import GraphContext
from gateway.graph.execute import TOO_NESTED, run
from gateway.graph.limits import Limits
from shared.db import request_session
from shared.logs import current_request_id

bp = Blueprint("graphql", __name__)


def make_context(check_only: bool = False) -> GraphContext:
    settings = current_app.extensions["lighthouse_settings"]
    return GraphContext(
        db=request_session(),
        backends=current_app.extensions["lighthouse_backends"],
        identity=g.identity,
        person=g.person,
        request_id=current_request_id(),
        check_only=check_only,
        max_backend_calls=settings.graphql_max_backend_calls,
    )


def _schema():
    """The schema the app was made with (gateway/schema.py joins the features')."""
    return current_app.extensions["lighthouse_schema"].graphql_schema


def limits(*, allow_introspection: bool) -> Limits:
    settings = current_app.extensions["lighthouse_settings"]
    return Limits(max_depth=settings.graphql_max_depth, max_cost=settings.graphql_max_cost,
                  allow_introspection=allow_introspection)


def execute_here(query: str, variables: dict | None = None, operation_name: str | None = None, *,
                 check_only: bool = False) -> dict:
    """Run an operation as the signed-in person: what the API does, the pages do.
    `check_only`: the services check the changes it asks for and save none."""
    ctx = make_context(check_only)
    body, _ = run(_schema(), query, variables, operation_name, ctx, limits=limits(allow_introspection=True))
    g.backend_calls = g.get("backend_calls", []) + ctx.backend_calls  # a page may run several operations
    return body


@bp.post("/graphql")
def graphql():
    if current_app.config["SESSION_COOKIE_NAME"] in request.cookies:
        CSRFProtect().protect()
    payload, problem = _read_json()
    if problem:
        return jsonify(errors=[{"message": problem}]), 400
    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
        return jsonify(errors=[{"message": 'Send JSON like {"query": "…", "variables": {…}}.'}]), 400
    variables = payload.get("variables") or None
    if variables is not None and not isinstance(variables, dict):
        return jsonify(errors=[{"message": "`variables` must be a JSON object."}]), 400
    operation_name = payload.get("operationName")
    if operation_name is not None and not isinstance(operation_name, str):
        return jsonify(errors=[{"message": "`operationName` must be a string."}]), 400
    settings = current_app.extensions["lighthouse_settings"]
    ctx = make_context()
    body, valid = run(_schema(), payload["query"], variables, operation_name, ctx,
                      limits=limits(allow_introspection=settings.is_development))
    response = jsonify(body)
    return response, 200 if valid else 400


def _read_json() -> tuple[Any, str | None]:
    """The request's JSON, or why it cannot be read.  Nesting deep enough to exhaust
    the parser's recursion is refused here; execution bounds the rest (MAX_INPUT_DEPTH)."""
    if not request.is_json:
        return None, None
    try:
        return json.loads(request.get_data(cache=False)), None
    except RecursionError:
        return None, TOO_NESTED
    except ValueError:
        return None, None
