"""Every development zone, park or 科技城 a page names, with the features a model weighs
(``yrdwatch.extract.decide`` picks the one that hosts the headline batch, if any), and the lead's
scope (a whole city's or county's story), which the district decision reads too.
"""
from __future__ import annotations

import re

from yrdwatch.extract.candidates import Candidate, Sentence, bucket, context_features, sentence_at
from yrdwatch.extract.gazetteer import find_known_parks
from yrdwatch.extract.places import find_parks, is_zone

# Frames of a story told for a whole city (全市, 市级重点) or a whole district (全区, 区委): words of
# the lead, not of the candidate (hand-written: the handful of ways news names its own scope).
_CITY_WIDE = re.compile(r"全市|市级|全省|省级|市重大|市重点|各区县|各县区|各县市区")
_DISTRICT_WIDE = re.compile(r"全区|全县|区委|县委|区政府|县政府|区长|县长|区级|县级")
_LEAD = 200  # characters of title and lead that carry a story's scope
# "开工仪式在睢宁经济开发区举行": the park is where the ceremony was, which may host a county's batch.
VENUE_AFTER = re.compile(r"[^,。;]{0,6}?(?:举行|举办|召开)")


def lead_scope(body: str, title_end: int) -> list[str]:
    """The frames of the title and lead: ``lead_city_wide``, ``lead_district_wide``, in that order
    (a list, not a set: features are summed in order, so the order must not depend on hashing)."""
    lead = body[:max(title_end, _LEAD)]
    return [name for name, frame in (("lead_city_wide", _CITY_WIDE), ("lead_district_wide", _DISTRICT_WIDE))
            if frame.search(lead)]


def park_candidates(body: str, title_end: int, sentences: list[Sentence], rule_park: str | None,
                    rule_place: tuple[str | None, str | None], rule_count: int | None) -> list[Candidate]:
    """Every development zone, park or 科技城 the text names: by its shape
    (``yrdwatch.extract.places.find_parks``) or by the gazetteer (``yrdwatch.extract.gazetteer``, which also knows
    "苏相合作区" and "张江"). A candidate the gazetteer knows carries its ``known`` park, and says
    whether it lies where the rules placed the page ("临港" of 上海 on a page of 连云港 灌云县 is
    another 临港)."""
    spans: dict[tuple[int, int], tuple[str, object]] = {(s, e): (name, None) for s, e, name in find_parks(body)}
    for start, end, park in find_known_parks(body):
        inside = [k for k in spans if k[0] <= start and end <= k[1] or start <= k[0] and k[1] <= end]
        for k in inside:
            spans[k] = (spans[k][0], park)
        if not inside:
            spans[(start, end)] = (body[start:end], park)
    if rule_park and not any(rule_park == name for name, _ in spans.values()):
        at = body.find(rule_park)  # the rules' park (an opened park's own name) is always a candidate
        spans[(at, at + len(rule_park)) if at >= 0 else (len(body), len(body))] = (rule_park, None)
    names = [name for name, _ in spans.values()]
    # A batch of many projects, a story framed for a whole county or city, a page naming several
    # parks: the contract records a park only where it hosts the whole batch.
    page = {f"k:{frame}": 1.0 for frame in lead_scope(body, title_end)}
    page[f"k:batch={bucket(rule_count or 0, (0, 1, 5, 15))}"] = 1.0
    page[f"k:parks_named={bucket(len(set(names)), (1, 2, 4))}"] = 1.0
    out = []
    for n, ((start, end), (name, known)) in enumerate(sorted(spans.items())):
        sentence = sentence_at(sentences, start)
        f = context_features(body, start, end, sentence, title_end, "k:")
        f.update(page)
        f[f"k:suffix={name[-3:]}"] = 1.0
        if VENUE_AFTER.match(body, end):
            f["k:venue"] = 1.0
        f[f"k:order={bucket(n, (0, 1, 2, 4))}"] = 1.0
        f[f"k:mentions={bucket(names.count(name), (1, 2, 4))}"] = 1.0
        if is_zone(name):
            f["k:zone"] = 1.0
        if known is not None:
            f["k:known"] = 1.0
            f[f"k:known_kind={known.kind}"] = 1.0
            f[f"k:known_level={known.level}"] = 1.0
            province, city = rule_place
            if province and known.province != province or city and known.city and known.city != city:
                f["k:known_elsewhere"] = 1.0
                known = None  # another park of that name: neither its place nor its full name
            elif city and known.city == city:
                f["k:known_same_city"] = 1.0
        if re.match(r"(?:[一二三四五六七八九十\d]+期)?(?:项目|工程)", body[end:end + 8]):
            f["k:names_a_project"] = 1.0
        if re.search(r"(?:位于|落户|落地|入驻|坐落于|坐落在|地处|在|于)\S{0,2}$", body[max(0, start - 5):start]):
            f["k:site_cue"] = 1.0
        if rule_park and (name == rule_park or name in rule_park or rule_park in name):
            f["k:rule_park"] = 1.0
        out.append(Candidate("park", start, end, name, f, known=known))
    return out
