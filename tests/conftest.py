"""Shared fixtures: real sample-site servers on free loopback ports, temporary databases, the CLI."""
from __future__ import annotations

import fcntl
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

import pytest
from click.testing import CliRunner

from yrdwatch.sample_sites import seeds_for
from yrdwatch.sample_sites.server import SampleSitesServer
from yrdwatch.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED_ARTICLES = ROOT / "sample_sites" / "content" / "seed_articles"


@pytest.fixture
def sample_server():
    """A fresh sample-sites server (so the 500-once page fails once again) on a free port."""
    server = SampleSitesServer("127.0.0.1", 0).start_in_thread()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def sample_seeds(sample_server, tmp_path):
    return seeds_for(sample_server.base_url, tmp_path)


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "yrdwatch.db"


@pytest.fixture
def run_cli(db_path):
    """Invoke ``yrdwatch --db <tmp db> ARGS`` in-process; returns click's Result."""
    runner = CliRunner()

    def run(*args):
        return runner.invoke(cli, ["--db", str(db_path), *map(str, args)], catch_exceptions=False)

    return run


def invoke(*args, env=None):
    """``yrdwatch ARGS`` in-process, arguments as a user types them; returns click's Result."""
    return CliRunner(env=env).invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="session")
def sample_crawl(tmp_path_factory):
    """The sample sites crawled once for the whole run, their server kept up (tests name its
    stories' URLs): ``db``, ``seeds`` (the seeds file) and ``server``. A test that reads or writes
    the database takes its own copy (``copy_database``); a test whose subject is a crawl crawls."""
    directory = tmp_path_factory.mktemp("sample-crawl")
    server = SampleSitesServer("127.0.0.1", 0).start_in_thread()
    try:
        seeds = seeds_for(server.base_url, directory)
        result = invoke("--db", directory / "crawled.db", "crawl", "--seeds", seeds)
        assert result.exit_code == 0, result.output
        yield types.SimpleNamespace(db=directory / "crawled.db", seeds=seeds, server=server)
    finally:
        server.shutdown()
        server.server_close()


def copy_database(source: Path, target: Path) -> Path:
    """A test's own copy of a module's crawled database (SQLite's backup: consistent, WAL included)."""
    with sqlite3.connect(source) as reader, sqlite3.connect(target) as writer:
        reader.backup(writer)
    return target


def run_until_sigterm(args, done, timeout: float) -> tuple[int, str, str]:
    """Run ``python -m yrdwatch ARGS`` until ``done(stderr so far)`` (or ``timeout`` seconds), then
    SIGTERM it; returns its exit code, stdout and stderr. Its output goes to files, so ``done`` can
    read what it said while it runs (a condition polled, not a fixed wait)."""
    with tempfile.TemporaryDirectory(prefix="yrdwatch-run-") as folder:
        out_path, err_path = Path(folder) / "out", Path(folder) / "err"
        with open(out_path, "w") as out, open(err_path, "w") as err:
            proc = subprocess.Popen([sys.executable, "-m", "yrdwatch", *map(str, args)], cwd=ROOT, stdout=out,
                                    stderr=err, text=True)
        try:
            deadline = time.time() + timeout
            while time.time() < deadline and not done(err_path.read_text(encoding="utf-8", errors="replace")):
                time.sleep(0.5)
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        return (proc.returncode, out_path.read_text(encoding="utf-8", errors="replace"),
                err_path.read_text(encoding="utf-8", errors="replace"))


def unused_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def free_port() -> int:
    return unused_port()


def shared_path(*parts) -> Path:
    """A file under ../shared, or skip: third-party fixtures are read in place, never copied."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not present (../shared is only beside a development checkout)")
    return path



# A test marked `alone` runs beside no other test, also when the suite runs on parallel workers
# (README: the tests): the cluster's store stops itself once it is starved of CPU for 10 s (its
# lock's heartbeat), as on a loaded 2-core machine beside three busy workers. Every test holds a
# shared lock on a file of the run, an `alone` test holds it exclusively; the gate taken first
# lets a waiting `alone` test in before tests that start after it, so it is not starved.
@pytest.fixture(autouse=True)
def _alone_or_beside_others(request, tmp_path_factory):
    run = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        run = run.parent  # each worker's base is a folder of the run's
    alone = request.node.get_closest_marker("alone") is not None
    with open(run / "alone.gate", "a") as gate, open(run / "alone.lock", "a") as lock:
        fcntl.flock(gate, fcntl.LOCK_EX)
        if not alone:
            try:
                fcntl.flock(lock, fcntl.LOCK_SH)
            finally:
                fcntl.flock(gate, fcntl.LOCK_UN)
        else:
            fcntl.flock(lock, fcntl.LOCK_EX)  # the gate stays taken: nothing else starts meanwhile
        yield  # the files' closing releases both locks

# What the environment or the working directory configures must not reach the tests: a
# README-style ./yrdwatch.toml in the checkout (its database, seeds, subscriptions) or a
# YRDWATCH_DB / YRDWATCH_REDIS_URL of the shell. Every test, and every CLI process it starts
# (they inherit the environment), reads an empty configuration unless it names its own.
ISOLATING_VARIABLES = ("YRDWATCH_DB", "YRDWATCH_REDIS_URL")


@pytest.fixture(scope="session", autouse=True)
def _isolated_configuration(tmp_path_factory):
    empty = tmp_path_factory.mktemp("config") / "yrdwatch.toml"
    empty.write_text("# the tests' configuration: every default\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:  # session-wide: module fixtures that crawl are covered too
        patch.setenv("YRDWATCH_CONFIG", str(empty))
        for variable in ISOLATING_VARIABLES:
            patch.delenv(variable, raising=False)
        yield empty


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    # Crawls must reach 127.0.0.1 directly even where a proxy is configured.
    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    yield
    os.environ.pop("YRDWATCH_TEST", None)
