import json

import lxml.html
import pytest

from yrdwatch.extract.boilerplate import cut_boilerplate, is_meta_line, strip_header_furniture
from yrdwatch.extract.maintext import article_score, choose, html_to_text, is_layout_table, unwrap_layout_tables
from yrdwatch.extract.page import PageError, read_html, read_text
from yrdwatch.extract.normalize import strip_pinyin_ruby

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


@pytest.mark.parametrize("credits", ["编辑：王芳", "(编辑：文静)", "【编辑:刘欢】 返回首页", "校对：李明 审核：张强"])
def test_cut_boilerplate_ends_the_article_at_its_production_credits(credits):
    body = "项目总投资约20亿元，主要建设智能装备生产线和研发中心，达产后年产值可观，带动就业千人以上。\n编辑部门负责人表示，项目将于年内投产。"
    assert cut_boilerplate(body + "\n" + credits + "\n来源：某某发布") == body


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


# --- boilerplate: footers, share bars, pagers, empty table rows -------------------------------------------

BODY = "6月21日上午，某区举行重大项目集中开工仪式，共有12个项目集中开工，总投资约85亿元。\n" \
       "此次开工项目涵盖新能源汽车零部件、集成电路等领域，建成后将进一步壮大先进制造业集群。"


@pytest.mark.parametrize("footer", [
    "Copyright © 2000 - 2024 HE.NEWS.CN All Rights Reserved.",
    "某某日报报业集团 版权所有，未经许可不得转载",
    "苏ICP备12345678号-1",
    "原创版权禁止商业转载 授权>>",
    "转载申请事宜以及报告非法侵权行为，请联系我们：010-12345678",
    "“特别声明：以上内容(如有图片或视频亦包括在内)为自媒体平台用户上传并发布，本平台仅提供信息存储服务。",
    "声明：本网力求信息真实、准确，文章提及内容仅供参考，不构成投资建议。",
    "某某网版权与免责声明：",
])
def test_cut_boilerplate_ends_the_article_at_the_site_footer(footer):
    assert cut_boilerplate(BODY + "\n" + footer + "\n制作单位：某某网络公司\n举报电话：12345") == BODY


def test_cut_boilerplate_keeps_sentences_that_only_mention_copyright():
    text = BODY + "\n法院审理查明，被告未经授权转载原告作品300余篇，侵犯了原告的信息网络传播权。\n该作品的版权所有人为某出版社。"
    assert cut_boilerplate(text) == text


@pytest.mark.parametrize("tail", ["分享让更多人看到", "热门评论", "网友评论仅供其表达个人看法", "【打印】 【关闭】",
                                  "（更多内容请继续关注 某某网）", "| 相关报道 |"])
def test_cut_boilerplate_cuts_share_bars_and_comment_boxes(tail):
    assert cut_boilerplate(BODY + "\n" + tail + "\n- 评论\n某网友：说得好") == BODY


def test_cut_boilerplate_drops_pagers_and_empty_table_rows_but_keeps_number_rows():
    text = "|  |  |  |\n|---|---|\n" + BODY + "\n第1页/共1页\n<< 上一页 | 下一页 >>\n[1] [2] [3]\n| 1 | 2 | 3 |"
    assert cut_boilerplate(text) == BODY + "\n| 1 | 2 | 3 |"


# --- boilerplate: what sits between the headline and the first sentence ----------------------------------

@pytest.mark.parametrize("line", [
    "2022.01.20 16:31", "来源：河南日报客户端", "来源:上海奉贤", "发表时间：", "当前位置：洛阳",
    "来源：太原晚报 2021-11-25 16:26:07", "报纸网 |发布: 2021-1-29 13:18|点击: 313|来自: 互联网",
    "2005年8月25日（来源：上海证券报）", "| http://www.sina.net 2005年03月21日 11:21 《理财周刊》 |",
    "时间：2004年10月21日14:18 作者：郭励弘", "【字体：大 中 小】", "您所在的位置：",
])
def test_is_meta_line(line):
    assert is_meta_line(line)


