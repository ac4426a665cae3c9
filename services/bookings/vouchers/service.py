"""Vouchers, as domain operations: admins make and read them; an order redeems one
(orders/service.py calls `redeem` when it prices an order, `reprice_after_cancelling`
when places are cancelled and `give_back` when holds lapse).

The limit: a voucher's `uses` moves only by a conditional UPDATE (`uses < max_uses`)
in the transaction of the order that uses it, so however many orders arrive at once
no more than `max_uses` get the discount, and an order refused for any other reason
takes its use back with its rollback.  A use is given back when its order ends up
with no places (cancelled whole, or its hold lapsed unpaid): the limit counts orders
that bought something with the code, and a bursar whose hold lapsed while they
fetched the school's card should not have burnt one of a school-cluster's five uses.

The discount as ordered is shared out over the lines it applies to (each line's
`discount_share_pence`, fixed then), and a cancelled place takes its part of its
line's share with it: what is given back for cancelled places (a card refund, a
credit note) is the fall in the order's total, which is then what was paid for
those places — a percentage and a fixed sum alike — and the cancellations of every
place add up to exactly what was paid, however they fall.
"""
from __future__ import annotations

import math

import sqlalchemy as sa
from sqlmodel import Session, select

from services.bookings.audit import log_voucher
from services.bookings.orders.models import Order, OrderAttendee, OrderLine
from services.bookings.sessions.models import CourseSession
from services.bookings.vouchers.models import Voucher, VoucherUse
from services.bookings.vouchers.schemas import VoucherIn
from shared.audit import created
from shared.clock import LONDON, utcnow
from shared.errors import Forbidden, Invalid, NotFound, field_error
from shared.tokens import Identity

FIELDS = ("code", "percent_off", "amount_off_pence", "course_ids", "max_uses", "valid_from", "valid_until")


def _admins_only(identity: Identity) -> None:
    if not identity.is_admin:
        raise Forbidden("Only Lighthouse Learning admins manage vouchers.")


def discount_on(voucher: Voucher, eligible_pence: int) -> int:
    """What the voucher takes off lines worth `eligible_pence`: a percentage rounded up
    to the whole penny (in the buyer's favour), a fixed sum never more than the lines
    are worth; never below nothing."""
    if eligible_pence <= 0:
        return 0
    if voucher.percent_off is not None:
        return min(eligible_pence, math.ceil(eligible_pence * voucher.percent_off / 100))
    return min(voucher.amount_off_pence or 0, eligible_pence)


def _eligible_lines(db: Session, voucher: Voucher, order_id: int) -> list[OrderLine]:
    """The order's lines on the voucher's courses, in id order."""
    rows = db.exec(select(OrderLine, CourseSession.course_id)
                   .join(CourseSession, CourseSession.id == OrderLine.session_id)
                   .where(OrderLine.order_id == order_id).order_by(OrderLine.id)).all()
    return [line for line, course_id in rows if voucher.course_ids is None or course_id in voucher.course_ids]


