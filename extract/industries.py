"""Industry labels of an announcement, and the test for names made only of category words.

The labels are a short, closed vocabulary (the sectors Chinese industrial policy names: the
strategic emerging industries and the usual 长三角 cluster names). No installed package ships such
a taxonomy, so it is written out here; each label maps the ways news writes it to one short form.
"""
from __future__ import annotations

import re

from yrdwatch.extract.places import find_mentions

# label → other spellings that mean the same sector (all matched as plain substrings).
INDUSTRY_LABELS: dict[str, tuple[str, ...]] = {
    "人工智能": ("AI产业", "大模型", "算力"),
    "集成电路": ("芯片", "半导体", "微电子", "晶圆", "封测"),
    "新能源汽车": ("新能源车", "电动汽车", "智能网联汽车"),
    "汽车": ("汽车零部件", "整车"),
    "新能源": ("光伏", "风电", "氢能", "储能", "锂电池", "锂离子电池", "动力电池"),
    "新材料": ("先进材料", "化工新材料"),
    "生物医药": ("医药", "创新药", "生物技术"),
    "医疗器械": (),
    "生命健康": ("大健康",),
    "高端装备": ("装备制造", "高端智造"),
    "智能制造": ("智造", "工业互联网"),
    "机器人": ("智能机器人",),
    "数字经济": ("数字产业", "数字化"),
    "新一代信息技术": ("信息技术", "电子信息"),
    "软件和信息服务": ("软件", "信息服务", "云计算"),
    "大数据": ("数据中心",),
    "物联网": (),
    "空天": ("航空航天", "航天", "商业航天", "火箭", "卫星", "北斗", "低空经济"),
    "海洋信息": ("海洋经济", "海洋装备"),
    "节能环保": ("环保", "污水治理", "绿色低碳"),
    "现代物流": ("物流",),
    "光电": ("光电子", "红外探测", "新型显示"),
    "纺织服装": ("纺织",),
    "食品": ("食品科技",),
    "文旅": ("文化旅游",),
    "金融": ("基金", "投融资"),
}
_SPELLINGS = sorted(((s, label) for label, spellings in INDUSTRY_LABELS.items()
                     for s in (label, *spellings)), key=lambda p: -len(p[0]))
_SPELLING = re.compile("|".join(re.escape(s) for s, _ in _SPELLINGS))
_LABEL_OF = dict(_SPELLINGS)
# Lists of sectors: "围绕汽车、新一代信息技术、生命健康、新能源等产业", "涵盖空天产业、人工智能产业".
_SECTOR_LIST = re.compile(r"(?:围绕|聚焦|涵盖|覆盖|布局|主攻|重点发展|发展|深耕|涉及)([^。;:]{2,80}?)(?:等)?(?:产业|领域|行业|项目|赛道)")


def find_industries(text: str, focus: str = "") -> list[str]:
    """Sector labels: those listed in ``focus`` (the event's sentences) and in explicit sector lists
    of ``text`` first, then any other label ``text`` names at least twice."""
    labels: list[str] = []
    for m in _SPELLING.finditer(focus):
        labels.append(_LABEL_OF[m.group(0)])
    for listing in _SECTOR_LIST.finditer(text):
        labels += [_LABEL_OF[m.group(0)] for m in _SPELLING.finditer(listing.group(1))]
    counts: dict[str, int] = {}
    for m in _SPELLING.finditer(text):
        counts[_LABEL_OF[m.group(0)]] = counts.get(_LABEL_OF[m.group(0)], 0) + 1
    labels += [label for label, n in counts.items() if n >= 2]
    labels = [label for label in labels if label != "金融"] or labels  # funds are a vehicle, not a sector
    return list(dict.fromkeys(labels))[:6]


# Words that describe a kind of project rather than name one: "都市工业项目", "人工智能产业项目",
# "特色功能平台", "投融资机构" are categories, "焜原光电扩产项目" is a project.
_CATEGORY_WORDS = ("产业", "工业", "都市", "重大", "重点", "优质", "总部", "基金", "类", "和", "及", "与", "的",
                   "高端", "新兴", "战略性", "先进", "制造业", "服务业", "现代", "特色", "功能", "合作",
                   "招商", "园区", "入驻", "科技", "创新", "研发", "相关", "各类", "一批", "新", "企业",
                   "项目", "机构", "平台", "单位", "主体", "协议", "合同", "产业化", "链主", "龙头",
                   "配套", "重大产业", "制造", "智能", "数字", "绿色", "低碳", "国际", "区域", "市场",
                   "社会", "资本", "民营", "外资", "内资", "签约", "在建", "续建", "新建", "开工", "竣工",
                   "投产", "城市", "基础设施", "民生", "公共服务", "社会事业", "文化", "旅游", "亿元", "万元",
                   "以上", "百亿", "十亿", "超", "前沿", "未来", "引资", "投资", "扩建", "技改", "改造", "安排", "预",
                   "首个", "首批", "入园", "台资", "港资", "侨资", "标志性", "十大", "部分", "其他", "全部", "以下")
_GENERIC = re.compile("(?:" + "|".join(sorted(map(re.escape, _CATEGORY_WORDS + tuple(
    s for s, _ in _SPELLINGS)), key=len, reverse=True)) + ")")
_PERIOD = re.compile(r"[\d一二三四五六七八九十百两数几]+[个家项批]|第?[\d一二三四五六七八九十首]期|\d+|[多余等]|又一|第?[一二三四]季度|季度|上半年|下半年|年度|今年|"
                     r"本年|[春夏秋冬]季|首批|第[一二三四五六七八九十]+批|全(?:市|省|区|县)|“[^”]*”")


# One-character heads of place-like facilities: a place in front makes them a proper name
# ("钱塘生物医药创新港", "上海港"), where "人工智能产业园" alone is a kind of park.
_FACILITY_HEAD = re.compile(r"[港谷城园湾]$")
_PHASED_PROJECT = re.compile(r"(?:第?[\d一二三四五六七八九十]+期)?(?:项目|工程)$")


def is_generic_name(name: str) -> bool:
    """True when ``name`` is only places, periods, slogans, sector and category words ("嘉善县一季度
    重大项目", "29个项目", "“聚力中心化”重大项目", "人工智能产业项目"): a kind of project, not a name."""
    rest = name
    places = find_mentions(name)
    for place in reversed(places):
        rest = rest[:place.start] + rest[place.end:]
    rest = _GENERIC.sub("", _PERIOD.sub("", rest))
    # "海门生物医药产业园二期项目" is the place-named park's project: its phase and 项目 do not hide the head.
    facility = _PHASED_PROJECT.sub("", name)
    if places and rest and _FACILITY_HEAD.search(facility) and facility.endswith(rest):
        return False
    return len(rest) < 2
