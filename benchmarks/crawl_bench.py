"""Crawl cost: yrdwatch's crawl of one generated local site against a fetch-only Scrapy spider on
the same site, in the same run, as ratios of wall time and CPU time (goal: wall ≤ 1.3×).

    .venv/bin/python benchmarks/crawl_bench.py [--pages 400] [--delay 0.05] [--profile out.pstats]

The site (``yrdwatch.sample_sites.generated``: one sitemap, N article pages of the sample 苏州 site) holds
every answer back ``--delay`` seconds, a stand-in for network latency. Both crawls ask one host one
request at a time (``CONCURRENT_REQUESTS_PER_DOMAIN = 1``, no delay), obey robots.txt and read the
sitemap; the fetch-only spider does nothing with a page, yrdwatch reads, deduplicates and stores it
in a fresh database. CPU is user + system time of the child processes (``RUSAGE_CHILDREN``).
``--profile`` runs the yrdwatch crawl's child under cProfile and writes its stats.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from yrdwatch.sample_sites.generated import GeneratedSiteServer, generated_seeds  # noqa: E402

FETCH_ONLY = """
import sys
import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.utils.sitemap import Sitemap

class FetchOnly(scrapy.Spider):
    name = "fetch-only"
    start_urls = [sys.argv[1]]

    def parse(self, response):
        for entry in Sitemap(response.body):
            yield scrapy.Request(entry["loc"], callback=self.page)

    def page(self, response):
        return None

process = CrawlerProcess({"ROBOTSTXT_OBEY": True, "CONCURRENT_REQUESTS_PER_DOMAIN": 1, "DOWNLOAD_DELAY": 0,
                          "LOG_LEVEL": "ERROR", "TELNETCONSOLE_ENABLED": False})
process.crawl(FetchOnly)
process.start()
"""


def timed(cmd: list[str], env: dict) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system, children included) of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"{cmd[:4]} failed:\n{result.stderr[-3000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=400, help="article pages on the generated site")
    parser.add_argument("--delay", type=float, default=0.05, help="seconds every answer of the site is held back")
    parser.add_argument("--profile", help="write cProfile stats of yrdwatch's crawl process here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        site = GeneratedSiteServer(pages=args.pages, delay=args.delay).start_in_thread()
        try:
            seeds = generated_seeds(site.base_url, work)
            (work / "empty.toml").write_text("", encoding="utf-8")
            env = {**os.environ, "YRDWATCH_CONFIG": str(work / "empty.toml"), "NO_PROXY": "127.0.0.1",
                   "PYTHONPATH": str(ROOT)}
            print(f"generated site: {args.pages} article pages, every answer held back {args.delay * 1000:.0f} ms; "
                  f"{os.cpu_count()} CPUs", flush=True)
            fetch_wall, fetch_cpu = timed([sys.executable, "-c", FETCH_ONLY, f"{site.base_url}/suzhou/sitemap.xml"], env)
            fetched = sum(site.hits.get(p, 0) for p in site.article_paths)
            site.hits.clear()
            if args.profile:
                crawl = [sys.executable, "-m", "cProfile", "-o", args.profile, "-m", "yrdwatch.crawler.process",
                         "--db", str(work / "crawl.db"), "--seeds", str(seeds), "--batch", "bench"]
            else:
                crawl = [sys.executable, "-m", "yrdwatch", "--db", str(work / "crawl.db"), "crawl", "--seeds", str(seeds)]
            crawl_wall, crawl_cpu = timed(crawl, env)
            crawled = sum(site.hits.get(p, 0) for p in site.article_paths)
        finally:
            site.shutdown()
            site.server_close()
    print(f"fetch-only Scrapy  {fetch_wall:7.1f} s wall  {fetch_cpu:7.1f} s CPU  ({fetched} article pages)")
    print(f"yrdwatch crawl     {crawl_wall:7.1f} s wall  {crawl_cpu:7.1f} s CPU  ({crawled} article pages)")
    print(f"ratio              {crawl_wall / fetch_wall:7.2f}× wall  {crawl_cpu / fetch_cpu:6.2f}× CPU  (goal: wall ≤ 1.3×)")


if __name__ == "__main__":
    main()
