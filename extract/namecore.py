"""The core of a project name: what stays when its places, parks, companies, phase, capacities and
generic words are taken away.

Reports write one project many ways: "常熟高新区新能源汽车电池结构件项目" in a headline,
"江苏锐铂精密科技有限公司新能源汽车动力电池精密结构件项目" in the lead; "特斯拉储能超级工厂项目" at the
signing, "特斯拉上海储能超级工厂" at the groundbreaking. Both the name decision of one article
(``yrdwatch.extract.projects.same_project``) and the linking of stages across articles (``yrdwatch.db.evidence``)
compare names by these parts, so both use this one definition.
"""
from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache
from typing import NamedTuple

from yrdwatch.extract.places import find_mentions, find_parks, is_abbreviation

_PHASE = re.compile(r"(首|[一二三四五六七八九十]|[1-9]|[ⅠⅡⅢⅣ])期")
_PHASE_NUMBER = {"首": "1", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8",
                 "九": "9", "十": "10", "Ⅰ": "1", "Ⅱ": "2", "Ⅲ": "3", "Ⅳ": "4"}
# A capacity or size written into a name (年产10万吨, 5GWh, 100MW) tells two plants apart.
_NAME_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_UNIT = re.compile(r"[万吨台套个亿元平方米千瓦时GWhMWkKtT吉兆瓦]+(?=[\u4e00-\u9fff]|$)")
# Words every project name may carry or drop without naming another project.
_GENERIC = re.compile(r"项目|工程|建设|新建|扩建|改扩建|年产|暨|及配套|配套|有限公司|股份|集团|重大|重点|产业化|"
                      r"[\s\"'“”‘’「」『』《》〈〉()（）\[\]【】·•・,，、.。&＆+\-]|的")
_LEGAL_SUFFIX = re.compile(r"(?:股份有限公司|有限责任公司|有限公司|集团股份|集团|股份|控股|公司)+$")
# A company written in full inside a name ("江苏锐铂精密科技有限公司新能源汽车……项目") is its owner,
# whether or not the text names it a party.
REGISTERED_COMPANY = re.compile(r".{2,30}?(?:股份有限公司|有限责任公司|有限公司)")
# A park is taken out only when a name of its own follows it ("海门生物医药产业园二期项目" is the park).
_MIN_REST = 4


class NameParts(NamedTuple):
    core: str
    phase: str | None  # "1", "2" … as written in 一期 / 二期 / 首期
    numbers: tuple[str, ...]  # capacities and sizes, sorted
    places: tuple[str, ...]  # divisions and parks written in the name
    companies: tuple[str, ...]  # companies written in it, by their short names


def company_short(party: str) -> str:
    """'宁德时代新能源科技股份有限公司' → '宁德时代新能源科技': how names write a company."""
    return _LEGAL_SUFFIX.sub("", party.strip())


def _strip_companies(name: str, parties: tuple[str, ...]) -> tuple[str, list[str]]:
    """The name without its companies: any written in full, and the longest start (3+ characters) of
    any party's short name it contains."""
    found = [company_short(m.group(0)) for m in REGISTERED_COMPANY.finditer(name)]
    name = REGISTERED_COMPANY.sub("", name)
    for party in parties:
        short = company_short(party)
        for length in range(len(short), 2, -1):
            if short[:length] in name:
                name = name.replace(short[:length], "")
                found.append(short)
                break
    return name, found


def _strip_places(name: str) -> tuple[str, list[str]]:
    """The name without the divisions and the parks it is written in (a park followed by a name of
    its own: "常熟高新区新能源汽车电池结构件项目", not "广陵开发区丰元仓储智能制造产业园"'s second park)."""
    places = []
    in_front = [(begin, end, park) for begin, end, park in find_parks(name)
                if len(_GENERIC.sub("", name[end:])) >= _MIN_REST]
    for begin, end, park in reversed(in_front):
        name, places = name[:begin] + name[end:], places + [park]
    for mention in reversed(find_mentions(name)):
        name, places = name[:mention.start] + name[mention.end:], places + [mention.name]
    return name, places


@lru_cache(maxsize=4096)
def name_parts(name: str, parties: tuple[str, ...] = ()) -> NameParts:
    """The parts of a Simplified project name; ``parties`` are the companies the text names."""
    phase_match = _PHASE.search(name)
    phase = _PHASE_NUMBER.get(phase_match.group(1), phase_match.group(1)) if phase_match else None
    rest = _PHASE.sub("", name)
    numbers = tuple(sorted(set(_NAME_NUMBER.findall(rest))))
    rest, companies = _strip_companies(rest, parties)
    rest, places = _strip_places(rest)
    core = _NAME_NUMBER.sub("", _GENERIC.sub("", rest))
    core = _UNIT.sub("", core) if numbers else core
    return NameParts(core, phase, numbers, tuple(places), tuple(companies))


# A core needs this many characters to say which project it is ("电池" says nothing).
_MIN_CORE = 4
# The shorter core keeps at least this share of the longer ("电池结构件" is not "新能源汽车动力电池精密结构件").
_KEPT_SHARE = 0.6


def _related(ours: tuple[str, ...], theirs: tuple[str, ...]) -> bool:
    """Whether two names' places (or companies) can be one: one side writes none, or some pair is one
    inside the other or its abbreviation ("常熟高新区" / "常熟")."""
    return not ours or not theirs or any(
        x in y or y in x or is_abbreviation(x, y) or is_abbreviation(y, x) for x in ours for y in theirs)


def one_core(a: NameParts, b: NameParts) -> bool:
    """Two names of one project in one text: the same phase and no other capacity, no two places or
    companies that differ, and the shorter core the longer with qualifiers dropped — every
    character kept, in order, in runs of two or more ("新能源汽车电池结构件" in
    "新能源汽车动力电池精密结构件")."""
    if a.phase != b.phase or (a.numbers and b.numbers and a.numbers != b.numbers):
        return False
    if not _related(a.places, b.places) or not _related(a.companies, b.companies):
        return False
    short, long_ = sorted((a.core, b.core), key=len)
    if len(short) < _MIN_CORE or len(short) < _KEPT_SHARE * len(long_) or not set(short) <= set(long_):
        return False
    blocks = SequenceMatcher(None, short, long_, autojunk=False).get_matching_blocks()
    return sum(block.size for block in blocks if block.size >= 2) == len(short)
