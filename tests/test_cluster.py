"""Several machines' worth of yrdwatch on one: a real redis-server, `yrdwatch worker` and
`yrdwatch store` processes, the sample sites over HTTP, and kill -9 where it hurts."""
from __future__ import annotations

import json
import os
import pickle
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from click.testing import CliRunner

from yrdwatch.sample_sites import seeds_for
from yrdwatch.sample_sites.server import SampleSitesServer
from yrdwatch.sample_sites.site import FAULTS
from yrdwatch.cli import cli

from conftest import ROOT, unused_port

redis = pytest.importorskip("redis", reason="the cluster tests need redis-py (pip install -e '.[test]')")


@pytest.fixture
def redis_url(tmp_path):
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (.ci/run installs Debian's redis-server)")
    port = unused_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            redis.Redis.from_url(url).ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def cluster(redis_url, tmp_path):
    """Starts `yrdwatch store` / `yrdwatch worker` processes on the test's Redis; kills what is left."""
    procs: list[subprocess.Popen] = []
    env = {**os.environ, "YRDWATCH_REDIS_URL": redis_url, "YRDWATCH_DB": str(tmp_path / "cluster.db"),
           "YRDWATCH_CONFIG": str(tmp_path / "cluster.toml")}
    # No floor below the seeds' own download_delay: a worker's Scrapy slot (one spider for every
    # source) keeps at least min_delay between requests, which would make a worker's pace 1 s,
    # not the 0.3 s of slow_seeds that the local crawl keeps.
    (tmp_path / "cluster.toml").write_text("[crawl]\nmin_delay = 0\n", encoding="utf-8")

    def start(*args):
        err_path = tmp_path / f"{args[0]}-{len(procs)}.err"
        with open(err_path, "w") as err:
            proc = subprocess.Popen([sys.executable, "-m", "yrdwatch", *map(str, args)], cwd=ROOT, env=env,
                                    stdout=subprocess.PIPE, stderr=err, text=True)
        proc.err_path = err_path
        procs.append(proc)
        return proc

    def run(*args, local=False):
        run_env = {k: v for k, v in env.items() if not (local and k == "YRDWATCH_REDIS_URL")}
        return subprocess.run([sys.executable, "-m", "yrdwatch", *map(str, args)], cwd=ROOT, env=run_env,
                              capture_output=True, text=True, timeout=180)

    client = redis.Redis.from_url(redis_url)
    yield start, run, client, tmp_path / "cluster.db"
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)


def slow_seeds(server, directory, delay=0.3):
    """The sample seeds with a per-request delay, so that a crawl lasts long enough to share and to kill."""
    path = seeds_for(server.base_url, directory)
    path.write_text(path.read_text(encoding="utf-8").replace("download_delay = 0", f"download_delay = {delay}"),
                    encoding="utf-8")
    return path


def live_workers(client) -> list[dict]:
    return [json.loads(beat) for key in client.keys("yrdwatch:worker:*") if (beat := client.get(key))]


def wait_until(condition, timeout=60, every=0.1):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if value := condition():
            return value
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {condition}")


def runs_of(result) -> dict:
    assert result.returncode == 0, result.stderr[-3000:]
    runs = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return {run["source"]: run for run in runs}


def database(path, base_url) -> dict:
    """What a crawl stored, base URL removed (each crawl has its own sample server). A project is
    named by the mentions it groups: its id and name are its first-stored mention's, and which of
    two articles naming one project is stored first differs between any two concurrent crawls."""
    db = sqlite3.connect(path)
    db.create_function("grouped", 1, lambda project_id: "|".join(sorted(k for (k,) in db.execute(
        "select distinct mention_key from project_mentions where project_id = ?", [project_id]))))
    mention_columns = [row[1] for row in db.execute("pragma table_info(project_mentions)")]
    tables = {
        "articles": "url, source, outlet, title, published_at, text, script, encoding, is_announcement, content_hash, "
                    "signature, duplicate_of, similarity",
        "announcements": "*",
        "projects": "grouped(id), province, city, district, park, investment_cny, currency, mentions",
        "project_mentions": ", ".join("grouped(project_id)" if c == "project_id" else c for c in mention_columns),
        "raw_pages": "url, content_type, html_zlib",
        "pages_seen": "url, source, last_status, verdict",
    }
    return {table: sorted(tuple(v.replace(base_url, "BASE") if isinstance(v, str) else v for v in row)
                          for row in db.execute(f"select {columns} from {table}"))
            for table, columns in tables.items()}