@pytest.mark.parametrize("line", [
    "新华社北京5月19日电（刘艺、杨吉）", "记者：你通过什么渠道最快的获取这些信息？", "2023年6月21日，某区举行开工仪式。",
    "17种产品、1个园区入选国家绿色制造名单", "来源：" + "长" * 90,
])
def test_is_meta_line_leaves_text_alone(line):
    assert not is_meta_line(line)


def test_strip_header_furniture_drops_metadata_tools_and_the_repeated_headline_only_above_the_body():
    text = ("突发！新疆地震\n    2024-05-20 16:25:01\n来源:上海奉贤\n首页 > 新闻 >\n点击右上角微信好友\n朋友圈\n"
            "【新春走基层】\n" + BODY + "\n时间：2023年6月21日 9:00\n来源：某区融媒体中心")
    kept = strip_header_furniture(text, title="突发！新疆地震")
    assert kept == "【新春走基层】\n" + BODY + "\n时间：2023年6月21日 9:00\n来源：某区融媒体中心"
    assert strip_header_furniture(text).startswith("突发！新疆地震\n【新春走基层】")  # no title given: the headline stays


# --- maintext: two extractors, one cleaning, the better article ------------------------------------------

def test_layout_tables_are_told_from_data_tables():
    layout = lxml.html.fromstring("<table><tr><td><table><tr><td>菜单</td></tr></table></td></tr></table>")
    long_cell = lxml.html.fromstring("<table><tr><td>" + "正文内容。" * 70 + "</td></tr></table>")
    menu = lxml.html.fromstring('<table><tr><td><a href="/">首页</a></td><td><a href="/n">新闻</a></td><td>|</td></tr>'
                                '<tr><td><a href="/s">体育</a></td><td><a href="/e">娱乐</a></td><td>|</td></tr></table>')
    strip = lxml.html.fromstring("<table><tr><td>版权与免责声明</td><td>联系我们</td></tr></table>")
    column = lxml.html.fromstring("<table><tr><td>标题一</td></tr><tr><td>标题二</td></tr></table>")
    rows = "<tr><th>项目名称</th><th>总投资（亿元）</th></tr><tr><td>智能装备产业园</td><td>20</td></tr>"
    data = lxml.html.fromstring(f"<table>{rows}</table>")
    assert all(is_layout_table(t) for t in (layout, long_cell, menu, strip, column))
    assert not is_layout_table(data)
    tree = lxml.html.fromstring(f"<div><table><tr><td>{'正文内容。' * 70}<table>{rows}</table></td></tr></table></div>")
    assert unwrap_layout_tables(tree)
    assert [el.tag for el in tree.iter()] == ["div", "div", "div", "div", "table", "tr", "th", "th", "tr", "td", "td"]
    assert not unwrap_layout_tables(data)


def test_html_to_text_writes_a_line_per_block_and_per_table_row():
    fragment = lxml.html.fromstring("<div><p>第一段。</p>文字<br>第二行<table><tr><td>项目</td><td>20亿元</td></tr></table>"
                                    "<script>var x;</script><p>第三段。</p></div>")
    assert html_to_text(fragment) == "第一段。\n文字\n第二行\n| 项目 | 20亿元 |\n第三段。"


def test_article_score_counts_sentences_and_charges_furniture():
    sentence = "某区举行重大项目集中开工仪式，共有12个项目集中开工，总投资约85亿元。"
    assert article_score(sentence) == len(sentence)
    assert article_score("项目开工。") == 0  # a caption-length sentence counts for neither side
    assert article_score(sentence + "\n首页 新闻 体育") == len(sentence) - len("首页新闻体育")


