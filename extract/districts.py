"""Which county-level district, if any, holds the headline's projects: the candidates and their features.

The rules (``yrdwatch.extract.places.resolve_place``) vote for the district with the most weight. On pages
nobody tuned to, most of their misses are a district where the label has none: a city-wide batch
whose story names one district's project first, a ceremony's venue, an outlet's home county, a
place in a company's name. Whether a district is the projects' own is a judgement over the whole
page (how many districts it names, how the winner's weight compares, whether the headline or a
site verb names it, whether 全市 or 全区 frames the story), so every district of the rules' city
that the page names is a candidate here and ``yrdwatch.extract.decide`` weighs them; none above the
threshold leaves ``district`` null, as the contract asks of projects spread over several districts.
"""
from __future__ import annotations

import re
from collections import defaultdict

from yrdwatch.extract.candidates import Candidate, Sentence, bucket, sentence_at
from yrdwatch.extract.park_candidates import VENUE_AFTER, lead_scope
from yrdwatch.extract.places import find_mentions

_OWN_COUNT = re.compile(r"[^,。;]{0,6}?\d+个")


def district_candidates(body: str, title_end: int, sentences: list[Sentence], province: str | None,
                        city: str | None, rule_district: str | None, project_names: list[str],
                        known_park_districts: set[str], rule_count: int | None) -> list[Candidate]:
    """Every county-level district of ``city`` that ``body`` names (never a development zone: the
    contract gives zones to ``park``), and the district a park of the gazetteer lies in."""
    if not city:
        return []
    places: dict[str, list] = defaultdict(list)
    for mention in find_mentions(body):
        counties = {d.county for d in mention.divisions
                    if d.province == province and d.city == city and d.county and not d.zone}
        if len(counties) == 1:
            places[counties.pop()].append(mention)
    for district in known_park_districts:
        places.setdefault(district, [])
    if not places:
        return []
    weight = {name: sum(m.weight for m in ms) for name, ms in places.items()}
    total = sum(weight.values()) or 1.0
    ranked = sorted(weight, key=lambda name: -weight[name])
    scope = {f"d:{frame}": True for frame in lead_scope(body, title_end)}
    scope["d:rules_none"] = rule_district is None
    scope[f"d:batch={bucket(rule_count or 0, (0, 1, 5, 15))}"] = True
    out = []
    for name, mentions in places.items():
        f = {"d:bias": 1.0,
             f"d:districts={bucket(len(places), (1, 2, 3))}": 1.0,
             f"d:rank={bucket(ranked.index(name), (0, 1))}": 1.0,
             f"d:share={bucket(weight[name] / total, (0.25, 0.5, 0.75, 0.99))}": 1.0,
             f"d:mentions={bucket(len(mentions), (0, 1, 2, 4))}": 1.0,
             f"d:projects={bucket(len(project_names), (0, 1, 3))}": 1.0}
        f.update({k: 1.0 for k, on in scope.items() if on})
        if name == rule_district:
            f["d:rules"] = 1.0
        if name in known_park_districts:
            f["d:known_park"] = 1.0
        if mentions:
            first = mentions[0]
            f[f"d:first_sentence={bucket(sentence_at(sentences, first.start).index, (0, 1, 2, 4))}"] = 1.0
            if all(m.bare_county for m in mentions):
                f["d:bare_only"] = 1.0
            if any(m.start < title_end for m in mentions):
                f["d:in_title"] = 1.0
            if any(m.weight >= 3 for m in mentions):
                f["d:site_cue"] = 1.0
            # the ceremony's venue ("仪式在淮上区沫河口工业园举行"), or a share of a larger batch
            # ("新吴区45个项目"): a district named so need not hold the whole batch
            if any(VENUE_AFTER.match(body, m.end) for m in mentions):
                f["d:venue"] = 1.0
            if any(_OWN_COUNT.match(body, m.end) for m in mentions):
                f["d:own_count"] = 1.0
            if all(m.weight < 1 for m in mentions):
                f["d:elsewhere_only"] = 1.0
            if any(sentence_at(sentences, m.start).event for m in mentions):
                f["d:event_sentence"] = 1.0
            short = mentions[0].name
            if any(short in n or name in n for n in project_names):
                f["d:in_project_name"] = 1.0
        out.append(Candidate("district", first.start if mentions else len(body),
                             first.end if mentions else len(body), name, f))
    return out
