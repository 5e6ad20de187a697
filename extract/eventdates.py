"""Every date a page could give its event, each described by what stands around it, for the learned
``date`` decision of ``yrdwatch.extract.decide``.

The rules (``yrdwatch.extract.dates.date_in_text``) take the first date of the event's clauses, else the lead's,
and read a date without a year only against the page's own date. On the corpus that misses in three
ways: the right date is never proposed (a page without a date of its own whose text writes the year
elsewhere: "1月28日上午……" and "2023年锡山区……", which the label convention accepts), the
page's date is taken where the text states the day ("今日举行" in a headline, "8月22日上午" in the
lead), or the date of another occasion is taken (an earlier signing, a 继……之后 clause, a plan).

So every date expression of the body is proposed, once per way of completing it:

- a written year ("2022年1月6日"), or the page's year ("3月5日" on a page of 2023-03-07; a month
  after the page's is last year's), or, for each of the first few distinct years the text writes,
  that year ("3月5日" with "2023年闵行区……" elsewhere);
- a day alone ("18日上午") in the page's month, or in the month of the text's previous date
  ("7月18日电……18日,");
- 昨天 / 上周五 against the page's date; 近日 / 日前 as the page's month; "新年首个工作日" as January.

Each candidate's features: its sentence and the characters around it (``candidates.context_features``),
its kind and where its year came from, how far before the page's date it lies, plan words and
继……之后 before it, a dateline after it, whether the rules gave the same date.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from datetime import date

from yrdwatch.extract.candidates import Candidate, Sentence, bucket, context_features, sentence_at
from yrdwatch.extract.dates import (DATELINE_END, DAY_ONLY, EARLIER_CLAUSE, FIRST_WORKDAY, PLAN_BEFORE, RECENT,
                           RELATIVE_DAY, SCHEDULED, TEXT_DATE, YEAR, DateParts, first_workday, named_year,
                           relative_day)

_TEXT_YEARS = 3  # distinct years of the text proposed for a date without one (the first ones written)
# A year written without 年 before a name: "2021惠山投资合作恳谈会", "2018中国扬州“烟花三月”……" (no amount, count or number).
_BARE_YEAR = re.compile(r"(?<![\d.\-/第约近超逾达共计资值号])((?:19|20)\d{2})(?=[\u4e00-\u9fff“\"「《])"
                        r"(?![万亿千百十元个项家吨亩米台套辆人名余多件户次块只条座栋间张平公克度瓦伏号期届级倍分秒天周年])")
_CEREMONY = re.compile(r"仪式|举行|举办|召开|活动|大会|现场|典礼")


def text_years(body: str) -> list[tuple[int, dict[str, float]]]:
    """The first distinct years the text writes, each with how the text uses it."""
    found: dict[int, list[re.Match]] = {}
    for m in YEAR.finditer(body):
        found.setdefault(int(m.group(1)), []).append(m)
    for m in _BARE_YEAR.finditer(body):
        if 1990 <= int(m.group(1)) <= date.today().year + 1:
            found.setdefault(int(m.group(1)), []).append(m)
    found = dict(sorted(found.items(), key=lambda kv: min(m.start() for m in kv[1])))
    named = named_year(body)
    years = []
    for order, (year, matches) in enumerate(list(found.items())[:_TEXT_YEARS]):
        f = {f"t:text_year_order={order}": 1.0,
             f"t:text_year_mentions={bucket(len(matches), (1, 2, 4))}": 1.0}
        if year == max(found):
            f["t:text_year_latest"] = 1.0
        if year == named:
            f["t:text_year_named"] = 1.0
        if any(m.re is _BARE_YEAR for m in matches):
            f["t:text_year_bare"] = 1.0
        if all(PLAN_BEFORE.search(body, max(0, m.start() - 4), m.start()) for m in matches):
            f["t:text_year_planned"] = 1.0
        years.append((year, f))
    return years


def _iso(y: int, m: int, d: int | None) -> str | None:
    try:
        return date(y, m, d or 1).isoformat()[:10 if d else 7]
    except ValueError:
        return None


def date_candidates(body: str, title_end: int, sentences: list[Sentence], ref: DateParts,
                    rule_date: str | None, head_event: str | None) -> list[Candidate]:
    """Every way the page's date expressions can be read as the event's date, with features."""
    year, month, day = ref
    page_day = date(year, month, day) if year and month and day else None
    years = text_years(body)
    earlier = [m.span() for m in EARLIER_CLAUSE.finditer(body)] if "继" in body else []
    found: list[tuple[int, int, str, str, dict[str, float]]] = []  # start, end, value, kind, own features
    written = list(TEXT_DATE.finditer(body))

    def readings(m: re.Match) -> list[tuple[int, dict[str, float]]]:
        """The years a written date may have: its own, else the page's and the text's."""
        if m.group(1):
            return [(int(m.group(1)), {"t:year=written": 1.0})]
        out = [(y, {"t:year=text": 1.0, **f}) for y, f in years]
        if year:
            rolled = bool(month and int(m.group(2)) > month)  # "12月28日" on a page of January
            out.insert(0, (year - rolled, {"t:year=page_rolled" if rolled else "t:year=page": 1.0}))
        return out

    for m in written:
        mo, d = int(m.group(2)), int(m.group(3)) if m.group(3) else None
        if not 1 <= mo <= 12:
            continue
        kind = ("y" if m.group(1) else "") + "m" + ("d" if d else "")
        for y, f in readings(m):
            if value := _iso(y, mo, d):
                found.append((m.start(), m.end(), value, kind, f))
    for m in DAY_ONLY.finditer(body):
        d = int(m.group(1))
        if page_day and d <= day:
            found.append((m.start(), m.end(), _iso(year, month, d), "d", {"t:month=page": 1.0}))
        elif page_day:
            found.append((m.start(), m.end(), _iso(year - (month == 1), (month - 2) % 12 + 1, d), "d",
                          {"t:month=page_previous": 1.0}))
        # the month of the date written before it ("7月18日电……18日,"), in that date's year
        prev = written[bisect_right(written, m.start(), key=lambda t: t.start()) - 1] \
            if written and written[0].start() < m.start() else None
        if prev and 1 <= int(prev.group(2)) <= 12:
            for y, f in readings(prev):
                if value := _iso(y, int(prev.group(2)), d):
                    found.append((m.start(), m.end(), value, "d", {"t:month=previous_date": 1.0, **f}))
    for m in RELATIVE_DAY.finditer(body):
        if page_day and (value := relative_day(m.group(0), ref)):
            found.append((m.start(), m.end(), value, "relative", {f"t:word={m.group(0)[-2:]}": 1.0}))
    for m in FIRST_WORKDAY.finditer(body):
        if value := first_workday(m, ref):
            found.append((m.start(), m.end(), value, "first_workday", {}))
    for m in RECENT.finditer(body):
        if year and month:
            found.append((m.start(), m.end(), f"{year:04d}-{month:02d}", "recent", {}))
    found = [x for x in found if x[2]]
    counts: dict[str, int] = {}
    for _, _, value, _, _ in found:
        counts[value] = counts.get(value, 0) + 1
    out = []
    for n, (start, end, value, kind, own) in enumerate(sorted(found, key=lambda x: x[0])):
        sentence = sentence_at(sentences, start)
        f = context_features(body, start, end, sentence, title_end, "t:")
        f.update(own)
        f[f"t:kind={kind}"] = 1.0
        f[f"t:order={bucket(n, (0, 1, 2, 4, 8))}"] = 1.0
        f[f"t:same_value={bucket(counts[value], (1, 2, 4))}"] = 1.0
        f[f"t:before_page={_days_before(value, page_day)}"] = 1.0
        if SCHEDULED.search(body, max(0, start - 4), start):
            f["t:scheduled"] = 1.0
        if any(s <= start < e for s, e in earlier):
            f["t:earlier_clause"] = 1.0
        if DATELINE_END.match(body, end):
            f["t:dateline"] = 1.0
        if head_event and sentence.event == head_event:
            f["t:head_event_sentence"] = 1.0
        if _CEREMONY.search(body, sentence.start, sentence.end):
            f["t:ceremony_sentence"] = 1.0
        if rule_date and value == rule_date:
            f["t:rule_date"] = 1.0
        out.append(Candidate("date", start, end, value, f))
    return out


def _days_before(value: str, page_day: date | None) -> str:
    """How long before the page's date a candidate lies ("none": the page has no date)."""
    if page_day is None:
        return "none"
    if len(value) == 7:
        return "month_same" if value == page_day.isoformat()[:7] else (
            "month_later" if value > page_day.isoformat()[:7] else "month_earlier")
    days = (page_day - date.fromisoformat(value)).days
    return "future" if days < 0 else bucket(days, (0, 1, 3, 7, 31, 366))
