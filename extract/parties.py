"""The companies and government bodies behind an announced project.

News names them in a few fixed constructions — "由A、B和C共同打造", "A与B、C签约", "A同B开启战略
合作", "A举行……签约仪式" — so the extraction is those constructions plus a check that each name
looks like an organisation or a place (an organisation suffix, or a division jionlp knows).
"""
from __future__ import annotations

import re

from extract.places import find_mentions, strip_address

_TOGETHER = re.compile(r"由([^,;。:]{2,120}?)(?:[一二两三四五六七八九十]方|双方|各方)?(?:共同|联合|合作|携手|合资)")
_WITH = re.compile(r"(?:^|[,;。:])\s*([^,;。:]{2,40}?)(?:与|同|和|跟)([^,;。:]{2,120}?)"
                   r"(?:围绕|就|在|正式|进行|开启|达成|举行|共同|签订|签署|签约|携手|建立|深化|全面)"
                   r"[^,;。:]{0,24}?(?:签约|签署|签订|合作)")
_HOST = re.compile(r"(?:^|[,;。:])\s*([^,;。:]{2,20}?)(?:举行|举办|召开)[^,;。:]{0,20}?(?:签约|开工|投产|竣工|揭牌|开园)"
                   r"[^,;。:]{0,6}?(?:仪式|大会|活动|会)")
_ITEM_SPLIT = re.compile(r"以及|及|和|与|同")
_LEADING = re.compile(r"^(?:\d{1,2}月\d{1,2}日|[上下]午|日前|近日|今天|今日|昨天|目前|此外|同时|其中|当天|"
                      r"据悉|该项目|项目|本次|此次|会上|现场|仪式上|活动中|由)+")
_TRAILING = re.compile(r"(?:[一二两三四五六七八九十]方|双方|各方|等单位|等|分别)+$")
# What an organisation's name ends with (hand-written: Chinese company and agency naming).
_ORG_SUFFIX = re.compile(
    r"(?:公司|集团|控股|股份|政府|管委会|委员会|执委会|园区|开发区|高新区|示范区|科技城|银行|大学|学院|研究院|"
    r"研究所|协会|商会|联盟|基金|资本|投资|科技|局|厅|办公室|中心|实验室|医院|有限合伙|工厂|企业)$"
)


def clean_party(name: str) -> str | None:
    """A signing party's name as written, or None when the words are not an organisation."""
    name = _TRAILING.sub("", _LEADING.sub("", name.strip(" “”\"'·"))).strip()
    if not 2 <= len(name) <= 40 or re.search(r"[将是为了对把]|\d+[个家项]|^[该此这其各]|[一二两三四五六七八九十多各]地", name):
        return None
    if _ORG_SUFFIX.search(name):
        return strip_address(name) if re.search(r"(?:园区|开发区|高新区|科技城)$", name) else name
    places = find_mentions(name)
    if places and places[0].start == 0 and places[-1].end == len(name) and all(
            a.end == b.start for a, b in zip(places, places[1:])):
        divs = places[0].divisions
        if len(places) == 1 and len(divs) == 1:  # "常熟" → "常熟市": the place's government signs
            return divs[0].county or divs[0].city or divs[0].province
        return name
    return None


def _split(names: str) -> list[str]:
    """'A、B和C' → [A, B, C]; a 和 inside a name ("上海联和投资有限公司") stays."""
    found = []
    for part in names.split("、"):
        pieces = [clean_party(p) for p in _ITEM_SPLIT.split(part)]
        whole = clean_party(part)
        found += pieces if all(pieces) else [whole] if whole else [p for p in pieces if p]
    return found


def find_parties(event_spans: list[str], text: str) -> list[str]:
    """Makers and signers: "由A、B共同……" anywhere in ``text``; "A与B签约" / "A举行签约仪式" in the
    event's own clauses, read in order until one of them names at least two organisations."""
    found: list[str] = []
    for m in _TOGETHER.finditer(text):
        found += _split(m.group(1))
    for span in event_spans:
        signers: list[str] = []
        for m in _WITH.finditer(span):
            first = clean_party(m.group(1))
            if first:
                signers += [first] + _split(m.group(2))
        for m in _HOST.finditer(span):
            host = clean_party(m.group(1))
            signers += [host] if host else []
        found += signers
        if len(set(signers)) >= 2:
            break
    return list(dict.fromkeys(found))
