"""The gateway's timed work, run by its one scheduler process (`python -m gateway
scheduler`, shared.jobs): delivering who leads which school, each school's risk band
and each organisation to the services that keep a copy, and publishing them all again
now and then (shared.facts)."""
from __future__ import annotations

from gateway.identity.facts import FACTS, republish

JOBS = (FACTS.delivery(), FACTS.reconciliation(republish))
