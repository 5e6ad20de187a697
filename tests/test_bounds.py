"""Bounded work per source run, against a real hostile site: a sitemap index that lists itself,
indexes nested without end, a feed and a listing of thousands of links, gzipped sitemaps (good and
broken) and a page of random bytes. Every cap ends the run and is recorded with its reason."""
import gzip
import os
import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from yrdwatch.crawler.run import run_crawl
from yrdwatch.crawler.sources import load_sources
from yrdwatch.config import ConfigError, load_config

ARTICLE = ("<html><head><meta charset='utf-8'><title>{title}</title></head><body><h1>{title}</h1>"
           "<p>{date} 本网讯，苏州工业园区第{n}个重点项目今日开工，总投资{n}亿元，预计两年内建成投产。</p>"
           "<p>该项目由园区管委会牵头推进，建成后将形成新的产业集群，带动周边配套企业发展。</p></body></html>")
URLSET = '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{}</urlset>'
INDEX = '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{}</sitemapindex>'
NOISE = os.urandom(200 * 1024)


def _locs(urls, tag="url"):
    return "".join(f"<{tag}><loc>{u}</loc></{tag}>" for u in urls)


class HostileSite(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        base, path = f"http://{self.headers['Host']}", self.path
        self.server.hits.append(path)
        if path == "/self/sitemap.xml":  # an index that lists itself (and nothing else)
            return self._answer(INDEX.format(_locs([base + path], "sitemap")).encode(), "application/xml")
        if path.startswith("/deep/"):  # each index lists one more, without end
            n = int(path.split("/")[2].split(".")[0])
            return self._answer(INDEX.format(_locs([f"{base}/deep/{n + 1}.xml"], "sitemap")).encode(), "application/xml")
        if path == "/big/rss.xml":
            items = "".join(f"<item><title>新闻{i}</title><link>{base}/art/{20000 + i}.html</link></item>" for i in range(3000))
            return self._answer(f'<?xml version="1.0"?><rss version="2.0"><channel><title>大</title>{items}'
                                "</channel></rss>".encode(), "application/rss+xml")
        if path == "/big/list.html":
            links = "".join(f'<li><a href="/art/{10000 + i}.html">新闻{i}</a><span>2024-06-01</span></li>' for i in range(3000))
            return self._answer(f"<html><body><ul>{links}</ul></body></html>".encode())
        if path == "/gz/sitemap.xml.gz":
            return self._answer(gzip.compress(URLSET.format(_locs(f"{base}/art/{i}.html" for i in range(9000, 9003)))
                                              .encode()), "application/x-gzip")
        if path == "/gz/broken.xml.gz":
            return self._answer(b"\x1f\x8b\x08\x00" + b"not really gzip" * 10, "application/x-gzip")
        if path == "/noise/list.html":
            return self._answer(b'<html><body><a href="/noise/art/1.html">noise</a></body></html>')
        if path == "/noise/art/1.html":
            return self._answer(NOISE)
        if path.startswith("/art/"):
            n = int(path[5:].split(".")[0])
            return self._answer(ARTICLE.format(title=f"园区重点项目开工（第{n}期）", date="2024年6月1日", n=n).encode())
        self._answer(b"not found", status=404)

    def _answer(self, body, content_type="text/html; charset=utf-8", status=200):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def hostile_site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), HostileSite)
    server.hits = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


SOURCES = {  # name: (kind, start path)
    "self-index": ("sitemap", "/self/sitemap.xml"),
    "deep-index": ("sitemap", "/deep/1.xml"),
    "big-feed": ("feed", "/big/rss.xml"),
    "big-listing": ("listing", "/big/list.html"),
    "gz-sitemap": ("sitemap", "/gz/sitemap.xml.gz"),
    "gz-broken": ("sitemap", "/gz/broken.xml.gz"),
    "noise": ("listing", "/noise/list.html"),
}


