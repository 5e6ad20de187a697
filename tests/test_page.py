import json

import pytest

from extract.boilerplate import cut_boilerplate
from extract.page import PageError, read_html, read_text
from extract.normalize import strip_pinyin_ruby

from conftest import SEED_ARTICLES, shared_path

SEEDS = sorted(SEED_ARTICLES.glob("*.txt"))


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem[:3])
def test_seed_text_metadata_and_boilerplate(path):
    labels = json.loads(shared_path("seeds", "labels", path.stem + ".json").read_text(encoding="utf-8"))
    page = read_text(path.read_text(encoding="utf-8"))
    assert (page.published_at or "")[:10] == (labels["published_at"] or "")
    assert page.outlet == labels["outlet"]
    for marker in labels["boilerplate_markers"]:
        assert strip_pinyin_ruby(marker) not in page.text
    assert page.script == ("simplified" if labels["script"] == "simplified" else "traditional")
    assert "(fā)" not in page.text


def test_seed_title_line_is_the_title():
    page = read_text((SEED_ARTICLES / "002_5b33a394898bd0f2.txt").read_text(encoding="utf-8"))
    assert page.title.startswith("助推“產業耦合”")
    assert not page.text.startswith("來源")


def test_cut_boilerplate_keeps_paragraphs_that_only_mention_markers():
    text = ("园区负责人介绍，相关阅读材料已发放给入驻企业，关键词是服务。\n"
            "项目总投资约20亿元，建成后年产值30亿元。\n"
            "责任编辑：张三\n上一篇：某某新闻标题\n")
    kept = cut_boilerplate(text)
    assert "相关阅读材料已发放" in kept and "年产值30亿元" in kept
    assert "责任编辑" not in kept and "上一篇" not in kept


def test_cut_boilerplate_drops_a_trailing_bulleted_headline_list():
    body = "项目总投资约20亿元，主要建设智能装备生产线，预计明年投产，达产后年产值可观。" * 2
    text = body + "\n- 标题一条\n- 标题二条\n- 标题三条"
    assert cut_boilerplate(text) == body


def test_read_html_title_date_outlet():
    html = """<html><head><meta charset="utf-8"><title>某区重大项目集中开工_某区人民政府</title></head>
    <body><div class="nav"><a href="/">首页</a></div><h1>某区重大项目集中开工</h1>
    <div class="info">发布时间：2023-06-21 09:19　来源：某区融媒体中心</div>
    <div class="content"><p>6月21日上午，某区举行重大项目集中开工仪式，共有12个项目集中开工，总投资约85亿元。</p>
    <p>此次开工项目涵盖新能源汽车零部件、集成电路等领域，建成后将进一步壮大先进制造业集群。</p></div>
    <div class="related"><h3>相关阅读</h3><ul><li><a href="/a">无关新闻一</a></li></ul></div></body></html>"""
    page = read_html(html.encode("utf-8"))
    assert page.title == "某区重大项目集中开工"
    assert page.published_at == "2023-06-21T09:19:00"
    assert page.outlet == "某区融媒体中心"
    assert "总投资约85亿元" in page.text and "无关新闻" not in page.text


@pytest.mark.parametrize("raw", [b"", b"\x00\x01\x02binary" * 100, b"<html><body></body></html>"])
def test_unreadable_pages_raise_page_error(raw):
    with pytest.raises(PageError):
        read_html(raw)
