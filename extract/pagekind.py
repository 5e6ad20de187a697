"""Whether a fetched page is an article, judged from the page itself, whatever its URL looks like.

An article has a headline, a publication date and a body of sentences. The pages a crawl meets
on article-shaped URLs that are none are lists (a column, a 专题 hub, a tag or search result page:
many headline links, often dated, and little prose of their own), galleries (pictures with
captions) and people's profiles (a leader's 简历: 男, 汉族, 1970年5月生, 研究生学历, 分管…). They are
recognised by what the page holds: headline links in list rows and how many of them show a date,
the characters of those links against the characters of sentences in the main text, pictures,
profile lines, and the cues of the title and headings (data with examples, ``PAGE_CUES``).

Links under a tail heading (相关阅读, 更多资讯, 最近更新 …: ``yrdwatch.extract.boilerplate.is_tail_heading``)
and inside header, nav, aside and footer are page furniture that articles carry too; they are not
counted. A short article with a list of signed projects stays an article: the list is text, not
headline links, and its lead sentences are there.

``judge_page`` reads the tree ``yrdwatch.extract.page.read_html`` parsed (no second parse) and the main
text it extracted.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from yrdwatch.extract.boilerplate import is_sentence, is_tail_heading
from yrdwatch.extract.cues import Vocabulary
from yrdwatch.extract.normalize import to_simplified

# Kinds of page that are not articles, with the words a person reads in a verdict.
KINDS = {
    "listing": "a list of links (column or index page)",
    "hub": "a 专题 hub: a topic page listing its reports",
    "tag": "a tag page listing the reports under it",
    "search": "a search result page",
    "gallery": "a photo gallery",
    "profile": "a person's profile",
}

PAGE_CUES: dict[str, Vocabulary] = {
    # A topic page gathering reports ("专题", "专栏", a series' front page).
    "hub": Vocabulary(
        re.compile(r"专题|专栏|系列报道|特别策划|聚焦[^，。]{0,12}$|^\s*(?:关注|直击)[:：]"),
        ("专题：2024年重大项目集中签约", "长三角一体化发展专栏", "“两会”系列报道", "聚焦长三角一体化"),
        ("全市重大项目集中签约", "梁溪区召开专家座谈会", "苏州工业园区新签约项目12个")),
    "tag": Vocabulary(
        re.compile(r"^\s*(?:标签|TAG|Tag|tag|关键词)\s*[:：]|标签[:：]|相关标签|的相关(?:文章|报道|新闻)$"),
        ("标签：集成电路", "TAG: 新能源汽车", "“生物医药”的相关文章"),
        ("集成电路产业链项目签约", "新能源汽车产业园开工")),
    "search": Vocabulary(
        re.compile(r"搜索结果|检索结果|站内搜索|全文检索|共(?:找到|检索到|搜索到)\s*\d+\s*条"),
        ("“项目签约”搜索结果", "站内搜索", "共找到 36 条相关结果"),
        ("项目签约仪式举行", "搜索引擎企业落户苏州")),
    "gallery": Vocabulary(
        re.compile(r"图集|组图|高清图|图片新闻|摄影作品|影像|^\s*图说"),
        ("组图：太湖湾科创带掠影", "高清图集 | 新春里的苏州", "图说梁溪"),
        ("图像传感器项目签约", "影响深远的一次签约", "地图导航")),
    "profile": Vocabulary(
        re.compile(r"领导(?:简介|简历|信息|之窗|介绍)|个人简历|^\s*简历\s*$|个人简介|工作分工|分管(?:工作|领域)?[:：]"),
        ("领导简介", "区长 张伟 个人简历", "简历", "分管工作：负责发展改革"),
        ("区领导调研重点项目", "项目负责人介绍", "分管副区长出席签约仪式")),
}

# The lines of a profile: sex, nationality, birth, origin, schooling, party, first job.
_PROFILE_LINES = (
    r"[,，、]\s*[男女]\s*[,，、]", r"[汉回满壮苗]族", r"\d{4}\s*年\s*\d{1,2}\s*月(?:出)?生", r"出生(?:年月|日期)?[:：]",
    r"籍贯|[省市县区]人[,，。]", r"研究生|大学学历|本科学历|博士|硕士|学历[:：]", r"中共党员|入党", r"参加工作",
)
_PROFILE = [re.compile(p) for p in _PROFILE_LINES]
_PROFILE_MIN = 4  # profile lines that make a page a profile (an appointment notice in a story has fewer)

_ROW_TAGS = {"li", "tr", "dd", "dt", "dl", "p", "div", "article", "section"}
_FURNITURE_TAGS = {"header", "nav", "aside", "footer"}
_FURNITURE_CLASS = re.compile(r"\b(?:nav|menu|footer|foot|header|topbar|breadcrumb|crumb|position|friend-?links?)\b", re.I)
# A date as list rows print it ("2024-06-03", "2024年6月3日", "[06-03]"); a headline link has this many Han characters.
ROW_DATE = re.compile(r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}|(?<![\d:])\d{2}-\d{2}(?![\d:])")
HEADLINE_MIN_CJK = 6
_ICON = re.compile(r"logo|icon|ico_|btn|button|share|qr|ewm|erweima|code|banner|arrow|spacer|blank|pixel", re.I)
_MIN_SENTENCE_CHARS = 10
_ENTRY_MAX_CHARS = 200
_HEADING_MAX_CHARS = 40  # a box's heading, labelled ("责任编辑：张三") or not, is shorter

# Thresholds, each checked on the tests' table of pages and on the real pages of ../shared:
LIST_MIN_DATED_ROWS = 5    # dated headline rows whose links outweigh the prose make a list …
LIST_MIN_ROWS = 8          # … and so do undated ones with at most LIST_MAX_SENTENCES sentences (an intro)
LIST_MAX_SENTENCES = 1
CUED_LIST_MIN_ROWS = 3     # a page titled as a 专题, tag or search page needs fewer rows
GALLERY_MIN_IMAGES = 4     # pictures with at most GALLERY_MAX_SENTENCES sentences: a gallery
GALLERY_MAX_SENTENCES = 1  # (a photo story of two captions with sentences is an article)


@dataclass(frozen=True)
class PageSigns:
    """What the page holds, as counted by ``page_signs``."""
    rows: int             # list rows with a headline link (furniture and related boxes aside)
    dated_rows: int       # … of which show a date
    dated_link_chars: int  # characters of the dated rows' headline links
    sentences: int        # sentence lines of the main text that are no link's text
    prose_chars: int      # their characters
    images: int           # pictures outside the furniture (icons, logos, QR codes aside)
    profile_lines: int    # distinct profile lines in the main text's head
    cues: frozenset[str]  # PAGE_CUES found in the title and the page's headings


@dataclass(frozen=True)
class Verdict:
    kind: str     # "article" or a key of KINDS
    reason: str   # what decided, for people

    @property
    def is_article(self) -> bool:
        return self.kind == "article"


def _text(el) -> str:
    return " ".join("".join(el.itertext()).split())


def cjk_count(text: str) -> int:
    """Han characters in a text."""
    return sum("\u4e00" <= ch <= "\u9fff" for ch in text)


def _in_furniture(el) -> bool:
    for node in (el, *el.iterancestors()):
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _FURNITURE_TAGS or _FURNITURE_CLASS.search(f"{node.get('class', '')} {node.get('id', '')}"):
            return True
    return False


def _short_text(el, limit: int) -> str | None:
    """The element's text when it is at most ``limit`` characters, else None (without reading it all)."""
    parts, size = [], 0
    for piece in el.itertext():
        size += len(piece.strip())
        if size > limit:
            return None
        parts.append(piece)
    return " ".join("".join(parts).split())


