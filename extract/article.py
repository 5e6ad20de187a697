"""The one path from a page to an ``Article``: read, normalise, find announcements.

``yrdwatch extract``, ``yrdwatch ingest`` and the crawler's item pipeline all call
``article_from_bytes``, so a page gives the same result whichever way it arrives.
"""
from __future__ import annotations

import mimetypes
import re
from pathlib import Path

from yrdwatch.extract.announce import announcements_from_text
from yrdwatch.extract.decide import Model, decide, default_model, read_candidates
from yrdwatch.extract.decode import decode_html, looks_binary
from yrdwatch.extract.models import Announcement, Article, Page
from yrdwatch.extract.normalize import analysis_text
from yrdwatch.extract.page import PageError, read_html, read_text

_MARKUP = re.compile(rb"<(?:!doctype|html|head|body|div|p|meta|title|text)[\s>/]", re.I)


_SHIPPED = object()

# How much of a page's text the rules and the candidates read. The head of a page carries its
# announcement, and their cost grows faster than the text (names are compared pairwise, every
# name span is a candidate): unbounded, 1 MB of text took seconds and 10 MB minutes, so one huge
# page could stall a crawl. The longest real article of the corpora (corpus/articles, the shared
# corpus and seeds) is about 3,000 characters; 60,000 is twenty times that, and the golden
# outputs are unchanged by it. Only the reading is capped: the stored text stays whole.
ANALYSED_CHARS = 60_000


def analysed_part(analysis: str) -> str:
    """The head of an analysis text that the rules read: at most ``ANALYSED_CHARS`` characters,
    ended at a line break when one falls in the second half (no sentence cut in two)."""
    if len(analysis) <= ANALYSED_CHARS:
        return analysis
    head = analysis[:ANALYSED_CHARS]
    cut = head.rfind("\n")
    return head[:cut] if cut > ANALYSED_CHARS // 2 else head


def text_stage(analysis: str, title: str | None, published_at: str | None,
               model: Model | None = _SHIPPED) -> list[Announcement]:
    """The announcements of an analysis text: the rules read it, then the learned decisions
    (``model``: the shipped one by default, None for the rules alone) choose among every candidate.
    Only the text's first ``ANALYSED_CHARS`` characters are read (``analysed_part``)."""
    analysis = analysed_part(analysis)
    announcements = announcements_from_text(analysis, title=title, published_at=published_at)
    model = default_model() if model is _SHIPPED else model
    if model is not None:
        reading = read_candidates(analysis, title, published_at, announcements, page_model=model.page)
        announcements = decide(reading, model)
    return announcements


def article_from_page(page: Page, model: Model | None = _SHIPPED) -> Article:
    analysis = analysis_text(page.text)
    title = analysis_text(page.title) if page.title else None
    return Article(page=page, analysis_text=analysis,
                   announcements=text_stage(analysis, title, page.published_at, model))


def is_html(raw: bytes, content_type: str | None = None) -> bool:
    """HTML unless the server says plain text, or no markup shows in the first few kilobytes."""
    if content_type and content_type.split(";")[0].strip().lower() == "text/plain":
        return False
    return bool(_MARKUP.search(raw[:4096]))


def article_from_bytes(raw: bytes, url: str | None = None, content_type: str | None = None,
                       model: Model | None = _SHIPPED) -> Article:
    """A fetched or saved page, HTML in any encoding or plain text (binary content is refused
    here for text, by ``read_html`` for HTML)."""
    if is_html(raw, content_type):
        return article_from_page(read_html(raw, url=url, content_type=content_type), model)
    if looks_binary(raw):
        raise PageError("binary content, not an HTML page")
    text, _ = decode_html(raw)  # text files get the same bytes-first decoding as pages
    return article_from_page(read_text(text), model)


def article_from_file(path: str | Path, model: Model | None = _SHIPPED) -> Article:
    path = Path(path)
    return article_from_bytes(path.read_bytes(), url=path.resolve().as_uri(), content_type=content_type_of(path),
                              model=model)


def content_type_of(path: str | Path) -> str | None:
    return mimetypes.guess_type(str(path))[0]
