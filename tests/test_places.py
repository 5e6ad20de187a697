"""Province / city / district resolution from jionlp's divisions, and park names."""
import pytest

from yrdwatch.extract.places import find_mentions, find_parks, is_abbreviation, resolve_place, strip_address


def place(text):
    return resolve_place(find_mentions(text))


def test_site_beats_ceremony_place():
    text = ("某项目日前在上海签约落地。项目位于江苏汾湖高新技术产业开发区,"
            "由苏州市吴江区人民政府与一家央企共同打造。")
    assert place(text) == ("江苏省", "苏州市", "吴江区")


def test_municipality_and_county_level_city():
    assert place("青浦工业园区位于上海市青浦区,青浦区委书记出席。") == ("上海市", "上海市", "青浦区")
    assert place("常熟·绿洲芯城位于常熟市辛庄镇内,是苏州市重要产业项目。") == ("江苏省", "苏州市", "常熟市")


def test_everyday_words_are_not_counties():
    # 合作 (甘肃合作市), 南部 (四川南部县), 通道 (湖南通道县) are words here.
    assert place("无锡市梁溪区加强合作,南部通道建设加快,梁溪科技城发展迅速。") == ("江苏省", "无锡市", "梁溪区")
    # 新平 (云南新平县) inside 创新平台: a short name that straddles two words is no mention.
    assert place("浦东新区3个创新平台揭牌,创新平台将服务企业。") == ("上海市", "上海市", "浦东新区")


def test_a_zone_is_a_park_not_a_district():
    # jionlp lists 合肥高新技术产业开发区 under 合肥市 with the generic alias 高新区; the contract
    # gives zones to `park`, so the city is known and the district is not.
    assert place("项目位于合肥高新区,合肥高新区已集聚企业300余家。") == ("安徽省", "合肥市", None)
    assert place("项目在苏州工业园区开工建设。") == ("江苏省", "苏州市", None)
    assert place("项目落户蜀山区,合肥高新区也有两个项目开工。") == ("安徽省", "合肥市", "蜀山区")


def test_short_name_said_as_the_site_beats_an_investors_home():
    text = "昆山开发区与台湾宏光股份有限公司签约,项目落户昆山开发区。昆山是台资企业集中的地区。"
    assert place(text) == ("江苏省", "苏州市", "昆山市")


def test_origin_and_neighbours_are_not_the_site():
    text = "8个项目落户嘉善县,其中来自上海的项目5个。嘉善毗邻上海,承接上海产业外溢,与上海高校合作。"
    assert place(text) == ("浙江省", "嘉兴市", "嘉善县")


def test_cross_province_region_has_no_single_province():
    text = "示范区覆盖上海市青浦区、江苏省苏州市吴江区和浙江省嘉兴市嘉善县。"
    assert place(text) == (None, None, None)


def test_park_names_lose_their_address():
    assert strip_address("江苏苏州工业园区") == "苏州工业园区"
    assert strip_address("上海青浦工业园区") == "青浦工业园区"
    assert strip_address("浦东新区张江科学城") == "张江科学城"
    assert strip_address("嘉兴市秀洲区高新技术产业园区") == "秀洲区高新技术产业园区"
    assert strip_address("南京江宁经济技术开发区") == "江宁经济技术开发区"  # a city before its own county
    assert strip_address("苏州高铁新城") == "苏州高铁新城"
    names = [p[2] for p in find_parks("青浦工业园区与江苏苏州工业园区、浙江嘉兴经济技术开发区签约。")]
    assert names == ["青浦工业园区", "苏州工业园区", "嘉兴经济技术开发区"]


def test_park_abbreviations():
    assert is_abbreviation("江宁开发区", "江宁经济技术开发区")
    assert is_abbreviation("合肥高新区", "合肥高新技术产业开发区")
    assert is_abbreviation("松江经开区", "松江经济技术开发区")
    assert not is_abbreviation("江宁开发区", "江北开发区")
    assert not is_abbreviation("苏州工业园", "苏州工业园区")  # a different ending is another name


def test_a_city_wide_batch_with_two_counties_named_alike_has_no_district():
    from yrdwatch.extract.places import find_mentions, resolve_place
    text = "宿迁市重大项目集中开工，沭阳县开工24个项目，泗阳县开工20个项目，全市总投资300亿元。"
    assert resolve_place(find_mentions(text)) == ("江苏省", "宿迁市", None)


