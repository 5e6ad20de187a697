"""The main text of a page: trafilatura and readability-lxml, cleaned alike, the better one kept.

Each extractor fails on its own kind of page. trafilatura drops text written straight into a table
cell or div before the first ``<p>`` and copies layout tables row by row (menus, ad cells and all);
readability-lxml keeps the article's container whole, captions and pagers with it, and finds
nothing on pages that hide the body until a script shows it (WeChat). So readability runs where
trafilatura's output looks doubtful (``needs_second_opinion``), both go through the same Chinese
boilerplate cleaning, and the one that reads more like an article wins:
``article_score`` counts the characters of sentence-length lines and subtracts those of lines that
are not sentences. readability is taken only when it is the better article, holds most of the
sentences trafilatura found and is not much longer, so a readability that settled on a different
or a larger block (a teaser list, the article with its comment thread) cannot replace a good
extraction.

Layout tables (a table holding tables, a cell holding a whole article, a table that is mostly
links, a single row or column) are turned into plain blocks before trafilatura sees them, so that
its link-density and paragraph rules apply to them; data tables (project lists, figures) stay tables.
"""
from __future__ import annotations

import copy
import logging
from collections import Counter

import lxml.html
import trafilatura
from lxml_html_clean import Cleaner
from readability import Document
from readability.readability import REGEXES

from yrdwatch.extract.boilerplate import cut_boilerplate, is_sentence, strip_header_furniture
from yrdwatch.extract.normalize import strip_pinyin_ruby

# A table cell with this many characters (white space aside) holds running text, not data.
_LAYOUT_CELL_CHARS = 300
# A table whose text is at least this share link text is a menu or a headline list.
_LAYOUT_LINK_SHARE = 0.5
_TABLE_PARTS = ("tr", "td", "th", "tbody", "thead", "tfoot", "caption")
# Shorter sentence lines (captions, subheadings) count neither for nor against a candidate.
_MIN_SENTENCE_LINE = 30
# readability must hold this share of the character pairs of trafilatura's sentence lines ...
_MIN_AGREEMENT = 0.9
# ... and may add to trafilatura's length at most this share plus a paragraph: more than that is a
# larger container (the article with its comment thread or teaser list), not missed sentences.
_MAX_GROWTH = 0.5
_GROWTH_ALLOWANCE = 200
# readability is consulted only on doubtful trafilatura output: shorter than this (characters) ...
_SHORT_TEXT = 300
# ... or with more than this share of its characters outside sentence lines.
_DOUBTFUL_FURNITURE = 0.04
_BLOCK_TAGS = frozenset({
    "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "table", "pre", "blockquote",
    "section", "article", "ul", "ol", "dl", "dd", "dt", "figure", "figcaption", "header", "footer",
})

# readability-lxml reports every page it has to retry at INFO; a crawl of thousands is not the place.
logging.getLogger("readability.readability").setLevel(logging.ERROR)


def _chars(el) -> int:
    return sum(len("".join(t.split())) for t in el.itertext())


def is_layout_table(table) -> bool:
    """A table used for page layout, not for data: it holds tables, or a cell of running text, or
    is mostly links, or has a single row or column (data has at least two of each)."""
    if table.find(".//table") is not None:
        return True
    rows = [row for row in table.iter("tr") if next(row.iterancestors("table"), None) is table]
    if len(rows) < 2 or max(sum(1 for c in row if c.tag in ("td", "th")) for row in rows) < 2:
        return True
    if any(_chars(cell) > _LAYOUT_CELL_CHARS for cell in table.iter("td", "th")):
        return True
    total = _chars(table)
    return total > 0 and sum(_chars(a) for a in table.iter("a")) >= _LAYOUT_LINK_SHARE * total


def unwrap_layout_tables(tree) -> bool:
    """Turn the layout tables of ``tree`` into divs, in place; True if there were any. A table
    nested in a layout table is judged on its own: a data table inside a layout cell stays."""
    found = False
    for table in list(tree.iter("table")):
        if not is_layout_table(table):
            continue
        found = True
        own = [el for el in table.iter(*_TABLE_PARTS) if next(el.iterancestors("table"), None) is table]
        for el in [*own, table]:
            el.tag = "div"
    return found


def _without_layout_tables(tree):
    """The page with its layout tables unwrapped (a copy; ``tree`` itself when it has none), and
    whether it had any."""
    if not any(is_layout_table(t) for t in tree.iter("table")):
        return tree, False
    tree = copy.deepcopy(tree)
    unwrap_layout_tables(tree)
    return tree, True


def _trafilatura_text(tree, url: str | None, fast: bool) -> str:
    # trafilatura works on its own copy of a tree it is given. The fast pass favours precision:
    # readability and the full pass are there for what it leaves out, and it costs a fifth less.
    return trafilatura.extract(tree, url=url, include_comments=False, include_tables=True, fast=fast,
                               favor_precision=fast) or ""


def html_to_text(fragment) -> str:
    """Text of an HTML element, a line per block and a ``| a | b |`` line per table row."""
    lines: list[str] = []
    current: list[str] = []

    def flush():
        line = " ".join("".join(current).split())
        if line:
            lines.append(line)
        current.clear()

    def walk(el):
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in ("script", "style", "noscript"):
            current.append(el.tail or "")
            return
        if tag == "tr":
            flush()
            cells = [" ".join(c.text_content().split()) for c in el if isinstance(c.tag, str) and c.tag in ("td", "th")]
            if any(cells):
                lines.append("| " + " | ".join(cells) + " |")
            current.append(el.tail or "")
            return
        block = tag in _BLOCK_TAGS
        if block:
            flush()
        current.append(el.text or "")
        for child in el:
            walk(child)
        if block:
            flush()
        current.append(el.tail or "")

    walk(fragment)
    flush()
    return "\n".join(lines)


