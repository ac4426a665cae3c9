"""What the networks service tells members, written to its outbox with the change:
invitations with an .ics (stable UID, SEQUENCE, METHOD:CANCEL), reminders, actions due.
The words are templates (templates/email/, on shared/emails.py's layout)."""
from __future__ import annotations

from pathlib import Path

from icalendar import Event
from sqlmodel import Session

from services.networks.db import NetworksModel
from services.networks.meetings.models import Action, Meeting
from services.networks.networks.models import Membership, Network
from shared import calendars
from shared.emails import Templates, link
from shared.links import rsvp_token
from shared.outbox import enqueue, outbox_model
from shared.settings import get_settings

OutboxMessage = outbox_model(NetworksModel)
TEMPLATES = Templates(Path(__file__).parent.parent / "templates")
ANSWERS = (("YES", "Yes, I'll come"), ("NO", "No, I can't"), ("MAYBE", "Maybe"))


def event(meeting: Meeting, network: Network) -> Event:
    return calendars.event(f"meeting-{meeting.id}", meeting.sequence, meeting.starts_at, meeting.ends_at,
                           f"{network.name}: {meeting.title}", meeting.venue or "Online",
                           "CANCELLED" if meeting.status == "CANCELLED" else "CONFIRMED")


def ics(meeting: Meeting, network: Network, method: str = "REQUEST") -> str:
    return calendars.calendar([event(meeting, network)], method, product="Networks")


def _answers(meeting: Meeting, member: Membership) -> list[tuple[str, str]]:
    """(label, signed link) for each answer a member can give with one click."""
    secret = get_settings().link_secret
    return [(label, link("/rsvp/" + rsvp_token(secret, meeting.id, member.person_id, answer)))
            for answer, label in ANSWERS]


def _send(db: Session, to: str, template: str, invite: str | None = None, method: str = "REQUEST",
          **context) -> None:
    enqueue(db, OutboxMessage, to, TEMPLATES.render(template, **context), invite, method)


def invitation(db: Session, meeting: Meeting, network: Network, member: Membership, changed: bool) -> None:
    _send(db, member.email, "invitation", ics(meeting, network), meeting=meeting, network=network, member=member,
          changed=changed, answers=_answers(meeting, member))


def cancellation(db: Session, meeting: Meeting, network: Network, member: Membership) -> None:
    _send(db, member.email, "meeting_cancelled", ics(meeting, network, "CANCEL"), "CANCEL", meeting=meeting,
          network=network, member=member)


def reminder(db: Session, meeting: Meeting, network: Network, member: Membership, in_words: str) -> None:
    _send(db, member.email, "meeting_reminder", meeting=meeting, network=network, member=member,
          in_words=in_words, answers=_answers(meeting, member))


def action_due(db: Session, action: Action, network: Network) -> None:
    _send(db, action.owner_email, "action_due", action=action, network=network)
