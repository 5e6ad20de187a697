"""The event date as a learned decision: every reading of every date expression is proposed once
(``yrdwatch.extract.eventdates``), and a page that prints no date takes its address's (``yrdwatch.extract.dates.url_date``)."""
import pytest

from yrdwatch.extract.article import article_from_bytes
from yrdwatch.extract.candidates import sentences_of
from yrdwatch.extract.dates import url_date
from yrdwatch.extract.eventdates import date_candidates

NO_PAGE_DATE = (None, None, None)


@pytest.mark.parametrize("url, iso", [
    ("http://a.example/news/folder1784/2021-11-26/493858.html", "2021-11-26"),
    ("https://news.example.com.cn/20250304/c666451833.shtml", "2025-03-04"),
    ("http://a.example/html/news/taixing/2008/0328/8010.html", "2008-03-28"),
    ("http://a.example/xwzx/la/201009/t20100919_1533700.htm", "2010-09-19"),
    ("https://hk.example.com/2019/guancha/news_2019_09_29_519709", "2019-09-29"),
    ("http://a.example/html/2016-07/23/content_2990744.htm?div=-1", "2016-07-23"),
    ("http://a.example/system/2009/10/27/015967814.shtml", "2009-10-27"),
    ("https://a.example/china/202007/50-791720.html", "2020-07"),       # a month alone
    ("https://a.example/news/202004244.shtml", None),                   # an id, not a date
    ("http://a.example/p/201846.html", None),
    ("http://a.example/a/2023-02-30/1.html", None),                     # no such day
    ("file:///work/corpus/articles/y001.txt", None),
    (None, None),
])
def test_url_date(url, iso):
    assert url_date(url) == iso


def test_a_text_page_without_a_date_takes_its_address_date():
    text = "某区3个项目集中开工\n\n3月3日上午,某区3个重大项目集中开工,总投资约15亿元。\n".encode()
    article = article_from_bytes(text, url="https://a.example/20250304/c1.shtml", content_type="text/plain")
    assert article.page.published_at == "2025-03-04"
    printed = "发布时间：2025-03-05\n".encode() + text
    assert article_from_bytes(printed, url="https://a.example/20250304/c1.shtml",
                              content_type="text/plain").page.published_at.startswith("2025-03-05")


def _readings(body, ref, rule_date=None, head_event="开工"):
    return {(body[c.start:c.end], c.text) for c in date_candidates(body, 0, sentences_of(body), ref, rule_date,
                                                                   head_event)}


@pytest.mark.parametrize("body, ref, expected", [
    # a year written elsewhere in the text completes a date without one, when the page has none
    ("1月28日上午,锡山区27个项目集中开工。2023年锡山区安排重大项目120个。", NO_PAGE_DATE,
     {("1月28日", "2023-01-28")}),
    # a year written without 年 before a name ("2021惠山投资合作恳谈会"), and a day after a dateline
    ("无锡7月18日电 18日,2021惠山投资合作恳谈会举行,60个项目集中签约。", NO_PAGE_DATE,
     {("7月18日", "2021-07-18"), ("18日", "2021-07-18")}),
    # the page's year, and the text's other year as another reading
    ("1月6日,2022年奉贤新城首批重大项目集中开工。", (2024, 3, 29),
     {("1月6日", "2024-01-06"), ("1月6日", "2022-01-06")}),
    # a month after the page's is last year's; 昨天 against the page's date
    ("12月28日签约的项目,昨天开工。", (2024, 1, 5), {("12月28日", "2023-12-28"), ("昨天", "2024-01-04")}),
    # 近日 is the page's month; no year anywhere: nothing to propose
    ("近日,某项目开工。", (2024, 1, 5), {("近日", "2024-01")}),
    ("3月3日上午,某项目开工。", NO_PAGE_DATE, set()),
    ("新年的第一个工作日,22个重大项目集中开工。", (2016, 1, 5), {("新年的第一个工作日", "2016-01")}),
])
def test_every_reading_is_proposed(body, ref, expected):
    assert expected <= _readings(body, ref)
    if not expected:
        assert _readings(body, ref) == set()


def test_candidates_carry_what_the_decision_weighs():
    body = "继1月5日15个项目集中开工之后,6日上午,又有8个项目签约。计划于2027年6月竣工。"
    cands = {c.text: c.features for c in date_candidates(body, 0, sentences_of(body), (2024, 1, 8), "2024-01-06", "签约")}
    assert "t:earlier_clause" in cands["2024-01-05"]
    assert "t:rule_date" in cands["2024-01-06"] and "t:earlier_clause" not in cands["2024-01-06"]
    assert "t:scheduled" in cands["2027-06"]
    assert "t:before_page=≤3" in cands["2024-01-06"]


@pytest.mark.parametrize("text, url, expected", [
    # no page date: the year the text writes elsewhere completes "1月28日" (the rules gave none)
    ("锡山区27个项目集中开工\n\n1月28日上午,无锡市锡山区27个重大产业项目集中开工,总投资274亿元。"
     "2023年,锡山区共安排省市重大项目56个。\n", None, "2023-01-28"),
    # the day the lead states, not the page's ("今日举行" in the headline of a page printed two days later)
    ("某新片区重点项目开工仪式今日举行\n\n8月22日上午,某新片区重点建设项目开工仪式举行,总投资1530亿元。\n",
     "https://a.example/2022-08-24/1.html", "2022-08-22"),
])
def test_the_learned_date(text, url, expected):
    article = article_from_bytes(text.encode(), url=url, content_type="text/plain")
    assert article.announcements and article.announcements[0].event_date == expected
