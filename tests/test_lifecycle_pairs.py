"""The labelled lifecycle pairs (``corpus/lifecycle``) are consistent: every new article agrees with its
label, every pair refers to articles that exist and names a project each label lists, and the frozen
split is the one decided by the pair id's hash."""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIFECYCLE = ROOT / "corpus" / "lifecycle"
sys.path.insert(0, str(ROOT / "benchmarks"))

import corpus_check  # noqa: E402

STAGES = {"签约", "开工", "投产", "竣工", "开园", "揭牌"}


def _pairs() -> list[dict]:
    return [json.loads(line) for line in (LIFECYCLE / "pairs.jsonl").read_text(encoding="utf-8").splitlines()]


def _label(item_id: str) -> dict:
    folder = LIFECYCLE if item_id.startswith("L") else ROOT / "corpus"
    return json.loads((folder / "labels" / f"{item_id}.json").read_text(encoding="utf-8"))


def test_every_lifecycle_label_agrees_with_its_article(capsys):
    assert corpus_check.main([str(LIFECYCLE)]) == 0, capsys.readouterr().out


def test_every_pair_names_projects_its_articles_list():
    pairs = _pairs()
    assert len({p["id"] for p in pairs}) == len(pairs)
    for pair in pairs:
        for side in ("earlier", "later"):
            label = _label(pair[side])
            names = {p["name"] for p in label["projects"]} | set(label.get("optional_projects") or [])
            assert pair[f"{side}_project"] in names, (pair["id"], side)
        assert isinstance(pair["same"], bool) and pair["evidence"], pair["id"]
        assert len(pair["stages"]) == 2 and set(pair["stages"]) <= STAGES, pair["id"]
        assert pair["stages"] == [_label(pair["earlier"])["event_type"], _label(pair["later"])["event_type"]], pair["id"]
        assert pair["earlier"] != pair["later"], pair["id"]


def test_earlier_comes_before_later_where_both_are_dated():
    for pair in _pairs():
        dates = [_label(pair[side])["event_date"] or _label(pair[side])["published_at"] for side in ("earlier", "later")]
        if all(dates):
            assert dates[0][:7] <= dates[1][:7], (pair["id"], dates)


def test_the_frozen_split_is_decided_by_the_pair_id():
    pairs = _pairs()
    for pair in pairs:
        frozen = int(hashlib.sha1(pair["id"].encode()).hexdigest(), 16) % 5 == 0
        assert pair["split"] == ("frozen" if frozen else "train"), pair["id"]
    assert sum(p["same"] for p in pairs) >= 45 and sum(not p["same"] for p in pairs) >= 20
