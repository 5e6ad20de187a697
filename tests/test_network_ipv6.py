"""The network policy on IPv6 (issue 15, "a network policy, not string checks"): every textual
form of IPv6 loopback, link-local, site-local, unique-local and IPv6 that reaches a private IPv4
address (mapped, 6to4, NAT64) is refused, public IPv6 passes, and a crawl fetches from a host that
has only an AAAA record, or an IPv6 literal, where the source lists the address in
``private_addresses``. Before, Scrapy's default resolver (gethostbyname, IPv4 only) made every
IPv6-only host a "DNS lookup failed", ``[::1]`` included, and a host's AAAA records were never judged."""
from __future__ import annotations

import ipaddress
import json
import os
import socket
import sqlite3
from urllib.parse import urlsplit

import pytest

from yrdwatch.crawler.middlewares import address_kind, literal_address, refusal
from yrdwatch.crawler.sources import Source
from yrdwatch.sample_sites.generated import GeneratedSiteServer

from conftest import unused_port

# host as written in a URL → what the policy judges it ("" for a public address it lets through).
IPV6_FORMS = {
    "[::1]": "loopback", "[0:0:0:0:0:0:0:1]": "loopback", "[0000:0000:0000:0000:0000:0000:0000:0001]": "loopback",
    "[::0001]": "loopback", "[0::1]": "loopback",
    "[::ffff:127.0.0.1]": "loopback", "[::ffff:7f00:1]": "loopback", "[::FFFF:7F00:0001]": "loopback",
    "[::ffff:0:127.0.0.1]": "reserved", "[::127.0.0.1]": "reserved",  # IPv4-translated, IPv4-compatible
    "[2002:7f00:1::1]": "loopback", "[64:ff9b::7f00:1]": "loopback",  # 6to4 and NAT64 of 127.0.0.1
    "[fe80::1]": "link-local", "[FE80::1]": "link-local", "[fe80::1%25eth0]": "link-local", "[febf::1]": "link-local",
    "[::ffff:169.254.169.254]": "link-local", "[64:ff9b::a9fe:a9fe]": "link-local",
    "[fec0::1]": "site-local",
    "[fc00::1]": "private", "[fd12:3456::1]": "private", "[::ffff:10.0.0.1]": "private", "[2002:a00:1::1]": "private",
    "[::ffff:192.168.1.1]": "private",
    "[::]": "unspecified", "[ff02::1]": "multicast", "[100::1]": "reserved", "[2001:db8::1]": "private",
    # public: native IPv6 of Chinese and other resolvers, and IPv4-in-IPv6 forms of a public IPv4 address
    "[2400:3200::1]": "", "[240e::1]": "", "[2001:4860:4860::8888]": "", "[::ffff:8.8.8.8]": "",
    "[64:ff9b::808:808]": "", "[2002:808:808::1]": "",
}


def _source(**keys) -> Source:
    return Source(name="s", outlet="o", region="r", kind="listing", start_urls=["https://www.wxlx.gov.cn/"],
                  allowed_domains=["wxlx.gov.cn"], **keys)


@pytest.mark.parametrize("host, kind", IPV6_FORMS.items())
def test_every_form_of_ipv6_is_judged_by_the_address_it_reaches(host, kind):
    address = literal_address(urlsplit(f"http://{host}:80/").hostname)
    assert (address_kind(address) or "") == kind, address
    reason = refusal(address, 443, _source())
    assert (reason is None) if kind == "" else (f"is a {kind} address" in reason)


def test_a_listed_ipv6_address_or_network_is_let_through():
    loopback, ula = ipaddress.ip_address("::1"), ipaddress.ip_address("fd12:3456::7")
    assert refusal(loopback, 8765, _source(private_addresses=("[::1]:8765",))) is None
    assert refusal(loopback, 8766, _source(private_addresses=("[::1]:8765",))) is not None
    assert refusal(ula, 80, _source(private_addresses=("fd12:3456::/32",))) is None


def ipv6_loopback_unavailable() -> str | None:
    try:
        with socket.socket(socket.AF_INET6) as sock:
            sock.bind(("::1", 0))
    except OSError as err:
        return f"this machine cannot listen on [::1] ({err})"
    return None


