"""The core of a project name (extract.namecore): its parts, and when two spellings in one text are one
project. Rows are real pairs: the sample site's 常熟 page and corpus items (ids in the comments)."""
import pytest

from yrdwatch.extract.namecore import name_parts, one_core


@pytest.mark.parametrize("name, parties, expected", [
    ("特斯拉上海储能超级工厂", (), ("特斯拉储能超级工厂", None, ())),
    ("年产10万吨锂电池材料二期项目", (), ("锂电池材料", "2", ("10",))),
    ("义乌晶澳太阳能科技有限公司年产10GW高效电池项目", ("晶澳太阳能科技有限公司",), ("高效电池", None, ("10",))),
    # a company written in full is taken out whether or not the text names it a party
    ("义乌晶澳太阳能科技有限公司年产10GW高效电池项目", (), ("高效电池", None, ("10",))),
    ("华虹无锡集成电路研发和制造基地(首期)", (), ("华虹集成电路研发和制造基地", "1", ())),
    # a park in front of a name is a place; a park that is the whole name stays its core
    ("常熟高新区新能源汽车电池结构件项目", (), ("新能源汽车电池结构件", None, ())),
    ("海门生物医药产业园二期项目", (), ("生物医药产业园", "2", ())),
    ("广陵开发区丰元仓储智能制造产业园", (), ("丰元仓储智能制造产业园", None, ())),  # y255
])
def test_name_parts(name, parties, expected):
    assert name_parts(name, parties)[:3] == expected


# (name, other name, parties of the text, one project?)
PAIRS = [
    # headline and lead of one story: park on one side, the company and 动力/精密 on the other
    ("常熟高新区新能源汽车电池结构件项目", "江苏锐铂精密科技有限公司新能源汽车动力电池精密结构件项目",
     ("江苏锐铂精密科技有限公司",), True),
    ("常熟高新区新能源汽车电池结构件项目", "江苏锐铂精密科技有限公司新能源汽车动力电池精密结构件项目", (), True),
    ("安徽池州邮政区域分拨中心项目", "邮政区域分拨中心", (), True),  # c022: province and city dropped
    ("衢州钙钛矿太阳能电池产业基地项目", "钙钛矿太阳能电池项目", (), True),  # c101
    ("途虎养车江苏智能运营中心项目", "江苏智能运营中心", (), True),  # y282: the company dropped
    ("铂海能源科技年产3000台移动式能源设备项目", "铂海能源科技移动能源设备项目", (), True),  # y478: capacity once
    ("杭黄高铁片区一平方公里项目", "杭州富春湾新城杭黄高铁片区一平方公里综合开发项目", (), True),  # y452
    ("东久(奉贤)新智造科技产业园项目", "美国华平集团东久新智造科技产业园项目", (), True),  # y043
    ("有丰元仓储智能制造产业园", "广陵开发区丰元仓储智能制造产业园", (), True),  # y255: a word too many in front
    # another phase
    ("合肥南车基地一期项目", "合肥南车基地二期建设项目", (), False),  # y605
    ("大门大桥一期工程", "温州市大门大桥二期工程", (), False),  # y577
    ("汉浩智能设备二期项目", "汉浩智能设备项目", (), False),  # y586
    # another capacity
    ("15万千瓦风能发电厂", "20万千瓦风能电厂", (), False),  # y669
    ("青浦工业园区G-08-06地块项目", "青浦工业园区F-18-09地块项目", (), False),  # y027
    # another company, or another place, with the same words
    ("新加坡能源集团中国总部项目", "德国本特勒集团中国总部项目", ("新加坡能源集团", "德国本特勒集团"), False),  # y043
    ("浙江和心纺织有限公司改建项目", "海宁市绮正纺织有限公司改建项目", (), False),  # y420
    ("苏州新能源电池项目", "合肥新能源电池项目", (), False),
    # look-alike projects of one park or one batch
    ("大妹子休闲食品加工项目", "好口福休闲食品加工项目", (), False),  # y655
    ("顾艺高端家纺面料项目", "宗杰高端纺织面料项目", (), False),  # c046
    ("泗县二中分校项目", "泗县三中分校项目", (), False),  # y587
    ("市东部医疗中心", "西部医疗中心", (), False),  # y103
    ("年产1500万米高档针织服饰面料扩建项目", "年产高档针织服饰60万件技改项目", (), False),  # y421
    # a core too short to tell a project by
    ("东钲物流", "普洛斯物流", ("普洛斯",), False),  # c018
]


@pytest.mark.parametrize("a, b, parties, expected", PAIRS, ids=[f"{a}|{b}" for a, b, _, _ in PAIRS])
def test_one_core(a, b, parties, expected):
    assert one_core(name_parts(a, parties), name_parts(b, parties)) is expected
    assert one_core(name_parts(b, parties), name_parts(a, parties)) is expected
