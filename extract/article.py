"""The one path from a page to an ``Article``: read, normalise, find announcements.

``yrdwatch extract``, ``yrdwatch ingest`` and the crawler's item pipeline all call these two
functions, so a page gives the same result whichever way it arrives.
"""
from __future__ import annotations

from pathlib import Path

from extract.announce import announcements_from_text
from extract.decode import decode_html
from extract.models import Article, Page
from extract.normalize import analysis_text
from extract.page import read_html, read_text

HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml"}


def article_from_page(page: Page) -> Article:
    analysis = analysis_text(page.text)
    title = analysis_text(page.title) if page.title else None
    return Article(
        page=page,
        analysis_text=analysis,
        announcements=announcements_from_text(analysis, title=title, published_at=page.published_at),
    )


def article_from_html(raw: bytes | str, url: str | None = None, content_type: str | None = None) -> Article:
    return article_from_page(read_html(raw, url=url, content_type=content_type))


def article_from_file(path: str | Path) -> Article:
    """A saved page: HTML by suffix or by content sniffing, plain text otherwise."""
    path = Path(path)
    raw = path.read_bytes()
    head = raw[:2048].lstrip().lower()
    if path.suffix.lower() in HTML_SUFFIXES or head.startswith((b"<!doctype", b"<html", b"<?xml", b"<text")):
        return article_from_html(raw, url=path.resolve().as_uri())
    text, _ = decode_html(raw)  # text files get the same bytes-first decoding as pages
    return article_from_page(read_text(text))
