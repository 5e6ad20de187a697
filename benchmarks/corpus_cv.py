"""The honest measure of the extractor: cross-validation grouped by outlet, a learning curve, and the
frozen split.

    python benchmarks/corpus_cv.py [--folds 5] [--curve] [--frozen] [--no-shared] [--misses FIELD] [--json]

- **Grouped cross-validation** (default): the development items (``benchmarks/corpus.py``: own
  corpus, shared corpus, tests/labelled — never the frozen items) are cut into folds by outlet, so
  no outlet is on both sides. For each fold the decisions are trained on the other folds
  (``benchmarks/learning.py``) and the fold is read with them; the invented ``tests/labelled`` pages
  are only ever trained on. Every field of ``../shared/tools/score_extract.py`` is printed for the
  pooled predictions, beside the rules alone on the same items.
- ``--curve``: the same folds, trained on 25 %, 50 %, 75 % and 100 % of each training side.
- ``--frozen``: trained on every development item, scored on the frozen items once. Quote it; never
  change anything because of what it shows.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import corpus  # noqa: E402
import learning  # noqa: E402
from yrdwatch.extract.decide import decide  # noqa: E402
from yrdwatch.extract.models import Article  # noqa: E402
from yrdwatch.output import contract_record, json_line  # noqa: E402

FIELDS = ("detect", "event_type", "event_date", "province", "city", "district", "place_exact", "park",
          "total_investment", "no_false_total", "project_count", "boilerplate_removed")


def predict(read: learning.Read, model) -> dict:
    article = read.article
    anns = article.announcements
    if model is not None:
        anns = decide(read.reading, model)
    record = contract_record(read.item.id, Article(article.page, article.analysis_text, anns))
    return record


def score(reads: list[learning.Read], records: list[dict]) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        labels = Path(tmp) / "labels"
        labels.mkdir()
        for read in reads:
            label = dict(read.item.label, id=read.item.id)
            (labels / f"{read.item.id}.json").write_text(json.dumps(label, ensure_ascii=False), encoding="utf-8")
        pred = Path(tmp) / "pred.jsonl"
        pred.write_text("".join(json_line(r) + "\n" for r in records), encoding="utf-8")
        return corpus.scorer().score(labels, pred)


def project_misses(reads: list[learning.Read], records: list[dict]) -> list[str]:
    """Per item, the labelled names no prediction matches and the predicted names no label (required
    or optional) matches, with the shared scorer's matching: the scorer counts them, it lists none."""
    same = corpus.scorer().same_project
    out = []
    for read, record in zip(reads, records):
        label = read.item.label
        gold = [p["name"] for p in label.get("projects") or []] if label.get("is_announcement") else []
        pred = list(dict.fromkeys(p["name"] for a in record.get("announcements") or []
                                  for p in a.get("projects") or [] if p.get("name")))
        used: set[int] = set()
        for g in gold:
            k = next((k for k, p in enumerate(pred) if k not in used and same(g, p)), None)
            if k is None:
                out.append(f"{read.item.id}: missed {g}")
            else:
                used.add(k)
        optional = label.get("optional_projects") or []
        out += [f"{read.item.id}: invented {p}" for k, p in enumerate(pred)
                if k not in used and not any(same(o, p) for o in optional)]
    return out


def folds_of(reads: list[learning.Read], k: int) -> list[list[learning.Read]]:
    """k folds of the non-labelled items, whole outlets (and duplicate groups) each, balanced by item count."""
    group = corpus.groups([r.item for r in reads])
    groups: dict[str, list] = {}
    for read in reads:
        if read.item.origin not in corpus.TRAINING_ONLY:
            groups.setdefault(group[read.item.id], []).append(read)
    folds = [[] for _ in range(k)]
    for key in sorted(groups, key=lambda g: (-len(groups[g]), g)):
        min(folds, key=len).extend(groups[key])
    return folds


