"""Facts that cross services: the one way a copy of another service's data is kept.

A fact has one owner (a course's listing: the catalogue; the school days of the
academic calendar: networks; who leads which school: the gateway).  A service that
needs it to decide things by itself keeps a copy, and nothing else ever writes that
copy: requests never ferry the fact along, and no mutation updates it best-effort.

The owner publishes each change through its own outbox (`Publisher.publish`), in the
same transaction as the change, so a change that rolls back publishes nothing and one
that commits is never lost.  Delivery PUTs the fact, whole, to the keeper's `/copies/…`
address, signed with the owner's own key (shared.tokens: a publisher's token speaks
for that service alone).  It runs straight after the commit that published (so a copy
is normally current by the time the change's request answers) and every ten seconds
from the owner's scheduler, retrying with growing pauses until the keeper takes it.
A reconciliation publishes every fact again when the scheduler starts and every six
hours, so a keeper whose copy was lost or restored from an old backup catches up with
no one lifting a finger.

The keeper applies a fact only if it is newer than what it holds for that address
(`Keeper.fresh`): the version is the publisher's outbox id, which grows with every
change, so the same delivery twice, or an old one arriving late, has no effect.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property

import pydantic
import sqlalchemy as sa
import urllib3
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Field, Session, SQLModel, select

from shared import tokens
from shared.clock import utcnow
from shared.db import Database, after_commit, begin_write, utc_column
from shared.errors import Forbidden
from shared.jobs import Job
from shared.settings import get_settings

log = logging.getLogger(__name__)

# Who keeps copies of whose facts: publisher -> keepers.  A keeper accepts deliveries
# signed by these publishers' keys on its copies blueprint, and nowhere else.
PUBLISHES = {
    "gateway": ("bookings", "catalogue"),
    "catalogue": ("bookings",),
    "networks": ("bookings", "catalogue"),
}
KEEPER_BLUEPRINT = "copies"
# Pauses between attempts at a keeper that did not take a fact: 10 s, 20 s, 40 s … at
# most 10 minutes, for as long as it takes.
FIRST_PAUSE, LONGEST_PAUSE = timedelta(seconds=10), timedelta(minutes=10)
DELIVER_EVERY, RECONCILE_EVERY = timedelta(seconds=10), timedelta(hours=6)
# Delivered facts are kept a week (to see what was sent when), then let go.
KEEP_DELIVERED = timedelta(days=7)


def publishers_to(keeper: str) -> tuple[str, ...]:
    return tuple(p for p, keepers in PUBLISHES.items() if keeper in keepers)


class Publisher:
    """A component's outbox of facts (its `fact_outbox` table) and their delivery."""

    def __init__(self, component: str, base: type[SQLModel], database: Callable[[], Database]):
        self.component = component
        self.database = database

        class FactOutbox(base, table=True):  # type: ignore[misc, valid-type]
            __tablename__ = "fact_outbox"
            id: int | None = Field(default=None, primary_key=True)
            keeper: str = Field(sa_column=sa.Column(sa.String(20), nullable=False))
            path: str = Field(sa_column=sa.Column(sa.String(300), nullable=False))
            fact: str = Field(sa_column=sa.Column(sa.Text, nullable=False))  # JSON
            created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
            delivered_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True, index=True))
            next_attempt_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
            attempts: int = 0
            last_error: str | None = Field(default=None, sa_column=sa.Column(sa.String(500)))

        self.model = FactOutbox

    @cached_property
    def _insert(self) -> sa.Insert:
        return self.model.__table__.insert()

    def publish(self, db: Session, keeper: str, path: str, fact: dict) -> None:
        """`fact` as it is now, to be PUT at `keeper`'s `path` once this transaction
        commits (and not at all if it rolls back)."""
        if keeper not in PUBLISHES[self.component]:
            raise ValueError(f"{self.component} does not publish to {keeper} (shared.facts.PUBLISHES)")
        now = utcnow()
        db.execute(self._insert, {"keeper": keeper, "path": path, "fact": json.dumps(fact, sort_keys=True),
                                  "created_at": now, "next_attempt_at": now, "attempts": 0})
        after_commit(db, ("deliver facts", self.component), self.deliver_now)

    def deliver_now(self) -> None:
        """Straight after a commit that published: deliver what is waiting.  Whatever
        does not land now, the scheduler's delivery job takes on."""
        try:
            with self.database().session() as db:
                self.deliver(db)
        except Exception:  # noqa: BLE001 - the change is saved; delivery is retried by the job
            log.warning("facts of %s not delivered yet; the scheduler will retry", self.component, exc_info=True)

    def deliver(self, db: Session, limit: int = 200) -> int:
        """PUT each fact waiting (the latest for each address: an older one of the same
        address is settled by it) to its keeper; returns how many landed.  No lock or
        transaction is held while the keepers are called."""
        M = self.model
        now = utcnow()
        waiting = db.exec(select(M).where(M.delivered_at.is_(None), M.next_attempt_at <= now)
                          .order_by(M.id).limit(limit)).all()
        db.commit()
        latest: dict[tuple[str, str], object] = {}
        for row in waiting:
            latest[(row.keeper, row.path)] = row
        away: set[str] = set()
        landed = 0
        outcomes: dict[int, str | None] = {}
        for (keeper, _), row in latest.items():
            if keeper in away:
                continue
            error = self._put(row)
            outcomes[row.id] = error
            if error is None:
                landed += 1
            elif error.startswith("unreachable"):
                away.add(keeper)  # the rest of its facts wait for the next run
        now = utcnow()
        for row in waiting:
            newest = latest[(row.keeper, row.path)]
            if newest.id not in outcomes:
                continue
            error = outcomes[newest.id]
            if error is None:
                row.delivered_at = now  # it, or a later fact of the same address, landed
            elif row is newest:
                row.attempts += 1
                row.last_error = error[:500]
                row.next_attempt_at = now + min(FIRST_PAUSE * 2 ** (row.attempts - 1), LONGEST_PAUSE)
            db.add(row)
        db.execute(sa.delete(M).where(M.delivered_at < now - KEEP_DELIVERED))
        db.flush()
        for row_id, error in outcomes.items():
            if error is not None:
                log.warning("fact #%s of %s not taken: %s", row_id, self.component, error)
        return landed

    def _put(self, row) -> str | None:
        """None when the keeper took (or already had) the fact, else why not."""
        settings = get_settings()
        token = tokens.sign(tokens.service_identity(self.component), row.keeper,
                            settings.private_key_pem(self.component))
        body = {**json.loads(row.fact), "version": row.id}
        try:
            response = _pool().request("PUT", settings.service_url(row.keeper).rstrip("/") + row.path,
                                       body=json.dumps(body).encode(), timeout=settings.backend_timeout_seconds,
                                       headers={"Authorization": f"Bearer {token}",
                                                "Content-Type": "application/json"}, retries=False)
        except urllib3.exceptions.HTTPError as exc:
            return f"unreachable: {exc}"
        if 200 <= response.status < 300:
            return None
        return f"{response.status}: {response.data[:300].decode(errors='replace')}"

    def delivery(self) -> Job:
        """The scheduler's job delivering this component's facts every ten seconds."""
        def deliver_facts(db: Session) -> int:
            return self.deliver(db)

        return Job(deliver_facts, self.database, DELIVER_EVERY, done="delivered %d facts", write=False)

    def reconciliation(self, republish: Callable[[Session], int]) -> Job:
        """The job publishing every fact again (`republish(db)` says how many), when the
        scheduler starts and every six hours: a keeper that lost changes catches up."""
        def reconcile_facts(db: Session) -> int:
            return republish(db)

        return Job(reconcile_facts, self.database, RECONCILE_EVERY, done="published %d facts again",
                   at_start=True)


