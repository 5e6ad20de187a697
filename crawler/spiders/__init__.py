"""The spiders: a source's "heads" (listing pages, feeds, sitemaps) lead to its article pages.

``NewsSpider`` holds what every crawl does with a source whatever its kind: conditional fetching
of the heads, article requests for links not stored yet, the item an article page becomes, and
error reporting. Every request carries its source's name (meta ``source``), so one spider can
serve many sources. Where the knowledge of earlier crawls lives differs, and is provided by:

- ``SourceSpider``: one source of a local crawl, asking the SQLite database;
- ``yrdwatch.crawler.worker.ClusterSpider``: every source, for a cluster worker, asking Redis.
"""
from __future__ import annotations

import re
import zlib
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import feedparser
import scrapy
from scrapy.exceptions import (DownloadCancelledError, DownloadConnectionRefusedError, DownloadTimeoutError,
                               IgnoreRequest, ResponseDataLossError)
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TCPTimedOutError, TimeoutError
from twisted.web.client import ResponseFailed

from yrdwatch.crawler.links import candidates, canonical_url, listing_links
from yrdwatch.crawler.database import database_of
from yrdwatch.crawler.items import PageItem
from yrdwatch.db.store import content_hash
from yrdwatch.crawler.signals import crawl_error, crawl_skipped
from yrdwatch.crawler.sources import Source, host_in_domains


# A 304 is only a hint: some servers answer it whatever changed, so a listing or feed is fetched in
# full (and its content hash compared) at least this often.
FULL_FETCH_EVERY = timedelta(hours=24)
# An article that answered 404/410 is not asked for again for this long.
GONE_FOR = timedelta(days=7)
# A page judged not to be an article (a hub, a profile …: extract.pagekind) is not asked for again
# for this long; then it is read again, in case the site reused the address or the page changed.
RECHECK_AFTER = timedelta(days=30)
# The callback that reads a source's first head, by the source's kind.
HEAD_PARSERS = {"listing": "parse_listing", "feed": "parse_feed", "sitemap": "parse_sitemap"}
# What a request hands on to the requests it leads to: its source and, on a cluster worker, its crawl batch.
CONTEXT_KEYS = ("source", "batch")


def _header(response, name: str) -> str | None:
    return response.headers.get(name, b"").decode("latin-1") or None


def url_key(url: str) -> str:
    """What makes two URLs one page: canonical form with the http/https difference folded."""
    return schemeless(canonical_url(url))


def schemeless(canonical: str) -> str:
    return canonical.split("://", 1)[-1]


def context_of(meta: dict) -> dict:
    return {key: meta[key] for key in CONTEXT_KEYS if key in meta}


def is_gone(seen: dict, now: datetime) -> bool:
    """Whether a page last answered 404/410 recently enough not to be asked for again."""
    return seen.get("last_status") in (404, 410) and now - datetime.fromisoformat(seen["last_seen"]) < GONE_FOR


def is_judged_not_article(seen: dict, now: datetime) -> bool:
    """Whether a page was read and judged not to be an article recently enough not to be asked for again."""
    return bool(seen.get("verdict")) and now - datetime.fromisoformat(seen["verdict_at"]) < RECHECK_AFTER


def rests(seen: dict, now: datetime) -> bool:
    """Whether a page that is no stored article is left alone for now: gone lately, or no article."""
    return is_gone(seen, now) or is_judged_not_article(seen, now)


def source_of(spider, request) -> Source | None:
    """The source a request belongs to (None for robots.txt on a worker, which serves many)."""
    if hasattr(spider, "source_for"):
        return spider.source_for(request.meta)
    return getattr(spider, "source", None)


@dataclass(frozen=True)
class Limits:
    """The work one source run may do (settings ``YRDWATCH_MAX_*``, defaults in crawler.settings)."""
    requests: int
    links_per_page: int
    feed_items: int
    sitemap_depth: int
    sitemap_bytes: int

    @classmethod
    def from_settings(cls, settings) -> "Limits":
        return cls(*(settings.getint(f"YRDWATCH_MAX_{name}") for name in
                     ("REQUESTS", "LINKS_PER_PAGE", "FEED_ITEMS", "SITEMAP_DEPTH", "SITEMAP_BYTES")))


