"""The networks service's audit trail (shared/audit.py): what people did to networks'
members, meetings (with their answers, minutes and actions) and the academic
calendar, each entry written in the transaction of the change.  Members and meetings
hang off their network, answers and actions off their meeting, so each page's
history holds what hangs off it."""
from __future__ import annotations

from sqlmodel import Session

from services.networks.db import NetworksModel
from shared import audit
from shared.audit import Changes, Ref
from shared.tokens import Identity

AuditEntry = audit.audit_model(NetworksModel)

PHRASES = {
    "member.added": "{label} added to the network",
    "member.removed": "{label} removed from the network",
    "meeting.scheduled": "Meeting scheduled: {label}",
    "meeting.changed": "Meeting changed: {label}",
    "meeting.cancelled": "Meeting cancelled: {label}",
    "meeting.minutes_recorded": "Minutes recorded: {label}",
    "meeting.minutes_edited": "Minutes corrected: {label}",
    "rsvp.answered": "{label} answered the invitation",
    "action.completed": "Action done: {label}",
    "academic_year.created": "Calendar for {label} entered",
    "academic_year.corrected": "Calendar for {label} corrected",
}
OBJECT_TYPES = ("network", "membership", "meeting", "rsvp", "action", "academic_year")


def log_action(db: Session, identity: Identity | None, action: str, obj: Ref, changes: Changes, *,
               parent: Ref | None = None, label: str | None = None) -> bool:
    return audit.log_action(db, AuditEntry, identity, action, obj, changes, parent=parent, label=label)
