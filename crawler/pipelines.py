"""Item pipelines: read the page, find near-duplicates, store. Each stage is small and plain.

An item is a ``yrdwatch.crawler.items.PageItem`` (what was fetched); the stages add ``article``, then
``signature``/``duplicate_of``/``similarity``/``supersedes``, then ``stored``. The same
stages serve ``yrdwatch ingest`` through ``process_offline``, so a file and a crawled page take
exactly one path into the database.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
import time
from concurrent.futures import Future

from scrapy.exceptions import DropItem

from yrdwatch.crawler.database import CrawlDatabase, database_of
from yrdwatch.crawler.items import PageItem
from yrdwatch.db.store import Store, content_hash
from yrdwatch.extract.article import article_from_bytes
from yrdwatch.extract.dedup import signature, signature_from_bytes, signature_to_bytes
from yrdwatch.extract.page import NotAnArticle, PageError
from yrdwatch.extract.pagekind import Verdict

log = logging.getLogger(__name__)


class _DatabaseStage:
    """A stage that reads or writes the crawl's database, which the crawler hands it
    (``yrdwatch.crawler.database.database_of``)."""

    def __init__(self, database: CrawlDatabase):
        self.database = database

    @classmethod
    def from_crawler(cls, crawler):
        return cls(database_of(crawler))

    @property
    def store(self) -> Store:
        return self.database.store


class _Reader:
    """One daemon thread that reads pages in turn. Not a ``ThreadPoolExecutor``: its threads are
    joined when the process exits, so a thread stuck on a page would hold the crawl process open."""

    def __init__(self):
        self.jobs: queue.SimpleQueue = queue.SimpleQueue()
        threading.Thread(target=self._work, name="yrdwatch-extract", daemon=True).start()

    def submit(self, fn, *args) -> Future:
        future = Future()
        self.jobs.put((future, fn, args))
        return future

    def _work(self):
        while (job := self.jobs.get()) is not None:
            future, fn, args = job
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(fn(*args))
                except BaseException as err:  # handed to the caller, as an executor does
                    future.set_exception(err)

    def abandon(self):
        """Cancel the jobs still queued (their callers submit them again) and end after the current one."""
        with contextlib.suppress(queue.Empty):
            while True:
                self.jobs.get_nowait()[0].cancel()
        self.jobs.put(None)


_readers: list[_Reader] = []  # the current reader last


def _reader() -> _Reader:
    """The thread that reads the pages of this process (one page at a time)."""
    if not _readers:
        _readers.append(_Reader())
    return _readers[-1]


def _replace_reader(stuck: _Reader) -> None:
    """Give up on a reader that is stuck on a page: later pages go to a fresh thread, and pages
    still queued in the stuck one are handed back (cancelled before they start), to be resubmitted.
    A Python thread cannot be killed, so the stuck page reads on to its end, its result unused;
    ``yrdwatch.extract.article.ANALYSED_CHARS`` keeps that end near (seconds for a 5 MB page), so few such
    threads ever run at once, and being daemon threads they never delay the process's exit."""
    if _readers and _readers[-1] is stuck:
        _readers.pop()
        stuck.abandon()


class NotArticleDrop(DropItem):
    """A page read in full and judged not to be an article: not an error, a verdict to remember
    (``RunRecorder`` and the cluster worker record it in ``pages_seen``)."""

    def __init__(self, message: str, verdict: Verdict):
        super().__init__(message, log_level="INFO")
        self.verdict = verdict


