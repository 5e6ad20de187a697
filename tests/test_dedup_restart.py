"""The dedup index survives restarts: rebuilt from SQLite, or kept in a real Redis server."""
import shutil
import socket
import sqlite3
import subprocess
import sys
import time

import pytest

from yrdwatch.extract.normalize import strip_pinyin_ruby, to_simplified

from conftest import ROOT, SEED_ARTICLES

ORIGINAL = SEED_ARTICLES / "000_fcb5823ba6dce963.txt"


def yrdwatch(*args, env=None):
    return subprocess.run([sys.executable, "-m", "yrdwatch", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=300)


def reprint_of(path, tmp_path):
    body = ORIGINAL.read_text(encoding="utf-8").split("\n", 1)[1]
    path = tmp_path / path
    path.write_text("发布时间：2020-08-20 来源：长三角经济报\n" + to_simplified(strip_pinyin_ruby(body)), encoding="utf-8")
    return path


@pytest.mark.parametrize("backend", ["sqlite", "memory"])
def test_a_new_process_still_knows_stored_articles(tmp_path, backend):
    db, config = tmp_path / "y.db", tmp_path / "yrdwatch.toml"
    config.write_text(f'[dedup]\nbackend = "{backend}"\n', encoding="utf-8")
    assert yrdwatch("--config", config, "--db", db, "ingest", ORIGINAL).returncode == 0
    second = yrdwatch("--config", config, "--db", db, "ingest", reprint_of("reprint.txt", tmp_path))  # a fresh process
    assert "duplicate of " + ORIGINAL.resolve().as_uri() in second.stdout
    again = yrdwatch("--config", config, "--db", db, "ingest", ORIGINAL)
    assert ": unchanged" in again.stdout
    meta = dict(sqlite3.connect(db).execute("select key, value from dedup_meta"))
    assert meta["hashing"].startswith("datasketch-affine32") and meta["backend"] == backend


@pytest.fixture
def redis_url(tmp_path):
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (.ci/run installs Debian's redis-server)")
    pytest.importorskip("redis")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)


def test_redis_backend_shares_the_index_across_processes(tmp_path, redis_url):
    import redis

    config = tmp_path / "yrdwatch.toml"
    config.write_text(f'[dedup]\nbackend = "redis"\nredis_url = "{redis_url}"\n', encoding="utf-8")
    first_db, second_db = tmp_path / "a.db", tmp_path / "b.db"
    assert yrdwatch("--config", config, "--db", first_db, "ingest", ORIGINAL).returncode == 0
    client = redis.Redis.from_url(redis_url)
    assert any(key.startswith(b"yrdwatch-dedup") for key in client.keys())
    # The index lives in Redis: a second process sees the original as a candidate at once.
    second = yrdwatch("--config", config, "--db", first_db, "ingest", reprint_of("r.txt", tmp_path))
    assert "duplicate of " + ORIGINAL.resolve().as_uri() in second.stdout, second.stdout + second.stderr
    # An empty Redis is filled from SQLite on start, so switching backends forgets nothing.
    client.flushdb()
    third = yrdwatch("--config", config, "--db", first_db, "ingest", reprint_of("r2.txt", tmp_path))
    assert "duplicate of " + ORIGINAL.resolve().as_uri() in third.stdout
    assert not second_db.exists()


def test_bad_config_names_file_line_and_key(tmp_path):
    config = tmp_path / "yrdwatch.toml"
    config.write_text('[database]\npath = "x.db"\n\n[dedup]\nthreshold = 0.5\nbackend = "mongo"\n', encoding="utf-8")
    result = yrdwatch("--config", config, "ingest", ORIGINAL)
    assert result.returncode == 1
    assert f"{config}:6: dedup.backend: 'mongo' is not one of sqlite, memory, redis" in result.stderr
