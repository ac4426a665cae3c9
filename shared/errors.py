"""One error shape for every service and the gateway.

    {"code": "conflict", "message": "A sentence a person can act on.",
     "fieldErrors": [{"field": ["title"], "message": "…"}]}

Domain code raises `ApiError` (or a subclass); the handlers registered by
`register_error_handlers` turn it, Flask's own HTTP errors and pydantic validation
errors into that shape.  Nothing else reaches the client: an unexpected exception is
logged with its request id and answered with a 500 that says so, no traceback.
"""
from __future__ import annotations

import logging
from typing import Any, Iterable

from flask import Flask, jsonify
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError, IntegrityError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class ApiError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, field_errors: Iterable[dict[str, Any]] = (), *, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field_errors = list(field_errors)
        if code:
            self.code = code

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "fieldErrors": self.field_errors}


class NotFound(ApiError):
    status, code = 404, "not_found"


class Unauthorized(ApiError):
    status, code = 401, "unauthorized"


class Forbidden(ApiError):
    status, code = 403, "forbidden"


class Conflict(ApiError):
    status, code = 409, "conflict"


class Invalid(ApiError):
    status, code = 422, "invalid"


def field_error(field: str | list[str], message: str) -> dict[str, Any]:
    return {"field": [field] if isinstance(field, str) else list(field), "message": message}


def _friendly(err: dict[str, Any]) -> str:
    kind, msg = err.get("type", ""), err.get("msg", "Invalid value")
    if kind == "missing":
        return "This field is required."
    if kind == "extra_forbidden":
        return "This field is not recognised; remove it."
    msg = msg[0].upper() + msg[1:] if msg else msg
    return msg if msg.endswith(".") else msg + "."


def from_validation_error(exc: ValidationError, prefix: str | None = None) -> Invalid:
    fields = []
    for err in exc.errors(include_url=False):
        loc = [str(p) for p in err.get("loc", ())]
        fields.append(field_error(([prefix] if prefix else []) + loc, _friendly(err)))
    return Invalid("Some of what was sent is not valid; see the field errors.", fields)


def validation_error_response(exc: ValidationError):
    """flask-openapi3's callback for request models that fail validation."""
    err = from_validation_error(exc)
    response = jsonify(err.body())
    response.status_code = err.status
    return response


DATABASE_AWAY = {"code": "unavailable", "fieldErrors": [],
                 "message": "The database could not be reached just now; nothing was changed. Please try again."}


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        return jsonify(exc.body()), exc.status

    @app.errorhandler(ValidationError)
    def _validation(exc: ValidationError):
        return validation_error_response(exc)

    @app.errorhandler(IntegrityError)
    def _integrity(exc: IntegrityError):
        # A constraint the database enforces lost a race with another request.
        log.info("integrity error: %s", exc.orig)
        body = {"code": "conflict", "fieldErrors": [],
                "message": "That clashes with something saved a moment ago; reload and try again."}
        return jsonify(body), 409

    @app.errorhandler(DBAPIError)
    def _database(exc: DBAPIError):
        if not exc.connection_invalidated:
            return _unexpected(exc)
        # The database went away under a busy connection (a restart, a failover): the
        # pool has been dropped and the next request reconnects.
        log.warning("database connection lost: %s", exc.orig)
        return jsonify(DATABASE_AWAY), 503

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        code = (exc.name or "error").lower().replace(" ", "_")
        body = {"code": code, "message": exc.description or exc.name, "fieldErrors": []}
        response = jsonify(body)
        response.status_code = exc.code or 500
        for header, value in exc.get_headers():
            if header.lower() == "allow":
                response.headers[header] = value
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unhandled error")
        body = {
            "code": "internal_error",
            "message": "Something went wrong on our side; it has been logged. Please try again.",
            "fieldErrors": [],
        }
        return jsonify(body), 500
