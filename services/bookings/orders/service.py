"""Orders, as domain operations: start one (holding or confirming its places), read
them, cancel places, substitute attendees, record an invoice's payment, and release
lapsed holds.  Every change is audited in its own transaction.

Who may do what: an external booker (the EXTERNAL_BOOKER role with an organisation,
as the gateway vouches) buys for their organisation and sees only its orders; admins
see every order, record payments and cancel after the deadline; trust staff never
pay — they book free (bookings/) — and are refused outright.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from services.bookings.audit import ORDER_FIELDS, log_order
from services.bookings.copies.models import CourseListing
from services.bookings.invoices import service as invoices
from services.bookings.orders import attendees as attendee_bookings
from services.bookings.orders.models import HOLDS_PLACES, InvoiceCounter, Order, OrderAttendee, OrderLine
from services.bookings.orders.schemas import AttendeeIn, OrderIn
from services.bookings.payments.refunds import refund_cancelled_places
from services.bookings.sessions.models import CourseSession
from services.bookings.sessions.places import give_back_external_places, take_external_places
from services.bookings.vouchers import service as vouchers
from shared.audit import created, diff, snapshot
from shared.clock import LONDON, as_utc, utcnow
from shared.errors import Conflict, Forbidden, Invalid, NotFound, field_error
from shared.tokens import Identity
from shared.vocabulary import OrderStatus, PaymentMethod, Role, SessionStatus, Visibility

INVOICE = "invoice"


def invoice_label(number: int | None) -> str | None:
    return None if number is None else f"LL-INV-{number:06d}"


# ---------- who may see which order ----------


def buying_organisation(identity: Identity) -> int | None:
    """The organisation the caller buys for: only an external booker's, never trust staff's."""
    if identity.has_role(Role.EXTERNAL_BOOKER) and identity.organisation_id is not None \
            and not identity.is_trust_member:
        return identity.organisation_id
    return None


def _refuse_trust_staff(identity: Identity) -> None:
    if not identity.is_admin and buying_organisation(identity) is None and identity.is_trust_member:
        raise Forbidden("Trust staff book trust CPD free; orders are for schools outside the trust.")


def get_order(db: Session, identity: Identity, order_id: int, *, for_update: bool = False) -> Order:
    """The order, if the caller may see it: admins any, a booker their organisation's.
    Trust staff are refused (403); anyone else finds nothing (404), whether or not it
    exists."""
    _refuse_trust_staff(identity)
    stmt = select(Order).where(Order.id == order_id)
    if for_update:
        stmt = stmt.with_for_update()
    order = db.exec(stmt).first()
    if order is None or not (identity.is_admin or order.organisation_id == buying_organisation(identity)):
        raise NotFound("There is no such order, or it is not your organisation's.")
    return order


def list_orders(db: Session, identity: Identity, organisation_ids: list[int] | None, status: OrderStatus | None,
                offset: int, first: int, ids: list[int] | None = None) -> tuple[list[Order], int]:
    """Orders, newest first: every organisation's for admins (or those named), only their
    own organisation's for a booker (asking for another's finds nothing, not even a
    count; naming theirs among others answers theirs only)."""
    _refuse_trust_staff(identity)
    where = []
    if not identity.is_admin:
        own = buying_organisation(identity)
        if own is None or (organisation_ids is not None and own not in organisation_ids):
            return [], 0
        where.append(Order.organisation_id == own)
    elif organisation_ids is not None:
        where.append(Order.organisation_id.in_(organisation_ids))
    if status is not None:
        where.append(Order.status == status)
    if ids is not None:
        where.append(Order.id.in_(ids))
    total = db.exec(select(sa.func.count()).select_from(Order).where(*where)).one()
    rows = db.exec(select(Order).where(*where).order_by(Order.id.desc()).offset(offset).limit(first)).all()
    return list(rows), total


def lines_of(db: Session, orders: list[Order]) -> dict[int, list[tuple[OrderLine, list[OrderAttendee]]]]:
    """Each order's lines with their attendees, in two queries however many orders."""
    ids = [o.id for o in orders]
    if not ids:
        return {}
    lines = db.exec(select(OrderLine).where(OrderLine.order_id.in_(ids)).order_by(OrderLine.id)).all()
    people = defaultdict(list)
    if lines:
        for a in db.exec(select(OrderAttendee).where(OrderAttendee.line_id.in_([ln.id for ln in lines]))
                         .order_by(OrderAttendee.id)).all():
            people[a.line_id].append(a)
    out = defaultdict(list)
    for line in lines:
        out[line.order_id].append((line, people[line.id]))
    return out


