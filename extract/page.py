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

from yrdwatch.extract.boilerplate import (cut_boilerplate, is_debris_line, is_footer_line, is_meta_line, is_sentence,
                                 is_tail_heading, strip_header_furniture, trim_edge_furniture)
from yrdwatch.extract.dates import dateline_date, find_labelled_date, parse_date, parse_header_date
from yrdwatch.extract.decode import clean_characters, decode_html, looks_binary
from yrdwatch.extract.maintext import main_text
from yrdwatch.extract.models import Page
from yrdwatch.extract.pagekind import KINDS, Verdict, judge_page
from yrdwatch.extract.normalize import detect_script, find_mojibake, strip_pinyin_ruby, to_simplified


class PageError(ValueError):
    """A page that cannot be read as an article (empty, binary, no main text)."""


class NotAnArticle(PageError):
    """A page read in full that is no article (a list, hub, gallery, profile …): ``verdict`` says which."""

    def __init__(self, verdict: Verdict):
        super().__init__(f"not an article: {KINDS[verdict.kind]} ({verdict.reason})")
        self.verdict = verdict


_OUTLET = re.compile(
    r"(?:来源|稿源|信息来源|文章来源|新闻来源|发布机构|发布单位|来自|本文转自|转自|转载自)\s*[:：]\s*"
    r"(?P<name>[^\s|｜,，;；:：()（）\[\]【】<>\"“”]{2,30})"
)
# Credit line closing many reports: "(江苏广电无锡中心站/路明杰 编辑/赵梦琰)".
_CREDIT = re.compile(r"^[(（](?P<name>[^/／()（）]{2,20}?)[/／].{0,40}(?:编辑|记者|通讯员).{0,20}[)）]$")
_ORG_END = re.compile(r"(?:报|网|台|站|社|中心|日报|晚报|新闻|融媒体|客户端|政府|办公室|委员会|管委会|局|区情|号|刊|杂志|公司)$")
# "2020-08-12 09:19:35 经济参考报": an outlet printed right after the date, with no label.
_DATED_OUTLET = re.compile(r"\d{4}[-./年]\d{1,2}[-./月]\d{1,2}日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s+(?P<name>[\u4e00-\u9fff]{2,20})")
# "发表日期:2021-03-10 14:20:20  某某钢铁": after a labelled date, a name closing the line is the outlet
# whatever it ends in (the label makes the line metadata, not a sentence of the story).
_LABELLED_DATED_OUTLET = re.compile(
    r"(?:时间|日期)\s*[:：]\s*\d{4}[-./年]\d{1,2}[-./月]\d{1,2}日?(?:[ \t]+\d{1,2}:\d{2}(?::\d{2})?)?"
    r"[ \t\u3000]+(?P<name>[\u4e00-\u9fff]{2,12})[ \t\u3000]*$", re.M)  # on the date's own line
# A dateline or credit at the start of a paragraph that names the publisher: "某某网讯:", "【某某商报网讯】",
# "某某晚报讯", "中新社某地3月9日电", "新华社某地3月9日电", "据某某晨报消息", "据某某日报报道". "本报讯",
# "本网讯", "本报某县3月9日电" name nobody. A 电 needs the date before it or a break after it, so
# that "平台电商……" is no dateline.
_NEWS_ORG = r"[\u4e00-\u9fff]{1,10}?(?:网|报|社|台|在线|新闻|客户端)"
# A name right before the date also opens a dateline: "某某网1月4日某地消息", "某某在线10月18日讯".
# A byline line naming the reporter's outlet: "某某晚报·某某新闻记者 某某 通讯员 某某", "某某新闻Knews记者 某某"
# (the brand before a "·" is the outlet; a name that is no outlet's, "某报融媒记者", names nobody; a photo
# credit, "某某社记者 某某 摄", credits a picture, not the story).
_DATELINE = re.compile(
    r"^[\s【\[(（]*(?P<name>" + _NEWS_ORG + r")[】\])）]?\s*"
    r"(?:讯(?=[\s:：(（【\[】\]]|$)|[\u4e00-\u9fff]{0,8}?\d{1,2}月\d{1,2}日电|电(?=[\s(（:：]))"
    r"|^[\s【\[(（]*(?P<dated>" + _NEWS_ORG + r")(?:(?:19|20)\d{2}年)?\d{1,2}月\d{1,2}日"
    r"(?:[\u4e00-\u9fff]{0,6}?(?:讯|消息)(?=[\s:：(（【\[】\],，]|$)|[\u4e00-\u9fff]{0,6}?电(?=[\s(（:：]))"
    r"|^[ \t\u3000]*(?![^\n]*(?:摄影?|供图)[ \t\u3000]*$)(?P<byline>" + _NEWS_ORG + r"(?:[A-Za-z]{2,12})?)(?:[·•][\u4e00-\u9fffA-Za-z]{2,10})?"
    r"[ \t]*记者[ \t\u3000]*[\u4e00-\u9fff·]{2,4}(?:[ \t\u3000]+[^\s。，,；;！？!?]{1,8})*[ \t\u3000]*$"
    r"|^\s*据(?P<cited>" + _NEWS_ORG + r")(?:消息|报道)", re.M)