class ExtractPipeline:
    """Page bytes → ``Article`` (page, analysis text, announcements). Unreadable pages are dropped
    with their reason, which the run record keeps.

    In a crawl a page is read off the reactor's thread (one page at a time, in one thread): the
    extractor is pure, so the downloads go on while it works, instead of waiting for it (the
    reading was as long as the downloads, and they added up: ``benchmarks/crawl_bench.py``)."""

    def open_spider(self):
        # The search index's word cutter loads jieba's dictionary (1-2 s) on the first store, on the
        # reactor's thread; loaded here, in the reader's thread, before the first page is read, it
        # is ready when that page reaches the store, and the downloads never wait for it.
        from yrdwatch.db.search import tokenizer

        _reader().submit(tokenizer)

    def __init__(self, timeout: float | None = None):
        self.timeout = timeout  # seconds one page may take to read; None: no budget (ingest)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getfloat("YRDWATCH_EXTRACT_TIMEOUT") or None)

    async def process_item(self, item):
        """The page read in the reader thread, within ``timeout`` seconds counted from the moment
        its reading starts (not while it waits behind other pages): a page over budget is dropped
        as an ``extract`` error and the reader replaced, so the crawl goes on instead of stalling."""
        loop = asyncio.get_running_loop()
        while True:
            reader, started, span = _reader(), asyncio.Event(), []  # span: start and end, read's clock

            def read():
                span.append(time.monotonic())
                loop.call_soon_threadsafe(started.set)
                try:
                    return self.read(item)
                finally:
                    span.append(time.monotonic())

            reading = asyncio.wrap_future(reader.submit(read))
            waiting = asyncio.ensure_future(started.wait())
            await asyncio.wait({reading, waiting}, return_when=asyncio.FIRST_COMPLETED)
            waiting.cancel()
            if not reading.cancelled():
                break  # else the reader was replaced while this page waited in its queue: submit again
        if self.timeout is None:
            return await reading
        try:
            await asyncio.wait_for(asyncio.shield(reading), max(0.0, self.timeout - (time.monotonic() - span[0])))
        except asyncio.TimeoutError:
            _replace_reader(reader)
            raise self._over_budget(item) from None
        if span[1] - span[0] > self.timeout:  # done, but after its budget (the reactor was busy meanwhile)
            raise self._over_budget(item)
        return reading.result()

    def _over_budget(self, item: PageItem) -> DropItem:
        log.warning("reading %s took longer than %g s: given up, the crawl goes on", item.url, self.timeout)
        return DropItem(f"extraction took longer than {self.timeout:g} s")

    def read(self, item: PageItem) -> PageItem:
        try:
            item.article = article_from_bytes(item.body, url=item.url, content_type=item.content_type)
        except NotAnArticle as err:
            raise NotArticleDrop(str(err), err.verdict) from None
        except PageError as err:
            raise DropItem(str(err)) from None
        except Exception as err:  # an extractor bug must cost one page, not the crawl
            log.exception("extraction failed for %s", item.url)
            raise DropItem(f"extraction failed: {type(err).__name__}: {err}") from None
        return item


class DedupPipeline(_DatabaseStage):
    """MinHash signature, and the stored article this one nearly duplicates (if any).

    The original of a story is its earliest-published copy: when a reprint was stored first and
    the original arrives later, the original takes over (``supersedes``) and the copies point to it.
    """

    def process_item(self, item: PageItem) -> PageItem:
        index = self.database.dedup
        # A cluster worker signs the article where it was read; the store only decides.
        sig = signature_from_bytes(item.signature) if item.signature else signature(item.article.analysis_text)
        match = index.check(sig, exclude=item.url)
        item.signature, item.duplicate_of, item.similarity, item.supersedes = signature_to_bytes(sig), None, None, None
        root = self.store.duplicate_root(match.key) if match else None
        if root and root != item.url:  # an original re-read finds its own copies: not a duplicate
            item.similarity = match.similarity
            if _published_before(item.article.page.published_at, self.store.published_at(root)):
                item.supersedes = root
            else:
                item.duplicate_of = root
        index.add(item.url, sig)
        return item


def _published_before(ours: str | None, theirs: str | None) -> bool:
    return bool(ours and theirs) and ours[:19] < theirs[:19]


class StorePipeline(_DatabaseStage):
    """Idempotent upsert of the article, its announcements and projects; the page marked seen."""

    def process_item(self, item: PageItem) -> PageItem:
        item.stored = self.store.save_article(
            item.url, item.source, item.article, signature=item.signature, duplicate_of=item.duplicate_of,
            similarity=item.similarity, raw=item.body, content_type=item.content_type, force=item.force,
        )
        if item.supersedes:
            self.store.make_original(item.url, item.supersedes, item.similarity)
        self.store.mark_seen(item.url, item.source, item.status, etag=item.etag,
                             last_modified=item.last_modified, digest=content_hash(item.body))
        return item


def process_offline(item: PageItem, database: CrawlDatabase) -> PageItem:
    """Run one item through the same stages as a crawl, without Scrapy's engine (for ingest)."""
    item = ExtractPipeline().read(item)
    for stage in (DedupPipeline(database), StorePipeline(database)):
        item = stage.process_item(item)
    return item
