"""Three generic spiders, one per source kind; a source entry in ``seeds/*.toml`` drives each.

All share ``SourceSpider``: article requests, the item they yield, and error reporting.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import feedparser
import scrapy
from scrapy.exceptions import (DownloadCancelledError, DownloadConnectionRefusedError, DownloadTimeoutError,
                               IgnoreRequest, ResponseDataLossError)
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TCPTimedOutError, TimeoutError
from twisted.web.client import ResponseFailed

from crawler.links import canonical_url, is_cms_article_url, listing_links
from crawler.pipelines import shared_store
from db.store import content_hash
from crawler.signals import crawl_error, crawl_skipped
from crawler.sources import Source, host_in_domains


# A 304 is only a hint: some servers answer it whatever changed, so a listing or feed is fetched in
# full (and its content hash compared) at least this often.
FULL_FETCH_EVERY = timedelta(hours=24)
# An article that answered 404/410 is not asked for again for this long.
GONE_FOR = timedelta(days=7)


def _header(response, name: str) -> str | None:
    return response.headers.get(name, b"").decode("latin-1") or None


def url_key(url: str) -> str:
    """What makes two URLs one page: canonical form with the http/https difference folded."""
    return _schemeless(canonical_url(url))


def _schemeless(canonical: str) -> str:
    return canonical.split("://", 1)[-1]


class SourceSpider(scrapy.Spider):
    """Behaviour every source kind shares: conditional fetching of the source's index pages
    ("heads": listings, feeds, sitemaps), article requests for what is not stored yet, the item
    they yield, and error reporting."""

    def __init__(self, source: Source, **kwargs):
        super().__init__(name=source.name, **kwargs)
        self.source = source
        self.allowed_domains = list(source.allowed_domains)
        self.start_urls = list(source.start_urls)
        self.pattern = re.compile(source.article_url_pattern) if source.article_url_pattern else None
        self.gone: set[str] = set()  # url keys of articles that answered 404/410 lately
        self.seen: dict[str, dict] = {}
        self.requested: set[str] = set()
        self.pending_heads: list[tuple] = []
        if source.download_delay is not None:
            self.download_delay = source.download_delay

    @property
    def store(self):
        return shared_store(self.crawler.settings.get("YRDWATCH_DB"))

    async def start(self):
        now = datetime.now(timezone.utc)
        self.seen = {url_key(url): row for url, row in self.store.pages_seen_of(self.source.name).items()}
        for key, row in self.seen.items():
            if row["last_status"] in (404, 410) and now - datetime.fromisoformat(row["last_seen"]) < GONE_FOR:
                self.gone.add(key)  # not asked for again this week
        for url in self.start_urls:
            if request := self.head_request(url, self.first_callback, **self.first_meta):
                yield request

    def head_request(self, url: str, callback, **meta):
        if not host_in_domains(url, self.allowed_domains):
            self.crawler.signals.send_catch_log(crawl_skipped, url=url, reason="offsite: outside allowed_domains")
            return None
        """A listing/feed/sitemap request, conditional on the last answer's validators while the
        last full fetch is recent; a 304 reaches ``_head_received`` instead of the error path."""
        headers = {}
        seen = self.seen.get(url_key(url))
        if seen and seen["full_fetched_at"] and (
                datetime.now(timezone.utc) - datetime.fromisoformat(seen["full_fetched_at"]) < FULL_FETCH_EVERY):
            if seen["etag"]:
                headers["If-None-Match"] = seen["etag"]
            if seen["last_modified"]:
                headers["If-Modified-Since"] = seen["last_modified"]
        return scrapy.Request(url, callback=self._head_received, errback=self.on_error, headers=headers,
                              dont_filter=True, meta={"handle_httpstatus_list": [304], "parse_head": callback, **meta})

    def _head_received(self, response):
        if response.status == 304:
            self.crawler.stats.inc_value("yrdwatch/not_modified")
            self.store.mark_seen(canonical_url(response.url), self.source.name, 304)
            return
        digest = content_hash(response.body)
        seen = self.seen.get(url_key(response.url))
        if seen and seen["last_status"] == 304 and seen["content_hash"] != digest:
            self.logger.warning("%s answered 304 while it had changed: its validators are not trusted", response.url)
        # The validators are saved only when the run finishes: after a crash, the next run must
        # read this page in full again, or the articles it lists but we never fetched are lost.
        self.pending_heads.append((canonical_url(response.url), response.status, _header(response, "ETag"),
                                   _header(response, "Last-Modified"), digest))
        yield from response.meta["parse_head"](response)

    def closed(self, reason):
        if reason == "finished":
            for url, status, etag, last_modified, digest in self.pending_heads:
                self.store.mark_seen(url, self.source.name, status, etag=etag, last_modified=last_modified, digest=digest)

    def is_article(self, url: str) -> bool:
        return bool(self.pattern.search(url)) if self.pattern else is_cms_article_url(url)

    def is_known(self, url: str) -> bool:
        return self._known(canonical_url(url))

    def _known(self, canonical: str) -> bool:
        """Stored already (asked of the database: an index lookup, not a set of every URL held in
        memory), or gone lately."""
        return _schemeless(canonical) in self.gone or self.store.is_stored(canonical)

    def article_request(self, url: str):
        """A request for an article not stored yet, or None. Each URL is asked for once per run;
        the duplicate filter is off so that a redirect loop fails loudly instead of vanishing."""
        canonical = canonical_url(url)
        key = _schemeless(canonical)
        if key in self.requested or self._known(canonical):
            self.crawler.stats.inc_value("yrdwatch/known_articles")
            return None
        self.requested.add(key)
        if not host_in_domains(url, self.allowed_domains):
            self.crawler.signals.send_catch_log(crawl_skipped, url=url, reason="offsite: outside allowed_domains")
            return None
        return scrapy.Request(url, callback=self.parse_article, errback=self.on_error, dont_filter=True,
                              meta={"article": True})

    def parse_article(self, response):
        yield {
            "source": self.source.name,
            "url": canonical_url(response.url),
            "status": response.status,
            "body": response.body,
            "content_type": _header(response, "Content-Type"),
            "etag": _header(response, "ETag"),
            "last_modified": _header(response, "Last-Modified"),
        }

    def on_error(self, failure):
        request = failure.request
        if failure.check(IgnoreRequest) and not failure.check(HttpError) and _NOT_FETCHED_ON_PURPOSE.search(str(failure.value)):
            self.crawler.signals.send_catch_log(crawl_skipped, url=request.url, reason=str(failure.value))
            return
        if failure.check(HttpError) and request.meta.get("article"):
            self.store.mark_seen(canonical_url(request.url), self.source.name, failure.value.response.status)
        self.crawler.signals.send_catch_log(crawl_error, url=request.url, reason=describe_failure(failure))


# IgnoreRequest means "not fetched on purpose" for robots.txt, off-site and refused private addresses,
# but Scrapy also raises it for a redirect loop or a page over the size cap: those are errors.
_NOT_FETCHED_ON_PURPOSE = re.compile(r"robots\.txt|offsite|allowed_domains|private address", re.I)

# Plain-language reasons for the download failures people meet; Twisted's own messages are often
# empty or a repr of nested failures.
_FAILURE_REASONS = (
    ((TimeoutError, TCPTimedOutError, DownloadTimeoutError), "timed out"),
    ((DNSLookupError,), "DNS lookup failed"),
    ((ConnectionRefusedError, DownloadConnectionRefusedError), "connection refused"),
    ((ResponseDataLossError, ResponseFailed), "connection closed before the whole page arrived (truncated)"),
    ((DownloadCancelledError,), "larger than the page size cap, not downloaded"),
)


def describe_failure(failure) -> str:
    if failure.check(HttpError):
        return f"HTTP {failure.value.response.status}"
    for types, reason in _FAILURE_REASONS:
        if failure.check(*types):
            return f"{reason} ({type(failure.value).__name__}: {failure.getErrorMessage()})".replace(": )", ")")
    return f"{type(failure.value).__name__}: {failure.getErrorMessage()}"


class ListingSpider(SourceSpider):
    """Column listing pages: article links on each page, then the next page up to ``max_pages`` —
    unless the page held only articles already stored (listings are newest first)."""

    first_meta = {"listing_page": 1}

    @property
    def first_callback(self):
        return self.parse_listing

    def parse_listing(self, response):
        articles, next_pages = listing_links(response.text, response.url, self.pattern)
        fresh = [url for url in articles if not self.is_known(url)]
        for url in fresh:
            if request := self.article_request(url):
                yield request
        page = response.meta["listing_page"]
        if articles and not fresh:
            self.crawler.stats.inc_value("yrdwatch/pagination_stopped")
            return
        if page < self.source.max_pages:
            for url in next_pages:
                if request := self.head_request(url, self.parse_listing, listing_page=page + 1):
                    yield request


class FeedSpider(SourceSpider):
    """RSS or Atom feeds, parsed by feedparser; every entry link is an article."""

    first_meta: dict = {}

    @property
    def first_callback(self):
        return self.parse_feed

    def parse_feed(self, response):
        feed = feedparser.parse(response.body)
        if feed.bozo and not feed.entries:
            self.crawler.signals.send_catch_log(crawl_error, url=response.url, reason=f"unreadable feed: {feed.bozo_exception}")
            return
        for entry in feed.entries:
            link = entry.get("link")
            if link and (self.pattern is None or self.pattern.search(link)):
                if request := self.article_request(response.urljoin(link)):
                    yield request


class SitemapSpider(SourceSpider):
    """sitemap.xml (or robots.txt naming sitemaps); nested sitemap indexes are followed."""

    first_meta: dict = {}

    @property
    def first_callback(self):
        return self.parse_sitemap

    def parse_sitemap(self, response):
        if response.url.endswith("/robots.txt"):
            for url in sitemap_urls_from_robots(response.text, base_url=response.url):
                if request := self.head_request(url, self.parse_sitemap):
                    yield request
            return
        try:
            sitemap = Sitemap(response.body)
        except Exception as err:  # lxml raises several types on broken XML
            self.crawler.signals.send_catch_log(crawl_error, url=response.url, reason=f"unreadable sitemap: {err}")
            return
        for entry in sitemap:
            loc = entry.get("loc")
            if not loc:
                continue
            if sitemap.type == "sitemapindex":
                if request := self.head_request(loc, self.parse_sitemap):
                    yield request
            elif self.is_article(loc) and (request := self.article_request(loc)):
                yield request


SPIDERS = {"listing": ListingSpider, "feed": FeedSpider, "sitemap": SitemapSpider}
