"""The bundled sample news sites: content files rendered into three outlets' CMS templates.

Three outlets imitate common Chinese CMS shapes, each under its own path prefix on one server:

- ``liangxi`` — a district government site on a TRS/大汉-style CMS (``/art/2023/8/7/art_1234_5678.html``,
  column listings ``/col/col1234/index.html``), listing pages only;
- ``suzhou`` — a city government site on TRS WCM (``/szyw/202308/t20230807_700001.shtml``), with a
  ``sitemap.xml``;
- ``yrdnews`` — a regional paper on a newspaper CMS (``/content/2023-08/07/content_90001.htm``),
  with an RSS feed.

Faults a crawler must survive are part of the sites on purpose (see ``FAULTS``), and so are pages
that are no articles on article-shaped URLs (``content/pages.toml``) and articles on URLs in other
CMSs' shapes (a story file's ``path:``). Everything is
built once, in memory, into ``{path: Resource}``; the server only looks paths up.
"""
from __future__ import annotations

import hashlib
import json
import random
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from yrdwatch.extract.normalize import strip_pinyin_ruby, to_simplified

HERE = Path(__file__).resolve().parent
CONTENT = HERE / "content"
PER_PAGE = 6  # listing entries per page: small, so that pagination is exercised

OUTLETS = {
    "liangxi": {"name": "无锡市梁溪区人民政府", "icp": "苏ICP备05004217号-1", "code": "3202130001", "home": "/liangxi/index.html"},
    "suzhou": {"name": "苏州市人民政府", "icp": "苏ICP备10220335号", "code": "3205000001", "home": "/suzhou/index.shtml"},
    "yrdnews": {"name": "长三角经济报", "icp": "沪ICP备18036621号-2", "code": None, "home": "/yrdnews/"},
}


@dataclass
class Story:
    id: str
    outlet: str
    title: str
    date: datetime
    source: str
    paragraphs: list[str]
    encoding: str = "utf-8"
    charset_lie: bool = False
    expect: dict = field(default_factory=dict)
    path: str = ""
    fixed_path: str = ""  # a URL in a shape other than its outlet's own (people.cn, dated .shtml, show.php?id=)


@dataclass
class Resource:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    fault: str | None = None  # "fail-once" | "truncate"


def _parse_story_file(path: Path) -> Story:
    head, _, body = path.read_text(encoding="utf-8").partition("\n---\n")
    meta = {}
    for line in head.splitlines():
        if ":" in line:
            key, _, value = line.partition(":")
            meta[key.strip()] = value.strip()
    return Story(
        id=meta["id"], outlet=meta["outlet"], title=meta["title"],
        date=datetime.strptime(meta["date"], "%Y-%m-%d %H:%M"), source=meta.get("source", ""),
        paragraphs=[p.strip() for p in body.splitlines() if p.strip()],
        encoding=meta.get("encoding", "utf-8"), charset_lie=meta.get("charset_lie") == "true",
        expect=json.loads(meta["expect"]) if meta.get("expect") else {}, fixed_path=meta.get("path", ""),
    )


def load_stories() -> list[Story]:
    stories = [_parse_story_file(p) for p in sorted((CONTENT / "articles").glob("*.txt"))]
    seeds = tomllib.loads((CONTENT / "seed_articles.toml").read_text(encoding="utf-8"))
    by_id = {s.id: s for s in stories}
    for entry in seeds["article"]:
        lines = [ln for ln in (CONTENT / "seed_articles" / entry["file"]).read_text(encoding="utf-8").splitlines()]
        title = lines.pop(0).strip() if entry.get("title_line") else entry["title"]
        story = Story(id=entry["id"], outlet=entry["outlet"], title=title,
                      date=datetime.strptime(entry["date"], "%Y-%m-%d %H:%M"), source=entry["source"],
                      paragraphs=[ln.strip() for ln in lines if ln.strip()])
        stories.append(story)
        by_id[story.id] = story
    for entry in seeds.get("reprint", []):
        original = by_id[entry["of"]]
        convert = (lambda t: to_simplified(strip_pinyin_ruby(t))) if entry.get("convert") == "t2s" else (lambda t: t)
        stories.append(Story(id=entry["id"], outlet=entry["outlet"], title=entry["title"],
                             date=datetime.strptime(entry["date"], "%Y-%m-%d %H:%M"), source=entry["source"],
                             paragraphs=[convert(p) for p in original.paragraphs]))
    return sorted(stories, key=lambda s: (s.date, s.id), reverse=True)  # newest first, as sites list them


