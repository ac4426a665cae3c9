"""Stripe's events, recorded by event id and applied once.

`record_event` inserts the event's row and, only if this delivery inserted it, runs the
handler registered for its type, in the same transaction: a repeat delivery (Stripe
retries until it gets a 2xx, and can send one event twice at once) finds the row and
does nothing; a handler that fails rolls the row back with it, so Stripe's retry gets
a second chance.  Events may arrive in any order, so a handler decides from the state
of the object in the event and of the order, never from which event came last (a
`payment_failed` arriving after `succeeded` must leave a paid order paid).

Types nothing is registered for are recorded and ignored.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from services.bookings.payments.models import StripeEvent
from services.bookings.payments.schemas import StripeEventIn

# Who acts on which event type.  The orders model registers payment_intent.succeeded
# and payment_intent.payment_failed.
Handler = Callable[[Session, StripeEvent], None]
HANDLERS: dict[str, Handler] = {}


def handles(event_type: str) -> Callable[[Handler], Handler]:
    """Register `handler` for `event_type`: called once per event id, in the transaction
    that records it."""

    def register(handler: Handler) -> Handler:
        if event_type in HANDLERS and HANDLERS[event_type] is not handler:
            raise RuntimeError(f"{event_type} already has a handler")
        HANDLERS[event_type] = handler
        return handler
    return register


def record_event(db: Session, event: StripeEventIn) -> tuple[bool, str]:
    """Record `event` and apply it, unless its id was recorded before.  Returns whether
    this call recorded it, and the outcome (of this call, or of the first).  Two
    deliveries at the same instant make one row and one application: the unique event
    id decides, inside the database (INSERT … ON CONFLICT DO NOTHING; the second waits
    for the first to commit on PostgreSQL, SQLite takes one writer at a time)."""
    obj = event.data.object
    intent_id = obj.get("id") if obj.get("object") == "payment_intent" else None
    order_id = str((obj.get("metadata") or {}).get("order_id", ""))
    handler = HANDLERS.get(event.type)
    values = {
        "event_id": event.id, "type": event.type,
        "created_at": datetime.fromtimestamp(event.created, tz=timezone.utc),
        "received_at": datetime.now(timezone.utc),
        "payment_intent_id": intent_id if isinstance(intent_id, str) else None,
        "order_id": int(order_id) if order_id.isdigit() and len(order_id) < 10 else None,
        "outcome": "applied" if handler else "ignored",
        "payload": obj,
    }
    insert = pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
    inserted = db.execute(insert(StripeEvent).values(**values)
                          .on_conflict_do_nothing(index_elements=["event_id"])
                          .returning(StripeEvent.id)).first()
    if inserted is None:
        earlier = db.exec(select(StripeEvent.outcome).where(StripeEvent.event_id == event.id)).one()
        return False, earlier
    if handler:
        handler(db, db.get(StripeEvent, inserted[0]))
    return True, values["outcome"]
