"""What the catalogue tells people by email, written to its outbox in the same
transaction as the decision to send it and delivered by its scheduler
(shared.outbox).  The words are templates (templates/email/, on shared/emails.py's
layout)."""
from __future__ import annotations

from pathlib import Path

from sqlmodel import Session

from services.catalogue.db import CatalogueModel
from shared.emails import Templates
from shared.outbox import enqueue, outbox_model

OutboxMessage = outbox_model(CatalogueModel)
TEMPLATES = Templates(Path(__file__).parent / "templates")


def send(db: Session, to: str, template: str, **context) -> None:
    """`template` rendered now, to `to`, once this transaction commits."""
    enqueue(db, OutboxMessage, to, TEMPLATES.render(template, **context))
