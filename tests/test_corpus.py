"""The repository's labelled corpus is consistent with its articles (``benchmarks/corpus_check.py``)
and the frozen split stays what it was when it was set aside."""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import corpus  # noqa: E402
import corpus_check  # noqa: E402


def test_every_label_agrees_with_its_article(capsys):
    assert corpus_check.main([str(ROOT / "corpus")]) == 0, capsys.readouterr().out


def test_the_corpus_is_large_and_varied_enough():
    items = corpus.load(corpus.OWN, "own") + corpus.load(corpus.LABELLED, "labelled")
    outlets = {item.outlet_key for item in items if item.origin == "own"}
    negatives = sum(not item.label["is_announcement"] for item in items)
    other_script = sum(item.label["script"] != "simplified" for item in items)
    assert len(items) >= 400 and len(outlets) >= 100
    assert negatives >= 0.2 * len(items) and other_script >= 0.25 * len(items)


def test_the_frozen_split_is_decided_by_outlet_and_duplicates_only():
    items = corpus.load(corpus.OWN, "own")
    frozen = corpus.frozen_items(items)
    assert len(frozen) >= 80
    assert not {i.outlet_key for i in frozen} & {i.outlet_key for i in corpus.development_items(items)}
    assert corpus.is_frozen("宣城日报") and not corpus.is_frozen("ksren.com")


def test_project_misses_list_missed_and_invented_names_but_not_optional_ones():
    import corpus_cv
    from types import SimpleNamespace

    label = {"is_announcement": True, "projects": [{"name": "甲新材料项目"}, {"name": "乙智能装备产业园"}],
             "optional_projects": ["丙科技有限公司"]}
    read = SimpleNamespace(item=SimpleNamespace(id="x1", label=label))
    record = {"announcements": [{"projects": [{"name": "甲新材料项目"}, {"name": "丙科技有限公司"},
                                             {"name": "年产10万吨"}]}]}
    assert corpus_cv.project_misses([read], [record]) == ["x1: missed 乙智能装备产业园", "x1: invented 年产10万吨"]
