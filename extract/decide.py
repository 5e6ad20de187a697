"""Decisions learned from the labelled corpus: whether the page announces anything at all, which event
the headline reports, which candidates are the projects, which figure is the total, which count is
the count, which park hosts the projects, which county-level district, if any, holds them, and on
which day the event took place.

The rules of ``yrdwatch.extract.announce`` read a page first; the candidate modules (``candidates``:
names and event types, ``figure_candidates``, ``park_candidates``, ``districts``, ``eventdates``)
then propose every span that could be an answer (the rules' answers among them, marked as such), and this module
weighs each candidate's features with logistic-regression weights trained by
``benchmarks/train_extract.py`` on the corpus (``extract/data/decisions.json``, shipped in the
package, plain JSON: no model is downloaded or unpickled). A decision is the best-scoring candidate
above its threshold; a page whose announcement probability is below its threshold announces nothing.

The rules still give the province and city (which a known park may complete), the
industries and the parties.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import repeat
from pathlib import Path

from yrdwatch.extract import cues
from yrdwatch.extract.announce import announcements_from_text, reading_body
from yrdwatch.extract.candidates import Candidate, bucket, event_candidates, name_candidates, sentences_of
from yrdwatch.extract.dates import reference_date
from yrdwatch.extract.districts import district_candidates
from yrdwatch.extract.eventdates import date_candidates
from yrdwatch.extract.figure_candidates import tally_candidates
from yrdwatch.extract.gazetteer import name_then
from yrdwatch.extract.investments import project_investments
from yrdwatch.extract.models import Announcement, Project
from yrdwatch.extract.namecore import name_parts, one_core
from yrdwatch.extract.park_candidates import park_candidates
from yrdwatch.extract.places import PARK_SUFFIX, is_abbreviation, is_address
from yrdwatch.extract.projects import Name, same_project

MODEL_PATH = Path(__file__).parent / "data" / "decisions.json"
FEATURES_VERSION = 10  # raise with any change of what the candidate modules describe


@dataclass(frozen=True)
class Weights:
    weights: dict[str, float]
    intercept: float
    threshold: float

    def probability(self, features: dict[str, float]) -> float:
        # every feature is binary (present: 1.0), so its weight is its whole contribution
        z = self.intercept + sum(map(self.weights.get, features, repeat(0.0)))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@dataclass(frozen=True)
class Model:
    boundary: Weights  # which start, of the spans that end at one place, is a name's
    name: Weights  # whether that best span is a project's name
    listed: Weights  # the same, knowing how the other items of its 、-list scored on ``name``
    figure: Weights
    count: Weights
    park: Weights
    district: Weights  # which county-level district, if any, holds the headline's projects
    event: Weights  # which event type the headline reports
    page: Weights
    date: Weights  # which reading of which date expression is the headline event's date

    @staticmethod
    def from_dict(data: dict) -> "Model":
        if data.get("features_version") != FEATURES_VERSION:
            raise ValueError(f"decision model for features v{data.get('features_version')}, "
                             f"extractor has v{FEATURES_VERSION}: retrain with benchmarks/train_extract.py")
        return Model(**{k: Weights(v["weights"], v["intercept"], v["threshold"])
                        for k, v in data["decisions"].items()})


@lru_cache(maxsize=1)
def default_model() -> Model | None:
    """The shipped model, or None where none has been trained (the rules' answers then stand)."""
    if not MODEL_PATH.exists():
        return None
    return Model.from_dict(json.loads(MODEL_PATH.read_text(encoding="utf-8")))


@dataclass
class Reading:
    """What the decisions look at: the candidates of one page and the rules' answers."""
    body: str
    names: list[Candidate]
    figures: list[Candidate]
    counts: list[Candidate]
    parks: list[Candidate]
    districts: list[Candidate]
    events: list[Candidate]
    page: dict[str, float]
    rules: list[Announcement]
    dates: list[Candidate]
    published_at: str | None = None


def read_candidates(text: str, title: str | None, published_at: str | None,
                    rules: list[Announcement], page_model: Weights | None = None) -> Reading | None:
    """The candidates of a page (None when it names no event at all, or when ``page_model`` says
    at once that it announces nothing). Where the rules found no announcement they read it again
    ``anyway``, so that the page model can overrule them."""
    body = reading_body(text, title)
    if not cues.EVENT.search(body):
        return None
    title_end = len(title.strip()) if title and body.startswith(title.strip()) else 0
    sentences = sentences_of(body)
    page = page_features(body, title, sentences, rules)
    if page_model is not None and page_model.probability(page) < page_model.threshold:
        return None
    if not rules:
        rules = announcements_from_text(text, title, published_at, anyway=True)
    head = rules[0] if rules else None
    rule_names = {p.name for a in rules for p in a.projects}
    parks = park_candidates(body, title_end, sentences, rules)
    tallies = tally_candidates(body, title_end, sentences, head.total_investment_cny if head else None,
                               head.project_count if head else None)
    known_districts = {c.known.district for c in parks
                       if c.known and c.known.district and head and c.known.city == head.city}
    return Reading(
        body,
        name_candidates(body, title_end, sentences, rule_names),
        tallies.figures,
        tallies.counts,
        parks,
        district_candidates(body, title_end, sentences, head.province if head else None,
                            head.city if head else None, head.district if head else None,
                            [p.name for p in head.projects] if head else [], known_districts,
                            head.project_count if head else None),
        event_candidates(body, title_end, sentences, [a.event_type for a in rules]),
        page,
        rules,
        date_candidates(body, title_end, sentences, reference_date(published_at, body),
                        head.event_date if head else None, head.event_type if head else None),
        published_at,
    )


def page_features(body: str, title: str | None, sentences, rules: list[Announcement]) -> dict[str, float]:
    f = {"p:bias": 1.0, f"p:rule={'yes' if rules else 'no'}": 1.0}
    stats = sum(s.statistical for s in sentences)
    f[f"p:statistical_sentences={bucket(stats / max(len(sentences), 1), (0, 0.1, 0.25, 0.5))}"] = 1.0
    for word in cues.NOT_NEWS_OF_AN_EVENT.findall(body):
        f[f"p:not_event_word={word}"] = 1.0
    title = title or body.split("\n", 1)[0]
    f[f"p:title_event={cues.event_type_in(title) or 'none'}"] = 1.0
    if cues.STATISTICS.search(title):
        f["p:title_statistics"] = 1.0
    if cues.PLAN.search(title):
        f["p:title_plan"] = 1.0
    if re.search(r"[亿万]元", title):
        f["p:title_money"] = 1.0
    for i in range(len(title) - 1):
        f[f"p:title_bigram={title[i:i + 2]}"] = 1.0
    f.update(lead_features(body, title, sentences))
    events = [s for s in sentences if s.event]
    f[f"p:event_sentences={min(len(events), 6)}"] = 1.0
    f[f"p:statistical_event_sentences={min(sum(s.statistical for s in events), 4)}"] = 1.0
    f[f"p:plan_event_sentences={min(sum(s.plan for s in events), 4)}"] = 1.0
    if rules:
        head = rules[0]
        f[f"p:rule_type={head.event_type}"] = 1.0
        f[f"p:rule_projects={min(sum(len(a.projects) for a in rules), 3)}"] = 1.0
        if head.total_investment_cny is not None:
            f["p:rule_total"] = 1.0
        if head.project_count is not None:
            f["p:rule_count"] = 1.0
        if head.event_date:
            f["p:rule_date"] = 1.0
    return f


_LEAD_CHARS = 60  # of the lead sentence, read word by word


def lead_features(body: str, title: str, sentences) -> dict[str, float]:
    """What the lead, the story's first sentence after its headline, reports. A page's title is often
    the site's name or a line of spam ("上海招商网资讯中心", "天天看点"); its lead still says "4月16日,
    盱眙县举行南汽锻造项目开工仪式": where the title names no event, the lead's event stands in for it."""
    title_end = len(title) if body.startswith(title) else 0
    lead = next((s for s in sentences if s.start >= title_end and s.end - s.start >= 8), None)
    if lead is None:
        return {"p:lead=none": 1.0}
    f = {f"p:lead_event={lead.event or 'none'}": 1.0}
    # its words, as the title's: "记者近日从市发改委了解到…已经全部开工" reports progress, not an event
    text = body[lead.start:min(lead.end, lead.start + _LEAD_CHARS)]
    for i in range(len(text) - 1):
        f[f"p:lead_bigram={text[i:i + 2]}"] = 1.0
    if lead.statistical:
        f["p:lead_statistics"] = 1.0
    # a plan word after the event is the story's next step ("签署战略合作协议,双方将一起开发建设"):
    # only one before it makes the event itself a plan
    if cues.PLAN.search(body, lead.start, lead.event_span[0] if lead.event_span else lead.end):
        f["p:lead_plan"] = 1.0
    if cues.event_type_in(title) is None:
        f[f"p:untitled_lead_event={lead.event or 'none'}"] = 1.0
    return f


def decide(reading: Reading | None, model: Model) -> list[Announcement]:
    """The announcements of a page after the learned decisions."""
    if reading is None or not reading.rules:
        return []
    if model.page.probability(reading.page) < model.page.threshold:
        return []
    rules = reading.rules
    names = chosen_names(reading.names, model, tuple(rules[0].parties))
    total = best(reading.figures, model.figure)
    count = best(reading.counts + [implicit_one(reading, names)], model.count)
    park = best(reading.parks, model.park)
    head = _in_park(rules[0], park)
    if reading.districts:
        district = best(reading.districts, model.district)
        head = replace(head, district=district.text if district else None)
    head = replace(head, district=name_then(head.city, head.district, reading.published_at, reading.body))
    event = best([c for c in reading.events if c.text != "other"], model.event)
    when = best(reading.dates, model.date)  # below its threshold, the rules' date stands
    head = replace(
        head,
        event_type=event.text if event else head.event_type,
        park=park_name(park, reading.parks) if park else None,
        total_investment_cny=total.value if total and not total.amount.currency else None,
        investment_qualifier=total.amount.qualifier if total else None,
        currency=total.amount.currency if total else None,
        project_count=count.value if count else None,
        event_date=when.text if when else head.event_date,
    )
    announcements = [head] + list(rules[1:])
    return _place_names(reading, announcements, names, total, count)


def _in_park(head: Announcement, park: Candidate | None) -> Announcement:
    """A park the gazetteer knows places the projects in its province, city and (where it lies in
    one) district, unless the rules placed them elsewhere."""
    known = park.known if park else None
    if known is None or not known.province or head.district:
        return head
    if (head.province and head.province != known.province) or (head.city and known.city and head.city != known.city):
        return head
    return replace(head, province=known.province, city=known.city or head.city, district=known.district)


def park_name(park: Candidate, parks: list[Candidate]) -> str:
    """The name the contract asks for: the fullest spelling the page uses, unless that is only a
    part of a name the gazetteer knows: a bare word ("张江", "临港": no park suffix) or the tail of
    a zone within a zone ("临港新片区" of 中国(上海)自由贸易试验区临港新片区). An address in front
    ("浙江杭州钱江经济开发区") is no part of the name the page uses."""
    written = fullest_spelling(park.text, parks)
    known = park.known.name if park.known else written
    if not PARK_SUFFIX.search(written) or (known.endswith(written) and not is_address(known[:-len(written)])):
        return known
    return written


def fullest_spelling(name: str, parks: list[Candidate]) -> str:
    """"江宁开发区" and "江宁经济技术开发区" are one park: the fullest spelling the page uses."""
    return max((c.text for c in parks if c.text == name or is_abbreviation(name, c.text)), key=len, default=name)


def implicit_one(reading: Reading, names: list[Candidate]) -> Candidate:
    """The count a story of one project never writes: a candidate "1" described by how many names
    were chosen and how many counts the text writes."""
    head = reading.rules[0] if reading.rules else None
    f = {"c:implicit_one": 1.0,
         f"c:implicit_names={min(len(names), 3)}": 1.0,
         f"c:implicit_written_counts={min(len(reading.counts), 2)}": 1.0,
         f"c:implicit_rule_type={head.event_type if head else 'none'}": 1.0}
    if head and head.project_count is None:
        f["c:implicit_rule_count_none"] = 1.0
    return Candidate("count", -1, -1, "", f, 1)


def best(candidates: list[Candidate], weights: Weights) -> Candidate | None:
    scored = [(weights.probability(c.features), -c.start, c) for c in candidates]
    if not scored:
        return None
    p, _, cand = max(scored, key=lambda x: (x[0], x[1]))
    return cand if p >= weights.threshold else None


def best_spans(candidates: list[Candidate], boundary: Weights) -> list[Candidate]:
    """For each place where a name may end, the start the boundary model likes best."""
    by_end: dict[int, Candidate] = {}
    score: dict[int, float] = {}
    for c in candidates:
        p = boundary.probability(c.features)
        if c.end not in by_end or p > score[c.end]:
            by_end[c.end], score[c.end] = c, p
    return [by_end[e] for e in sorted(by_end)]


def list_evidence(spans: list[Candidate], name: Weights) -> dict[int, dict[int, float]]:
    """How likely each 、-list item is a name, by the ``name`` weights alone: list → item → probability."""
    evidence: dict[int, dict[int, float]] = {}
    for c in spans:
        if c.item is not None:
            items = evidence.setdefault(c.item[0], {})
            items[c.item[1]] = max(items.get(c.item[1], 0.0), name.probability(c.features))
    return evidence


def listed_features(c: Candidate, evidence: dict[int, dict[int, float]], name: Weights) -> dict[str, float]:
    """A candidate's features with what its list's other items say: items of one list are alike, so
    a list whose other items are names makes this one a name too (and a list of non-names the reverse)."""
    items = evidence.get(c.item[0], {}) if c.item is not None else {}
    others = [p for n, p in items.items() if n != c.item[1]]
    if not others:
        return {**c.features, "s:no_list": 1.0}
    own = items.get(c.item[1])
    if own is None:
        own = name.probability(c.features)
    share = sum(p >= name.threshold for p in others) / len(others)
    return {**c.features, f"s:siblings_named={bucket(share, (0, 0.34, 0.67, 0.99))}": 1.0,
            f"s:siblings_best={bucket(max(others), (0.2, 0.5, 0.8))}": 1.0,
            f"s:own={bucket(own, (0.1, 0.2, 0.35, 0.5, 0.8))}": 1.0}


def chosen_names(candidates: list[Candidate], model: Model, parties: tuple[str, ...] = ()) -> list[Candidate]:
    """Names above the threshold: the best start for each end, no two overlapping, each project once
    (``parties``, the companies the page names, may be written in a name)."""
    weights = model.listed
    spans = best_spans(candidates, model.boundary)
    evidence = list_evidence(spans, model.name)
    scored = sorted(((weights.probability(listed_features(c, evidence, model.name)), c) for c in spans),
                    key=lambda x: (-x[0], x[1].start))
    taken: list[Candidate] = []
    taken_spans: list[tuple[int, int]] = []
    for p, c in scored:
        if p < weights.threshold:
            break
        if any(s < c.end and c.start < e for s, e in taken_spans):
            continue
        taken_spans.append((c.start, c.end))
        twin = next((k for k, t in enumerate(taken) if _one_project(c.text, t.text, parties)), None)
        if twin is None:
            taken.append(c)
        elif "n:in_title" in taken[twin].features and "n:in_title" not in c.features:
            taken[twin] = c  # a headline shortens the name its story writes out
    return sorted(taken, key=lambda c: c.start)


def _one_project(a: str, b: str, parties: tuple[str, ...]) -> bool:
    """Two names of one project: alike (``same_project``), one the other with its owner or place
    written in front, or one core (``one_core``): "常熟高新区新能源汽车电池结构件项目" in the headline,
    "江苏锐铂精密科技有限公司新能源汽车动力电池精密结构件项目" in the lead."""
    short, long_ = sorted((a, b), key=len)
    return (same_project(a, b) or (len(short) >= 4 and long_.endswith(short))
            or one_core(name_parts(a, parties), name_parts(b, parties)))


def _place_names(reading: Reading, announcements: list[Announcement], names: list[Candidate],
                 total: Candidate | None, count: Candidate | None) -> list[Announcement]:
    """Each chosen name stays with the announcement whose rules found it; new names go to the
    headline's. Rule names the model rejected are dropped; a kept name keeps the rules' amount."""
    placed: set[int] = set()
    result = []
    for i, ann in enumerate(announcements):
        kept = []
        for project in ann.projects:
            j = next((j for j, c in enumerate(names) if j not in placed and same_project(c.text, project.name)), None)
            if j is not None:
                placed.add(j)
                kept.append(replace(project, name=names[j].text) if len(names[j].text) > len(project.name)
                            else project)
        result.append(replace(ann, projects=kept))
    if len(placed) < len(names):  # names the rules did not find
        amounts = [c.amount for c in reading.figures]  # every amount of the body, in order
        # Weighed beside every chosen name: a new list item is not "the story's lone project", and a
        # sentence naming the others is nobody's own figure.
        as_names = [Name(c.text, c.start, "event") for c in names]
        investments = project_investments(reading.body, as_names, amounts, total.amount if total else None,
                                          count.value if count else None)
        result[0] = replace(result[0], projects=result[0].projects + [
            Project(n.text, a.value if a else None, a.currency if a else None)
            for j, (n, a) in enumerate(investments) if j not in placed])
    return result
