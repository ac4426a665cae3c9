import sys

from services.networks.db import MIGRATIONS, UNMODELLED, VERSION_TABLE, metadata
from shared.cli import Component, main


def _seed() -> None:
    from services.networks.seed import seed

    seed()


def _jobs():
    from services.networks.scheduler import jobs

    return jobs()


sys.exit(main(Component(
    name="networks",
    app_factory="services.networks.app:create_app()",
    migrations_dir=MIGRATIONS,
    version_table=VERSION_TABLE,
    metadata=metadata,
    seed=_seed,
    unmodelled=UNMODELLED,
    jobs=_jobs,
)))
