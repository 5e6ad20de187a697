"""Training the extractor's decisions from labelled items (shared by ``train_extract.py`` and
``corpus_cv.py``).

Each item is read once with the rules alone (``article_from_page(page, model=None)``) and its
candidates are proposed (``yrdwatch.extract.decide.read_candidates``); each candidate is labelled from the
item's label:

- a **name** is a positive when it is written as a required project (punctuation and 的 aside);
  a project no candidate writes exactly takes its most similar candidate that the shared scorer
  would accept; candidates that only match an optional project are left out; the rest are negatives;
- a **figure** is a positive when it is the labelled total (within 1 %; a foreign-currency total with
  no rate: its currency's figure);
- a **count** is a positive when it is the labelled project count;
- a **date** (every reading of every date expression of an announcement) is a positive when the
  shared scorer would accept it for the labelled event date (a day inside a labelled month too); on
  an announcement labelled without a date every reading is a negative;
- a **page** (every page that names an event) is a positive when it is an announcement; where the
  rules found nothing, the candidates come from their ``anyway`` reading.

Each decision is a logistic regression (scikit-learn, L2, lbfgs: deterministic) over the
candidates' sparse features, exported as plain weights.
"""
from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from yrdwatch.extract.article import article_from_bytes, content_type_of  # noqa: E402
from yrdwatch.extract.gazetteer import name_then  # noqa: E402
from yrdwatch.extract.decide import (FEATURES_VERSION, Model, Reading, Weights, best_spans, chosen_names, implicit_one,
                            list_evidence, listed_features, park_name, read_candidates)  # noqa: E402

_PUNCT = re.compile(r"[\s\"'“”‘’「」『』《》〈〉·•・,，。:：;；、!！?？\-—–_()（）]+")
_FOREIGN = {"美元": "USD", "美金": "USD", "欧元": "EUR", "港元": "HKD", "港币": "HKD", "日元": "JPY", "英镑": "GBP"}
DECISIONS = ("boundary", "name", "listed", "figure", "count", "park", "district", "event", "page", "date")
MIN_SEEN = 3
C = 0.5  # L2 strength (inverse), chosen by grouped cross-validation
THRESHOLDS = {"boundary": 0.0, "name": 0.2, "listed": 0.2, "figure": 0.3, "count": 0.3, "park": 0.3, "district": 0.45, "event": 0.0, "page": 0.5, "date": 0.3}


# The shared scorer's matching (its norm_name, same_project, fold_park), with brackets folded as well:
# the shipped weights were trained with exactly this labelling, which the scorer's own functions
# would change (brackets kept: "X项目(一期)" ≠ "X项目一期").
def norm(name: str) -> str:
    return _PUNCT.sub("", name or "").replace("的", "")


def similar(a: str, b: str) -> bool:
    """The shared scorer's test: same folded name, one inside the other (≥ 60 %), or ratio ≥ 0.8."""
    a, b = norm(a), norm(b)
    if not a or not b:
        return False
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return (short in long_ and len(short) / len(long_) >= 0.6) or SequenceMatcher(None, a, b).ratio() >= 0.8


_PARK_PREFIX = re.compile(r"^(国家级|省级|江苏省|浙江省|安徽省|上海市|中国\(上海\))")
_PARK_SHORT = [("经济技术开发区", "经开区"), ("高新技术产业开发区", "高新区"), ("经济开发区", "经开区"),
               ("自由贸易试验区", "自贸区"), ("开发区", "经开区")]


def same_park(pred: str, gold: str) -> bool:
    """The shared scorer's folding of park names (国家级/省级 and province prefixes, long and short forms)."""
    def fold(name):
        name = _PARK_PREFIX.sub("", re.sub(r"[(（][^)）]*[)）]", "", name))
        for long_, short in _PARK_SHORT:
            name = name.replace(long_, short)
        return name.replace("经经开区", "经开区")
    return similar(fold(pred), fold(gold))


@dataclass
class Read:
    """One item read by the rules: the article (for its page fields) and its candidates."""
    item: object
    article: object
    reading: Reading | None