def cross_validate(reads, k: int, fraction: float = 1.0, seed: int = 0):
    folds = folds_of(reads, k)
    labelled = [r for r in reads if r.item.origin in corpus.TRAINING_ONLY]
    tested, learned, ruled = [], [], []
    for i, fold in enumerate(folds):
        train = [r for j, f in enumerate(folds) if j != i for r in f] + labelled
        if fraction < 1.0:
            train = random.Random(seed + i).sample(train, max(1, int(len(train) * fraction)))
        model = learning.model_of(learning.fit(train))
        for read in fold:
            tested.append(read)
            learned.append(predict(read, model))
            ruled.append(predict(read, None))
    return tested, learned, ruled


def summary(result: dict) -> dict:
    out = {k: result[k]["rate"] for k in FIELDS}
    out["project_f1"] = result["projects"]["f1"]
    out["project_p"] = result["projects"]["precision"]
    out["project_r"] = result["projects"]["recall"]
    return out


def show(rows: list[tuple[str, dict]]):
    keys = ["project_p", "project_r", "project_f1"] + list(FIELDS)
    width = max(len(name) for name, _ in rows)
    print(f"{'':{width}s}  " + "  ".join(f"{k[:12]:>12s}" for k in keys))
    for name, values in rows:
        cells = ["           -" if values.get(k) is None else f"{values[k]:12.3f}" for k in keys]
        print(f"{name:{width}s}  " + "  ".join(cells))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--curve", action="store_true", help="also print the learning curve")
    ap.add_argument("--frozen", action="store_true", help="score the frozen split (for the closing note)")
    ap.add_argument("--no-shared", action="store_true", help="leave out ../shared/corpus")
    ap.add_argument("--misses", metavar="FIELD", help="print the cross-validated misses of one field")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    corpus.scorer()  # stops at once where the shared scorer is not beside the checkout
    items = corpus.all_items(shared=not args.no_shared)
    dev = corpus.development_items(items)
    reads = learning.read_items(dev)
    n_outlets = len({r.item.outlet_key for r in reads if r.item.origin not in corpus.TRAINING_ONLY})
    print(f"development items: {len(dev)} ({sum(r.item.origin in corpus.TRAINING_ONLY for r in reads)} "
          f"tests/labelled and seeds, training only), outlets: {n_outlets}; "
          f"frozen items: {len(corpus.frozen_items(items))}", file=sys.stderr)
    rows, report = [], {}
    tested, learned, ruled = cross_validate(reads, args.folds)
    learned_score, ruled_score = score(tested, learned), score(tested, ruled)
    rows += [(f"rules alone ({len(tested)} items)", summary(ruled_score)),
             (f"grouped {args.folds}-fold CV", summary(learned_score))]
    report["cv"] = summary(learned_score)
    report["rules"] = summary(ruled_score)
    if args.misses:
        if args.misses not in learned_score:
            ap.error(f"--misses takes one of: {', '.join(sorted(learned_score))}")
        field = learned_score[args.misses]
        misses = project_misses(tested, learned) if args.misses == "projects" else field.get("misses", [])
        for miss in misses:
            print("  -", miss)
    if args.curve:
        for fraction in (0.25, 0.5, 0.75):
            t, l, _ = cross_validate(reads, args.folds, fraction)
            s = summary(score(t, l))
            rows.append((f"  CV, {int(fraction * 100)} % of training side", s))
            report[f"curve_{fraction}"] = s
    if args.frozen:
        frozen = learning.read_items(corpus.frozen_items(items))
        model = learning.model_of(learning.fit(reads))
        s = summary(score(frozen, [predict(r, model) for r in frozen]))
        r = summary(score(frozen, [predict(r, None) for r in frozen]))
        rows += [(f"frozen, rules alone ({len(frozen)})", r), (f"frozen split ({len(frozen)} items)", s)]
        report["frozen"], report["frozen_rules"] = s, r
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        show(rows)


if __name__ == "__main__":
    main()
