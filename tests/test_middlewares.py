"""The network policy: addresses judged after resolving, on every redirect hop, against real servers."""
import ipaddress
import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from yrdwatch.crawler.middlewares import Allowed, address_kind, literal_address, redirect_refusal, refusal
from yrdwatch.crawler.sources import Source

# Every way of writing loopback that reached it before (issue 15), and its neighbours.
LOOPBACK_FORMS = ["127.0.0.1", "127.1", "2130706433", "0x7f000001", "0177.0.0.1", "localhost.", "[::1]",
                  "[::ffff:127.0.0.1]"]
OTHER_PRIVATE = {"10.0.0.1": "private", "169.254.169.254": "link-local", "192.168.1.1": "private",
                 "[fe80::1]": "link-local", "0.0.0.0": "unspecified", "240.0.0.1": "reserved"}


def _source(**keys) -> Source:
    return Source(name="s", outlet="o", region="r", kind="listing", start_urls=["https://www.wxlx.gov.cn/"],
                  allowed_domains=["wxlx.gov.cn"], **keys)


@pytest.mark.parametrize("host", LOOPBACK_FORMS)
def test_every_numeric_form_of_loopback_is_loopback(host):
    assert address_kind(literal_address(host)) == "loopback"


@pytest.mark.parametrize("host, kind", OTHER_PRIVATE.items())
def test_other_non_global_addresses(host, kind):
    assert address_kind(literal_address(host)) == kind


def test_names_are_not_read_as_addresses_and_global_addresses_pass():
    assert literal_address("www.gov.cn") is None and literal_address("localhost.gov.cn") is None
    assert address_kind(ipaddress.ip_address("8.8.8.8")) is None
    assert refusal(ipaddress.ip_address("202.102.3.4"), 443, _source()) is None


def test_private_addresses_admit_exactly_what_they_list():
    loopback = ipaddress.ip_address("127.0.0.1")
    assert "loopback address" in refusal(loopback, 8765, _source())
    assert refusal(loopback, 8765, _source(private_addresses=("127.0.0.1:8765",))) is None
    assert refusal(loopback, 6379, _source(private_addresses=("127.0.0.1:8765",))) is not None
    assert refusal(loopback, 6379, _source(private_addresses=("127.0.0.0/8",))) is None
    assert refusal(ipaddress.ip_address("::1"), 80, _source(private_addresses=("[::1]:80",))) is None
    assert Allowed.parse("10.0.0.0/8").admits(ipaddress.ip_address("10.9.9.9"), 1)
    with pytest.raises(ValueError):
        Allowed.parse("intranet.local:80")


def test_redirects_stay_inside_allowed_domains_unless_the_source_allows():
    assert redirect_refusal("https://m.wxlx.gov.cn/art/1.html", _source()) is None
    assert "outside allowed_domains" in redirect_refusal("https://evil.example.com/", _source())
    assert redirect_refusal("https://evil.example.com/", _source(offsite_redirects=True)) is None


def test_seeds_refuse_a_malformed_private_address(tmp_path):
    from yrdwatch.crawler.sources import SourceError, load_sources
    seeds = tmp_path / "s.toml"
    seeds.write_text('[[sources]]\nname = "a"\noutlet = "o"\nregion = "r"\nkind = "feed"\n'
                     'start_urls = ["http://127.0.0.1/rss.xml"]\nallowed_domains = ["127.0.0.1"]\n'
                     'private_addresses = ["intranet:80"]\n', encoding="utf-8")
    with pytest.raises(SourceError, match=r"s.toml:8: sources\[0\].private_addresses: 'intranet:80'"):
        load_sources(seeds)


def _serve(handler) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


ARTICLE = ("<html><head><meta charset='utf-8'><title>内部页面</title></head><body><h1>内部页面</h1>"
           + "<p>这是一段只应在内网看到的文字，爬虫绝不能把它当作新闻保存下来。</p>" * 8 + "</body></html>").encode()


