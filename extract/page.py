"""Read a page: bytes or text in, a ``Page`` (title, date, outlet, clean main text) out.

HTML goes through ``decode_html`` (charset checked against the bytes) and ``maintext.main_text``
(trafilatura and readability-lxml, Chinese boilerplate cut from both, the better kept); the date comes from
Chinese labelled forms first, then meta tags, then htmldate; pinyin ruby is removed from what we
keep, but the script is not changed (Traditional pages stay Traditional).
"""
from __future__ import annotations

import re

import lxml.html
from trafilatura.metadata import examine_meta, extract_meta_json, extract_title
from trafilatura.utils import load_html
from htmldate import find_date

from extract.boilerplate import cut_boilerplate, is_tail_heading
from extract.dates import find_labelled_date, parse_date
from extract.decode import decode_html, looks_binary
from extract.maintext import main_text
from extract.models import Page
from extract.normalize import detect_script, find_mojibake, strip_pinyin_ruby, to_simplified


class PageError(ValueError):
    """A page that cannot be read as an article (empty, binary, no main text)."""


_OUTLET = re.compile(
    r"(?:来源|稿源|信息来源|文章来源|新闻来源|发布机构|发布单位|来自)\s*[:：]\s*"
    r"(?P<name>[^\s|｜,，;；:：()（）\[\]【】<>\"“”]{2,30})"
)
# Credit line closing many reports: "(江苏广电无锡中心站/路明杰 编辑/赵梦琰)".
_CREDIT = re.compile(r"^[(（](?P<name>[^/／()（）]{2,20}?)[/／].{0,40}(?:编辑|记者|通讯员).{0,20}[)）]$")
_ORG_END = re.compile(r"(?:报|网|台|站|社|中心|日报|晚报|新闻|融媒体|客户端|政府|办公室|委员会|管委会|局|区情|号|刊|杂志)$")
# "2020-08-12 09:19:35 经济参考报": an outlet printed right after the date, with no label.
_DATED_OUTLET = re.compile(r"\d{4}[-./年]\d{1,2}[-./月]\d{1,2}日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s+(?P<name>[\u4e00-\u9fff]{2,20})")
_TITLE_SPLIT = re.compile(r"\s*(?:_|\||｜| - | — |——|--|-{2,})\s*")
# Meta tags in which Chinese CMSs (TRS, 大汉, 博达, …) and OpenGraph put the publication time.
_DATE_META = ("PubDate", "pubdate", "publishdate", "PublishDate", "article:published_time", "og:release_date",
              "ArticlePublishTime", "firstpublishedtime", "publish_time", "Published", "dc.date", "DC.Date")
_MAX_TITLE_LEN = 60


def _clean_name(name: str) -> str:
    name = re.sub(r"\d{4}[-./年].*$", "", name)  # a date glued to the outlet ("上观区情2018.7.5")
    name = re.sub(r"(?:作者|编辑|记者|责任编辑|发布时间|时间|日期|浏览|点击).*$", "", name)
    return to_simplified(name.strip(" ·-—_"))


def find_outlet(text: str) -> str | None:
    """The publisher a page names (来源/稿源/发布机构 lines or a closing credit line), Simplified."""
    simple = to_simplified(text)
    if m := _OUTLET.search(simple):
        if name := _clean_name(m["name"]):
            return name
    for m in _DATED_OUTLET.finditer(simple):
        if _ORG_END.search(m["name"]):
            return m["name"]
    for line in reversed(simple.splitlines()[-5:]):
        if (m := _CREDIT.match(line.strip())) and _ORG_END.search(m["name"].strip()):
            return m["name"].strip()
    return None


def _visible_text(tree) -> str:
    lxml.etree.strip_elements(tree, "script", "style", "noscript", with_tail=False)
    return "\n".join(filter(None, map(str.strip, tree.itertext())))


def _meta_date(tree) -> str | None:
    contents: dict[str, list[str]] = {}
    for meta in tree.iter("meta"):
        if (content := meta.get("content")) is not None:
            for key in {meta.get("name"), meta.get("property")} - {None}:
                contents.setdefault(key, []).append(content)
    for name in _DATE_META:  # in the order of _DATE_META, as the pages' own order varies
        for content in contents.get(name, ()):
            if iso := parse_date(content):
                return iso
    return None


