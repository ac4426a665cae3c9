"""JSON logs, each line carrying the request id that the gateway passed along."""
from __future__ import annotations

import logging
import sys
import time
import uuid

from flask import Flask, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

REQUEST_ID_HEADER = "X-Request-ID"
access = logging.getLogger("lighthouse.access")


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id") if has_request_context() else None
        return True


def configure_logging(component: str, level: int = logging.INFO, stream=None) -> None:
    """JSON lines on stderr for this process's one component."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            static_fields={"component": component},
            rename_fields={"levelname": "level", "asctime": "time"},
        )
    )
    handler.addFilter(_RequestIdFilter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_lighthouse", False)]:
        root.removeHandler(old)
    handler._lighthouse = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)


def install_request_id(app: Flask) -> None:
    """Take the caller's request id (or make one) and echo it on the response."""

    @app.before_request
    def _take_request_id():
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        # Only accept short, printable ids: the value ends up in every log line.
        g.request_id = incoming if 0 < len(incoming) <= 64 and incoming.isprintable() else uuid.uuid4().hex

        g.request_started = time.perf_counter()

    @app.after_request
    def _echo_request_id(response):
        if g.get("request_id"):
            response.headers[REQUEST_ID_HEADER] = g.request_id
        # One access line per request, inside the request so it carries the id.
        took = (time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000
        access.info("%s %s %s %.1fms", request.method, request.path, response.status_code, took)
        return response


def current_request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None
