"""Lifecycle links on the labelled pairs: precision and recall of "one project through its stages".

Reads ``pairs.jsonl`` of a lifecycle set (``corpus/lifecycle`` unless ``--pairs DIR``): each line
an earlier and a later article (``LNNN`` in ``DIR/articles``, ``yNNN`` in the corpus beside it), the
project each names, whether they are one project (``same``) and its split (``train`` / ``frozen``).
Every article of the set is read by the real extractor and stored, oldest first, through the real
store into a fresh SQLite database, so each later report meets the earlier ones exactly as a crawl
would. A true pair counts as linked when both named projects end in one project; a distractor
linked is a false positive; pairs left *uncertain* (``project_links``) are counted apart.

    python benchmarks/lifecycle_pairs.py --pairs /work/wt-i16-pairs/corpus/lifecycle
    python benchmarks/lifecycle_pairs.py --fit      # fit db/data/link_weights.json on the train split

A page's date is its own when the text states one, else the label's ``published_at`` (what a crawl
learns from the listing). ``--fit`` trains on the train pairs only, plus, as further negatives, the
train mentions of different labelled projects in one city (what a real store compares too).
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from difflib import SequenceMatcher
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from yrdwatch.db import evidence  # noqa: E402
from yrdwatch.db.projects import _report, fold_project_name  # noqa: E402
from yrdwatch.db.store import Store  # noqa: E402
from yrdwatch.extract.article import article_from_page  # noqa: E402
from yrdwatch.extract.decode import decode_html  # noqa: E402
from yrdwatch.extract.page import read_text  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PAIRS = ROOT / "corpus" / "lifecycle"
BAR = {"precision": 0.95, "recall": 0.85}
TRAIN_PRECISION = 0.98  # above the bar: the frozen pairs are other projects


def article_path(pairs_dir: Path, article_id: str) -> tuple[Path, Path]:
    """(article, label) of an id: ``L…`` in the lifecycle folder, ``y…`` in the corpus beside it."""
    folder = pairs_dir if article_id.startswith("L") else pairs_dir.parent
    return next((folder / "articles").glob(article_id + ".*")), folder / "labels" / f"{article_id}.json"


def read_articles(pairs_dir: Path, ids: set[str]) -> dict[str, tuple[str, object]]:
    """id → (url, Article), read by the extractor."""
    read = {}
    for article_id in sorted(ids):
        path, label_path = article_path(pairs_dir, article_id)
        label = json.loads(label_path.read_text(encoding="utf-8"))
        page = read_text(decode_html(path.read_bytes())[0])
        page.published_at = page.published_at or label.get("published_at")
        read[article_id] = (path.resolve().as_uri(), article_from_page(page))
    return read


def store_in_date_order(db_path: Path, articles: dict[str, tuple[str, object]]) -> Store:
    store = Store(db_path)
    for article_id, (url, article) in sorted(articles.items(), key=lambda kv: (kv[1][1].page.published_at or "", kv[0])):
        store.save_article(url, "lifecycle", article, signature=None, duplicate_of=None, similarity=None)
    return store


def _closest(candidates: list[tuple[str, ...]], name: str):
    """The candidate (name first) whose name is the labelled one, or closest to it (None below half)."""
    folded = fold_project_name(name)
    scored = [(1.0 if fold_project_name(c[0]) == folded else SequenceMatcher(None, fold_project_name(c[0]), folded).ratio(), c)
              for c in candidates]
    best = max(scored, default=(0.0, None), key=lambda s: s[0])
    return best[1] if best[0] >= 0.5 else None


def stored_mention(store: Store, url: str, name: str) -> tuple[str, str] | None:
    """(project id, mention key) of the stored mention of ``url`` that names the labelled project."""
    rows = [(r[0], r[1], r[2]) for r in store.db.conn.execute(
        "select name, project_id, mention_key from project_mentions where article_url = ?", [url])]
    found = _closest(rows, name)
    return (found[1], found[2]) if found else None


def score(store: Store, pairs: list[dict], articles: dict) -> dict[str, Counter]:
    by_split: dict[str, Counter] = {}
    for pair in pairs:
        counts = by_split.setdefault(pair["split"], Counter())
        early = stored_mention(store, articles[pair["earlier"]][0], pair["earlier_project"])
        late = stored_mention(store, articles[pair["later"]][0], pair["later_project"])
        linked = bool(early and late and early[0] == late[0])
        uncertain = bool(early and late and not linked and store.db.conn.execute(
            "select 1 from project_links where status = 'uncertain' and "
            "((mention_key = ? and project_id = ?) or (mention_key = ? and project_id = ?))",
            [late[1], early[0], early[1], late[0]]).fetchone())
        kind = "true" if pair["same"] else "distractor"
        counts[f"{kind} pairs"] += 1
        counts[f"{kind} linked"] += linked
        counts[f"{kind} uncertain"] += uncertain
        counts[f"{kind} not extracted"] += not (early and late)
        pair["outcome"] = "linked" if linked else "uncertain" if uncertain else "apart" if early and late else "not extracted"
    return by_split


def figures(counts: Counter) -> dict[str, float]:
    tp, fp = counts["true linked"], counts["distractor linked"]
    return {"precision": tp / (tp + fp) if tp + fp else 1.0,
            "recall": tp / counts["true pairs"] if counts["true pairs"] else 0.0}


def _mention_report(articles: dict, article_id: str, name: str):
    """The extracted mention of a labelled project as the evidence sees it (None if not extracted)."""
    article = articles[article_id][1]
    mentions = [(p.name, p, ann) for ann in article.announcements for p in ann.projects]
    found = _closest(mentions, name)
    return _report(found[1], found[2], article.page.published_at) if found else None


def training_rows(pairs: list[dict], articles: dict) -> tuple[list[dict], list[int]]:
    """Features and answers of the train pairs, plus cross negatives (labelled projects of one
    city that no true pair joins)."""
    train = [p for p in pairs if p["split"] == "train"]
    parent: dict[tuple, tuple] = {}

    def find(node):
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    for pair in pairs:  # every true pair joins its two ends, whatever its split
        if pair["same"]:
            parent[find((pair["earlier"], pair["earlier_project"]))] = find((pair["later"], pair["later_project"]))
    rows, answers = [], []
    for pair in train:
        early = _mention_report(articles, pair["earlier"], pair["earlier_project"])
        late = _mention_report(articles, pair["later"], pair["later_project"])
        if early and late:
            rows.append(evidence.evidence(early, late))
            answers.append(int(pair["same"]))
    ends = {(p[side], p[side + "_project"]) for p in train for side in ("earlier", "later")}
    reports = {end: _mention_report(articles, *end) for end in sorted(ends)}
    reports = {end: r for end, r in reports.items() if r}
    for i, a in enumerate(sorted(reports)):
        for b in sorted(reports)[i + 1:]:
            ra, rb = reports[a], reports[b]
            if a[0] != b[0] and find(a) != find(b) and ra.city and ra.city == rb.city:
                rows.append(evidence.evidence(ra, rb))
                answers.append(0)
    return rows, answers


def fit(pairs: list[dict], articles: dict, out: Path) -> dict:
    """Logistic regression on the train rows, each weight held to the sign the knowledge of news
    gives it (``signs`` in the weights file: agreeing names are never evidence against, two
    cities never evidence for), so that a small train set cannot learn a spurious direction.
    The merge threshold is the lowest confidence (at least 0.5) at which the train rows are linked
    with ``TRAIN_PRECISION``, the uncertain one a third of it."""
    import numpy as np
    from scipy.optimize import minimize

    current = evidence.load_weights()
    vetoes, signs = current["vetoes"], current["signs"]
    rows, answers = training_rows(pairs, articles)
    # A vetoed pair is decided whatever the weights: it teaches them nothing.
    kept = [(r, a) for r, a in zip(rows, answers) if not any(r[v] >= 1.0 for v in vetoes)]
    names = sorted(n for n in kept[0][0] if n not in vetoes)
    x = np.array([[r[n] for n in names] for r, _ in kept])
    y = np.array([a for _, a in kept], dtype=float)
    balance = np.where(y == 1, len(y) / (2 * y.sum()), len(y) / (2 * (len(y) - y.sum())))

    def loss(theta):
        z = theta[0] + x @ theta[1:]
        p = 1 / (1 + np.exp(-z))
        data = -np.sum(balance * (y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12)))
        return data + 0.05 * np.sum(theta[1:] ** 2)  # a little L2: weights of rare features stay small

    bounds = [(None, None)] + [(0, None) if signs[n] > 0 else (None, 0) for n in names]
    theta = minimize(loss, np.zeros(len(names) + 1), method="L-BFGS-B", bounds=bounds).x
    fitted = {"bias": round(float(theta[0]), 3), "weights": {n: round(float(w), 3) for n, w in zip(names, theta[1:])},
              "vetoes": vetoes, "signs": signs}
    scored = sorted(((evidence.confidence(r, fitted), a) for r, a in kept), reverse=True)
    merge_at, linked, right = 0.95, 0, 0
    for conf, answer in scored:  # the lowest threshold at which the train rows keep the precision aimed at
        linked, right = linked + 1, right + answer
        if conf < 0.5 or right / linked < TRAIN_PRECISION:
            break
        merge_at = round(min(merge_at, conf), 3)
    result = {"fitted_on": f"benchmarks/lifecycle_pairs.py --fit: {int(y.sum())} true and {int(len(y) - y.sum())} "
                           f"false train pairs (cross negatives included, vetoed pairs left out)", **fitted,
              "merge_at": merge_at, "uncertain_at": round(merge_at / 3, 3)}
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=Path, default=DEFAULT_PAIRS, help="a lifecycle folder with pairs.jsonl")
    parser.add_argument("--fit", action="store_true", help=f"write {evidence.WEIGHTS.relative_to(ROOT)} from the train split")
    parser.add_argument("--db", type=Path, help="keep the database here (default: a temporary file)")
    parser.add_argument("--verbose", action="store_true", help="every pair with its outcome")
    args = parser.parse_args()
    pairs_file = args.pairs / "pairs.jsonl"
    if not pairs_file.is_file():
        parser.error(f"{pairs_file}: no such file")
    pairs = [json.loads(line) for line in pairs_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    articles = read_articles(args.pairs, {p[side] for p in pairs for side in ("earlier", "later")})
    if args.fit:
        fitted = fit(pairs, articles, evidence.WEIGHTS)
        evidence.load_weights.cache_clear()
        print(f"wrote {evidence.WEIGHTS}: {fitted['fitted_on']}; merge at {fitted['merge_at']}")
    with tempfile.TemporaryDirectory() as tmp:
        db_path = args.db or Path(tmp) / "lifecycle.db"
        if db_path.exists():
            parser.error(f"{db_path}: exists (the measure needs a fresh database)")
        by_split = score(store_in_date_order(db_path, articles), pairs, articles)
    print(f"{len(pairs)} pairs, {len(articles)} articles, weights: {evidence.load_weights()['fitted_on']}")
    for split in sorted(by_split):
        counts, result = by_split[split], figures(by_split[split])
        met = all(result[k] >= v for k, v in BAR.items())
        print(f"{split:7} precision {result['precision']:.3f}  recall {result['recall']:.3f}  "
              f"({'meets' if met else 'below'} the bar {BAR['precision']}/{BAR['recall']})  "
              + "  ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
    if args.verbose:
        for pair in pairs:
            early = _mention_report(articles, pair["earlier"], pair["earlier_project"])
            late = _mention_report(articles, pair["later"], pair["later_project"])
            features = evidence.evidence(early, late) if early and late else {}
            said = f"{evidence.confidence(features):.2f} " + " ".join(
                f"{k}={v:.2f}" for k, v in features.items() if v) if features else ""
            print(f"{pair['id']} {pair['split']:6} same={pair['same']!s:5} {pair['outcome']:13} "
                  f"{pair['earlier']}:{pair['earlier_project']} → {pair['later']}:{pair['later_project']}  {said}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
