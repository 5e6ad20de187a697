"""``yrdwatch sources --check``: try a source for real before relying on it.

A source is tried the way a crawl reads it, by the crawl's own code (Scrapy with the network
policy, robots.txt, politeness and retries; the spider's listing, feed and sitemap readers; the
extractor), in a child process like a crawl, and nothing is read from or written to the
database. The steps, in order: the host of the first start URL resolves to an address the network
policy lets out (``DNS``); ``robots.txt`` answers and lets yrdwatch fetch the start URL; the first
listing, feed or sitemap is fetched (``head``); it leads to article links; the first of them is
fetched (and the next, up to three, while they fail) and the extractor reads a text from it (title, date, length and announcements shown).
A source passes when every step did; a person who has read the report then marks it verified in
its seeds file (``verified = true``): new sources are unverified.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import scrapy
from protego import Protego

from yrdwatch.crawler import settings as default_settings
from yrdwatch.crawler.middlewares import NetworkPolicy, RefusedByPolicy, address_kind, literal_address, refusal
from yrdwatch.crawler.run import child_command
from yrdwatch.crawler.signals import crawl_error, crawl_skipped
from yrdwatch.crawler.sources import Source
from yrdwatch.crawler.spiders import SourceSpider, describe_failure

STEPS = ("DNS", "robots.txt", "head", "article links", "article")
OK, WARNING, FAILED, NOT_TRIED = "ok", "warning", "FAILED", "not tried"
ARTICLES_TRIED = 3  # the first links fetched: one that fails (a 404, a broken page) does not fail the source
CHECK_SECONDS = 300  # a check that has not ended by then is closed, its missing steps "not tried"
# The crawl's settings less everything that touches the database: no pipelines (nothing is stored),
# no run record, no retry of lost articles.
CHECK_SETTINGS = {
    "ITEM_PIPELINES": {},
    "EXTENSIONS": {**default_settings.EXTENSIONS, "yrdwatch.crawler.extensions.RunRecorder": None},
    "SPIDER_MIDDLEWARES": {**default_settings.SPIDER_MIDDLEWARES, "yrdwatch.crawler.refetch.RefetchLostArticles": None},
    "CLOSESPIDER_TIMEOUT": CHECK_SECONDS,
    "LOG_LEVEL": "WARNING",
}


class CheckError(RuntimeError):
    """The check process could not run at all (its output's tail is in the message)."""


class CheckSpider(SourceSpider):
    """One source, tried once: the first start URL only, its first page only, one article."""

    def __init__(self, source: Source, report: dict, **kwargs):
        super().__init__(source=replace(source, max_pages=1), **kwargs)
        self.report = report  # step name → (status, what was found); filled as the answers come
        self.links: list[str] = []
        self.articles: dict[str, tuple[str, str]] = {}  # url asked for → (status, what was found)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.failed, signal=crawl_error)
        crawler.signals.connect(spider.not_fetched, signal=crawl_skipped)
        return spider

    def step(self, name: str, status: str, detail: str) -> None:
        if self.report.get(name, (OK,))[0] != FAILED:  # a failure found later overrides a first success
            self.report[name] = (status, detail)

    async def start(self):
        url = self.source.start_urls[0]
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            literal = literal_address(parts.hostname)
            addresses = [literal] if literal else await NetworkPolicy.resolve(parts.hostname)
        except RefusedByPolicy:
            self.step("DNS", FAILED, f"{parts.hostname} does not resolve (no such host, or no DNS answer): "
                                     "check the start URL, and this machine's DNS")
            return
        for address in addresses:
            if reason := refusal(address, port, self.source):
                self.step("DNS", FAILED, f"{parts.hostname} → {address}, {reason}")
                return
        kinds = sorted({kind for address in addresses if (kind := address_kind(address))})
        self.step("DNS", OK, f"{parts.hostname} → {', '.join(map(str, addresses))}"
                             + (f" ({', '.join(kinds)}, in private_addresses)" if kinds else ""))
        context = {"source": self.source.name}
        yield scrapy.Request(f"{parts.scheme}://{parts.netloc}/robots.txt", callback=self.robots_received,
                             errback=self.robots_failed, dont_filter=True,
                             meta={"dont_obey_robotstxt": True, "handle_httpstatus_all": True, **context})
        if request := self.start_request(self.source, url, context):
            yield request

    def robots_received(self, response):
        if response.status != 200:
            self.step("robots.txt", OK, f"HTTP {response.status}: no robots.txt, every page allowed")
            return
        robots = Protego.parse(response.text)
        agent = self.crawler.settings.get("USER_AGENT")
        allowed = robots.can_fetch(self.source.start_urls[0], agent)
        delay = robots.crawl_delay(agent)
        self.step("robots.txt", OK if allowed else FAILED,
                  f"HTTP 200, the start URL is {'allowed' if allowed else 'DISALLOWED'} for yrdwatch"
                  + (f", Crawl-delay {delay:g} s" if delay else ""))

    def robots_failed(self, failure):
        self.step("robots.txt", FAILED, f"not fetched: {describe_failure(failure)}")

    def failed(self, url, reason, meta=None, stage="download", **_):
        if stage == "limit":
            return
        if (meta or {}).get("article"):
            self.articles[url] = (FAILED, f"{url}: {reason}")
        else:
            self.step("head", FAILED, f"{url}: {reason}")

    def not_fetched(self, url, reason, meta=None, **_):
        self.failed(url, f"not fetched: {reason}", meta)

    def head_validators(self, url: str) -> None:
        return None  # always a full fetch, whatever an earlier crawl saw

    def known(self, canonicals: list[str]) -> set[str]:
        return set()  # every link counts, stored or not

    def page_seen(self, source: Source, url: str, status: int, meta: dict) -> None:
        return None  # nothing is remembered: a check leaves the database as it was

    def head_fetched(self, source: Source, meta: dict, record: tuple) -> None:
        url, status = record[0], record[1]
        self.step("head", OK, f"{self.source.kind} {url}: HTTP {status}")

    def article_request(self, url: str, canonical: str, response):
        self.links.append(url)
        if len(self.articles) >= ARTICLES_TRIED:
            return None
        if request := super().article_request(url, canonical, response):
            self.articles[request.url] = (NOT_TRIED, f"{request.url}: no answer")
        return request

    def parse_article(self, response):
        from yrdwatch.extract.article import article_from_bytes

        asked = response.meta.get("redirect_urls", [response.url])[0]  # the URL article_request recorded
        content_type = response.headers.get("Content-Type", b"").decode("latin-1") or None
        try:
            page = (article := article_from_bytes(response.body, url=response.url, content_type=content_type)).page
        except Exception as err:  # noqa: BLE001 - whatever the extractor refuses is this step's finding
            self.articles[asked] = (FAILED, f"{response.url}: HTTP {response.status}, no article read: {err}")
            return
        missing = [what for what, value in (("title", page.title), ("date", page.published_at)) if not value]
        self.articles[asked] = (
                  WARNING if missing else OK, f"{response.url}: HTTP {response.status}, 「{page.title or ''}」 {page.published_at or ''}, "
                  f"{len(page.text)} characters, {len(article.announcements)} announcement(s)"
                  + (f"; no {' and no '.join(missing)} found" if missing else ""))

    def closed(self, reason):
        if self.report.get("head", (None,))[0] == OK:
            shown = ", ".join(self.links[:3]) + (", …" if len(self.links) > 3 else "")
            self.step("article links", OK if self.links else FAILED,
                      f"{len(self.links)} found: {shown}" if self.links else
                      f"none found on the {self.source.kind}: set article_url_pattern for this site's article URLs")
        tried = list(self.articles.values())
        read = next((found for found in tried if found[0] != FAILED and found[0] != NOT_TRIED), None)
        if read:
            failures = [detail for status, detail in tried[:tried.index(read)]]
            self.step("article", read[0], read[1] + (f" (after {len(failures)} that failed: {'; '.join(failures)})"
                                                     if failures else ""))
        elif tried:
            self.step("article", FAILED, "; ".join(detail for _, detail in tried))


def verdict(source: Source, report: dict) -> dict:
    """The report of one source: each step in order and the verdict (the first failure's reason)."""
    steps = [{"step": name, "status": report.get(name, (NOT_TRIED, ""))[0], "detail": report.get(name, ("", ""))[1]}
             for name in STEPS]
    failure = next((s for s in steps if s["status"] in (FAILED, NOT_TRIED)), None)
    return {"source": source.name, "kind": source.kind, "seeds_file": str(source.seeds_file), "line": source.line,
            "verified": source.verified, "steps": steps, "passed": failure is None,
            "reason": None if failure is None else f"{failure['step']}: {failure['detail'] or 'not tried'}"}


def check_sources(sources: list[Source], settings: dict | None = None) -> list[dict]:
    """Try ``sources`` (validated already) in a child process; one report per source (``verdict``)."""
    with tempfile.TemporaryDirectory(prefix="yrdwatch-check-") as tmp:
        out = Path(tmp) / "report.json"
        cmd, env = child_command("yrdwatch.crawler.check", sources, settings, ["--out", str(out)])
        proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if not out.exists():
            tail = proc.stdout.decode(errors="replace")[-2000:]
            raise CheckError(f"the check process exited with {proc.returncode}:\n{tail}")
        return json.loads(out.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    from scrapy.crawler import CrawlerProcess

    from yrdwatch.crawler.process import scrapy_settings
    from yrdwatch.crawler.sources import load_all, select

    parser = argparse.ArgumentParser(prog="python -m yrdwatch.crawler.check")
    parser.add_argument("--out", required=True)
    parser.add_argument("--seeds", required=True, action="append")
    parser.add_argument("--source", action="append", default=[])
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args(argv)
    sources = select(load_all(args.seeds), args.source)
    settings = scrapy_settings(args.set)
    for name, value in CHECK_SETTINGS.items():
        settings.set(name, value, priority="cmdline")
    process = CrawlerProcess(settings, install_root_handler=True)
    reports = {source.name: {} for source in sources}
    for source in sources:
        process.crawl(CheckSpider, source=source, report=reports[source.name])
    process.start()
    Path(args.out).write_text(json.dumps([verdict(s, reports[s.name]) for s in sources], ensure_ascii=False),
                              encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
