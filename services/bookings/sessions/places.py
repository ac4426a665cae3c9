"""A session's trust places.  `trust_taken` moves only by the two statements here: one
conditional UPDATE that succeeds only while a place is free (so two requests can never
both take the last one), and its converse.  A change that decides by what else the
session holds takes the session's row lock first."""
from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, select

from services.bookings.sessions.models import CourseSession
from shared.errors import NotFound
from shared.vocabulary import SessionStatus

# Built once: the booking path runs them in every request of a rush (see bookings/service.py).
_SESSIONS = CourseSession.__table__
_TAKE_TRUST_PLACE = (
    sa.update(_SESSIONS)
    .where(_SESSIONS.c.id == sa.bindparam("session_id"),
           _SESSIONS.c.status == SessionStatus.SCHEDULED,
           _SESSIONS.c.trust_taken < _SESSIONS.c.capacity - _SESSIONS.c.external_places)
    .values(trust_taken=_SESSIONS.c.trust_taken + 1)
)
_GIVE_BACK_PLACE = (sa.update(_SESSIONS)
                    .where(_SESSIONS.c.id == sa.bindparam("session_id"), _SESSIONS.c.trust_taken > 0)
                    .values(trust_taken=_SESSIONS.c.trust_taken - 1))


def take_trust_place(db: Session, session_id: int) -> bool:
    """Take one trust place of a scheduled session; False when none is free."""
    return db.execute(_TAKE_TRUST_PLACE, {"session_id": session_id}).rowcount == 1


def give_back_place(db: Session, session_id: int) -> None:
    db.execute(_GIVE_BACK_PLACE, {"session_id": session_id})


def session_for_update(db: Session, session_id: int) -> CourseSession:
    """The session, its row locked until commit."""
    row = db.exec(select(CourseSession).where(CourseSession.id == session_id).with_for_update()).first()
    if row is None:
        raise NotFound("There is no such session.")
    return row
