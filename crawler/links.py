"""Which links may be articles (candidates), in which order, and which lead to the next listing page.

Whether a page is an article is decided by the page itself once fetched (``yrdwatch.extract.pagekind``);
URLs only choose and order the candidates. A listing's candidates are its entries: links whose
URL has the source's ``article_url_pattern`` or the shape of a common Chinese CMS article (TRS,
大汉/Hanweb, 博达/VSB, 新华/人民 style newspaper systems, …), and links whose *row* has the shape of
a listing entry (a headline-like anchor in a list row that also shows a date), whatever their URL.
Every entry of a feed or a sitemap is a candidate, but for addresses that are no page
(``NOT_A_PAGE``: static files, login and search endpoints). Article-shaped URLs go first, so the
caps of a run keep them. These shapes are this project's own domain knowledge (no library
catalogues them), hence hand-written.
"""
from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from parsel import Selector
from w3lib.url import canonicalize_url, url_query_cleaner

from yrdwatch.extract.pagekind import HEADLINE_MIN_CJK, ROW_DATE, cjk_count

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
# Addresses that are no news page, whatever lists them: static files, sign-in and search endpoints
# (each with examples in tests/test_links.py). Everything else on the site is a candidate.
NOT_A_PAGE = [
    r"\.(?:jpe?g|png|gif|bmp|webp|svg|ico|css|js|json|xml|gz|zip|rar|7z|pdf|docx?|xlsx?|pptx?|wps|mp[34]|avi|flv|mov)$",
    r"/(?:login|logout|signin|sign-in|register|passport|sso)(?:[/.?]|$)",
    r"/(?:search|jsearch)(?:\.(?:do|jsp|php|aspx?|s?html?))?(?:[/?]|$)|[?&](?:q|keyword|keywords|searchword|wd)=",
]
_NOT_A_PAGE = re.compile("|".join(f"(?:{p})" for p in NOT_A_PAGE), re.I)
_NEXT_TEXT = re.compile(r"^\s*(?:下一?页|后一?页|下页|next|›|»|>)\s*$", re.I)
_PAGINATION_URL = re.compile(r"(?:index|list|node_\d+)_\d+\.s?html?$|[?&](?:page|pageNum|pageIndex|pn|p)=\d+", re.I)
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


def _path_and_query(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def is_cms_article_url(url: str) -> bool:
    return bool(_CMS.search(_path_and_query(url)))


def is_not_a_page(url: str) -> bool:
    """A static file, or a sign-in or search endpoint: never worth a request as an article."""
    return bool(_NOT_A_PAGE.search(_path_and_query(url)))


def candidates(urls: list[str], pattern: re.Pattern | None) -> list[str]:
    """Every URL that may be an article page, once, article-shaped ones first (the source's pattern,
    else the CMS shapes), each group in the order given."""
    pages = [url for url in dict.fromkeys(urls) if not is_not_a_page(url)]
    shaped = {url: None for url in pages if (pattern.search(url) if pattern else is_cms_article_url(url))}
    return [*shaped, *(url for url in pages if url not in shaped)]


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
        shaped = pattern.search(url) if pattern is not None else is_cms_article_url(url)
        if (shaped or _looks_like_listed_article(a, text)) and not is_not_a_page(url):
            articles.append(url)
        if a.attrib.get("rel") == "next" or _NEXT_TEXT.match(text) or (
            _PAGINATION_URL.search(url) and text.strip().isdigit()
        ):
            pages.append(url)
    return list(dict.fromkeys(articles)), [p for p in dict.fromkeys(pages) if p not in articles]


def _looks_like_listed_article(a, text: str) -> bool:
    """Page shape: a headline-length anchor in a list row (li/tr/dd/div) that also shows a date."""
    if cjk_count(text) < HEADLINE_MIN_CJK or _PAGINATION_URL.search(a.attrib.get("href", "")):
        return False
    row = a.xpath("ancestor::*[self::li or self::tr or self::dl or self::dd or self::div][1]")
    return bool(row) and bool(ROW_DATE.search(" ".join(row[0].css("::text").getall())))
