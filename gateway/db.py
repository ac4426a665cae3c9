"""The gateway's own database: where it is, its migrations, and its tables (those of
gateway/identity)."""
from __future__ import annotations

from pathlib import Path

from gateway.identity.models import GatewayModel
from shared.db import component_database

VERSION_TABLE = "alembic_version_gateway"
MIGRATIONS = Path(__file__).parent / "migrations"
database = component_database("gateway")
UNMODELLED: tuple[str, ...] = ()


def metadata():
    import gateway.identity.facts  # noqa: F401  (the fact outbox)

    return GatewayModel.metadata
