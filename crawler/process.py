"""Child-process entry point of a crawl: ``python -m yrdwatch.crawler.process --db … --seeds … --batch …``.

Scrapy's Twisted reactor cannot be restarted inside one Python process, so every crawl runs here,
in a fresh process started by ``yrdwatch.crawler.run.run_crawl``; all requested sources crawl concurrently
in one ``CrawlerProcess`` and record themselves in ``crawl_runs`` under the batch id.
"""
from __future__ import annotations

import argparse
import os
import signal
import socket
import sys

from scrapy.crawler import CrawlerProcess
from twisted.internet import task
from scrapy.settings import Settings

from yrdwatch.crawler import settings as default_settings
from yrdwatch.crawler.database import CrawlDatabase
from yrdwatch.crawler.sources import load_all, select
from yrdwatch.crawler.spiders import SourceSpider

HEARTBEAT_EVERY = 30  # seconds between lock heartbeats
LOCK_STALE_AFTER = 300  # a lock silent this long belongs to a dead crawl (on another machine)


def scrapy_settings(pairs: list[str]) -> Settings:
    """crawler/settings.py with the ``NAME=VALUE`` pairs the parent process passed (``--set``)."""
    settings = Settings()
    settings.setmodule(default_settings, priority="project")
    for pair in pairs:
        name, _, value = pair.partition("=")
        settings.set(name, value, priority="cmdline")
    return settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m yrdwatch.crawler.process")
    parser.add_argument("--db", required=True)
    parser.add_argument("--seeds", required=True, action="append")
    parser.add_argument("--batch", required=True)
    parser.add_argument("--source", action="append", default=[])
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="extra Scrapy setting")
    args = parser.parse_args(argv)
    # Until Scrapy installs its own graceful handlers, SIGTERM must still unwind through `finally`
    # (releasing the source locks) rather than kill the process where it stands.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))

    sources = select(load_all(args.seeds), args.source)
    settings = scrapy_settings(args.set)
    settings.set("YRDWATCH_DB", args.db, priority="cmdline")
    settings.set("YRDWATCH_BATCH", args.batch, priority="cmdline")

    database = CrawlDatabase.from_settings(settings)  # shared by every source's crawler (crawler.database)
    store = database.store
    store.sync_sources(sources)
    host, pid = socket.gethostname(), os.getpid()
    mine = []
    for source in sources:
        holder = store.acquire_lock(source.name, host, pid, LOCK_STALE_AFTER, pid_alive)
        if holder:  # another crawl (cron, scheduler, a person) is on this source right now
            store.record_skipped_run(source.name, args.batch, f"skipped: locked by {holder['host']}:{holder['pid']}")
        else:
            store.mark_interrupted(source.name)  # we hold the lock: a run still "running" died
            mine.append(source)
    try:
        if mine:
            process = CrawlerProcess(settings, install_root_handler=True)
            for source in mine:
                crawler = process.create_crawler(SourceSpider)
                crawler.database = database
                process.crawl(crawler, source=source)
            beat = task.LoopingCall(store.heartbeat, [s.name for s in mine], host, pid)
            beat.start(HEARTBEAT_EVERY, now=False)
            process.start()
    finally:
        store.release_locks(host, pid)
    return 0


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


if __name__ == "__main__":
    sys.exit(main())
