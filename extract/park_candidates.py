"""Every development zone, park or 科技城 a page names, with the features a model weighs
(``yrdwatch.extract.decide`` picks the one that hosts the headline batch, if any), and the lead's
scope (a whole city's or county's story), which the district decision reads too.
"""
from __future__ import annotations

import re

from yrdwatch.extract.candidates import Candidate, Sentence, bucket, context_features, sentence_at
from yrdwatch.extract.gazetteer import find_known_parks, known_spelling
from yrdwatch.extract.models import Announcement
from yrdwatch.extract.places import (PARK_SUFFIXES, find_mentions, find_parks, is_abbreviation, is_address,
                                     is_zone)

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


def park_candidates(body: str, title_end: int, sentences: list[Sentence], rules: list[Announcement]) -> list[Candidate]:
    """Every development zone, park or 科技城 the text names: by its shape
    (``yrdwatch.extract.places.find_parks``), by the gazetteer (``yrdwatch.extract.gazetteer``, which also knows
    "苏相合作区" and "张江") or as the rules' county's own ("县经济开发区"). A candidate the gazetteer
    knows carries its ``known`` park, and says whether it lies where the rules placed the page
    ("临港" of 上海 on a page of 连云港 灌云县 is another 临港)."""
    head = rules[0] if rules else None
    rule_park, rule_count = (head.park, head.project_count) if head else (None, None)
    rule_place = (head.province, head.city) if head else (None, None)
    rule_names = sorted({p.name for a in rules for p in a.projects})
    spans = _park_spans(body, rule_park, head.district if head else None)
    names = [name for name, _ in spans.values()]
    identity = {k: _identity(name, known, names) for k, (name, known) in spans.items()}
    # A batch of many projects, a story framed for a whole county or city, a page naming several
    # parks: the contract records a park only where it hosts the whole batch.
    batch = f"batch={bucket(rule_count or 0, (0, 1, 5, 15))}"
    scope = lead_scope(body, title_end)
    page = {f"k:{frame}": 1.0 for frame in scope}
    page.update({f"k:{frame}&{batch}": 1.0 for frame in scope})
    page[f"k:{batch}"] = 1.0
    page[f"k:parks_named={bucket(len(set(identity.values())), (1, 2, 4))}"] = 1.0
    title = body[:title_end]
    in_title = {identity[k] for k, (name, _) in spans.items() if k[0] < title_end or _stem(name) in title}
    title_division = any(not d.zone and d.province == rule_place[0] and m.weight >= 1
                         for m in find_mentions(title) for d in m.divisions)
    out = []
    for n, ((start, end), (name, known)) in enumerate(sorted(spans.items())):
        sentence = sentence_at(sentences, start)
        f = context_features(body, start, end, sentence, title_end, "k:")
        f.update(page)
        suffix = next((s for s in PARK_SUFFIXES if name.endswith(s)), "none")
        f[f"k:suffix={suffix}"] = 1.0
        # whose batch the headline reports: this park's ("安巢经开区113个项目"), another park's, a
        # county's or city's ("泗阳县18个重大产业项目"), or nobody's
        headline = ("this_park" if identity[(start, end)] in in_title else "other_park" if in_title
                    else "division" if title_division else "none")
        f[f"k:title={headline}"] = 1.0
        f[f"k:title={headline}&{batch}"] = 1.0
        if VENUE_AFTER.match(body, end):
            f["k:venue"] = 1.0
            f[f"k:venue&{batch}"] = 1.0
        f[f"k:order={bucket(n, (0, 1, 2, 4))}"] = 1.0
        mentions = list(identity.values()).count(identity[(start, end)])
        f[f"k:mentions={bucket(mentions, (1, 2, 4))}"] = 1.0
        f[f"k:mention_share={bucket(mentions / len(spans), (0.25, 0.5, 0.75, 0.99))}"] = 1.0
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
        # "张江人工智能岛二期", "上汽自主品牌临港基地": a word of a project's name, not its host
        if any(name in project and not project.endswith(name) for project in rule_names):
            f["k:inside_a_name"] = 1.0
        if re.search(r"(?:位于|落户|落地|入驻|坐落于|坐落在|地处|在|于)\S{0,2}$", body[max(0, start - 5):start]):
            f["k:site_cue"] = 1.0
        if rule_park and (name == rule_park or name in rule_park or rule_park in name):
            f["k:rule_park"] = 1.0
        out.append(Candidate("park", start, end, name, f, known=known))
    return out


