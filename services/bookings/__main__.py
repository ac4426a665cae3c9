"""`python -m services.bookings migrate|seed|setup|web|scheduler|check` (shared.cli)."""
from shared.cli import Component, run

run(Component("services.bookings", seed="services.bookings.seed:seed", jobs="services.bookings.scheduler:JOBS"))
