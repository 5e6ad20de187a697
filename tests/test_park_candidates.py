"""Park candidates: the spellings the gazetteer resolves, the county's own zone, and the features
that say whose batch a page reports."""
import pytest

from yrdwatch.extract.candidates import sentences_of
from yrdwatch.extract.gazetteer import known_spelling
from yrdwatch.extract.models import Announcement, Project
from yrdwatch.extract.park_candidates import park_candidates

# a park's name as written → the spelling the gazetteer lists (None: a park it does not know)
SPELLINGS = [
    ("温岭经济开发区", "温岭经济开发区"),
    ("温岭市经济开发区", "温岭经济开发区"),    # the county written in full is its address
    ("郎溪县经济开发区", "郎溪经济开发区"),
    ("钱江世纪城", "钱江世纪城"),
    ("无锡光电新材料科技园", None),
]


@pytest.mark.parametrize("written,listed", SPELLINGS)
def test_the_gazetteer_reads_a_county_written_in_full(written, listed):
    found = known_spelling(written)
    assert (found[0] if found else None) == listed


def _candidates(text, title, **head):
    rules = [Announcement("开工", **head)]
    return park_candidates(text, len(title), sentences_of(text), rules)


def test_the_county_zone_named_by_its_kind_is_the_county_own():
    text = "全椒县6个重点项目集中开工\n6个重点项目在县经济开发区一起开工。"
    names = [c.text for c in _candidates(text, "全椒县6个重点项目集中开工", province="安徽省", city="滁州市",
                                         district="全椒县", project_count=6)]
    assert names == ["全椒经济开发区"]
    # a city's zone is not the county's
    assert not _candidates("项目在市经济开发区开工。", "", province="安徽省", city="滁州市", district="全椒县")


def test_the_headline_says_whose_batch_it_is():
    county = "泗阳县18个重大产业项目集中开工\n仪式在泗阳经济开发区举行。"
    park = "泗阳经济开发区18个重大产业项目集中开工\n仪式在泗阳经济开发区举行。"
    place = dict(province="江苏省", city="宿迁市", district="泗阳县", project_count=18)
    assert all("k:title=division" in c.features for c in _candidates(county, county.split("\n")[0], **place))
    assert all("k:title=this_park" in c.features for c in _candidates(park, park.split("\n")[0], **place))
    assert "k:venue&batch=>15" in _candidates(county, county.split("\n")[0], **place)[0].features


def test_a_park_word_inside_a_project_name_is_marked():
    text = "浦东32个项目开工\n张江人工智能岛二期开工。"
    rules = [Announcement("开工", province="上海市", city="上海市", projects=[Project("张江人工智能岛二期")])]
    found = park_candidates(text, 9, sentences_of(text), rules)
    assert [c.text for c in found] == ["张江"] and "k:inside_a_name" in found[0].features
