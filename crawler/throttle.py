"""Politeness on top of Scrapy's AutoThrottle: a per-host floor and honest backing off.

AutoThrottle adapts the delay between requests to a host's latency, but only ever down to
``DOWNLOAD_DELAY`` and with no notion of robots.txt's ``Crawl-delay`` or of ``Retry-After``.
Small government sites need all three, so this subclass keeps AutoThrottle's policy and adds:

- the floor is the source's own ``download_delay`` if it sets one, else ``DOWNLOAD_DELAY``
  (``[crawl] min_delay`` in the config, 1 s by default); a cluster worker's spider serves every
  source, so there the floor is the one of the source each request belongs to;
- a ``Crawl-delay`` in the host's robots.txt (read with Protego, Scrapy's robots parser) raises it;
- a 429 or 503 waits what ``Retry-After`` asks (seconds or an HTTP date), else doubles the delay
  (exponential backoff, up to ``AUTOTHROTTLE_MAX_DELAY``); RetryMiddleware then retries.
"""
from __future__ import annotations

from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from protego import Protego
from scrapy import signals
from scrapy.extensions.throttle import AutoThrottle

from crawler.spiders import source_of

MAX_RETRY_AFTER = 600.0  # seconds: a server asking for longer gets the next run instead


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


class PoliteThrottle(AutoThrottle):
    def __init__(self, crawler):
        super().__init__(crawler)
        self.crawl_delays: dict[str, float] = {}  # download slot → robots.txt Crawl-delay
        crawler.signals.connect(self._request_reached_downloader, signal=signals.request_reached_downloader)

    def _min_delay(self) -> float:
        if not hasattr(self.crawler.spider, "source"):  # a worker's spider: the floor is per request
            return 0.0
        return self._floor(self.crawler.spider.source)

    def _floor(self, source) -> float:
        if source is not None and source.download_delay is not None:
            return float(source.download_delay)
        return super()._min_delay()

    def _request_floor(self, request) -> float:
        source = source_of(self.crawler.spider, request)
        return self._floor(source) if source is not None else self.mindelay

    def _request_reached_downloader(self, request, spider) -> None:
        # Before the slot decides when to send it: a new slot starts at the lowest floor of all.
        key, slot = self._get_slot(request, spider)
        if slot is not None:
            slot.delay = max(slot.delay, self._request_floor(request), self.crawl_delays.get(key, 0.0))

    def _start_delay(self) -> float:
        return self.mindelay  # the first request waits the floor, not AutoThrottle's guess

    def _response_downloaded(self, response, request, spider) -> None:
        key, slot = self._get_slot(request, spider)
        if slot is None:
            return
        if urlsplit(request.url).path == "/robots.txt" and response.status == 200:
            delay = Protego.parse(response.text).crawl_delay(self.crawler.settings.get("USER_AGENT"))
            if delay:
                self.crawl_delays[key] = float(delay)
        super()._response_downloaded(response, request, spider)
        floor = max(self._request_floor(request), self.crawl_delays.get(key, 0.0))
        if response.status in (429, 503):
            wait = retry_after_seconds(response.headers.get("Retry-After", b"").decode("latin-1"))
            backoff = min(max(slot.delay * 2, 1.0), self.maxdelay)
            slot.delay = max(floor, min(wait, MAX_RETRY_AFTER) if wait is not None else backoff)
        else:
            slot.delay = max(slot.delay, floor)
