"""The crawl item: one fetched article page on its way through the pipeline stages.

A spider (``NewsSpider.parse_article``), ``yrdwatch ingest`` and ``yrdwatch reprocess`` make a
``PageItem`` with what was fetched; ``ExtractPipeline`` adds the ``article``, ``DedupPipeline`` the
``signature`` and the near-duplicate fields, ``StorePipeline`` what became of the row (``stored``).
Scrapy handles dataclass items through itemadapter. Where an item leaves the process (a cluster
worker's message to the store, through Redis) it is written and read by ``to_message`` and
``from_message``, field by field, never pickled.
"""
from __future__ import annotations

import base64
import json
import zlib
from dataclasses import asdict, dataclass, field

from yrdwatch.extract.models import Announcement, Article, Page, Project


@dataclass
class PageItem:
    source: str | None
    """Name of the source the page belongs to (``seeds/*.toml``); None for ``ingest`` without ``--source``."""
    url: str
    """Canonical URL of the page (``yrdwatch.crawler.links.canonical_url``), or the ``file://`` URL of an ingested file: the article's key."""
    body: bytes
    """The page's bytes as the server sent them (decoded by ``yrdwatch.extract.decode``, kept compressed in ``raw_pages``)."""
    status: int = 200
    """HTTP status of the answer that carried the body (200 for a file)."""
    content_type: str | None = None
    """The answer's Content-Type header (or the type guessed from a file's name): a charset hint."""
    etag: str | None = None
    """The answer's ETag header, kept in ``pages_seen``."""
    last_modified: str | None = None
    """The answer's Last-Modified header, kept in ``pages_seen``."""
    force: bool = False
    """Rewrite the stored article even when its text is unchanged (``reprocess`` after an extractor upgrade)."""
    article: Article | None = None
    """What the extractor read from the body (``ExtractPipeline``)."""
    signature: bytes | None = None
    """MinHash signature of the article's analysis text, serialised (``yrdwatch.extract.dedup.signature_to_bytes``):
    made by a cluster worker where it read the page, else by ``DedupPipeline``."""
    duplicate_of: str | None = None
    """URL of the stored original this page nearly duplicates (``DedupPipeline``), None for an original."""
    similarity: float | None = None
    """Jaccard estimate against that original, or against the copy this page supersedes."""
    supersedes: str | None = None
    """URL of a stored copy that this earlier-published page replaces as the story's original."""
    stored: str | None = None
    """What the store did with the row: "new", "updated" or "unchanged" (``StorePipeline``)."""
    request_meta: dict = field(default_factory=dict, repr=False, compare=False)
    """On a cluster worker, the meta of the request that fetched the page: ``PushPipeline`` finishes
    that request with the item's message. Not sent to the store."""

    def to_message(self, batch: str) -> str:
        """The item as a cluster worker sends it to the store (JSON): what was fetched, the article
        as extracted, its signature, the body compressed (kept for re-extraction)."""
        if self.article is None or self.signature is None:
            raise ValueError(f"{self.url}: only an extracted and signed item is sent to the store")
        return json.dumps({
            "type": "article", "batch": batch, "source": self.source, "url": self.url, "status": self.status,
            "content_type": self.content_type, "etag": self.etag, "last_modified": self.last_modified,
            "body": _b64(zlib.compress(self.body)), "signature": _b64(self.signature), "article": asdict(self.article),
        }, ensure_ascii=False)

    @classmethod
    def from_message(cls, message: dict) -> "PageItem":
        """The item a local crawl's pipeline holds after extraction, from an article message."""
        return cls(source=message["source"], url=message["url"], status=message["status"],
                   content_type=message["content_type"], etag=message["etag"], last_modified=message["last_modified"],
                   body=zlib.decompress(base64.b64decode(message["body"])),
                   signature=base64.b64decode(message["signature"]), article=article_from_dict(message["article"]))


def article_from_dict(data: dict) -> Article:
    """An ``Article`` from its ``dataclasses.asdict`` form (the nested dataclasses rebuilt)."""
    announcements = [Announcement(**{**a, "projects": [Project(**p) for p in a["projects"]]})
                     for a in data["announcements"]]
    return Article(page=Page(**data["page"]), analysis_text=data["analysis_text"], announcements=announcements)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
