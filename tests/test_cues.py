"""Every vocabulary of ``extract/cues.py`` finds something in each phrase it must match and nothing in
each phrase it must ignore; every role cue is found in its own examples."""
from __future__ import annotations

import pytest

from yrdwatch.extract import cues

MATCHES = [(name, phrase) for name, v in cues.VOCABULARIES.items() for phrase in v.matches]
IGNORES = [(name, phrase) for name, v in cues.VOCABULARIES.items() for phrase in v.ignores]


@pytest.mark.parametrize("name,phrase", MATCHES)
def test_vocabulary_matches(name, phrase):
    assert cues.VOCABULARIES[name].pattern.search(phrase), f"{name} should match {phrase!r}"


@pytest.mark.parametrize("name,phrase", IGNORES)
def test_vocabulary_ignores(name, phrase):
    assert not cues.VOCABULARIES[name].pattern.search(phrase), f"{name} should not match {phrase!r}"


@pytest.mark.parametrize("cue,examples", sorted(cues.ROLE_CUES.items()))
def test_role_cue_is_found_in_its_examples(cue, examples):
    for example in examples:
        assert cue in cues.cues_in(example), f"{cue!r} not found in {example!r}"


@pytest.mark.parametrize("text,event_type", [
    ("12个项目集中签约", "签约"), ("X项目奠基", "开工"), ("一期工程建成投产", "投产"),
    ("产业园揭牌", "揭牌"), ("今天开园", "开园"), ("竣工验收", "竣工"), ("会议召开", None),
    ("53个外资项目集中签订", "签约"), ("涡阳成功签下6个项目", "签约"), ("双方签署战略合作协议", "签约"),
    ("项目合作协议签署", "签约"), ("签署命令", None), ("二期工程提前3个月建成通车", "竣工"),
    ("通车后车程缩短一半", None), ("12家企业集中入驻", "开园"), ("企业入驻率", None),
])
def test_event_type_in(text, event_type):
    assert cues.event_type_in(text) == event_type