# ---------- starting an order ----------


def _on_sale_problem(session: CourseSession | None, price: int | None, now) -> str | None:
    """Why a session cannot be bought, in a sentence; None when it can."""
    if session is None or not session.course_published or session.course_visibility != Visibility.PUBLIC:
        return "There is no such session on sale to schools outside the trust."
    if session.status != SessionStatus.SCHEDULED:
        return "This session has been cancelled, so it cannot be bought."
    if as_utc(session.starts_at) <= now:
        return "This session has already started; choose a later date."
    if as_utc(session.booking_closes_at) <= now:
        return "Booking for this session has closed."
    if session.external_places == 0:
        return "This session has no places for schools outside the trust."
    if price is None:
        return "This course has no price for schools outside the trust yet; ask the CPD team."
    return None


def _when(session: CourseSession) -> str:
    return as_utc(session.starts_at).astimezone(LONDON).strftime("%-d %B %Y")


def start_order(db: Session, identity: Identity, data: OrderIn) -> tuple[Order, bool]:
    """Start an order for the caller's organisation.

    Guarantees: never more places sold on a session than its external share (one
    conditional UPDATE per session decides, all of a line's places or none); the
    whole order or nothing (a line that cannot be had refuses the order, and the
    transaction gives back what the others took); prices fixed now from the course's
    listing.  A CARD order holds its places for LL_ORDER_HOLD_MINUTES; an INVOICE
    order confirms them at once and takes the next invoice number (no gaps, no
    duplicates).  A retry with the same idempotency key answers the first order
    (created=False).
    """
    organisation_id = buying_organisation(identity)
    if organisation_id is None:
        if identity.is_trust_member:
            raise Forbidden("Trust staff book trust CPD free; orders are for schools outside the trust.")
        raise Forbidden("Register your school as a buyer before ordering places.")
    if data.idempotency_key:
        earlier = db.exec(select(Order).where(Order.created_by_id == identity.person_id,
                                              Order.idempotency_key == data.idempotency_key)).first()
        if earlier is not None:
            return earlier, False
    now = utcnow()
    ids = [line.session_id for line in data.lines]
    found = {s.id: (s, price) for s, price in db.exec(
        select(CourseSession, CourseListing.external_price_pence)
        .outerjoin(CourseListing, CourseListing.course_id == CourseSession.course_id)
        .where(CourseSession.id.in_(ids))).all()}
    problems = []
    for i, line in enumerate(data.lines):
        session, price = found.get(line.session_id, (None, None))
        problem = _on_sale_problem(session, price, now)
        if problem:
            problems.append(field_error(["lines", str(i), "session_id"], problem))
    if problems:
        raise Invalid("The order was not started; see the field errors.", problems)

    card = data.payment_method == PaymentMethod.CARD
    order = Order(organisation_id=organisation_id, payment_method=data.payment_method,
                  status=OrderStatus.AWAITING_PAYMENT if card else OrderStatus.INVOICED,
                  purchase_order_number=data.purchase_order_number,
                  hold_expires_at=now + timedelta(minutes=_hold_minutes()) if card else None,
                  created_by_id=identity.person_id or 0, created_by_name=identity.name or "",
                  created_by_email=identity.email,
                  idempotency_key=data.idempotency_key, created_at=now, updated_at=now)
    db.add(order)
    db.flush()
    total = 0
    # Sessions in id order, so two orders for the same sessions take their rows' locks
    # in one order and never deadlock.
    for line in sorted(data.lines, key=lambda ln: ln.session_id):
        session, price = found[line.session_id]
        n = len(line.attendees)
        if not take_external_places(db, session.id, n, now):
            db.refresh(session)
            left = max(session.external_places - session.external_taken, 0)
            raise Conflict(f"{session.course_title} on {_when(session)} has "
                           f"{'no places' if left == 0 else f'only {left} place' + ('s' if left > 1 else '')} "
                           f"left for schools outside the trust; you asked for {n}. Nothing was ordered.")
        row = OrderLine(order_id=order.id, session_id=session.id, unit_price_pence=price, quantity=n)
        db.add(row)
        db.flush()
        db.add_all([OrderAttendee(line_id=row.id, name=a.name, email=a.email) for a in line.attendees])
        total += price * n
    order.total_pence = total - vouchers.redeem(db, order, data.voucher_code)
    if not card:
        # Last, so the counter's row lock is held for as short a time as possible.
        order.invoice_number = next_number(db, INVOICE)
        order.invoiced_pence = order.total_pence
    db.flush()
    log_order(db, identity, "order.started", order.id, created({
        **snapshot(order, ORDER_FIELDS),
        "places": {str(ln.session_id): len(ln.attendees) for ln in data.lines}}))
    attendee_bookings.align(db, identity, order)
    invoices.order_invoiced(db, order)
    return order, True


