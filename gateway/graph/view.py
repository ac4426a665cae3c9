"""POST /graphql.  CSRF is checked whenever the browser's session cookie came along;
a call without the cookie is anonymous and has nothing to forge."""
from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request
from flask_wtf.csrf import CSRFProtect

from gateway.graph.context import GraphContext
from gateway.graph.execute import run
from shared.db import request_session
from shared.logs import current_request_id

bp = Blueprint("graphql", __name__)


def make_context() -> GraphContext:
    return GraphContext(
        db=request_session(),
        backends=current_app.extensions["lighthouse_backends"],
        identity=g.identity,
        person=g.person,
        request_id=current_request_id(),
    )


def execute_here(query: str, variables: dict | None = None, operation_name: str | None = None) -> dict:
    """Run an operation as the signed-in person: what the API does, the pages do."""
    settings = current_app.extensions["lighthouse_settings"]
    ctx = make_context()
    body, _ = run(query, variables, operation_name, ctx, max_depth=settings.graphql_max_depth,
                  allow_introspection=True)
    g.backend_calls = ctx.backend_calls
    return body


@bp.post("/graphql")
def graphql():
    if current_app.config["SESSION_COOKIE_NAME"] in request.cookies:
        CSRFProtect().protect()
    payload = request.get_json(silent=True)
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
    body, valid = run(payload["query"], variables, operation_name, ctx,
                      max_depth=settings.graphql_max_depth, allow_introspection=settings.is_development)
    response = jsonify(body)
    return response, 200 if valid else 400
