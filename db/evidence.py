"""Whether two reports name one project: the evidence, and the confidence it adds up to.

A signing in March and a groundbreaking in October rarely write a project's name the same way
("特斯拉上海储能超级工厂" / "特斯拉储能超级工厂项目"), so names are compared by their *core*: the
name without the places, the companies behind it, its phase (一期/二期) and generic words. Around
the names, the rest of the two reports speaks for or against: places that agree or contradict,
parties in common, amounts that agree, stages whose dates run in order. Each piece is a feature in
[0, 1]; ``confidence`` weighs them with logistic-regression weights fitted on the train split of
the lifecycle pairs (``db/data/link_weights.json``, written by ``benchmarks/lifecycle_pairs.py --fit``).
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

from yrdwatch.extract.places import find_mentions, is_abbreviation

WEIGHTS = Path(__file__).with_name("data") / "link_weights.json"

# Stages in the order a project lives them; 揭牌 and 开园 open something, usually after it is built.
STAGE_RANK = {"签约": 0, "开工": 1, "揭牌": 2, "竣工": 2, "投产": 3, "开园": 3}
_PHASE = re.compile(r"(首|[一二三四五六七八九十]|[1-9]|[ⅠⅡⅢⅣ])期")
_PHASE_NUMBER = {"首": "1", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8",
                 "九": "9", "十": "10", "Ⅰ": "1", "Ⅱ": "2", "Ⅲ": "3", "Ⅳ": "4"}
# A capacity or size written into a name (年产10万吨, 5GWh, 100MW) tells two plants apart.
_NAME_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# Words every project name may carry or drop without naming another project.
_GENERIC = re.compile(r"项目|工程|建设|新建|扩建|改扩建|年产|暨|及配套|配套|有限公司|股份|集团|重大|重点|产业化|"
                      r"[\s\"'“”‘’「」『』《》〈〉()（）\[\]【】·•・,，、.。&＆+\-]|的")
_LEGAL_SUFFIX = re.compile(r"(?:股份有限公司|有限责任公司|有限公司|集团股份|集团|股份|控股|公司)+$")
# Governments and zones sign for every project of their district: sharing one says nothing.
_GOVERNMENT = re.compile(r"政府|管委会|委员会|执委会|园区|开发区|高新区|示范区|办公室|局$|厅$|街道|镇$")
SAME_DAYS = 31  # two dates of one event as different reports give them (a month, a day)


@dataclass
class Report:
    """What one side of a comparison says about a project: its names (the aliases its reports
    gave it), place, parties, amounts (yuan, or the stated foreign currency) and stages."""

    names: list[str]
    province: str | None = None
    city: str | None = None
    district: str | None = None
    park: str | None = None
    parties: list[str] = field(default_factory=list)
    amounts: list[tuple[int, str | None]] = field(default_factory=list)  # (amount, currency or None)
    stages: list[tuple[str, str | None]] = field(default_factory=list)  # (event type, date YYYY-MM[-DD])


def company_short(party: str) -> str:
    """'宁德时代新能源科技股份有限公司' → '宁德时代新能源科技': how names write a company."""
    return _LEGAL_SUFFIX.sub("", party.strip())


def _strip_companies(name: str, parties: list[str]) -> tuple[str, bool]:
    """The name without the longest start (3+ characters) of any party's short name it contains."""
    found = False
    for party in parties:
        short = company_short(party)
        for length in range(len(short), 2, -1):
            if short[:length] in name:
                name, found = name.replace(short[:length], ""), True
                break
    return name, found


@lru_cache(maxsize=4096)
def name_parts(name: str, parties: tuple[str, ...] = ()) -> tuple[str, str | None, tuple[str, ...]]:
    """(core, phase, numbers) of a Simplified project name."""
    phase_match = _PHASE.search(name)
    phase = _PHASE_NUMBER.get(phase_match.group(1), phase_match.group(1)) if phase_match else None
    rest = _PHASE.sub("", name)
    numbers = tuple(sorted(set(_NAME_NUMBER.findall(rest))))
    rest, _ = _strip_companies(rest, list(parties))
    for mention in reversed(find_mentions(rest)):
        rest = rest[:mention.start] + rest[mention.end:]
    core = _NAME_NUMBER.sub("", _GENERIC.sub("", rest))
    core = re.sub(r"[万吨台套个亿元平方米千瓦时GWhMWkKtT吉兆瓦]+(?=[\u4e00-\u9fff]|$)", "", core) if numbers else core
    return core, phase, numbers


def _name_features(a: Report, b: Report) -> dict[str, float]:
    best = {"name_core_equal": 0.0, "name_contained": 0.0, "name_similarity": 0.0}
    phases = one_sided = 0.0
    numbers_conflict = short = 1.0
    for name_a in a.names:
        core_a, phase_a, nums_a = name_parts(name_a, tuple(a.parties + b.parties))
        for name_b in b.names:
            core_b, phase_b, nums_b = name_parts(name_b, tuple(a.parties + b.parties))
            if phase_a and phase_b and phase_a != phase_b:
                phases = 1.0
            elif bool(phase_a) != bool(phase_b) and (phase_a or phase_b) != "1":
                one_sided = 1.0  # one names a later phase, the other none (the first, or the whole)
            numbers_conflict = min(numbers_conflict, float(bool(nums_a and nums_b and nums_a != nums_b)))
            short = min(short, float(min(len(core_a), len(core_b)) < 3))
            if not core_a or not core_b:
                continue
            shorter, longer = sorted((core_a, core_b), key=len)
            best["name_core_equal"] = max(best["name_core_equal"], float(core_a == core_b))
            contained = shorter in longer or is_abbreviation(shorter, longer)
            best["name_contained"] = max(best["name_contained"], float(contained and len(shorter) >= 2))
            best["name_similarity"] = max(best["name_similarity"], SequenceMatcher(None, core_a, core_b).ratio())
    return {**best, "phase_conflict": phases, "later_phase_one_side": one_sided, "number_conflict": numbers_conflict,
            "short_core": short}


