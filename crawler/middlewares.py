"""Downloader middleware: a public source is never led to a private or loopback address.

A redirect (or a link) from a public site to 127.0.0.1, 10.x or 192.168.x would make the crawler
reach into the network it runs in. Sources that are themselves on such addresses (the bundled
sample sites on 127.0.0.1, an intranet mirror) are allowed to stay there. Only literal addresses
and ``localhost`` names are checked: resolving every host name here would block Twisted's reactor.
"""
from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest

from crawler.spiders import source_of


def is_private_host(host: str | None) -> bool:
    if not host:
        return False
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_unspecified


class PrivateAddressGuard:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        source = source_of(self.crawler.spider, request)
        host = urlsplit(request.url).hostname
        if source is None or not is_private_host(host):
            return None
        if any(is_private_host(urlsplit(url).hostname) for url in source.start_urls):
            return None
        raise IgnoreRequest(f"refused: {host} is a private address and source {source.name!r} is public")
