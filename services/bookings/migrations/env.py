from services.bookings.db import UNMODELLED, VERSION_TABLE, metadata
from shared.migrations import run_env

run_env(metadata(), VERSION_TABLE, UNMODELLED)
