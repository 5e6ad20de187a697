"""The learned decisions: the shipped model loads, matches the features it was trained with, and
training is deterministic; every decision changes what the rules alone say on a page made for it."""
from __future__ import annotations

import json
import sys
import urllib.request
from pathlib import Path

import pytest

from yrdwatch.extract.article import article_from_bytes, article_from_page
from yrdwatch.extract.decide import FEATURES_VERSION, MODEL_PATH, Model, default_model
from yrdwatch.extract.page import read_text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))


def test_the_shipped_model_loads_and_is_for_these_features():
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert data["features_version"] == FEATURES_VERSION
    assert isinstance(default_model(), Model)
    assert MODEL_PATH.stat().st_size < 1_000_000


def test_a_model_for_other_features_is_refused():
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    data["features_version"] = FEATURES_VERSION + 1
    with pytest.raises(ValueError, match="retrain"):
        Model.from_dict(data)


def test_training_twice_gives_the_same_file():
    pytest.importorskip("sklearn")
    import corpus
    import learning

    reads = learning.read_items(corpus.load(corpus.LABELLED, "labelled")[:25])
    assert learning.dump(learning.fit(reads)) == learning.dump(learning.fit(reads))


STORY = ("某区8个重大项目集中签约 总投资56亿元\n"
         "3月8日上午,某区举行重大项目集中签约仪式,8个项目集中签约,总投资56亿元。"
         "签约项目包括智能装备产业园项目、新能源电池总部基地项目等。"
         "据悉,今年以来全区累计签约项目42个,总投资达310亿元。")


def test_the_model_reads_a_batch_story():
    article = article_from_page(read_text(STORY))
    head = article.announcements[0]
    assert head.event_type == "签约"
    assert head.total_investment_cny == 5_600_000_000 and head.project_count == 8
    names = {p.name for p in head.projects}
    assert {"智能装备产业园项目", "新能源电池总部基地项目"} <= names


def test_rules_alone_remain_available():
    rules = article_from_page(read_text(STORY), model=None)
    assert rules.announcements and rules.announcements[0].event_type == "签约"


def test_a_year_to_date_review_announces_nothing():
    review = ("今年以来某区项目建设综述\n"
              "今年以来,某区累计签约项目42个,总投资310亿元,新开工项目18个,项目建设跑出加速度。"
              "截至目前,已投产项目9个。下一步,全区将持续推进项目建设。")
    assert article_from_page(read_text(review)).announcements == []


# The rules give 江宁区 (named twice, once in the lead); the projects are spread over the city.
CITY_WIDE = ("南京12个重大项目集中开工 总投资86亿元\n"
             "5月6日,南京市重大项目集中开工仪式举行。江宁区智能电网产业园项目、浦口区生物医药基地项目等"
             "12个项目集中开工,总投资86亿元。江宁区负责人表示,将全力做好服务保障。")
ONE_DISTRICT = ("溧水区新能源装备项目开工 总投资20亿元\n"
                "5月6日,新能源装备制造基地项目在南京市溧水区开工,项目落户溧水经济开发区,总投资20亿元。")


def test_a_city_wide_batch_has_no_district_and_a_single_site_has_its_own():
    city_wide = article_from_page(read_text(CITY_WIDE)).announcements[0]
    assert (city_wide.city, city_wide.district) == ("南京市", None)
    one = article_from_page(read_text(ONE_DISTRICT)).announcements[0]
    assert (one.city, one.district) == ("南京市", "溧水区")


def test_a_project_written_two_ways_is_one_project_with_its_amount(sample_server):
    # headline "常熟高新区新能源汽车电池结构件项目", lead "江苏锐铂精密科技有限公司新能源汽车动力电池精密结构件项目"
    url = sample_server.base_url + "/suzhou/szyw/202409/t20240926_721058.shtml"
    with urllib.request.urlopen(url) as response:
        article = article_from_bytes(response.read(), url=url)
    [head] = article.announcements
    assert [(p.name, p.investment_cny) for p in head.projects] == [
        ("江苏锐铂精密科技有限公司新能源汽车动力电池精密结构件项目", 1_560_000_000)]


@pytest.mark.parametrize("title,lead,present,absent", [
    # a site's name as title: the lead's event stands in for the headline's
    ("上海招商网资讯中心", "10月26日,普陀区政府同漕河泾开发区签署战略合作协议,双方将一起开发建设科技城。",
     {"p:lead_event=签约", "p:untitled_lead_event=签约"}, {"p:lead_plan"}),
    # a headline that names the event: the lead's event is not asked to stand in
    ("X项目开工", "4月16日,盱眙县举行南汽锻造项目开工仪式。", {"p:lead_event=开工"}, {"p:untitled_lead_event=开工"}),
    # a plan before the event makes the lead a plan; a tally makes it statistics
    ("天天看点", "项目计划于年底前开工建设。", {"p:lead_plan"}, set()),
    ("要闻", "前7月全市新签约亿元以上项目175个。", {"p:lead_statistics"}, set()),
    # the lead's words: a progress report says so in them ("了解到", "全部开工"), as far as 60 characters
    ("全省第一批集中开工我市63个重大项目全部开工", "记者近日从市发改委了解到,我市63个重大项目已经全部开工。",
     {"p:lead_bigram=了解", "p:lead_bigram=全部"}, set()),
    ("X项目开工", "4月16日," + "很" * 70 + "长。", {"p:lead_bigram=很很"}, {"p:lead_bigram=很长"}),
])
def test_the_page_decision_reads_the_lead(title, lead, present, absent):
    from yrdwatch.extract.candidates import sentences_of
    from yrdwatch.extract.decide import page_features
    body = f"{title}\n{lead}"
    features = set(page_features(body, title, sentences_of(body), []))
    assert present <= features and not (absent & features), features