# A dateline opens the story; further down, "据某某社消息，……" cites another outlet in the story's text.
_DATELINE_REACH = 300
_NOBODY = re.compile(r"^本(?:报|网|台|刊|社)$")
# An e-paper's masthead line: "某某日报 数字报纸", "某某晚报 电子版".
_MASTHEAD = re.compile(r"^\s*(?P<name>[\u4e00-\u9fff]{2,10}[报刊])\s*(?:数字报纸?|数字报刊|电子版|电子报)\s*$", re.M)
_TITLE_SPLIT = re.compile(r"\s*(?:_|\||｜| - | — |——|--|-{2,})\s*")
# Meta tags in which Chinese CMSs (TRS, 大汉, 博达, …) and OpenGraph put the publication time.
_DATE_META = ("PubDate", "pubdate", "publishdate", "PublishDate", "article:published_time", "og:release_date",
              "ArticlePublishTime", "firstpublishedtime", "publish_time", "Published", "dc.date", "DC.Date")
_MAX_TITLE_LEN = 60


# What a 来源 label may carry that names no publisher: a mirror's code ("sp20241102"), a template's
# placeholder ("XXX", "某某"), the web at large or a compiler's note ("网络整理", "网友投稿", "综合").
_NOT_A_NAME = re.compile(
    r"^(?:[A-Za-z]*\d[A-Za-z\d_-]*|[XxＸｘ×*＊]{2,}|某+|(?:互联网|网络|网上|网友|网摘|综合|转载|摘编|整理|编辑|投稿|"
    r"佚名|未知|不详|原创|本站|本网)+)$")
# A site's own name printed with its address ("某某网 www.example.com"): the host, weaker than the story's credit.
_HOSTED = re.compile(r"[ \t\u3000]*(?:https?://|www\.)", re.I)


def _clean_name(name: str) -> str:
    name = re.sub(r"\d{4}[-./年].*$", "", name)  # a date glued to the outlet ("上观区情2018.7.5")
    # a label glued to the name ("某某建设管理有限公司发表时间:2021-03-10"); the longer labels
    # first, since the leftmost match wins ("发表时间" before "时间")
    name = re.sub(r"(?:作者|编辑|记者|责任编辑|发表(?:时间|日期|于)|发布(?:时间|日期|于)|更新(?:时间|日期)"
                  r"|时间|日期|浏览|点击).*$", "", name)
    return to_simplified(name.strip(" ·-—_"))


def _labelled_outlets(simple: str):
    """(name, whether it is the hosting site's) of each 来源/稿源 label that names a publisher."""
    for m in _OUTLET.finditer(simple):
        name = _clean_name(m["name"])
        if simple[m.end():m.end() + 1] in (":", "：") and name == m["name"]:
            continue  # "来源:  分类: 资讯": the label is empty, the next label's name is no publisher
        if name and not _NOT_A_NAME.match(name):
            yield name, bool(_HOSTED.match(simple, m.end()))


def find_host(text: str) -> str | None:
    """The hosting site a 来源 label names with its own address ("来源: 某某网 www.example.com"),
    the outlet of a page whose story credits nobody else."""
    return next((name for name, hosted in _labelled_outlets(to_simplified(text)) if hosted), None)