# text → (province, city, district): the monitored region, venues in brackets, a delegation's trip
HOME_AND_VENUES = [
    # 西湖区 is 杭州's and 南昌's: here, 杭州's
    ("转塘科技园区项目在西湖区开工。", ("浙江省", "杭州市", "西湖区")),
    # 朝阳 (辽宁朝阳市) in 朝阳产业 weighs less than a district here
    ("锡山区举行项目集中签约,朝阳产业项目占多数。", ("江苏省", "无锡市", "锡山区")),
    # a division only elsewhere still wins a page that names nothing here
    ("项目位于新疆维吾尔自治区乌鲁木齐市。", ("新疆维吾尔自治区", "乌鲁木齐市", None)),
    # "阜宁(上海)推介会": held in 上海, for 阜宁's projects
    ("阜宁(上海)新特产业投资推介会举行。阜宁县签约项目30个。", ("江苏省", "盐城市", "阜宁县")),
    # "高邮赴昆山举办推介会": 昆山 is where the delegation went
    ("高邮赴昆山举办农业招商推介会,12个项目签约,落户高邮。", ("江苏省", "扬州市", "高邮市")),
    # 长兴: 湖州's 长兴县, or 崇明's 长兴镇 (长兴岛) — whichever place the page otherwise names
    ("上海市崇明区长兴岛上,长兴产业园区项目开工。长兴是上海的海洋装备岛。", ("上海市", "上海市", "崇明区")),
    ("长兴县举行项目签约,长兴与上海客商签约。", ("浙江省", "湖州市", "长兴县")),
    # 丹阳 (also 丹阳镇 of 马鞍山): with nothing else named, the county
    ("丹阳举行项目签约,丹阳10个项目开工。", ("江苏省", "镇江市", "丹阳市")),
    # 金乡 is 苍南县's 金乡镇 here, not 山东金乡县
    ("项目落户金乡,温州市苍南县金乡镇签约。", ("浙江省", "温州市", "苍南县")),
    # 宜兴 beside 宜兴市 is the county itself and weighs fully against the venue 上海
    ("宜兴在上海举行洽谈会,宜兴市签约项目44个,宜兴高新区、宜兴经开区,上海客商。", ("江苏省", "无锡市", "宜兴市")),
]


@pytest.mark.parametrize("text,expected", HOME_AND_VENUES)
def test_home_region_and_venues(text, expected):
    assert place(text) == expected


def test_an_address_is_only_division_names():
    from yrdwatch.extract.places import is_address
    assert is_address("浙江杭州") and is_address("南京") and is_address("上海市浦东新区")
    assert not is_address("中国(上海)自由贸易试验区") and not is_address("")


def test_zones_with_names_of_their_own_are_parks():
    names = [p[2] for p in find_parks("项目落户瓯江口产业集聚区,与乌镇互联网创新发展综合试验区合作。")]
    assert names == ["瓯江口产业集聚区", "乌镇互联网创新发展综合试验区"]


# text → the park names find_parks reads in it: a name's shape, its edges and what is no park
PARK_SHAPES = [
    ("15个虹桥商务区2020年首批项目", ["虹桥商务区"]),              # a count's unit is no part of the name
    ("11月8日金义综合保税区开工", ["金义综合保税区"]),              # nor a date's
    ("五个新城首批重大项目", []),                                  # a count of parks, no park
    ("无锡国际会议中心暨经开区", []),                              # 暨 joins two names: "经开区" alone is none
    ("项目落户西湖区转塘科技园区。", ["转塘科技园区"]),            # 园区 after 科技园: one name
    ("中新昆承湖园区开工", ["中新昆承湖园区"]),
    ("南京江北新区、浦东新区和台州湾新区", ["南京江北新区", "台州湾新区"]),  # 浦东新区 is a district
    ("落户灌云县临港产业区", ["临港产业区"]),
    ("姑苏区北部经济区", ["北部经济区"]),
    ("杭州高新区(滨江)萧山特别合作园揭牌", ["杭州高新区", "萧山特别合作园"]),  # no half bracket
    ("苏州工业园区与入驻园区的企业", ["苏州工业园区"]),            # a zone jionlp lists is still a park
]


@pytest.mark.parametrize("text,expected", PARK_SHAPES)
def test_park_shapes(text, expected):
    assert [name for _, _, name in find_parks(text)] == expected
