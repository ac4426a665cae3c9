"""HTTP for sessions: thin — parse, call the domain operation, shape."""
from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag

from services.bookings import access, messages
from services.bookings.bookings.service import attending
from services.bookings.sessions import service
from services.bookings.sessions.models import CourseSession
from services.bookings.sessions.schemas import (
    CancelSessionIn,
    SessionIdPath,
    SessionIn,
    SessionOut,
    SessionPage,
    SessionQuery,
)
from services.bookings.waiting_list.service import waiting_list_lengths
from shared import calendars
from shared.db import begin_write, request_session
from shared.paging import decode_cursor, page_of
from shared.web import SECURITY, current_identity

bp = APIBlueprint("sessions", __name__, abp_tags=[Tag(name="sessions")], abp_security=SECURITY)


def sessions_out(db, rows: list[CourseSession]) -> list[dict]:
    """Sessions as the caller may see them: the online link only for people with a
    confirmed place (and admins).  Two queries for the whole list."""
    ids = [r.id for r in rows]
    waiting = waiting_list_lengths(db, ids)
    identity = current_identity()
    attendees = set(ids) if identity.is_admin else attending(db, identity, ids)
    return [session_out(r, waiting.get(r.id, 0), r.id in attendees) for r in rows]


def session_out(row: CourseSession, waiting: int, show_link: bool) -> dict:
    return SessionOut(
        **{k: getattr(row, k) for k in ("id", "course_id", "course_title", "course_subject", "course_visibility",
                                         "course_published", "starts_at", "ends_at", "venue", "online_url",
                                         "capacity", "external_places", "requires_approval", "booking_closes_at",
                                         "cancellation_deadline", "status", "sequence")},
        course_phases=[p for p in (row.course_phases or "").split(",") if p],
        places_left=row.trust_places - row.trust_taken, external_places_left=row.external_places_left,
        waiting_list_length=waiting,
    ).model_dump(mode="json") | ({} if show_link else {"online_url": None})


@bp.get("/sessions", responses={200: SessionPage})
def list_sessions(query: SessionQuery):
    """Sessions by start time; `ids` for a batch read."""
    db = request_session()
    offset = 0 if query.ids else decode_cursor(query.after)
    rows, total = service.list_sessions(db, current_identity(), query, offset)
    return page_of(sessions_out(db, rows), total, offset)


@bp.get("/sessions/<int:session_id>", responses={200: SessionOut})
def get_session(path: SessionIdPath):
    db = request_session()
    return sessions_out(db, [access.get_session(db, path.session_id, current_identity())])[0]


@bp.post("/sessions", responses={201: SessionOut})
def create_session(body: SessionIn):
    """Admins only."""
    db = request_session()
    return sessions_out(db, [service.schedule_session(db, current_identity(), body)])[0], 201


@bp.put("/sessions/<int:session_id>", responses={200: SessionOut})
def update_session(path: SessionIdPath, body: SessionIn):
    """Admins only; capacity never below the places taken."""
    db = request_session()
    begin_write(db)
    return sessions_out(db, [service.schedule_session(db, current_identity(), body, path.session_id)])[0]


@bp.post("/sessions/<int:session_id>/cancel", responses={200: SessionOut})
def cancel_session(path: SessionIdPath, body: CancelSessionIn):
    """Admins only: cancels every booking on it and tells each attendee."""
    db = request_session()
    begin_write(db)
    return sessions_out(db, [service.cancel_session(db, current_identity(), path.session_id, body.reason)])[0]


@bp.get("/sessions/<int:session_id>/calendar")
def session_calendar(path: SessionIdPath):
    """The session as an .ics file (text/calendar)."""
    db = request_session()
    session = access.get_session(db, path.session_id, current_identity())
    return calendars.download(calendars.calendar([messages.event(session)], "PUBLISH"), f"session-{session.id}")