def article_hits(server) -> dict[str, int]:
    return {path: n for path, n in server.hits.items() if path in {s.path for s in server.site.stories}}


@pytest.mark.alone  # its store stops when starved of CPU for 10 s (conftest)
def test_two_workers_and_a_store_store_what_one_process_stores(cluster, sample_server, tmp_path):
    start, run, client, cluster_db = cluster
    local_server = SampleSitesServer("127.0.0.1", 0).start_in_thread()  # with its own page that fails once
    local_db = tmp_path / "local.db"
    (tmp_path / "local").mkdir()
    with ThreadPoolExecutor(1) as pool:  # the single-process crawl runs meanwhile, on its own server
        local = pool.submit(run, "--db", local_db, "crawl", "--seeds", slow_seeds(local_server, tmp_path / "local"),
                            "--json", local=True)
        seeds = slow_seeds(sample_server, tmp_path)
        start("store")
        workers = [start("worker", "--concurrency", "2", "--exit-when-idle") for _ in range(2)]
        wait_until(lambda: len(live_workers(client)) == 2)
        runs = runs_of(run("crawl", "--cluster", "--seeds", seeds, "--json"))
        assert all(r["status"] == "finished" for r in runs_of(local.result()).values())
    local_server.shutdown()
    local_server.server_close()

    assert set(runs) == {"sample-liangxi", "sample-suzhou", "sample-yrdnews"}
    assert all(r["status"] == "finished" for r in runs.values())
    expected = {sample_server.base_url + s.path for s in sample_server.site.stories}
    db = sqlite3.connect(cluster_db)
    assert {url for (url,) in db.execute("select url from articles")} == expected
    assert sum(r["new_articles"] for r in runs.values()) == len(expected)
    # and the 404, and the pages judged no article (4 on article-shaped URLs, a home and a column page)
    judged = len(sample_server.site.pages) + 2
    assert sum(r["article_pages"] for r in runs.values()) == len(expected) + 1 + judged
    assert sum(r["not_articles"] for r in runs.values()) == judged
    assert sorted(r[0].rsplit("/", 1)[1] for r in db.execute("select url from fetch_errors")) == [
        "art_1234_404.html", "content_99999.htm"]  # each error once
    assert database(cluster_db, sample_server.base_url) == database(local_db, local_server.base_url)
    # Every article page was fetched once, the one that answers 500 once twice.
    assert sorted(article_hits(sample_server).values()) == [1] * (len(expected) - 1) + [2]

    # Nothing changed: the second crawl, fed by the scheduler this time, asks each source's head
    # (304) and no article page.
    hits_before = article_hits(sample_server)
    scheduler = start("schedule", "--cluster", "--seeds", seeds, "--every", "600")
    finished = "select * from crawl_runs where status = 'finished' order by id"
    wait_until(lambda: len(db.execute(finished).fetchall()) == 6)
    scheduler.send_signal(signal.SIGTERM)
    db.row_factory = sqlite3.Row
    again = db.execute(finished).fetchall()[3:]
    assert [(r["article_pages"], r["new_articles"], r["requests"]) for r in again] == [(0, 0, 1)] * 3
    assert article_hits(sample_server) == hits_before
    wait_until(lambda: not client.keys("yrdwatch:batch:*") and not client.keys("yrdwatch:lock:*"))  # ended: nothing left

    # --exit-when-idle: both stop on their own once no crawl is open; both fetched article pages.
    summaries = []
    for worker in workers:
        worker.wait(timeout=60)
        summaries.append(worker.err_path.read_text())
    pages = [int(text.rsplit(" article pages", 1)[0].rsplit(" ", 1)[1]) for text in summaries]
    assert all(n > 0 for n in pages) and sum(pages) == len(expected) + 1 + judged, summaries