def sitemap_body(body: bytes, max_bytes: int) -> bytes:
    """The XML of a sitemap, unzipped when it is a ``.xml.gz`` (gzip magic bytes), at most
    ``max_bytes`` unzipped; ValueError with the reason when it cannot be read."""
    if body[:2] != b"\x1f\x8b":
        return body
    try:
        return gunzip(body, max_size=max_bytes)
    except (OSError, EOFError, zlib.error) as err:
        raise ValueError(f"broken gzip data ({err})") from None
    except ValueError:  # Scrapy's size cap
        raise ValueError(f"larger than {max_bytes} bytes unzipped") from None


def _pattern(source: Source) -> re.Pattern | None:
    return re.compile(source.article_url_pattern) if source.article_url_pattern else None


class NewsSpider(scrapy.Spider):
    """Heads → article links → article items, for the source each request names.

    Subclasses provide ``source_for(meta)`` and what the crawl knows: ``head_validators(url)``
    (the last answer of a head), ``known(canonicals)`` (stored or gone lately),
    ``first_request(key, meta)`` (not asked for yet in this crawl), and record what it learns with
    ``page_seen(source, url, status, meta)`` and ``head_fetched(source, meta, record)``.
    """

    # Article requests skip Scrapy's duplicate filter: each URL is asked for once per crawl anyway
    # (``first_request``), and a redirect loop must fail loudly instead of vanishing as a duplicate.
    article_dont_filter = True

    @property
    def limits(self) -> Limits:
        if "_limits" not in self.__dict__:
            self._limits = Limits.from_settings(self.crawler.settings)
            self._issued: Counter = Counter()  # requests made, by source
            self._limits_hit: set[tuple[str, str]] = set()
            self._sitemaps_read: set[tuple[str, str]] = set()  # (source, url key): each read once a run
        return self._limits

    def limit_hit(self, context: dict, url: str, what: str) -> None:
        """Record a cap of this run (once per source and cap): a fetch_errors row of stage
        ``limit``, and a warning in the log."""
        self.limits  # noqa: B018 - makes the run's bookkeeping
        if (context["source"], what.split(":")[0]) in self._limits_hit:
            return
        self._limits_hit.add((context["source"], what.split(":")[0]))
        self.logger.warning("source %s: %s (%s)", context["source"], what, url)
        self.crawler.signals.send_catch_log(crawl_error, url=url, reason=what, stage="limit", meta=context)

    def within_budget(self, url: str, context: dict) -> bool:
        """Whether the source may make one more request in this run (counted when it may)."""
        limits = self.limits
        if self._issued[context["source"]] >= limits.requests:
            self.limit_hit(context, url, f"requests cap: {limits.requests} requests in one run "
                                         "(YRDWATCH_MAX_REQUESTS); the rest waits for the next run")
            return False
        self._issued[context["source"]] += 1
        return True

    def capped_links(self, urls: list[str], response) -> list[str]:
        cap = self.limits.links_per_page
        if len(urls) > cap:
            self.limit_hit(context_of(response.meta), response.url,
                           f"links cap: {len(urls)} article links on one page, the first {cap} taken "
                           "(YRDWATCH_MAX_LINKS_PER_PAGE)")
        return urls[:cap]

    def start_request(self, source: Source, url: str, context: dict):
        """The request for one of the source's start URLs, read as the source's kind says."""
        first_meta = {"listing_page": 1} if source.kind == "listing" else {}
        return self.head_request(url, HEAD_PARSERS[source.kind], context, **first_meta)

    def offsite(self, url: str, context: dict) -> bool:
        """Whether ``url`` is outside its source's ``allowed_domains`` (then recorded as skipped)."""
        if host_in_domains(url, self.source_for(context).allowed_domains):
            return False
        self.crawler.signals.send_catch_log(crawl_skipped, url=url, reason="offsite: outside allowed_domains",
                                            meta=context)
        return True

    def head_request(self, url: str, parser: str, context: dict, **meta):
        """A listing/feed/sitemap request, conditional on the last answer's validators while the
        last full fetch is recent; a 304 reaches ``_head_received`` instead of the error path."""
        if self.offsite(url, context) or not self.within_budget(url, context):
            return None
        headers = {}
        seen = self.head_validators(url)
        if seen and seen["full_fetched_at"] and (
                datetime.now(timezone.utc) - datetime.fromisoformat(seen["full_fetched_at"]) < FULL_FETCH_EVERY):
            if seen["etag"]:
                headers["If-None-Match"] = seen["etag"]
            if seen["last_modified"]:
                headers["If-Modified-Since"] = seen["last_modified"]
        return scrapy.Request(url, callback=self._head_received, errback=self.on_error, headers=headers,
                              dont_filter=True,
                              meta={"handle_httpstatus_list": [304], "parse_head": parser, **context, **meta})

    def _head_received(self, response):
        source = self.source_for(response.meta)
        if response.status == 304:
            self.crawler.stats.inc_value("yrdwatch/not_modified")
            self.page_seen(source, canonical_url(response.url), 304, response.meta)
            return
        digest = content_hash(response.body)
        seen = self.head_validators(response.url)
        if seen and seen["last_status"] == 304 and seen["content_hash"] != digest:
            self.logger.warning("%s answered 304 while it had changed: its validators are not trusted", response.url)
        # The validators are kept only once the crawl finishes: after a crash, the next crawl must
        # read this page in full again, or the articles it lists but we never fetched are lost.
        self.head_fetched(source, response.meta, (canonical_url(response.url), response.status,
                                                  _header(response, "ETag"), _header(response, "Last-Modified"), digest))
        yield from getattr(self, response.meta["parse_head"])(response)

    def fresh_articles(self, urls: list[str]) -> list[tuple[str, str]]:
        """``(url, canonical)`` of the links not stored yet nor gone lately, asked in one lookup
        for all of a page's links."""
        first_links: dict[str, str] = {}
        for url in urls:
            first_links.setdefault(canonical_url(url), url)
        known = self.known(list(first_links))
        self.crawler.stats.inc_value("yrdwatch/known_articles", len(known))
        return [(url, canonical) for canonical, url in first_links.items() if canonical not in known]

    def article_request(self, url: str, canonical: str, response):
        """A request for a fresh article link, or None when it was asked for in this crawl
        already or is off-site."""
        context = context_of(response.meta)
        if not self.first_request(schemeless(canonical), context):
            self.crawler.stats.inc_value("yrdwatch/known_articles")
            return None
        if self.offsite(url, context) or not self.within_budget(url, context):
            return None
        return scrapy.Request(url, callback=self.parse_article, errback=self.on_error,
                              dont_filter=self.article_dont_filter, meta={"article": True, **context})

    def lost_article_request(self, url: str, context: dict):
        """A request for an article an earlier crawl fetched but could not store (asked for
        directly, whatever its listing answers), or None when this crawl asked for it already."""
        if not self.first_request(schemeless(url), context):
            return None
        self.crawler.stats.inc_value("yrdwatch/lost_articles_refetched")
        return scrapy.Request(url, callback=self.parse_article, errback=self.on_error,
                              dont_filter=self.article_dont_filter, meta={"article": True, **context})

    def article_requests(self, urls: list[str], response):
        for url, canonical in self.fresh_articles(urls):
            if request := self.article_request(url, canonical, response):
                yield request

    def parse_article(self, response):
        yield PageItem(source=self.source_for(response.meta).name, url=canonical_url(response.url),
                       status=response.status, body=response.body, content_type=_header(response, "Content-Type"),
                       etag=_header(response, "ETag"), last_modified=_header(response, "Last-Modified"))

    def on_error(self, failure):
        request = failure.request
        if type(failure.value) is IgnoreRequest and _NOT_FETCHED_ON_PURPOSE.search(str(failure.value)):
            self.crawler.signals.send_catch_log(crawl_skipped, url=request.url, reason=str(failure.value),
                                                meta=request.meta)
            return
        if failure.check(HttpError) and request.meta.get("article"):
            self.page_seen(self.source_for(request.meta), canonical_url(request.url),
                           failure.value.response.status, request.meta)
        self.crawler.signals.send_catch_log(crawl_error, url=request.url, reason=describe_failure(failure),
                                            meta=request.meta)

    def parse_listing(self, response):
        """Column listing pages: article links on each page, then the next page up to
        ``max_pages`` — unless the page held only articles already stored (listings are newest first)."""
        source = self.source_for(response.meta)
        articles, next_pages = listing_links(response.text, response.url, _pattern(source))
        articles = self.capped_links(articles, response)
        fresh = self.fresh_articles(articles)
        for url, canonical in fresh:
            if request := self.article_request(url, canonical, response):
                yield request
        page = response.meta["listing_page"]
        if articles and not fresh:
            self.crawler.stats.inc_value("yrdwatch/pagination_stopped")
            return
        if page < source.max_pages:
            for url in next_pages:
                if request := self.head_request(url, "parse_listing", context_of(response.meta), listing_page=page + 1):
                    yield request

    def parse_feed(self, response):
        """RSS or Atom feeds, parsed by feedparser; every entry link is a candidate (the page decides)."""
        pattern = _pattern(self.source_for(response.meta))
        feed = feedparser.parse(response.body)
        if feed.bozo and not feed.entries:
            self.crawler.signals.send_catch_log(crawl_error, url=response.url, meta=response.meta,
                                                reason=f"unreadable feed: {feed.bozo_exception}")
            return
        entries = feed.entries
        if len(entries) > self.limits.feed_items:
            self.limit_hit(context_of(response.meta), response.url,
                           f"feed items cap: {len(entries)} entries, the first {self.limits.feed_items} taken "
                           "(YRDWATCH_MAX_FEED_ITEMS)")
            entries = entries[:self.limits.feed_items]
        links = [response.urljoin(link) for entry in entries if (link := entry.get("link"))]
        yield from self.article_requests(candidates(links, pattern), response)

    def sitemap_request(self, url: str, response, depth: int):
        """A nested sitemap (from an index or robots.txt), unless it was read in this run already
        (an index that lists itself, or two that list each other) or lies below the depth cap."""
        context = context_of(response.meta)
        key = (context["source"], url_key(url))
        if key in self._sitemaps_read:
            self.crawler.stats.inc_value("yrdwatch/sitemap_repeats")
            self.limit_hit(context, url, "sitemap repeat: a sitemap index lists a sitemap read in this run already, "
                                         "not read again")
            return None
        if depth > self.limits.sitemap_depth:
            self.limit_hit(context, url, f"sitemap depth cap: sitemap indexes nested more than "
                                         f"{self.limits.sitemap_depth} deep (YRDWATCH_MAX_SITEMAP_DEPTH)")
            return None
        self._sitemaps_read.add(key)
        return self.head_request(url, "parse_sitemap", context, sitemap_depth=depth)

    def parse_sitemap(self, response):
        """sitemap.xml, sitemap.xml.gz (or robots.txt naming sitemaps); nested sitemap indexes are
        followed, each sitemap once a run and at most ``YRDWATCH_MAX_SITEMAP_DEPTH`` deep."""
        context, limits = context_of(response.meta), self.limits
        depth = response.meta.get("sitemap_depth", 0)
        self._sitemaps_read.add((context["source"], url_key(response.url)))
        if response.url.endswith("/robots.txt"):
            for url in sitemap_urls_from_robots(response.text, base_url=response.url):
                if request := self.sitemap_request(url, response, depth + 1):
                    yield request
            return
        try:
            sitemap = Sitemap(sitemap_body(response.body, limits.sitemap_bytes))
            if sitemap.type not in ("urlset", "sitemapindex"):
                raise ValueError(f"not a sitemap: its root element is <{sitemap.type}>")
        except Exception as err:  # lxml raises several types on broken XML
            self.crawler.signals.send_catch_log(crawl_error, url=response.url, reason=f"unreadable sitemap: {err}",
                                                meta=response.meta)
            return
        locs = []
        for entry in sitemap:
            loc = entry.get("loc")
            if not loc:
                continue
            if sitemap.type == "sitemapindex":
                if request := self.sitemap_request(loc, response, depth + 1):
                    yield request
            else:
                locs.append(loc)
        # Every page the sitemap lists is a candidate (the page decides), article-shaped ones first.
        articles = candidates(locs, _pattern(self.source_for(context)))
        yield from self.article_requests(self.capped_links(articles, response), response)


