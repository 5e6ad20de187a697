"""A real HTTP server for the sample sites (``yrdwatch sample-sites``), on 127.0.0.1 only.

It answers from the pages ``SampleSites`` built in memory, supports conditional GET (ETag and
Last-Modified, so incremental crawling can be tested) and plays the deliberate faults: a page that
answers 500 once and then 200, one that answers 429 with Retry-After once, one whose connection
closes before its Content-Length, a redirect loop and a slow page.
"""
from __future__ import annotations

import sys
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from yrdwatch.sample_sites.site import SampleSites

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
_STARTED = formatdate(usegmt=True)
SLOW_SECONDS = 3  # the "slow" fault page answers after this long (tests set a shorter timeout)  # Last-Modified of every page: the content is fixed per run


class _Handler(BaseHTTPRequestHandler):
    server: "SampleSitesServer"
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        if self.server.verbose:
            super().log_message(format, *args)

    def do_HEAD(self):
        self._answer(send_body=False)

    def do_GET(self):
        self._answer(send_body=True)

    def _answer(self, send_body: bool) -> None:
        site = self.server.site
        path = self.path.split("#", 1)[0]  # a page may be its query (show.php?id=123), else the path alone
        if path not in site.resources:
            path = path.split("?", 1)[0]
        resource = site.resources.get(path)
        if resource is None:
            self._send(404, b"<html><body><h1>404 Not Found</h1></body></html>", "text/html; charset=utf-8", send_body)
            return
        with self.server.lock:
            hits = self.server.hits[path] = self.server.hits.get(path, 0) + 1
        if resource.fault == "fail-once" and hits == 1:
            self._send(500, b"<html><body>500 Internal Server Error</body></html>", "text/html", send_body)
            return
        if resource.fault == "busy-once" and hits == 1:
            self._send(429, b"<html><body>429 Too Many Requests</body></html>", "text/html", send_body,
                       {"Retry-After": "1"})
            return
        if resource.fault == "redirect-loop":
            self._send(302, b"", "text/html", send_body, {"Location": path})
            return
        if resource.fault == "slow":
            time.sleep(SLOW_SECONDS)
        etag = site.etag(path)
        if self.headers.get("If-None-Match") == etag or (
            "If-None-Match" not in self.headers and self.headers.get("If-Modified-Since") == _STARTED
        ):
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if resource.fault == "truncate":
            cut = resource.body[: len(resource.body) // 2]
            self.send_response(200)
            self.send_header("Content-Type", resource.content_type)
            self.send_header("Content-Length", str(len(resource.body)))
            self.send_header("Connection", "close")
            self.end_headers()
            if send_body:
                self.wfile.write(cut)
            self.close_connection = True
            return
        self._send(resource.status, resource.body, resource.content_type, send_body,
                   {"ETag": etag, "Last-Modified": _STARTED})

    def _send(self, status: int, body: bytes, content_type: str, send_body: bool, extra: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)


class SampleSitesServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, verbose: bool = False):
        super().__init__((host, port), _Handler)
        self.verbose = verbose
        self.lock = threading.Lock()
        self.hits: dict[str, int] = {}
        self.base_url = f"http://{host}:{self.server_address[1]}"
        self.site = SampleSites(self.base_url)

    def handle_error(self, request, client_address):
        # A crawler hanging up mid-answer (size cap, timeout) is expected here, not a server fault.
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)

    def start_in_thread(self) -> "SampleSitesServer":
        threading.Thread(target=self.serve_forever, name="sample-sites", daemon=True).start()
        return self
