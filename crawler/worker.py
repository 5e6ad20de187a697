"""``yrdwatch worker``: Scrapy on scrapy-redis, serving every source of a cluster crawl.

A worker takes requests from the shared Redis queue (scrapy-redis's ``Scheduler`` and
``RFPDupeFilter``, ``SCHEDULER_PERSIST``), fetches and reads pages with the same spider code and
extraction stage as a local crawl, signs each article for near-duplicate detection, and pushes
it as JSON to the store's list. It never opens the database: what earlier crawls know (stored
articles, head validators) comes from the mirror in Redis, and everything it learns goes to the
store as a message. Which source a request belongs to is in its meta; the sources' definitions
come with the batch, so one worker serves every source of every seeds file.

Nothing taken is lost when a worker dies: the queue class below moves each request it pops into
the worker's in-flight set, and a request leaves that set only in the Lua step that pushes its
item or error (``yrdwatch.crawler.cluster.FINISH``) or queues its replacement (a retry, a redirect). A
heartbeat key expires when the worker dies, and any other worker then gives its in-flight
requests back to the queue. Requests of a head page are queued before the head is finished.

Article requests are de-duplicated per crawl batch in ``batch:<b>:requested`` by canonical URL,
not by the RFPDupeFilter, whose set persists across crawls (``SCHEDULER_PERSIST``): an article
that failed today must be asked for again tomorrow. Our requests are ``dont_filter``, as locally.
"""
from __future__ import annotations

import json
import os
import socket
import time
from collections import Counter
from datetime import datetime, timezone
from secrets import token_hex

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.spiders import RedisSpider
from redis.exceptions import RedisError
from twisted.internet import task

from yrdwatch.crawler import settings as default_settings
from yrdwatch.crawler.cluster import (BATCHES, BEAT_EVERY, HEARTBEAT_TTL, ITEMS, QUEUE, SEEN, START_URLS, WORKERS, DUPEFILTER,
                             Scripts, batch_key, connect, error_message, give_back,
                             give_back_dead_workers, inflight_key, seen_message, source_from_json, worker_key)
from yrdwatch.crawler.items import PageItem
from yrdwatch.crawler.signals import crawl_error, crawl_skipped
from yrdwatch.crawler.pipelines import NotArticleDrop
from yrdwatch.crawler.spiders import NewsSpider, rests, schemeless, url_key
from yrdwatch.crawler.sources import Source
from yrdwatch.extract.dedup import signature, signature_to_bytes

TAKEN = "yrdwatch_taken"  # meta key: the in-flight entry of this worker a request is, ("request"|"start", bytes)
IDLE_CLOSE_AFTER = 10  # seconds with no open crawl anywhere after which --exit-when-idle closes a worker
# ... once it has seen a crawl: a worker started for a crawl waits this long for the crawl to open
# (a crawl process on a busy machine may take more than IDLE_CLOSE_AFTER to start).
FIRST_CRAWL_WAIT = 120
CLUSTER_SPIDER = "yrdwatch"


