"""Cluster throughput on a generated site: pages/s of a single-process `yrdwatch crawl`, of one
worker and of two workers (same run, same site), Redis round trips per page, the store's items/s.

    .venv/bin/python benchmarks/cluster_bench.py [--pages 2000] [--delay 0.1] [--workers 2]

The site (``yrdwatch.sample_sites.generated``, one sitemap source on 127.0.0.1) answers every request after
a fixed delay, a stand-in for network latency. A worker asks one host one request at a time, as a
local crawl does, so while the delay is well above the CPU time a page costs (≈ 40 ms to read and
extract here), the site and not the CPU sets the pace: the regime in which more workers help.

Redis round trips are counted by the server (``total_reads_processed``: one per request or
pipeline a client sends; the benchmark's own INFO calls taken off) over the whole crawl, workers,
store and coordinator together; their cost is that count times a round trip measured here with
PING, set against the seconds per page of the single-process crawl. The store's items/s is what
it wrote per second of its own busy time (its heartbeat reports both). Last, the store's
near-duplicate decision is timed alone on SQLite bands (its default) and on datasketch's Redis
storage (``[dedup] backend = "redis"``). Needs redis-server.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from yrdwatch.crawler.database import redis_connection  # noqa: E402
from yrdwatch.db.bands import SQLiteBandIndex  # noqa: E402
from yrdwatch.extract.dedup import DEFAULT_THRESHOLD, Deduplicator, datasketch_index, signature_from_bytes  # noqa: E402
from yrdwatch.sample_sites.generated import GeneratedSiteServer, generated_seeds  # noqa: E402


def yrdwatch(*args) -> list:
    return [sys.executable, "-m", "yrdwatch", *map(str, args)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def crawl_runs(result: subprocess.CompletedProcess) -> list[dict]:
    if result.returncode != 0:
        raise SystemExit(f"crawl failed:\n{result.stderr[-3000:]}")
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def reads(client) -> int:
    return client.info("stats")["total_reads_processed"]


def single_process(seeds: Path, work: Path, env: dict) -> dict:
    started = time.perf_counter()
    runs = crawl_runs(subprocess.run(yrdwatch("--db", work / "single.db", "crawl", "--seeds", seeds, "--json" ),
                                     cwd=ROOT, env=env, capture_output=True, text=True))
    seconds = time.perf_counter() - started
    return {"pages": sum(r["article_pages"] for r in runs), "seconds": seconds}


def cluster_crawl(workers: int, seeds: Path, work: Path, env: dict, client) -> dict:
    client.flushall()
    env = {**env, "YRDWATCH_DB": str(work / f"cluster-{workers}.db")}
    procs = [subprocess.Popen(yrdwatch("store" ), cwd=ROOT, env=env, stderr=subprocess.DEVNULL)]
    procs += [subprocess.Popen(yrdwatch("worker" ), cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
              for _ in range(workers)]
    try:
        while len(client.keys("yrdwatch:worker:*")) < workers or not client.exists("yrdwatch:store"):
            time.sleep(0.1)
        before = reads(client)
        started = time.perf_counter()
        runs = crawl_runs(subprocess.run(yrdwatch("crawl", "--cluster", "--seeds", seeds, "--json" ),
                                         cwd=ROOT, env=env, capture_output=True, text=True))
        seconds = time.perf_counter() - started
        round_trips = reads(client) - before - 1  # less this INFO call
        store = json.loads(client.get("yrdwatch:store"))
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            proc.wait(timeout=60)
    pages = sum(r["article_pages"] for r in runs)
    return {"pages": pages, "seconds": seconds, "round_trips": round_trips,
            "store_items_per_s": store["articles"] / store["busy_s"] if store["busy_s"] else 0.0}


def dedup_index_costs(single_db: Path, client, url: str, articles: int = 300) -> dict:
    """Redis round trips and ms per article of the store's near-duplicate decision (check, then
    add) on the crawled signatures: SQLite bands (the default) vs datasketch's Redis storage."""
    sigs = [(key, signature_from_bytes(blob)) for key, blob in
            sqlite3.connect(single_db).execute("select url, signature from articles limit ?", [articles])]
    costs = {}
    for name, index in (("sqlite bands", SQLiteBandIndex(sqlite3.connect(":memory:"), DEFAULT_THRESHOLD)),
                        ("datasketch redis", datasketch_index(DEFAULT_THRESHOLD, redis=redis_connection(url)))):
        client.flushall()
        dedup = Deduplicator(index=index)
        before, started = reads(client), time.perf_counter()
        for key, sig in sigs:
            dedup.check(sig, exclude=key)
            dedup.add(key, sig)
        costs[name] = {"ms": (time.perf_counter() - started) * 1000 / len(sigs),
                       "round_trips": (reads(client) - before - 1) / len(sigs)}
    return costs