def share_out(total: int, weights: list[int]) -> list[int]:
    """`total` pence in proportion to `weights`, in whole pence adding up to `total`
    exactly: each its floor, the pennies left over to the largest remainders (the
    first among equals)."""
    whole = sum(weights)
    if whole <= 0:
        return [0] * len(weights)
    parts = [total * w // whole for w in weights]
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in by_remainder[:total - sum(parts)]:
        parts[i] += 1
    return parts


def discount_left(share_pence: int, places_left: int, places_ordered: int) -> int:
    """What is left of a line's discount share on the places it still holds: the share
    in proportion, rounded up (the places kept keep the buyer's penny).  All places
    held: the whole share; none: nothing — so the parts the cancellations take add up
    to the share exactly."""
    if places_ordered <= 0 or places_left <= 0:
        return 0
    return -(-share_pence * min(places_left, places_ordered) // places_ordered)


def places_ordered(db: Session, line_ids: list[int]) -> dict[int, int]:
    """The places each line was ordered with: its attendees, cancelled ones included
    (an attendee row is never deleted; cancelling stamps it)."""
    if not line_ids:
        return {}
    return dict(db.exec(select(OrderAttendee.line_id, sa.func.count(OrderAttendee.id))
                        .where(OrderAttendee.line_id.in_(line_ids)).group_by(OrderAttendee.line_id)).all())


# ---------- admins ----------


def create_voucher(db: Session, identity: Identity, data: VoucherIn) -> Voucher:
    """An admin makes a voucher; its code is unique whatever its case."""
    _admins_only(identity)
    if db.exec(select(Voucher.id).where(Voucher.code == data.code)).first() is not None:
        raise Invalid("The voucher was not made; see the field errors.",
                      [field_error("code", f"There is already a voucher {data.code}; choose another code.")])
    voucher = Voucher(**data.model_dump(include=set(FIELDS)), created_by_id=identity.person_id or 0,
                      created_by_name=identity.name or "")
    if voucher.course_ids is not None:
        voucher.course_ids = sorted(set(voucher.course_ids))
    db.add(voucher)
    db.flush()
    log_voucher(db, identity, "voucher.created", voucher,
                created({k: getattr(voucher, k) if k not in ("valid_from", "valid_until")
                         else getattr(voucher, k).isoformat() for k in FIELDS}))
    return voucher


def list_vouchers(db: Session, identity: Identity, offset: int, first: int) -> tuple[list[Voucher], int]:
    """Every voucher, newest first (admins)."""
    _admins_only(identity)
    total = db.exec(select(sa.func.count()).select_from(Voucher)).one()
    rows = db.exec(select(Voucher).order_by(Voucher.id.desc()).offset(offset).limit(first)).all()
    return list(rows), total


def get_voucher(db: Session, identity: Identity, voucher_id: int) -> Voucher:
    _admins_only(identity)
    voucher = db.get(Voucher, voucher_id)
    if voucher is None:
        raise NotFound("There is no such voucher.")
    return voucher


def discounts_given(db: Session, vouchers: list[Voucher]) -> dict[int, int]:
    """What each voucher's standing uses took off, in one query however many vouchers."""
    ids = [v.id for v in vouchers]
    if not ids:
        return {}
    return dict(db.exec(select(VoucherUse.voucher_id, sa.func.sum(VoucherUse.discount_pence))
                        .where(VoucherUse.voucher_id.in_(ids), VoucherUse.given_back_at.is_(None))
                        .group_by(VoucherUse.voucher_id)).all())


def uses_of(db: Session, voucher: Voucher) -> list[VoucherUse]:
    return list(db.exec(select(VoucherUse).where(VoucherUse.voucher_id == voucher.id)
                        .order_by(VoucherUse.id.desc())).all())


# ---------- orders ----------


def _refuse(message: str):
    return Invalid("The order was not started; see the field errors.", [field_error("voucher_code", message)])


def redeem(db: Session, order: Order, code: str | None) -> int:
    """Apply the voucher `code` to `order` (its lines already made): set and return its
    discount, and count the use exactly once.  A code that cannot be used refuses the
    order (422 on `voucher_code`; the caller's rollback gives back any place taken).
    No code: no discount."""
    if not code:
        return 0
    voucher = db.exec(select(Voucher).where(Voucher.code == code.strip().upper())).first()
    if voucher is None:
        raise _refuse("There is no voucher with this code; check it was typed as given.")
    today = utcnow().astimezone(LONDON).date()
    if today < voucher.valid_from:
        raise _refuse(f"This voucher can be used from {voucher.valid_from:%-d %B %Y}.")
    if today > voucher.valid_until:
        raise _refuse(f"This voucher expired on {voucher.valid_until:%-d %B %Y}.")
    eligible = _eligible_lines(db, voucher, order.id)
    discount = discount_on(voucher, sum(line.unit_price_pence * line.quantity for line in eligible))
    if discount == 0:
        raise _refuse("This voucher is not for the courses in this order.")
    table = Voucher.__table__
    # The one statement that decides: a use is counted only while one is left, and on
    # PostgreSQL a concurrent order waits on the row and re-reads `uses` before it counts.
    counted = db.execute(sa.update(table).where(table.c.id == voucher.id, table.c.uses < table.c.max_uses)
                         .values(uses=table.c.uses + 1)).rowcount
    if counted != 1:
        raise _refuse("This voucher has been used as many times as it allows.")
    db.add(VoucherUse(voucher_id=voucher.id, order_id=order.id, organisation_id=order.organisation_id,
                      discount_pence=discount))
    # Each eligible line carries its part of the discount, by what its places are worth.
    for line, share in zip(eligible, share_out(discount, [ln.unit_price_pence * ln.quantity for ln in eligible])):
        line.discount_share_pence = share
        db.add(line)
    order.discount_pence = discount
    return discount


def _standing_use(db: Session, order_id: int) -> tuple[VoucherUse, Voucher] | None:
    return db.exec(select(VoucherUse, Voucher).join(Voucher, Voucher.id == VoucherUse.voucher_id)
                   .where(VoucherUse.order_id == order_id, VoucherUse.given_back_at.is_(None))).first()


def reprice_after_cancelling(db: Session, identity: Identity | None, order: Order) -> None:
    """After some of `order`'s places were cancelled (its lines' quantities lowered,
    flushed or not): its discount is what is left of its lines' shares on the places
    still held (discount_left) — a percentage and a fixed sum alike shrink with the
    places, so a cancelled place gives back what was paid for it, never its full
    price — and an order with no places left gives its use back.  Called inside the
    order's row lock, so once per change."""
    found = _standing_use(db, order.id)
    if found is None:
        return
    use, _ = found
    db.flush()
    lines = db.exec(select(OrderLine).where(OrderLine.order_id == order.id)).all()
    ordered = places_ordered(db, [line.id for line in lines])
    order.discount_pence = sum(discount_left(line.discount_share_pence, line.quantity, ordered.get(line.id, 0))
                               for line in lines)
    use.discount_pence = order.discount_pence
    db.add(use)
    if sum(line.quantity for line in lines) == 0:
        _give_back(db, identity, [order.id])


def give_back(db: Session, order_ids: list[int]) -> None:
    """The uses of these orders (their holds lapsed) go back to their vouchers."""
    _give_back(db, None, order_ids)


def _give_back(db: Session, identity: Identity | None, order_ids: list[int]) -> None:
    uses = VoucherUse.__table__
    # Stamped by a conditional UPDATE, so a use is given back once however it is reached.
    returned = db.execute(sa.update(uses).where(uses.c.order_id.in_(order_ids), uses.c.given_back_at.is_(None))
                          .values(given_back_at=utcnow()).returning(uses.c.voucher_id, uses.c.order_id)).all()
    table = Voucher.__table__
    for voucher_id, order_id in sorted(returned):
        db.execute(sa.update(table).where(table.c.id == voucher_id).values(uses=table.c.uses - 1))
        log_voucher(db, identity, "voucher.use_given_back", db.get(Voucher, voucher_id),
                    {"order_id": [order_id, None]})
