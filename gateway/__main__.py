"""`python -m gateway migrate|seed|setup|web|scheduler|check|export-schema|seed-network-members` (shared.cli)."""
from shared.cli import Component, run


def _seed_network_members(args) -> int:
    """Demo data that needs the services running: the maths and governors networks' members."""
    from gateway.seed import seed_network_members
    from shared.settings import get_settings

    if get_settings().seed_demo_data:
        print(f"demo: {seed_network_members()} members added to the maths and governors networks", flush=True)
    return 0


def _export_schema(args) -> int:
    """Write gateway/schema.graphql from the code (run after changing the API)."""
    from pathlib import Path

    from gateway.schema import sdl

    Path(__file__).with_name("schema.graphql").write_text(sdl())
    return 0


run(Component("gateway", seed="gateway.seed:seed", jobs="gateway.scheduler:JOBS",
              extra_commands={"export-schema": _export_schema, "seed-network-members": _seed_network_members}))
