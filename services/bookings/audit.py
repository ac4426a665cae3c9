"""The bookings service's audit trail (shared/audit.py): what people did to sessions,
bookings and orders, each entry written in the transaction of the change.  A booking's
entries hang off its session, so a session's history holds its bookings' too; an
order's stand alone (one order spans sessions)."""
from __future__ import annotations

from sqlmodel import Session

from services.bookings.bookings.models import Booking
from services.bookings.db import BookingsModel
from shared import audit
from shared.audit import Changes, diff, snapshot
from shared.tokens import Identity

AuditEntry = audit.audit_model(BookingsModel)

# What an admin changes on a session (its course listing is the catalogue's, copied).
SESSION_FIELDS = ("starts_at", "ends_at", "venue", "online_url", "capacity", "external_places", "requires_approval",
                  "booking_closes_at", "cancellation_deadline", "status", "cancel_reason")
# What a booking's history follows: where it stands, and what was said about it.
BOOKING_FIELDS = ("status", "offer_expires_at", "decision_note")

PHRASES = {
    "session.scheduled": "Session scheduled",
    "session.changed": "Session changed",
    "session.cancelled": "Session cancelled",
    "session.register_taken": "Register taken",
    "session.register_corrected": "Register corrected",
    "booking.made": "Booking made for {label}",
    "booking.cancelled": "{label}'s booking cancelled",
    "booking.confirmed": "{label}'s place confirmed",
    "booking.approved": "{label}'s booking approved",
    "booking.declined": "{label}'s booking declined",
    "booking.offered": "A place offered to {label} from the waiting list",
    "booking.offer_accepted": "{label} accepted the place offered",
    "booking.offer_lapsed": "The place offered to {label} lapsed",
    "booking.attendance_taken": "{label}'s attendance recorded",
    "booking.attendance_corrected": "{label}'s attendance corrected",
    "booking.feedback_left": "{label} left feedback",
    "order.started": "{label} started",
    "order.invoiced": "{label} invoiced",
    "order.payment_recorded": "Payment recorded for {label}",
    "order.places_cancelled": "Places cancelled on {label}",
    "order.cancelled": "{label} cancelled",
    "order.session_cancelled": "A session was cancelled: its places on {label} with it",
    "order.hold_lapsed": "The hold on {label} lapsed",
    "order.attendee_substituted": "An attendee substituted on {label}",
    "order.payment_unavailable": "Card payments were unavailable: {label} gave its places back",
    "order.paid": "{label} paid by card",
    "order.nothing_to_pay": "{label} had nothing to pay (a voucher took the whole price): its places confirmed",
    "order.paid_after_lapse": "{label} paid by card after its hold lapsed; its places taken again",
    "order.payment_failed": "A card payment for {label} failed",
    "order.refunded": "Money refunded on {label}",
    "order.credit_note_issued": "Credit note issued on {label}",
    "voucher.created": "Voucher {label} made",
    "voucher.use_given_back": "A use of voucher {label} given back",
}
OBJECT_TYPES = ("session", "booking", "order", "voucher")
# What an order's history follows.
ORDER_FIELDS = ("status", "payment_method", "purchase_order_number", "total_pence", "discount_pence",
                "invoiced_pence", "invoice_number", "hold_expires_at", "paid_on", "payment_reference",
                "cancel_reason")


def log_session(db: Session, identity: Identity | None, action: str, session_id: int, changes: Changes) -> bool:
    return audit.log_action(db, AuditEntry, identity, action, ("session", session_id), changes)


def log_booking(db: Session, identity: Identity | None, action: str, booking: Booking, changes: Changes) -> bool:
    """An entry for a booking, hung off its session, named by its attendee."""
    return audit.log_action(db, AuditEntry, identity, action, ("booking", booking.id), changes,
                            parent=("session", booking.session_id), label=booking.attendee_name)


def booking_state(booking: Booking) -> dict:
    return snapshot(booking, BOOKING_FIELDS)


def log_booking_change(db: Session, identity: Identity | None, action: str, booking: Booking, before: dict) -> bool:
    """An entry for what changed on `booking` since `before` (booking_state)."""
    return log_booking(db, identity, action, booking, diff(before, booking_state(booking)))



def log_order(db: Session, identity: Identity | None, action: str, order_id: int, changes: Changes) -> bool:
    """An entry for an order (identity None: the system, e.g. a hold lapsing)."""
    return audit.log_action(db, AuditEntry, identity, action, ("order", order_id), changes, label=f"Order {order_id}")


def log_voucher(db: Session, identity: Identity | None, action: str, voucher, changes: Changes) -> bool:
    """An entry for a voucher (vouchers/), named by its code."""
    return audit.log_action(db, AuditEntry, identity, action, ("voucher", voucher.id), changes, label=voucher.code)
