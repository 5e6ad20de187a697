"""Dates written the Chinese way: a page's publication date, and the dates its sentences give.

htmldate reads meta tags and URL/markup patterns well but does not know the labelled forms Chinese
CMS templates print above the body (``发布时间：2023-06-21 09:19``, ``2023年06月21日``,
``来源：上观区情 2018.7.5``), so those are read here first; htmldate is the fallback in ``page``.

Inside the running text an event is dated "8月7日", "2023年6月", "26日上午" or "日前/近日": ``date_in_text``
reads those against the page's own date (``reference_date``), which supplies the missing year or month;
on a page without a date, a year the event's own name carries in that same text does ("3月9日,举行2021年
第一季度……开工仪式"), never a year read from another sentence.
"""
from __future__ import annotations

import re
import time
from datetime import date, datetime, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

from yrdwatch.extract.jio import jionlp
from yrdwatch.extract.money import parse_number

# A day is never followed by 月: "2021年1-12月" is a range of months, not 12 January.
_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*(?P<sep>[-/.年])\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})(?!\d|\s*月)\s*日?"
    r"(?:\s*(?P<H>\d{1,2})\s*[:：时]\s*(?P<M>\d{2})(?:\s*[:：分]\s*(?P<S>\d{2}))?)?"
)
# Labels that introduce the page's own date in Chinese templates; a bare 时间/日期 is accepted
# too because many government templates print just that.
_LABEL = re.compile(r"(?:(?:发布|发表|发文|成文|更新|上传)?(?:时间|日期)|发布于)\s*[:：]?\s*")


def _iso(m: re.Match) -> str | None:
    y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
    try:
        day = date(y, mo, d)
    except ValueError:
        return None
    if day > date.today().replace(year=date.today().year + 1):
        return None
    if m["H"] is None:
        return day.isoformat()
    try:
        return datetime(y, mo, d, int(m["H"]), int(m["M"]), int(m["S"] or 0)).isoformat()
    except ValueError:
        return day.isoformat()


def parse_date(text: str) -> str | None:
    """The first complete date in ``text`` as ISO ``YYYY-MM-DD[THH:MM:SS]``, else None."""
    for m in _DATE.finditer(text or ""):
        if (iso := _iso(m)) is not None:
            return iso
    return None


# How page headers write a date in pieces or day first, rewritten before ``parse_date`` reads them: a widget
# that prints the year, then "11/05", then the time on lines of their own; a template that prints
# "05.11.2021  08:30" (Chinese pages never put the month first, so a whole line of that shape is day first).
_SPLIT_DATE = re.compile(
    r"^\s*((?:19|20)\d{2})\s*\n\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*$(?:\s*\n\s*(\d{1,2}:\d{2}(?::\d{2})?)\s*$)?", re.M)
