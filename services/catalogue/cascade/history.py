"""The cascade's entries in the catalogue's audit trail (shared/audit.py), written in
the transaction of each change.  Sprints hang off their programme, sessions and QA
notes off their sprint, so a programme's or a sprint's history holds what hangs off it."""
from __future__ import annotations

from sqlmodel import Session

from services.catalogue.audit import AuditEntry
from shared import audit
from shared.audit import Changes, Ref
from shared.tokens import Identity

PHRASES = {
    "programme.created": "Programme set up: {label}",
    "programme.changed": "Programme changed: {label}",
    "sprint.planned": "Sprint planned: {label}",
    "sprint.replanned": "Sprint plan changed: {label}",
    "sprint.completed": "Sprint completed: {label}",
    # by the gateway, delivering a school's new band (bands.py)
    "sprint.band_changed": "Risk band followed: {label}",
    "sprint_session.recorded": "Session recorded: {label}",
    "sprint_session.taken_on": "Central attendance taken on: {label}",
    "sprint_session.given_up": "Central attendance given up: {label}",
    "qa_note.recorded": "QA note recorded: {label}",
    "qa_note.edited": "QA note edited: {label}",
}
OBJECT_TYPES = ("programme", "sprint", "sprint_session", "qa_note")


def log(db: Session, identity: Identity | None, action: str, obj: Ref, changes: Changes, *,
        parent: Ref | None = None, label: str | None = None) -> bool:
    return audit.log_action(db, AuditEntry, identity, action, obj, changes, parent=parent, label=label)