def _article_path(story: Story) -> str:
    """The story's URL in its outlet's CMS shape; the number comes from the id, so URLs stay put
    when stories are added."""
    if story.fixed_path:
        return story.fixed_path
    number = int(hashlib.sha1(story.id.encode("utf-8")).hexdigest()[:4], 16)
    d = story.date
    if story.outlet == "liangxi":
        return f"/liangxi/art/{d.year}/{d.month}/{d.day}/art_1234_{5600 + number}.html"
    if story.outlet == "suzhou":
        return f"/suzhou/szyw/{d:%Y%m}/t{d:%Y%m%d}_{700000 + number}.shtml"
    return f"/yrdnews/content/{d:%Y-%m}/{d:%d}/content_{90000 + number}.htm"


def _listing_path(outlet: str, page: int) -> str:
    """Page 1 and its followers, in each CMS's own naming."""
    if outlet == "liangxi":
        return "/liangxi/col/col1234/index.html" if page == 1 else f"/liangxi/col/col1234/index_{page}.html"
    if outlet == "suzhou":
        return "/suzhou/szyw/index.shtml" if page == 1 else f"/suzhou/szyw/index_{page - 1}.shtml"
    return "/yrdnews/node_12.htm" if page == 1 else f"/yrdnews/node_12_{page}.htm"


# Deliberate faults, by outlet: what a crawler meets on real sites.
FAULTS = {
    "missing": "/liangxi/art/2023/9/1/art_1234_404.html",  # linked from a listing, answers 404
    "robots": "/liangxi/preview/art/2023/9/2/art_1234_9001.html",  # disallowed by robots.txt
    "fail_once": "liangxi",  # the outlet whose second-newest article answers 500 once, then 200
    "truncated": "/yrdnews/content/2023-09/05/content_99999.htm",  # connection closed mid-body
}
# The /faults/ column: pages no crawler should choke on. Its own source (not in seeds/sample.toml,
# so that everyday crawls stay quick) is written by the tests: see tests/test_faults.py.
FAULT_PAGES = {
    "art_big.html": "a page over the 5 MB size cap",
    "art_binary.html": "PNG bytes served as text/html",
    "art_loop.html": "a redirect to itself",
    "art_slow.html": "an answer slower than the timeout",
    "art_busy.html": "429 with Retry-After: 1, then the page",
    "art_nocharset.html": "GBK with no charset anywhere",
}


def load_pages() -> list[dict]:
    """The pages that are no articles (``content/pages.toml``): a 专题 hub, a profile, a gallery, a tag page."""
    return tomllib.loads((CONTENT / "pages.toml").read_text(encoding="utf-8"))["page"]


ROBOTS_TXT = "User-agent: *\nDisallow: /liangxi/preview/\n\nSitemap: {base}/suzhou/sitemap.xml\n"


