import sys

from gateway.db import MIGRATIONS, UNMODELLED, VERSION_TABLE, metadata
from shared.cli import Component, main


def _seed() -> None:
    from gateway.seed import seed

    seed()


def _export_schema(args) -> int:
    """Write gateway/schema.graphql from the code (run after changing the API)."""
    from pathlib import Path

    from gateway.graph.schema import sdl

    Path(__file__).with_name("schema.graphql").write_text(sdl())
    return 0


sys.exit(main(Component(
    name="gateway",
    app_factory="gateway.app:create_app()",
    migrations_dir=MIGRATIONS,
    version_table=VERSION_TABLE,
    metadata=metadata,
    seed=_seed,
    unmodelled=UNMODELLED,
    extra_commands={"export-schema": _export_schema},
)))
