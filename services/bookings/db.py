"""The bookings service's own tables and database."""
from __future__ import annotations

from pathlib import Path

from shared.db import component_database, declarative_base

BookingsModel = declarative_base("BookingsModel")
VERSION_TABLE = "alembic_version_bookings"
MIGRATIONS = Path(__file__).parent / "migrations"
database = component_database("bookings")
UNMODELLED: tuple[str, ...] = ()


def metadata():
    import services.bookings.audit  # noqa: F401  (the audit trail)
    import services.bookings.bookings.models  # noqa: F401  (registers the tables)
    import services.bookings.copies.models  # noqa: F401
    import services.bookings.invoices.models  # noqa: F401  (credit notes)
    import services.bookings.messages  # noqa: F401  (the outbox table)
    import services.bookings.orders.models  # noqa: F401
    import services.bookings.payments.models  # noqa: F401  (Stripe's events)
    import services.bookings.sessions.models  # noqa: F401
    import services.bookings.vouchers.models  # noqa: F401

    return BookingsModel.metadata