# The child crawl process reads this from the environment (sitecustomize below): names that resolve
# only as listed, as a DNS server with those A/AAAA records would answer.
RESOLVER = '''
import json, os, socket
_hosts = json.loads(os.environ["YRDWATCH_TEST_HOSTS"])
_getaddrinfo = socket.getaddrinfo
def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
    name = host.decode() if isinstance(host, bytes) else host
    if name not in _hosts:
        return _getaddrinfo(host, port, family, type, proto, flags)
    answers = [answer for address in _hosts[name] for answer in _getaddrinfo(address, port, family, type, proto, flags)]
    if not answers:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    return answers
_gethostbyname = socket.gethostbyname
def gethostbyname(host):
    if host not in _hosts:
        return _gethostbyname(host)
    for address in _hosts[host]:
        if ":" not in address:
            return address
    raise socket.gaierror(socket.EAI_NODATA, "No address associated with hostname")
socket.getaddrinfo, socket.gethostbyname = getaddrinfo, gethostbyname
'''


def sitemap_source(name: str, base_url: str, private: list[str]) -> str:
    host = urlsplit(base_url).hostname
    return (f'[[sources]]\nname = "{name}"\noutlet = "苏州市人民政府"\nregion = "江苏省苏州市"\nkind = "sitemap"\n'
            f'start_urls = ["{base_url}/suzhou/sitemap.xml"]\nallowed_domains = ["{host}"]\n'
            f"private_addresses = {json.dumps(private)}\n"
            "article_url_pattern = '/suzhou/szyw/\\d{6}/t\\d{8}_\\d+\\.shtml$'\ndownload_delay = 0\n\n")


@pytest.mark.skipif(ipv6_loopback_unavailable() is not None, reason=str(ipv6_loopback_unavailable()))
def test_a_crawl_fetches_ipv6_only_hosts_it_may_and_refuses_those_it_may_not(tmp_path, monkeypatch, run_cli, db_path):
    named = GeneratedSiteServer("::1", pages=2, delay=0, name="v6only.test").start_in_thread()
    literal = GeneratedSiteServer("::1", pages=2, delay=0).start_in_thread()
    try:
        (tmp_path / "resolver").mkdir()
        (tmp_path / "resolver" / "sitecustomize.py").write_text(RESOLVER, encoding="utf-8")
        monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(tmp_path / "resolver"),
                                                                        os.environ.get("PYTHONPATH")])))
        monkeypatch.setenv("YRDWATCH_TEST_HOSTS", json.dumps({"v6only.test": ["::1"],
                                                              "dual.test": ["127.0.0.1", "::1"]}))
        dual_port = unused_port()
        seeds = tmp_path / "ipv6.toml"
        seeds.write_text(
            sitemap_source("aaaa-only", named.base_url, [f"[::1]:{named.server_address[1]}"])
            + sitemap_source("ipv6-literal", literal.base_url, [f"[::1]:{literal.server_address[1]}"])
            + sitemap_source("aaaa-unlisted", named.base_url, [])
            # A and AAAA: its IPv4 address is listed, its IPv6 one is not, and the connection may use either.
            + sitemap_source("dual-half-listed", f"http://dual.test:{dual_port}", [f"127.0.0.1:{dual_port}"]),
            encoding="utf-8")
        result = run_cli("crawl", "--seeds", seeds)
        assert "Traceback" not in result.output, result.output
    finally:
        for server in (named, literal):
            server.shutdown()
            server.server_close()
    db = sqlite3.connect(db_path)
    stored = {(source, url) for source, url in db.execute("select source, url from articles")}
    assert stored == {("aaaa-only", named.base_url + path) for path in named.article_paths} | {
        ("ipv6-literal", literal.base_url + path) for path in literal.article_paths}, result.output
    errors = {source: reason for source, reason in db.execute("select source, reason from fetch_errors")}
    assert set(errors) == {"aaaa-unlisted", "dual-half-listed"}, errors
    assert "::1 is a loopback address, not in source 'aaaa-unlisted''s private_addresses" in errors["aaaa-unlisted"]
    assert "::1 is a loopback address, not in source 'dual-half-listed''s private_addresses" in errors["dual-half-listed"]
