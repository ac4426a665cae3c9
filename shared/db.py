"""Databases: one per component, SQLite by default, PostgreSQL when configured.

Each component declares its tables on its own `Base` (its own MetaData with a naming
convention, so migrations never hold anonymous constraints).  Web requests get one
session from `request_session()`, committed in one place when the response succeeds
and rolled back otherwise; domain operations only add and flush.
"""
from __future__ import annotations

import re
import time
from contextlib import contextmanager
from datetime import timezone
from typing import Iterator

from flask import Flask, g
import sqlalchemy as sa
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import registry
from sqlmodel import Session, SQLModel, create_engine

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def declarative_base(name: str) -> type[SQLModel]:
    """A SQLModel base with its own metadata, so one component's tables never leak into
    another's migrations even when several components share a process (tests)."""
    reg = registry(metadata=MetaData(naming_convention=NAMING_CONVENTION))
    return type(name, (SQLModel,), {"__module__": __name__}, registry=reg)


def text_enum(e: type, name: str) -> sa.Enum:
    """An enum stored as checked text, not a native PostgreSQL enum: adding a value
    later is a one-line migration instead of an ALTER TYPE dance."""
    return sa.Enum(e, name=name, native_enum=False, create_constraint=True, length=20,
                   values_callable=lambda members: [m.value for m in members])


class UTCDateTime(sa.TypeDecorator):
    """Aware UTC in, aware UTC out, on every database.  SQLite keeps no offset, so
    without this it hands back naive datetimes that then serialise without one."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: give times with their offset")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value


def utc_column(nullable: bool = False, **kwargs) -> sa.Column:
    return sa.Column(UTCDateTime(), nullable=nullable, **kwargs)


def normalise_url(url: str) -> str:
    # psycopg 3 is the driver we ship; accept the common spellings of a PostgreSQL URL.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def ensure_sqlite_folder(url: str) -> None:
    """SQLite makes the file but not the folder it lives in (var/ on a fresh checkout)."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        from pathlib import Path

        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        ensure_sqlite_folder(url)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            # pysqlite's own transaction handling would defer BEGIN; we issue it ourselves
            # so that writers take the lock up front (_take_the_write_lock_before_writing).
            dbapi_connection.isolation_level = None
            cur = dbapi_connection.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        _take_the_write_lock_before_writing(engine)
        return engine
    engine = create_engine(url, pool_size=10, max_overflow=20)
    _ping_connections_left_idle(engine)
    return engine


# Where a SQLite transaction stands, kept in the pooled connection's info.
_SQLITE_TXN = "ll_sqlite_txn"
_DEFERRED, _LOCKED = "deferred", "locked"
# Statements that only read.  Anything else (INSERT, UPDATE, DELETE, SAVEPOINT, DDL…)
# counts as a write: a read mistaken for a write only takes the lock early.
_READ_ONLY = re.compile(r"\s*(SELECT|PRAGMA|EXPLAIN)\b", re.IGNORECASE)
_WITH_READ_ONLY = re.compile(r"\s*WITH\b(?!.*\b(INSERT|UPDATE|DELETE|REPLACE)\b)", re.IGNORECASE | re.DOTALL)


def _take_the_write_lock_before_writing(engine: Engine) -> None:
    """Every SQLite transaction that writes holds the write lock before its first write.

    A deferred transaction that has read and then writes must upgrade its read lock,
    and SQLite refuses that at once with "database is locked" whenever another writer
    is active or has committed since the read began (the busy timeout is not consulted,
    since waiting could deadlock).  So, just before the first write of a transaction
    that has not yet written, the deferred transaction is ended and a BEGIN IMMEDIATE
    waits its turn (busy timeout) for the lock.  Nothing was written yet, so nothing is
    lost; the reads before it are then as of their own moment, which is what PostgreSQL
    (READ COMMITTED) gives the same code in production.  A unit of work whose decision
    rests on its reads takes the lock before them: `begin_write`, or SELECT … FOR UPDATE
    (counted as a write here, since SQLite has no row locks to honour it with).
    Reads alone stay deferred, so readers never queue behind writers."""

    @event.listens_for(engine, "begin")
    def _begin(conn):
        write = bool(conn.get_execution_options().get("ll_write"))
        conn.info[_SQLITE_TXN] = None  # our own BEGIN is not the transaction's first statement
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
        conn.info[_SQLITE_TXN] = _LOCKED if write else _DEFERRED

    @event.listens_for(engine, "before_cursor_execute")
    def _lock_before_first_write(conn, cursor, statement, _parameters, context, _executemany):
        if conn.info.get(_SQLITE_TXN) != _DEFERRED or _only_reads(statement, context):
            return
        # Also when nothing ran yet: a FOR UPDATE read or a SAVEPOINT would not take
        # the lock by itself, and ending an empty transaction costs nothing.
        cursor.execute("COMMIT")
        cursor.execute("BEGIN IMMEDIATE")
        conn.info[_SQLITE_TXN] = _LOCKED


def _only_reads(statement: str, context) -> bool:
    compiled = getattr(context, "compiled", None)
    if isinstance(getattr(compiled, "statement", None), sa.Select) and compiled.statement._for_update_arg is not None:
        return False
    return bool(_READ_ONLY.match(statement) or _WITH_READ_ONLY.match(statement))


# A connection idle this long is checked before use; one in steady use is not.
PING_AFTER_IDLE_SECONDS = 10.0


