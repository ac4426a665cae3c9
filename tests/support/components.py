"""The components under test: their databases, migrations and clean-up."""
from __future__ import annotations

import importlib

import sqlalchemy as sa

from shared.db import get_database, normalise_url
from shared.migrations import upgrade
from shared.settings import get_settings

COMPONENTS = {
    "gateway": "gateway.db",
    "catalogue": "services.catalogue.db",
    "bookings": "services.bookings.db",
    "networks": "services.networks.db",
}


def db_module(name: str):
    return importlib.import_module(COMPONENTS[name])


def url(name: str) -> str:
    return get_settings().database_url_for(name)


def create_databases() -> None:
    """A fresh PostgreSQL database per component (and per xdist worker); SQLite files
    appear by themselves."""
    settings = get_settings()
    if not settings.database_url:
        return
    server = sa.create_engine(normalise_url(settings.database_url).rsplit("/", 1)[0] + "/postgres",
                              isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        for name in COMPONENTS:
            db = sa.engine.make_url(normalise_url(url(name))).database
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{db}"')
    server.dispose()


def migrate_all() -> None:
    for name in COMPONENTS:
        upgrade(db_module(name).MIGRATIONS, url(name))


def empty_all() -> None:
    """Every component's tables emptied, sequences restarted."""
    for name in COMPONENTS:
        meta = db_module(name).metadata()
        db = get_database(url(name))
        tables = [t.name for t in meta.sorted_tables]
        if not tables:
            continue
        with db.engine.begin() as conn:
            if db.is_sqlite:
                for table in reversed(tables):
                    conn.exec_driver_sql(f'DELETE FROM "{table}"')
                conn.exec_driver_sql("DELETE FROM sqlite_sequence") if _has_sequence_table(conn) else None
            else:
                conn.exec_driver_sql(
                    "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")


def _has_sequence_table(conn) -> bool:
    return conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").first() is not None


def dispose_all() -> None:
    for name in COMPONENTS:
        get_database(url(name)).dispose()
