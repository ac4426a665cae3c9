"""`python -m services.catalogue migrate|seed|setup|web|scheduler|check` (shared.cli)."""
from shared.cli import Component, run

run(Component("services.catalogue", seed="services.catalogue.seed:seed", jobs="services.catalogue.scheduler:JOBS"))