def find_outlet(text: str) -> str | None:
    """The publisher a page names (来源/稿源/发布机构 lines, a dateline or byline, or a closing credit
    line), Simplified; a site labelled with its own address is left to ``find_host``."""
    simple = to_simplified(text)
    if name := next((name for name, hosted in _labelled_outlets(simple) if not hosted), None):
        return name
    for m in _DATED_OUTLET.finditer(simple):
        if _ORG_END.search(m["name"]):
            return m["name"]
    if (m := _LABELLED_DATED_OUTLET.search(simple)) and (name := _clean_name(m["name"])) \
            and not re.search(r"分享|打印|收藏|字号|字体|关闭|评论|阅读|人气", name):
        return name
    for m in _DATELINE.finditer(simple, 0, _DATELINE_REACH):
        if not _NOBODY.match(name := m["name"] or m["dated"] or m["byline"] or m["cited"]):
            return name
    if m := _MASTHEAD.search(simple):
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
    html = clean_characters(html)
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
    text, raw_body = main_text(tree, url=url, title=strip_pinyin_ruby(title) if title else None)
    visible = _visible_text(tree)
    published_at = _published_at(html, tree, visible, title)
    # Judged before the empty-text check: a hub whose list the extractors dropped is still a hub.
    if not (verdict := judge_page(tree, title, published_at, text)).is_article:
        raise NotAnArticle(verdict)
    if not text.strip():
        raise PageError("no main text found")
    return Page(
        title=strip_pinyin_ruby(title) if title else None,
        published_at=published_at,
        outlet=_html_outlet(_header_area(visible, title), cut_boilerplate(strip_pinyin_ruby(raw_body))),
        text=text,
        script=detect_script(text),
        encoding=encoding,
        mojibake=find_mojibake(text),
        url=url,
    )


def _html_outlet(header: str, body: str) -> str | None:
    return find_outlet(header) or find_outlet(body) or find_host(header)


def _header_area(visible: str, title: str | None) -> str:
    start = visible.find(title) if title and title in visible else 0
    return visible[start:start + 400]


# What heads a crawled text page above its headline: an e-paper masthead ("第A03版:要闻"), a menu
# or breadcrumb ("首页 > 新闻", "A | B | C"), a tool bar ("【打印】", "听新闻").
_ABOVE_HEADLINE = re.compile(r"^第\s*[A-Z]?\d+\s*版|\||[>»›＞]|^【|^听新闻|^\d{4}年\d{1,2}月\d{1,2}日\s*星期")
_MAX_LINES_ABOVE_HEADLINE = 6


def _headline(lines: list[str]) -> str:
    """The first line, or the first line after a few lines of masthead, menu or tools that could
    head the story (the headline of a page whose furniture comes first)."""
    filled = [ln for ln in lines if ln.strip()][:_MAX_LINES_ABOVE_HEADLINE + 1]
    for line in filled:
        simple = to_simplified(line.strip())
        if not (_ABOVE_HEADLINE.search(simple) or is_meta_line(simple) or is_debris_line(simple)):
            return line
    return filled[0] if filled else ""


def _is_title_line(line: str) -> bool:
    """A headline: short, no sentence end (an exclamation, "……一起来看!", still heads a story), not a
    label, tail heading or caption line."""
    line = line.strip()
    return (
        0 < len(line) <= _MAX_TITLE_LEN
        and not re.search(r"[。？?;；]$", line)
        and not re.match(r"^(?:发布时间|发布日期|来源|时间|日期|本文转自|转自|转载自)", to_simplified(line))
        and not is_tail_heading(line)
        and not is_debris_line(line)
    )


# How far a plain-text page's header may run (a site menu may fill a dozen lines above the story).
_MAX_HEADER_LINES = 40


# A headline, subheading or site slogan closed like a sentence: "敲开百亿级制造业项目“双黄蛋”", "真实温暖的网上某地!"
# "某区:重点项目建设按下发展“加速键”" (short, no comma or full stop inside, closed by a quote, bracket or exclamation).
_HEADLINE_LIKE = re.compile(r"^[^，,。；;、]{1,30}[！!？?”」\"）)]$")


def _is_story_line(line: str) -> bool:
    """A line of the running text: a sentence or a long line that is no metadata, furniture or headline."""
    stripped = line.strip()
    return bool(stripped) and not is_debris_line(stripped) and not is_meta_line(stripped) and (
        (is_sentence(stripped) and not _HEADLINE_LIKE.match(stripped)) or len(stripped) > 80)


def _header_and_footer(lines: list[str]) -> tuple[list[str], list[str]]:
    """The lines above the story's first line, and those below its last, Simplified. The story ends
    where a tail heading (相关新闻, 发表评论, 责任编辑：…) or the legal footer starts; what follows
    that is other pages' and readers' matter (comment timestamps are no page date). The line that
    ends it stays in the footer ("责任编辑：张三 发布时间：2023-06-21")."""
    simple = [to_simplified(ln) for ln in lines]
    story = [i for i, ln in enumerate(simple) if _is_story_line(ln)]
    if not story:
        return simple[:_MAX_HEADER_LINES], []
    end = next((i for i in range(story[0] + 1, len(simple))
                if is_tail_heading(simple[i]) or is_footer_line(simple[i])), len(simple))
    last = max(i for i in story if i < end)
    return simple[:min(story[0], _MAX_HEADER_LINES)], simple[last + 1:end + 1]


