"""localstripe, the Stripe emulator of the embedded default and the tests, and the
webhook it sends to the gateway.  Development only: it accepts any `sk_…` key.

localstripe is GPL, a dev dependency: it runs here as a child process, never imported
by our code.  Left to itself it listens on every interface and keeps its state in
/tmp/localstripe.pickle, one file for the whole machine, so two of them (a `make run`
and a test run, or two test runs) would overwrite each other's.  The small boot script
below binds it to 127.0.0.1 and keeps its state in a file of our choosing (var/ for
the embedded default) or in memory alone (the tests).
"""
from __future__ import annotations

import argparse
import signal
import socket
import subprocess
import sys
import time

import httpx

from shared.settings import DEV_STRIPE_API_BASE, get_settings

WEBHOOK_ID = "lighthouse"
WEBHOOK_PATH = "/stripe/webhook"

# Runs in the child: argv = [port, state file or ""].
_BOOT = """
import os, pickle, sys
from aiohttp import web
from localstripe import resources, server

port, state = int(sys.argv[1]), sys.argv[2]

def _load(store):
    try:
        with open(state, "rb") as f:
            store.clear()
            store.update(pickle.load(f))
    except FileNotFoundError:
        pass

def _dump(store):
    if state:
        with open(state + ".tmp", "wb") as f:
            pickle.dump(dict(store), f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(state + ".tmp", state)

resources.Store.try_load_from_disk = _load
resources.Store.dump_to_disk = _dump
if state:
    resources.store.try_load_from_disk()
web.run_app(server.app, host="127.0.0.1", port=port, access_log=None, print=None)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(port: int, state_file: str | None = None) -> subprocess.Popen:
    """localstripe on 127.0.0.1:`port`, answering once this returns."""
    process = subprocess.Popen([sys.executable, "-c", _BOOT, str(port), state_file or ""])
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"localstripe stopped at start (exit {process.returncode}); is port {port} taken?")
        try:
            httpx.get(f"{url}/js.stripe.com/v3/", timeout=1)
            return process
        except httpx.TransportError:
            if time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"localstripe did not answer on {url}") from None
            time.sleep(0.1)


def register_webhook(api_url: str, webhook_url: str, secret: str, *, webhook_id: str = WEBHOOK_ID,
                     events: list[str] | None = None) -> None:
    """Send localstripe's events to `webhook_url`, signed with `secret` (Stripe's own
    dashboard does this for production; localstripe has no API for it)."""
    data = {"url": webhook_url, "secret": secret}
    if events is not None:
        data["events[]"] = events
    response = httpx.post(f"{api_url}/_config/webhooks/{webhook_id}", data=data, timeout=5)
    response.raise_for_status()


def empty(api_url: str) -> None:
    """Forget every object (its webhooks stay registered)."""
    httpx.delete(f"{api_url}/_config/data", timeout=5).raise_for_status()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=int(DEV_STRIPE_API_BASE.rsplit(":", 1)[1]))
    args = parser.parse_args(argv)
    settings = get_settings()
    if settings.env == "production":
        print("localstripe is for development only", file=sys.stderr)
        return 2
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    process = start(args.port, str(settings.var_dir / "localstripe.pickle"))
    register_webhook(f"http://127.0.0.1:{args.port}", settings.public_url.rstrip("/") + WEBHOOK_PATH,
                     settings.stripe_webhook_secret)
    print(f"localstripe on http://127.0.0.1:{args.port}, webhooks to {settings.public_url}{WEBHOOK_PATH}",
          flush=True)
    # honcho stops us with SIGTERM: pass it on, so no localstripe outlives `make run`.
    signal.signal(signal.SIGTERM, lambda *_: process.terminate())
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        return process.wait()


if __name__ == "__main__":
    sys.exit(main())