_POOL = None


def _pool() -> urllib3.PoolManager:
    """One pool of keep-alive connections per process (made after gunicorn forks), for
    every delivery."""
    global _POOL
    if _POOL is None:
        _POOL = urllib3.PoolManager(maxsize=4)
    return _POOL


class Fact(pydantic.BaseModel):
    """What a publisher PUTs at a keeper's copy: the fact, whole, with its version."""

    model_config = pydantic.ConfigDict(extra="forbid")
    version: int = pydantic.Field(ge=1, le=2**63 - 1, description="The publisher's outbox id: newer facts have larger ones.")


class Applied(pydantic.BaseModel):
    applied: bool = pydantic.Field(description="False when this copy already held the fact, or a newer one.")


@dataclass(frozen=True)
class Keeper:
    """The `fact_received` table of a component that keeps copies: the version of the
    fact it last applied at each address, per publisher."""

    model: type

    @classmethod
    def on(cls, base: type[SQLModel]) -> "Keeper":
        class FactReceived(base, table=True):  # type: ignore[misc, valid-type]
            __tablename__ = "fact_received"
            publisher: str = Field(sa_column=sa.Column(sa.String(20), primary_key=True))
            path: str = Field(sa_column=sa.Column(sa.String(300), primary_key=True))
            version: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False))
            received_at: datetime = Field(sa_column=utc_column())

        return cls(FactReceived)

    def fresh(self, db: Session, identity: tokens.Identity, publisher: str, path: str, version: int) -> bool:
        """Whether the fact delivered at `path` is newer than the one this copy holds
        (noted as held, in the caller's transaction).  Only `publisher` may deliver it:
        a person, or another service, is refused."""
        if identity.issuer != publisher or identity.subject != f"service:{publisher}":
            raise Forbidden(f"Only the {publisher} service publishes this; it is not changed here.")
        table = self.model.__table__
        insert = pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
        # One statement decides, under the row's lock: two deliveries of the same
        # fact at once apply it once, and an older one arriving late not at all.
        stmt = insert(table).values(publisher=publisher, path=path, version=version, received_at=utcnow())
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c.publisher, table.c.path],
            set_={"version": stmt.excluded.version, "received_at": stmt.excluded.received_at},
            where=table.c.version < stmt.excluded.version,
        ).returning(table.c.version)
        return db.execute(stmt).first() is not None

    def keep(self, db: Session, identity: tokens.Identity, publisher: str, path: str, version: int,
             apply: Callable[[Session], object]) -> dict:
        """A keeper's PUT: `apply` the fact delivered at `path` if `publisher` sent it and
        it is newer than the copy's (`fresh`), in the request's one transaction, with
        the write lock taken first on SQLite (what is applied rests on what is read)."""
        begin_write(db)
        applied = self.fresh(db, identity, publisher, path, version)
        if applied:
            apply(db)
        return {"applied": applied}
