"""The command line every component shares: `python -m <component> migrate|seed|setup|web|scheduler|check`.

One image runs any component by argument (see deploy/): `web` serves it with
gunicorn, `migrate` brings its database to head, `seed` loads the demo data once, `setup` does both,
`scheduler` runs its timed jobs (shared.jobs), `check` fails when models and migrations have drifted apart.

A component's `__main__.py` only declares it.  Its package has the house shape:
`app.create_app()` and a `db` module naming its MIGRATIONS, VERSION_TABLE, UNMODELLED
and metadata(); what it has beyond that is named as "module:attribute" and imported only
by the command that needs it.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys
from dataclasses import dataclass, field
from typing import Any, Callable, NoReturn

from shared import migrations
from shared.settings import DEFAULT_PORTS, get_settings


@dataclass(frozen=True)
class Component:
    package: str  # "services.bookings"; its last part names it ("bookings")
    seed: str | None = None  # "module:function" that loads the demo data into an empty database
    jobs: str | None = None  # "module:attribute", the shared.jobs.Job list its scheduler runs
    extra_commands: dict[str, Callable[[argparse.Namespace], int]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.package.rpartition(".")[2]


def _load(reference: str) -> Any:
    module, _, attribute = reference.partition(":")
    return getattr(importlib.import_module(module), attribute)


def main(component: Component, argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m {component.package}")
    parser.add_argument("command", choices=["migrate", "seed", "setup", "web", "check", "scheduler", *component.extra_commands])
    parser.add_argument("--port", type=int, default=None)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    args = parser.parse_args(argv)
    settings = get_settings()
    url = settings.database_url_for(component.name)
    db = importlib.import_module(f"{component.package}.db")

    if args.command in ("migrate", "setup"):
        migrations.upgrade(db.MIGRATIONS, url)
        if args.command == "migrate":
            return 0
    if args.command == "check":
        diffs = migrations.drift(url, db.metadata(), db.VERSION_TABLE, db.UNMODELLED)
        for diff in diffs:
            print(diff)
        return 1 if diffs else 0
    if args.command in ("seed", "setup"):
        if component.seed and settings.seed_demo_data:
            _load(component.seed)()
        return 0
    if args.command in ("web", "scheduler"):
        try:
            settings.refuse_unsafe_start(component.name, args.command)
        except RuntimeError as exc:
            print(exc, file=sys.stderr)
            return 2
    if args.command == "web":
        port = args.port or int(os.environ.get("PORT" if component.name == "gateway" else "", 0) or 0) \
            or DEFAULT_PORTS[component.name]
        host = os.environ.get("LL_BIND", "127.0.0.1")
        gunicorn = [sys.executable, "-m", "gunicorn", "--bind", f"{host}:{port}",
                    "--workers", str(args.workers), "--threads", os.environ.get("WEB_THREADS", "4"), "--worker-class", "gthread",
                    # import once in the master, then fork: engines are made on first use,
                    # so no connection is shared across the fork
                    "--preload", "--config", "python:shared.gunicorn_conf",
                    "--graceful-timeout", "10", f"{component.package}.app:create_app()"]  # access lines: shared.logs
        os.execv(sys.executable, gunicorn)
    if args.command == "scheduler":
        from shared.jobs import run_scheduler

        return run_scheduler(component.name, _load(component.jobs) if component.jobs else ())
    return component.extra_commands[args.command](args)


def run(component: Component) -> NoReturn:
    """The whole of a component's `__main__.py`: run the command it was given, exit with its status."""
    sys.exit(main(component))