@pytest.mark.alone  # its store stops when starved of CPU for 10 s (conftest)
def test_kill_9_of_a_worker_and_of_the_store_loses_nothing_and_doubles_nothing(cluster, sample_server, tmp_path):
    start, run, client, cluster_db = cluster
    seeds = slow_seeds(sample_server, tmp_path, delay=0.3)
    store = start("store")
    for _ in range(2):
        start("worker", "--concurrency", "3")
    wait_until(lambda: len(live_workers(client)) == 2)
    second = run("store")
    assert second.returncode == 1 and "another store is running (" in second.stderr, second.stderr[-2000:]
    crawl = start("crawl", "--cluster", "--seeds", seeds, "--json")

    def holding_worker():  # a worker with requests in flight, once the store has written a few articles
        if not cluster_db.exists():
            return None
        stored = sqlite3.connect(cluster_db).execute("select count(*) from articles").fetchone()[0]
        for beat in live_workers(client):
            held = client.zrange(f"yrdwatch:inflight:{beat['worker']}", 0, -1)
            if stored >= 3 and held:
                return beat, held
        return None

    victim, _ = wait_until(holding_worker, every=0.05)
    os.kill(victim["pid"], signal.SIGKILL)
    held = [pickle.loads(entry) for entry in client.zrange(f"yrdwatch:inflight:{victim['worker']}", 0, -1)]
    in_flight_urls = {request["url"] for request in held if request["meta"].get("article")}
    assert held, "the killed worker had requests in flight"
    os.kill(store.pid, signal.SIGKILL)
    store.wait(timeout=10)

    # The store is gone: the surviving worker's items wait in Redis, and status says so once the
    # store's heartbeat has expired.
    wait_until(lambda: client.llen("yrdwatch:items") > 0 and not client.exists("yrdwatch:store"), timeout=30)
    status = run("status", "--seeds", seeds, "--json")
    cluster_line = json.loads(status.stdout.splitlines()[-1])["cluster"]
    assert cluster_line["store"] is None and cluster_line["items_waiting"] > 0
    assert len(cluster_line["workers"]) >= 1

    # The victim's requests go back to the queue once its heartbeat expires; a new store writes on.
    start("store")
    out, err = crawl.communicate(timeout=120)
    assert crawl.returncode == 0, err[-3000:]
    runs = {r["source"]: r for r in map(json.loads, out.splitlines())}
    assert all(r["status"] == "finished" for r in runs.values())

    expected = {sample_server.base_url + s.path for s in sample_server.site.stories}
    db = sqlite3.connect(cluster_db)
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert db.execute("select count(*), count(distinct url) from articles").fetchone() == (len(expected),) * 2
    assert {url for (url,) in db.execute("select url from articles")} == expected  # nothing lost
    faults = {sample_server.base_url + FAULTS[name] for name in ("missing", "truncated", "robots")}
    judged = {sample_server.base_url + path for path in [page["path"] for page in sample_server.site.pages]
              + ["/suzhou/index.shtml", "/suzhou/szyw/index.shtml"]}  # candidates that are no articles
    assert in_flight_urls <= expected | faults | judged
    verdicts = db.execute("select count(*) from pages_seen where verdict is not null").fetchone()[0]
    assert verdicts == len(judged) and not db.execute("select 1 from articles where url in "
                                                      f"({','.join('?' * len(judged))})", list(judged)).fetchall()
    assert db.execute("select count(*) from fetch_errors").fetchone()[0] == 2  # no error recorded twice
    assert sum(r["new_articles"] for r in runs.values()) == len(expected)
    # Only the pages in flight on the killed worker (and the one answering 500 once) were fetched twice.
    refetched = {path for path, n in article_hits(sample_server).items() if n > 1}
    fails_once = next(path for path, page in sample_server.site.resources.items() if page.fault == "fail-once")
    assert {sample_server.base_url + path for path in refetched} <= in_flight_urls | {sample_server.base_url + fails_once}
    assert not client.exists(f"yrdwatch:inflight:{victim['worker']}")
    assert client.llen("yrdwatch:items") == client.llen("yrdwatch:items:processing") == 0