def _park_spans(body: str, rule_park: str | None, rule_district: str | None) -> dict[tuple[int, int], tuple[str, object]]:
    """(start, end) → (name, the gazetteer's park or None) of every park the text names."""
    spans: dict[tuple[int, int], tuple[str, object]] = {(s, e): known_spelling(name) or (name, None)
                                                         for s, e, name in find_parks(body)}
    for start, end, name in _own_zones(body, rule_district):
        if not any(s <= start < e for s, e in spans):
            spans[(start, end)] = known_spelling(name) or (name, None)
    for start, end, park in find_known_parks(body):
        inside = [k for k in spans if k[0] <= start and end <= k[1] or start <= k[0] and k[1] <= end]
        for k in inside:
            spans[k] = (spans[k][0], spans[k][1] or park)
        if not inside:
            spans[(start, end)] = (body[start:end], park)
    if rule_park:
        # the rules' park (an opened park's own name) is always a candidate, cut as a park's name
        # is ("国务院侨办重点支持的江苏禄口华商科技园" → 禄口华商科技园)
        rule_park = next((name for _, end, name in find_parks(rule_park) if end == len(rule_park)), rule_park)
    if rule_park and not any(rule_park == name for name, _ in spans.values()):
        at = body.find(rule_park)
        spans[(at, at + len(rule_park)) if at >= 0 else (len(body), len(body))] = (rule_park, None)
    return spans


# "在县经济开发区开工", "入驻该县经开区": the zone of the county the story is about, named by its kind.
_OWN_ZONE = re.compile(r"(?:该|本)?([县市区])(经济技术开发区|经济开发区|高新技术产业开发区|高新区|经开区|开发区)")


def _own_zones(body: str, district: str | None) -> list[tuple[int, int, str]]:
    """(start, end, name) of every "县经济开发区" that stands alone, named after the rules' ``district``
    (全椒县: 全椒经济开发区); none where the kind of county differs (a 市 of a 县) or none is known."""
    if not district or len(district) < 3:
        return []
    return [(m.start(), m.end(), district[:-1] + m.group(2)) for m in _OWN_ZONE.finditer(body)
            if m.group(1) == district[-1] and (m.group(0)[0] in "该本" or _stands_alone(body, m.start()))]


def _stands_alone(body: str, start: int) -> bool:
    """Whether what precedes ``start`` ends a word, not a name ("在县…", not "全椒县…")."""
    before = body[start - 1:start]
    return not before or before in "在于至到驻户入和与及" or not "\u4e00" <= before <= "\u9fff"


def _stem(name: str) -> str:
    """What a headline writes of a park's name ("瓯江口三项目开工" of 瓯江口产业集聚区): the three
    characters it starts with, unless they are a division's name (江宁 of 江宁开发区 names the district)."""
    core = name
    while len(core) > 3 and (is_address(core[:2]) or is_address(core[:3])):
        core = core[3:] if is_address(core[:3]) else core[2:]
    stem = core[:3]
    return "\0" if len(stem) < 3 or is_address(stem) or _KIND_WORD.search(stem) else stem


# the words of a park's kind, which name no park of their own
_KIND_WORD = re.compile(r"经济|高新|技术|产业|工业|科技|开发|园区|新区|新城|国家|省级")


def _identity(name: str, known, names: list[str]) -> str:
    """One key for every spelling of one park: the gazetteer's name, else the fullest spelling the
    page writes ("江宁开发区" of 江宁经济技术开发区)."""
    if known is not None:
        return known.name
    return max((n for n in names if n == name or is_abbreviation(name, n)), key=len, default=name)
