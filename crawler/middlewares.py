"""Downloader middleware: the network policy every request of a crawl passes, redirects included.

A redirect (or a link) from a public site to 127.0.0.1, 10.x or 169.254.169.254 would make the
crawler reach into the network it runs in, and a host name can be written in many ways that all
mean loopback (``127.1``, ``2130706433``, ``0x7f000001``, ``0177.0.0.1``, ``localhost.``,
``[::ffff:127.0.0.1]``, ``[0:0:0:0:0:0:0:1]``, ``[2002:7f00:1::]``). So the policy never reads the
name: it resolves it, with the resolver Scrapy connects through (``CachingHostnameResolver``, A
and AAAA records: the connection then uses the very answer that was judged), and judges every
address of the answer with ``ipaddress`` (one refused address refuses the host: the connection
may try any of them). Only global addresses are allowed, except the ones a source lists in
``private_addresses`` (the bundled sample sites on 127.0.0.1, an intranet mirror): an address, an
address with a port, or a network.

The policy runs for every hop: a redirect is a new request and comes through here again, and a
redirect must also stay inside its source's ``allowed_domains`` unless the source sets
``offsite_redirects = true``. A refused request is an error of the run (``fetch_errors``, stage
``download``), with the reason.
"""
from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred
from twisted.internet.interfaces import IResolutionReceiver
from zope.interface import implementer

from yrdwatch.crawler.sources import Source, host_in_domains
from yrdwatch.crawler.spiders import source_of

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class RefusedByPolicy(IgnoreRequest):
    """A request the network policy does not let out: a non-global address, or a redirect that
    leaves the source's domains. An error of the run, unlike robots.txt or off-site links."""


# RFC 6052's well-known prefix: 64:ff9b::a.b.c.d reaches the IPv4 address a.b.c.d through a NAT64
# gateway (an IPv6-only network's DNS64 answers every IPv4-only site so).
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address reaches: mapped (``::ffff:127.0.0.1``), 6to4
    (``2002:7f00:1::``) or NAT64 (``64:ff9b::7f00:1``); None for a native IPv6 address."""
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address.ipv4_mapped or address.sixtofour


def address_kind(address: Address) -> str | None:
    """What makes ``address`` not a public Internet address ("loopback", "private", …), or None
    for a global one. An IPv6 address that reaches an IPv4 one is judged as that IPv4 address."""
    if isinstance(address, ipaddress.IPv6Address) and (ipv4 := embedded_ipv4(address)):
        address = ipv4
    # most telling first; site-local (fec0::/10) is deprecated IPv6, not global, and not in is_private
    for kind in ("loopback", "link_local", "site_local", "multicast", "unspecified", "reserved", "private"):
        if getattr(address, f"is_{kind}", False):
            return kind.replace("_", "-")
    return None if address.is_global else "non-global"


@dataclass(frozen=True)
class Allowed:
    """One entry of a source's ``private_addresses``: a network, and a port or None for any."""
    network: ipaddress.IPv4Network | ipaddress.IPv6Network
    port: int | None = None

    @classmethod
    def parse(cls, text: str) -> "Allowed":
        """``10.0.0.0/8``, ``127.0.0.1``, ``127.0.0.1:8765``, ``::1``, ``[::1]:8765``."""
        if "/" in text:
            return cls(ipaddress.ip_network(text, strict=False))
        if text.startswith("["):
            host, _, port = text[1:].partition("]:")
            return cls(ipaddress.ip_network(host.rstrip("]")), int(port) if port else None)
        if text.count(":") == 1:
            host, port = text.split(":")
            return cls(ipaddress.ip_network(host), int(port))
        return cls(ipaddress.ip_network(text))

    def admits(self, address: Address, port: int) -> bool:
        return address in self.network and self.port in (None, port)


def allowed_private(source: Source) -> list[Allowed]:
    return [Allowed.parse(entry) for entry in source.private_addresses]


def refusal(address: Address, port: int, source: Source) -> str | None:
    """Why a request of ``source`` to ``address:port`` is refused, or None when it may go."""
    kind = address_kind(address)
    if kind is None or any(entry.admits(address, port) for entry in allowed_private(source)):
        return None
    return (f"refused: {address} is a {kind} address, not in source {source.name!r}'s private_addresses "
            "(network policy)")


def redirect_refusal(url: str, source: Source) -> str | None:
    """Why a redirect hop to ``url`` is refused: it leaves the source's ``allowed_domains``."""
    if source.offsite_redirects or host_in_domains(url, source.allowed_domains):
        return None
    return f"refused: redirected to {urlsplit(url).hostname}, outside allowed_domains (network policy)"


def literal_address(host: str) -> Address | None:
    """The address a host written as a number stands for, as the socket library reads it
    (``inet_aton`` takes ``127.1``, ``2130706433``, ``0x7f000001`` and octal ``0177.0.0.1``), or a
    ``localhost`` name; None for any other name."""
    host = host.strip("[]")
    if host.lower().rstrip(".").rsplit(".", 1)[-1] == "localhost":
        return ipaddress.IPv4Address("127.0.0.1")  # RFC 6761: localhost names are loopback, resolver or not
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


class NetworkPolicy:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_request(self, request):
        source = source_of(self.crawler.spider, request)
        parts = urlsplit(request.url)
        if source is None or parts.scheme not in ("http", "https") or not parts.hostname:
            return None
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = literal_address(parts.hostname)
        if address and (reason := refusal(address, port, source)):
            raise RefusedByPolicy(reason)
        if request.meta.get("redirect_urls") and (reason := redirect_refusal(request.url, source)):
            raise RefusedByPolicy(reason)
        if address is None:  # a name is resolved only once it may be asked for at all
            for resolved in await self.resolve(parts.hostname):
                if reason := refusal(resolved, port, source):
                    raise RefusedByPolicy(reason)
        return None

    @staticmethod
    async def resolve(host: str) -> list[Address]:
        """Every address (A and AAAA) of ``host``, as the resolver Scrapy connects with answers
        (and caches) them; RefusedByPolicy when there is none."""
        from twisted.internet import reactor  # the reactor Scrapy installed, with its caching resolver

        receiver = AddressesOf()
        try:
            reactor.nameResolver.resolveHostName(receiver, host)
            addresses = await maybe_deferred_to_future(receiver.done)
        except Exception as err:  # noqa: BLE001 - any failure to resolve means: not judged, not fetched
            raise RefusedByPolicy(f"refused: DNS lookup failed for {host} ({type(err).__name__}) (network policy)") from None
        if not addresses:
            raise RefusedByPolicy(f"refused: DNS lookup failed for {host} (no address) (network policy)")
        return addresses


@implementer(IResolutionReceiver)
class AddressesOf:
    """The addresses of one name resolution (Twisted's receiver of ``resolveHostName``), in ``done``."""

    def __init__(self):
        self.addresses: list[Address] = []
        self.done: Deferred = Deferred()

    def resolutionBegan(self, resolution) -> None:  # noqa: N802 - Twisted's interface
        pass

    def addressResolved(self, address) -> None:  # noqa: N802
        self.addresses.append(ipaddress.ip_address(address.host))

    def resolutionComplete(self) -> None:  # noqa: N802
        self.done.callback(self.addresses)
