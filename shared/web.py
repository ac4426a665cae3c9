"""The application factory every service builds on.

A service gets: JSON errors in the one shape, JSON logs with the gateway's request id,
a request-scoped database session, service-token checking on every route but the
probes and the OpenAPI document, `/healthz`, `/readyz` and `/openapi.json`.
"""
from __future__ import annotations

from typing import Callable, Iterable

from flask import current_app, g, jsonify, request
from flask_openapi3 import Info, OpenAPI, Tag
from pydantic import BaseModel

from shared import tokens
from shared.db import CHECK_ONLY, Database, init_request_sessions
from shared.errors import Invalid, Unauthorized, field_error, register_error_handlers, validation_error_response
from shared.facts import KEEPER_BLUEPRINT, publishers_to
from shared.logs import configure_logging, install_request_id
from shared.settings import Settings


class Probe(BaseModel):
    status: str
    component: str
    reason: str | None = None


PUBLIC_ENDPOINTS = {"healthz", "readyz", "openapi_json", "static"}
# Bodies that are bytes, not text (a chunk of a video on its way in): NUL is ordinary
# in them, and they are read as a stream by their own route, never held in memory.
BINARY_BODIES = frozenset({"application/offset+octet-stream"})
# Sent by the gateway with a change it only wants checked: the service answers as it
# would, and saves nothing (shared.db.CHECK_ONLY).
CHECK_ONLY_HEADER = "X-LL-Check-Only"
SECURITY = [{"serviceToken": []}]


def create_service_app(
    component: str,
    settings: Settings,
    database: Database,
    blueprints: Iterable,
    *,
    title: str,
    ready_checks: Iterable[Callable[[], None]] = (),
) -> OpenAPI:
    configure_logging(component)
    app = OpenAPI(
        component,
        info=Info(title=title, version="1.0.0"),
        security_schemes={"serviceToken": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        validation_error_status=422,
        validation_error_callback=validation_error_response,
        doc_ui=False,
    )
    app.config.update(MAX_CONTENT_LENGTH=1024 * 1024, JSON_SORT_KEYS=False)
    app.extensions["lighthouse_settings"] = settings
    app.extensions["lighthouse_component"] = component
    settings.refuse_unsafe_start(component)
    # The gateway's key, and the key of each service publishing facts this one keeps.
    public_keys = {issuer: settings.public_key_pem(issuer) for issuer in ("gateway", *publishers_to(component))}

    register_error_handlers(app)
    install_request_id(app)
    init_request_sessions(app, database)

    @app.before_request
    def _no_nul_characters():
        # Text with a NUL in it is never what a person meant, and PostgreSQL cannot
        # store or even compare it (it answered 500): refused whole, at the edge.
        where = next((name for name, value in request.args.items(multi=True) if "\x00" in name + value), None)
        if where is None and "\x00" in request.path:
            where = "path"
        if where is None and request.content_length and request.mimetype not in BINARY_BODIES and (
                b"\\u0000" in (body := request.get_data(cache=True)) or b"\x00" in body):
            where = "body"
        if where is not None:
            raise Invalid("Text cannot hold the NUL character; remove it and try again.",
                          [field_error(where, "Remove the NUL character (\\u0000).")])

    @app.before_request
    def _authenticate():
        if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
            return
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Unauthorized("A service token is required; call this service through the gateway.")
        try:
            g.identity = tokens.verify_any(token, audience=component, public_keys=public_keys)
        except tokens.TokenError:
            raise Unauthorized("The service token is not valid for this service.") from None
        if g.identity.issuer != tokens.GATEWAY and request.blueprint != KEEPER_BLUEPRINT:
            # A publishing service delivers its facts to the copies it is owed, nothing else.
            raise Unauthorized("A service token is required; call this service through the gateway.")
        g.setdefault(CHECK_ONLY, request.headers.get(CHECK_ONLY_HEADER) == "1")

    for bp in blueprints:
        app.register_api(bp)

    probes = [Tag(name="probes", description="Liveness and readiness; no token needed.")]

    @app.get("/healthz", endpoint="healthz", tags=probes, security=[], responses={200: Probe})
    def healthz():
        """The process is up."""
        return jsonify(status="ok", component=component)

    checks = [database.ping, *ready_checks]

    @app.get("/readyz", endpoint="readyz", tags=probes, security=[], responses={200: Probe, 503: Probe})
    def readyz():
        """The process can reach its database and is ready for traffic."""
        try:
            for check in checks:
                check()
        except Exception as exc:  # a probe reports, it does not raise
            current_app.logger.warning("not ready: %s", exc)
            return jsonify(status="unavailable", component=component, reason=type(exc).__name__), 503
        return jsonify(status="ready", component=component)

    @app.get("/openapi.json", endpoint="openapi_json", doc_ui=False)
    def openapi_json():
        return jsonify(app.api_doc)

    return app


def current_identity() -> tokens.Identity:
    return g.identity
