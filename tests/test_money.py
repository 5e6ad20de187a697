"""Money figures, their kinds (investment or distractor) and project counts."""
import pytest

from yrdwatch.extract.money import find_amounts, find_counts, parse_amount, parse_number, yi_text


def kinds(text):
    return [(a.value, a.currency, a.qualifier, a.kind) for a in find_amounts(text)]


def test_parse_amount_units_and_currencies():
    assert parse_amount("约260亿元") == (26_000_000_000, None)
    assert parse_amount("4000万美元") == (40_000_000, "USD")
    assert parse_amount("54.4亿美金") == (5_440_000_000, "USD")  # 美金: the everyday word for US dollars
    assert parse_amount("1.5亿欧元") == (150_000_000, "EUR")
    assert parse_amount("3,000万元") == (30_000_000, None)
    assert parse_amount("百亿元") == (10_000_000_000, None)
    assert parse_amount("总建筑面积100万平方米") is None


def test_parse_number_chinese_numerals():
    assert parse_number("十五") == 15
    assert parse_number("三百") == 300
    assert parse_number("1,200.5") == 1200.5


def test_investment_words_make_totals():
    assert kinds("该项目总投资约260亿元,将打造") == [(26_000_000_000, None, "约", "total")]
    assert kinds("累计签约金额164亿元,涵盖") == [(16_400_000_000, None, None, "total")]
    assert kinds("涉及投资约154亿元;") == [(15_400_000_000, None, "约", "total")]
    assert kinds("预计将投资200亿元对汾湖") == [(20_000_000_000, None, None, "investment")]
    assert kinds("总投资50多亿元") == [(5_000_000_000, None, "逾", "total")]
    assert kinds("总投资20余亿元") == [(2_000_000_000, None, "逾", "total")]
    assert kinds("总投资逾十亿元") == [(1_000_000_000, None, "逾", "total")]


def test_vague_figures_are_no_amount():
    assert kinds("将带动上下游配套企业投资数十亿元") == []
    assert kinds("总投资几十亿元") == []


def test_distractors_are_not_investment():
    assert kinds("有望实现年销售额300亿元,") == [(30_000_000_000, None, None, "other")]
    assert kinds("预计可产生200亿元产值、20亿元税收。") == [
        (20_000_000_000, None, None, "other"), (2_000_000_000, None, None, "other")]
    assert kinds("未来2-3年贡献产出超过100亿元。") == [(10_000_000_000, None, "超", "other")]
    assert kinds("设立天使基金项目基金规模3亿元,") == [(300_000_000, None, None, "other")]
    assert kinds("园区或将形成 500 亿产出规模") == [(50_000_000_000, None, None, "other")]
    assert kinds("带动企业在梁溪形成投资百亿规模") == [(10_000_000_000, None, None, "other")]
    assert kinds("精达股份拟发不超11.26亿可转债") == [(1_126_000_000, None, None, "other")]


def test_foreign_currency_kept_unless_a_rate_is_stated():
    assert kinds("总投资1.2亿美元的项目") == [(120_000_000, "USD", None, "total")]
    assert kinds("总投资5000万美元(折合人民币约3.6亿元)的项目") == [(360_000_000, None, "约", "total")]


@pytest.mark.parametrize("text, counted", [
    ("现场集中签约29个项目,累计", [(29, "项目", "29个")]),
    ("共签订9项合作协议,", [(9, "协议", "9项")]),
    ("签约项目共计12个", [(12, "项目", "项目共计12个")]),
    ("共签约十五个项目", [(15, "项目", "十五个")]),
    ("丁蜀镇5只重点项目集中奠基", [(5, "项目", "5只")]),
    ("宜兴44只项目集中签约", [(44, "项目", "44只")]),
    ("砀山县8家企业集中签约", [(8, "企业", "8家")]),
    ("杭州经济开发区十大工业项目集中开工", [(10, "项目", "十大")]),
    ("亳州两项目现场签约", [(2, "项目", "两")]),
    ("开工的重点项目共26个,其中工业项目16个", [(26, "项目", "项目共26个"), (16, "项目", "项目16个")]),
    ("本次集中签约的项目有70个", [(70, "项目", "项目有70个")]),
    ("开工竣工项目达42个", [(42, "项目", "项目达42个")]),
    ("具体到每一个基础设施项目", []),
    ("计划2023年新建100万千瓦生产线", []),
    ("1号项目已经投产", []),
    ("引进一批企业", []),
    ("宝山区一批重大项目集中启动", []),
    ("四批次项目集中签约", []),
])
def test_counts(text, counted):
    assert [(c.n, c.noun, text[c.start:c.end]) for c in find_counts(text)] == counted


@pytest.mark.parametrize("amount, qualifier, currency, shown", [
    (2_000_000_000, "约", None, "约20亿元"),
    (52_000_000, None, "CNY", "0.52亿元"),
    (250_000_000, None, "USD", "2.5亿美元"),
    (123_456_789_012, "超", None, "超1,234.5679亿元"),
    (None, "约", None, None),
])
def test_every_amount_is_shown_in_yi_of_its_own_currency(amount, qualifier, currency, shown):
    assert yi_text(amount, qualifier, currency) == shown