class WorkerLink:
    """This worker's side of Redis: what it took and has not finished, its run counters not yet
    sent, and its heartbeat."""

    def __init__(self, client, worker: str):
        self.client, self.worker = client, worker
        self.scripts = Scripts(client)
        self.taken: set[tuple[str, bytes]] = set()
        self.counts: Counter = Counter()  # (batch, "source counter") → increments not yet in Redis
        self.started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        self.pages = 0

    def take_request(self) -> tuple[str, bytes] | None:
        entry = self.scripts.take_request(keys=[QUEUE, inflight_key(self.worker)])
        if entry is None:
            return None
        self.taken.add(("request", entry))
        return "request", entry

    def take_start(self, count: int) -> list[bytes]:
        entries = self.scripts.take_some(keys=[START_URLS, inflight_key(self.worker, "start")],
                                          args=[count, "LEFT", "RIGHT"])
        self.taken.update(("start", entry) for entry in entries)
        return entries

    def push(self, data: bytes, score: float, batch: str, replaced: tuple[str, bytes] | None) -> None:
        """Queue a request; when it replaces one this worker holds, that one is finished with it."""
        if replaced is not None:
            if replaced not in self.taken:  # given back meanwhile: whoever redoes it makes this request again
                return
            self.taken.discard(replaced)
        kind, entry = replaced or ("", b"")
        self.scripts.push(keys=[QUEUE, batch_key(batch, "open"), inflight_key(self.worker, kind or "request")],
                          args=[score, data, kind, entry])

    def finish(self, meta: dict, messages: list[str] = ()) -> None:
        """The request of ``meta`` is done: its messages go to the store, its entry leaves the
        in-flight set, the batch counts one request fewer — in one step. Counters go along."""
        taken = meta.get(TAKEN)
        if taken not in self.taken:  # finished already, or given back meanwhile
            return
        self.taken.discard(taken)
        kind, entry = taken
        with self.client.pipeline(transaction=False) as pipe:
            for (batch, field), increment in self.counts.items():
                pipe.hincrby(batch_key(batch, "counts"), field, increment)
            self.counts.clear()
            self.scripts.finish(keys=[inflight_key(self.worker, kind), batch_key(meta["batch"], "open"), ITEMS],
                                args=[kind, entry, *messages], client=pipe)
            pipe.execute()

    def drop_start(self, entry: bytes) -> None:
        """A start entry no request can be made of leaves the in-flight list (no batch counts it)."""
        self.taken.discard(("start", entry))
        self.client.lrem(inflight_key(self.worker, "start"), 1, entry)

    def count(self, meta: dict, name: str) -> None:
        if "batch" in meta:
            self.counts[(meta["batch"], f"{meta['source']} {name}")] += 1

    def beat(self) -> None:
        state = {"worker": self.worker, "host": socket.gethostname(), "pid": os.getpid(),
                 "started_at": self.started_at, "pages": self.pages, "in_flight": len(self.taken)}
        with self.client.pipeline(transaction=False) as pipe:
            pipe.set(worker_key(self.worker), json.dumps(state), ex=HEARTBEAT_TTL)
            pipe.sadd(WORKERS, self.worker)
            pipe.execute()
        give_back_dead_workers(self.client, self.scripts, except_worker=self.worker)

    def close(self) -> None:
        """Leaving cleanly: what is still taken goes back to the queue at once."""
        self.client.delete(worker_key(self.worker))
        give_back(self.scripts, self.worker)
        self.taken.clear()


class InFlightQueue(PriorityQueue):
    """scrapy-redis's priority queue, but a popped request moves to this worker's in-flight set
    (see the module's docstring) instead of vanishing from Redis."""

    def push(self, request):
        replaced = request.meta.pop(TAKEN, None)
        self.spider.link.push(self._encode_request(request), -request.priority, request.meta["batch"], replaced)

    def pop(self, timeout=0):
        taken = self.spider.link.take_request()
        if taken is None:
            return None
        request = self._decode_request(taken[1])
        request.meta[TAKEN] = taken
        return request


