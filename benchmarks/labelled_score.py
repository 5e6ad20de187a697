"""Score the extractor on the labelled articles of ``tests/labelled`` (or any folder of the same shape).

    python benchmarks/labelled_score.py [--labels DIR] [--articles DIR] [--pred FILE] [--verbose] [--json]

Each ``articles/NAME.txt`` (or .html) goes through ``yrdwatch.extract.article.article_from_file`` and
``yrdwatch.output.contract_record``, exactly as ``yrdwatch extract --json`` does, and is compared
with ``labels/NAME.json`` (the label format of ``../shared/seeds/labels``):

- per page: ``is_announcement``, ``outlet``, ``published_at`` (the date part), ``script`` (the
  label's ``+pinyin`` suffix ignored);
- per announcement page, on the first (headline) announcement: ``event_type``, ``event_date`` (the
  prediction must start with the label, as in the shared scorer), ``province``, ``city``,
  ``district``, ``park``, ``total_investment_cny`` (within 1 %; a foreign-currency label, written as
  ``total_investment_original``, accepts null or the figure in that currency), ``investment_qualifier``,
  ``project_count``;
- projects: the union of every announcement's names against the label's, matched one to one (same
  name after folding punctuation, brackets and 的; one containing ≥ 60 % of the other; or a
  similarity ≥ 0.8); a name listed under ``optional_projects`` is neither required nor a false
  positive; every project named on a negative page is a false positive;
- project investments: each matched project's ``investment_cny`` against the label's (within 1 %,
  null for null; a foreign-currency label accepts null or the figure in that currency).

"all" counts every page the field applies to (a null label must be predicted null); "stated" only
the pages whose label states a value, which is how ``../shared/tools/score_extract.py`` counts.
``--pred FILE`` writes the JSON lines so that the shared scorer can be run on the same output.
``tests/test_labelled.py`` holds the "all" rates as floors.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from yrdwatch.extract.article import article_from_file  # noqa: E402
from yrdwatch.extract.page import PageError  # noqa: E402
from yrdwatch.output import contract_record, json_line  # noqa: E402

LABELLED = ROOT / "tests" / "labelled"
PAGE_FIELDS = ("is_announcement", "outlet", "published_at", "script")
EVENT_FIELDS = ("event_type", "event_date", "province", "city", "district", "park", "total_investment_cny",
                "investment_qualifier", "project_count")
FIELDS = PAGE_FIELDS + EVENT_FIELDS

_FOREIGN = {"美元": "USD", "欧元": "EUR", "港元": "HKD", "港币": "HKD", "日元": "JPY", "英镑": "GBP"}
_FIGURE = re.compile(r"(\d+(?:\.\d+)?)\s*(万亿|亿|万)?")
_UNIT = {None: 1, "万": 10_000, "亿": 100_000_000, "万亿": 1_000_000_000_000}
# What a project name may differ in without being another project.
_NAME_NOISE = re.compile(r"[\s\"'“”‘’「」『』《》〈〉·•・,，。:：;；、!！?？\-—–_()（）&＆的]")


@dataclass
class Tally:
    hits: int = 0
    total: int = 0
    stated_hits: int = 0
    stated: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, ok: bool, stated: bool, miss: str) -> None:
        self.total += 1
        self.hits += ok
        self.stated += stated
        self.stated_hits += ok and stated
        if not ok:
            self.misses.append(miss)

    @property
    def rate(self) -> float | None:
        return self.hits / self.total if self.total else None

    @property
    def stated_rate(self) -> float | None:
        return self.stated_hits / self.stated if self.stated else None


@dataclass
class ProjectTally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p and r else 0.0


def predict(articles_dir: Path) -> dict[str, dict]:
    """NAME → the ``yrdwatch extract --json`` record of ``articles_dir/NAME.*``."""
    records = {}
    for path in sorted(p for p in articles_dir.iterdir() if p.suffix in (".txt", ".html", ".htm")):
        try:
            records[path.stem] = contract_record(str(path), article_from_file(path))
        except (OSError, PageError, UnicodeError) as err:
            records[path.stem] = contract_record(str(path), None, error=f"{type(err).__name__}: {err}")
    return records


def fold_name(name: str | None) -> str:
    return _NAME_NOISE.sub("", name or "")


def same_name(a: str, b: str) -> bool:
    a, b = fold_name(a), fold_name(b)
    if not a or not b:
        return False
    short, long_ = sorted((a, b), key=len)
    return short in long_ and len(short) >= 0.6 * len(long_) or SequenceMatcher(None, a, b).ratio() >= 0.8


def foreign_figure(original: str | None) -> tuple[float, str] | None:
    """'2.8亿美元' → (280000000.0, 'USD'); None for yuan or no figure."""
    code = next((c for word, c in _FOREIGN.items() if word in (original or "")), None)
    m = _FIGURE.search(original or "")
    return (float(m.group(1)) * _UNIT[m.group(2)], code) if code and m else None


def _close(got, want) -> bool:
    return got is not None and want is not None and abs(got - want) <= 0.01 * max(abs(want), 1)


def field_ok(key: str, got, gold: dict, head: dict) -> bool:
    want = gold.get(key)
    if key == "published_at":
        return str(got)[:10] == want if want else not got
    if key == "script":
        return got == (want or "").split("+")[0]
    if key == "event_date":
        return bool(got) and str(got).startswith(want) if want else got is None
    if key == "total_investment_cny":
        if want is not None:
            return _close(got, want)
        foreign = foreign_figure(gold.get("total_investment_original"))
        if foreign:
            return got is None or (head.get("currency") == foreign[1] and _close(got, foreign[0]))
        return got is None
    return got == want


def match_projects(gold: list[str], optional: list[str],
                   predicted: list[str]) -> tuple[dict[str, str], list[str], list[str]]:
    """(gold name → the predicted name it matched, false positives, missed): each gold name takes the
    first unused prediction it matches."""
    predicted = list(dict.fromkeys(p for p in predicted if p))
    used: set[int] = set()
    pairs, missed = {}, []
    for name in gold:
        hit = next((i for i, p in enumerate(predicted) if i not in used and same_name(name, p)), None)
        if hit is None:
            missed.append(name)
        else:
            used.add(hit)
            pairs[name] = predicted[hit]
    extra = [p for i, p in enumerate(predicted) if i not in used and not any(same_name(o, p) for o in optional)]
    return pairs, extra, missed


def investment_ok(got: dict, gold: dict) -> bool:
    want = gold.get("investment_cny")
    if want is not None:
        return _close(got.get("investment_cny"), want)
    foreign = foreign_figure(gold.get("investment_original"))
    if foreign:
        return got.get("investment_cny") is None or (
            got.get("currency") == foreign[1] and _close(got.get("investment_cny"), foreign[0]))
    return got.get("investment_cny") is None


def score(labels_dir: Path, records: dict[str, dict]) -> tuple[dict[str, Tally], ProjectTally]:
    tallies = {key: Tally() for key in FIELDS + ("project_investment",)}
    projects = ProjectTally()
    for label_path in sorted(labels_dir.glob("*.json")):
        gold = json.loads(label_path.read_text(encoding="utf-8"))
        name = gold.get("id", label_path.stem)
        record = records.get(name) or {}
        announcements = record.get("announcements") or []
        head = announcements[0] if announcements else {}
        for key in PAGE_FIELDS:
            got = bool(record.get(key)) if key == "is_announcement" else record.get(key)
            tallies[key].add(bool(field_ok(key, got, gold, head)), gold.get(key) is not None,
                             f"{name}: {key} {got!r} != {gold.get(key)!r}")
        predicted = {}  # name → its first prediction
        for project in (p for a in announcements for p in a.get("projects") or []):
            predicted.setdefault(project.get("name"), project)
        names = list(predicted)
        if not gold["is_announcement"]:
            projects.fp += len(names)
            projects.misses += [f"{name}: project on a negative page {n!r}" for n in names]
            continue
        for key in EVENT_FIELDS:
            want = gold.get(key) if key != "total_investment_cny" else (
                gold.get(key) if gold.get(key) is not None else gold.get("total_investment_original"))
            tallies[key].add(field_ok(key, head.get(key), gold, head), want is not None,
                             f"{name}: {key} {head.get(key)!r} != {want!r}")
        gold_projects = gold.get("projects") or []
        pairs, extra, missed = match_projects([p["name"] for p in gold_projects],
                                              gold.get("optional_projects") or [], names)
        for want in (p for p in gold_projects if p["name"] in pairs):
            got = predicted[pairs[want["name"]]]
            stated = want.get("investment_cny") is not None or want.get("investment_original") is not None
            tallies["project_investment"].add(investment_ok(got, want), stated,
                                              f"{name}: {want['name']} investment {got.get('investment_cny')!r}"
                                              f" != {want.get('investment_cny') or want.get('investment_original')!r}")
        tp = len(pairs)
        projects.tp += tp
        projects.fp += len(extra)
        projects.fn += len(missed)
        projects.misses += [f"{name}: extra project {n!r}" for n in extra]
        projects.misses += [f"{name}: missed project {n!r}" for n in missed]
    return tallies, projects


def _rate(value: float | None) -> str:
    return "   -" if value is None else f"{value:4.2f}"


def report(tallies: dict[str, Tally], projects: ProjectTally, verbose: bool) -> str:
    lines = [f"{'field':22s} {'all':>14s}   {'stated':>14s}"]
    for key, t in tallies.items():
        lines.append(f"{key:22s} {_rate(t.rate)} ({t.hits:2d}/{t.total:2d})   "
                     f"{_rate(t.stated_rate)} ({t.stated_hits:2d}/{t.stated:2d})")
    lines.append(f"{'projects':22s} P {_rate(projects.precision)}  R {_rate(projects.recall)}  F1 {projects.f1:4.2f}"
                 f"  (tp {projects.tp} fp {projects.fp} fn {projects.fn})")
    if verbose:
        lines.append("")
        lines += [f"- {miss}" for t in tallies.values() for miss in t.misses]
        lines += [f"- {miss}" for miss in projects.misses]
    return "\n".join(lines)


def as_json(tallies: dict[str, Tally], projects: ProjectTally) -> dict:
    result = {key: {"rate": t.rate, "n": t.total, "stated_rate": t.stated_rate, "stated": t.stated,
                    "misses": t.misses} for key, t in tallies.items()}
    result["projects"] = {"precision": projects.precision, "recall": projects.recall, "f1": projects.f1,
                          "tp": projects.tp, "fp": projects.fp, "fn": projects.fn, "misses": projects.misses}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--labels", type=Path, default=LABELLED / "labels")
    parser.add_argument("--articles", type=Path, default=LABELLED / "articles")
    parser.add_argument("--pred", type=Path, help="also write the predictions here, one JSON line per article")
    parser.add_argument("--verbose", action="store_true", help="list every miss")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args()
    records = predict(args.articles)
    if args.pred:
        args.pred.write_text("".join(json_line(r) + "\n" for r in records.values()), encoding="utf-8")
    tallies, projects = score(args.labels, records)
    print(json.dumps(as_json(tallies, projects), ensure_ascii=False, indent=1) if args.json
          else report(tallies, projects, args.verbose))


if __name__ == "__main__":
    main()
