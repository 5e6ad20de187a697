"""``RunRecorder``: one ``crawl_runs`` row per source run, and one ``fetch_errors`` row per failure.

It listens to Scrapy's signals (and the two of ``yrdwatch.crawler.signals``) and writes the counters a
person reads in ``yrdwatch crawl`` / ``yrdwatch status``: requests, article pages downloaded, new
and updated articles, duplicates, announcements, errors, skipped requests. An article that was read
but could not be stored (the database stayed busy, a value it refused) is an error of stage
``store``: counted, and asked for again by the next crawls (``yrdwatch.crawler.refetch``). The counters are
added to the run's row every ``FLUSH_EVERY`` seconds too, so a run that is killed (and later marked
``interrupted``) shows what it did, not zeros.
"""
from __future__ import annotations

import time
from collections import Counter

from scrapy import signals
from twisted.internet import task

from yrdwatch.crawler.database import database_of
from yrdwatch.crawler.items import PageItem
from yrdwatch.crawler.pipelines import NotArticleDrop
from yrdwatch.crawler.signals import crawl_error, crawl_skipped


def stored_counters(item: PageItem) -> Counter:
    """What one stored item adds to its run's counters (a cluster's store counts the same way)."""
    counters: Counter = Counter()
    if item.article.page.published_at is None:
        counters["undated"] += 1
    if item.stored in ("new", "updated"):
        counters[f"{item.stored}_articles"] += 1
        counters["announcements"] += len(item.article.announcements)
        counters["duplicates"] += bool(item.duplicate_of or item.supersedes)
    return counters


FLUSH_EVERY = 5.0  # seconds between writes of a running run's counters when nothing happens
FLUSH_AT_MOST_EVERY = 1.0  # seconds: a stored item or an error writes them too, at most this often


class RunRecorder:
    def __init__(self, crawler):
        self.crawler = crawler
        self.batch = crawler.settings.get("YRDWATCH_BATCH")
        self.counters: Counter = Counter()
        self.flushed: Counter = Counter()  # what the run's row holds already
        self.flusher = task.LoopingCall(self.flush)
        self.flushed_at = 0.0
        self.run_id: int | None = None
        self.source = None
        self.answered = False  # whether the site answered anything at all (robots.txt included)
        self.first_error: str | None = None
        for handler, signal in (
            (self.spider_opened, signals.spider_opened), (self.spider_closed, signals.spider_closed),
            (self.response_received, signals.response_received), (self.item_scraped, signals.item_scraped),
            (self.item_dropped, signals.item_dropped), (self.item_error, signals.item_error),
            (self.spider_error, signals.spider_error),
            (self.error, crawl_error), (self.skipped, crawl_skipped),
        ):
            crawler.signals.connect(handler, signal=signal)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    @property
    def store(self):
        return database_of(self.crawler).store

    def spider_opened(self, spider):
        self.source = spider.name
        self.run_id = self.store.start_run(spider.name, self.batch)
        self.flusher.start(FLUSH_EVERY, now=False)

    def flush_soon(self):
        if time.monotonic() - self.flushed_at >= FLUSH_AT_MOST_EVERY:
            self.flush()

    def flush(self):
        """Add what was counted since the last flush to the run's row."""
        self.flushed_at = time.monotonic()
        self.counters["requests"] = self.crawler.stats.get_value("downloader/request_count", 0)
        delta = self.counters - self.flushed
        if delta:
            self.store.add_to_run(self.run_id, dict(delta))
            self.flushed = Counter(self.counters)

    def response_received(self, response, request, spider):
        self.answered = True
        if request.meta.get("article"):
            self.counters["article_pages"] += 1

    def item_scraped(self, item, response, spider):
        self.counters.update(stored_counters(item))
        self.flush_soon()

    def item_dropped(self, item, response, exception, spider):
        if isinstance(exception, NotArticleDrop):  # remembered, so it is not fetched again every day
            self.counters["not_articles"] += 1
            self.store.mark_seen(item.url, item.source, item.status or 200, verdict=exception.verdict.kind)
            self.flush_soon()
            return
        self.counters["unreadable"] += 1
        self.error(url=item.url, reason=str(exception), stage="extract")

    def item_error(self, item, response, spider, failure):
        self.error(url=item.url, stage="store",
                   reason=f"not stored: {type(failure.value).__name__}: {failure.getErrorMessage()}")

    def spider_error(self, failure, response, spider):
        self.error(url=response.url, reason=f"{type(failure.value).__name__}: {failure.getErrorMessage()}", stage="parse")

    def error(self, url, reason, stage="download"):
        self.counters["errors"] += 1
        if stage == "download" and self.first_error is None:
            self.first_error = reason
        self.store.record_error(self.run_id, self.source, url, stage, reason)
        self.flush_soon()

    def skipped(self, url, reason):
        self.counters["skipped"] += 1

    def spider_closed(self, spider, reason):
        if self.flusher.running:
            self.flusher.stop()
        self.counters["requests"] = self.crawler.stats.get_value("downloader/request_count", 0)
        self.store.finish_run(self.run_id, self.status(reason), dict(self.counters))

    def status(self, reason: str) -> str:
        """The run's status: Scrapy's close reason, except that a run which ended normally without a
        single answer from the site (a host that does not resolve, refuses every connection, or
        times out) failed, with the first reason, instead of "finished" with nothing done."""
        if reason == "finished" and not self.answered and self.first_error:
            return f"failed: no answer from the site: {self.first_error}"
        return reason
