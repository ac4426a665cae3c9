"""Video streaming (issue 15): a 500 MB file played through the catalogue's signed
playback route via the gateway's streaming proxy (both real gunicorn processes, as
`make run` starts them), by 1 and then 8 viewers at once, each seeking at random: one
Range request of 4 MiB after another at random offsets.

Reported: MB/s per viewer (and all viewers together) against `cat` of the same file
to /dev/null — the disk's (here: the page cache's) own limit — and the peak resident
memory of each web process (gunicorn's master and workers, catalogue and gateway),
which must stay flat — under 150 MB — whatever the file size.

    python -m bench videos [--video-mb 500] [--seconds 10]
"""
from __future__ import annotations

import os
import random
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from bench.harness import base_env, free_port, fresh_databases, start, table, wait_ready

RANGE = 4 * 1024 * 1024
RSS_LIMIT_MB = 150


def _make_file(path: Path, megabytes: int) -> None:
    """`megabytes` (10^6 bytes each) of noise, written a block at a time (playback does
    not probe the content: any bytes stream as a video's would)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    block = os.urandom(1_000_000)
    with open(path, "wb") as out:
        for i in range(megabytes):
            out.write(block[i % 997:] + block[:i % 997])  # no two blocks alike


def _cat_mb_s(path: Path) -> float:
    subprocess.run(["cat", str(path)], stdout=subprocess.DEVNULL, check=True)  # warm, as the streams will be
    t = time.perf_counter()
    subprocess.run(["cat", str(path)], stdout=subprocess.DEVNULL, check=True)
    return path.stat().st_size / 1e6 / (time.perf_counter() - t)


def _tree(pid: int) -> list[int]:
    """The process and its children (gunicorn's master and its workers)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [pid, *(p for child in children for p in _tree(int(child)))]


def _rss_mb(pid: int, field: str = "VmRSS") -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class PeakMemory:
    """Samples each web process's resident memory ten times a second; `peak()` is the
    largest any single process (master or worker) reached, by component."""

    def __init__(self, roots: dict[str, int]):
        self.roots, self.peaks, self._stop = roots, {name: 0.0 for name in roots}, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            for name, root in self.roots.items():
                for pid in _tree(root):
                    # VmHWM: the process's own high-water mark, so no peak between samples is missed
                    self.peaks[name] = max(self.peaks[name], _rss_mb(pid, "VmHWM"))
            self._stop.wait(0.1)

    def __enter__(self) -> "PeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def now(self) -> dict[str, float]:
        return {name: max((_rss_mb(pid) for pid in _tree(root)), default=0.0) for name, root in self.roots.items()}


def _viewer(url: str, size: int, seconds: float, seed: int, out: list) -> None:
    """Seek at random for `seconds`: each request a 4 MiB range at a random offset, read
    to its end as a player buffering after a seek would."""
    rng, got, requests, started = random.Random(seed), 0, 0, time.perf_counter()
    with httpx.Client(timeout=60) as client:
        while time.perf_counter() - started < seconds:
            first = rng.randrange(0, size - RANGE)
            with client.stream("GET", url, headers={"Range": f"bytes={first}-{first + RANGE - 1}"}) as answer:
                if answer.status_code != 206:
                    raise RuntimeError(f"playback answered {answer.status_code}: {answer.read()[:300]!r}")
                for chunk in answer.iter_raw(256 * 1024):
                    got += len(chunk)
            requests += 1
    out.append((got, time.perf_counter() - started, requests))


def run(megabytes: int = 500, seconds: float = 10.0, database_url: str | None = None) -> None:
    var_dir = Path(tempfile.mkdtemp(prefix="ll-bench-videos-"))
    env = base_env(var_dir, database_url)
    ports = {name: free_port() for name in ("catalogue", "gateway")}
    env.update({"LL_VIDEO_URL_KEY": secrets.token_urlsafe(48), "LL_CATALOGUE_URL": f"http://127.0.0.1:{ports['catalogue']}",
                "LL_OIDC_ISSUER": "http://127.0.0.1:9", "LL_BOOKINGS_URL": "http://127.0.0.1:9",
                "LL_NETWORKS_URL": "http://127.0.0.1:9"})
    os.environ.update(env)
    fresh_databases(database_url, {"gateway": "gateway.db", "catalogue": "services.catalogue.db"})
    from services.catalogue.db import database
    from services.catalogue.videos import media
    from services.catalogue.videos.models import Video
    from shared.settings import get_settings
    from shared.vocabulary import Visibility

    settings = get_settings()
    key = "videos/bench/video.mp4"
    path = settings.video_storage_path / key
    print(f"writing a {megabytes} MB file…", file=sys.stderr)
    _make_file(path, megabytes)
    size = path.stat().st_size
    with database().session() as db:
        video = Video(title="Bench film", subject="Maths", storage_key=key, content_type="video/mp4",
                      size_bytes=size, visibility=Visibility.PUBLIC, uploaded_by_id=1, uploaded_by_name="Bench")
        db.add(video)
        db.flush()
        url = f"http://127.0.0.1:{ports['gateway']}" + media.signed_stream_url(video, None, settings)
    cat = _cat_mb_s(path)
    procs = {"catalogue": start("services.catalogue", ports["catalogue"], env),
             "gateway": start("gateway", ports["gateway"], env)}
    rows = []
    try:
        for name in procs:
            wait_ready(f"http://127.0.0.1:{ports[name]}")
        memory = PeakMemory({name: p.pid for name, p in procs.items()})
        httpx.get(url, headers={"Range": "bytes=0-1023"}, timeout=30)  # workers up and connected
        at_rest = memory.now()
        with memory:
            for viewers in (1, 8):
                results: list = []
                threads = [threading.Thread(target=_viewer, args=(url, size, seconds, n, results))
                           for n in range(viewers)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                if len(results) != viewers:
                    raise RuntimeError("a viewer failed; see above")
                rates = [got / 1e6 / took for got, took, _ in results]
                rows.append([f"{viewers} viewer{'s' if viewers > 1 else ''}", sum(rates) / viewers, min(rates),
                             sum(rates), sum(r for _, _, r in results), f"{100 * sum(rates) / viewers / cat:.0f}%"])
                print(f"  {viewers} viewer(s): {sum(rates):.0f} MB/s together", file=sys.stderr)
        peaks = memory.peaks
    finally:
        for p in procs.values():
            p.terminate()
        for p in procs.values():
            p.wait(10)
    print(f"\nVideo streaming: a {size / 1e6:.0f} MB file through the gateway's /media proxy to the catalogue's "
          f"signed playback route, {RANGE // 1024**2} MiB Range requests at random offsets for {seconds:.0f} s "
          f"per run (gunicorn: {env['WEB_CONCURRENCY']} workers x {os.environ.get('WEB_THREADS', '4')} threads "
          f"each; viewers and servers share the machine's {os.cpu_count()} cores)\n")
    print(table(["", "MB/s per viewer", "slowest viewer", "MB/s together", "range requests", "of cat"],
                [["cat to /dev/null", cat, cat, cat, "-", "100%"], *rows]))
    print()
    print(table(["web process", "RSS at rest (MB)", "peak RSS streaming (MB, any one process)", f"under {RSS_LIMIT_MB} MB"],
                [[name, at_rest[name], peaks[name], "yes" if peaks[name] < RSS_LIMIT_MB else "NO"] for name in procs]))