def _hold_minutes() -> int:
    from shared.settings import get_settings

    return get_settings().order_hold_minutes


def next_number(db: Session, name: str) -> int:
    """The next number of a document sequence, in the caller's transaction: the
    counter's row is locked until commit, and a rollback gives the number back, so the
    numbers issued run without gaps or duplicates however many orders finish at once."""
    table = InvoiceCounter.__table__
    bump = (sa.update(table).where(table.c.name == name).values(last=table.c.last + 1).returning(table.c.last))
    number = db.execute(bump).scalar_one_or_none()
    if number is None:
        # The first document of its kind: make the counter (if a concurrent first made
        # it already, this does nothing and the UPDATE then waits its turn).
        insert = pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
        db.execute(insert(table).values(name=name, last=0).on_conflict_do_nothing())
        number = db.execute(bump).scalar_one()
    return number


# ---------- changing an order ----------


def _sessions_of(db: Session, lines: list[OrderLine]) -> dict[int, CourseSession]:
    ids = [ln.session_id for ln in lines]
    return {s.id: s for s in db.exec(select(CourseSession).where(CourseSession.id.in_(ids))).all()}


def cancel_places(db: Session, identity: Identity, order_id: int, attendee_ids: list[int] | None,
                  reason: str | None) -> Order:
    """Cancel some attendees of an order, or all of it; their places go back to their
    sessions.  The booker until each session's cancellation deadline; after it only an
    admin, with a reason.  An order with no places left is CANCELLED.  The order's
    row is locked, so two cancellations at once give each place back once.

    A paid card order's places cancelled before the deadline are refunded, an invoiced
    order's credited, by what was paid for them: the fall in `total_pence`, which
    follows the live places less what is left of the discount on them (vouchers/),
    so a discounted place gives back its discounted price (payments/refunds.py,
    invoices/).  `invoiced_pence` keeps what the invoice said.
    """
    order = get_order(db, identity, order_id, for_update=True)
    if order.status not in HOLDS_PLACES:
        raise Conflict("This order holds no places any more, so there is nothing to cancel.")
    lines = lines_of(db, [order])[order.id]
    live = {a.id: (line, a) for line, people in lines for a in people if a.cancelled_at is None}
    if attendee_ids is None:
        chosen = list(live)
    else:
        unknown = [i for i in attendee_ids if i not in live]
        if unknown:
            raise Invalid("Nothing was cancelled; see the field errors.", [field_error(
                "attendee_ids", "Choose attendees of this order who still hold a place.")])
        chosen = list(dict.fromkeys(attendee_ids))
    if order.status == OrderStatus.AWAITING_PAYMENT and len(chosen) < len(live):
        # Stripe's PaymentIntent asks for the whole basket: fewer places now would be
        # paid at the old price.  Cancelling all of it gives every place back at once.
        raise Conflict("This order is waiting for its card payment, so it can only be cancelled whole; "
                       "cancel it and start a new order with the places you want.")
    sessions = _sessions_of(db, [line for line, _ in lines])
    now = utcnow()
    late = sorted({sessions[live[i][0].session_id].course_title for i in chosen
                   if as_utc(sessions[live[i][0].session_id].cancellation_deadline) < now})
    if late and not identity.is_admin:
        raise Conflict(f"The cancellation deadline has passed for {', '.join(late)}; "
                       "ask the CPD team, who can cancel after it.")
    if late and not reason:
        raise Invalid("Nothing was cancelled; see the field errors.", [field_error(
            "reason", "Say why these places are cancelled after the deadline.")])
    before = snapshot(order, ORDER_FIELDS)
    given_back: dict[int, int] = defaultdict(int)
    names = []
    for i in chosen:
        line, attendee = live[i]
        attendee.cancelled_at = now
        line.quantity -= 1
        given_back[line.session_id] += 1
        names.append(attendee.name)
        db.add_all([attendee, line])
    for session_id, n in sorted(given_back.items()):
        give_back_external_places(db, session_id, n)
        # Trust staff's waiting lists queue for trust places only (waiting_list/,
        # take_trust_place): a place given back from an order stays in the external
        # share, for the next school that buys it, so nobody waiting is offered it.
    vouchers.reprice_after_cancelling(db, identity, order)
    order.total_pence = sum(line.unit_price_pence * line.quantity for line, _ in lines) - order.discount_pence
    order.total_pence = max(order.total_pence, 0)
    if len(chosen) == len(live):
        order.status = OrderStatus.CANCELLED
        order.hold_expires_at = None
    refund_cancelled_places(db, identity, order, before["total_pence"], late=bool(late))
    if reason:
        order.cancel_reason = reason
    order.updated_at = now
    db.add(order)
    db.flush()
    changes = diff(before, snapshot(order, ORDER_FIELDS))
    changes["cancelled_attendees"] = [None, names]
    log_order(db, identity, "order.cancelled" if order.status == OrderStatus.CANCELLED else "order.places_cancelled",
              order.id, changes)
    invoices.credit_for_cancelled_places(db, identity, order, before["total_pence"],
                                         reason or f"Places cancelled: {', '.join(names)}", late=bool(late))
    attendee_bookings.align(db, identity, order)
    return order


