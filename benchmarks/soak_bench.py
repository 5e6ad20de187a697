"""Memory over a long run of the crawl path: RSS at start and end over ≥ 10,000 pages.

    python benchmarks/soak_bench.py [--pages 10000] [--runs 10]

The pages are the sample sites' articles, each made unique (its own URL, a changed first sentence),
pushed through the same item stages a crawl process runs (extract → dedup → store) into a fresh
SQLite file, in ``--runs`` runs; between runs, trafilatura's process-wide caches are reset as the
crawl process does. Prints RSS (MB) at start, after the first run and at the end, the growth from
the first run's end (caches warm) to the last, and pages/s; run it with ``--no-reset`` for the
baseline without cache resets.
"""
from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from trafilatura.meta import reset_caches

from yrdwatch.crawler.database import CrawlDatabase
from yrdwatch.crawler.items import PageItem
from yrdwatch.crawler.pipelines import process_offline
from yrdwatch.sample_sites.site import SampleSites


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pages(count: int):
    site = SampleSites("http://127.0.0.1:8765")
    stories = [(s, site.resources[s.path]) for s in site.stories]
    for n in range(count):
        story, res = stories[n % len(stories)]
        body = res.body.replace(b"<p", f"<p>\u7b2c{n}\u671f\u7a3f\u4ef6\u3002</p><p".encode(), 1)
        yield PageItem(source="soak", url=f"http://soak.test/{n}{story.path}", body=body,
                       content_type=res.content_type)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--no-reset", action="store_true", help="keep trafilatura's caches between runs")
    args = parser.parse_args()
    per_run = args.pages // args.runs
    with tempfile.TemporaryDirectory() as tmp:
        database = CrawlDatabase(Path(tmp) / "soak.db", 0.5)
        start = rss_mb()
        stream = pages(args.pages)
        began, after_first = time.perf_counter(), None
        for run in range(args.runs):
            for _ in range(per_run):
                try:
                    process_offline(next(stream), database)
                except Exception:  # a dropped page is part of the path, not of the measurement
                    pass
            if not args.no_reset:
                reset_caches()
            if after_first is None:
                after_first = rss_mb()
        elapsed = time.perf_counter() - began
        end = rss_mb()
    print(f"pages: {per_run * args.runs:,} in {args.runs} runs, {per_run * args.runs / elapsed:,.0f} pages/s")
    print(f"RSS: start {start:.0f} MB, after run 1 {after_first:.0f} MB, end {end:.0f} MB")
    print(f"growth after warm-up: {end - after_first:+.0f} MB (goal ≤ 50 MB)"
          f"{' [caches not reset]' if args.no_reset else ''}")


if __name__ == "__main__":
    main()
