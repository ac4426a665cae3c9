"""Fixtures every test folder shares: real databases (SQLite files, or PostgreSQL when
LL_TEST_DATABASE_URL is set), the three services and the gateway on real sockets, and
a real OIDC provider.  Between tests every table is emptied, so no test sees another's
rows.
"""
from __future__ import annotations

import os
import socket
import tempfile
import threading
from pathlib import Path

import pytest

_TMP = Path(tempfile.mkdtemp(prefix="lighthouse-test-"))
PG_URL = os.environ.get("LL_TEST_DATABASE_URL")
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")

# Settings are read from the environment: set it before any component is imported.
os.environ.update({"LL_ENV": "test", "LL_VAR_DIR": str(_TMP), "LL_SEED_DEMO_DATA": "false"})
for _name in ("DATABASE_URL", "CATALOGUE_DATABASE_URL", "BOOKINGS_DATABASE_URL", "NETWORKS_DATABASE_URL",
              "GATEWAY_DATABASE_URL"):
    os.environ.pop(_name, None)
# A localstripe of this run's own (tests.support.fixtures.localstripe starts it when a
# test asks), so a `make run` or another test run on the machine never shares its state.
_stripe_port = socket.socket()
_stripe_port.bind(("127.0.0.1", 0))
os.environ["LL_STRIPE_API_BASE"] = f"http://127.0.0.1:{_stripe_port.getsockname()[1]}"
_stripe_port.close()
if PG_URL:
    os.environ["DATABASE_URL"] = f"{PG_URL.rstrip('/')}_{WORKER}"

from tests.support import components as _components  # noqa: E402

pytest_plugins = ["tests.support.fixtures"]


def pytest_sessionstart(session):
    _components.create_databases()
    _components.migrate_all()


def pytest_sessionfinish(session, exitstatus):
    _components.dispose_all()