class SourceSpider(NewsSpider):
    """One source of a local crawl (all chosen sources crawl at once, one spider each), with the
    knowledge of earlier crawls read from the SQLite database."""

    def __init__(self, source: Source, **kwargs):
        super().__init__(name=source.name, **kwargs)
        self.source = source
        self.allowed_domains = list(source.allowed_domains)
        self.resting: set[str] = set()  # url keys of pages gone lately or judged no article lately
        self.seen: dict[str, dict] = {}
        self.requested: set[str] = set()
        self.pending_heads: list[tuple] = []

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        if spider.source.download_delay is not None:
            # The source's own floor is its crawler's DOWNLOAD_DELAY (the settings are frozen only
            # after the spider is made): AutoThrottle and crawler.throttle.PoliteDelays read it there.
            # At "cmdline" priority, as the config's min_delay arrives (crawler.process --set): the
            # source's delay overrides that floor, as the README says, in a crawl started by the CLI.
            crawler.settings.set("DOWNLOAD_DELAY", spider.source.download_delay, priority="cmdline")
        return spider

    @property
    def store(self):
        """The crawl's store, which the crawler hands round (``yrdwatch.crawler.database``)."""
        return database_of(self.crawler).store

    def source_for(self, meta: dict) -> Source:
        return self.source

    async def start(self):
        now = datetime.now(timezone.utc)
        self.seen = {url_key(url): row for url, row in self.store.pages_seen_of(self.source.name).items()}
        # not asked for again for now: gone this week, or judged no article this month
        self.resting = {key for key, row in self.seen.items() if rests(row, now)}
        for url in self.source.start_urls:
            if request := self.start_request(self.source, url, {"source": self.source.name}):
                yield request

    def head_validators(self, url: str) -> dict | None:
        return self.seen.get(url_key(url))

    def known(self, canonicals: list[str]) -> set[str]:
        """Stored already (asked of the database: an index lookup per link, not a set of every
        URL held in memory), gone lately or judged no article lately."""
        return {c for c in canonicals if schemeless(c) in self.resting or self.store.is_stored(c)}

    def first_request(self, key: str, meta: dict) -> bool:
        if key in self.requested:
            return False
        self.requested.add(key)
        return True

    def page_seen(self, source: Source, url: str, status: int, meta: dict) -> None:
        self.store.mark_seen(url, source.name, status)

    def head_fetched(self, source: Source, meta: dict, record: tuple) -> None:
        self.pending_heads.append(record)

    def closed(self, reason):
        if reason == "finished":
            for url, status, etag, last_modified, digest in self.pending_heads:
                self.store.mark_seen(url, self.source.name, status, etag=etag, last_modified=last_modified, digest=digest)


# A plain IgnoreRequest means "not fetched on purpose" for robots.txt and off-site links, but Scrapy
# also raises it for a redirect loop or a page over the size cap: those are errors. So are the
# refusals of the network policy (crawler.middlewares.RefusedByPolicy, a subclass).
_NOT_FETCHED_ON_PURPOSE = re.compile(r"robots\.txt|offsite|allowed_domains", re.I)

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
