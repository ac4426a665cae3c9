import sys

from services.bookings.db import MIGRATIONS, UNMODELLED, VERSION_TABLE, metadata
from shared.cli import Component, main


def _seed() -> None:
    from services.bookings.seed import seed

    seed()


def _jobs():
    from services.bookings.scheduler import jobs

    return jobs()


sys.exit(main(Component(
    name="bookings",
    app_factory="services.bookings.app:create_app()",
    migrations_dir=MIGRATIONS,
    version_table=VERSION_TABLE,
    metadata=metadata,
    unmodelled=UNMODELLED,
    seed=_seed,
    jobs=_jobs,
)))
