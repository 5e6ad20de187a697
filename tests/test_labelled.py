"""The extractor on the labelled articles of ``tests/labelled``, scored by ``benchmarks/labelled_score.py``.

The articles were written and labelled from the text and the output contract before the extractor
saw them (``tests/labelled/README.md``). Each floor below is the rate reached when these rules were
last changed, less about one article's worth: 1/67 of the pages (1.00 → 0.98), 1/52 of the
announcements (1.00 or 0.98 → 0.97), two of the 104 project investments (1.00 → 0.97), and project
F1 less a few projects (1.00 → 0.97). So a change that loses a field on even one or two articles
fails here. Raise a floor when the extractor improves; lower one only with a reason in the commit.

Since the decisions are learned from the corpus (``extract/decide.py``), these invented pages are
only a part of the training data: event type and park are held at 0.94 (two of 52 pages), the price
of a model that is right more often on real pages it has not seen (``benchmarks/corpus_cv.py``).
The project count is held on the pages that state one: a story of one project now says 1, as the
shared corpus's labels do, where these labels say null.
"""
import importlib.util
import sys
from pathlib import Path

import pytest

_BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "labelled_score.py"
_spec = importlib.util.spec_from_file_location("labelled_score", _BENCH)
scorer = sys.modules[_spec.name] = importlib.util.module_from_spec(_spec)  # benchmarks/ is no package
_spec.loader.exec_module(scorer)

# Rates reached ("all" column of the scorer's table), less about one article's worth.
FLOORS = {
    "is_announcement": 0.98, "outlet": 0.98, "published_at": 0.98, "script": 0.98,
    "event_type": 0.94, "event_date": 0.97, "province": 0.97, "city": 0.97, "district": 0.97, "park": 0.94,
    "total_investment_cny": 0.97, "investment_qualifier": 0.97, "project_count": 0.97,
    "project_investment": 0.97,
}
PROJECT_F1_FLOOR = 0.97


@pytest.fixture(scope="module")
def result():
    records = scorer.predict(scorer.LABELLED / "articles")
    return scorer.score(scorer.LABELLED / "labels", records)


def test_every_article_is_labelled():
    articles = {p.stem for p in (scorer.LABELLED / "articles").glob("*.txt")}
    labels = {p.stem for p in (scorer.LABELLED / "labels").glob("*.json")}
    assert articles == labels
    assert len(labels) >= 51


@pytest.mark.parametrize("key", sorted(FLOORS))
def test_field_rate(result, key):
    tally = result[0][key]
    rate = tally.stated_rate if key == "project_count" else tally.rate
    assert rate >= FLOORS[key], (rate, tally.misses)


def test_projects_f1(result):
    projects = result[1]
    assert projects.f1 >= PROJECT_F1_FLOOR, (projects.f1, projects.misses)