def ping_seconds(client, times: int = 2000) -> float:
    started = time.perf_counter()
    for _ in range(times):
        client.ping()
    return (time.perf_counter() - started) / times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=2000, help="article pages on the generated site")
    parser.add_argument("--delay", type=float, default=0.1, help="seconds every answer of the site is held back")
    parser.add_argument("--workers", type=int, default=2, help="the largest number of workers measured")
    args = parser.parse_args()
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed (apt-get install redis-server)")

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        port = free_port()
        server = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
                                   "no", "--dir", tmp], stdout=subprocess.DEVNULL)
        site = GeneratedSiteServer(pages=args.pages, delay=args.delay).start_in_thread()
        try:
            url = f"redis://127.0.0.1:{port}/0"
            client = redis.Redis.from_url(url)
            while True:
                try:
                    client.ping()
                    break
                except redis.ConnectionError:
                    time.sleep(0.05)
            seeds = generated_seeds(site.base_url, work)
            (work / "empty.toml").write_text("", encoding="utf-8")
            env = {k: v for k, v in os.environ.items() if k != "YRDWATCH_REDIS_URL"}
            env.update(YRDWATCH_CONFIG=str(work / "empty.toml"), NO_PROXY="127.0.0.1")
            print(f"generated site: {args.pages} article pages, every answer held back {args.delay * 1000:.0f} ms; "
                  f"Redis on 127.0.0.1:{port}; {os.cpu_count()} CPUs", flush=True)

            single = single_process(seeds, work, env)
            print(f"single process  {single['pages'] / single['seconds']:7.2f} pages/s "
                  f"({single['pages']} pages in {single['seconds']:.1f} s)", flush=True)
            results = {}
            for workers in range(1, args.workers + 1):
                result = cluster_crawl(workers, seeds, work, {**env, "YRDWATCH_REDIS_URL": url}, client)
                results[workers] = result
                label = f"{workers} worker{'s' if workers > 1 else ''}"
                print(f"{label:15} {result['pages'] / result['seconds']:7.2f} pages/s ({result['pages']} pages in "
                      f"{result['seconds']:.1f} s), {result['round_trips'] / result['pages']:.1f} Redis round trips per "
                      f"page, store {result['store_items_per_s']:.0f} items/s of its busy time", flush=True)
            rtt = ping_seconds(client)
            dedup = dedup_index_costs(work / "single.db", client, url)
        finally:
            site.shutdown()
            server.terminate()
            server.wait(timeout=10)

    one = results[1]
    per_page_single = single["seconds"] / single["pages"]
    print(f"\nRedis round trip (PING, this machine): {rtt * 1e6:.0f} µs")
    for workers, result in results.items():
        trips = result["round_trips"] / result["pages"]
        print(f"{workers} worker(s): {trips:.1f} round trips/page ≈ {trips * rtt * 1000:.2f} ms/page = "
              f"{trips * rtt / per_page_single:.1%} of a single-process page ({per_page_single * 1000:.0f} ms)"
              "  [goal ≤ 5%]")
    if args.workers >= 2:
        speedup = (results[2]["pages"] / results[2]["seconds"]) / (one["pages"] / one["seconds"])
        print(f"2 workers / 1 worker: {speedup:.2f}×  [goal ≥ 1.7× while the site, not the CPU, sets the pace]")
    print(f"1 worker / single process: {(one['pages'] / one['seconds']) / (single['pages'] / single['seconds']):.2f}×")
    print("\nThe store's near-duplicate decision (check, then add), per article:")
    for name, cost in dedup.items():
        print(f"  {name:17} {cost['ms']:6.2f} ms, {cost['round_trips']:6.1f} Redis round trips")


if __name__ == "__main__":
    main()