def read_item(item) -> Read:
    """An item read as the crawler reads its page: with the page's address, whose date stands where
    the text prints none (as in the labels' ``published_at``)."""
    path = Path(item.article)
    article = article_from_bytes(path.read_bytes(), url=item.label.get("source_url") or path.resolve().as_uri(),
                                 content_type=content_type_of(path), model=None)
    reading = read_candidates(article.analysis_text, _title(article), article.page.published_at,
                              article.announcements)
    return Read(item, article, reading)


def read_items(items) -> list[Read]:
    """Every item read; an unreadable one (an empty article) is named on stderr and left out."""
    reads = []
    for item in items:
        try:
            reads.append(read_item(item))
        except Exception as exc:  # noqa: BLE001 - a broken item must not stop a measure
            print(f"skipped {item.id}: {exc}", file=sys.stderr)
    return reads


def _title(article):
    from yrdwatch.extract.normalize import analysis_text
    return analysis_text(article.page.title) if article.page.title else None


def examples(read: Read, boundary=None, model: Model | None = None,
             name: Weights | None = None) -> dict[str, list[tuple[dict, int]]]:
    """(features, 0/1) of every candidate of one item, per decision. Names are learned in two
    steps: ``boundary`` over the spans that end where a labelled name ends (which start is right),
    then ``name`` over one span per end: the labelled one, or the one ``boundary`` (the weights of
    the first step) picks where no name ends. ``model`` (with the name weights of the second step)
    chooses the names that describe the implicit count of one. ``name`` (the weights of the second
    step) gives the third step, ``listed``: the second step's rows with what each list's other items
    scored."""
    out = {d: [] for d in DECISIONS}
    r, label = read.reading, read.item.label
    if r is None:
        return out
    positive = bool(label.get("is_announcement"))
    out["page"].append((r.page, int(positive)))
    if not r.rules:
        return out
    gold = [p["name"] for p in label.get("projects") or []] if positive else []
    optional = list(label.get("optional_projects") or []) if positive else []
    name_labels = [0] * len(r.names)
    for g in gold:
        exact = [i for i, c in enumerate(r.names) if norm(c.text) == norm(g)]
        if exact:
            for i in exact:
                name_labels[i] = 1
            continue
        close = [(SequenceMatcher(None, norm(c.text), norm(g)).ratio(), i) for i, c in enumerate(r.names)
                 if similar(c.text, g)]
        if close:
            name_labels[max(close)[1]] = 1
    skip = [not name_labels[i] and any(similar(c.text, o) for o in optional + gold)
            for i, c in enumerate(r.names)]  # fine to report, or another cut of a required name
    positive_ends = {c.end for i, c in enumerate(r.names) if name_labels[i]}
    for i, c in enumerate(r.names):
        if c.end in positive_ends:
            out["boundary"].append((c.features, name_labels[i]))
    if boundary is not None and model is None:
        rows = [(c, 0) for c in best_spans([c for i, c in enumerate(r.names)
                                            if c.end not in positive_ends and not skip[i]], boundary)]
        rows += [(c, 1) for i, c in enumerate(r.names) if name_labels[i]]
        out["name"] = [(c.features, y) for c, y in rows]
        if name is not None:
            evidence = list_evidence(best_spans(r.names, boundary), name)
            out["listed"] = [(listed_features(c, evidence, name), y) for c, y in rows]
    total = label.get("total_investment_cny") if positive else None
    foreign = next((code for word, code in _FOREIGN.items() if word in (label.get("total_investment_original") or "")),
                   None) if positive else None
    for c in r.figures:
        if total is not None:
            ok = c.amount.currency is None and abs(c.value - total) <= 0.01 * max(total, 1)
        else:
            ok = bool(foreign and c.amount.currency == foreign
                      and c.amount.raw.replace("约", "") in (label.get("total_investment_original") or ""))
        out["figure"].append((c.features, int(ok)))
    for c in r.events:
        if positive and c.text != "other":
            out["event"].append((c.features, int(c.text == label.get("event_type"))))
    park = label.get("park") if positive else None
    for c in r.parks:
        # labelled by the name it would be reported under ("临港" as 中国(上海)自由贸易试验区临港新片区)
        out["park"].append((c.features, int(bool(park) and same_park(park_name(c, r.parks), park))))
    if positive:
        for c in r.districts:
            # a district of a page older than its name is labelled with the name it had then (江都市)
            then = name_then(label.get("city"), c.text, r.published_at, r.body)
            out["district"].append((c.features, int(then == label.get("district"))))
    if positive:
        when = label.get("event_date")
        out["date"] = [(c.features, int(bool(when) and c.text.startswith(when))) for c in r.dates]
    count = label.get("project_count") if positive else None
    counts = list(r.counts)
    if model is not None:
        counts.append(implicit_one(r, chosen_names(r.names, model, tuple(r.rules[0].parties))))
    for c in counts:
        out["count"].append((c.features, int(count is not None and c.value == count)))
    return out


