"""Concurrent writers on one database: ``--writers`` ``yrdwatch crawl`` processes (one source
each, as cron or the scheduler start them) over a generated site of ``--pages`` articles on
127.0.0.1, against one process crawling the same site as one source, in the same run.

Prints, for both: wall time, articles stored (each must be stored exactly once), fetch_errors
rows (must be 0); and the wall-time ratio of the concurrent crawl to the single one. The issue's
case is the default: 4 writers, 3,000 articles (``tests/test_concurrent_writers.py`` runs fewer).

    .venv/bin/python benchmarks/concurrent_crawl_bench.py [--pages 3000] [--writers 4]
"""
from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from yrdwatch.sample_sites.generated import GeneratedSiteServer, generated_seeds  # noqa: E402


def crawl_at_once(db_path: Path, seeds: Path, sources: list[str]) -> list[dict]:
    """``yrdwatch --db DB crawl --source NAME --json``, one process per source, all started
    before any is waited for; the run records they print."""
    procs = [subprocess.Popen([sys.executable, "-m", "yrdwatch", "--db", str(db_path), "crawl", "--seeds", str(seeds),
                               "--source", name, "--json"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
             for name in sources]
    runs = []
    for proc in procs:
        out, err = proc.communicate(timeout=3600)
        if proc.returncode != 0:
            raise RuntimeError(f"crawl process exited with {proc.returncode}:\n{err[-3000:]}")
        runs += [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return runs


def concurrent_crawl(site: GeneratedSiteServer, db_path: Path, work_dir: Path, writers: int) -> list[dict]:
    """The site's ``writers`` sources (``generated-suzhou-<n>``) crawled into ``db_path`` at once."""
    seeds = generated_seeds(site.base_url, work_dir, sources=writers)
    return crawl_at_once(db_path, seeds, [f"generated-suzhou-{n}" for n in range(writers)])


def outcome(db_path: Path, expected: set[str]) -> str:
    db = sqlite3.connect(db_path)
    stored = [url for (url,) in db.execute("select url from articles")]
    errors = db.execute("select count(*) from fetch_errors").fetchone()[0]
    missing = len(expected - set(stored))
    return (f"{len(set(stored))} of {len(expected)} articles stored, {len(stored) - len(set(stored))} twice, "
            f"{missing} missing, {errors} fetch_errors rows")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=3000)
    parser.add_argument("--writers", type=int, default=4)
    args = parser.parse_args()
    site = GeneratedSiteServer(pages=args.pages, delay=0, sitemaps=args.writers).start_in_thread()
    expected = {f"{site.base_url}{path}" for path in site.article_paths}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            single_db, one = work / "single.db", work / "one"
            one.mkdir()
            started = time.perf_counter()
            crawl_at_once(single_db, generated_seeds(site.base_url, one), ["generated-suzhou"])
            single = time.perf_counter() - started
            print(f"1 process, 1 source:        {single:6.1f} s  {outcome(single_db, expected)}", flush=True)
            shared_db = work / "shared.db"
            started = time.perf_counter()
            runs = concurrent_crawl(site, shared_db, work, args.writers)
            together = time.perf_counter() - started
            print(f"{args.writers} processes, 1 source each: {together:6.1f} s  {outcome(shared_db, expected)}; "
                  f"run errors {sum(r['errors'] for r in runs)}, new {sum(r['new_articles'] for r in runs)}")
            print(f"wall time, {args.writers} writers / 1 writer: {together / single:.2f}×")
    finally:
        site.shutdown()
        site.server_close()


if __name__ == "__main__":
    main()