class ClusterSpider(RedisSpider, NewsSpider):
    """Every source, for a worker: requests from Redis, knowledge from the mirror, results to the store."""

    name = CLUSTER_SPIDER

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sources: dict[tuple[str, str], Source] = {}
        self.link: WorkerLink | None = None
        self.heartbeat: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.link = WorkerLink(spider.server, f"{socket.gethostname()}:{os.getpid()}:{token_hex(2)}")
        for handler, signal in (
            (spider.opened, signals.spider_opened), (spider.closing, signals.spider_closed),
            (spider.request_sent, signals.request_reached_downloader), (spider.response_in, signals.response_received),
            (spider.item_dropped, signals.item_dropped), (spider.item_failed, signals.item_error),
            (spider.failed, signals.spider_error),
            (spider.error, crawl_error), (spider.skipped, crawl_skipped),
        ):
            crawler.signals.connect(handler, signal=signal)
        return spider

    # --- start URLs, from scrapy-redis's start-URLs key -------------------------------------------
    async def start(self):
        for request in self.next_requests():
            yield request

    def pop_list_queue(self, redis_key, batch_size):
        # scrapy-redis trims the list as it reads it; these entries stay in flight until queued.
        return self.link.take_start(batch_size)

    def make_request_from_data(self, data):
        """A start entry ``{"url", "meta": {"source", "batch"}}`` becomes the source's head request;
        one with ``"lost": true``, a request for an article an earlier crawl could not store."""
        try:
            start = json.loads(data)
            context = {"source": start["meta"]["source"], "batch": start["meta"]["batch"]}
            source = self.source_for(context)
            request = (self.lost_article_request(start["url"], context) if start["meta"].get("lost")
                       else self.start_request(source, start["url"], context))
        except (ValueError, KeyError, TypeError) as err:  # not written by `crawl --cluster`
            self.logger.error("dropped start entry %r: %s", data[:200], err)
            self.link.drop_start(data)
            return []
        if request is None:  # off-site start URL (recorded as skipped) or an article asked for already
            self.link.finish({TAKEN: ("start", data), **context})
            return []
        request.meta[TAKEN] = ("start", data)
        return request

    def spider_idle(self):
        # Work can still come while any crawl is open (a dead worker's requests, a head's articles).
        open_crawls = self.server.scard(BATCHES)
        self.seen_crawl = self.seen_crawl or bool(open_crawls)
        waiting_for_first = not self.seen_crawl and time.time() - self.opened_at < FIRST_CRAWL_WAIT
        if open_crawls or waiting_for_first:
            self.spider_idle_start_time = int(time.time())
        return super().spider_idle()

    # --- what earlier crawls know, from Redis ---------------------------------------------------
    def source_for(self, meta: dict) -> Source | None:
        if "source" not in meta:
            return None  # robots.txt
        key = (meta["batch"], meta["source"])
        if key not in self.sources:
            raw = self.server.hget(batch_key(meta["batch"], "sources"), meta["source"])
            if raw is None:
                raise KeyError(f"source {meta['source']} of batch {meta['batch']} is not in Redis")
            if len(self.sources) > 10_000:  # definitions of long-finished batches
                self.sources.clear()
            self.sources[key] = source_from_json(raw)
        return self.sources[key]

    def head_validators(self, url: str) -> dict | None:
        raw = self.server.hget(SEEN, url_key(url))
        seen = json.loads(raw) if raw else None
        return None if seen is None or seen.get("stored") else seen

    def known(self, canonicals: list[str]) -> set[str]:
        if not canonicals:
            return set()
        now = datetime.now(timezone.utc)
        rows = self.server.hmget(SEEN, [schemeless(c) for c in canonicals])
        seen = {c: json.loads(raw) for c, raw in zip(canonicals, rows) if raw}
        return {c for c, row in seen.items() if row.get("stored") or rests(row, now)}

    def first_request(self, key: str, meta: dict) -> bool:
        return self.server.sadd(batch_key(meta["batch"], "requested"), key) == 1

    def page_seen(self, source: Source, url: str, status: int, meta: dict) -> None:
        self.server.lpush(ITEMS, seen_message(meta, url, status))

    def head_fetched(self, source: Source, meta: dict, record: tuple) -> None:
        # Kept by the store only when the batch ends (as a local crawl keeps them at its end).
        url, *rest = record
        self.server.hset(batch_key(meta["batch"], "heads"), url, json.dumps([source.name, *rest]))

    # --- finishing requests -------------------------------------------------------------------
    def _head_received(self, response):
        # Scrapy hands a callback's requests to the scheduler only after the callback has ended,
        # so they are queued here, before the head is finished: a kill in between loses none.
        for request in super()._head_received(response):
            self.crawler.engine.crawl(request)
        self.link.finish(response.meta)
        return []

    def parse_article(self, response):
        for item in super().parse_article(response):
            item.request_meta = response.meta  # PushPipeline finishes the request with the item
            yield item

    def on_error(self, failure):
        super().on_error(failure)
        self.link.finish(failure.request.meta)

    def item_dropped(self, item, response, exception):
        if isinstance(exception, NotArticleDrop):  # a verdict for the store to remember, not an error
            message = seen_message(response.meta, item.url, item.status or 200, exception.verdict.kind)
        else:
            message = error_message(response.meta, item.url, "extract", str(exception), unreadable=True)
        self.link.finish(response.meta, [message])

    def item_failed(self, item, response, failure):
        # A stage raised (not DropItem): the page is recorded as lost instead of held forever.
        reason = f"{type(failure.value).__name__}: {failure.getErrorMessage()}"
        self.link.finish(response.meta, [error_message(response.meta, item.url, "extract", reason)])

    def failed(self, failure, response):
        reason = f"{type(failure.value).__name__}: {failure.getErrorMessage()}"
        self.link.finish(response.meta, [error_message(response.meta, response.url, "parse", reason)])

    def error(self, url, reason, meta, stage="download"):
        self.server.lpush(ITEMS, error_message(meta, url, stage, reason))

    def skipped(self, url, reason, meta):
        self.link.count(meta, "skipped")

    def request_sent(self, request):
        self.link.count(request.meta, "requests")

    def response_in(self, response, request):
        if request.meta.get("article"):
            self.link.count(request.meta, "article_pages")
            self.link.pages += 1

    def opened(self, spider):
        self.opened_at, self.seen_crawl = time.time(), False
        self.spider_idle_start_time = int(time.time())
        self.heartbeat = task.LoopingCall(self.beat)
        self.heartbeat.start(BEAT_EVERY, now=True)

    def beat(self):
        try:
            self.link.beat()
            self.schedule_next_requests()  # start URLs fed since the last look (Scrapy's idle signal comes every 5 s)
        except RedisError as err:  # keep beating: Redis may come back before the heartbeat expires
            self.logger.warning("heartbeat failed: %s", err)

    def closing(self, spider, reason):
        if self.heartbeat and self.heartbeat.running:
            self.heartbeat.stop()
        self.link.close()


