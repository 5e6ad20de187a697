"""Articles that were fetched but could not be stored are asked for again by the next crawls.

Such an article is a ``fetch_errors`` row of stage ``store`` (``yrdwatch.crawler.extensions.RunRecorder``).
Its listing cannot be trusted to lead to it again: the listing may answer 304 the next day (its
validators were kept when the run finished), or list it on a page the crawl no longer reaches.
So each run of the source requests these URLs directly, before its heads, for
``yrdwatch.db.store.LOST_RETRY_DAYS``; a stored article leaves the list by being stored. A
cluster crawl does the same through its start URLs (``yrdwatch.crawler.cluster.feed_crawl``).
"""
from __future__ import annotations

from yrdwatch.db.store import lost_articles


class RefetchLostArticles:
    """Spider middleware: the source's lost articles first, then the spider's own start requests."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_start(self, start):
        spider = self.crawler.spider
        source = getattr(spider, "source", None)  # a cluster worker serves many sources: its feeder sends them
        if source is not None:
            for url in lost_articles(spider.store.db.conn, source.name):
                if request := spider.lost_article_request(url, {"source": source.name}):
                    yield request
        async for request in start:
            yield request