def test_the_default_path_runs_without_redis_installed(sample_seeds, tmp_path):
    """No [cluster]: a crawl imports neither redis nor scrapy-redis nor the cluster modules —
    here they cannot be imported at all, as where the `redis` extra is not installed."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import atexit, json, os, sys\n"
        "class NoRedis:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('redis', 'scrapy_redis'):\n"
        "            raise ImportError(f'{name} is not installed here')\n"
        "sys.meta_path.insert(0, NoRedis())\n"
        "def loaded():\n"
        "    mine = [m for m in sys.modules if m.startswith(('redis', 'scrapy_redis', 'yrdwatch.crawler.'))]\n"
        f"    open({str(tmp_path / 'modules')!r} + str(os.getpid()), 'w').write(json.dumps(mine))\n"
        "atexit.register(loaded)\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(hook), "YRDWATCH_CONFIG": str(tmp_path / "none.toml")}
    env.pop("YRDWATCH_REDIS_URL", None)
    (tmp_path / "none.toml").write_text("", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "yrdwatch", "--db", str(tmp_path / "y.db"), "crawl", "--seeds",
                             str(sample_seeds), "--json"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert sum(json.loads(line)["new_articles"] for line in result.stdout.splitlines()) == 36
    loaded = [json.loads(path.read_text()) for path in tmp_path.glob("modules*")]
    assert len(loaded) == 2  # the CLI and its crawl process
    for modules in loaded:
        assert "yrdwatch.crawler.spiders" in modules or "yrdwatch.crawler.run" in modules
        assert not [m for m in modules if m.startswith(("redis", "scrapy_redis", "yrdwatch.crawler.cluster", "yrdwatch.crawler.worker",
                                                         "yrdwatch.crawler.store_process"))]


def test_cluster_commands_name_what_is_wrong(tmp_path, monkeypatch):
    port = unused_port()  # nothing listens there
    config = tmp_path / "yrdwatch.toml"
    monkeypatch.delenv("YRDWATCH_REDIS_URL", raising=False)

    def yrdwatch(*args, **env):
        return CliRunner().invoke(cli, ["--config", str(config), "--db", str(tmp_path / "y.db"), *args], env=env)

    config.write_text("", encoding="utf-8")
    assert "no cluster is configured" in yrdwatch("worker").output
    config.write_text(f'[cluster]\nredis_url = "redis://:hunter2@127.0.0.1:{port}/0"\n', encoding="utf-8")
    for command in (["worker"], ["store"], ["crawl", "--cluster"]):
        result = yrdwatch(*command)
        assert result.exit_code == 1
        assert f"cannot reach Redis at redis://:***@127.0.0.1:{port}/0" in result.output, result.output
        assert "hunter2" not in result.output
    status = yrdwatch("status")
    assert status.exit_code == 0 and f"Cluster: cannot reach Redis at redis://:***@127.0.0.1:{port}/0" in status.output
    config.write_text('[cluster]\nredis_url = "http://127.0.0.1:6379"\n', encoding="utf-8")
    assert f"{config}:2: cluster.redis_url: 'http://127.0.0.1:6379' is not a redis:// URL" in yrdwatch("status").output
    bad_env = yrdwatch("status", YRDWATCH_REDIS_URL="127.0.0.1:6379")
    assert "YRDWATCH_REDIS_URL: '127.0.0.1:6379' is not a redis:// URL" in bad_env.output
