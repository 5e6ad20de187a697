"""Money figures and project counts in analysis text (Simplified, NFKC-folded, ASCII digits).

``find_amounts`` locates every amount of money, converts it to a number in its own currency
(1亿 = 100000000) and decides from the words around it whether it is an investment at all:
announcements quote output, sales, tax and fund sizes right next to the investment, and only
the investment may become ``total_investment_cny``.
"""
from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass

import cn2an

log = logging.getLogger(__name__)

# ISO codes of the currencies Chinese news names; anything else written with 元 is yuan.
CURRENCY_CODES = {"美元": "USD", "美金": "USD", "欧元": "EUR", "港元": "HKD", "港币": "HKD", "日元": "JPY",
                  "英镑": "GBP", "韩元": "KRW", "新加坡元": "SGD", "澳元": "AUD", "加元": "CAD",
                  "瑞士法郎": "CHF"}
# How a code is written for people (2.5亿美元): the first name of each code above.
CURRENCY_NAMES = {code: name for name, code in reversed(CURRENCY_CODES.items())}
_CURRENCY = "|".join(sorted(CURRENCY_CODES, key=len, reverse=True))
_CN_DIGITS = "零〇一二两三四五六七八九十百千"
_NUMBER = rf"\d+(?:,\d{{3}})*(?:\.\d+)?|[{_CN_DIGITS}]+"
_MAGNITUDE = r"(?:[十百千]?万亿|[十百千]?亿|[十百千]?万)"
_QUALIFIER_BEFORE = r"(?:大约|约合|约|将近|接近|近|超过|超出|超|逾|达到|达|高达|共计|合计|总计|累计|共)?"
AMOUNT = re.compile(
    rf"(?P<before>{_QUALIFIER_BEFORE})\s*(?P<num>{_NUMBER})\s*(?P<after>余|多)?\s*"
    rf"(?P<mag>{_MAGNITUDE})?\s*(?P<extra>余|多)?\s*(?:人民币)?\s*(?P<cur>{_CURRENCY}|元(?!宵|旦|素))?"
)
# Without a currency word only 亿 is money: "100万平方米", "3000万人" are not.
_MEASURE_AFTER = re.compile(r"\s*(?:人|吨|平方|亩|千瓦|瓦|度|辆|台|套|件|次|个|户|张|颗|片|公里|米|立方|标箱|头|只)")
# "4000万美元(折合人民币约2.9亿元)": the page states the rate, so the yuan figure is the one to keep.
_STATED_RATE = re.compile(r"^\s*[(,]?\s*(?:折合|约合|合|相当于)(?:人民币)?")
# No announcement states more than a few 万亿元; a larger figure is a typo or an attack, and would not
# even fit SQLite's 64-bit integers (99999999999999999999亿元 is 1e28), so it is dropped with a warning.
MAX_PLAUSIBLE = 10 ** 13  # 10万亿, in the figure's own currency
_MAX_NUMBER_LENGTH = 30  # a longer run of digits or numerals is no amount (float() of 310 digits is infinite)
_UNIT_VALUE = {"万": 10_000, "亿": 100_000_000}
_PREFIX_VALUE = {"十": 10, "百": 100, "千": 1000}

# Words that make a nearby figure an investment. Hand-written because they are the domain's own
# vocabulary for "money committed to projects"; totals are told apart from per-project figures.
_TOTAL_WORDS = ("总投资", "投资总额", "签约金额", "签约总额", "涉及投资", "合同金额", "总金额",
                "协议投资", "计划总投资", "投资规模", "总额")
_INVESTMENT_WORDS = _TOTAL_WORDS + ("投资", "投入", "金额")
# Figures that sit next to investments but are something else: output, sales, tax, fund sizes,
# subsidies, listed-company capital raising, statistics. Any of these nearer to the figure than
# an investment word wins.
_NOT_INVESTMENT_WORDS = ("产值", "销售", "营收", "营业收入", "收入", "税收", "利税", "纳税", "产出",
                         "基金规模", "募资", "募集", "可转债", "融资", "增加值", "生产总值", "GDP",
                         "利润", "补贴", "奖励", "补助", "出口", "进出口", "交易额", "成交", "消费",
                         "授信", "贷款", "注册资本", "市值", "估值", "减负", "减税", "资产", "保费",
                         "规模以上", "票房", "工资", "收益")
