"""`python -m shared.wait_ready`: wait until every component answers /readyz, then say
where to point a browser.  Exits non-zero if that takes longer than a minute."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx

from shared.settings import get_settings


def main() -> int:
    settings = get_settings()
    port = os.environ.get("LL_GATEWAY_PORT", "8000")
    gateway = f"http://127.0.0.1:{port}"
    urls = [settings.catalogue_url, settings.bookings_url, settings.networks_url, gateway]
    started, deadline = time.monotonic(), time.monotonic() + 60
    pending = list(urls)
    while pending and time.monotonic() < deadline:
        for url in list(pending):
            try:
                if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                    pending.remove(url)
            except httpx.HTTPError:
                pass
        if pending:
            time.sleep(0.25)
    if pending:
        print(f"not ready after 60 s: {', '.join(pending)}", flush=True)
        return 1
    # Demo data that can only be written through the running services (the gateway
    # adds the maths network's members); it does nothing when LL_SEED_DEMO_DATA is off
    # or the roster is already there.
    subprocess.run([sys.executable, "-m", "gateway", "seed-network-members"], check=False)
    print(f"Lighthouse Learning is ready at {gateway} (took {time.monotonic() - started:.1f} s)", flush=True)
    # honcho stops everything when one process exits; stay up quietly.
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    sys.exit(main())
