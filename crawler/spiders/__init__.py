"""Three generic spiders, one per source kind; a source entry in ``seeds/*.toml`` drives each.

All share ``SourceSpider``: article requests, the item they yield, and error reporting.
"""
from __future__ import annotations

import re

import feedparser
import scrapy
from scrapy.exceptions import IgnoreRequest, ResponseDataLossError
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TCPTimedOutError, TimeoutError
from twisted.web.client import ResponseFailed

from crawler.links import canonical_url, is_cms_article_url, listing_links
from crawler.signals import crawl_error, crawl_skipped
from crawler.sources import Source


class SourceSpider(scrapy.Spider):
    """Behaviour every source kind shares. ``known_urls`` are articles already stored: skipped."""

    def __init__(self, source: Source, known_urls: frozenset[str] = frozenset(), **kwargs):
        super().__init__(name=source.name, **kwargs)
        self.source = source
        self.allowed_domains = list(source.allowed_domains)
        self.start_urls = list(source.start_urls)
        self.pattern = re.compile(source.article_url_pattern) if source.article_url_pattern else None
        self.known_urls = known_urls
        if source.download_delay is not None:
            self.download_delay = source.download_delay

    def is_article(self, url: str) -> bool:
        return bool(self.pattern.search(url)) if self.pattern else is_cms_article_url(url)

    def article_request(self, url: str):
        if canonical_url(url) in self.known_urls:
            self.crawler.stats.inc_value("yrdwatch/known_articles")
            return None
        return scrapy.Request(url, callback=self.parse_article, errback=self.on_error, meta={"article": True})

    def parse_article(self, response):
        yield {
            "source": self.source.name,
            "url": canonical_url(response.url),
            "status": response.status,
            "body": response.body,
            "content_type": response.headers.get("Content-Type", b"").decode("latin-1") or None,
            "etag": response.headers.get("ETag", b"").decode("latin-1") or None,
            "last_modified": response.headers.get("Last-Modified", b"").decode("latin-1") or None,
        }

    def on_error(self, failure):
        request = failure.request
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            self.crawler.signals.send_catch_log(crawl_skipped, url=request.url, reason=str(failure.value) or "ignored")
            return
        self.crawler.signals.send_catch_log(crawl_error, url=request.url, reason=describe_failure(failure))


# Plain-language reasons for the download failures people meet; Twisted's own messages are often
# empty or a repr of nested failures.
_FAILURE_REASONS = (
    ((TimeoutError, TCPTimedOutError), "timed out"),
    ((DNSLookupError,), "DNS lookup failed"),
    ((ConnectionRefusedError,), "connection refused"),
    ((ResponseDataLossError, ResponseFailed), "connection closed before the whole page arrived (truncated)"),
)


def describe_failure(failure) -> str:
    if failure.check(HttpError):
        return f"HTTP {failure.value.response.status}"
    for types, reason in _FAILURE_REASONS:
        if failure.check(*types):
            return f"{reason} ({type(failure.value).__name__})"
    return f"{type(failure.value).__name__}: {failure.getErrorMessage()}"


class ListingSpider(SourceSpider):
    """Column listing pages: article links on each page, then the next page up to ``max_pages``."""

    async def start(self):
        for url in self.start_urls:
            yield scrapy.Request(url, callback=self.parse_listing, errback=self.on_error, meta={"listing_page": 1})

    def parse_listing(self, response):
        articles, next_pages = listing_links(response.text, response.url, self.pattern)
        for url in articles:
            if request := self.article_request(url):
                yield request
        page = response.meta["listing_page"]
        if page < self.source.max_pages:
            for url in next_pages:
                yield scrapy.Request(url, callback=self.parse_listing, errback=self.on_error,
                                     meta={"listing_page": page + 1})


class FeedSpider(SourceSpider):
    """RSS or Atom feeds, parsed by feedparser; every entry link is an article."""

    async def start(self):
        for url in self.start_urls:
            yield scrapy.Request(url, callback=self.parse_feed, errback=self.on_error)

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

    async def start(self):
        for url in self.start_urls:
            yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_error)

    def parse_sitemap(self, response):
        if response.url.endswith("/robots.txt"):
            for url in sitemap_urls_from_robots(response.text, base_url=response.url):
                yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_error)
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
                yield scrapy.Request(loc, callback=self.parse_sitemap, errback=self.on_error)
            elif self.is_article(loc) and (request := self.article_request(loc)):
                yield request


SPIDERS = {"listing": ListingSpider, "feed": FeedSpider, "sitemap": SitemapSpider}
