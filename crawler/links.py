"""Which links on a listing page are articles, and which lead to the next listing page.

A source may give its own ``article_url_pattern``; without one we recognise the URL shapes of the
CMSs that Chinese government sites and papers run on (TRS, 大汉/Hanweb, 博达/VSB, 新华/人民 style
newspaper systems, …) and, failing those, the *page* shape of a listing: a link with a headline-like
anchor in a list row that also shows a date. These shapes are this project's own domain knowledge
(no library catalogues them), hence hand-written.
"""
from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from parsel import Selector
from w3lib.url import canonicalize_url, url_query_cleaner

CMS_ARTICLE_URLS = [
    r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html?$",             # 大汉/Hanweb (浙江, 江苏 government sites)
    r"/t\d{8}_\d+\.s?html?$",                                       # TRS WCM: /202308/t20230807_123.html
    r"/content/\d{4}-\d{2}/\d{2}/content_\d+\.html?$",              # newspaper CMSs, 新华网 style
    r"/content_\d+\.s?html?$",                                      # gov.cn style /content_5678.htm
    r"/info/\d+/\d+\.html?$",                                       # 博达/VSB (universities, many districts)
    r"/n\d+/\d{4}/\d{4}/c\d+-\d+\.html?$",                          # 人民网 style
    r"/\d{4}-\d{2}/\d{2}/(?:c_|content_|doc-)?[\w-]{4,}\.s?html?$",  # date-path articles
    r"/\d{6,8}/[\w-]{6,}\.s?html?$",                                # /20230807/abc123.html
    r"/doc-[a-z0-9]{8,}\.s?html?$",                                 # sina
    r"/(?:article|detail|details|news|show|view)[/_-]\d{4,}(?:\.s?html?)?$",
    r"/(?:article|detail|newsdetail|shownews|news_detail)\.(?:aspx?|jsp|php|do)\?.*\bid=\d+",
    r"/[a-z]*art(?:icle)?_?\d{5,}\.s?html?$",
]
_CMS = re.compile("|".join(f"(?:{p})" for p in CMS_ARTICLE_URLS), re.I)
_NEXT_TEXT = re.compile(r"^\s*(?:下一?页|后一?页|下页|next|›|»|>)\s*$", re.I)
_PAGINATION_URL = re.compile(r"(?:index|list|node_\d+)_\d+\.s?html?$|[?&](?:page|pageNum|pageIndex|pn|p)=\d+", re.I)
_ROW_DATE = re.compile(r"(?:19|20)\d{2}[-/.年]\d{1,2}[-/.月]\d{1,2}|(?<!\d)\d{2}-\d{2}(?!\d)")
_HEADLINE_MIN_CJK = 6
# Tracking parameters that do not change the page.
_TRACKING = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "spm", "from",
             "share_token", "isappinstalled", "scene", "clicktime", "enterid", "wfr", "_t", "timestamp")


_INDEX_PAGE = re.compile(r"/(?:index|default)\.(?:s?html?|jsp|aspx?|php)$", re.I)


def canonical_url(url: str) -> str:
    """Stable key for a page: sorted query, no fragment, no tracking parameters, and a directory's
    index page (``/col/col1/index.html``) the same as the directory (``/col/col1/``)."""
    query_keys = {k for k in re.findall(r"[?&]([^=&#]+)=", url)}
    cleaned = url_query_cleaner(url, [k for k in query_keys if k.lower() in _TRACKING], remove=True)
    canonical = canonicalize_url(cleaned, keep_fragments=False)
    path, sep, query = canonical.partition("?")
    return _INDEX_PAGE.sub("/", path) + sep + query


def is_cms_article_url(url: str) -> bool:
    parts = urlsplit(url)
    return bool(_CMS.search(parts.path + (f"?{parts.query}" if parts.query else "")))


def _cjk_count(text: str) -> int:
    return sum("\u4e00" <= ch <= "\u9fff" for ch in text)


def listing_links(html: str, base_url: str, pattern: re.Pattern | None) -> tuple[list[str], list[str]]:
    """(article URLs, next-listing URLs) found on a listing page, absolute, in page order."""
    sel = Selector(text=html, base_url=base_url)
    articles, pages = [], []
    for a in sel.css("a[href]"):
        href = (a.attrib.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        url = urljoin(base_url, href)
        text = " ".join(a.css("::text").getall()).strip() or a.attrib.get("title", "")
        if pattern is not None:
            if pattern.search(url):
                articles.append(url)
        elif is_cms_article_url(url) or _looks_like_listed_article(a, text):
            articles.append(url)
        if a.attrib.get("rel") == "next" or _NEXT_TEXT.match(text) or (
            _PAGINATION_URL.search(url) and text.strip().isdigit()
        ):
            pages.append(url)
    return list(dict.fromkeys(articles)), [p for p in dict.fromkeys(pages) if p not in articles]


def _looks_like_listed_article(a, text: str) -> bool:
    """Page shape: a headline-length anchor in a list row (li/tr/dd/div) that also shows a date."""
    if _cjk_count(text) < _HEADLINE_MIN_CJK or _PAGINATION_URL.search(a.attrib.get("href", "")):
        return False
    row = a.xpath("ancestor::*[self::li or self::tr or self::dl or self::dd or self::div][1]")
    return bool(row) and bool(_ROW_DATE.search(" ".join(row[0].css("::text").getall())))
