"""Hostile strings (control characters, non-characters, huge digit runs, 亿元 bombs, form feeds,
random Unicode, Chinese with numbers) never make extraction raise, never reach the stored text, and
never give an amount beyond 10万亿元: through the library, and through `yrdwatch extract --json`."""
import json
import os
import subprocess
import sys

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from yrdwatch.extract.article import article_from_bytes, text_stage
from yrdwatch.extract.decode import _UNWANTED, clean_characters
from yrdwatch.extract.money import MAX_PLAUSIBLE, find_amounts, parse_number
from yrdwatch.extract.page import PageError

from conftest import ROOT

UNWANTED = {*range(0x20), 0x7F, *range(0x80, 0xA0), *range(0xFDD0, 0xFDF0)} - {0x09, 0x0A, 0x0D}
control = st.text(st.characters(max_codepoint=0x9F, exclude_characters="<>&"), max_size=6)
noncharacter = st.sampled_from(["\ufffe", "\uffff", "\ufdd0", "\U0001fffe", "\U0010ffff", "\x1b", "\x0c", "\x0b"])
reference = st.sampled_from(["&#27;", "&#xFFFE;", "&#x1b;", "&#0000001;", "&#12;", "&#129;", "&#150;", "&#xD800;",
                             "&#99999999999;", "&#65535"])
digit_run = st.integers(300, 400).map(lambda n: "9" * n)
yi_bomb = st.sampled_from(["亿", "万亿", "亿元", "千亿", "万"]).flatmap(lambda unit: st.integers(1, 400).map(
    lambda n: "总投资" + "9" * min(n, 40) + unit * (n % 50 + 1) + "元"))
random_unicode = st.text(st.characters(exclude_categories=("Cs",)), max_size=20)
PIECES = ["苏州工业园区", "签约", "开工", "投产", "总投资", "约", "超", "亿元", "万元", "美元", "个项目", "2024年",
          "5月1日", "来源：", "新华社", "。", "，", "\n", "<h1>", "</h1>", "1", "260", "0.5", "十五", "数十"]
cjk_numbers = st.lists(st.one_of(st.sampled_from(PIECES), st.integers(0, 10 ** 30).map(str)), max_size=12).map("".join)
hostile = st.lists(st.one_of(control, noncharacter, reference, digit_run, yi_bomb, random_unicode, cjk_numbers),
                   min_size=1, max_size=4).map("".join)
quick = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def as_page(text: str, index: int) -> bytes:
    """Every tenth input as an HTML page with the string in the headline and the body, else as
    text (trafilatura's HTML path costs ten times more, and the library tests cover it half the time)."""
    if index % 10:
        return text.encode()
    return f"<html><head><title>{text[:40]}</title></head><body><h1>{text[:80]}</h1><p>{text}</p></body></html>".encode()


def assert_clean(article) -> None:
    page = article.page
    for value in (page.text, page.title or "", page.outlet or "", article.analysis_text):
        assert not {ord(c) for c in value} & UNWANTED, value
    for announcement in article.announcements:
        amounts = [announcement.total_investment_cny, *(p.investment_cny for p in announcement.projects)]
        assert all(a is None or 0 <= a <= MAX_PLAUSIBLE * 1000 for a in amounts)


@quick
@given(hostile, st.sampled_from([0, 1]))
def test_hostile_string_read_or_refused_clearly(text, index):
    try:
        article = article_from_bytes(as_page(text, index), content_type="text/plain" if index else "text/html")
    except PageError:
        return
    assert_clean(article)


@quick
@given(hostile)
def test_text_stage_never_raises(text):
    for announcement in text_stage(clean_characters(text), title=text[:30], published_at="2024-05-01"):
        assert announcement.total_investment_cny is None or announcement.total_investment_cny <= MAX_PLAUSIBLE * 1000


def test_numbers_too_long_or_too_large_are_no_amounts():
    assert parse_number("9" * 400) is None  # float() would be infinite (OverflowError in round)
    assert find_amounts("总投资99999999999999999999亿元") == []  # 1e28 yuan: beyond SQLite's integers
    assert find_amounts("总投资" + "9" * 400 + "亿元") == []
    assert [a.value for a in find_amounts("总投资12万亿元，其中一期260亿元")] == [26_000_000_000]  # 1.2e13 > 10万亿
    assert [a.value for a in find_amounts("总投资9.5万亿元")] == [9_500_000_000_000]


def test_control_characters_and_references_are_stripped_where_the_page_is_read():
    raw = ("<html><body><h1>苏州\x0c工业园区重大项目签约</h1><p>来源&#27;：新华社</p>"
           "<p>2024年5月1日，苏州工业园区举行重大项目&#xFFFE;签约仪式\x1b，共签约15个项目，总投资260亿元&#150;。</p>"
           "</body></html>").encode()
    article = article_from_bytes(raw)
    assert article.page.title == "苏州 工业园区重大项目签约"  # a form feed separates words
    assert article.page.outlet == "新华社"
    assert "举行重大项目签约仪式，共签约15个项目，总投资260亿元–。" in article.page.text  # &#150; is cp1252's dash
    assert clean_characters("a\tb\nc\r\n&#60;&#x41;") == "a\tb\nc\r\n&#60;&#x41;"  # markup references untouched


def test_every_code_point_is_cleaned_as_the_table_says():
    # clean_characters finds unwanted characters with a pattern made from the table, not the table itself
    every = "".join(map(chr, range(0x110000)))
    assert clean_characters(every) == every.translate(_UNWANTED)


def _hostile_examples(count: int) -> list[str]:
    found: list[str] = []

    @settings(max_examples=count, deadline=None, derandomize=True, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(hostile)
    def collect(text):
        found.append(text)

    collect()
    return [found[i % len(found)] for i in range(count)]


def test_extract_json_prints_one_line_per_input_for_2000_hostile_inputs(tmp_path):
    paths = []
    for index, text in enumerate(_hostile_examples(2000)):
        path = tmp_path / f"{index:04d}.{'txt' if index % 10 else 'html'}"
        path.write_bytes(as_page(text, index))
        paths.append(path.name)
    paths.append("missing.html")  # an input that cannot be read still gets its line
    result = subprocess.run([sys.executable, "-m", "yrdwatch", "extract", "--json", *paths], cwd=tmp_path,
                            capture_output=True, text=True, timeout=600, env={**os.environ, "PYTHONPATH": str(ROOT)})
    lines = result.stdout.splitlines()
    assert len(lines) == 2001, result.stderr[-3000:]
    records = [json.loads(line) for line in lines]
    assert [r["input"] for r in records] == paths
    assert "Traceback" not in result.stderr
    assert records[-1]["error"].startswith("FileNotFoundError") and result.returncode == 1
    assert all(r["error"].startswith("PageError") for r in records[:-1] if "error" in r)  # no extractor bug
    read = [r for r in records if "error" not in r]
    assert len(read) > 500  # about half are read as articles, the rest refused as PageError
    for record in read:
        assert not {ord(c) for c in record["text"]} & UNWANTED
        assert all((a["total_investment_cny"] or 0) <= MAX_PLAUSIBLE * 1000 for a in record["announcements"])
