"""Per-request state shared by every resolver of one GraphQL operation."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from gateway.backends import Backends
from gateway.identity.models import Person
from shared import tokens


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

    def call(self, service: str, method: str, path: str, **kwargs: Any) -> Any:
        return self.backends.call(service, method, path, identity=self.identity,
                                  request_id=self.request_id, counter=self.backend_calls, **kwargs)
