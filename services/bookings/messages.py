"""What the bookings service tells people, written to its outbox in the same
transaction as the change, with an .ics the attendee's calendar understands."""
from __future__ import annotations

from icalendar import Calendar, Event
from sqlmodel import Session

from services.bookings.db import BookingsModel
from services.bookings.sessions.models import Booking, CourseSession
from shared.clock import LONDON, as_utc, utcnow
from shared.outbox import enqueue, outbox_model

OutboxMessage = outbox_model(BookingsModel)


def ics(session: CourseSession, method: str = "REQUEST") -> str:
    """A calendar entry for the session: stable UID, SEQUENCE from the session, and
    METHOD:CANCEL (STATUS:CANCELLED) to take it out of a calendar again."""
    cal = Calendar()
    cal.add("prodid", "-//Lighthouse Learning//CPD//EN")
    cal.add("version", "2.0")
    cal.add("method", method)
    event = Event()
    event.add("uid", f"session-{session.id}@lighthouse.test")
    event.add("sequence", session.sequence)
    event.add("dtstamp", utcnow())
    event.add("dtstart", as_utc(session.starts_at))
    event.add("dtend", as_utc(session.ends_at))
    event.add("summary", session.course_title or "CPD session")
    event.add("location", session.venue or "Online")
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    cal.add_component(event)
    return cal.to_ical().decode()


def _when(session: CourseSession) -> str:
    return as_utc(session.starts_at).astimezone(LONDON).strftime("%A %-d %B %Y at %H:%M")


def booking_changed(db: Session, session: CourseSession, booking: Booking, position: int | None = None) -> None:
    """The message a booking's new status calls for (none for some)."""
    title, when = session.course_title or "your CPD session", _when(session)
    status = booking.status.value
    if status == "CONFIRMED":
        enqueue(db, OutboxMessage, booking.attendee_email, f"Booked: {title}, {when}",
                f"Dear {booking.attendee_name},\n\nYou have a place on {title} on {when}"
                f" ({session.venue or 'online'}).\n\nThe calendar invitation is attached.\n", ics(session))
    elif status == "WAITLISTED":
        enqueue(db, OutboxMessage, booking.attendee_email, f"Waiting list: {title}, {when}",
                f"Dear {booking.attendee_name},\n\n{title} on {when} is full. You are number {position} on the "
                "waiting list; we will email you if a place comes up.\n")
    elif status == "PENDING_APPROVAL":
        enqueue(db, OutboxMessage, booking.attendee_email, f"Awaiting approval: {title}, {when}",
                f"Dear {booking.attendee_name},\n\nYour place on {title} on {when} is held until your school "
                "leader approves it.\n")
    elif status == "OFFERED":
        expires = as_utc(booking.offer_expires_at).astimezone(LONDON).strftime("%A %-d %B at %H:%M")
        enqueue(db, OutboxMessage, booking.attendee_email, f"A place is free: {title}, {when}",
                f"Dear {booking.attendee_name},\n\nA place has come up on {title} on {when}. It is yours if you "
                f"accept it by {expires}; after that it goes to the next person waiting.\n")
    elif status in ("CANCELLED", "DECLINED"):
        reason = "was declined by your school leader" if status == "DECLINED" else "is cancelled"
        enqueue(db, OutboxMessage, booking.attendee_email, f"Cancelled: {title}, {when}",
                f"Dear {booking.attendee_name},\n\nYour booking for {title} on {when} {reason}.\n"
                + (f"\nNote: {booking.decision_note}\n" if booking.decision_note else ""),
                ics(session, "CANCEL"), "CANCEL")


def session_cancelled(db: Session, session: CourseSession, booking: Booking) -> None:
    title, when = session.course_title or "your CPD session", _when(session)
    enqueue(db, OutboxMessage, booking.attendee_email, f"Session cancelled: {title}, {when}",
            f"Dear {booking.attendee_name},\n\nWe are sorry: {title} on {when} has been cancelled.\n\n"
            f"Reason: {session.cancel_reason}\n\nYour booking is cancelled and the event removed from your "
            "calendar.\n", ics(session, "CANCEL"), "CANCEL")
