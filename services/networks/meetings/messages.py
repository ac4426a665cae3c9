"""What the networks service tells members, written to its outbox with the change:
invitations with an .ics (stable UID, SEQUENCE, METHOD:CANCEL), reminders, actions due."""
from __future__ import annotations

from icalendar import Event
from sqlmodel import Session

from services.networks.db import NetworksModel
from services.networks.meetings.models import Action, Meeting
from services.networks.networks.models import Membership, Network
from shared import calendars
from shared.clock import LONDON, as_utc
from shared.links import rsvp_token
from shared.outbox import enqueue, outbox_model
from shared.settings import get_settings

OutboxMessage = outbox_model(NetworksModel)


def event(meeting: Meeting, network: Network) -> Event:
    return calendars.event(f"meeting-{meeting.id}", meeting.sequence, meeting.starts_at, meeting.ends_at,
                           f"{network.name}: {meeting.title}", meeting.venue or "Online",
                           "CANCELLED" if meeting.status == "CANCELLED" else "CONFIRMED")


def ics(meeting: Meeting, network: Network, method: str = "REQUEST") -> str:
    return calendars.calendar([event(meeting, network)], method, product="Networks")


def _when(meeting: Meeting) -> str:
    return as_utc(meeting.starts_at).astimezone(LONDON).strftime("%A %-d %B %Y at %H:%M")


def _link(path: str) -> str:
    return get_settings().public_url.rstrip("/") + path


def _rsvp_links(meeting: Meeting, member: Membership) -> str:
    secret = get_settings().secret_key
    return "\n".join(f"  {label}: {_link('/rsvp/' + rsvp_token(secret, meeting.id, member.person_id, answer))}"
                     for answer, label in (("YES", "Yes, I'll come"), ("NO", "No, I can't"), ("MAYBE", "Maybe")))


def invitation(db: Session, meeting: Meeting, network: Network, member: Membership, changed: bool) -> None:
    what = "has changed" if changed else "is scheduled"
    agenda = "".join(f"\n  - {item['title']}" for item in meeting.agenda) or "\n  (to follow)"
    enqueue(db, OutboxMessage, member.email, f"{'Changed' if changed else 'Invitation'}: {network.name}, "
            f"{meeting.title}, {_when(meeting)}",
            f"Dear {member.name},\n\nThe {network.name} meeting \"{meeting.title}\" {what}: {_when(meeting)} "
            f"({meeting.venue or 'online'}).\n\nAgenda:{agenda}\n\nWill you come? Answer with one click:\n"
            f"{_rsvp_links(meeting, member)}\n\nThe calendar invitation is attached.\n", ics(meeting, network))


def cancellation(db: Session, meeting: Meeting, network: Network, member: Membership) -> None:
    enqueue(db, OutboxMessage, member.email, f"Cancelled: {network.name}, {meeting.title}, {_when(meeting)}",
            f"Dear {member.name},\n\nThe {network.name} meeting \"{meeting.title}\" on {_when(meeting)} is "
            "cancelled; the entry is removed from your calendar.\n", ics(meeting, network, "CANCEL"), "CANCEL")


def reminder(db: Session, meeting: Meeting, network: Network, member: Membership, in_words: str) -> None:
    enqueue(db, OutboxMessage, member.email, f"{in_words.capitalize()}: {network.name}, {meeting.title}",
            f"Dear {member.name},\n\nA reminder: the {network.name} meeting \"{meeting.title}\" is {in_words}, "
            f"on {_when(meeting)} ({meeting.venue or 'online'}).\n\n{_rsvp_links(meeting, member)}\n")


def action_due(db: Session, action: Action, network: Network) -> None:
    due = action.due_on.strftime("%-d %B %Y") if action.due_on else "soon"
    enqueue(db, OutboxMessage, action.owner_email, f"Action due: {action.description[:80]}",
            f"Dear {action.owner_name},\n\nYour action from the {network.name} is due {due}:\n\n"
            f"  {action.description}\n\nMark it done at {_link(f'/networks/{network.id}')} once it is.\n")
