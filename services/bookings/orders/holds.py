"""The bookings scheduler's side of orders: card orders whose hold lapsed unpaid give
their places (and their voucher use) back, exactly once."""
from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from sqlmodel import Session, select

from services.bookings.audit import log_order
from services.bookings.orders import attendees as attendee_bookings
from services.bookings.orders.models import Order, OrderLine
from services.bookings.sessions.places import give_back_external_places
from services.bookings.vouchers import service as vouchers
from shared.clock import utcnow
from shared.vocabulary import OrderStatus


def release_lapsed_holds(db: Session) -> int:
    """The scheduler's job: card orders still unpaid when their hold lapses become
    EXPIRED and give their places back.  Exactly once, however many schedulers run or
    however late: one conditional UPDATE claims the orders (only those still
    AWAITING_PAYMENT and past their time), and a concurrent run — waiting on the same
    rows, then finding them changed — claims none.  Returns how many lapsed."""
    now = utcnow()
    table = Order.__table__
    claimed = db.execute(
        sa.update(table)
        .where(table.c.status == OrderStatus.AWAITING_PAYMENT, table.c.hold_expires_at < now)
        .values(status=OrderStatus.EXPIRED, updated_at=now)
        .returning(table.c.id, table.c.hold_expires_at)).all()
    if not claimed:
        return 0
    ids = [order_id for order_id, _ in claimed]
    lines = db.exec(select(OrderLine).where(OrderLine.order_id.in_(ids))).all()
    given_back: dict[int, int] = defaultdict(int)
    for line in lines:
        given_back[line.session_id] += line.quantity
    for session_id, n in sorted(given_back.items()):
        # No waiting list to offer them to: trust waiting lists queue for trust places
        # (see cancel_places); the places are on sale again at once.
        give_back_external_places(db, session_id, n)
    vouchers.give_back(db, ids)
    for order_id, _ in sorted(claimed):
        log_order(db, None, "order.hold_lapsed", order_id,
                  {"status": [OrderStatus.AWAITING_PAYMENT.value, OrderStatus.EXPIRED.value]})
    for order in db.exec(select(Order).where(Order.id.in_(ids)).order_by(Order.id)).all():
        attendee_bookings.align(db, None, order)
    return len(claimed)
