"""The gateway's own database: where it is, its migrations, and its tables (those of
gateway/identity)."""
from __future__ import annotations

from pathlib import Path

from gateway.identity.models import GatewayModel
from shared.db import Database, get_database
from shared.settings import Settings, get_settings

VERSION_TABLE = "alembic_version_gateway"
MIGRATIONS = Path(__file__).parent / "migrations"
UNMODELLED: tuple[str, ...] = ()


def database(settings: Settings | None = None) -> Database:
    return get_database((settings or get_settings()).database_url_for("gateway"))


def metadata():
    import gateway.identity.facts  # noqa: F401  (the fact outbox)

    return GatewayModel.metadata
