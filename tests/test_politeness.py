"""Politeness against a real local server: robots.txt Crawl-delay, Retry-After on 429, the User-Agent."""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from yrdwatch.crawler.throttle import retry_after_seconds

ARTICLE = ("<html><head><meta charset='utf-8'><title>某区项目签约</title></head><body><h1>某区项目签约</h1>"
           "<p>发布时间：2024-05-0{n} 10:00</p><p>5月{n}日，某区举行重点项目集中签约仪式，共签约项目{n}个，总投资约{n}0亿元，"
           "涵盖新能源汽车零部件、集成电路等产业领域。此次签约项目建成后将进一步壮大先进制造业集群。</p></body></html>")


class PoliteSite(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.log: list[tuple[float, str, int, str]] = []  # (time, path, status, user agent)
        self.rejected_once = False


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        server, base = self.server, f"http://127.0.0.1:{self.server.server_address[1]}"
        status, body, headers = 200, b"", {"Content-Type": "text/html; charset=utf-8"}
        if self.path == "/robots.txt":
            body, headers["Content-Type"] = b"User-agent: *\nCrawl-delay: 0.7\n", "text/plain"
        elif self.path == "/rss.xml":
            items = "".join(f"<item><title>t{n}</title><link>{base}/content/2024-05/0{n}/content_{n}.htm</link></item>"
                            for n in (1, 2, 3))
            body = f"<?xml version='1.0'?><rss version='2.0'><channel><title>x</title>{items}</channel></rss>".encode()
        elif self.path.startswith("/content/"):
            n = int(self.path.rsplit("_", 1)[1].split(".")[0])
            if n == 2 and not server.rejected_once:
                server.rejected_once = True
                status, headers["Retry-After"] = 429, "2"
            body = ARTICLE.format(n=n).encode("utf-8")
        else:
            status = 404
        server.log.append((time.monotonic(), self.path, status, self.headers.get("User-Agent", "")))
        self.send_response(status)
        for key, value in {**headers, "Content-Length": str(len(body))}.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def polite_site():
    server = PoliteSite()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def test_crawl_delay_retry_after_and_user_agent(polite_site, tmp_path, run_cli):
    base = f"http://127.0.0.1:{polite_site.server_address[1]}"
    seeds = tmp_path / "s.toml"
    seeds.write_text(f'[[sources]]\nname = "polite"\noutlet = "某报"\nregion = "江苏省"\nkind = "feed"\n'
                     f'start_urls = ["{base}/rss.xml"]\nallowed_domains = ["127.0.0.1"]\nprivate_addresses = ["127.0.0.1"]\n', encoding="utf-8")
    config = tmp_path / "yrdwatch.toml"
    config.write_text('[crawl]\nmin_delay = 0\ncontact = "mailto:ops@example.org"\n', encoding="utf-8")
    result = run_cli("--config", config, "crawl", "--seeds", seeds, "--json")
    run = json.loads(result.stdout)
    assert run["status"] == "finished" and run["new_articles"] == 3 and run["errors"] == 0
    log = polite_site.log
    assert [path for _, path, _, _ in log][:2] == ["/robots.txt", "/rss.xml"]
    gaps = [b[0] - a[0] for a, b in zip(log, log[1:])]
    assert min(gaps[1:]) >= 0.65, gaps  # Crawl-delay: 0.7 from the first request after robots.txt on
    rejected = next(i for i, entry in enumerate(log) if entry[2] == 429)
    retry = next(i for i, entry in enumerate(log) if i > rejected and entry[1] == log[rejected][1])
    assert log[retry][0] - log[rejected][0] >= 1.9  # Retry-After: 2
    assert all(ua.startswith("yrdwatch/") and "mailto:ops@example.org" in ua for _, _, _, ua in log)


def test_retry_after_forms():
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0  # in the past
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_a_source_delay_is_its_crawlers_download_delay(tmp_path):
    """The floor AutoThrottle and PoliteDelays read is the crawler's DOWNLOAD_DELAY, set from the
    source by the spider (public settings, not a private AutoThrottle method)."""
    from scrapy.crawler import Crawler
    from scrapy.settings import Settings

    from yrdwatch.crawler import settings as default_settings
    from yrdwatch.crawler.sources import Source
    from yrdwatch.crawler.spiders import SourceSpider

    def delay_of(min_delay=None, **fields):
        settings = Settings()
        settings.setmodule(default_settings, priority="project")
        if min_delay is not None:  # the config's floor, passed as `yrdwatch crawl` passes it (crawler.process --set)
            settings.set("DOWNLOAD_DELAY", min_delay, priority="cmdline")
        crawler = Crawler(SourceSpider, settings)
        source = Source(name="s", outlet="某报", region="江苏省", kind="feed", start_urls=["http://x.test/rss.xml"],
                        allowed_domains=["x.test"], seeds_file=tmp_path / "s.toml", **fields)
        SourceSpider.from_crawler(crawler, source=source)
        return crawler.settings.getfloat("DOWNLOAD_DELAY")

    assert delay_of(download_delay=2.5) == 2.5
    assert delay_of() == 1.0  # the configured floor (crawler.settings DOWNLOAD_DELAY)
    assert delay_of(min_delay="1.0", download_delay=0) == 0  # the source's own delay overrides the config's floor
    assert delay_of(min_delay="2.0") == 2.0