# readability's own cleaner less its ``javascript`` step, which rewrites every link of the page
# and costs more than a third of readability's time without changing a character of the text.
_TEXT_CLEANER = Cleaner(
    scripts=True, javascript=False, comments=True, style=True, links=True, meta=False, add_nofollow=False,
    page_structure=False, processing_instructions=True, embedded=False, frames=False, forms=False,
    annoying_tags=False, remove_tags=None, remove_unknown_tags=False, safe_attrs_only=False,
)


class _ParsedDocument(Document):
    """readability-lxml on a copy of the page we already parsed, instead of parsing the HTML again
    and cleaning it for display. ``summary`` parses afresh for each of its passes (the second,
    less ruthless one starts again from the page), so each pass gets its own copy here. Hidden
    elements go first, as in readability's own ``_parse``; links are not made absolute, since only
    the text is kept. Together this takes about 40 % off readability's time, with the same text on
    58 of the 59 real pages (on the other its own parse found no article at all)."""

    def _parse(self, tree):
        doc = copy.deepcopy(tree)
        for elem in doc.xpath("//*[@hidden]"):
            elem.drop_tree()
        for elem in doc.xpath("//*[@style]"):
            if REGEXES["displayNoneRe"].search(elem.get("style")):
                elem.drop_tree()
        _TEXT_CLEANER(doc)
        return doc


def _readability_text(tree) -> str:
    try:
        summary = _ParsedDocument(tree).summary(html_partial=True)
        return html_to_text(lxml.html.fromstring(summary)) if summary.strip() else ""
    except Exception:  # readability raises on pages it cannot score; trafilatura still has its say
        return ""


def article_score(text: str) -> int:
    """Characters in sentence lines of ``_MIN_SENTENCE_LINE`` or more, minus those in non-sentence
    lines."""
    score = 0
    for line in text.splitlines():
        n = _length(line)
        if is_sentence(line):
            score += n if n >= _MIN_SENTENCE_LINE else 0
        else:
            score -= n
    return score


def _bigrams(text: str) -> Counter:
    text = "".join(text.split())
    return Counter(text[i:i + 2] for i in range(len(text) - 1))


def agreement(base: str, other: str) -> float:
    """Share of the character pairs of ``base``'s sentence lines that ``other`` also has."""
    sentences = _bigrams("\n".join(ln for ln in base.splitlines() if is_sentence(ln)))
    total = sum(sentences.values())
    return sum((sentences & _bigrams(other)).values()) / total if total else 1.0


def clean_text(text: str, title: str | None = None) -> str:
    """Pinyin ruby, tail blocks, footers and the metadata lines above the first sentence removed."""
    return strip_header_furniture(cut_boilerplate(strip_pinyin_ruby(text)), title)


def _length(text: str) -> int:
    return len("".join(text.split()))


def choose(primary: str, secondary: str) -> str:
    """``secondary`` (readability) if it is the better article, holds ``primary``'s sentences and
    is not a much larger block; else ``primary`` (trafilatura)."""
    if (
        secondary
        and article_score(secondary) > article_score(primary)
        and agreement(primary, secondary) >= _MIN_AGREEMENT
        and _length(secondary) <= (1 + _MAX_GROWTH) * _length(primary) + _GROWTH_ALLOWANCE
    ):
        return secondary
    return primary


def needs_second_opinion(text: str, layout_tables: bool) -> bool:
    """Whether trafilatura's cleaned ``text`` shows the signs of its known failures, so readability
    is worth running: a page laid out with tables, a text that is short, or one with more than
    ``_DOUBTFUL_FURNITURE`` of its characters in lines that are not sentences (menus, captions,
    link rows kept). readability costs about two thirds of trafilatura's time; on the real pages
    this gate runs it on 31 of 59 and loses 0.0002 of body F1 against running it everywhere."""
    length = _length(text)
    if layout_tables or length < _SHORT_TEXT:
        return True
    furniture = sum(_length(line) for line in text.splitlines() if not is_sentence(line))
    return furniture > _DOUBTFUL_FURNITURE * length


def main_text(tree, url: str | None = None, title: str | None = None) -> tuple[str, str]:
    """``(clean main text, raw trafilatura text)`` of a page; ``tree`` is its parse as
    ``trafilatura.utils.load_html`` makes it, and is not changed.

    trafilatura runs first without its own fallback extractors and favouring precision (``fast``):
    readability, below, is the fallback for what that pass leaves out, so running trafilatura's
    bundled copy of it as well would pay twice. A short result that readability cannot replace
    with a text of a reasonable length gets trafilatura's full run, whose justext pass finds bodies
    that both miss. On the 56 scored real pages this keeps the body F1 of running everything
    everywhere (0.963) at 1.24x the time of ``trafilatura.extract`` alone, page reading included."""
    unwrapped, layout_tables = _without_layout_tables(tree)
    raw = _trafilatura_text(unwrapped, url, fast=True)
    primary = clean_text(raw, title)
    if not needs_second_opinion(primary, layout_tables):
        return primary, raw
    second = clean_text(_readability_text(tree), title)
    if _length(primary) < _SHORT_TEXT:
        if _length(second) >= _SHORT_TEXT and article_score(second) > article_score(primary):
            return second, raw
        full_raw = _trafilatura_text(unwrapped, url, fast=False)
        full = clean_text(full_raw, title)
        if article_score(full) > article_score(primary):
            raw, primary = full_raw, full
    return choose(primary, second), raw
