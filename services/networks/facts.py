"""What networks tells the services that keep copies of its facts (shared.facts): the
school days of each academic year (terms.service publishes them whenever a year is
saved), to bookings, which times approval reminders by them, and to the catalogue, which
times the cascade's reminders by them and keeps sprint sessions off closed days."""
from __future__ import annotations

from services.networks.db import NetworksModel, database
from shared.facts import Publisher

FACTS = Publisher("networks", NetworksModel, database)
SCHOOL_DAYS_KEPT_BY = ("bookings", "catalogue")
