"""Alembic, one migration history per component, driven from code.

Each component keeps `migrations/` (env.py, versions/) beside its models and its own
version table, so several components may even share one database without stepping
on each other's history.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, create_engine, pool

from shared.db import ensure_sqlite_folder, normalise_url


def alembic_config(migrations_dir: Path, url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir))
    cfg.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return cfg


def upgrade(migrations_dir: Path, url: str, revision: str = "head") -> None:
    ensure_sqlite_folder(url)
    command.upgrade(alembic_config(migrations_dir, url), revision)


def downgrade(migrations_dir: Path, url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(migrations_dir, url), revision)


def drift(url: str, metadata: MetaData, version_table: str, unmodelled: Iterable[str] = ()) -> list:
    """What autogenerate would still write: empty when models and migrations agree."""
    engine = create_engine(normalise_url(url), poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(
                conn,
                opts={"compare_type": True, "version_table": version_table,
                      "include_object": object_filter(unmodelled)},
            )
            return compare_metadata(ctx, metadata)
    finally:
        engine.dispose()


def object_filter(unmodelled: Iterable[str] = ()):
    """Leave out what migrations keep outside the models on purpose (full-text columns,
    indexes and shadow tables, named by prefix) and other components' version tables."""
    prefixes = tuple(unmodelled)

    def include_object(obj, name, type_, reflected, compare_to):
        if not reflected or compare_to is not None:
            return True
        if type_ == "table" and name.startswith("alembic_version"):
            return False
        return not (prefixes and name and name.startswith(prefixes))

    return include_object


def run_env(metadata: MetaData, version_table: str, unmodelled: Iterable[str] = ()) -> None:
    """The body of every component's migrations/env.py."""
    from alembic import context

    config = context.config
    url = config.get_main_option("sqlalchemy.url")
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            version_table=version_table,
            compare_type=True,
            render_as_batch=connection.dialect.name == "sqlite",
            include_object=object_filter(unmodelled),
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
