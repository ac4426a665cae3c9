"""gunicorn hooks for every component's web server (`python -m <component> web`)."""
from __future__ import annotations

import gc


def pre_fork(server, worker):
    """Freeze what the master built before forking a worker.

    With --preload the master imports the app (SQLAlchemy's mappers, the GraphQL
    schema, pydantic's models: over 100,000 objects) and every worker inherits it for
    life.  Left to the collector, each worker's first full collections re-scan all of
    it: about 100 ms apiece, and in bench/booking_rush.py they landed inside the rush.
    Frozen, a full collection scans only what the worker made itself (a few thousand
    objects), and the pages shared with the master stay shared (no refcount writes
    from the collector).  Python's own advice for forking servers (see gc.freeze)."""
    gc.freeze()
