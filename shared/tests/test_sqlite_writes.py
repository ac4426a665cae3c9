"""Writers on the embedded SQLite default queue for the write lock instead of failing
with "database is locked" when a transaction that has read goes on to write: in jobs,
in requests (GET ones too), and with SELECT … FOR UPDATE standing in for row locks."""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from flask import Flask

from shared.db import Database, init_request_sessions, request_session

COUNTER = sa.table("counter", sa.column("id", sa.Integer), sa.column("n", sa.Integer))


@pytest.fixture
def database(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'writes.sqlite3'}")
    with database.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
        conn.exec_driver_sql("INSERT INTO counter VALUES (1, 0)")
    yield database
    database.dispose()


def _another_writer_holds_the_lock(database: Database, seconds: float) -> threading.Thread:
    """A writer that takes the lock, holds it for `seconds` and commits a change."""
    locked = threading.Event()

    def hold():
        with database.engine.connect() as conn:
            conn.exec_driver_sql("UPDATE counter SET n = n + 100")
            locked.set()
            time.sleep(seconds)
            conn.commit()

    writer = threading.Thread(target=hold)
    writer.start()
    assert locked.wait(5)
    return writer


def _count(database: Database) -> int:
    with database.engine.connect() as conn:
        return conn.exec_driver_sql("SELECT n FROM counter").scalar()


def test_a_job_that_reads_then_writes_waits_for_the_writer_ahead_of_it(database):
    with database.session() as db:
        assert db.execute(sa.select(COUNTER.c.n)).scalar() == 0
        writer = _another_writer_holds_the_lock(database, 0.3)
        db.execute(sa.update(COUNTER).values(n=COUNTER.c.n + 1))
    writer.join()
    assert _count(database) == 101  # both changes landed, neither was refused


def test_a_get_request_that_reads_then_writes_waits_for_the_writer_ahead_of_it(database):
    app = Flask(__name__)
    init_request_sessions(app, database)
    started = threading.Event()
    go = threading.Event()

    @app.get("/visit")
    def visit():
        db = request_session()
        seen = db.execute(sa.select(COUNTER.c.n)).scalar()
        started.set()
        assert go.wait(5)
        db.execute(sa.update(COUNTER).values(n=COUNTER.c.n + 1))
        return {"seen": seen}

    with ThreadPoolExecutor(1) as pool:
        response = pool.submit(app.test_client().get, "/visit")
        assert started.wait(5)
        writer = _another_writer_holds_the_lock(database, 0.3)
        go.set()
        assert response.result().status_code == 200
    writer.join()
    assert _count(database) == 101


def test_select_for_update_keeps_concurrent_read_modify_writes_apart(database):
    """SQLite has no row locks, so FOR UPDATE takes the database's write lock before the
    read: twenty increments that each read the counter and write it back all count."""
    clients = 20
    gate = threading.Barrier(clients)

    def increment(_):
        gate.wait(5)
        with database.session() as db:
            n = db.execute(sa.select(COUNTER.c.n).where(COUNTER.c.id == 1).with_for_update()).scalar()
            time.sleep(0.005)  # widen the window a lost update would need
            db.execute(sa.update(COUNTER).values(n=n + 1))

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(increment, range(clients)))
    assert _count(database) == clients