def _is_tail_box_heading(el) -> bool:
    """A 相关阅读 / 更多资讯 … heading; never the page's own headline (a tag page's "标签：…" is its h1)."""
    if not isinstance(el.tag, str) or el.tag in ("h1", "head"):
        return False
    text = _short_text(el, _HEADING_MAX_CHARS)
    return bool(text) and is_tail_heading(text) and el.find(".//h1") is None


def _under_tail_heading(row, headings: dict) -> bool:
    """Whether a row belongs to a box headed 相关阅读, 更多资讯 … (a heading just before its list, or
    the first child of a box holding it). ``headings`` remembers each element's answer: rows share boxes."""
    def heading(el) -> bool:
        if el not in headings:
            headings[el] = _is_tail_box_heading(el)
        return headings[el]

    chain = [row, *(node for node in list(row.iterancestors())[:4] if node.tag not in ("body", "html"))]
    for node in chain:
        before = node.getprevious()
        if before is not None and heading(before):
            return True
        if len(node) and node[0] not in chain and heading(node[0]):
            return True
    return False


def _row_of(a):
    return next((node for node in a.iterancestors() if node.tag in _ROW_TAGS), None)


def _list_rows(tree) -> tuple[int, int, int, set[str]]:
    """(rows, dated rows, characters of the dated rows' links, texts that are no prose of the page:
    every anchor's and every row's). A link repeated (a picture and a headline to one page, a mobile
    copy of a box) counts once."""
    rows: dict = {}
    hrefs: set[str] = set()
    headings: dict = {}
    for a in tree.iter("a"):
        anchor, href = _text(a) or a.get("title", ""), (a.get("href") or "").strip()
        if cjk_count(anchor) < HEADLINE_MIN_CJK or not href or href.startswith(("#", "javascript:")) or href in hrefs:
            continue
        row = _row_of(a)
        if row is None or row in rows or _in_furniture(row) or _under_tail_heading(row, headings):
            continue
        hrefs.add(href)
        rows[row] = len(anchor)
    dated = {row: chars for row, chars in rows.items() if ROW_DATE.search(_text(row))}
    # a row's parts are a headline and its teaser: a longer "row" is a block of the page that holds a link
    listed = {_text(a) for a in tree.iter("a")}
    listed.update(_text(part) for row in rows if len(_text(row)) <= _ENTRY_MAX_CHARS for part in row.iter())
    return len(rows), len(dated), sum(dated.values()), listed