_DAY_FIRST = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.((?:19|20)\d{2})(\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*$", re.M)


def parse_header_date(text: str) -> str | None:
    """The first complete date in a page's header lines, also when written in pieces or day first."""
    text = _SPLIT_DATE.sub(lambda m: f"{m[1]}-{m[2]}-{m[3]} {m[4] or ''}", text or "")
    text = _DAY_FIRST.sub(lambda m: f"{m[3]}-{m[2]}-{m[1]}{m[4] or ''}", text)
    return parse_date(text)


def find_labelled_date(text: str) -> str | None:
    """A date right after a 发布时间/发布日期/时间/日期 label (within a few characters)."""
    for label in _LABEL.finditer(text or ""):
        m = _DATE.match(text, label.end())
        if m and (iso := _iso(m)):
            return iso
    return None


# Dates inside the running text, read against the page's own date (``DateParts``).
_YEAR = re.compile(r"((?:19|20)\d{2})年(?:(\d{1,2})月)?")
_TEXT_DATE = re.compile(r"(?:((?:19|20)\d{2})年)?(\d{1,2})月(?:(\d{1,2})[日号])?")
_DAY_ONLY = re.compile(r"(?<![\d月.-])(\d{1,2})日")  # "26日上午": a day of the page's month
_RECENT = re.compile(r"日前|近日|近期")
# A day named relative to the page's: "昨天", "前天", "上周五", "周三上午". Plans ("下周") are no report.
_RELATIVE_DAY = re.compile(r"今天|今日|昨天|昨日|前天|(?<!下)(?:上上|上|本|这)?(?:周|星期|礼拜)[一二三四五六日天]")
# A date after a plan word is a schedule ("计划于2027年6月竣工", "将于6月底投产"), not the day of the event.
_SCHEDULED = re.compile(r"(?:计划|预计|预期|力争|争取|有望|目标|将|拟)(?:于|在|到)?\s*$")
# "2023年的首个工作日,……项目集中开工": January of that year (the day itself needs a calendar).
_FIRST_WORKDAY = re.compile(r"((?:19|20)\d{2})年(?:的)?(?:首个|第一个)工作日")
# "临港与常熟缘起于6年前,2017年…": the page's own year, when the page does not carry a date.
_YEARS_AGO = re.compile(r"(\d{1,2}|[一二两三四五六七八九十]{1,2})年前[,]?\s*((?:19|20)\d{2})年")


# The year an event's own name carries, for pages that print no date: "举行2021年第一季度……集中开工仪式",
# "举行2020某某新城项目集中签约仪式", "2018中国•某某葡萄节重点项目集中开工仪式". The year must
# lead into a ceremony or a signing/groundbreaking within its clause (no comma between), and must not
# be a plan ("计划2025年建成"), a count or an amount ("投资2019万元", "第2020号"): a year guessed from
# an unrelated number is worse than none.
_NAMED_YEAR = re.compile(
    r"(?<![\d.\-/第约近超逾达共计资值号])((?:19|20)\d{2})(?:年(?![\d底末初中内前后以度])|(?=[\u4e00-\u9fff“\"「《(（]))"
    r"(?![万亿千百十元个项家吨亩米台套辆人名余多件户次块只条座栋间张平公克度瓦伏号期届级倍分秒天周年])"
    r"[^,，;；。！？!?]{0,40}?(?:仪式|典礼|大会|活动|推进会|洽谈会|博览会|交易会|峰会|论坛|旅游节|文化节|节|签约|开工|开幕|竣工|投产|揭牌|开园)"
)
_PLAN_BEFORE = re.compile(r"(?:计划|预计|力争|争取|将于|将在|拟于|拟|将|到|至|截至|截止|于|在)\s*$")


def named_year(text: str) -> int | None:
    """The year an event's name in ``text`` carries ("举行2020某某新城项目集中签约仪式"), else None."""
    for m in _NAMED_YEAR.finditer(text):
        year = int(m.group(1))
        if 1990 <= year <= date.today().year + 1 and not _PLAN_BEFORE.search(text, max(0, m.start() - 4), m.start()):
            return year
    return None


_NAMED_MONTH = re.compile(r"((?:19|20)\d{2})年([一二三四五六七八九十]{1,2}|\d{1,2})月份?")


def _named_month(text: str) -> tuple[int, int] | None:
    """(year, month) of an event's name that gives both ("2022年三月份重点项目开工")."""
    year = named_year(text)
    for m in _NAMED_MONTH.finditer(text):
        month = int(parse_number(m.group(2)) or 0)
        if int(m.group(1)) == year and 1 <= month <= 12:
            return year, month
    return None


DateParts = tuple[int | None, int | None, int | None]  # (year, month, day) of the page


def reference_date(published_at: str | None, body: str) -> DateParts:
    """(year, month, day) of the page: from ``published_at``, else a year the text implies."""
    parts = [int(p) for p in re.findall(r"\d+", published_at or "")[:3]]
    if parts:
        return tuple(parts + [None] * (3 - len(parts)))
    m = _YEARS_AGO.search(body)
    if m:
        return int(m.group(2)) + int(parse_number(m.group(1)) or 0), None, None
    return None, None, None


def long_before(text: str, ref: DateParts) -> bool:
    """Whether the last year written in ``text`` lies well before the page's date (a story of
    January may report "2019年12月30日"; "2017年" in a page of 2023 is history)."""
    year, month, _ = ref
    years = _YEAR.findall(text)
    if not year or not years:
        return False
    y, m = int(years[-1][0]), int(years[-1][1] or 0)
    if m and month:
        return (year * 12 + month) - (y * 12 + m) > 3
    return y < year


# A dateline opens a report with the day it was filed: "2019年4月1日讯", "某某网1月4日某地消息", "某地3月9日电".
_DATELINE_END = re.compile(r"(?:[\u4e00-\u9fff]{0,6}?(?<!通)讯|[\u4e00-\u9fff]{0,6}?消息)(?=[\s(（:：,，【\[]|$)"
                           r"|电(?=[\s(（:：,，【\[“\"]|$|记者)")
_FULL_DATELINE = re.compile(r"^[\W_]{0,3}[\u4e00-\u9fff]{0,16}?((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日")
# "继1月5日15个重大项目集中开工之后,6日上午……签约": a 继……之后 clause names an earlier event, whose date
# is not the one the sentence reports (继续/继承/继而 are other words).
_EARLIER_CLAUSE = re.compile(r"继(?![续承而任])[^,，;；。!！?？]{1,60}?(?:之后|以后|后)(?=\s*[,，])")


def dateline_date(line: str) -> str | None:
    """The full date of a dateline opening ``line`` ("2019年4月1日讯,……", "某某网2019年4月1日电"), else None."""
    m = _FULL_DATELINE.match(line or "")
    if not m or not _DATELINE_END.match(line, m.end()):
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


def _blank_earlier_clauses(text: str) -> str:
    """``text`` with its 继……之后 clauses blanked out (positions kept), when something follows them."""
    return _EARLIER_CLAUSE.sub(lambda m: " " * len(m.group(0)), text) if "继" in text else text


def _calendar(m: re.Match, ref: DateParts, text: str) -> tuple[bool, str | None, bool]:
    """What a calendar date of the text ("3月9日", "2023年6月") says, its year from ``ref`` when not written."""
    year, month, _ = ref
    # A page without a date: the year of the event's own name in the same text, if any.
    y = int(m.group(1)) if m.group(1) else (year or named_year(text))
    mo = int(m.group(2))
    if y and not m.group(1) and month and mo > month:
        y -= 1  # "12月28日" on a page of January is last year's
    if not y or not 1 <= mo <= 12:
        return True, None, True
    return True, f"{y:04d}-{mo:02d}-{int(m.group(3)):02d}" if m.group(3) else f"{y:04d}-{mo:02d}", True


def _after_dateline(text: str, dates: list[re.Match], ref: DateParts) -> tuple[bool, str | None, bool]:
    """The event's date in a text opened by a dateline (``dates[0]``): a day named besides, on or before
    the dateline's ("2019年4月1日讯,3月27日上午", "3月3日电……大会3日举行"), else the dateline's own."""
    own = _calendar(dates[0], ref, text)
    try:
        filed = date.fromisoformat(own[1] or "")
    except ValueError:
        return own
    later = dates[1] if len(dates) > 1 else None
    if later and later.group(3):
        when = _calendar(later, (filed.year, filed.month, filed.day), text)
        return when if when[1] and when[1] <= filed.isoformat() else own
    if not later and (only := _DAY_ONLY.search(text, dates[0].end())) and 1 <= int(only.group(1)) <= filed.day:
        return True, filed.replace(day=int(only.group(1))).isoformat(), True
    return own


def date_in_text(text: str, ref: DateParts) -> tuple[bool, str | None, bool]:
    """(whether ``text`` dates the event, the date as YYYY-MM-DD / YYYY-MM when the year is known,
    whether the text gives the date itself rather than "日前/近日"). A dateline's date ("2019年4月1日讯,
    3月27日上午,……") is the report's: a day the text names besides, not after it, is the event's; a date
    in a 继……之后 clause is an earlier event's."""
    text = _blank_earlier_clauses(text)
    year, month, day = ref
    dates = list(islice((m for m in _TEXT_DATE.finditer(text)
                         if not _SCHEDULED.search(text, max(0, m.start() - 4), m.start())), 2))
    if dates and dates[0].group(3) and _DATELINE_END.match(text, dates[0].end()):
        return _after_dateline(text, dates, ref)
    if dates:
        return _calendar(dates[0], ref, text)
    if first_day := _FIRST_WORKDAY.search(text):
        return True, f"{int(first_day.group(1)):04d}-01", True
    only_day = _DAY_ONLY.search(text)
    if only_day and not year and (named := _named_month(text)):
        # "12日上午,……2022年三月份重点项目开工" on a page without a date: the day of the named month.
        try:
            return True, date(*named, int(only_day.group(1))).isoformat(), True
        except ValueError:
            pass
    if only_day and year and month and day and 1 <= int(only_day.group(1)) <= 31:
        d = int(only_day.group(1))
        y, mo = (year, month) if d <= day else (year - (month == 1), (month - 2) % 12 + 1)
        return True, f"{y:04d}-{mo:02d}-{d:02d}", True
    relative = _RELATIVE_DAY.search(text)
    if relative:
        return True, _relative_day(relative.group(0), ref), True
    recent = _RECENT.search(text)
    if not recent:
        return False, None, False
    return True, f"{year:04d}-{month:02d}" if year and month else None, False


def _relative_day(words: str, ref: DateParts) -> str | None:
    """The date "昨天" or "上周五" means on a page of ``ref``, read by jionlp's time parser. A weekday
    without 上 that would fall after the page's date ("周五,……签约" on a Monday) is the last one."""
    year, month, day = ref
    if not (year and month and day):
        return f"{year:04d}-{month:02d}" if year and month else None
    base = date(year, month, day)
    parsed = jionlp.parse_time(words, time_base=time.mktime(base.timetuple()))
    when = date.fromisoformat(parsed["time"][0][:10])
    return (when - timedelta(days=7) if when > base else when).isoformat()


BEIJING = ZoneInfo("Asia/Shanghai")


def local_time(stamp: str | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored ISO time as people read it: in Beijing time (every page, digest and table shows this)."""
    if not stamp:
        return ""
    return datetime.fromisoformat(stamp).astimezone(BEIJING).strftime(fmt)
