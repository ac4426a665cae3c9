"""What networks tells the services that keep copies of its facts (shared.facts): the
school days of each academic year, to bookings, which times approval reminders by them
(terms.service publishes them whenever a year is saved)."""
from __future__ import annotations

from services.networks.db import NetworksModel, database
from shared.facts import Publisher

FACTS = Publisher("networks", NetworksModel, database)
