"""The gateway's own tables and database."""
from __future__ import annotations

from pathlib import Path

from shared.db import Database, declarative_base, get_database
from shared.settings import Settings, get_settings

GatewayModel = declarative_base("GatewayModel")
VERSION_TABLE = "alembic_version_gateway"
MIGRATIONS = Path(__file__).parent / "migrations"
UNMODELLED: tuple[str, ...] = ()


def database(settings: Settings | None = None) -> Database:
    return get_database((settings or get_settings()).database_url_for("gateway"))


def metadata():
    import gateway.identity.models  # noqa: F401  (registers the tables)

    return GatewayModel.metadata
