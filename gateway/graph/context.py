"""Per-request state shared by every resolver of one GraphQL operation, and the one
way a resolver reaches a service (so that every call is counted and capped)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLError
from sqlmodel import Session

from gateway.backends import Backends, Reply
from gateway.identity.models import Person
from shared import tokens


class TooManyBackendCalls(GraphQLError):
    def __init__(self, cap: int):
        super().__init__(f"This request needs more than {cap} calls to the services behind the API, the most one "
                         "request may make; ask for less in one request, or split it into several.",
                         extensions={"code": "TOO_MANY_CALLS", "limit": cap})


@dataclass
class GraphContext:
    db: Session
    backends: Backends
    identity: tokens.Identity
    person: Person | None = None
    request_id: str | None = None
    # every backend round trip this operation made: (service, method, path)
    backend_calls: list = field(default_factory=list)
    cache: dict[str, Any] = field(default_factory=dict)
    # Changes are only checked, never saved (see Backends.fetch): a form with problems
    # of its own still learns what the services think of the rest.
    check_only: bool = False
    # The cost limit bounds what a query asks for; this bounds what answering it may
    # cost the services, whatever the estimate missed (LL_GRAPHQL_MAX_BACKEND_CALLS).
    max_backend_calls: int = 50

    def call(self, service: str, method: str, path: str, **kwargs: Any) -> Any:
        """The service's JSON answer; a refusal raised as BackendError."""
        self._spend_one()
        return self.backends.call(service, method, path, identity=self.identity,
                                  request_id=self.request_id, counter=self.backend_calls,
                                  check_only=self.check_only and method != "GET", **kwargs)

    def fetch(self, service: str, method: str, path: str, **kwargs: Any) -> Reply:
        """The service's answer as it came (for one whose body may be empty)."""
        self._spend_one()
        return self.backends.fetch(service, method, path, identity=self.identity,
                                   request_id=self.request_id, counter=self.backend_calls,
                                   check_only=self.check_only and method != "GET", **kwargs)

    def _spend_one(self) -> None:
        if len(self.backend_calls) >= self.max_backend_calls:
            raise TooManyBackendCalls(self.max_backend_calls)