def substitute_attendee(db: Session, identity: Identity, order_id: int, attendee_id: int,
                        new: AttendeeIn) -> Order:
    """Put a new name and email on an attendee's place, until the session starts; the
    booker of the order's organisation or an admin."""
    order = get_order(db, identity, order_id, for_update=True)
    if order.status not in HOLDS_PLACES:
        raise Conflict("This order holds no places any more, so nobody can be substituted.")
    found = db.exec(select(OrderAttendee, OrderLine).join(OrderLine, OrderLine.id == OrderAttendee.line_id)
                    .where(OrderAttendee.id == attendee_id, OrderLine.order_id == order.id)).first()
    if found is None:
        raise NotFound("There is no such attendee on this order.")
    attendee, line = found
    if attendee.cancelled_at is not None:
        raise Conflict("This attendee's place was cancelled, so there is nobody to substitute.")
    session = db.get(CourseSession, line.session_id)
    if as_utc(session.starts_at) <= utcnow():
        raise Conflict("This session has started; attendees can be substituted only before it starts.")
    before = {"attendee_name": attendee.name, "attendee_email": attendee.email}
    attendee.name, attendee.email = new.name, new.email
    order.updated_at = utcnow()
    db.add_all([attendee, order])
    db.flush()
    log_order(db, identity, "order.attendee_substituted", order.id,
              diff(before, {"attendee_name": attendee.name, "attendee_email": attendee.email}))
    attendee_bookings.substitute(db, identity, attendee, session)
    return order


def record_payment(db: Session, identity: Identity, order_id: int, paid_on: date, reference: str) -> Order:
    """Admins record that an invoiced order was paid (the date, the bank's reference):
    INVOICED becomes PAID, once."""
    order = get_order(db, identity, order_id, for_update=True)
    if not identity.is_admin:
        raise Forbidden("Only Lighthouse Learning admins record payments.")
    if order.status != OrderStatus.INVOICED:
        raise Conflict("Only an invoiced order awaiting payment can have a payment recorded; "
                       f"this one is {order.status.value.lower().replace('_', ' ')}.")
    if paid_on > utcnow().astimezone(LONDON).date():
        raise Invalid("The payment was not recorded; see the field errors.",
                      [field_error("paid_on", "The payment date cannot be in the future.")])
    before = snapshot(order, ORDER_FIELDS)
    order.status, order.paid_on, order.payment_reference = OrderStatus.PAID, paid_on, reference
    order.updated_at = utcnow()
    db.add(order)
    db.flush()
    log_order(db, identity, "order.payment_recorded", order.id, diff(before, snapshot(order, ORDER_FIELDS)))
    invoices.payment_recorded(db, order)
    return order