def _pick_title(tree) -> str | None:
    """The headline: an <h1>/<h2> that the <title> contains, else the longest segment of the
    metadata title or <title>."""
    head = " ".join(tree.xpath("//title//text()")).strip()
    for xpath in ("//h1", "//h2", "//*[contains(@class,'title')]"):
        for el in tree.xpath(xpath):
            text = " ".join(el.text_content().split())
            if 4 <= len(text) <= _MAX_TITLE_LEN * 2 and (not head or text in head or head in text):
                return text
    candidate = _metadata_title(tree) or head
    if not candidate:
        return None
    parts = [p for p in _TITLE_SPLIT.split(candidate) if p.strip()]
    return max(parts, key=len).strip() if parts else None


def _metadata_title(tree) -> str | None:
    """trafilatura's title: <meta> tags, then JSON-LD, then its headline rules. These are the
    title steps of ``trafilatura.extract_metadata``, called alone because the whole metadata pass
    (authors, dates, categories on a copy of the page) costs ten times more; same titles on the
    59 real pages."""
    meta = extract_meta_json(tree, examine_meta(tree))
    return meta.title or extract_title(tree)


def _published_at(html: str, tree, visible: str, title: str | None) -> str | None:
    # The page's own date is printed near the headline: look from the title on, labelled first.
    start = visible.find(title) if title and title in visible else 0
    window = visible[start:start + 600]
    found = find_labelled_date(window) or _meta_date(tree) or find_labelled_date(visible) or parse_date(window)
    if found:
        return found
    try:
        return find_date(html, extensive_search=False, outputformat="%Y-%m-%d")
    except Exception:  # htmldate raises on odd markup; a missing date is not an error
        return None


def read_html(raw: bytes | str, url: str | None = None, content_type: str | None = None) -> Page:
    """Read an HTML page (bytes in any encoding, or already-decoded text)."""
    if isinstance(raw, bytes):
        if looks_binary(raw):
            raise PageError("binary content, not an HTML page")
        html, encoding = decode_html(raw, content_type)
    else:
        html, encoding = raw, None
    if not html.strip():
        raise PageError("empty page")
    try:
        # Parsed as trafilatura parses (comments dropped), so trafilatura can take this tree
        # instead of parsing the page again; lxml's own parser for what it calls not quite HTML.
        tree = load_html(html)
        if tree is None:
            tree = lxml.html.fromstring(html)
    except (lxml.etree.ParserError, ValueError) as err:
        raise PageError(f"unparseable HTML: {err}") from err
    title = _pick_title(tree)
    text, raw_body = main_text(html, tree, url=url, title=strip_pinyin_ruby(title) if title else None)
    if not text.strip():
        raise PageError("no main text found")
    visible = _visible_text(tree)
    return Page(
        title=strip_pinyin_ruby(title) if title else None,
        published_at=_published_at(html, tree, visible, title),
        outlet=find_outlet(_header_area(visible, title)) or find_outlet(cut_boilerplate(strip_pinyin_ruby(raw_body))),
        text=text,
        script=detect_script(text),
        encoding=encoding,
        mojibake=find_mojibake(text),
        url=url,
    )


def _header_area(visible: str, title: str | None) -> str:
    start = visible.find(title) if title and title in visible else 0
    return visible[start:start + 400]


def _is_title_line(line: str) -> bool:
    line = line.strip()
    return (
        0 < len(line) <= _MAX_TITLE_LEN
        and not re.search(r"[。！？!?;；]$", line)
        and not re.match(r"^(?:发布时间|发布日期|来源|时间|日期)", to_simplified(line))
        and not is_tail_heading(line)
    )


def read_text(text: str) -> Page:
    """Read a plain-text article as crawled: optional title line and date/来源 line, then the body."""
    text = strip_pinyin_ruby(text.replace("\r\n", "\n"))
    lines = [ln for ln in text.split("\n")]
    first = next((ln for ln in lines if ln.strip()), "")
    title = first.strip() if _is_title_line(first) and parse_date(first) is None else None
    head = "\n".join(lines[:4])
    published_at = find_labelled_date(to_simplified(head)) or parse_date(head)
    body_lines = lines[lines.index(first) + 1:] if title else lines
    body = cut_boilerplate("\n".join(body_lines))
    # A leading metadata line (发布时间…/来源…) is page furniture, not body text.
    body_head, _, body_rest = body.partition("\n")
    if len(body_head) <= 80 and (find_labelled_date(to_simplified(body_head)) or _OUTLET.search(to_simplified(body_head))):
        body = body_rest.strip()
    if not body:
        raise PageError("no text")
    return Page(
        title=title,
        published_at=published_at,
        outlet=find_outlet(head) or find_outlet(body),
        text=body,
        script=detect_script(body),
        mojibake=find_mojibake(body),
    )
