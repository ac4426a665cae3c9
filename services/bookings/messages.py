"""What the bookings service tells people, written to its outbox in the same
transaction as the change, with an .ics the attendee's calendar understands."""
from __future__ import annotations

from icalendar import Event
from sqlmodel import Session

from services.bookings.db import BookingsModel
from services.bookings.bookings.models import Booking
from services.bookings.sessions.models import CourseSession
from shared import calendars
from shared.clock import LONDON, as_utc
from shared.outbox import enqueue, outbox_model
from shared.vocabulary import BookingStatus

OutboxMessage = outbox_model(BookingsModel)

# A booking that does not (yet) give its person a place: their diary shows the session
# as tentative, and says why in its title.
TENTATIVE = {
    BookingStatus.PENDING_APPROVAL: "Awaiting approval",
    BookingStatus.OFFERED: "Place offered, not yet accepted",
    BookingStatus.HELD: "Place held, not yet paid for",
    BookingStatus.WAITLISTED: "Waiting list",
}
ENDED = (BookingStatus.CANCELLED, BookingStatus.DECLINED, BookingStatus.NO_SHOW)


def event(session: CourseSession, booking: Booking | None = None, cancelled: bool = False) -> Event:
    """The session as a diary entry; with `booking`, as it stands in that person's
    diary: CONFIRMED only for a confirmed (or attended) place, TENTATIVE while the
    place waits on someone, CANCELLED once the booking or the session has ended."""
    title = session.course_title
    if cancelled or session.status == "CANCELLED" or (booking is not None and booking.status in ENDED):
        status = "CANCELLED"
    elif booking is not None and booking.status in TENTATIVE:
        status, title = "TENTATIVE", f"{TENTATIVE[booking.status]}: {title}"
    else:
        status = "CONFIRMED"
    return calendars.event(f"session-{session.id}", session.sequence, session.starts_at, session.ends_at,
                           title, session.venue or "Online", status)


def ics(session: CourseSession, method: str = "REQUEST", booking: Booking | None = None) -> str:
    """An invitation for the session (for `booking`'s person, as it stands for them):
    SEQUENCE from the session, and METHOD:CANCEL (STATUS:CANCELLED) to take it out of
    a calendar again."""
    return calendars.calendar([event(session, booking, cancelled=method == "CANCEL")], method)


def _when(session: CourseSession) -> str:
    return as_utc(session.starts_at).astimezone(LONDON).strftime("%A %-d %B %Y at %H:%M")


def booking_changed(db: Session, session: CourseSession, booking: Booking, position: int | None = None) -> None:
    """The message a booking's new status calls for (none for some)."""
    title, when = session.course_title, _when(session)
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
        for approver in _approvers(booking):
            enqueue(db, OutboxMessage, approver, f"Approval needed: {booking.attendee_name}, {title}",
                    f"{booking.attendee_name} has asked to attend {title} on {when}, which needs cover. "
                    f"Approve or decline it at {_link('/approvals')}.\n")
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


def session_changed(db: Session, session: CourseSession, booking: Booking) -> None:
    title, when = session.course_title, _when(session)
    enqueue(db, OutboxMessage, booking.attendee_email, f"Changed: {title}, now {when}",
            f"Dear {booking.attendee_name},\n\n{title} has changed: it is now on {when} "
            f"({session.venue or 'online'}). The updated calendar entry is attached.\n",
            ics(session, booking=booking))


def session_cancelled(db: Session, session: CourseSession, booking: Booking) -> None:
    title, when = session.course_title, _when(session)
    enqueue(db, OutboxMessage, booking.attendee_email, f"Session cancelled: {title}, {when}",
            f"Dear {booking.attendee_name},\n\nWe are sorry: {title} on {when} has been cancelled.\n\n"
            f"Reason: {session.cancel_reason}\n\nYour booking is cancelled and the event removed from your "
            "calendar.\n", ics(session, "CANCEL"), "CANCEL")


def _link(path: str) -> str:
    from shared.settings import get_settings

    return get_settings().public_url.rstrip("/") + path


def _approvers(booking: Booking) -> list[str]:
    return [e for e in (booking.approver_emails or "").split(",") if e]


def approval_reminder(db: Session, session: CourseSession, booking: Booking) -> None:
    title, when = session.course_title, _when(session)
    for approver in _approvers(booking):
        enqueue(db, OutboxMessage, approver, f"Reminder — approval still needed: {booking.attendee_name}, {title}",
                f"{booking.attendee_name}'s place on {title} on {when} has waited three school days for a "
                f"decision and is holding a place others could use. Approve or decline it at "
                f"{_link('/approvals')}.\n")


def session_reminder(db: Session, session: CourseSession, booking: Booking, in_words: str) -> None:
    title, when = session.course_title, _when(session)
    enqueue(db, OutboxMessage, booking.attendee_email, f"{in_words.capitalize()}: {title}, {when}",
            f"Dear {booking.attendee_name},\n\nA reminder that {title} is {in_words}, on {when} "
            f"({session.venue or 'online'}). If you can no longer come, cancel at "
            f"{_link(f'/sessions/{session.id}')} so the place goes to someone waiting.\n")


def feedback_request(db: Session, session: CourseSession, booking: Booking) -> None:
    title = session.course_title
    enqueue(db, OutboxMessage, booking.attendee_email, f"How was {title}?",
            f"Dear {booking.attendee_name},\n\nThank you for coming to {title}. It is now in your CPD record, "
            f"with a certificate of attendance. Please rate it from 1 to 5 and tell us what would make it better: "
            f"{_link('/my-cpd')}#feedback-{booking.id}\n")