# Said right after the figure: "200亿元产值", "500亿产出规模", "投资百亿规模".
_NOT_INVESTMENT_AFTER = re.compile(r"\s*(?:的)?(?:年)?(?:" + "|".join(_NOT_INVESTMENT_WORDS)
                                   + r"|规模|级|以上(?:的)?[^,;。]{0,6}项目)")
_CLAUSE_BREAK = re.compile(r"[,;。!?:、\n]")

QUALIFIERS = {"约": "约", "大约": "约", "约合": "约", "近": "近", "将近": "近", "接近": "近",
              "超": "超", "超过": "超", "超出": "超", "逾": "逾", "余": "逾", "多": "逾"}

# How news counts projects: "29个项目", "9项合作协议", "5只重点项目", "8家企业", "十大项目", "三项目",
# "项目共计12个". The measure word may be left out only right before the noun ("三项目"), so that
# "1号项目" is no count; 批 counts batches ("一批重大项目", "四批次项目"), not projects. tests/test_money.py holds a table of phrases and what they count.
_COUNT = re.compile(
    rf"(?P<n>\d+|[{_CN_DIGITS}]+)\s*(?:(?P<measure>个|项|家|只|大)(?P<what>[^,;。!?:\d]{{0,10}}?))?"
    rf"(?P<noun>项目|协议|合作事项|工程|企业)"
    rf"|(?P<noun2>项目|协议|合作事项)\s*(?:共有|共|合计|共计|总计|累计|有|达)?\s*(?P<n2>\d+|[{_CN_DIGITS}]+)\s*(?P<measure2>个|项|只)"
)


@dataclass
class Amount:
    start: int
    end: int
    value: int  # in the unit of ``currency``: yuan when currency is None
    currency: str | None  # ISO code of a foreign currency, None for yuan
    qualifier: str | None
    kind: str  # "total" | "investment" | "other" | "unknown"
    raw: str


def yi_text(amount, qualifier=None, currency=None) -> str | None:
    """How every amount is shown to people: ``约20亿元``, ``0.52亿元``, ``2.5亿美元`` — in 亿 of the
    amount's own currency (yuan unless ``currency`` names another), with its qualifier; None when no
    amount was stated. The digest, the feed, the CLI and Datasette all show money through this."""
    if amount is None or amount == "":
        return None
    figure = f"{float(amount) / 1e8:,.4f}".rstrip("0").rstrip(".")
    unit = "元" if currency in (None, "", "CNY") else CURRENCY_NAMES.get(currency, currency)
    return f"{qualifier or ''}{figure}亿{unit}"


def parse_number(text: str) -> float | None:
    """'1,200.5' → 1200.5, '三百' → 300, '百' → 100; None when it is not a number."""
    text = text.replace(",", "")
    if len(text) > _MAX_NUMBER_LENGTH:
        return None
    try:
        return float(text)
    except ValueError:
        pass
    try:
        return float(cn2an.cn2an("一" + text if text[0] in "十百千" else text, "smart"))
    except (ValueError, KeyError, IndexError):
        return None


def magnitude(mag: str | None) -> int:
    """'亿' → 1e8, '千万' → 1e7, '万亿' → 1e12."""
    if not mag:
        return 1
    value = 1
    if mag[0] in _PREFIX_VALUE:
        value, mag = _PREFIX_VALUE[mag[0]], mag[1:]
    for ch in mag:
        value *= _UNIT_VALUE[ch]
    return value


def parse_amount(text: str) -> tuple[int, str | None] | None:
    """'约260亿元' → (26000000000, None); '4000万美元' → (40000000, 'USD'); None if no amount."""
    amounts = find_amounts(text)
    return (amounts[0].value, amounts[0].currency) if amounts else None


def _value(m: re.Match) -> int | None:
    number = parse_number(m.group("num"))
    if number is None:
        return None
    value = number * magnitude(m.group("mag"))
    if not math.isfinite(value) or value > MAX_PLAUSIBLE:
        log.warning("amount %r dropped: more than 10万亿 is not a plausible figure", m.group(0)[:60])
        return None
    return round(value)


def _currency(m: re.Match) -> str | None:
    return CURRENCY_CODES.get(m.group("cur"))


