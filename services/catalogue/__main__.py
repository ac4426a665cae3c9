import sys

from services.catalogue.db import MIGRATIONS, UNMODELLED, VERSION_TABLE, metadata
from shared.cli import Component, main


def _seed() -> None:
    from services.catalogue.seed import seed

    seed()


sys.exit(main(Component(
    name="catalogue",
    app_factory="services.catalogue.app:create_app()",
    migrations_dir=MIGRATIONS,
    version_table=VERSION_TABLE,
    metadata=metadata,
    seed=_seed,
    unmodelled=UNMODELLED,
)))
