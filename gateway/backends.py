"""Calling the services: a signed token per call, the request id passed along,
failures turned into errors a GraphQL answer can carry.

Every call goes through `Backends.fetch`, which also counts calls per request so that
tests (and the N+1 guard) can see how many round trips a query made.

The connections are urllib3 pools: every GraphQL request makes at least one call, and
urllib3 spends about a third of the CPU httpx does on one (measured in
bench/booking_rush.py, where the gateway's share of a booking is what limits the rush).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Mapping
from urllib.parse import urlencode, urlsplit

import urllib3

from shared import tokens
from shared.settings import Settings
from shared.web import CHECK_ONLY_HEADER

SERVICES = ("catalogue", "bookings", "networks")
FRIENDLY = {
    "catalogue": "The course catalogue",
    "bookings": "The bookings service",
    "networks": "The networks service",
}
# gunicorn refuses a request line over 4,094 bytes with a bare 400 (limit_request_line),
# which would read as the service being down: a longer address is never sent, and the
# value that made it so long is refused as too long instead.
MAX_TARGET = 4000
# A kept-alive connection the service has just closed fails the moment it is used:
# that one case is tried again on a new connection, for any method, because the
# request never reached the service.  Nothing else is retried.
RETRIES = urllib3.Retry(total=1, connect=1, read=0, status=0, other=0, redirect=False, raise_on_status=False)


class BackendUnavailable(Exception):
    """A service that could not answer; `said` is its own sentence when it gave one (a
    503 in the shared error shape: what it depends on is away, and it says what)."""

    def __init__(self, service: str, said: str | None = None):
        super().__init__(said or f"{FRIENDLY[service]} is unavailable just now; please try again in a minute.")
        self.service = service


class BackendError(Exception):
    """A 4xx from a service, in the shared error shape."""

    def __init__(self, status: int, body: dict):
        super().__init__(body.get("message") or "The request was refused.")
        self.status = status
        self.message = body.get("message") or "The request was refused."
        self.code = body.get("code") or "error"
        self.field_errors = body.get("fieldErrors") or []


@dataclass(frozen=True)
class Reply:
    """A service's answer as it came: a PDF, a calendar, or JSON."""

    status_code: int
    headers: Mapping[str, str]  # case-insensitive (urllib3's HTTPHeaderDict)
    content: bytes

    def json(self) -> Any:
        return json.loads(self.content)


class Backends:
    """One per process: a connection pool per service, shared by the worker's threads."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._private_key = settings.private_key_pem()
        timeout = urllib3.Timeout(total=settings.backend_timeout_seconds)
        self._pools, self._prefixes = {}, {}
        for name in SERVICES:
            url = settings.service_url(name)
            self._pools[name] = urllib3.connection_from_url(url, maxsize=20, block=False, timeout=timeout,
                                                            retries=RETRIES)
            self._prefixes[name] = urlsplit(url).path.rstrip("/")

    def call(self, service: str, method: str, path: str, *, identity: tokens.Identity,
             request_id: str | None = None, counter: list | None = None, **kwargs: Any) -> Any:
        response = self.fetch(service, method, path, identity=identity, request_id=request_id, counter=counter,
                              **kwargs)
        try:
            body = response.json()
        except ValueError:
            raise BackendUnavailable(service) from None
        if response.status_code >= 400:
            raise BackendError(response.status_code, body)
        return body

    def fetch(self, service: str, method: str, path: str, *, identity: tokens.Identity,
              request_id: str | None = None, counter: list | None = None,
              json: Any = None, params: Mapping[str, Any] | None = None, check_only: bool = False) -> Reply:
        """The service's response as it came, 5xx and network failures raised as
        BackendUnavailable.  `check_only`: the service answers as it would but saves
        nothing (for a form that has problems of its own, so it can show all at once)."""
        headers = self.auth_headers(service, identity, request_id)
        if check_only:
            headers[CHECK_ONLY_HEADER] = "1"
        body = None
        if json is not None:
            body = _json_bytes(json)
            headers["Content-Type"] = "application/json"
        if params:
            path += ("&" if "?" in path else "?") + urlencode(
                [(k, _param(v)) for k, v in params.items() if v is not None])
        if len(self._prefixes[service]) + len(path) > MAX_TARGET:
            raise _too_long(service, params or {})
        if counter is not None:
            counter.append((service, method, path))
        try:
            raw = self._pools[service].urlopen(method, self._prefixes[service] + path, body=body, headers=headers,
                                               preload_content=True)
        except urllib3.exceptions.HTTPError:
            raise BackendUnavailable(service) from None
        if raw.status >= 500:
            raise BackendUnavailable(service, _unavailable_because(raw))
        return Reply(raw.status, raw.headers, raw.data)

    def auth_headers(self, service: str, identity: tokens.Identity, request_id: str | None = None) -> dict:
        """What a call to `service` as `identity` carries: a token made for it alone, and
        the request id (also for the streaming proxies of gateway/media)."""
        token = tokens.sign(identity, audience=service, private_key_pem=self._private_key,
                            ttl_seconds=self.settings.service_token_ttl_seconds)
        headers = {"Authorization": f"Bearer {token}"}
        if request_id:
            headers["X-Request-ID"] = request_id
        return headers

    def close(self) -> None:
        for pool in self._pools.values():
            pool.close()


def _unavailable_because(raw) -> str | None:
    """A 503's sentence, when the service said one in the shared error shape: bookings
    answers "Card payments are not available just now; try again in a few minutes."
    when Stripe is away, and telling the booker the bookings service is down instead
    would send them to the wrong place.  Any other 5xx (a crash, a proxy's page) keeps
    the gateway's own sentence."""
    if raw.status != 503:
        return None
    try:
        body = json.loads(raw.data)
    except ValueError:
        return None
    said = body.get("message") if isinstance(body, dict) and "code" in body else None
    return said if isinstance(said, str) and said.strip() else None


def _too_long(service: str, params: Mapping[str, Any]) -> BackendError:
    """The refusal of a request the service could not have read, saying which value
    made it too long, as the service would say a value is too long."""
    name, value = max(((k, _param(v)) for k, v in params.items() if v is not None), key=lambda kv: len(kv[1]),
                      default=("address", ""))
    said = f"too long ({len(value):,} characters) to send to {FRIENDLY[service].lower()}; shorten it."
    return BackendError(422, {"code": "invalid", "message": f"`{name}` is {said}",
                              "fieldErrors": [{"field": ["query", name], "message": said[0].upper() + said[1:]}]})


def _param(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()
