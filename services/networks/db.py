"""The networks service's own tables and database."""
from __future__ import annotations

from pathlib import Path

from shared.db import component_database, declarative_base

NetworksModel = declarative_base("NetworksModel")
VERSION_TABLE = "alembic_version_networks"
MIGRATIONS = Path(__file__).parent / "migrations"
database = component_database("networks")
UNMODELLED: tuple[str, ...] = ()


def metadata():
    import services.networks.audit  # noqa: F401  (registers the tables)
    import services.networks.facts  # noqa: F401
    import services.networks.meetings.messages  # noqa: F401
    import services.networks.meetings.models  # noqa: F401
    import services.networks.networks.models  # noqa: F401
    import services.networks.terms.models  # noqa: F401

    return NetworksModel.metadata
