"""The companies and government bodies behind an announced project.

News names them in a few fixed constructions — "由A、B和C共同打造", "A与B、C签约", "A同B开启战略
合作", "A举行……签约仪式" — so the extraction is those constructions plus a check that each name
looks like an organisation or a place (an organisation suffix, or a division jionlp knows).
"""
from __future__ import annotations

import re

from yrdwatch.extract.places import find_mentions, strip_address

_TOGETHER = re.compile(r"由([^,;。:]{2,120}?)(?:[一二两三四五六七八九十]方|双方|各方)?(?:共同|联合|合作|携手|合资)")
_WITH = re.compile(r"(?:^|[,;。:])\s*([^,;。:]{2,40}?)(?:与|同|和|跟)([^,;。:]{2,120}?)"
                   r"(?:签约|签署|签订|(?:围绕|就|在|正式|进行|开启|达成|举行|共同|携手|建立|深化|全面)"
                   r"[^,;。:]{0,24}?(?:签约|签署|签订|合作|共建))")
_HOST = re.compile(r"(?:^|[,;。:])\s*([^,;。:]{2,20}?)(?:举行|举办|召开)[^,;。:]{0,20}?(?:签约|开工|投产|竣工|揭牌|开园)"
                   r"[^,;。:]{0,6}?(?:仪式|大会|活动|会)")
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
    # Function words mean a clause was caught, not a name (为 is allowed: 华为).
    if not 2 <= len(name) <= 40 or re.search(r"[将是了对把]|\d+[个家项]|^[该此这其各]|[一二两三四五六七八九十多各]地", name):
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


def _short_brand(name: str) -> str | None:
    """A company's short name ("宁德时代", "华为"): a few characters, no function words."""
    name = _LEADING.sub("", name.strip())
    ok = re.fullmatch(r"[\u4e00-\u9fffA-Za-z]{2,8}", name) and not re.search(r"[的了在将是对把被从向]", name)
    return name if ok else None


def _split(names: str) -> list[str]:
    """'A、B与C' → [A, B, C]. 与/同 never occur inside an organisation's name, so they always
    separate (and a named counterpart vouches for a short brand on the other side); 和/及 do occur
    inside names ("上海联和投资有限公司"), so they separate only two valid names."""
    found = []
    for part in names.split("、"):
        sides = [side for side in re.split(r"与|同|以及", part) if side]
        cleaned = [_split_and(side) for side in sides]
        if len(sides) > 1 and any(cleaned):
            cleaned = [c or [b for b in [_short_brand(side)] if b] for c, side in zip(cleaned, sides)]
        found += [name for c in cleaned for name in c]
    return found


def _split_and(part: str) -> list[str]:
    pieces = [clean_party(p) for p in re.split(r"和|及", part)]
    whole = clean_party(part)
    return pieces if len(pieces) > 1 and all(pieces) else [whole] if whole else []


def find_parties(event_spans: list[str], text: str) -> list[str]:
    """Makers and signers: "由A、B共同……" anywhere in ``text``; "A与B签约" / "A举行签约仪式" in the
    event's own clauses, read in order until one of them names at least two organisations."""
    found: list[str] = []
    for m in _TOGETHER.finditer(text):
        found += _split(m.group(1))
    for span in event_spans:
        signers: list[str] = []
        for m in _WITH.finditer(span):
            first, others = clean_party(m.group(1)), _split(m.group(2))
            if not first and others:  # a known counterpart vouches for a short brand: "宁德时代与溧阳市……"
                first = _short_brand(m.group(1))
            if first:
                signers += [first] + others
        for m in _HOST.finditer(span):
            host = clean_party(m.group(1))
            signers += [host] if host else []
        found += signers
        if len(set(signers)) >= 2:
            break
    return list(dict.fromkeys(found))