def test_every_cap_ends_the_run_and_is_recorded(hostile_site, tmp_path, db_path):
    site = f"127.0.0.1:{hostile_site.server_address[1]}"
    seeds = tmp_path / "hostile.toml"
    seeds.write_text(f'[defaults]\noutlet = "某站"\nregion = "江苏省"\nallowed_domains = ["127.0.0.1"]\n'
                     f'private_addresses = ["{site}"]\ndownload_delay = 0\n'
                     "article_url_pattern = '/art/\\d+\\.html$'\n"
                     + "".join(f'[[sources]]\nname = "{name}"\nkind = "{kind}"\nstart_urls = ["http://{site}{path}"]\n'
                               for name, (kind, path) in SOURCES.items()), encoding="utf-8")
    config = tmp_path / "yrdwatch.toml"  # the caps as a user sets them
    config.write_text("[crawl]\nmin_delay = 0\nmax_requests = 40\nmax_links_per_page = 60\nmax_feed_items = 25\n"
                      "max_sitemap_depth = 3\n", encoding="utf-8")
    caps = load_config(config).crawl_settings()
    runs = {r["source"]: r for r in run_crawl(db_path, load_sources(seeds), settings=caps)}
    assert all(r["status"] == "finished" for r in runs.values()), runs

    def reasons(name, stage=None):
        return [e["reason"] for e in runs[name]["error_details"] if stage in (None, e["stage"])]

    # A self-listing index is read once; an endless chain stops at the depth cap.
    assert hostile_site.hits.count("/self/sitemap.xml") == 1
    assert any(r.startswith("sitemap repeat") for r in reasons("self-index", "limit"))
    assert [h for h in hostile_site.hits if h.startswith("/deep/")] == ["/deep/1.xml", "/deep/2.xml", "/deep/3.xml",
                                                                       "/deep/4.xml"]
    assert any(r.startswith("sitemap depth cap") for r in reasons("deep-index", "limit"))
    # 3,000 feed entries: the first 25 are asked for; 3,000 listing links: 60 taken, 40 requests made.
    assert any(r.startswith("feed items cap: 3000 entries, the first 25") for r in reasons("big-feed", "limit"))
    assert runs["big-feed"]["new_articles"] == 25
    listing = reasons("big-listing", "limit")
    assert any(r.startswith("links cap: 3000 article links") for r in listing)
    assert any(r.startswith("requests cap: 40 requests") for r in listing)
    assert runs["big-listing"]["new_articles"] == 39  # the listing page was the 40th request
    # Gzipped sitemaps are read, and a broken one says why.
    assert runs["gz-sitemap"]["new_articles"] == 3 and runs["gz-sitemap"]["errors"] == 0
    (broken,) = reasons("gz-broken")
    assert broken.startswith("unreadable sitemap: broken gzip data ("), broken
    # 200 KB of random bytes are not an article.
    assert reasons("noise") == ["binary content, not an HTML page"] and runs["noise"]["new_articles"] == 0
    db = sqlite3.connect(db_path)
    assert db.execute("select count(*) from articles where url like '%/noise/%'").fetchone()[0] == 0


def test_a_gzipped_sitemap_is_unzipped_up_to_its_cap():
    from yrdwatch.crawler.spiders import sitemap_body
    xml = URLSET.format(_locs(f"http://x/art/{i}.html" for i in range(100))).encode()
    assert sitemap_body(gzip.compress(xml), len(xml)) == xml and sitemap_body(xml, 10) == xml
    with pytest.raises(ValueError, match="larger than 1000 bytes unzipped"):
        sitemap_body(gzip.compress(xml), 1000)


def test_a_cap_that_is_not_a_count_is_refused_with_its_line(tmp_path):
    config = tmp_path / "yrdwatch.toml"
    config.write_text("[crawl]\nmax_requests = 100\nmax_feed_items = 0\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"yrdwatch.toml:3: crawl.max_feed_items: must be a whole number, at least 1"):
        load_config(config)