class PushPipeline:
    """A worker's last stage: the article, signed, goes to the store as JSON in the same Redis
    step that finishes its request (so it is pushed once, or not at all and fetched again)."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item: PageItem) -> PageItem:
        item.signature = signature_to_bytes(signature(item.article.analysis_text))
        self.crawler.spider.link.finish(item.request_meta, [item.to_message(item.request_meta["batch"])])
        return item


def worker_settings(redis_url: str, concurrency: int, exit_when_idle: bool) -> dict:
    return {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,  # the queue outlives any one worker
        "SCHEDULER_QUEUE_CLASS": "yrdwatch.crawler.worker.InFlightQueue",
        "SCHEDULER_QUEUE_KEY": QUEUE,
        "SCHEDULER_DUPEFILTER_KEY": DUPEFILTER,
        "REDIS_START_URLS_KEY": START_URLS,
        "REDIS_URL": redis_url,
        "MAX_IDLE_TIME_BEFORE_CLOSE": IDLE_CLOSE_AFTER if exit_when_idle else 0,  # 0: wait for work forever
        "CONCURRENT_REQUESTS": concurrency,
        "ITEM_PIPELINES": {"yrdwatch.crawler.pipelines.ExtractPipeline": 100, "yrdwatch.crawler.worker.PushPipeline": 300},
        # No RunRecorder: runs are recorded by the store, from the messages and counters.
        "EXTENSIONS": {},
    }


def run_worker(redis_url: str, settings: dict, concurrency: int = 16, exit_when_idle: bool = False,
               log_path: str | None = None) -> dict:
    """Serve the cluster until stopped (SIGTERM, Ctrl-C) or, with ``exit_when_idle``, until no
    crawl has been open for a while; returns this worker's stats."""
    connect(redis_url)  # a clear error before Scrapy starts
    merged = Settings()
    merged.setmodule(default_settings, priority="project")
    merged.update({**settings, **worker_settings(redis_url, concurrency, exit_when_idle)}, priority="cmdline")
    if log_path:
        merged.set("LOG_FILE", str(log_path), priority="cmdline")
    process = CrawlerProcess(merged)
    crawler = process.create_crawler(ClusterSpider)
    process.crawl(crawler)
    process.start()
    return {"worker": crawler.spider.link.worker, "article_pages": crawler.spider.link.pages, **crawler.stats.get_stats()}
