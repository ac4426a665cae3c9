"""The catalogue's timed work, run by its one scheduler process
(`python -m services.catalogue scheduler`, shared.jobs): delivering course listings to
the services that keep copies of them, publishing them all again now and then, and
removing video uploads abandoned for a day."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from services.catalogue.db import database
from services.catalogue.facts import FACTS, republish
from services.catalogue.videos import uploads
from services.catalogue.videos.storage import storage_for
from shared.jobs import job
from shared.settings import get_settings


@job(database, every=timedelta(hours=1), done="removed %d abandoned video uploads")
def remove_abandoned_uploads(db: Session) -> int:
    """Uploads nobody touched for a day, with their files (videos/uploads.py)."""
    return uploads.remove_abandoned_uploads(db, storage_for(get_settings()))


JOBS = (FACTS.delivery(), FACTS.reconciliation(republish), remove_abandoned_uploads)
