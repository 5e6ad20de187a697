"""announcements_from_text on made-up but realistic paragraphs, and on the labelled seeds."""
import json
from pathlib import Path

import pytest

from extract.announce import announcements_from_text
from extract.normalize import analysis_text

SHARED = Path(__file__).resolve().parents[2] / "shared"


def extract(text, published_at=None, title=None):
    return announcements_from_text(analysis_text(text), title=analysis_text(title) if title else None,
                                   published_at=published_at)


def names(announcements):
    return [p.name for a in announcements for p in a.projects]


def test_groundbreaking_in_hefei_ignores_output_value():
    anns = extract("5月18日，总投资50亿元的合肥长鑫二期12英寸晶圆项目在合肥经济技术开发区开工。"
                   "该项目由合肥产投集团与长鑫存储技术有限公司共同投资建设，达产后年产值超100亿元。",
                   published_at="2023-05-19")
    head = anns[0]
    assert (head.event_type, head.event_date) == ("开工", "2023-05-18")
    assert (head.province, head.city, head.district) == ("安徽省", "合肥市", None)
    assert head.park == "合肥经济技术开发区"
    assert (head.total_investment_cny, head.investment_qualifier) == (5_000_000_000, None)
    assert names(anns) == ["合肥长鑫二期12英寸晶圆项目"]
    assert head.parties == ["合肥产投集团", "长鑫存储技术有限公司"]
    assert "集成电路" in head.industries


def test_production_start_in_ningbo_keeps_dollars():
    anns = extract("近日，总投资2.5亿美元的日本东丽高性能纤维项目在宁波北仑区正式投产。"
                   "项目达产后预计年销售收入15亿元。", published_at="2023-09-15")
    head = anns[0]
    assert (head.event_type, head.event_date) == ("投产", "2023-09")
    assert (head.province, head.city, head.district) == ("浙江省", "宁波市", "北仑区")
    assert (head.total_investment_cny, head.currency) == (250_000_000, "USD")
    assert names(anns) == ["日本东丽高性能纤维项目"]


def test_completion_in_pudong():
    anns = extract("6月28日，位于上海市浦东新区张江科学城的张江人工智能创新中心项目顺利竣工。"
                   "项目总投资约18亿元，总建筑面积12万平方米，将吸引200家人工智能企业入驻。",
                   published_at="2023-06-29")
    head = anns[0]
    assert (head.event_type, head.event_date) == ("竣工", "2023-06-28")
    assert (head.province, head.city, head.district) == ("上海市", "上海市", "浦东新区")
    assert head.park == "张江科学城"
    assert (head.total_investment_cny, head.investment_qualifier) == (1_800_000_000, "约")
    assert names(anns) == ["张江人工智能创新中心项目"]


def test_signing_ceremony_with_count_and_list():
    anns = extract("3月10日，苏州工业园区举行重大项目集中签约仪式，现场签约项目32个，总投资超过300亿元，"
                   "涵盖生物医药、纳米技术应用、人工智能等领域。签约项目包括信达生物全球研发中心、"
                   "三星半导体封测扩产项目、微软苏州研发中心三期等。", published_at="2023-03-11")
    head = anns[0]
    assert (head.event_type, head.event_date, head.project_count) == ("签约", "2023-03-10", 32)
    assert (head.province, head.city, head.park) == ("江苏省", "苏州市", "苏州工业园区")
    assert (head.total_investment_cny, head.investment_qualifier) == (30_000_000_000, "超")
    assert names(anns) == ["信达生物全球研发中心", "三星半导体封测扩产项目", "微软苏州研发中心三期"]


def test_yesterday_and_stated_exchange_rate():
    anns = extract("昨天上午，美国康宁公司投资1.5亿美元（约合人民币10.5亿元）的康宁合肥光纤预制棒项目"
                   "在合肥高新区正式投产。", published_at="2024-01-05")
    head = anns[0]
    assert (head.event_type, head.event_date) == ("投产", "2024-01-04")
    assert (head.total_investment_cny, head.currency) == (1_050_000_000, None)
    assert names(anns) == ["康宁合肥光纤预制棒项目"]


