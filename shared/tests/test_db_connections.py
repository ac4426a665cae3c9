"""Pooled PostgreSQL connections when the server drops them: an idle one is checked and
replaced unseen; a busy one fails one request with a 503 that says to try again, and
the next request works.  PostgreSQL only (SQLite has no server to lose)."""
from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa
from flask import Flask

from shared import db as shared_db
from shared.errors import register_error_handlers

PG_URL = os.environ.get("LL_TEST_DATABASE_URL")
pytestmark = pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL (LL_TEST_DATABASE_URL)")


@pytest.fixture
def engine():
    server_url = shared_db.normalise_url(PG_URL).rsplit("/", 1)[0]
    name = f"ll_conn_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(f"{server_url}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine = shared_db.make_engine(f"{server_url}/{name}")
    yield engine
    engine.dispose()
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def _server_drops_every_connection(engine) -> None:
    """What a database restart does to the pool, without restarting the shared server."""
    name = engine.url.database
    killer = sa.create_engine(engine.url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with killer.connect() as conn:
        dropped = conn.execute(sa.text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                       "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name}).scalar()
    killer.dispose()
    assert dropped >= 1


def _backend_pid(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT pg_backend_pid()")).scalar()


def test_an_idle_connection_the_server_dropped_is_replaced_unseen(engine, monkeypatch):
    first = _backend_pid(engine)
    _server_drops_every_connection(engine)
    monkeypatch.setattr(shared_db, "PING_AFTER_IDLE_SECONDS", 0.0)
    assert _backend_pid(engine) != first  # pinged, found dead, replaced: no error reached the caller


def test_a_connection_in_steady_use_is_not_pinged(engine):
    _backend_pid(engine)
    pings = []
    original = engine.dialect.do_ping
    engine.dialect.do_ping = lambda dbapi_connection: pings.append(1) or original(dbapi_connection)
    try:
        for _ in range(5):
            _backend_pid(engine)
    finally:
        engine.dialect.do_ping = original
    assert pings == []


def test_a_busy_connection_lost_answers_503_then_the_next_request_works(engine):
    app = Flask(__name__)
    register_error_handlers(app)

    @app.get("/now")
    def now():
        with engine.connect() as conn:
            return {"pid": conn.execute(sa.text("SELECT pg_backend_pid()")).scalar()}

    client = app.test_client()
    first = client.get("/now")
    assert first.status_code == 200
    _server_drops_every_connection(engine)
    lost = client.get("/now")  # used again at once, so not pinged: the statement meets the dead socket
    assert lost.status_code == 503
    assert "try again" in lost.get_json()["message"] and "nothing was changed" in lost.get_json()["message"]
    again = client.get("/now")
    assert again.status_code == 200 and again.get_json()["pid"] != first.get_json()["pid"]
