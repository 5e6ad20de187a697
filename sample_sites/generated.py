"""A large generated news site for benchmarks: N article pages in the shape of the sample 苏州 site
(TRS WCM URLs, its templates), all listed in one sitemap, every answer held back by a fixed delay
that stands in for network latency (``benchmarks/cluster_bench.py``, ``yrdwatch sample-sites
--generated N``).

Each body is a few paragraphs of the sample stories, drawn with a seeded generator (every run
serves the same pages), and a sentence of its own: extraction does real work, dates and
announcements are found, and only the rare page that drew mostly the same paragraphs as another
is a near-duplicate. The bundled sample sites are untouched.
"""
from __future__ import annotations

import random
import socket
import threading
import time
from dataclasses import replace
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape

from yrdwatch.sample_sites.site import CONTENT, HERE, OUTLETS, Resource, load_stories

PARAGRAPHS_PER_PAGE = 5
FIRST_DAY = datetime(2023, 1, 1, 9, 0)


def generated_pages(base: str, pages: int, seed: int = 1, sitemaps: int = 1) -> dict[str, Resource]:
    """``{path: Resource}``: ``pages`` articles, their sitemap and robots.txt. With ``sitemaps`` > 1
    the articles are also split among ``/suzhou/sitemap-<n>.xml`` (n from 0), one per source of
    :func:`generated_seeds` with as many sources."""
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html", "xml"]))
    stories = load_stories()
    paragraphs = [p for s in stories for p in s.paragraphs if len(p) > 30]
    headlines = [h.strip() for h in (CONTENT / "headlines.txt").read_text(encoding="utf-8").splitlines() if h.strip()]
    rng = random.Random(seed)
    made = []
    for number in range(pages):
        template = stories[number % len(stories)]
        date = FIRST_DAY + timedelta(hours=7 * number)
        own = f"（第{number + 1}期）本网讯 {date:%Y年%m月%d日}，记者从有关部门获悉，相关工作正按计划有序推进。"
        made.append(replace(template, id=f"gen-{number}", outlet="suzhou", title=f"{template.title}（第{number + 1}期）",
                            date=date, paragraphs=[*rng.sample(paragraphs, PARAGRAPHS_PER_PAGE), own],
                            path=f"/suzhou/szyw/{date:%Y%m}/t{date:%Y%m%d}_{800000 + number}.shtml"))
    resources = {}
    for story in made:
        html = env.get_template("suzhou/article.html").render(
            outlet=OUTLETS["suzhou"], base=base, story=story, related=rng.sample(headlines, k=8), siblings=[])
        resources[story.path] = Resource(html.encode("utf-8"))
    # No home or column page is served here, so the sitemaps list none (every sitemap entry is requested).
    sitemap = env.get_template("suzhou/sitemap.xml").render(outlet=OUTLETS["suzhou"], base=base, stories=made,
                                                             listing=None)
    resources["/suzhou/sitemap.xml"] = Resource(sitemap.encode("utf-8"), "application/xml; charset=utf-8")
    if sitemaps > 1:
        for part in range(sitemaps):
            sitemap = env.get_template("suzhou/sitemap.xml").render(outlet=OUTLETS["suzhou"], base=base,
                                                                     stories=made[part::sitemaps], listing=None)
            resources[f"/suzhou/sitemap-{part}.xml"] = Resource(sitemap.encode("utf-8"), "application/xml; charset=utf-8")
    resources["/robots.txt"] = Resource(b"User-agent: *\nAllow: /\n", "text/plain; charset=utf-8")
    return resources


class _Handler(BaseHTTPRequestHandler):
    server: "GeneratedSiteServer"
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        pass

    def do_GET(self):
        time.sleep(self.server.delay)  # the stand-in for the network between a crawler and a site
        path = self.path.split("?", 1)[0]
        resource = self.server.resources.get(path)
        with self.server.lock:
            self.server.hits[path] = self.server.hits.get(path, 0) + 1
        status, body, kind = (200, resource.body, resource.content_type) if resource else (404, b"not found", "text/plain")
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class GeneratedSiteServer(ThreadingHTTPServer):
    """The generated site on a loopback port; every answer waits ``delay`` seconds first."""

    daemon_threads = True

    def __init__(self, host: str = "127.0.0.1", port: int = 0, pages: int = 2000, delay: float = 0.05,
                 sitemaps: int = 1, name: str | None = None):
        """``host``: the address it listens on (``::1`` listens on IPv6); ``name``: the host its
        URLs are written with, when not that address (a name a test's resolver answers)."""
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__((host, port), _Handler)
        self.delay = delay
        self.lock = threading.Lock()
        self.hits: dict[str, int] = {}
        self.base_url = f"http://{name or (f'[{host}]' if ':' in host else host)}:{self.server_address[1]}"
        self.resources = generated_pages(self.base_url, pages, sitemaps=sitemaps)
        self.article_paths = [path for path in self.resources if path.endswith(".shtml")]

    def start_in_thread(self) -> "GeneratedSiteServer":
        threading.Thread(target=self.serve_forever, name="generated-site", daemon=True).start()
        return self


def generated_seeds(base_url: str, directory: str | Path, sources: int = 1) -> Path:
    """A seeds file with the generated site as one sitemap source (no politeness delay: the
    server's own delay is the latency being measured), or as ``sources`` sources
    ``generated-suzhou-<n>``, each reading its own part of the site (a server made with as many
    ``sitemaps``), so that as many crawl processes can write one database at once."""
    target = Path(directory) / "generated.toml"
    parts = [("generated-suzhou", "sitemap.xml")] if sources == 1 else [
        (f"generated-suzhou-{n}", f"sitemap-{n}.xml") for n in range(sources)]
    target.write_text("".join(
        f'[[sources]]\nname = "{name}"\noutlet = "苏州市人民政府"\nregion = "江苏省苏州市"\nkind = "sitemap"\n'
        f'start_urls = ["{base_url}/suzhou/{sitemap}"]\nallowed_domains = ["{urlsplit(base_url).hostname}"]\n'
        f'private_addresses = ["{urlsplit(base_url).netloc}"]\n'
        "article_url_pattern = '/suzhou/szyw/\\d{6}/t\\d{8}_\\d+\\.shtml$'\ndownload_delay = 0\n\n"
        for name, sitemap in parts), encoding="utf-8")
    return target
