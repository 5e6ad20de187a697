"""Signals the spiders send so that ``RunRecorder`` can keep the run record (Scrapy signal objects)."""

crawl_error = object()  # kwargs: url, reason, stage — a page that should have been read and was not, or a cap hit
crawl_skipped = object()  # kwargs: url, reason — a request not made on purpose (robots.txt, off-site)