def _nearest_keyword(before: str) -> str | None:
    """The money word closest to the figure in the text before it (same clause), if any."""
    best, best_pos = None, -1
    for word in _INVESTMENT_WORDS + _NOT_INVESTMENT_WORDS:
        pos = before.rfind(word)
        if pos >= 0 and pos + len(word) > best_pos:
            best, best_pos = word, pos + len(word)
    return best


def classify(text: str, start: int, end: int) -> str:
    """'total', 'investment', 'other' (a distractor) or 'unknown' for the figure at text[start:end]."""
    clause_start = max((m.end() for m in _CLAUSE_BREAK.finditer(text, max(0, start - 30), start)),
                       default=max(0, start - 30))
    if _NOT_INVESTMENT_AFTER.match(text, end):
        return "other"
    word = _nearest_keyword(text[clause_start:start])
    if word is None:
        return "unknown"
    if word in _NOT_INVESTMENT_WORDS:
        return "other"
    return "total" if word in _TOTAL_WORDS or text[max(clause_start, start - 8):start].find("累计") >= 0 \
        else "investment"


def find_amounts(text: str) -> list[Amount]:
    """Every money figure in ``text`` with its value, currency, qualifier and kind."""
    amounts: list[Amount] = []
    for m in AMOUNT.finditer(text):
        mag, cur = m.group("mag") or "", m.group("cur")
        # Every Chinese numeral in the text matches; the cheap tests come before parsing the number.
        if not (cur or mag.endswith("亿")):
            continue
        if not cur and _MEASURE_AFTER.match(text, m.end()):
            continue
        if re.match(r"\d", m.group("num")) is None and not mag:
            continue  # "三元" is part of a word more often than money
        if text[max(0, m.start() - 1):m.start()] in ("数", "几"):
            continue  # "数十亿元", "几十亿": no figure at all
        value = _value(m)
        if value is None:
            continue
        word = m.group("before") or m.group("after") or m.group("extra") or ""
        if text[max(0, m.start() - 1):m.start()] == "不":
            word = ""  # "不超过10亿元" is a ceiling, not "over"
        amounts.append(Amount(m.start(), m.end(), value, _currency(m), QUALIFIERS.get(word),
                              classify(text, m.start(), m.end()), m.group(0)))
    return _apply_stated_rates(text, amounts)


def _apply_stated_rates(text: str, amounts: list[Amount]) -> list[Amount]:
    """Drop a foreign figure whose yuan equivalent follows it, giving that kind to the yuan one."""
    kept: list[Amount] = []
    for i, amount in enumerate(amounts):
        nxt = amounts[i + 1] if i + 1 < len(amounts) else None
        if (amount.currency and nxt and nxt.currency is None and nxt.start - amount.end < 12
                and (rate := _STATED_RATE.match(text[amount.end:nxt.start]))):
            nxt.kind = amount.kind
            if rate.group(0).lstrip(" (,").startswith("约"):  # "约合人民币10.7亿元": about that much
                nxt.qualifier = nxt.qualifier or "约"
            continue
        kept.append(amount)
    return kept


@dataclass
class Count:
    start: int
    n: int
    noun: str  # 项目 | 协议 | 合作事项 | 工程 | 企业
    end: int  # where the number and its measure word end ("29个" of "29个项目"; all of "项目共12个")
    measure: str  # 个 | 项 | 家 | 只 | 大, or "" ("三项目")


def find_counts(text: str) -> list[Count]:
    """Every '29个项目', '9项合作协议', '项目15个', '8家企业' in ``text``."""
    counts = []
    for m in _COUNT.finditer(text):
        raw = m.group("n") or m.group("n2")
        if m.group("n") and re.search(r"[年月日亩米]", m.group("what") or ""):
            continue
        if m.group("noun") == "企业" and m.group("measure") != "家":
            continue  # firms are counted in 家; "3个企业" is rare, "一批企业" is no batch of projects
        if text[max(0, m.start() - 1):m.start()] in ("每", "第", "这", "那", "单"):
            continue  # "每一个项目", "第3个项目": not how many there are
        number = parse_number(raw)
        if number is not None and 0 < number < 10_000:
            measure = m.group("measure") or m.group("measure2") or ""
            end = m.end() if m.group("n2") else m.end("n") + len(m.group("measure") or "")
            counts.append(Count(m.start(), int(number), m.group("noun") or m.group("noun2"), end, measure))
    return counts
