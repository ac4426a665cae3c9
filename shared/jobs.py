"""Timed work: what a component's `scheduler.py` declares, and the one scheduler process
(`python -m <component> scheduler`) that runs it, never inside web workers.

Every job is idempotent, so a job run twice, late after a restart, or by two schedulers
by mistake does no harm; each runs in one write transaction of its component's
database, so it lands whole or not at all.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlmodel import Session

from shared.db import Database, begin_write


@dataclass(frozen=True)
class Job:
    """`work(db)` returns how many things it did; `done` says so in the log
    ("lapsed %d waiting-list offers") when it did anything.  A job that waits on
    something slow between its reads and writes (another service) says `write=False`:
    it does not hold the write lock throughout, and commits as it goes.  `at_start`
    runs it as soon as the scheduler starts as well."""

    work: Callable[[Session], int]
    database: Callable[[], Database]
    every: timedelta
    done: str | None = None
    write: bool = True
    at_start: bool = False

    @property
    def name(self) -> str:
        return self.work.__name__

    def __call__(self) -> int:
        """One run, committed whole; how many things it did."""
        with self.database().session() as db:
            if self.write:
                begin_write(db)
            count = self.work(db)
        if count and self.done:
            logging.getLogger(self.work.__module__).info(self.done, count)
        return count


def job(database: Callable[[], Database], every: timedelta, done: str | None = None) -> Callable[..., Job]:
    """Declare the function below as a Job of the component whose `database` it works in."""
    return lambda work: Job(work, database, every, done)


def run_scheduler(component: str, jobs: Iterable[Job]) -> int:
    """The one scheduler process of a component: each job at its interval until stopped."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    from shared.logs import configure_logging

    configure_logging(f"{component}-scheduler")
    # Two lines per run of a ten-second job drown everything else; the jobs log what
    # they did themselves, and failures still come through at WARNING and above.
    logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)
    scheduler = BlockingScheduler(timezone="Europe/London", job_defaults={"coalesce": True, "max_instances": 1,
                                                                           "misfire_grace_time": 300})
    for job in jobs:
        first = {"next_run_time": datetime.now(timezone.utc)} if job.at_start else {}
        scheduler.add_job(job, "interval", seconds=job.every.total_seconds(), id=job.name, name=job.name,
                          replace_existing=True, **first)
    logging.getLogger(__name__).info("scheduler starting with %d jobs", len(scheduler.get_jobs()))
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    return 0