def test_traditional_signing_between_company_and_government():
    anns = extract("6月15日，寧德時代與溧陽市人民政府簽署投資協議，寧德時代將在溧陽投資建設"
                   "江蘇時代動力及儲能鋰離子電池研發與生產項目（四期），項目總投資120億元。",
                   published_at="2023-06-16")
    head = anns[0]
    assert (head.event_type, head.event_date) == ("签约", "2023-06-15")
    assert (head.province, head.city, head.district) == ("江苏省", "常州市", "溧阳市")
    assert head.total_investment_cny == 12_000_000_000
    assert head.parties == ["宁德时代", "溧阳市人民政府"]
    assert names(anns) == ["江苏时代动力及储能锂离子电池研发与生产项目(四期)"]


def test_two_events_in_one_ceremony():
    anns = extract("1月3日上午，上海临港新片区举行2023年重大项目集中签约暨开工仪式，43个项目集中签约，"
                   "总投资约520亿元；32个项目集中开工，总投资超过300亿元。", published_at="2023-01-04")
    assert [(a.event_type, a.project_count, a.total_investment_cny) for a in anns] == [
        ("签约", 43, 52_000_000_000), ("开工", 32, 30_000_000_000)]
    assert anns[1].event_date == "2023-01-03"


@pytest.mark.parametrize("text", [
    # economic statistics
    "今年1-6月，长三角三省一市实现地区生产总值14.6万亿元，同比增长5.8%。其中，江苏新开工亿元以上项目"
    "1850个，完成投资8200亿元；浙江省重大项目完成投资超5000亿元，安徽省新签约项目总投资3000亿元。",
    # a meeting and a framework agreement, a fund
    "长三角地区主要领导座谈会在合肥召开。会议强调，要加快建设长三角生态绿色一体化发展示范区，共建世界级产业集群。"
    "会上，三省一市签署了《长三角地区共同推进数字经济发展合作协议》，并发布了总规模1000亿元的产业投资基金。",
    # tourism
    "五一假期，长三角各大景区迎来客流高峰。上海迪士尼乐园接待游客超过10万人次，苏州园林门票收入达1.2亿元；"
    "黄山风景区开园首日接待游客3万人次。",
    # hospitals
    "“红房子医院”青浦分院竣工，将于6月启用；吴江区中医医院新院正式启用，新院总投资12亿元，设置床位800张。",
    "复旦大学附属华山医院临港院区正式开业，总投资20亿元，设置床位600张。",
    # a forum's framework agreements
    "长三角一体化发展高层论坛在芜湖举行。论坛期间，三省一市签署了《长三角地区加快推进产业链供应链协同合作协议》"
    "等12项合作协议。",
    # an anniversary
    "位于苏州工业园区的三星半导体工厂投产20年来，累计产值超过3000亿元。",
    # health services and a park award
    "今年以来，合肥市家庭医生签约服务覆盖率达到45%。苏州工业园区获评国家级绿色工业园区，园区规上工业总产值达6000亿元。",
    # policy
    "嘉兴市出台《关于支持长三角产业园区高质量发展的若干政策》，对新落户的总投资10亿元以上制造业项目，"
    "最高给予1亿元奖励；对项目开工建设给予用地保障。",
    # plans, not events
    "记者从南京市江北新区获悉，总投资100亿元的某芯片厂扩产项目近日获批，预计明年一季度开工建设。",
    # a past event mentioned in passing, and a stray headline line from a link list
    "苏州工业园区一家企业负责人表示，公司去年投产的新生产线运行良好，今年营收有望突破10亿元。\n"
    "浙江宁波：总投资50亿元的新材料项目开工",
])
def test_regional_news_that_announces_nothing(text):
    assert extract(text, published_at="2023-07-20") == []


def _seed_cases():
    labels = SHARED / "seeds" / "labels"
    return sorted(labels.glob("*.json")) if labels.is_dir() else []


@pytest.mark.skipif(not _seed_cases(), reason="shared seed articles not available")
@pytest.mark.parametrize("label_path", _seed_cases(), ids=lambda p: p.stem)
def test_seed_headline(label_path):
    gold = json.loads(label_path.read_text(encoding="utf-8"))
    raw = (SHARED / "seeds" / "articles" / f"{label_path.stem}.txt").read_text(encoding="utf-8")
    anns = extract(raw, published_at=gold["published_at"])
    assert bool(anns) == gold["is_announcement"]
    head = anns[0]
    assert head.event_type == gold["event_type"]
    for key in ("province", "city", "district", "total_investment_cny", "project_count"):
        if gold.get(key) is not None:
            assert getattr(head, key) == gold[key], key
    if gold["published_at"] and gold.get("event_date"):
        assert head.event_date.startswith(gold["event_date"])
