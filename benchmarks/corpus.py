"""The labelled corpora the extractor is trained and measured on, and how they are split.

Three folders of the same shape (``articles/ID.txt`` + ``labels/ID.json``, label keys as in
``../shared/corpus/README.md``):

- ``corpus/`` — this repository's own corpus: real 长三角 pages, paraphrased with every fact kept,
  labelled before the extractor saw them (``corpus/manifest-*.md`` names each page's address);
- ``../shared/corpus`` — the shared one (120 items), used when it stands beside the checkout;
- ``tests/labelled`` — the invented pages the rules were first written against, and
  ``../shared/seeds`` — the user's five real articles. Both are in-sample for the rules, so they are
  only ever on the training side.

**The frozen split** is decided by the outlet alone, from a hash, so it was fixed before any page was
labelled and cannot drift with the corpus: an item whose outlet (the label's ``outlet`` without its
parenthesised note) hashes to 0 mod 5 is frozen. Frozen items are scored for the closing note and
never used to train or to change anything; ``--frozen`` in ``corpus_cv.py`` is the only reader.

Cross-validation groups items by the same outlet key, so no outlet is on both sides of a fold.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OWN = ROOT / "corpus"
SHARED = ROOT.parent / "shared" / "corpus"
LABELLED = ROOT / "tests" / "labelled"
SEEDS = ROOT.parent / "shared" / "seeds"
SCORER = ROOT.parent / "shared" / "tools" / "score_extract.py"
# Pages the rules were written against: in-sample, so only ever on the training side.
TRAINING_ONLY = ("labelled", "seed")

_NOTE = re.compile(r"[(（][^)）]*[)）]")


@dataclass(frozen=True)
class Item:
    id: str
    article: Path
    label: dict
    origin: str  # "own" | "shared" | "labelled" | "seed"

    @property
    def outlet_key(self) -> str:
        if self.origin in TRAINING_ONLY:  # their own groups, never frozen
            return f"{self.origin}:{self.id.split('-')[0]}"
        return outlet_key(self.label.get("outlet"), self.label.get("source_url"))

    @property
    def frozen(self) -> bool:
        return self.origin not in TRAINING_ONLY and is_frozen(self.outlet_key)


@lru_cache(maxsize=1)
def scorer():
    """``../shared/tools/score_extract.py``, the measure every figure is quoted in."""
    if not SCORER.exists():
        raise SystemExit(f"needs {SCORER} (the shared scorer) beside the checkout")
    spec = importlib.util.spec_from_file_location("score_extract", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def outlet_key(outlet: str | None, url: str | None = None) -> str:
    """The outlet as a grouping key: its name without the note in parentheses, lower case; the
    address's host when the label names no outlet."""
    key = _NOTE.sub("", outlet or "").strip().lower()
    if not key and url:
        key = re.sub(r"^https?://(www\.)?", "", url).split("/")[0].lower()
    return key or "?"


def is_frozen(key: str) -> bool:
    return int(hashlib.sha1(key.encode("utf-8")).hexdigest()[:8], 16) % 5 == 0


def load(folder: Path, origin: str) -> list[Item]:
    items = []
    if not (folder / "labels").is_dir():
        return items
    for label_path in sorted((folder / "labels").glob("*.json")):
        article = next((p for p in (folder / "articles").glob(label_path.stem + ".*")), None)
        if article is None:
            continue
        label = json.loads(label_path.read_text(encoding="utf-8"))
        items.append(Item(label_path.stem, article, label, origin))
    return items


def all_items(shared: bool = True) -> list[Item]:
    """Every labelled item: own corpus, shared corpus and seeds (when beside the checkout), tests/labelled."""
    items = load(OWN, "own") + (load(SHARED, "shared") + load(SEEDS, "seed") if shared else []) \
        + load(LABELLED, "labelled")
    return items


def groups(items: list[Item]) -> dict[str, str]:
    """id → group: items of one outlet, and items that report the same event (``duplicate_group``:
    reprints and rewrites, kept on one side of every split), are one group."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for item in items:
        dup = item.label.get("duplicate_group")
        if dup:
            parent[find("dup:" + dup)] = find("outlet:" + item.outlet_key)
    return {item.id: find("outlet:" + item.outlet_key) for item in items}


def _frozen_ids(items: list[Item]) -> set[str]:
    """Frozen items, and every item grouped with one (a reprint of a frozen story is frozen too)."""
    group = groups(items)
    frozen_groups = {group[item.id] for item in items if item.frozen}
    return {item.id for item in items if group[item.id] in frozen_groups and item.origin not in TRAINING_ONLY}


def development_items(items: list[Item]) -> list[Item]:
    frozen = _frozen_ids(items)
    return [item for item in items if item.id not in frozen]


def frozen_items(items: list[Item]) -> list[Item]:
    frozen = _frozen_ids(items)
    return [item for item in items if item.id in frozen]
