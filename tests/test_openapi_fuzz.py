"""schemathesis against each service's OpenAPI document: whatever it sends, no 5xx."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from shared import tokens
from tests.support.fixtures import ADMIN

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("service", ["catalogue", "bookings", "networks"])
def test_no_server_errors(stack, make_course, service):
    make_course(title="Seeded for the fuzzer")
    token = tokens.sign(ADMIN, service, stack.settings.private_key_pem(), ttl_seconds=900)
    url = getattr(stack, service).url
    cli = Path(sys.executable).parent / "schemathesis"
    result = subprocess.run(
        [str(cli), "run", f"{url}/openapi.json", "--checks", "not_a_server_error",
         "-H", f"Authorization: Bearer {token}", "--max-examples", os.environ.get("LL_FUZZ_EXAMPLES", "40"),
         "--phases", "examples,coverage,fuzzing", "--workers", "1", "--seed", "20261122", "--warnings", "off"],
        capture_output=True, text=True, timeout=600,
        env={**os.environ, "NO_COLOR": "1", "SCHEMATHESIS_HOOKS": ""},
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