class SampleSites:
    """All pages of the three outlets, keyed by path; ``base`` is filled in by the server."""

    def __init__(self, base: str):
        self.base = base.rstrip("/")
        self.env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html", "xml"]))
        self.stories = load_stories()
        self.pages = load_pages()
        headlines = (CONTENT / "headlines.txt").read_text(encoding="utf-8").split("\n")
        self.headlines = [h.strip() for h in headlines if h.strip()]
        self.resources: dict[str, Resource] = {}
        self._build()

    def publish(self, story: Story) -> None:
        """Add a story (as an editor would): its outlet's listings, feed and sitemap change with it."""
        self.stories = sorted([*self.stories, story], key=lambda s: (s.date, s.id), reverse=True)
        self.resources = {}
        self._build()

    def _related(self, story: Story) -> list[str]:
        rng = random.Random(story.id)  # the same unrelated headlines on every run
        return rng.sample(self.headlines, k=min(8, len(self.headlines)))

    def _render(self, outlet: str, template: str, **context) -> str:
        return self.env.get_template(f"{outlet}/{template}").render(outlet=OUTLETS[outlet], base=self.base, **context)

    def _build(self) -> None:
        for outlet in OUTLETS:
            stories = [s for s in self.stories if s.outlet == outlet]
            for story in stories:
                story.path = _article_path(story)
            self._build_outlet(outlet, stories)
        self._build_faults()
        self.resources["/robots.txt"] = Resource(ROBOTS_TXT.format(base=self.base).encode(), "text/plain; charset=utf-8")
        self.resources["/"] = Resource(self._render_index().encode("utf-8"))

    def _build_outlet(self, outlet: str, stories: list[Story]) -> None:
        listed = [{"title": s.title, "url": s.path, "date": s.date} for s in stories]
        if outlet == "liangxi":  # a broken link and a robots-disallowed article sit in the listing
            listed.insert(1, {"title": "梁溪区召开重点项目推进会(链接已失效)", "url": FAULTS["missing"], "date": datetime(2023, 9, 1)})
            listed.insert(2, {"title": "内部预览稿件(请勿抓取)", "url": FAULTS["robots"], "date": datetime(2023, 9, 2)})
        if outlet == "yrdnews":
            listed.insert(0, {"title": "长三角港口集团签署合作协议(传输中断)", "url": FAULTS["truncated"], "date": datetime(2023, 9, 5)})
        pages = [listed[i:i + PER_PAGE] for i in range(0, len(listed), PER_PAGE)] or [[]]
        for page_no, entries in enumerate(pages, start=1):
            html = self._render(outlet, "listing.html", entries=entries, page=page_no, pages=len(pages),
                                page_url=lambda n, o=outlet: _listing_path(o, n))
            self.resources[_listing_path(outlet, page_no)] = Resource(html.encode("utf-8"))
        home = self._render(outlet, "home.html", entries=listed[:8], listing=_listing_path(outlet, 1))
        self.resources[OUTLETS[outlet]["home"]] = Resource(home.encode("utf-8"))
        for story in stories:
            self.resources[story.path] = self._article_resource(outlet, story, stories)
        pages = [page for page in self.pages if page["outlet"] == outlet]
        for page in pages:
            html = self._render(outlet, "page.html", page=page, entries=listed)
            self.resources[page["path"]] = Resource(html.encode("utf-8"))
        if outlet == "liangxi" and len(stories) > 1:
            self.resources[stories[1].path].fault = "fail-once"
        if outlet == "yrdnews":
            truncated = self._render(outlet, "article.html", story=stories[0], related=[], siblings=[])
            self.resources[FAULTS["truncated"]] = Resource(truncated.encode("utf-8"), fault="truncate")
            rss = self._render(outlet, "rss.xml", entries=listed, now=max(s.date for s in stories))
            self.resources["/yrdnews/rss.xml"] = Resource(rss.encode("utf-8"), "application/rss+xml; charset=utf-8")
        if outlet == "suzhou":
            sitemap = self._render(outlet, "sitemap.xml", stories=stories, pages=pages, listing=_listing_path(outlet, 1))
            self.resources["/suzhou/sitemap.xml"] = Resource(sitemap.encode("utf-8"), "application/xml; charset=utf-8")

    def _build_faults(self) -> None:
        story = next(s for s in self.stories if s.outlet == "liangxi")
        page = self._render("liangxi", "article.html", story=story, related=[], siblings=[])
        links = "".join(f'<li><a href="/faults/{name}">{what}</a><span>2024-06-01</span></li>'
                        for name, what in FAULT_PAGES.items())
        links += '<li><a href="http://www.example.com/art/2024/6/1/art_1_1.html">外站链接</a><span>2024-06-01</span></li>'
        self.resources["/faults/index.html"] = Resource(f"<html><body><ul>{links}</ul></body></html>".encode("utf-8"))
        faults = {
            "art_big.html": Resource(page.encode("utf-8") + b"<!--" + b"x" * (6 * 1024 * 1024) + b"-->"),
            "art_binary.html": Resource(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40, "text/html"),
            "art_loop.html": Resource(b"", fault="redirect-loop"),
            "art_slow.html": Resource(page.encode("utf-8"), fault="slow"),
            "art_busy.html": Resource(page.replace(story.title, story.title + "（续）").encode("utf-8"), fault="busy-once"),
            "art_nocharset.html": Resource(page.replace('charset=utf-8', '').replace(story.title, story.title + "（GBK）")
                                           .encode("gb18030"), "text/html"),
        }
        for name, resource in faults.items():
            self.resources[f"/faults/{name}"] = resource

    def _article_resource(self, outlet: str, story: Story, stories: list[Story]) -> Resource:
        charset = "gb2312" if story.charset_lie else ("gbk" if story.encoding == "gbk" else "utf-8")
        siblings = [s for s in stories if s is not story][:5]
        html = self._render(outlet, "article.html", story=story, related=self._related(story),
                            siblings=siblings, charset=charset)
        if story.encoding == "gbk":
            return Resource(html.encode("gb18030"), "text/html")  # no charset in the header: only <meta> says
        return Resource(html.encode("utf-8"), "text/html" if story.charset_lie else "text/html; charset=utf-8")

    def _render_index(self) -> str:
        links = "".join(f'<li><a href="{o["home"]}">{o["name"]}</a></li>' for o in OUTLETS.values())
        return f"<!doctype html><html><head><meta charset='utf-8'><title>yrdwatch sample sites</title></head><body><ul>{links}</ul></body></html>"

    def etag(self, path: str) -> str:
        return '"' + hashlib.sha1(self.resources[path].body).hexdigest()[:16] + '"'
