import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest

from crawler.middlewares import PrivateAddressGuard, is_private_host
from crawler.sources import Source


class _Crawler:
    def __init__(self, start_url):
        self.spider = type("S", (), {"source": Source(name="s", outlet="o", region="r", kind="listing",
                                                       start_urls=[start_url], allowed_domains=["x"])})()


@pytest.mark.parametrize("host, private", [("127.0.0.1", True), ("10.1.2.3", True), ("192.168.0.9", True),
                                           ("169.254.1.1", True), ("[::1]", True), ("localhost", True),
                                           ("www.gov.cn", False), ("8.8.8.8", False), (None, False)])
def test_is_private_host(host, private):
    assert is_private_host(host) is private


def test_a_public_source_cannot_be_led_to_a_private_address():
    guard = PrivateAddressGuard(_Crawler("https://www.wxlx.gov.cn/col/col1/index.html"))
    assert guard.process_request(Request("https://www.wxlx.gov.cn/art/1.html")) is None
    with pytest.raises(IgnoreRequest, match="private address"):
        guard.process_request(Request("http://127.0.0.1:8080/admin"))


def test_a_source_on_loopback_may_stay_there():
    guard = PrivateAddressGuard(_Crawler("http://127.0.0.1:8765/liangxi/"))
    assert guard.process_request(Request("http://127.0.0.1:8765/liangxi/art/1.html")) is None