def _ping_connections_left_idle(engine: Engine) -> None:
    """pool_pre_ping's check, paid only by connections that sat idle.

    Pinging on every checkout costs a round trip per request (measured in
    bench/booking_rush.py), and a connection used a moment ago is almost surely alive.
    A connection that has idled (across a database restart, say) is pinged first and
    quietly replaced when dead.  If the database goes away while connections are busy,
    the next statement on each fails, SQLAlchemy drops the whole pool, and that request
    is answered 503 "try again" (see shared.errors)."""

    @event.listens_for(engine, "checkin")
    def _idle_from(_dbapi_connection, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, _proxy):
        idle_since = record.info.get("idle_since")
        if idle_since is not None and time.monotonic() - idle_since > PING_AFTER_IDLE_SECONDS:
            try:
                engine.dialect.do_ping(dbapi_connection)
            except engine.dialect.loaded_dbapi.Error as exc:
                # The pool discards this connection and checks out another.
                raise sa.exc.DisconnectionError("connection lost while idle") from exc


class Database:
    """The engine of one component, made on first use."""

    def __init__(self, url: str):
        self.url = normalise_url(url)
        self._engine: Engine | None = None
        self._reader: Engine | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.url)
        return self._engine

    @contextmanager
    def lone_read(self) -> Iterator[Session]:
        """A session for a read that stands apart from the request's unit of work.

        On PostgreSQL it runs in autocommit: one SELECT is one round trip instead of
        three (BEGIN, SELECT, COMMIT), which matters for the reads made before every
        request.  What it loads comes out detached, with its loaded attributes; to
        change it, add it to the request's session.  On SQLite it is a plain session."""
        if self._reader is None:
            self._reader = self.engine if self.is_sqlite else self.engine.execution_options(
                isolation_level="AUTOCOMMIT")
        with Session(self._reader, expire_on_commit=False) as session:
            yield session

    def load_driver(self) -> None:
        """Import the database driver now, without connecting.  The web servers build
        the app before forking workers, so the import (a tenth of a second for psycopg)
        is paid once there instead of inside each worker's first request."""
        sa.engine.make_url(self.url).get_dialect().import_dbapi()

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work outside a request (jobs, seeding): commit or roll back whole."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = self._reader = None

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")


def init_request_sessions(app: Flask, database: Database) -> None:
    """One session per request, committed once when the response is a success."""
    app.extensions["lighthouse_db"] = database
    database.load_driver()

    @app.after_request
    def _commit(response):
        session: Session | None = g.pop("db_session", None)
        if session is not None:
            try:
                if not session.in_transaction():
                    pass  # nothing was read or written through it: no round trip to make
                elif response.status_code < 400 and not session.info.get(CHECK_ONLY):
                    session.commit()
                else:
                    session.rollback()
            finally:
                session.close()
        return response

    @app.teardown_request
    def _close(_exc):
        session: Session | None = g.pop("db_session", None)
        if session is not None:  # the request failed before after_request ran
            session.rollback()
            session.close()


def begin_write(session: Session) -> None:
    """Declare, before the first statement, that what this unit of work writes rests on
    what it reads under contention (capacity counters and the like).  On SQLite it
    starts with BEGIN IMMEDIATE, so its reads are made under the write lock too (any
    other transaction takes the lock only at its first write); on PostgreSQL it changes
    nothing, row locks and conditional updates do the work there."""
    if session.in_transaction():
        raise RuntimeError("begin_write must come before the transaction's first statement")
    session.connection(execution_options={"ll_write": True})


def request_session() -> Session:
    from flask import current_app

    if "db_session" not in g:
        g.db_session = Session(current_app.extensions["lighthouse_db"].engine, expire_on_commit=False,
                               info={CHECK_ONLY: bool(g.get(CHECK_ONLY))})
    return g.db_session


# A request marked check-only (see shared.web: the gateway's forms ask a service whether
# what was typed would be accepted, without saving it) does all its work and is then
# rolled back whole, outbox messages included.  A handler that commits by itself would
# save anyway, so such a commit is refused outright.
CHECK_ONLY = "ll_check_only"


@event.listens_for(Session, "before_commit")
def _never_commit_a_check(session: Session) -> None:
    if session.info.get(CHECK_ONLY):
        raise RuntimeError("a check-only request must not commit")


# Work that may only start once what a transaction wrote is committed (delivering the
# facts it published, shared.facts): kept in the session's info by key, so a
# transaction asking ten times runs it once; run after the commit, dropped on rollback.
_AFTER_COMMIT = "ll_after_commit"


def after_commit(session: Session, key, work) -> None:
    """Run `work()` once this session's transaction has committed (never if it rolls back)."""
    session.info.setdefault(_AFTER_COMMIT, {}).setdefault(key, work)


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    for work in session.info.pop(_AFTER_COMMIT, {}).values():
        work()


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_AFTER_COMMIT, None)


_databases: dict[str, Database] = {}


def component_database(component: str):
    """A component's `database(settings=None)`: its one Database, where the settings say."""
    def database(settings=None) -> Database:
        from shared.settings import get_settings

        return get_database((settings or get_settings()).database_url_for(component))

    database.__doc__ = f"The {component}'s database."
    return database


def get_database(url: str) -> Database:
    """One Database (and so one connection pool) per URL in a process."""
    url = normalise_url(url)
    if url not in _databases:
        _databases[url] = Database(url)
    return _databases[url]
