"""The command line every component shares: `python -m <component> migrate|seed|setup|web|scheduler|check`.

One image runs any component by argument (see deploy/): `web` serves it with
gunicorn, `migrate` brings its database to head, `seed` loads the demo data once, `setup` does both,
`check` fails when models and migrations have drifted apart.
"""
from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from shared import migrations
from shared.settings import DEFAULT_PORTS, get_settings


@dataclass
class Component:
    name: str
    app_factory: str  # gunicorn's "module:factory()" spelling
    migrations_dir: Path
    version_table: str
    metadata: Callable
    seed: Callable[[], None] | None = None
    unmodelled: tuple[str, ...] = ()
    extra_commands: dict[str, Callable[[argparse.Namespace], int]] = field(default_factory=dict)
    # (job function, APScheduler trigger arguments); run by `scheduler`, one process per service
    jobs: Callable[[], list[tuple[Callable, dict]]] = lambda: []


def main(component: Component, argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m {component.app_factory.split('.app:')[0]}")
    parser.add_argument("command", choices=["migrate", "seed", "setup", "web", "check", "scheduler", *component.extra_commands])
    parser.add_argument("--port", type=int, default=None)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    args = parser.parse_args(argv)
    settings = get_settings()
    url = settings.database_url_for(component.name)

    if args.command in ("migrate", "setup"):
        migrations.upgrade(component.migrations_dir, url)
        if args.command == "migrate":
            return 0
    if args.command == "check":
        diffs = migrations.drift(url, component.metadata(), component.version_table, component.unmodelled)
        for diff in diffs:
            print(diff)
        return 1 if diffs else 0
    if args.command in ("seed", "setup"):
        if component.seed and settings.seed_demo_data:
            component.seed()
        return 0
    if args.command == "web":
        port = args.port or int(os.environ.get("PORT" if component.name == "gateway" else "", 0) or 0) \
            or DEFAULT_PORTS[component.name]
        host = os.environ.get("LL_BIND", "127.0.0.1")
        gunicorn = [sys.executable, "-m", "gunicorn", "--bind", f"{host}:{port}",
                    "--workers", str(args.workers), "--threads", os.environ.get("WEB_THREADS", "4"), "--worker-class", "gthread",
                    # import once in the master, then fork: engines are made on first use,
                    # so no connection is shared across the fork
                    "--preload", "--config", "python:shared.gunicorn_conf",
                    "--graceful-timeout", "10", component.app_factory]  # access lines: shared.logs
        os.execv(sys.executable, gunicorn)
    if args.command == "scheduler":
        return run_scheduler(component)
    return component.extra_commands[args.command](args)


def run_scheduler(component: Component) -> int:
    """The one scheduler process of a service (never inside web workers).  Jobs are
    idempotent, so a job run twice or late after a restart does no harm."""
    import logging

    from apscheduler.schedulers.blocking import BlockingScheduler

    from shared.logs import configure_logging

    configure_logging(f"{component.name}-scheduler")
    # Two lines per run of a ten-second job drown everything else; the jobs log what
    # they did themselves, and failures still come through at WARNING and above.
    logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)
    scheduler = BlockingScheduler(timezone="Europe/London", job_defaults={"coalesce": True, "max_instances": 1,
                                                                           "misfire_grace_time": 300})
    for func, trigger in component.jobs():
        scheduler.add_job(func, id=func.__name__, replace_existing=True, **trigger)
    logging.getLogger(__name__).info("scheduler starting with %d jobs", len(scheduler.get_jobs()))
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    return 0
