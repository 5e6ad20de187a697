"""Province / city / district resolution from jionlp's divisions, and park names."""
from extract.places import find_mentions, find_parks, resolve_place, strip_address


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


def test_cross_province_region_has_no_single_province():
    text = "示范区覆盖上海市青浦区、江苏省苏州市吴江区和浙江省嘉兴市嘉善县。"
    assert place(text) == (None, None, None)


def test_park_names_lose_their_address():
    assert strip_address("江苏苏州工业园区") == "苏州工业园区"
    assert strip_address("上海青浦工业园区") == "青浦工业园区"
    assert strip_address("浦东新区张江科学城") == "张江科学城"
    assert strip_address("嘉兴市秀洲区高新技术产业园区") == "秀洲区高新技术产业园区"
    names = [p[2] for p in find_parks("青浦工业园区与江苏苏州工业园区、浙江嘉兴经济技术开发区签约。")]
    assert names == ["青浦工业园区", "苏州工业园区", "嘉兴经济技术开发区"]
