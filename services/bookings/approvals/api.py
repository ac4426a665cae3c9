"""HTTP for approvals: school leaders' decisions on their staff's bookings."""
from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag

from services.bookings.approvals import service
from services.bookings.approvals.schemas import DecisionIn
from services.bookings.bookings.api import booking_out, bookings_out
from services.bookings.bookings.schemas import BookingIdPath, BookingList, BookingOut
from shared.db import begin_write, request_session
from shared.web import SECURITY, current_identity

bp = APIBlueprint("approvals", __name__, abp_tags=[Tag(name="approvals")], abp_security=SECURITY)


@bp.get("/bookings/awaiting-approval", responses={200: BookingList})
def awaiting_approval():
    """For school leaders: their staff's bookings that need a decision."""
    db = request_session()
    return {"items": bookings_out(db, service.awaiting_approval(db, current_identity()))}


@bp.post("/bookings/<int:booking_id>/decide", responses={200: BookingOut})
def decide(path: BookingIdPath, body: DecisionIn):
    db = request_session()
    begin_write(db)
    return booking_out(db, service.decide(db, current_identity(), path.booking_id, body.approve, body.note))
