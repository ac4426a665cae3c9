"""Calling the services: a signed token per call, the request id passed along,
failures turned into errors a GraphQL answer can carry.

Every call goes through `Backends.call`, which also counts calls per request so that
tests (and the N+1 guard) can see how many round trips a query made.
"""
from __future__ import annotations

from typing import Any

import httpx

from shared import tokens
from shared.settings import Settings

SERVICES = ("catalogue", "bookings", "networks")
FRIENDLY = {
    "catalogue": "The course catalogue",
    "bookings": "The bookings service",
    "networks": "The networks service",
}


class BackendUnavailable(Exception):
    def __init__(self, service: str):
        super().__init__(f"{FRIENDLY[service]} is unavailable just now; please try again in a minute.")
        self.service = service


class BackendError(Exception):
    """A 4xx from a service, in the shared error shape."""

    def __init__(self, status: int, body: dict):
        super().__init__(body.get("message") or "The request was refused.")
        self.status = status
        self.message = body.get("message") or "The request was refused."
        self.code = body.get("code") or "error"
        self.field_errors = body.get("fieldErrors") or []


class Backends:
    """One per process: a connection-pooled client per service."""

    def __init__(self, settings: Settings, transport: httpx.BaseTransport | None = None):
        self.settings = settings
        self._private_key = settings.private_key_pem()
        self._clients = {
            name: httpx.Client(
                base_url=settings.service_url(name),
                timeout=settings.backend_timeout_seconds,
                transport=transport,
                limits=httpx.Limits(max_connections=50, max_keepalive_connections=20),
            )
            for name in SERVICES
        }

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
              request_id: str | None = None, counter: list | None = None, **kwargs: Any) -> httpx.Response:
        """The service's response as it came (a PDF, a calendar), 5xx and network
        failures raised as BackendUnavailable."""
        token = tokens.sign(identity, audience=service, private_key_pem=self._private_key,
                            ttl_seconds=self.settings.service_token_ttl_seconds)
        headers = {"Authorization": f"Bearer {token}"}
        if request_id:
            headers["X-Request-ID"] = request_id
        if counter is not None:
            counter.append((service, method, path))
        try:
            response = self._clients[service].request(method, path, headers=headers, **kwargs)
        except httpx.HTTPError:
            raise BackendUnavailable(service) from None
        if response.status_code >= 500:
            raise BackendUnavailable(service)
        return response

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
