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


class FieldProblems(ValueError):
    """Raised by a model validator that checks several fields together, so that each
    problem is reported against its own field instead of as one sentence about the
    whole body ("ends_at: …; venue: …")."""

    def __init__(self, problems: Iterable[tuple[str, str]]):
        self.problems = list(problems)
        super().__init__("; ".join(message for _, message in self.problems))


def _expected(ctx: dict[str, Any]) -> str:
    return str(ctx.get("expected", "")).replace("'", "")


def _length(value: Any) -> int:
    try:
        return len(value)
    except TypeError:
        return 0


# What pydantic's error types mean, said as a person filling in a form would want it
# (its own wording reads like code: "List should have at least 1 item after validation").
# Each takes the error's context and the value that was sent.
_PLAIN: dict[str, Any] = {
    "missing": lambda c, v: "This field is required.",
    "extra_forbidden": lambda c, v: "This field is not recognised; remove it.",
    "string_too_short": lambda c, v: ("This cannot be blank." if c["min_length"] <= 1 else
                                      f"Enter at least {c['min_length']} characters."),
    "string_too_long": lambda c, v: f"Use {c['max_length']:,} characters or fewer (this has {_length(v):,}).",
    "too_short": lambda c, v: ("Choose at least one." if c["min_length"] <= 1 else
                               f"Choose at least {c['min_length']}."),
    "too_long": lambda c, v: f"Give no more than {c['max_length']:,}.",
    "greater_than_equal": lambda c, v: f"Enter a number of at least {c['ge']:,}.",
    "greater_than": lambda c, v: f"Enter a number greater than {c['gt']:,}.",
    "less_than_equal": lambda c, v: f"Enter a number no greater than {c['le']:,}.",
    "less_than": lambda c, v: f"Enter a number less than {c['lt']:,}.",
    "int_parsing": lambda c, v: "Enter a whole number.",
    "int_type": lambda c, v: "Enter a whole number.",
    "int_from_float": lambda c, v: "Enter a whole number.",
    "float_parsing": lambda c, v: "Enter a number.",
    "float_type": lambda c, v: "Enter a number.",
    "bool_parsing": lambda c, v: "Answer yes or no.",
    "bool_type": lambda c, v: "Answer yes or no.",
    "literal_error": lambda c, v: f"Choose one of {_expected(c)}.",
    "enum": lambda c, v: f"Choose one of {_expected(c)}.",
    "string_type": lambda c, v: "Enter text.",
    "string_pattern_mismatch": lambda c, v: "This is not in the form we expect; check what was typed.",
    "list_type": lambda c, v: "Give a list.",
    "dict_type": lambda c, v: "Give an object with named fields.",
    "model_type": lambda c, v: "Give an object with named fields.",
    "model_attributes_type": lambda c, v: "Give an object with named fields.",
    "datetime_parsing": lambda c, v: "Enter a date and time, for example 2027-01-14T15:45:00+00:00.",
    "datetime_from_date_parsing": lambda c, v: "Enter a date and time, for example 2027-01-14T15:45:00+00:00.",
    "datetime_type": lambda c, v: "Enter a date and time, for example 2027-01-14T15:45:00+00:00.",
    "timezone_aware": lambda c, v: "Give the time with its offset from UTC, for example 2027-01-14T15:45:00+00:00.",
    "date_parsing": lambda c, v: "Enter a date, for example 2027-01-14.",
    "date_from_datetime_parsing": lambda c, v: "Enter a date, for example 2027-01-14.",
    "date_from_datetime_inexact": lambda c, v: "Enter a date without a time, for example 2027-01-14.",
    "date_type": lambda c, v: "Enter a date, for example 2027-01-14.",
    "time_parsing": lambda c, v: "Enter a time, for example 16:00.",
    "json_invalid": lambda c, v: "What was sent is not valid JSON.",
    "json_type": lambda c, v: "What was sent is not valid JSON.",
}


def _friendly(err: dict[str, Any]) -> str:
    kind, ctx = err.get("type", ""), err.get("ctx") or {}
    if kind in ("value_error", "assertion_error") and ctx.get("error") is not None:
        msg = str(ctx["error"])  # our own validators' sentences, without pydantic's "Value error, "
    elif kind in _PLAIN:
        try:
            return _PLAIN[kind](ctx, err.get("input"))
        except (KeyError, TypeError, ValueError):  # a context other than the documented one
            msg = err.get("msg", "")
    else:
        msg = err.get("msg", "")
    msg = (msg[0].upper() + msg[1:]) if msg else "This value is not valid."
    return msg if msg.endswith(".") else msg + "."


def from_validation_error(exc: ValidationError, prefix: str | None = None) -> Invalid:
    fields = []
    for err in exc.errors(include_url=False):
        loc = ([prefix] if prefix else []) + [str(p) for p in err.get("loc", ())]
        error = (err.get("ctx") or {}).get("error")
        if isinstance(error, FieldProblems):
            fields += [field_error(loc + [name], message) for name, message in error.problems]
        else:
            fields.append(field_error(loc, _friendly(err)))
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
