from yrdwatch.extract.normalize import analysis_text, detect_script, find_mojibake, strip_pinyin_ruby, to_simplified

from conftest import SEED_ARTICLES


def test_strip_pinyin_ruby_removes_readings_and_keeps_real_parentheses():
    assert strip_pinyin_ruby("發(fā)布時(shí)間") == "發布時間"
    assert strip_pinyin_ruby("長（zhǎng）三角") == "長三角"  # full-width brackets too
    assert strip_pinyin_ruby("綠地(蘇州)高科技產業有限公司") == "綠地(蘇州)高科技產業有限公司"
    assert strip_pinyin_ruby("人工智能(AI)產業") == "人工智能(AI)產業"
    assert strip_pinyin_ruby("建設(2023)年") == "建設(2023)年"
    assert strip_pinyin_ruby("什麼(me)") == "什麼"  # toneless syllable right after a character


def test_ruby_after_mojibake_is_removed():
    assert strip_pinyin_ruby("儀式?,F(xiàn)場") == "儀式?,F場"


def test_analysis_text_is_simplified_without_ruby_and_folded():
    assert analysis_text("總投資約260億（yì）元，") == "总投资约260亿元,"


def test_detect_script():
    traditional = (SEED_ARTICLES / "002_5b33a394898bd0f2.txt").read_text(encoding="utf-8")
    simplified = (SEED_ARTICLES / "003_4632641b07faa0c9.txt").read_text(encoding="utf-8")
    assert detect_script(traditional) == "traditional"
    assert detect_script(simplified) == "simplified"
    assert detect_script(to_simplified(traditional)) == "simplified"


def test_mojibake_is_flagged_not_hidden():
    text = strip_pinyin_ruby((SEED_ARTICLES / "004_2a77f842b42bd0aa.txt").read_text(encoding="utf-8"))
    spans = find_mojibake(text)
    assert any(s.startswith("?,F") for s in spans)
    assert len(spans) >= 2
    assert find_mojibake("有哪些新進展?示范區執委會介紹") == []  # a real question mark
