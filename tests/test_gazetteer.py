"""Knowledge of places as data: the name a district had when a page was published, and the name a
park known to the gazetteer is reported under."""
import pytest

from yrdwatch.extract.candidates import Candidate
from yrdwatch.extract.decide import park_name
from yrdwatch.extract.gazetteer import name_then, parks

# (city, district of today, published, text) → the district's name then
NAMES_THEN = [
    ("扬州市", "江都区", "2010-05-31", "", "江都市"),            # 撤市设区 2011-11
    ("扬州市", "江都区", "2012-01-01T08:00:00", "", "江都区"),
    ("南通市", "海门区", "2020-03-18", "", "海门市"),            # 海门市 until 2020-07
    ("南通市", "海门区", "2021-01-05", "", "海门区"),
    ("盐城市", "大丰区", None, "大丰市举行项目集中签约", "大丰市"),  # no date: the name the page writes
    ("盐城市", "大丰区", None, "大丰区举行项目集中签约", "大丰区"),
    ("扬州市", "江都区", None, "", "江都区"),
    ("上海市", "浦东新区", "2005-01-01", "", "浦东新区"),      # 南汇区 merged into it: no rename
    ("上海市", "黄浦区", "2010-01-01", "", "黄浦区"),          # 卢湾区 merged into it
    (None, None, "2010-01-01", "", None),
]


@pytest.mark.parametrize("city,district,published,text,expected", NAMES_THEN)
def test_a_district_has_the_name_it_had_when_the_page_was_published(city, district, published, text, expected):
    assert name_then(city, district, published, text) == expected


def _park(text, known=None):
    return Candidate("park", 0, len(text), text, {}, known=parks()[known] if known else None)


# (name the page writes, the gazetteer entry it matched) → the name reported
PARK_NAMES = [
    ("临港", "临港"),                                    # a bare word: the full name
    ("临港新片区", "临港新片区"),                        # the tail of a zone within a zone
    ("张江", "张江"),
    ("钱江经济开发区", None),                            # no gazetteer entry: as written
]


@pytest.mark.parametrize("written,alias", PARK_NAMES)
def test_a_known_park_is_named_in_full_unless_only_an_address_is_missing(written, alias):
    park = _park(written, alias)
    name = park_name(park, [park])
    if alias in ("临港", "临港新片区"):
        assert name == "中国(上海)自由贸易试验区临港新片区"
    elif alias == "张江":
        assert name == "张江科学城"
    else:
        assert name == written


def test_an_address_in_front_of_a_known_name_is_not_added():
    full = next(p for p in parks().values() if p.name.startswith("浙江杭州") or p.name.startswith("安徽芜湖"))
    tail = full.name[4:]
    assert park_name(_park(tail, full.name), [_park(tail, full.name)]) == tail
