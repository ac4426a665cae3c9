import sys

from services.bookings.db import MIGRATIONS, UNMODELLED, VERSION_TABLE, metadata
from shared.cli import Component, main

sys.exit(main(Component(
    name="bookings",
    app_factory="services.bookings.app:create_app()",
    migrations_dir=MIGRATIONS,
    version_table=VERSION_TABLE,
    metadata=metadata,
    unmodelled=UNMODELLED,
)))