@pytest.fixture
def internal_service():
    """A service on loopback that a public source must never reach; it counts its visitors."""
    hits = []

    class Internal(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(ARTICLE)))
            self.end_headers()
            self.wfile.write(ARTICLE)

    server = _serve(Internal)
    server.hits = hits
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def redirecting_site(internal_service):
    """A news site whose articles answer 302: ``/art/N.html`` to every form of loopback and
    other private addresses, ``/away/0.html`` to another domain."""
    port = internal_service.server_address[1]
    targets = {"art": [f"http://{form}:{port}/admin" for form in [*LOOPBACK_FORMS, "10.0.0.1", "169.254.169.254"]],
               "away": ["http://www.example.com/art/1.html"]}

    class Site(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            column, _, name = self.path.strip("/").partition("/")
            if name == "list.html":
                links = "".join(f'<li><a href="/{column}/{i}.html">新闻{i}</a></li>' for i in range(len(targets[column])))
                self._answer(200, f"<html><body><ul>{links}</ul></body></html>".encode())
            elif column in targets and name.endswith(".html"):
                self._answer(302, b"", {"Location": targets[column][int(name.split(".")[0])]})
            else:
                self._answer(404, b"not found")

        def _answer(self, status, body, headers=None):
            self.send_response(status)
            for key, value in {"Content-Type": "text/html; charset=utf-8", "Content-Length": str(len(body)),
                               **(headers or {})}.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

    server = _serve(Site)
    server.targets = targets
    yield server
    server.shutdown()
    server.server_close()


def test_a_public_source_is_refused_on_every_redirect_to_loopback(redirecting_site, internal_service, tmp_path,
                                                                  run_cli, db_path):
    """The site is on loopback (the only place a test can serve from), so its sources list exactly
    that address:port in private_addresses and are public in every other respect."""
    site = f"127.0.0.1:{redirecting_site.server_address[1]}"
    port = internal_service.server_address[1]

    def source(name, column, extra=f'private_addresses = ["{site}"]\n'):
        return (f'[[sources]]\nname = "{name}"\noutlet = "某报"\nregion = "江苏省"\nkind = "listing"\n'
                f'allowed_domains = ["127.0.0.1"]\nstart_urls = ["http://{site}/{column}/list.html"]\n'
                f"article_url_pattern = '/{column}/\\d+\\.html$'\ndownload_delay = 0\n{extra}")

    seeds = tmp_path / "public.toml"
    # public-news may be redirected anywhere (offsite_redirects): only the addresses stop it.
    seeds.write_text(source("public-news", "art", f'private_addresses = ["{site}"]\noffsite_redirects = true\n')
                     + source("public-confined", "away") + source("public-unlisted", "art", ""), encoding="utf-8")
    run_cli("crawl", "--seeds", seeds)
    db = sqlite3.connect(db_path)
    assert internal_service.hits == []
    assert db.execute("select count(*) from articles").fetchone()[0] == 0
    errors = db.execute("select source, url, stage, reason from fetch_errors order by id").fetchall()
    refused = {url.split("://")[1].rsplit("/", 1)[0]: reason for source, url, stage, reason in errors
               if source == "public-news" and stage == "download"}
    for form in LOOPBACK_FORMS:
        assert "loopback address" in refused[f"{form}:{port}"], (form, refused)
    assert "private address" in refused[f"10.0.0.1:{port}"]
    assert "link-local address" in refused[f"169.254.169.254:{port}"]
    assert len(refused) == len(redirecting_site.targets["art"])
    # Redirects stay inside allowed_domains unless the source says otherwise.
    (away,) = [(url, reason) for source, url, stage, reason in errors if source == "public-confined"]
    assert away == ("http://www.example.com/art/1.html",
                    "RefusedByPolicy: refused: redirected to www.example.com, outside allowed_domains (network policy)")
    # The site without private_addresses is public: its very first page is refused, with the way out.
    (unlisted,) = [(url, reason) for source, url, stage, reason in errors if source == "public-unlisted"]
    assert unlisted[0].endswith("/art/list.html") and "loopback address" in unlisted[1]
    assert "private_addresses" in unlisted[1]
    errors_counted = dict(db.execute("select source, errors from crawl_runs"))
    assert errors_counted == {"public-news": len(refused), "public-confined": 1, "public-unlisted": 1}
