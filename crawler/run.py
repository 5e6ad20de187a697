"""Start a crawl in a child process and return its run records (see ``yrdwatch.crawler.process``)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import uuid
from pathlib import Path

from yrdwatch.crawler.sources import Source
from yrdwatch.db.store import Store


_running: set[subprocess.Popen] = set()  # crawl processes of this program, for stop_running_crawls
_lock = threading.Lock()


def stop_running_crawls(sig: int = signal.SIGTERM) -> int:
    """Ask every running crawl process to stop (Scrapy closes its spiders cleanly on SIGTERM and
    records the runs as "shutdown"); returns how many were asked."""
    with _lock:
        procs = list(_running)
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(sig)
    return len(procs)


class CrawlError(RuntimeError):
    """The crawl process could not run at all (its log tail is in the message)."""


def child_command(module: str, sources: list[Source], settings: dict | None, args: list[str]) -> tuple[list, dict]:
    """The command line and environment of a child process (``python -m MODULE``) that reads
    ``sources`` from their seeds files with Scrapy ``settings``: a crawl, or a check of sources."""
    cmd = [sys.executable, "-m", module, *args]
    for path in dict.fromkeys(str(s.seeds_file) for s in sources):
        cmd += ["--seeds", path]
    for source in sources:
        cmd += ["--source", source.name]
    for name, value in (settings or {}).items():
        cmd += ["--set", f"{name}={value}"]
    project_root = str(Path(__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [project_root, os.environ.get("PYTHONPATH")]))}
    return cmd, env


def run_crawl(db_path: str | Path, sources: list[Source], *, settings: dict | None = None,
              log_path: str | Path | None = None) -> list[dict]:
    """Crawl ``sources`` (already validated) into ``db_path``; one dict per source run.

    The child's Scrapy log goes to ``log_path`` (or is discarded when None); the run rows are
    read back from the database, so what the caller reports is exactly what was recorded.
    """
    batch = uuid.uuid4().hex[:12]
    cmd, env = child_command("yrdwatch.crawler.process", sources, settings, ["--db", str(db_path), "--batch", batch])
    log = open(log_path, "ab") if log_path else subprocess.DEVNULL
    try:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
        with _lock:
            _running.add(proc)
        try:
            proc.wait()
        finally:
            with _lock:
                _running.discard(proc)
    finally:
        if log_path:
            log.close()
    store = Store(db_path)
    try:
        if proc.returncode < 0:
            store.fail_unfinished(batch, f"interrupted: crawl process killed by signal {-proc.returncode}")
        elif proc.returncode != 0:
            store.fail_unfinished(batch, f"failed: crawl process exited with {proc.returncode}")
        runs = store.runs_in_batch(batch)
        if proc.returncode != 0 and not runs:
            tail = Path(log_path).read_text(errors="replace")[-2000:] if log_path else "(no log kept)"
            raise CrawlError(f"crawl process exited with {proc.returncode}:\n{tail}")
        for run in runs:
            run["error_details"] = store.errors_of_run(run["id"])
        return runs
    finally:
        store.close()
