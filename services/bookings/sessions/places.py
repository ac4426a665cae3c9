"""A session's places, for its two audiences.  `trust_taken` (trust staff, free) and
`external_taken` (other schools' orders) move only by the statements here: a
conditional UPDATE that succeeds only while enough places are free (so two requests
can never both take the last one), and its converse.  The table's CHECK constraints
hold the same line should anything else try.  A change that decides by what else the
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

# Places for an order: all of a line's attendees or none, only on a scheduled session
# that has not started.
_TAKE_EXTERNAL_PLACES = (
    sa.update(_SESSIONS)
    .where(_SESSIONS.c.id == sa.bindparam("session_id"),
           _SESSIONS.c.status == SessionStatus.SCHEDULED,
           _SESSIONS.c.starts_at > sa.bindparam("now"),
           _SESSIONS.c.external_taken + sa.bindparam("n") <= _SESSIONS.c.external_places)
    .values(external_taken=_SESSIONS.c.external_taken + sa.bindparam("n"))
)
_GIVE_BACK_EXTERNAL_PLACES = (
    sa.update(_SESSIONS)
    .where(_SESSIONS.c.id == sa.bindparam("session_id"), _SESSIONS.c.external_taken >= sa.bindparam("n"))
    .values(external_taken=_SESSIONS.c.external_taken - sa.bindparam("n"))
)


def take_trust_place(db: Session, session_id: int) -> bool:
    """Take one trust place of a scheduled session; False when none is free."""
    return db.execute(_TAKE_TRUST_PLACE, {"session_id": session_id}).rowcount == 1


def give_back_place(db: Session, session_id: int) -> None:
    db.execute(_GIVE_BACK_PLACE, {"session_id": session_id})


def take_external_places(db: Session, session_id: int, n: int, now) -> bool:
    """Take `n` places of a scheduled, not yet started session's external share, all or
    none; False when fewer are free."""
    return db.execute(_TAKE_EXTERNAL_PLACES, {"session_id": session_id, "n": n, "now": now}).rowcount == 1


def give_back_external_places(db: Session, session_id: int, n: int) -> None:
    if n:
        db.execute(_GIVE_BACK_EXTERNAL_PLACES, {"session_id": session_id, "n": n})


def session_for_update(db: Session, session_id: int) -> CourseSession:
    """The session, its row locked until commit."""
    row = db.exec(select(CourseSession).where(CourseSession.id == session_id).with_for_update()).first()
    if row is None:
        raise NotFound("There is no such session.")
    return row
