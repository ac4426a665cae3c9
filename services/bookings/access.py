"""Who may see what in the bookings service.  A session follows its course's listing:
admins see all, trust people those of published courses, everybody else those of
published PUBLIC courses.  A booking is its person's, and answered for by the school
leaders of the school it was made through (admins: every school's)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, select

from services.bookings.bookings.models import Booking
from services.bookings.sessions.models import CourseSession
from shared.errors import NotFound
from shared.tokens import Identity
from shared.vocabulary import Role, Visibility

VISIBLE = {
    "admin": sa.true(),
    "trust": CourseSession.course_published.is_(True),
    "public": sa.and_(CourseSession.course_published.is_(True), CourseSession.course_visibility == Visibility.PUBLIC),
}


def audience(identity: Identity) -> str:
    """Which of VISIBLE applies to the caller."""
    return "admin" if identity.is_admin else "trust" if identity.is_trust_member else "public"


def visible_to(identity: Identity):
    return VISIBLE[audience(identity)]


def get_session(db: Session, session_id: int, identity: Identity | None = None) -> CourseSession:
    """The session, if `identity` (when given) may see it; NotFound otherwise."""
    stmt = select(CourseSession).where(CourseSession.id == session_id)
    if identity is not None:
        stmt = stmt.where(visible_to(identity))
    row = db.exec(stmt).first()
    if row is None:
        raise NotFound("There is no such session, or it is not open to you.")
    return row


def oversees(identity: Identity, school_id: int | None) -> bool:
    """Whether the caller answers for bookings made through this school: its school
    leaders do, and admins for every school."""
    return identity.is_admin or (school_id is not None and school_id in identity.schools_for(Role.SCHOOL_LEADER))


def overseen(identity: Identity, stmt):
    """`stmt` (a select of bookings) narrowed to those the caller oversees, or None
    when that is none at all: callers then answer with nothing, not even a count."""
    if identity.is_admin:
        return stmt
    schools = identity.schools_for(Role.SCHOOL_LEADER)
    return stmt.where(Booking.school_id.in_(schools)) if schools else None


def own_or_overseen(identity: Identity):
    """Bookings that are the caller's own or that they oversee (as `overseen`), as a
    condition on bookings."""
    if identity.is_admin:
        return sa.true()
    own = Booking.person_id == identity.person_id if identity.person_id is not None else sa.false()
    schools = identity.schools_for(Role.SCHOOL_LEADER)
    return sa.or_(own, Booking.school_id.in_(schools)) if schools else own


def booked_by_or_overseen(identity: Identity):
    """Sessions holding a booking the caller may see: their own, and (school leaders)
    their school's."""
    mine = Booking.person_id == identity.person_id if identity.person_id is not None else sa.false()
    schools = identity.schools_for(Role.SCHOOL_LEADER)
    whose = sa.or_(mine, Booking.school_id.in_(schools)) if schools else mine
    return sa.exists().where(Booking.session_id == CourseSession.id, whose)


def get_booking(db: Session, identity: Identity, booking_id: int) -> Booking:
    """The booking, if it is the caller's or one they oversee (a place another school
    bought: its organisation's bookers oversee it); NotFound otherwise."""
    booking = db.get(Booking, booking_id)
    if booking is None or not (
            (booking.person_id is not None and identity.person_id == booking.person_id)
            or oversees(identity, booking.school_id) or _bought_by_callers_organisation(db, identity, booking)):
        raise NotFound("There is no such booking, or it is not yours to see.")
    return booking


def _bought_by_callers_organisation(db: Session, identity: Identity, booking: Booking) -> bool:
    from services.bookings.orders.models import Order, OrderAttendee, OrderLine
    from services.bookings.orders.service import buying_organisation

    organisation = buying_organisation(identity)
    if booking.order_attendee_id is None or organisation is None:
        return False
    return db.exec(select(Order.organisation_id).join(OrderLine, OrderLine.order_id == Order.id)
                   .join(OrderAttendee, OrderAttendee.line_id == OrderLine.id)
                   .where(OrderAttendee.id == booking.order_attendee_id)).first() == organisation
