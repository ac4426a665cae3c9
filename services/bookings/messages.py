"""What the bookings service tells people, written to its outbox in the same
transaction as the change, with an .ics the attendee's calendar understands.  The
words are templates (templates/email/, on shared/emails.py's layout)."""
from __future__ import annotations

from pathlib import Path

from icalendar import Event
from sqlmodel import Session

from services.bookings.bookings.models import Booking
from services.bookings.copies.service import leader_emails
from services.bookings.db import BookingsModel
from services.bookings.sessions.models import CourseSession
from shared import calendars
from shared.emails import Templates
from shared.outbox import enqueue, outbox_model
from shared.vocabulary import BookingStatus

OutboxMessage = outbox_model(BookingsModel, attachments=True)  # invoices, credit notes, certificates as PDFs
TEMPLATES = Templates(Path(__file__).parent / "templates")

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


def _send(db: Session, recipients: list[str], template: str, invite: str | None = None, method: str = "REQUEST",
          attachment: tuple[str, bytes] | None = None, **context) -> None:
    """One message, rendered once, to each of `recipients`."""
    if recipients:
        message = TEMPLATES.render(template, **context)
        for recipient in recipients:
            enqueue(db, OutboxMessage, recipient, message, invite, method, attachment=attachment)


def booking_changed(db: Session, session: CourseSession, booking: Booking, position: int | None = None) -> None:
    """The message a booking's new status calls for (none for some)."""
    to, status = [booking.attendee_email], booking.status
    if status == BookingStatus.CONFIRMED:
        _send(db, to, "booked", ics(session), session=session, booking=booking)
    elif status == BookingStatus.WAITLISTED:
        _send(db, to, "waiting_list", session=session, booking=booking, position=position)
    elif status == BookingStatus.PENDING_APPROVAL:
        _send(db, to, "awaiting_approval", session=session, booking=booking)
        _send(db, leader_emails(db, booking.school_id), "approval_needed", session=session, booking=booking)
    elif status == BookingStatus.OFFERED:
        _send(db, to, "place_offered", session=session, booking=booking)
    elif status in (BookingStatus.CANCELLED, BookingStatus.DECLINED):
        _send(db, to, "booking_cancelled", ics(session, "CANCEL"), "CANCEL", session=session, booking=booking,
              declined=status == BookingStatus.DECLINED)


def session_changed(db: Session, session: CourseSession, booking: Booking) -> None:
    _send(db, [booking.attendee_email], "session_changed", ics(session, booking=booking), session=session,
          booking=booking)


def session_cancelled(db: Session, session: CourseSession, booking: Booking) -> None:
    _send(db, [booking.attendee_email], "session_cancelled", ics(session, "CANCEL"), "CANCEL", session=session,
          booking=booking)


def approval_reminder(db: Session, session: CourseSession, booking: Booking) -> None:
    _send(db, leader_emails(db, booking.school_id), "approval_reminder", session=session, booking=booking)


def session_reminder(db: Session, session: CourseSession, booking: Booking, in_words: str) -> None:
    _send(db, [booking.attendee_email], "session_reminder", session=session, booking=booking, in_words=in_words)


def certificate_sent(db: Session, session: CourseSession, booking: Booking, certificate: tuple[str, bytes]) -> None:
    """Another school's attendee, marked as attending: their certificate, attached."""
    _send(db, [booking.attendee_email], "certificate", attachment=certificate, session=session, booking=booking)


def feedback_request(db: Session, session: CourseSession, booking: Booking) -> None:
    _send(db, [booking.attendee_email], "feedback_request", session=session, booking=booking)
