"""`python -m services.networks migrate|seed|setup|web|scheduler|check` (shared.cli)."""
from shared.cli import Component, run

run(Component("services.networks", seed="services.networks.seed:seed", jobs="services.networks.scheduler:JOBS"))
