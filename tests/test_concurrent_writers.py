"""Many processes write one database: nothing is lost, nothing is doubled, a lock race has answers.

Four ``yrdwatch crawl`` processes, as cron or the scheduler start them (one per source), crawl one
generated site on 127.0.0.1 into one SQLite file at once. Before writes waited for each other,
such runs lost articles to "database is locked" and reported 0 errors. ``benchmarks/
concurrent_crawl_bench.py`` runs the same crawl on the issue's 3,000 articles; the suite uses fewer
(``CONCURRENT_PAGES``) to stay within its time budget: the four writers contend all the same.
"""
from __future__ import annotations

import multiprocessing
import os
import socket
import sqlite3
import sys

from yrdwatch.crawler.process import LOCK_STALE_AFTER
from yrdwatch.crawler.sources import load_sources
from yrdwatch.db.store import Store
from yrdwatch.sample_sites.generated import GeneratedSiteServer, generated_seeds
from yrdwatch.sample_sites.site import Resource

from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from concurrent_crawl_bench import concurrent_crawl  # noqa: E402  the benchmark's crawl, at a smaller size

CONCURRENT_PAGES = int(os.environ.get("YRDWATCH_CONCURRENT_PAGES", "200"))
WRITERS = 4


def test_four_crawl_processes_store_every_article_exactly_once(tmp_path):
    site = GeneratedSiteServer(pages=CONCURRENT_PAGES, delay=0, sitemaps=WRITERS).start_in_thread()
    try:
        db_path = tmp_path / "shared.db"
        runs = concurrent_crawl(site, db_path, tmp_path, WRITERS)
    finally:
        site.shutdown()
        site.server_close()
    assert len(runs) == WRITERS and all(r["status"] == "finished" for r in runs), runs
    db = sqlite3.connect(db_path)
    expected = {f"{site.base_url}{path}" for path in site.article_paths}
    stored = [url for (url,) in db.execute("select url from articles")]
    assert len(stored) == len(set(stored)) == len(expected) == CONCURRENT_PAGES
    assert set(stored) == expected
    assert db.execute("select count(*) from fetch_errors").fetchone()[0] == 0
    assert sum(r["errors"] for r in runs) == 0
    assert sum(r["new_articles"] for r in runs) == CONCURRENT_PAGES
    # Each article page was asked for once, by its own source's crawl.
    assert all(site.hits[path] == 1 for path in site.article_paths)
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"


CONTENDERS = 30


def contend_for_lock(db_path, pid: int, start, answers) -> None:
    """One crawl process's lock acquisition, in a process of its own (forked)."""
    store = Store(db_path)
    start.wait()
    try:
        holder = store.acquire_lock("suzhou", socket.gethostname(), pid, LOCK_STALE_AFTER, alive=lambda holder: True)
        answers.put(("refused", holder["pid"]) if holder else ("acquired", pid))
    except Exception as err:  # the answer must never be an exception
        answers.put(("error", repr(err)))
    finally:
        store.close()


def test_a_lock_race_answers_acquired_or_refused_never_an_error(tmp_path):
    """Thirty processes contend for one source lock at the same instant: one takes it, every other
    one is told who holds it (before, a third of the losers got "database is locked")."""
    db_path = tmp_path / "locks.db"
    Store(db_path).close()
    fork = multiprocessing.get_context("fork")
    start, answers = fork.Barrier(CONTENDERS), fork.Queue()
    # Each contender stands for a live crawl process (fictional pids, all alive).
    procs = [fork.Process(target=contend_for_lock, args=(db_path, 10_000_000 + n, start, answers))
             for n in range(CONTENDERS)]
    for proc in procs:
        proc.start()
    results = [answers.get(timeout=120) for _ in procs]
    for proc in procs:
        proc.join()
    assert [r for r in results if r[0] == "error"] == []
    winners = [pid for outcome, pid in results if outcome == "acquired"]
    assert len(winners) == 1, results
    assert all(pid == winners[0] for outcome, pid in results if outcome == "refused")
    holder = sqlite3.connect(db_path).execute("select pid from source_locks where source = 'suzhou'").fetchone()[0]
    assert holder == winners[0]


def test_an_article_that_could_not_be_stored_is_an_error_and_is_fetched_again(tmp_path):
    """An article whose write fails (here the database refuses the row) becomes a ``store`` error,
    counted in the run, and the next crawl asks for it again although its sitemap no longer leads
    to it (as a listing that answers 304, or has moved on, would not)."""
    site = GeneratedSiteServer(pages=3, delay=0).start_in_thread()
    try:
        seeds = generated_seeds(site.base_url, tmp_path)
        db_path = tmp_path / "lost.db"
        Store(db_path).close()
        blocked = site.article_paths[0]
        first = crawl_with_refused_article(db_path, seeds, f"{site.base_url}{blocked}")
        assert first["errors"] == 1 and first["new_articles"] == 2, first
        (stage, reason), = sqlite3.connect(db_path).execute("select stage, reason from fetch_errors")
        assert stage == "store" and "refused for the test" in reason
        sitemap_hits = site.hits["/suzhou/sitemap.xml"]
        site.resources["/suzhou/sitemap.xml"] = Resource(
            b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>',
            "application/xml")
        second = crawl(db_path, seeds)
        assert second["new_articles"] == 1 and second["errors"] == 0, second
        assert site.hits["/suzhou/sitemap.xml"] == sitemap_hits + 1 and site.hits[blocked] == 2
    finally:
        site.shutdown()
        site.server_close()
    stored = {url for (url,) in sqlite3.connect(db_path).execute("select url from articles")}
    assert stored == {f"{site.base_url}{path}" for path in site.article_paths}


def crawl(db_path, seeds, settings: dict | None = None) -> dict:
    from yrdwatch.crawler.run import run_crawl

    (run,) = run_crawl(db_path, load_sources(seeds), settings=settings)
    return run


def crawl_with_refused_article(db_path, seeds, url: str) -> dict:
    """A crawl in which the database refuses to store ``url`` (a trigger aborts its insert)."""
    db = sqlite3.connect(db_path)
    db.execute(f"create trigger lose_one before insert on articles when new.url = '{url}' "
               "begin select raise(abort, 'refused for the test'); end")
    db.commit()
    try:
        return crawl(db_path, seeds)
    finally:
        db.execute("drop trigger lose_one")
        db.commit()
