"""Check every label of the repository's corpus against its article (and report the corpus's make-up).

    python benchmarks/corpus_check.py [DIR …]      (default: corpus/)

The checks of ``../shared/corpus/README.md`` ("How the labels were checked"), run on the article
after pinyin annotations are removed and Traditional is converted to Simplified: every key present
and ``id`` = file stem; each ``*_original`` amount string, each required project name and (unless
derived, or 1 for a story of one project) the project count ("N个/项/家/只") written in the text; each amount string re-parses to its
yuan figure; foreign-currency amounts have no yuan figure; dates of the form YYYY-MM[-DD];
negatives carry no projects, total or count; each boilerplate marker stands in the article.
Exit status 1 when a label fails. ``tests/test_corpus.py`` runs it.
"""
from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from yrdwatch.extract.money import parse_amount, parse_number  # noqa: E402
from yrdwatch.extract.normalize import analysis_text  # noqa: E402

KEYS = ("id", "source_url", "outlet", "published_at", "script", "is_announcement", "event_type",
        "secondary_event_types", "event_date", "province", "city", "district", "park", "total_investment_cny",
        "total_investment_original", "investment_qualifier", "project_count", "projects", "industries",
        "parties", "distractor_amounts", "has_boilerplate", "notes")
EVENT_TYPES = ("签约", "开工", "投产", "竣工", "揭牌", "开园", "other")
_DATE = re.compile(r"^\d{4}-\d{2}(?:-\d{2})?$")
_FOREIGN = ("美元", "欧元", "港元", "港币", "日元", "英镑")
_NUMERALS = "零一二三四五六七八九十两"


def _fold(text: str) -> str:
    return re.sub(r"[\s\"“”‘’「」『』《》]", "", text)


def _count_written(text: str, n: int) -> bool:
    """Whether ``n`` is written as a count (16个, 十六个, 两项, 5只, 9家) in ``text``."""
    for m in re.finditer(rf"([\d{_NUMERALS}百]+)\s*(?:个|项|家|只|大)", text):
        if parse_number(m.group(1)) == n:
            return True
    return False


def check(label_path: Path, article_path: Path) -> list[str]:
    problems = []
    label = json.loads(label_path.read_text(encoding="utf-8"))
    raw = article_path.read_text(encoding="utf-8")
    text = analysis_text(raw)
    folded = _fold(text)
    for key in KEYS:
        if key not in label:
            problems.append(f"missing key {key}")
    if label.get("id") != label_path.stem:
        problems.append(f"id {label.get('id')!r} is not the file stem")
    if label.get("event_type") not in EVENT_TYPES:
        problems.append(f"event_type {label.get('event_type')!r}")
    for key in ("published_at", "event_date"):
        if label.get(key) and not _DATE.match(label[key]):
            problems.append(f"{key} {label[key]!r} is not YYYY-MM[-DD]")
    amounts = [("total", label.get("total_investment_original"), label.get("total_investment_cny"))]
    amounts += [(p.get("name"), p.get("investment_original"), p.get("investment_cny")) for p in label.get("projects") or []]
    for what, original, cny in amounts:
        if not original:
            continue
        if _fold(analysis_text(original)) not in folded:
            problems.append(f"{what}: amount {original!r} not in the text")
        foreign = any(word in original for word in _FOREIGN)
        parsed = parse_amount(analysis_text(original))
        if foreign and cny is not None and "人民币" not in text:
            problems.append(f"{what}: foreign amount {original!r} with a yuan figure and no stated rate")
        if not foreign and cny is not None and (parsed is None or abs(parsed[0] - cny) > 0.005 * max(cny, 1)):
            problems.append(f"{what}: {original!r} parses to {parsed and parsed[0]}, label says {cny}")
    if label.get("is_announcement"):
        for p in label.get("projects") or []:
            if _fold(analysis_text(p["name"])) not in folded:
                problems.append(f"project {p['name']!r} not in the text")
        n = label.get("project_count")
        # a story of one project counts 1 without writing it (the shared corpus's convention)
        single = n == 1  # the primary event's one project, other batches' projects listed besides
        if n and not single and not label.get("project_count_derived") and not _count_written(text, n):
            problems.append(f"project_count {n} is not written as N个/项/家")
    else:
        if label.get("projects") or label.get("total_investment_cny") or label.get("project_count"):
            problems.append("a negative with projects, a total or a count")
        if label.get("event_type") != "other":
            problems.append("a negative whose event_type is not 'other'")
    for marker in label.get("boilerplate_markers") or []:
        if marker not in raw:
            problems.append(f"boilerplate marker {marker!r} not in the article")
    return problems


def main(argv: list[str]) -> int:
    folders = [Path(a) for a in argv] or [ROOT / "corpus"]
    failed, labels = 0, []
    for folder in folders:
        for label_path in sorted((folder / "labels").glob("*.json")):
            article = next((folder / "articles").glob(label_path.stem + ".*"), None)
            problems = ["no article"] if article is None else check(label_path, article)
            labels.append(json.loads(label_path.read_text(encoding="utf-8")))
            if problems:
                failed += 1
                for problem in problems:
                    print(f"{label_path.stem}: {problem}")
    outlets = Counter(re.sub(r"[(（][^)）]*[)）]", "", lab.get("outlet") or "").strip() for lab in labels)
    negatives = sum(not lab.get("is_announcement") for lab in labels)
    scripts = Counter(lab.get("script") for lab in labels)
    types = Counter(lab.get("event_type") for lab in labels if lab.get("is_announcement"))
    print(f"{len(labels)} labels, {failed} with problems; {len(outlets)} outlets; negatives {negatives} "
          f"({negatives / max(len(labels), 1):.0%}); scripts {dict(scripts)}; event types {dict(types)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