def _footer_date(foot: str) -> str | None:
    """An unlabelled date in the last lines under the story (an e-paper's "2021年03月10日 星期三"),
    from the bottom up; a bulleted line is a link to another page, a sentence is text, not a date line."""
    for line in reversed(foot.split("\n")):
        stripped = line.strip()
        if stripped and stripped[0] not in "-·•*●◆▪>" and not is_sentence(stripped) and (found := parse_date(stripped)):
            return found
    return None


def _text_date(head: str, foot: str, body: str) -> str | None:
    """The page's date on a plain-text page: a labelled one (发布时间/日期/时间:) in the header or the
    footer, then an unlabelled one in the header, then in the footer, then the full date of a dateline
    opening the story ("2019年4月1日讯,……"); never another date of the story's text, which dates the
    events it reports."""
    return (find_labelled_date(head) or find_labelled_date(foot) or parse_header_date(head) or _footer_date(foot)
            or dateline_date(to_simplified(body[:60].lstrip())))


# A sentence that a layout broke over short lines: "1月17日上午,\n某县2021年首批\n重大产业项目集中开工活动\n
# 在某开发区举行。" A line ending in a comma never ends a paragraph, so it is joined with the short lines
# after it up to the one that ends the sentence; a run that reaches no sentence end is left as it was.
_BROKEN_LINE_MAX = 40
_BROKEN_RUN_MAX = 8
_ENDS_WITH_COMMA = re.compile(r"[,，、]\s*$")
_ENDS_SENTENCE = re.compile(r"[。！？!?；;…]\s*[”」\"）)]?\s*$")


def _broken_run_end(lines: list[str], i: int) -> int | None:
    """The index of the line that ends the sentence line ``i`` (ending in a comma) starts, when only
    short lines that end no sentence stand between; else None."""
    if not (_ENDS_WITH_COMMA.search(lines[i]) and len(lines[i].strip()) <= _BROKEN_LINE_MAX):
        return None
    for j in range(i + 1, min(len(lines), i + _BROKEN_RUN_MAX + 1)):
        line = lines[j]
        if not line.strip():
            return None
        if _ENDS_SENTENCE.search(line):
            return j
        if len(line.strip()) > _BROKEN_LINE_MAX or is_sentence(line):
            return None
    return None


def _rejoin_broken_sentences(text: str) -> str:
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        j = _broken_run_end(lines, i)
        out.append(lines[i] if j is None else "".join(ln.strip() for ln in lines[i:j + 1]))
        i = i + 1 if j is None else j + 1
    return "\n".join(out)


def read_text(text: str) -> Page:
    """Read a plain-text article as crawled: optional title line, header lines (menus, date, 来源),
    the body, and footer lines (credits, e-paper index line, copyright)."""
    text = strip_pinyin_ruby(clean_characters(text).replace("\r\n", "\n"))
    if not text.strip():
        raise PageError("no text")
    lines = text.split("\n")
    first = _headline(lines)
    title = first.strip() if _is_title_line(first) and parse_date(first) is None else None
    at = lines.index(first) if title else 0
    body_lines = lines[at + 1:] if title else lines
    # the masthead above the headline still names the outlet and the date
    header, footer = _header_and_footer(lines[:at] + body_lines if title else lines)
    body = strip_header_furniture(cut_boilerplate("\n".join(body_lines)), title)
    # A leading metadata line (发布时间…/来源…) is page furniture, not body text.
    body_head, _, body_rest = body.partition("\n")
    if len(body_head) <= 80 and (find_labelled_date(to_simplified(body_head)) or _OUTLET.search(to_simplified(body_head))):
        body = body_rest.strip()
    if not body:
        raise PageError("no text")
    body = trim_edge_furniture(_rejoin_broken_sentences(body))
    head, foot = "\n".join(header), "\n".join(footer)
    return Page(
        title=title,
        published_at=_text_date(head, foot, body),
        outlet=find_outlet(head) or find_outlet(foot) or find_outlet(body) or find_host(head) or find_host(foot),
        text=body,
        script=detect_script(body),
        mojibake=find_mojibake(body),
    )
