"""Demo subject networks, with fixed ids the gateway's demo grants refer to."""
from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import select

from services.networks.db import database
from services.networks.demo_networks import NETWORKS
from services.networks.networks.models import Network


def seed() -> bool:
    from services.networks.terms.seed import seed_calendar

    with database().session() as db:
        seed_calendar(db)  # its own check: a year missing is added to an existing database
    with database().session() as db:
        if db.exec(select(Network.id).limit(1)).first() is not None:
            return False
        db.add_all(Network(**n) for n in NETWORKS)
        db.flush()
        if db.get_bind().dialect.name == "postgresql":
            # explicit ids leave the sequence behind; move it past them
            db.exec(sa.text("SELECT setval(pg_get_serial_sequence('network', 'id'), (SELECT max(id) FROM network))"))
        return True
