"""The words the learned decisions look for, named once, each with phrases it must and must not match.

These vocabularies are this project's own knowledge of how Chinese regional news writes about
projects. They do not decide anything by themselves: ``yrdwatch.extract.candidates`` turns them into
features, and the weights of those features are learned from the labelled corpus
(``yrdwatch.extract.decide``). ``tests/test_cues.py`` runs every example below.
"""
from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass

from yrdwatch.extract.announce import EVENT, EVENT_WORDS  # noqa: F401 - EVENT: every event word, fast


@dataclass(frozen=True)
class Vocabulary:
    pattern: re.Pattern
    matches: tuple[str, ...]  # phrases it must find something in
    ignores: tuple[str, ...]  # phrases it must find nothing in


def _vocab(pattern: str, matches: tuple[str, ...], ignores: tuple[str, ...]) -> Vocabulary:
    return Vocabulary(re.compile(pattern), matches, ignores)


# How names of projects and facilities end.
NAME_HEADS = ("项目", "工程", "基地", "中心", "工厂", "超级工厂", "产业园", "总部", "研究院", "生产线", "产线",
              "综合体", "实验室", "智造园", "科创园", "工业园", "孵化器", "创新港", "产业港", "电站", "码头")

VOCABULARIES: dict[str, Vocabulary] = {
    # A count, a sum or a rate over a period: statistics, not one occasion.
    "statistics": _vocab(
        r"今年以来|年以来|开年(?:以来|至今)|截至|截止|至今|累计|同比|环比|去年同期|前[一二三四]季度|[上下]?半年(?!的)|"
        r"\d{1,2}\s*(?:-|—|–|~|至|到)\s*\d{1,2}月|(?<![提之])前\d{1,2}个?月|(?:\d+|[一二三四五六七八九十]+)年来|全年|完成投资|"
        r"(?:开工|投产|竣工|签约|履约)率|增长\d|下降\d|"
        # the earlier batches of a year's programme ("前三批开工动员项目共235个"), not today's
        r"前[两二三四五六七八九十\d]{1,2}批|"
        # a tally of new projects over a period: "新签约项目76个", "新开工亿元以上项目871个"
        r"新(?:签约|开工|竣工|投产)[^,;。]{0,10}?项目\s*\d+",
        ("今年以来全区签约项目56个", "开年至今新开工项目12个", "截至目前已落地项目30个", "1—6月签约", "开工率达90%",
         "前7月阜阳市新签约亿元以上项目175个", "盐城半年签约121个重大产业项目", "十年来泰州靖江新开工项目871个",
         "滁州新签约项目76个", "阜阳2023年前三批开工动员项目共235个"),
        ("12月5日,10个项目集中签约", "总投资50亿元的X项目开工", "经过半年的艰苦奋战",
         "比原定计划提前3个月建成通车", "新签约的X项目落户园区", "第四批开工动员项目83个", "首批项目")),
    # A plan, a wish, a schedule: the event has not happened.
    "plan": _vocab(
        r"将|预计|计划(?!总?投资)|拟|有望|力争|争取|筹备|年内|年底前|下一步|未来|确保|推进",
        ("项目预计明年投产", "力争年底前开工", "拟于9月签约"),
        ("项目计划总投资20亿元", "10个项目集中签约")),
    # "除A、B外": the projects named there are excluded from the batch.
    "except": _vocab(
        r"除(?:了)?[^,。;]{2,60}?(?:外|以外|之外)",
        ("除A项目、B项目外,其余8个项目均已开工", "除了上述两个项目之外"),
        ("签约项目包括A、B", "除夕前开工")),
    # Names of a batch, a category or a kind, which no single project is called.
    "generic_name": _vocab(
        r"^(?:重大|重点|产业|签约|开工|投产|竣工|新建|续建|该|此|这|本|上述|这些|一批|多个|首个|首批|部分|其余)"
        r"|(?:类|批|个|些)项目$|^[\d一二三四五六七八九十两]+个",
        ("重大项目", "这些项目", "产业类项目", "3个项目", "首批项目"),
        ("宁德时代新能源电池项目", "“在水一方”项目")),
    # What a page about progress, plans, reviews or meetings says of itself.
    "not_news_of_an_event": _vocab(
        r"观摩|调度|督查|督导|推进会|推进计划|清单|名单|工作报告|综述|回眸|盘点|考察|调研|座谈|推介会|"
        r"进度|加速度|主体封顶|封顶|在建|计划表|目标|任务|排名|百强",
        ("全市重大项目观摩活动", "2022年重点项目清单发布", "项目建设跑出加速度", "政府工作报告"),
        ("10个项目集中签约", "X项目今天开工")),
}
STATISTICS = VOCABULARIES["statistics"].pattern
NOT_NEWS_OF_AN_EVENT = VOCABULARIES["not_news_of_an_event"].pattern
PLAN = VOCABULARIES["plan"].pattern
EXCEPT = VOCABULARIES["except"].pattern
GENERIC_NAME = VOCABULARIES["generic_name"].pattern

# Role cues: words in the clause before a candidate that say what it is. A feature each, weighed
# by the model; the examples show what each cue stands for.
ROLE_CUES: dict[str, tuple[str, ...]] = {
    "总投资": ("计划总投资50亿元", "项目总投资12亿元"),
    "投资总额": ("投资总额约8亿元",),
    "协议投资": ("协议投资额30亿元",),
    "计划投资": ("计划投资10亿元",),
    "固定资产投资": ("固定资产投资5亿元",),
    "一期": ("一期投资3亿元",),
    "首期": ("首期投资2亿元",),
    "年度": ("年度计划投资8亿元",),
    "产值": ("达产后年产值20亿元",),
    "销售": ("年销售收入15亿元",),
    "营收": ("营收突破100亿元",),
    "税收": ("年税收1亿元",),
    "注册资本": ("注册资本1亿元",),
    "基金": ("基金规模50亿元",),
    "合同": ("合同金额3亿元",),
    "累计": ("累计完成投资20亿元",),
    "今年以来": ("今年以来签约项目总投资100亿元",),
    "共": ("共签约项目12个", "共计投资"),
    "合计": ("合计投资20亿元",),
    "集中": ("集中签约项目8个",),
    "其中": ("其中工业项目5个",),
    "包括": ("签约项目包括A、B",),
    "分别": ("分别是A、B",),
    "如": ("如X项目",),
    "签约": ("现场签约X项目",),
    "开工": ("集中开工X项目",),
    "投产": ("正式投产",),
    "此次": ("此次签约的12个项目",),
    "这": ("这62个项目",),
    "超": ("总投资超10亿元",),
    "约": ("总投资约5亿元",),
}
_ROLE_CUE = re.compile("|".join(sorted(ROLE_CUES, key=len, reverse=True)))

EVENT_PATTERNS = [(t, re.compile(p)) for t, p in EVENT_WORDS]  # (type, pattern) of each event vocabulary


@lru_cache(maxsize=8192)
def cues_in(text: str) -> tuple[str, ...]:
    """The role cues written in ``text``, in order, each once."""
    return tuple(dict.fromkeys(_ROLE_CUE.findall(text)))


def event_type_in(text: str) -> str | None:
    """The type of the first event word in ``text``."""
    best = None
    for event_type, pattern in EVENT_PATTERNS:
        m = pattern.search(text)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), event_type)
    return best[1] if best else None