def _place_features(a: Report, b: Report) -> dict[str, float]:
    conflict = any(x and y and x != y for x, y in ((a.province, b.province), (a.city, b.city),
                                                   (a.district, b.district)))
    park_conflict = bool(a.park and b.park and a.park not in b.park and b.park not in a.park
                         and not is_abbreviation(a.park, b.park) and not is_abbreviation(b.park, a.park))
    detail = bool((a.district and a.district == b.district) or (a.park and b.park and not park_conflict))
    return {"place_conflict": float(conflict), "park_conflict": float(park_conflict), "place_detail_agree": float(detail)}


def _companies(report: Report) -> set[str]:
    return {company_short(p) for p in report.parties if not _GOVERNMENT.search(p) and len(company_short(p)) >= 2}


def _party_features(a: Report, b: Report) -> dict[str, float]:
    ours, theirs = _companies(a), _companies(b)
    shared = any(x[:4] == y[:4] or x in y or y in x for x in ours for y in theirs)
    # A company one report names as a party, the other names inside the project's name.
    in_name = any(company[:3] in name for company in ours for name in b.names) or \
        any(company[:3] in name for company in theirs for name in a.names)
    return {"party_overlap": float(shared), "party_in_name": float(in_name and not shared),
            "party_disjoint": float(bool(ours and theirs and not shared and not in_name))}


def _amount_features(a: Report, b: Report) -> dict[str, float]:
    agree = conflict = False
    for amount_a, currency_a in a.amounts:
        for amount_b, currency_b in b.amounts:
            if currency_a != currency_b or not amount_a or not amount_b:
                continue  # a foreign figure is never compared with yuan
            ratio = max(amount_a, amount_b) / min(amount_a, amount_b)
            agree = agree or ratio <= 1.2
            conflict = conflict or ratio > 1.5
    return {"amount_agree": float(agree), "amount_conflict": float(conflict and not agree)}


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10] if len(value) >= 10 else value[:7] + "-15")
    except ValueError:
        return None


def _stage_features(a: Report, b: Report) -> dict[str, float]:
    same_event = out_of_order = same_stage_later = 0.0
    gap = 0.0
    for stage_a, date_a in a.stages:
        for stage_b, date_b in b.stages:
            day_a, day_b = _day(date_a), _day(date_b)
            days = (day_b - day_a).days if day_a and day_b else None
            if days is not None:
                gap = max(gap, min(abs(days) / 365, 3.0) / 3)
            if stage_a == stage_b:
                if days is None or abs(days) <= SAME_DAYS:
                    same_event = 1.0
                else:
                    same_stage_later = 1.0
            elif days is not None and stage_a in STAGE_RANK and stage_b in STAGE_RANK:
                rank = STAGE_RANK[stage_b] - STAGE_RANK[stage_a]
                if rank and (rank > 0) != (days > 0) and abs(days) > SAME_DAYS:
                    out_of_order = 1.0
    return {"same_event": same_event, "same_stage_apart": same_stage_later, "stages_out_of_order": out_of_order,
            "years_apart": gap}


def evidence(a: Report, b: Report) -> dict[str, float]:
    """Every feature of the pair, each in [0, 1] (names of ``load_weights()``'s ``weights``)."""
    features = {**_name_features(a, b), **_place_features(a, b), **_party_features(a, b),
                **_amount_features(a, b), **_stage_features(a, b)}
    # One stage reported with two different amounts is two projects (another batch, another phase);
    # across stages an amount may change (the signing's plan, the first phase's spending).
    features["same_stage_other_amount"] = float(features["amount_conflict"] and (
        features["same_event"] or features["same_stage_apart"]))
    return features


@lru_cache(maxsize=None)
def load_weights(path: Path = WEIGHTS) -> dict:
    """{"bias", "weights": {feature: weight}, "vetoes": [feature], "merge_at", "uncertain_at", "fitted_on"}."""
    return json.loads(path.read_text(encoding="utf-8"))


def confidence(features: dict[str, float], model: dict | None = None) -> float:
    """The probability that the two reports name one project; 0 when a veto feature is whole (two
    phases, two cities: no similarity of the rest makes them one project)."""
    model = model or load_weights()
    if any(features.get(name, 0.0) >= 1.0 for name in model.get("vetoes", ())):
        return 0.0
    score = model["bias"] + sum(model["weights"].get(name, 0.0) * value for name, value in features.items())
    return 1 / (1 + math.exp(-score))


def verdict(conf: float, model: dict | None = None) -> str | None:
    """'merged' at or above the merge threshold, 'uncertain' between the two, else None."""
    model = model or load_weights()
    if conf >= model["merge_at"]:
        return "merged"
    return "uncertain" if conf >= model["uncertain_at"] else None
