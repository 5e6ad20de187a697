"""Project names as written, from the clauses that report an event and from a few other places.

Names come from these constructions, strongest first:
- the event clause itself: "X项目日前签约落地", "A、B、C等3个项目揭牌", "共签约A、B、C等4个项目";
- a list announced in an event sentence: "其中有A、B、C等", "分别是A、B、C", "具体包括A、B",
  "分别为:A,总投资5亿元;B,……"; projects enumerated one per clause ("一是A项目,……;二是B项目,……");
- a company or fund the parties set up ("合资组建X公司", "设立X基金项目"), or a project introduced
  with its own investment ("X项目总投资50亿元", "总投资30亿元的X项目");
- a facility the text builds ("打造X超级工厂") and elsewhere calls a 项目 ("X项目将……").
Each candidate must look like a name: not a clause, not only category words ("29个项目",
"人工智能产业项目"), and, outside lists, ending the way project names end.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from yrdwatch.extract.industries import is_generic_name
from yrdwatch.extract.normalize import find_mojibake
from yrdwatch.extract.parties import clean_party
from yrdwatch.extract.places import find_parks

_STRENGTH = {"event": 0, "list": 0, "created": 1, "built": 2}


@dataclass
class Name:
    text: str
    start: int  # where the name is written in the body
    source: str  # event | list | created | built (see _STRENGTH)
    owner: str | None = None  # the company written in front of it, one of the parties


# How project and facility names end (hand-written: Chinese naming of projects and facilities).
_NAME_END = re.compile(r"(?:项目|工程|工厂|基地|产业园|园区|园|城|港|谷|中心|总部|研究院|研究所|实验室|公司|"
                       r"生产线|产线|平台|社区|大厦|示范区|开发区|办事处|创新院|孵化器|超级工厂)(?:\([^()]{1,8}\))?$")
# Verbs and adverbs that show a candidate is a piece of clause, not a name.
_CLAUSE_WORDS = re.compile(r"将|是|为了|通过|进行|实现|推动|围绕|提供|打造|形成|具有|已|正在|目前|主要|计划|"
                           r"预计|未来|带动|发挥|包括|其中|成功|引入|引进|一批|分别|有关|举行|举办|召开|启动|宣布|表示|"
                           r"对(?=项目)|共同为|要借|作为|除了|既有|此次|当天|涉及")
# Public services and consumer venues are no investment project, whether named (here) or the
# subject of an event (extract.announce).
PUBLIC_VENUES = (r"医院|分院|院区|学校|中学|小学|幼儿园|养老院|敬老院|景区|乐园|公园|博物馆|图书馆|体育馆|剧院|"
                 r"门店|商场|超市|餐厅|酒店")
_NOT_A_PROJECT = re.compile(PUBLIC_VENUES + r"|仪式|大会|会议|活动|签约|战略合作|合作协议|框架协议|协议|备忘录")
# What stands around a name in an event clause: "X项目日前在上海签约", "随着X于6月21日开园".
_TRAILING = re.compile(r"(?:正式|顺利|成功|隆重|集中|举行|举办|进行|完成|实现|宣布|已经|已|了|全面|战略|合作|"
                       r"共同|同步|现场|并|即|也|均|都|又|再|首次|当日|当天|日前|近日|今天|今日|昨天|昨日|"
                       r"[上下]午|建成|落地|落户|\d{1,2}月\d{1,2}日|在[^、,]{1,20}|于[^、,]{1,20}|(?<=项目|工程)(?:由|作为)[^、,]{1,20})$")
# How many, as news writes it: "16", "十六", "两"; a figure: "22", "15.5", "三十"; and the words that
# qualify an amount ("约", "超", "逾").
_COUNT = r"(?:\d+|[一二三四五六七八九十两]+)"
_FIGURE = r"(?:[\d.]+|[一二三四五六七八九十百千两]+)"
_ABOUT = r"(?:约|超过|超|达|近|逾)"
# How an item of an enumeration starts: "1." "2、" "(3)" "(一)" "二、" "三是".
ENUMERATOR = r"(?:\d{1,2}[.、)]|\(\d{1,2}\)|\([一二三四五六七八九十]{1,2}\)|[一二三四五六七八九十]{1,2}[、是])"
# A dateline ("本报讯(记者 X)", "新华社南京8月7日电") is not part of the first sentence's subject.
_LEADING = re.compile(r"^(?:[^,。]{0,30}?(?:报讯|网讯|社讯|台讯|日讯|日电)\s*(?:\([^()]*\))?|" + ENUMERATOR + "|"
                      r".*(?:会|式|活动|典礼|论坛|节)暨|.*(?:项目|工程)[—\-]+|标志着|"
                      r".{0,10}?(?:选取了|选择了|确定了)|.{0,8}?(?:领导|书记|市长|县长|区长|主任)(?:对|为)|"
                      r"随着|其中|此外|同时|据悉|另外|目前|近期|此次|本次|这次|又有|还有|共有|另有|"
                      r"当天|日前|近日|今天|今日|如今|当前|"
                      r"\d{4}年|\d{1,2}月\d{1,2}日|[上下]午|今年|由|让|使|和|以及|及|与[^、]{1,10}合作的|"
                      r"位于[^、]{1,20}的|(?:总投资|计划投资|投资)[^、的]{1,16}的)")
_LIST_CUE = re.compile(r"其中有|其中包括|具体包括|包括|分别是|分别为|主要有|例如|比如|诸如|的还有")
# "选取了A、B、C等16个项目", "对A项目、B项目等8个开工项目进行汇报": a list closed by a count of projects
# names projects wherever it stands; the words that open it are no part of its first item.
_COUNTED_ITEMS = re.compile(r"(?:^|(?<=[,;。:\n]))([^,;。:\n]{2,300}?、[^,;。:\n]{2,300}?)"
                            rf"(等\s*{_COUNT}\s*个[^,;。、]{{0,8}}?项目)")
_LIST_OPENER = re.compile(r"^.{0,12}?(?:选取了|选取|选择了|确定了|推出了|涉及|对(?=[^、]{4,}))")
# "科技创新平台项目2个,总投资7.5亿元,分别为A和B": projects listed in a sentence of their own.
_PROJECTS_LISTED = re.compile(r"(?:项目|工程)[^。;\n]{0,30}?(?:分别为|分别是|具体包括|包括|主要有)"
                              rf"|(?:项目|工程)\s*{_COUNT}\s*个,(?:即|为|是)")
_CREATED = re.compile(r"(?:设立|组建|成立|注册|新设)([^,;。、:]{2,30}(?:有限公司|股份公司|公司|基金|研究院|总部))")
# "奇瑞新能源汽车零部件产业园项目总投资50亿元", "投资10亿元的X项目": a project introduced by its own investment.
_STATED = re.compile(r"(?:^|[,;。:\n])(?:其中|此外|另外|同时)?,?([^,;。:\n]{3,40}?项目)(?:计划)?(?:总投资|投资总额|投资)"
                     rf"(?:额|规模)?(?:{_ABOUT}|突破)?(?:\d|[一二三四五六七八九十两]?[十百千]?[一二三四五六七八九十两]*[百千万亿])"
                     rf"|(?:计划)?(?:总)?投资{_ABOUT}?{_FIGURE}[亿万]?[^,;。:的]{{0,3}}的"
                     r"([^,;。:\n、]{2,40}?(?:项目|(?=、|等)))")
# "一是储能电池模组项目,总投资12亿元,……;二是……", "1. 年产5GWh钠离子电池项目,由……投资建设,计划总投资22亿元;":
# projects enumerated one per clause or line. Meetings enumerate tasks the same way ("一是加快推进重大项目"),
# hence the directive words.
_ORDINAL = re.compile(rf"(?:^|[。;\n:])\s*{ENUMERATOR}\s*([^,;。:\n]{{3,40}}?(?:项目|工程))(?=[,;。:\n]|$)")
# "高性能碳纤维复合材料项目,计划总投资15.5亿元": a sentence about one project, which it opens.
_LEADS_WITH_INVESTMENT = re.compile(
    rf"(?:^|[。;\n])\s*{ENUMERATOR}?\s*([^,;。:\n]{{3,40}}?(?:项目|工程)),"
    rf"(?=[^。;\n]*?(?:总投资|投资总额|计划投资|投资额|投资)(?:额)?(?:{_ABOUT}|为)?{_FIGURE}\s*[亿万])")
_DIRECTIVE = re.compile(r"要|加快|推进|抓好|做好|强化|加强|确保|全力|持续|深化|提升")
_BUILT = re.compile(r"(?:打造|建设|新建|共建|兴建|投建)([^,;。:]{4,60})")
_AND = re.compile(r"以及|和|及|与")


# "德国博世集团投资10亿欧元建设的X基地", "此次投产的X": what precedes 的 there is the investor
# and the deal, or the event that the text already reported.
_DEAL_BEFORE = re.compile(r"^.*(?:投资|建设|打造|引进|投建|出资|开发|兴建|承建|共建|签约|开工|投产|竣工|揭牌|开园|落户|落地)"
                          r"[^的]*的(?=[^的]{3,})")


def _strip(name: str) -> str:
    """Drop the adverbs, places and times that stand around a name in its clause, and decoding
    debris inside it ("九识自动驾驶?cè)蛑…"), which is no part of any name."""
    junk = find_mojibake(name)
    for span in junk:
        name = name.replace(span, "")
    if junk:  # in a garbled name a lone Latin letter between characters is debris too
        name = re.sub(r"(?<=[\u4e00-\u9fff])[a-z](?=[\u4e00-\u9fff])", "", name)
    previous = None
    while previous != name:
        previous = name
        name = _TRAILING.sub("", _LEADING.sub("", _DEAL_BEFORE.sub("", name.strip(" \"'·:"))))
    if name.startswith("“") and name.endswith("”") and name.count("“") == 1:
        name = name[1:-1]  # a quoted name; quotes inside a name ("苏州三峡“水管家”项目") stay
    return name


# What closes a list: "等N个项目", or a count straight after the last item ("A、B、C3个创新平台揭牌",
# "“A、B”三个项目").
_LIST_TAIL = re.compile(r"(?:等|(?<![\d.])(?=\d+(?:个|家|项|批))|(?<![一二三四五六七八九十两])(?=[一二三四五六七八九十两]+个))"
                        r"[^、]*$")
# "A、B等项目10个", "A等10个项目": a list closed by a count of projects; even one item is then a name.
_COUNTED_LIST = re.compile(rf"等(?:项目\s*{_COUNT}\s*个|\s*{_COUNT}\s*个[^、]{{0,6}}项目)$")
_SECTORS = re.compile(r"等(?:领域|行业|产业|方向|板块|门类)")


_SHARED_HEAD_LEN = 6


def _split_list(text: str) -> list[str]:
    """'A、B、C等3个机构和项目' → [A, B, C]; 'X和Y超级工厂' → [X, Y] only when both are names.
    A list that neither closes with "等N个项目" nor mostly ends like names is not a list of projects
    ("营商环境优化再升级、综合考核结果出炉") and gives nothing."""
    tail = _LIST_TAIL.search(text)
    if tail and tail.start() > 0 and _SECTORS.match(tail.group(0)):
        return []  # "船舶配套、汽车零部件等领域4个项目": sectors, not names
    closed = bool(tail and tail.start() > 0 and re.search(r"项目|机构|企业|平台|中心", tail.group(0)))
    if tail and tail.start() > 0:
        text = text[:tail.start()]
    if text.startswith("“") and text.endswith("”"):
        text = text[1:-1]  # “A、B、C”三个项目
    items = []
    # "以及" only joins items ("A、B以及C等5个项目"); 和/及/与 also join the words of one name.
    for part in [p for chunk in text.split("、") for p in chunk.split("以及")]:
        halves = [_strip(h) for h in _AND.split(part)]
        # "X总部及产业化项目", "X研发总部及生产基地项目": a short half that is only a kind shares the
        # other's head; one project.
        if len(halves) == 2 and len(halves[1]) > _SHARED_HEAD_LEN \
                and all(_NAME_END.search(h) and not is_generic_name(h) for h in halves):
            items += halves
        else:
            items.append(part)
    items = [_strip(item) for item in items]
    named = sum(bool(_NAME_END.search(item)) for item in items)
    return items if len(items) == 1 or closed or 2 * named > len(items) else []


# Names of a batch ("扩大有效投资重大项目", "2023奉贤新城项目", "集中开工的项目") or of a zone projects go
# to ("通州湾示范区", "江阴临港新城"): no single project is called so.
_OUTPUT = re.compile(r"年产(?:能)?[\d.]+\s*[万亿千百]?\s*(?:平方米|吨|台|套|件|片|辆|颗|只|个|条|张|GWh|MWh|GW|MW)?")
_BATCH_OR_ZONE = re.compile(r"(?:重大|重点)(?:产业|建设|工业|制造业|招商)?项目$|的项目$|类项目$|^项目|^(?:19|20)\d{2}(?!\d)|"
                            r"(?<!公司)(?<!工厂)(?:开发区|示范区|新区|集中区|新城|试验区|片区)$")


def is_project_name(name: str, in_list: bool) -> bool:
    """Whether ``name`` can be a project: a list item may be any short proper name ("华为软件开发云"),
    a lone name must end like a project or facility."""
    if not 3 <= len(name) <= 40 or name.endswith("的") or name[0] in "的和与及等,对给向为从把被并该此这":
        return False
    if name.count("“") != name.count("”"):
        return False  # cut out of a longer quotation
    # Money, a date, a count or a superlative make a description; an output ("年产7000平方米") may stay.
    if re.search(r"\d+(?:\.\d+)?\s*(?:[亿万]?元|%|年|月|日|公里|平方米|亩)|最|[\d一二三四五六七八九十百两数几]+[个家项批]",
                 _OUTPUT.sub("", name)):
        return False
    if _CLAUSE_WORDS.search(name) or _NOT_A_PROJECT.search(name) or _BATCH_OR_ZONE.search(name) \
            or is_generic_name(name):
        return False
    return in_list or bool(_NAME_END.search(name))


def find_project_names(body: str, span: tuple[int, int], clause: tuple[int, int],
                       trigger: tuple[int, int], event_type: str) -> list[Name]:
    """Names in one event mention: around the event word, and in a list announced in its clauses."""
    names: list[Name] = []
    before = body[clause[0]:trigger[0]]
    held = list(re.finditer(r"举行|举办", before))
    if held:  # "A与B举行X项目签约仪式", or "X项目在Y举行开工仪式" (but "X开发区举行集中开工活动": X is the host)
        host = _strip(before[:held[-1].start()])
        before = _strip(before[held[-1].end():]) or (host if re.search(r"(?:项目|工程)$", host) else "")
    before = _strip(before)
    if re.search(r"(?:项目|工程)的$", before):
        before = before[:-1]  # "X工程的开工": the event of X, told as a noun
    if before and not before.endswith("的"):
        items = _split_list(before)
        # "A与B签约" names the signers; in a signing only "X项目签约" / "A、B等N个项目" are projects.
        joined = any(clean_party(before[:m.start()]) for m in re.finditer(r"与|同|跟|和", before))
        if not joined and (event_type != "签约" or all(i.endswith("项目") for i in items) or "等" in before):
            names += _names(body, clause[0], items, "event", len(items) > 1 or bool(_COUNTED_LIST.search(before)))
    after = body[trigger[1]:clause[1]]
    # Signings and unveilings name projects after the event word ("共签约A、B等4个项目", "揭牌“A、B”
    # 三个项目"); after 落户/落地 comes the site, after 开工/投产 a new clause, after "签约入驻" the place
    # the signers move into. But any event word may lead a list that ends in a count of projects
    # ("集中开工A、B等项目10个"), or the projects it qualifies ("昨天开工的A项目和B项目").
    qualified = re.match(r"(?:建设)?的", after) is not None
    after = re.sub(r"^(?:了|(?:建设)?的)", "", after)
    if qualified:  # "开工的A项目和B项目总占地面积107亩": the names end at the last 项目
        after = m.group(0) if (m := re.match(r".*(?:项目|工程)", after)) else after
    counted = bool(_COUNTED_LIST.search(after))
    # "落地宝尔特……总成项目": after any event word, a clause ending in 项目 names one.
    named = re.search(r"(?:项目|工程)$", after) is not None
    if (after and (event_type in ("签约", "揭牌") or counted or qualified or named) and not _LIST_CUE.search(after)
            and not re.match(r"仪式|大会|活动|会|现场|当日|当天|入驻|进驻|入园|落户|落地", after)):
        items = _split_list(re.sub(r"\d+个$", "", after))
        names += _names(body, trigger[1], items, "event", len(items) > 1 or counted)
    for cue in _LIST_CUE.finditer(body, span[0], span[1]):
        names += _listed(body, cue.end(), span[1], "list", True)
    return names


def _listed(body: str, start: int, end: int, source: str, in_list: bool) -> list[Name]:
    """The names listed after a cue ("分别为", "包括") at ``start``, up to ``end``."""
    # "分别为:A,总投资5亿元;B,总投资3.2亿元。": one item per semicolon, each leading its clauses.
    stop = body.find("。", start)
    entries = body[start:len(body) if stop < 0 else stop]
    if entries.startswith(":") and ";" in entries:
        return _names(body, start, [_strip(entry.split(",")[0]) for entry in entries[1:].split(";")], source, in_list)
    names = []
    for i, chunk in enumerate(body[start:end].split(",")):
        if i and not re.match(r"和|以及|及|还有", chunk):
            break
        names += _names(body, start, _split_list(chunk), source, in_list)
    return names


# "苏州晶研半导体有限公司12英寸……制造项目": a registered company name in front of a project is
# its owner; the project's own name is what follows.
_OWNER = re.compile(r"^.{2,30}?(?:股份有限公司|有限责任公司|有限公司)")


def _name(text: str, start: int, source: str) -> Name:
    """The name without what stands in front of it: its owner (kept as a party) or its park
    ("滁州经开区年产10GW光伏组件项目"), when what follows is a name of its own."""
    owner = _OWNER.match(text)
    park = next((end for begin, end, _ in find_parks(text) if begin == 0), 0)
    cut = owner.end() if owner else park
    rest = text[cut:]
    if (cut and len(rest) >= 4 and _NAME_END.search(rest) and not rest.endswith("公司")
            and not is_generic_name(rest)):  # "X产业园二期项目" keeps its park: "二期项目" is no name
        return Name(rest, start + cut, source, owner.group(0) if owner else None)
    return Name(text, start, source)


def _names(body: str, base: int, items: list[str], source: str, in_list: bool) -> list[Name]:
    """Name objects for the valid items, each placed where it is written (for ordering)."""
    found, cursor = [], base
    for item in items:
        pos = body.find(item, cursor)
        cursor = pos + len(item) if pos >= 0 else cursor + 1
        if is_project_name(item, in_list):
            found.append(_name(item, pos if pos >= 0 else cursor, source))
    return found


def find_created_names(body: str) -> list[Name]:
    """Companies and funds the parties set up, and built facilities the text also calls a 项目."""
    names = []
    for m in _CREATED.finditer(body):
        name = m.group(1)
        if "的" in name:
            continue  # "成立专门的投资管理公司": a description, not a name
        if "项目" in name[:-2]:
            name = name[:name.index("项目") + 2]  # "天使基金项目基金规模" → "天使基金项目"
        name = _strip(name)
        if is_project_name(name, False):
            names.append(_name(name, m.start(), "created"))
    for m in _ORDINAL.finditer(body):
        name = _strip(m.group(1))
        if is_project_name(name, False) and not _DIRECTIVE.search(name):
            names.append(_name(name, m.start(1), "created"))
    for m in _COUNTED_ITEMS.finditer(body):
        items = _split_list(_LIST_OPENER.sub("", m.group(1)) + m.group(2))
        if len(items) > 1:
            names += _names(body, m.start(1), items, "created", True)
    for m in _PROJECTS_LISTED.finditer(body):
        names += _listed(body, m.end(), sentence_end(body, m.end()), "created", False)
    for m in _LEADS_WITH_INVESTMENT.finditer(body):
        name = _strip(m.group(1))
        if is_project_name(name, False):
            names.append(_name(name, m.start(1), "created"))
    for m in _STATED.finditer(body):
        group = 1 if m.group(1) else 2
        name = _strip(m.group(group))
        # "总投资20亿元的金通储能、总投资10亿元的瑞翔……项目": an item of a list needs no name ending.
        if is_project_name(name, group == 2 and body.startswith(("、", "等"), m.end())):
            names.append(_name(name, m.start(group), "created"))
    for m in _BUILT.finditer(body):
        for item in _split_list(m.group(1)):
            here = body.find(item, m.start())
            if is_project_name(item, False) and "的" not in item and _called_a_project(body, item, here):
                names.append(_name(item, here, "built"))
    return names


def _called_a_project(body: str, name: str, here: int) -> bool:
    """True when the facility is itself called a 项目, or its stem is called a 项目 elsewhere
    ("打造汾湖智造星舰超级工厂" … "汾湖智造星舰项目将……"); "建设长三角示范区" is no project."""
    if re.search(r"项目(?:\([^()]*\))?$", name):
        return True
    stem = _NAME_END.sub("", name)
    shortest = max(4, round(0.6 * len(stem)))
    return any(body.find(stem[:n] + "项目") not in (-1, here) for n in range(len(stem), shortest - 1, -1))


def _key(name: str) -> str:
    return re.sub(r"[\s“”\"'·、,:()\-—&的]", "", name)


def same_project(a: str, b: str) -> bool:
    """Two spellings of one project: one contains most of the other, "X项目" names the start of
    "X超级工厂", or they differ in a character or two ("星舰"/"星艦" leftovers, "的")."""
    a, b = _key(a), _key(b)
    short, long_ = sorted((a, b), key=len)
    if not short:
        return False
    if short in long_ and len(short) / len(long_) >= 0.6:
        return True
    stem = short[:-2] if short.endswith("项目") else short
    if len(stem) >= 4 and long_.startswith(stem):
        return True
    if re.findall(r"[\d一二三四五六七八九十]+期", a) != re.findall(r"[\d一二三四五六七八九十]+期", b):
        return False
    # The quick ratios are upper bounds of ratio(): most pairs are told apart without computing it.
    matcher = SequenceMatcher(None, a, b)
    return matcher.real_quick_ratio() >= 0.8 and matcher.quick_ratio() >= 0.8 and matcher.ratio() >= 0.8


def merge_names(names: list[Name]) -> list[Name]:
    """One entry per project, keeping the spelling of the strongest, earliest source."""
    kept: list[Name] = []
    for name in sorted(names, key=lambda n: (_STRENGTH[n.source], n.start)):
        if not any(same_project(name.text, k.text) for k in kept):
            kept.append(name)
    return sorted(kept, key=lambda n: n.start)


def sentence_start(body: str, pos: int) -> int:
    """Where the sentence holding ``pos`` starts (after 。, ; or a line break)."""
    return max(body.rfind(c, 0, pos) for c in "。;\n") + 1


def sentence_end(body: str, pos: int) -> int:
    """Where the sentence holding ``pos`` ends (at 。, ; or a line break, else the end of the body)."""
    return min((i for i in (body.find(c, pos) for c in "。;\n") if i >= 0), default=len(body))
