"""The gateway's timed work, run by its one scheduler process (`python -m gateway
scheduler`, shared.jobs): delivering who leads which school to the services that keep
a copy, and publishing it all again now and then (shared.facts)."""
from __future__ import annotations

from gateway.identity.facts import FACTS, republish_school_leaders

JOBS = (FACTS.delivery(), FACTS.reconciliation(republish_school_leaders))