def test_choose_takes_readability_only_when_it_is_the_better_article_and_agrees():
    a = "某区举行重大项目集中开工仪式，共有12个项目集中开工，总投资约85亿元。"
    b = "此次开工项目涵盖新能源汽车零部件、集成电路等领域，建成后将壮大先进制造业集群。"
    junk = "首页 | 新闻 | 体育 | 娱乐"
    assert choose(a + "\n" + junk, a) == a  # the same sentences without the menu
    assert choose(a, a + "\n" + b) == a + "\n" + b  # a paragraph trafilatura missed
    assert choose(a, a + "\n" + junk) == a  # readability is no better
    other = "网友热议某明星新剧，称剧情跌宕起伏、演员演技在线，值得一看再看，期待后续更新。" * 2
    assert choose(a, other) == a  # a different block, however long: no agreement
    assert choose(a, a + "\n" + other * 4) == a  # the article inside a much larger block (comments)
    assert choose(a, "") == a


LAYOUT_PAGE = """<html><head><meta charset="utf-8"><title>某区智能装备产业园项目签约_某某网</title></head><body>
<table><tr><td><table><tr><td><a href="/">首页</a></td><td><a href="/news">新闻</a></td><td><a href="/sports">体育</a></td>
<td><a href="/ent">娱乐</a></td><td><a href="/fin">财经</a></td></tr></table></td></tr>
<tr><td><h1>某区智能装备产业园项目签约</h1>
<div>2023-06-21 09:19 来源：某区融媒体中心</div>
<div class="content">6月21日，某区与某集团签约智能装备产业园项目，项目总投资约20亿元，主要建设智能装备生产线及研发中心。
<p>项目建成后预计年产值30亿元，新增就业岗位1200个，将进一步壮大当地高端装备制造产业集群。</p>
<p>签约仪式上，双方表示将加快推进项目落地，力争年内开工建设，明年实现部分投产。</p></div>
<div>分享到：微信 微博</div></td>
<td><table><tr><td><a href="/1">热点新闻一则标题</a></td></tr><tr><td><a href="/2">热点新闻二则标题</a></td></tr></table></td></tr>
<tr><td>Copyright © 2023 某某网 版权所有 苏ICP备12345678号</td></tr></table></body></html>"""


def test_read_html_on_a_table_layout_page_keeps_the_article_and_nothing_else():
    page = read_html(LAYOUT_PAGE.encode("utf-8"))
    assert page.text.startswith("6月21日，某区与某集团签约智能装备产业园项目")  # text before the first <p> too
    assert "年产值30亿元" in page.text and "明年实现部分投产" in page.text
    for junk in ("首页", "热点新闻", "分享到", "版权所有", "来源：", "|"):
        assert junk not in page.text
    assert page.outlet == "某区融媒体中心" and page.published_at == "2023-06-21T09:19:00"


def test_read_html_keeps_a_data_table():
    html = f"""<html><head><meta charset="utf-8"><title>重大项目集中开工</title></head><body><h1>重大项目集中开工</h1>
    <div class="content"><p>{BODY}</p><table><tr><th>项目名称</th><th>总投资（亿元）</th></tr>
    <tr><td>智能装备产业园</td><td>20</td></tr><tr><td>集成电路封测基地</td><td>35</td></tr></table>
    <p>据介绍，上述项目计划于明年年底前全部建成投产，达产后预计年产值超百亿元。</p></div></body></html>"""
    text = read_html(html.encode("utf-8")).text
    assert "智能装备产业园 | 20" in text and "集成电路封测基地 | 35" in text


def test_real_pages_body_quality():
    """The real Chinese news pages in ../shared: mean bigram F1 of the main text against the ground truth."""
    from collections import Counter
    fixtures = shared_path("fixtures", "real-html")

    def grams(text):
        text = "".join((text or "").split())
        return Counter(text[i:i + 2] for i in range(len(text) - 1))

    scores = []
    for gold_path in sorted(fixtures.glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        if not gold.get("body"):
            continue
        p, g = grams(read_html(gold_path.with_suffix(".html").read_bytes()).text), grams(gold["body"])
        common = sum((p & g).values())
        scores.append(2 * common / (sum(p.values()) + sum(g.values())) if common else 0.0)
    assert sum(scores) / len(scores) >= 0.95
