import re

import pytest

from yrdwatch.crawler.links import candidates, canonical_url, is_cms_article_url, is_not_a_page, listing_links


@pytest.mark.parametrize("url", [
    "https://www.wxlx.gov.cn/art/2023/8/7/art_1234_5678.html",
    "http://www.suzhou.gov.cn/szsrmzf/szyw/202308/t20230807_123456.shtml",
    "http://www.news.cn/content/2023-08/07/content_123456.htm",
    "https://www.gov.cn/zhengce/content/2023-08/07/content_6897.htm",
    "http://finance.people.com.cn/n1/2024/0510/c1004-40232587.html",
    "https://news.sina.com.cn/c/2024-05-10/doc-inausehc2630922.shtml",
    "https://www.example.edu.cn/info/1071/12345.htm",
    "https://www.example.gov.cn/news/detail.aspx?id=20231",
])
def test_cms_article_shapes(url):
    assert is_cms_article_url(url)


@pytest.mark.parametrize("url", [
    "https://www.wxlx.gov.cn/col/col1234/index.html",
    "https://www.wxlx.gov.cn/col/col1234/index_2.html",
    "http://www.suzhou.gov.cn/szsrmzf/szyw/index.shtml",
    "https://www.example.gov.cn/",
    "https://www.example.gov.cn/about.html",
])
def test_listing_and_home_pages_are_not_articles(url):
    assert not is_cms_article_url(url)


LISTING = """<html><body>
<div class="nav"><a href="/">首页</a><a href="/col/col2/index.html">政务公开栏目入口页面</a></div>
<ul class="list">
<li><a href="/a/b/c?id=77">苏州工业园区集成电路产业项目集中开工</a><span>2023-02-28</span></li>
<li><a href="/art/2023/8/7/art_1_2.html">梁溪区签约</a><span>08-07</span></li>
</ul>
<div class="page"><a href="index_2.html">2</a> <a href="index_2.html">下一页</a></div>
</body></html>"""


def test_listing_links_by_url_shape_and_by_page_shape():
    articles, pages = listing_links(LISTING, "https://x.gov.cn/col/col1/index.html", None)
    assert articles == ["https://x.gov.cn/a/b/c?id=77", "https://x.gov.cn/art/2023/8/7/art_1_2.html"]
    assert pages == ["https://x.gov.cn/col/col1/index_2.html"]


def test_listing_links_with_a_source_pattern():
    articles, _ = listing_links(LISTING, "https://x.gov.cn/col/col1/index.html", re.compile(r"\?id=\d+$"))
    assert articles == ["https://x.gov.cn/a/b/c?id=77"]


def test_canonical_url_drops_fragments_and_tracking():
    assert canonical_url("http://x.cn/a.html?utm_source=wx&id=3#top") == "http://x.cn/a.html?id=3"
    assert canonical_url("http://x.cn/a.html?b=2&a=1") == "http://x.cn/a.html?a=1&b=2"


@pytest.mark.parametrize("url", [
    "https://www.example.gov.cn/images/2024/banner.jpg",
    "https://www.example.gov.cn/uploads/notice.pdf",
    "https://www.example.gov.cn/attach/0/list.xlsx",
    "https://www.example.gov.cn/login.jsp?redirect=/",
    "https://www.example.gov.cn/jsearch/search.do?q=签约",
    "https://www.example.gov.cn/search/?keyword=项目",
])
def test_addresses_that_are_no_page_are_no_candidates(url):
    assert is_not_a_page(url) and candidates([url], None) == []


@pytest.mark.parametrize("url", [
    "http://www.people.com.cn/news/2024/0411/c134768-40806751.html",  # a people.cn shape on another path
    "https://www.example.gov.cn/2024-04/11/content_123456.shtml",
    "https://www.example.gov.cn/show.php?id=123",
    "https://www.example.gov.cn/zt/2024/csj/index.html",
    "https://www.example.gov.cn/s/article/abc.html",
])
def test_every_other_same_site_page_is_a_candidate(url):
    assert not is_not_a_page(url) and candidates([url], None) == [url]


def test_candidates_put_article_shapes_first_and_keep_each_once():
    urls = ["https://x.gov.cn/show.php?id=1", "https://x.gov.cn/art/2024/4/1/art_1_2.html",
            "https://x.gov.cn/logo.png", "https://x.gov.cn/show.php?id=1", "https://x.gov.cn/about.html"]
    assert candidates(urls, None) == ["https://x.gov.cn/art/2024/4/1/art_1_2.html", "https://x.gov.cn/show.php?id=1",
                                      "https://x.gov.cn/about.html"]
    assert candidates(urls, re.compile(r"/about\.html$"))[0] == "https://x.gov.cn/about.html"
