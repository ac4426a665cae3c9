"""HTTP for the waiting list: taking up an offered place."""
from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag

from services.bookings.bookings.api import booking_out
from services.bookings.bookings.schemas import BookingIdPath, BookingOut
from services.bookings.waiting_list import service
from services.bookings.waiting_list.schemas import AcceptIn
from shared.db import begin_write, request_session
from shared.web import SECURITY, current_identity

bp = APIBlueprint("waiting_list", __name__, abp_tags=[Tag(name="waiting list")], abp_security=SECURITY)


@bp.post("/bookings/<int:booking_id>/accept", responses={200: BookingOut})
def accept_offer(path: BookingIdPath, body: AcceptIn):
    """Take up a waiting-list offer."""
    db = request_session()
    begin_write(db)
    return booking_out(db, service.accept_offer(db, current_identity(), path.booking_id))
