"""Starting components as real processes for a benchmark, and summarising timings."""
from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(module: str, port: int, env: dict) -> subprocess.Popen:
    """`module`'s web server on `port`; what it logs goes to `service_log(env, module, port)`
    (in the run's own folder), to be read when a run goes wrong."""
    key = module.split(".")[-1].upper()
    env = {**env, **{k: os.environ[f"BENCH_{key}_{k}"] for k in ("WEB_CONCURRENCY", "WEB_THREADS")
                     if f"BENCH_{key}_{k}" in os.environ}}
    log = open(service_log(env, module, port), "wb") if env.get("LL_VAR_DIR") else subprocess.DEVNULL
    return subprocess.Popen([sys.executable, "-m", module, "web", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)


def service_log(env: dict, module: str, port: int) -> Path:
    return Path(env["LL_VAR_DIR"]) / f"{module}-{port}.log"


def wait_ready(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} not ready after {timeout} s")


def wait_for(what: str, arrived: Callable[[], bool], nudge: Callable[[], object] | None = None,
             timeout: float = 60, why: Callable[[], str] | None = None) -> None:
    """Look until `arrived()` holds — calling `nudge()` before each look (to deliver what
    is waiting) — for at most `timeout` seconds; then stop the run, saying what never
    came and (`why()`) what is known about it.  Set-up waits for what it needs this
    way rather than for a guessed while."""
    deadline = time.monotonic() + timeout
    while True:
        if nudge is not None:
            nudge()
        if arrived():
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"set-up: {what} after {timeout:.0f} s" + (f"; {why()}" if why else ""))
        time.sleep(0.2)


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary(samples_ms: list[float]) -> dict:
    return {"n": len(samples_ms), "p50": percentile(samples_ms, 50), "p95": percentile(samples_ms, 95),
            "mean": statistics.fmean(samples_ms)}


def table(headers: list[str], rows: list[list]) -> str:
    cells = [[str(h) for h in headers]] + [[f"{c:.1f}" if isinstance(c, float) else str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    line = lambda r: "| " + " | ".join(c.rjust(w) for c, w in zip(r, widths)) + " |"  # noqa: E731
    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(cells[0]), sep, *map(line, cells[1:])])


def base_env(var_dir: Path, database_url: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.endswith("DATABASE_URL")}
    env.update({"LL_ENV": "development", "LL_VAR_DIR": str(var_dir), "LL_SEED_DEMO_DATA": "false",
                "WEB_CONCURRENCY": "2"})
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _proc_table() -> dict[int, tuple[int, str, float]]:
    """pid -> (parent pid, command name, CPU seconds so far), from /proc (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    table_: dict[int, tuple[int, str, float]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                raw = f.read()
        except OSError:
            continue
        name = raw[raw.index("(") + 1:raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2:].split()
        # fields[1] is the parent pid; [11], [12] user and system time; [13], [14] those of reaped children
        table_[int(entry)] = (int(fields[1]), name, sum(int(x) for x in fields[11:15]) / tick)
    return table_


def cpu_seconds(roots: dict[str, int]) -> dict[str, float]:
    """CPU seconds used so far by each named process and everything it started, plus
    every PostgreSQL process and this benchmark itself: where a run's CPU went."""
    procs = _proc_table()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _, _) in procs.items():
        children.setdefault(ppid, []).append(pid)

    def tree(pid: int) -> float:
        return procs.get(pid, (0, "", 0.0))[2] + sum(tree(c) for c in children.get(pid, []))

    out = {name: tree(pid) for name, pid in roots.items()}
    out["postgres"] = sum(cpu for _, name, cpu in procs.values() if name.startswith("postgres"))
    t = os.times()
    out["bench clients"] = t.user + t.system
    return out


def fresh_databases(database_url: str | None, components: dict[str, str]) -> None:
    """Each component's database ({component: module with MIGRATIONS}) migrated to head;
    on PostgreSQL (`database_url`), dropped and created first, so every run starts empty."""
    import sqlalchemy as sa

    from shared.db import normalise_url
    from shared.migrations import upgrade
    from shared.settings import get_settings

    settings = get_settings()
    for component, module in components.items():
        url = settings.database_url_for(component)
        if database_url:
            server = sa.create_engine(normalise_url(database_url).rsplit("/", 1)[0] + "/postgres",
                                      isolation_level="AUTOCOMMIT")
            with server.connect() as conn:
                name = sa.engine.make_url(normalise_url(url)).database
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
            server.dispose()
        upgrade(__import__(module, fromlist=["MIGRATIONS"]).MIGRATIONS, url)
