"""What every home section is given: who is looking, and the counted way to the services."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gateway.graph.context import GraphContext


@dataclass
class Viewer:
    """The signed-in person as the sections need them: `me` is the page's GraphQL
    answer ({ me { id name email school { id name } roles { role school network } } })."""
    me: dict
    ctx: GraphContext  # every call through it is counted (g.backend_calls) and capped

    def call(self, service: str, path: str, **params: Any) -> Any:
        return self.ctx.call(service, "GET", path, params=params or None)

    def has(self, role: str) -> bool:
        return any(grant["role"] == role for grant in self.me.get("roles") or [])

    def scopes(self, role: str, key: str) -> list[dict]:
        """The schools (key "school") or networks ("network") a role is held for."""
        return [grant[key] for grant in self.me.get("roles") or [] if grant["role"] == role and grant.get(key)]
