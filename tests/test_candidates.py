"""extract.candidates: the helpers made faster must answer as the plain computation does."""
from __future__ import annotations

import pytest

from yrdwatch.extract.candidates import _posseg, bucket, word_offsets, words


@pytest.mark.parametrize("text", [
    "苏州工业园区举行重大项目签约仪式",
    "总投资260亿元的“长三角G60科创走廊”新能源汽车零部件项目、5G基站(一期)工程",
    "ABB机器人超级工厂 项目于2024年5月1日开工,总投资1.5亿美元",
    "  \t混合 text 与 3.5% 的 #标签&符号_下划线  ",
    "",
])
def test_words_are_one_cut_of_the_whole_text(text):
    # words() cuts each Han/Latin/digit run on its own (and caches the runs): the same as one cut
    assert words(text) == [(w.word, w.flag) for w in _posseg().cut(text, HMM=False)]


@pytest.mark.parametrize("n, edges, expected", [
    (0, (0, 1, 2, 4, 8), "≤0"),
    (3, (0, 1, 2, 4, 8), "≤4"),
    (4, (0, 1, 2, 4, 8), "≤4"),
    (9, (0, 1, 2, 4, 8), ">8"),
    (-1, (4, 6, 8), "≤4"),
    (0.5, (0, 0.5, 0.99), "≤0.5"),
    (0.995, (0, 0.5, 0.99), ">0.99"),
    (8.3, (7, 8, 9, 10, 11), "≤9"),
])
def test_bucket(n, edges, expected):
    assert bucket(n, edges) == expected


def test_word_offsets_place_the_words_and_count_the_verbs_after_each():
    text = "计划建设并投产新能源项目"
    offsets, verbs_after = word_offsets(text, 100)
    assert "".join(w for _, w, _ in offsets) == text
    assert [p for p, _, _ in offsets] == [100 + len("".join(w for _, w, _ in offsets[:i])) for i in range(len(offsets))]
    assert verbs_after == [sum(f.startswith("v") for _, _, f in offsets[i + 1:]) for i in range(len(offsets))]
    assert verbs_after == [2, 1, 1, 0, 0, 0]  # 建设, 投产 (vn)


def test_name_features_carry_no_first_word():
    """Out of fold the first word and first two characters named the training pages' own companies and
    places (CV names F1 .692 → .701 without them): a name is described by parts of speech instead."""
    from yrdwatch.extract.candidates import name_candidates, sentences_of

    body = "江苏锐铂精密科技有限公司新能源汽车结构件项目昨日开工。"
    names = name_candidates(body, 0, sentences_of(body), set())
    assert names
    for c in names:
        assert not any(k.startswith(("n:first_word=", "n:first2=")) for k in c.features), c.text
        assert any(k.startswith("n:first_pos=") for k in c.features)