def _images(tree) -> int:
    return sum(1 for img in tree.iter("img")
               if not _ICON.search(f"{img.get('src', '')} {img.get('class', '')} {img.get('alt', '')}")
               and not _in_furniture(img))


def _headings(tree, title: str | None) -> list[str]:
    texts = [title or "", *(_text(el) for el in tree.iter("title", "h1", "h2"))]
    return [to_simplified(t) for t in texts if t]


def page_signs(tree, title: str | None, text: str) -> PageSigns:
    rows, dated, dated_link_chars, listed = _list_rows(tree)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    # a search result's or a list's teaser under each link is the row's text, not the page's prose
    prose = [line for line in lines if len(line) >= _MIN_SENTENCE_CHARS and is_sentence(line) and line not in listed]
    head = to_simplified(text[:400])
    headings = _headings(tree, title)
    return PageSigns(
        rows=rows, dated_rows=dated, dated_link_chars=dated_link_chars, sentences=len(prose),
        prose_chars=sum(map(len, prose)), images=_images(tree),
        profile_lines=sum(bool(p.search(head)) for p in _PROFILE),
        cues=frozenset(kind for kind, vocab in PAGE_CUES.items() if any(vocab.pattern.search(h) for h in headings)),
    )


def judge(signs: PageSigns, published_at: str | None) -> Verdict:
    """The page's kind from its signs: the rules, in order, each with the reason it gives."""
    s = signs
    if s.profile_lines >= _PROFILE_MIN and ("profile" in s.cues or published_at is None or s.sentences <= 3):
        return Verdict("profile", f"{s.profile_lines} profile lines (sex, birth, schooling, party …)")
    cued = next((kind for kind in ("search", "tag", "hub") if kind in s.cues), None)
    if (s.dated_rows >= LIST_MIN_DATED_ROWS and s.dated_link_chars > s.prose_chars) \
            or (s.rows >= LIST_MIN_ROWS and s.sentences <= LIST_MAX_SENTENCES) \
            or (cued and s.rows >= CUED_LIST_MIN_ROWS and s.sentences <= LIST_MAX_SENTENCES + 2):
        return Verdict(cued or "listing", f"{s.rows} headline links in list rows, {s.dated_rows} dated "
                                          f"({s.dated_link_chars} characters), against {s.sentences} sentences "
                                          f"({s.prose_chars} characters)")
    if (s.images >= GALLERY_MIN_IMAGES or ("gallery" in s.cues and s.images >= 2)) \
            and s.sentences <= GALLERY_MAX_SENTENCES:
        return Verdict("gallery", f"{s.images} pictures and {s.sentences} sentences")
    return Verdict("article", f"{s.sentences} sentences, {s.rows} listed links")


def judge_page(tree, title: str | None, published_at: str | None, text: str) -> Verdict:
    """Article or not, from the parsed page, its headline, date and main text."""
    return judge(page_signs(tree, title, text), published_at)