def fit(reads: list[Read], thresholds: dict[str, float] | None = None) -> dict:
    """The decisions' weights as the JSON that ``yrdwatch.extract.decide.Model.from_dict`` reads."""
    thresholds = {**THRESHOLDS, **(thresholds or {})}
    decisions = {}
    rows = {d: [] for d in DECISIONS}
    for read in reads:
        rows["boundary"].extend(_weighted(read, examples(read)["boundary"]))
    decisions["boundary"] = _fit(rows["boundary"], thresholds["boundary"])
    boundary = _weights(decisions["boundary"])
    for read in reads:
        rows["name"].extend(_weighted(read, examples(read, boundary)["name"]))
    decisions["name"] = _fit(rows["name"], thresholds["name"])
    name = _weights(decisions["name"])
    for read in reads:
        rows["listed"].extend(_weighted(read, examples(read, boundary, name=name)["listed"]))
    decisions["listed"] = _fit(rows["listed"], thresholds["listed"])
    names = Model(boundary, name, _weights(decisions["listed"]), *[Weights({}, 0.0, 1.0)] * (len(DECISIONS) - 3))
    for read in reads:
        for d, ex in examples(read, boundary, names).items():
            if d not in ("boundary", "name", "listed"):
                rows[d].extend(_weighted(read, ex))
    for d in DECISIONS[3:]:
        decisions[d] = _fit(rows[d], thresholds[d], default=5.0 if d == "page" else -5.0)
    return {"features_version": FEATURES_VERSION, "decisions": decisions}


# The user's own five seed articles count as much as SEED_WEIGHT corpus pages: they must stay right.
SEED_WEIGHT = 5.0


def _weighted(read: Read, rows: list[tuple[dict, int]]) -> list[tuple[dict, int, float]]:
    weight = SEED_WEIGHT if read.item.origin == "seed" else 1.0
    return [(f, y, weight) for f, y in rows]


def _weights(decision: dict) -> Weights:
    return Weights(decision["weights"], decision["intercept"], decision["threshold"])


def _fit(rows: list[tuple[dict, int, float]], threshold: float, default: float = -5.0) -> dict:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    # A feature seen on fewer than MIN_SEEN candidates is noise that only makes the file large.
    seen: dict[str, int] = {}
    for f, _, _ in rows:
        for k in f:
            seen[k] = seen.get(k, 0) + 1
    feats = [{k: v for k, v in f.items() if seen[k] >= MIN_SEEN} for f, _, _ in rows]
    ys = [y for _, y, _ in rows]
    if len(set(ys)) < 2:  # nothing to learn from
        return {"weights": {}, "intercept": default, "threshold": threshold, "examples": len(ys)}
    vec = DictVectorizer()
    x = vec.fit_transform(feats)
    clf = LogisticRegression(C=C, solver="lbfgs", max_iter=3000)
    clf.fit(x, ys, sample_weight=[w for _, _, w in rows])
    weights = {name: round(float(w), 4) for name, w in zip(vec.get_feature_names_out(), clf.coef_[0])
               if abs(w) >= 1e-3}
    return {"weights": dict(sorted(weights.items())), "intercept": round(float(clf.intercept_[0]), 4),
            "threshold": threshold, "examples": len(ys), "positives": int(sum(ys))}


def model_of(data: dict) -> Model:
    return Model.from_dict(data)


def dump(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=0, sort_keys=True) + "\n"
