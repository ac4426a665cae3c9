"""The catalogue's timed work, run by its one scheduler process
(`python -m services.catalogue scheduler`, shared.jobs): delivering course listings to
the services that keep copies of them, and publishing them all again now and then."""
from __future__ import annotations

from services.catalogue.facts import FACTS, republish

JOBS = (FACTS.delivery(), FACTS.reconciliation(republish))
