"""Hostile and random input never makes the text stages raise (hypothesis)."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yrdwatch.extract.announce import announcements_from_text
from yrdwatch.extract.article import article_from_bytes
from yrdwatch.extract.normalize import analysis_text
from yrdwatch.extract.page import PageError

# Chinese text with the characters the rules care about: amounts, units, event words, punctuation.
PIECES = ["签约", "开工", "投产", "竣工", "揭牌", "开园", "落户", "总投资", "约", "超", "逾", "亿元", "万元", "美元",
          "项目", "个", "月", "日", "年", "、", ",", "。", "(", ")", "“", "”", "江苏省", "苏州市", "工业园区", "日前",
          "其中", "分别是", "包括", "等", "1", "26", "2023", "0.5", "十五", "数十", "?", "發(fā)", "\n"]
chinese_text = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=5)), max_size=80).map("".join)
fuzz = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@fuzz
@given(chinese_text, st.one_of(st.none(), st.text(max_size=30)),
       st.one_of(st.none(), st.sampled_from(["2023-08-07", "2024-01-03T09:00:00", "1999-12-31", "garbage"])))
def test_announcements_from_any_text(text, title, published_at):
    for ann in announcements_from_text(analysis_text(text), title=title, published_at=published_at):
        assert ann.event_type in {"签约", "开工", "投产", "竣工", "揭牌", "开园", "other"}
        assert ann.total_investment_cny is None or ann.total_investment_cny >= 0


@fuzz
@given(st.binary(max_size=3000))
def test_any_bytes_either_read_or_refused_clearly(raw):
    try:
        article_from_bytes(raw)
    except PageError:
        pass


@fuzz
@given(chinese_text)
def test_any_text_page(text):
    try:
        article_from_bytes(("<html><body><h1>标题</h1><p>" + text + "</p></body></html>").encode("utf-8"))
    except PageError:
        pass
