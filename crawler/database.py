"""The crawl's database: the SQLite store and its near-duplicate index, handed round by the crawler.

One ``CrawlDatabase`` per database file and process: every spider of a crawl (several sources run
at once, one crawler each) must see the articles the others just stored, or simultaneous reprints
are missed. Whoever runs the crawl opens it and gives it to each of its crawlers
(``yrdwatch.crawler.process``: ``crawler.database = …`` before ``crawl``); spiders, pipelines, the run
recorder and the refetch middleware take it with ``database_of(crawler)``, which opens one from
the settings (``YRDWATCH_DB``, ``YRDWATCH_DEDUP_*``) for a crawler that was given none.
``ingest``, ``reprocess`` and the cluster's store open their own and pass it to the stages.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from yrdwatch.db.bands import SQLiteBandIndex
from yrdwatch.db.store import Store
from yrdwatch.extract.dedup import HASHING, Deduplicator, datasketch_index, signature, signature_from_bytes, signature_to_bytes
from yrdwatch.extract.normalize import analysis_text


class CrawlDatabase:
    """``store`` (the one writer of the SQLite file) and ``dedup`` (made on first use: at start it
    may re-sign stored articles and fill the index)."""

    def __init__(self, path, threshold: float, index: str = "sqlite"):
        self.path = str(path)
        self.threshold = threshold
        self.index = index or "sqlite"
        self.store = Store(self.path)
        self._dedup: Deduplicator | None = None

    @classmethod
    def from_settings(cls, settings) -> "CrawlDatabase":
        return cls(settings.get("YRDWATCH_DB"), settings.getfloat("YRDWATCH_DEDUP_THRESHOLD"),
                   settings.get("YRDWATCH_DEDUP_INDEX") or "sqlite")

    @property
    def dedup(self) -> Deduplicator:
        if self._dedup is None:
            self._dedup = near_duplicate_index(self.store, self.threshold, self.index)
        return self._dedup


def database_of(crawler) -> CrawlDatabase:
    """The database the crawler was given, or one opened from its settings (then kept on it)."""
    if getattr(crawler, "database", None) is None:
        crawler.database = CrawlDatabase.from_settings(crawler.settings)
    return crawler.database


def near_duplicate_index(store: Store, threshold: float, index: str = "sqlite") -> Deduplicator:
    """The near-duplicate index of a database. ``index`` is where its LSH bands live:
    ``sqlite`` (a table beside the articles: nothing to rebuild), ``memory`` (datasketch, rebuilt
    from the stored signatures at start) or a ``redis://`` URL (datasketch's Redis storage,
    shared by processes, filled from SQLite when empty)."""
    resigned = store.meta("hashing") != HASHING
    if resigned:
        # Signatures made another way cannot be compared with new ones: re-sign from stored text.
        store.resign(lambda text: signature_to_bytes(signature(analysis_text(text))))
        store.save_meta({"hashing": HASHING})
    if index == "sqlite":
        lsh = SQLiteBandIndex(store.db.conn, threshold)
        if resigned or store.meta("bands") != lsh.params:
            lsh.clear()  # bands of old signatures or old parameters: made again below
            store.save_meta({"bands": lsh.params})
    elif index.startswith("redis://"):
        lsh = datasketch_index(threshold, redis=redis_connection(index))
    else:
        lsh = datasketch_index(threshold)
    store.save_meta({"threshold": threshold, "backend": index.split("://")[0]})

    def lookup(url: str):
        blob = store.signature_of(url)
        return signature_from_bytes(blob) if blob else None

    dedup = Deduplicator(threshold=threshold, lookup=lookup, index=lsh)
    if dedup.is_empty():
        dedup.add_many((url, signature_from_bytes(blob)) for url, blob in store.signatures())
    return dedup


def redis_connection(url: str) -> dict:
    parts = urlsplit(url)
    credentials = {"username": parts.username or None, "password": parts.password} if parts.password else {}
    return {"host": parts.hostname or "127.0.0.1", "port": parts.port or 6379, "db": int(parts.path.strip("/") or 0),
            **credentials}
