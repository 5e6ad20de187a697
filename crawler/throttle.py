"""Politeness on Scrapy's public extension points: a per-host floor and honest backing off.

Scrapy's own AutoThrottle (enabled by the settings, unchanged) adapts each host's delay to its
latency, never below ``DOWNLOAD_DELAY``. Small government sites need more, which
``PoliteDelays``, the downloader middleware nearest the downloader, adds:

- a floor between two requests to one host: the source's own ``download_delay`` if it sets one
  (a local crawl sets it as the crawler's ``DOWNLOAD_DELAY``, ``SourceSpider.from_crawler``; a
  cluster worker's spider serves every source, so there each request's source decides), else
  ``DOWNLOAD_DELAY`` (``[crawl] min_delay`` in the config, 1 s by default);
- a ``Crawl-delay`` in the host's robots.txt (read with Protego, Scrapy's robots parser) raises it;
- a 429 or 503 waits what ``Retry-After`` asks (seconds or an HTTP date), else doubles the gap
  (exponential backoff, up to ``AUTOTHROTTLE_MAX_DELAY``), then eases back by halves on each
  answer that is not one; RetryMiddleware retries the request, which waits here like any other.

It lets one request per host through at a time and holds the next one until the floor has
passed since the last one went out: the request then enters the downloader's slot at once, so the
gap is measured between requests actually sent. The slot's concurrency is 1 per host anyway
(``CONCURRENT_REQUESTS_PER_DOMAIN``).
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from protego import Protego
from scrapy.utils.httpobj import urlparse_cached

from yrdwatch.crawler.spiders import source_of

MAX_RETRY_AFTER = 600.0  # seconds: a server asking for longer gets the next run instead
REFUSALS = (429, 503)  # "too many requests", "unavailable": the host asks us to wait


def retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


@dataclass
class _Host:
    turn: asyncio.Lock = field(default_factory=asyncio.Lock)  # held from a request's release to its answer
    holder: object | None = None  # the request that holds it
    sent_at: float = float("-inf")  # monotonic time the last request was let through
    not_before: float = float("-inf")  # no request before this (Retry-After, backoff)
    crawl_delay: float = 0.0  # robots.txt Crawl-delay
    penalty: float = 0.0  # the gap a refusal asked for, eased back by halves


class PoliteDelays:
    """Downloader middleware: per-host floor, robots.txt Crawl-delay, Retry-After and backoff."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.max_delay = crawler.settings.getfloat("AUTOTHROTTLE_MAX_DELAY")
        self.hosts: dict[str, _Host] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def floor(self, request) -> float:
        source = source_of(self.crawler.spider, request)
        if source is not None and source.download_delay is not None:
            return float(source.download_delay)
        return self.crawler.settings.getfloat("DOWNLOAD_DELAY")

    def gap(self, host: _Host, request) -> float:
        return max(self.floor(request), host.crawl_delay, host.penalty)

    def _host(self, request) -> _Host | None:
        name = urlparse_cached(request).hostname
        return self.hosts.setdefault(name, _Host()) if name else None

    async def process_request(self, request):
        host = self._host(request)
        if host is None:
            return None
        await host.turn.acquire()
        try:
            while (wait := max(host.sent_at + self.gap(host, request), host.not_before) - time.monotonic()) > 0:
                await asyncio.sleep(wait)
        except BaseException:  # cancelled while waiting: the turn goes to the next request
            host.turn.release()
            raise
        host.sent_at, host.holder = time.monotonic(), request
        return None

    def process_response(self, request, response):
        host = self._host(request)
        if host is None:
            return response
        self._release(host, request)
        if urlparse_cached(request).path == "/robots.txt" and response.status == 200:
            delay = Protego.parse(response.text).crawl_delay(self.crawler.settings.get("USER_AGENT"))
            host.crawl_delay = float(delay or 0.0)
        if response.status in REFUSALS:
            asked = retry_after_seconds(response.headers.get("Retry-After", b"").decode("latin-1"))
            backoff = min(max(self.gap(host, request) * 2, 1.0), self.max_delay)
            host.penalty = min(asked, MAX_RETRY_AFTER) if asked is not None else backoff
            host.not_before = max(host.not_before, time.monotonic() + host.penalty)
        else:
            host.penalty /= 2
        return response

    def process_exception(self, request, exception):
        if (host := self._host(request)) is not None:
            self._release(host, request)
        return None

    @staticmethod
    def _release(host: _Host, request) -> None:
        """The request's answer (or failure) came: the next request may take its turn. Answers
        that never reached the downloader (a middleware's own response or refusal) hold no turn."""
        if host.holder is request:
            host.holder = None
            host.turn.release()
