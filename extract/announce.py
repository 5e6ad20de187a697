"""Announcements of new projects in an article's analysis text.

An announcement is a reported event — a signing, a groundbreaking, a start of production, a
completion, an unveiling, an opening — that concerns identifiable projects. The text is cut into
sentences and comma clauses; a clause holding an event word is a *mention* when it reports the
event as having happened (not "预计于12月开工", not "2017年签订", not "今年以来新开工120个项目").
Mentions of one event type form one announcement, and the clauses each mention owns supply its
date, money, project count and project names. A page whose mentions carry no project at all (no
name, no count, no investment) is not an announcement.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from yrdwatch.extract.industries import find_industries
from yrdwatch.extract.models import Announcement, Project
from yrdwatch.extract.dates import DateParts, date_in_text, long_before, reference_date
from yrdwatch.extract.money import Amount, find_amounts, find_counts
from yrdwatch.extract.parties import find_parties
from yrdwatch.extract.gazetteer import name_then
from yrdwatch.extract.places import find_mentions, find_parks, is_abbreviation, is_zone, resolve_place
from yrdwatch.extract.tables import tables_as_sentences
from yrdwatch.extract.investments import project_investments
from yrdwatch.extract.projects import PUBLIC_VENUES, Name, find_created_names, find_project_names, merge_names

# The event vocabulary. Hand-written because it *is* the definition of what the crawler tracks.
# Inside one clause a specific event outranks 落户/落地 ("签约落地", "落户并签约").
EVENT_WORDS: tuple[tuple[str, str], ...] = (
    # 签订 and 签下 name a signing by themselves ("53个项目集中签订", "成功签下6个项目"); 签署 needs
    # what is signed, before or after it ("签署战略合作协议", "项目合作协议签署").
    ("签约", r"签约|签订|签下|签署[^,;。]{0,24}?(?:协议|合同|备忘录|意向书)|(?:协议|合同|备忘录)签署"),
    # The lookarounds keep out words that merely contain an event word: 展开工作, 拉动工业, 开业务;
    # "开竣工" is a start and a completion.
    ("开工", r"(?<![展打])开(?:工(?![作资具])|(?=竣工))|奠基(?![人者石])|(?<![拉推带驱发启调变劳流运])动工(?![业作具资程])|"
             r"(?<!展)开建(?!设)|破土|启动建设|(?:建设|施工)(?:正式|全面)?启动"),
    ("投产", r"投产|试生产|(?<![测尝考])试产(?![品业])|投入生产|投运"),
    # a road is finished when it opens to traffic ("提前3个月建成通车"); a bare 通车 may be a lane's
    ("竣工", r"竣工|完工|落成|建成投用|(?:建成|全线|正式|顺利|实现)通车"),
    ("揭牌", r"揭牌|挂牌成立"),
    # a park opens when its first firms move in together ("迎来12家企业集中入驻")
    ("开园", r"(?<![打展])开园|(?<!展)开业(?!务)|开馆|(?:集中|集体)入驻"),
    ("other", r"落户|落地(?!的)"),
)
EVENT_ALTERNATION = "|".join(f"(?P<e{i}>{p})" for i, (_, p) in enumerate(EVENT_WORDS))
# The first characters of the event words: trying the alternation only where one stands makes the
# scan twelve times faster (tests/test_announce.py checks that it finds what the alternation finds).
EVENT_FIRST_CHARACTERS = "签开奠动破启建施投试竣完落揭挂协合备全正顺实集"
EVENT = re.compile(f"(?=[{EVENT_FIRST_CHARACTERS}])(?:{EVENT_ALTERNATION})")
# Words before the event word that make it a plan, a wish or a negation rather than a fact.
_NOT_YET = re.compile(r"将|预计|计划(?!总?投资)|拟|有望|力争|争取|准备|筹备|推进(?!会|大会)|推动|加快|确保|年内|年底前|下一步|未来|"
                      r"希望|期待|力促|谋划|预期|可望|能否|是否|如何|需要|有待|(?:未|不|没有|暂缓)(?:正式|全面)?$")
# Right after the event word: a time clause ("投产后", "揭牌以来", "投产20年来") or a noun ("开工率").
_SUBORDINATE = re.compile(r"^(?:后|以后|之后|以来|前|之前|时|期间|率|条件|手续|许可|证|人|方|者|权|作家|艺人|在望|在即|"
                          r"球员|歌手|政策|限制|门槛|、|\d+多?(?:周)?年)")
# Aggregate statistics ("今年以来全市新开工项目120个") and policy rules ("对新落户项目给予奖励")
# report no event of their own; a "其中" sentence belongs to the one before it. Period words such
# as 三季度 or 亿元以上 also name ceremonies ("三季度亿元以上项目集中签约仪式"), so they count only
# where the article has described no ceremony up to that sentence.
_STATISTICS = re.compile(r"今年以来|年以来|今年前|前[一二三]季度|同比|环比|去年同期|截至|截止|完成投资|累计完成|"
                         r"累计(?:引进|吸引|招引|落户|集聚)|"
                         r"增长\d|下降\d|(?:开工|投产|竣工|签约|履约|资金到位)率|"
                         # a span of months, a whole year, "新增": no ceremony is named so
                         r"\d{1,2}\s*(?:-|—|–|~|到|至)\s*\d{1,2}月|全年|新增(?:开工|签约|投产|竣工|落户)|"
                         r"今年(?:[一二三四]季度|上半年|前\d{1,2}个?月),|"
                         # a tally of progress: "已开工项目36个", "已开工建设24个"
                         r"已(?:开工|投产|竣工|签约|落地|建成)[^,;。]{0,6}?(?:项目)?\s*\d+\s*个|"
                         r"给予|予以|奖励|补贴|扶持|若干政策|若干措施|实施办法|实施细则")
_PERIOD_TOTALS = re.compile(r"上半年|下半年|季度|亿元以上|"
                            r"新(?:开工|签约|投产|竣工|落户)|全(?:市|省|区|县|国)[^,;。]{0,4}(?:累计|共|新)")
# "……集中开工仪式。据了解,这些项目共计15个,总投资127.5亿元": a sentence that goes on about the
# projects of the one before.
_REFERS_BACK = re.compile(r"这些项目|上述项目|以上项目|(?:此次|本次|这次|当天|当日)[^,。;]{0,8}项目")
_CEREMONY = re.compile(r"仪式|现场|集中(?:签约|开工|投产|竣工)|举行|举办|活动上|大会上")
# Public services, consumer venues and people (家庭医生签约, 人才落户) are not the investment
# projects this crawler follows.
_NOT_INVESTMENT = re.compile(PUBLIC_VENUES + r"|医生|学生|毕业生|球员|艺人|人才|户籍|户口")
# A state of the works at the time of writing, not an event: "目前已竣工试生产", "项目已经投产".
_STATE = re.compile(r"(?:目前|现已|现在|当前)[^,;。]{0,6}$|已经$|已(?:建成|正式|全面|全部|顺利)?$")
# Said before the event word, these place it in the past of the story.
_EARLIER = re.compile(r"此前|早在|曾经|曾|去年|前年")
# "一期投资约22亿元": one phase's money, not the project's total.
_PHASE = re.compile(r"[一二三四五六七八九十\d首]期")
# "从开工建设到竣工仅用时14个月": the ends of a stretch of time, not events of their own.
_TIME_SPAN = re.compile(r"从$|从[^,;。]{0,12}(?:到|至)$")
# "主体工程已全面完工", "土建完工": a stage of the works, reported as progress, not the project's completion.
_WORKS_STAGE = re.compile(r"主体|土建|桩基|地基|基础工程|装修|装饰|安装|管网|路面|外立面|幕墙")
# A period after a plan word is a schedule ("计划明年三季度建成投产"), not a reporting period.
_SCHEDULE = re.compile(r"明年|后年|" + _NOT_YET.pattern)
_SENTENCE_END = re.compile(r"[。!;\n]|\?(?![,;.:A-Za-z])")
# A space between two Chinese characters separates a headline's phrases ("……签约 X项目落户Y").
_CLAUSE_END = re.compile(r"[,:]|(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")
@dataclass
class Mention:
    event_type: str
    sentence: int
    trigger: int  # offset of the event word in the body
    trigger_end: int
    span: tuple[int, int]  # the clauses this mention owns
    clause: tuple[int, int]  # the clause holding the event word


@dataclass
class Event:
    """The mentions of one event type with the evidence their clauses hold."""
    event_type: str
    mentions: list[Mention]
    names: list[Name]
    counts: list[tuple[int, int]]  # (where in the body, how many)
    money: list[Amount]


def announcements_from_text(text: str, title: str | None = None, published_at: str | None = None,
                            anyway: bool = False) -> list[Announcement]:
    """The project announcements ``text`` reports, headline event first; [] when there are none.

    ``anyway``: the caller knows the page announces (``yrdwatch.extract.decide``'s page model said so where
    these rules found nothing): every event word then counts as a mention, the first in reading
    order (the headline's) names the event, even where its clauses name no project or figure."""
    body = reading_body(text, title)
    if not EVENT.search(body):
        return []
    sentences = split_sentences(body)
    ref = reference_date(published_at, body)
    mentions = find_event_mentions(body, sentences, ref) or (_every_event_word(body, sentences) if anyway else [])
    if not mentions:
        return []  # most news reports no event: its money, names and places are not worth reading
    amounts = find_amounts(body)
    created = find_created_names(body)
    events = sorted(find_events(body, mentions, amounts, created), key=lambda e: _headline_rank(e, title))
    if not events and anyway:
        first = next((m for m in mentions if m.event_type != "other"), mentions[0])
        events = [Event(first.event_type, [m for m in mentions if m.event_type == first.event_type], [], [], [])]
    if not events:
        return []
    headline = len(title.strip()) if title and body.startswith(title.strip()) else 0
    province, city, district = resolve_place(_weighted_mentions(body, events[0].mentions, headline))
    place = (province, city, name_then(city, district, published_at, body))
    taken = {id(n) for event in events for n in event.names}
    extra = [n for n in created if id(n) not in taken
             and not _is_statistical(_sentence_of(body, sentences, n.start))]
    announcements: list[Announcement] = []
    for i, event in enumerate(events):
        total = _first_total(event.money) if i else _total(body, event, amounts, sentences, mentions, headline)
        names = event.names + (extra if i == 0 else [])
        # A headline shortens the names its story then writes out ("松江一工业机器人智造基地项目"
        # for "工业机器人智能制造基地项目"): its own count only when the story's event names none.
        if any(n.start >= headline for n in event.names):
            names = [n for n in names if n.start >= headline]
        projects = merge_names(names)
        spans = [body[m.span[0]:m.span[1]] for m in event.mentions]
        # The story's count before the headline's, which may sum up more than this event ("50个项目集中
        #签约开工" over a story of 26 signed).
        told_counts = [n for pos, n in event.counts if pos >= headline] or [n for _, n in event.counts]
        count = max(told_counts) if told_counts else None
        announcements.append(Announcement(
            event_type=event.event_type,
            # Events reported alongside the headline without a date of their own ("活动上,10个项目
            # 揭牌") happened at the same occasion.
            event_date=(event_date(body, event.mentions, sentences, ref)
                        or (announcements[0].event_date if i else None)),
            province=place[0], city=place[1], district=place[2],
            park=_park(body, event.mentions, projects, event.event_type),
            total_investment_cny=total.value if total else None,
            investment_qualifier=total.qualifier if total else None,
            currency=total.currency if total else None,
            project_count=count,
            projects=[Project(n.text, a.value if a else None, a.currency if a else None)
                      for n, a in project_investments(body, projects, amounts, total, count)],
            industries=find_industries(body, "".join(spans)),
            parties=list(dict.fromkeys(find_parties(spans, body) + [n.owner for n in projects if n.owner]))
            if i == 0 else [],
        ))
    return announcements


def find_events(body: str, mentions: list[Mention], amounts: list[Amount],
                created: list[Name] = ()) -> list[Event]:
    """One event per type among the mentions, kept when its clauses name a project, count
    projects or state an investment. ``created``: facilities and companies the text sets up or
    builds; those its clauses name are its projects ("双方签署协议,将共同建设X项目")."""
    # "签署投资协议,X项目正式落户Y": a 落户/落地 told in the sentence of a specific event is its
    # outcome (the first specific event of the sentence, hence the reversed order).
    specific = {m.sentence: m.event_type for m in reversed(mentions) if m.event_type != "other"}
    by_type: dict[str, list[Mention]] = {}
    for m in mentions:
        by_type.setdefault(specific.get(m.sentence, "other") if m.event_type == "other" else m.event_type,
                           []).append(m)
    events = []
    for event_type, group in by_type.items():
        names = [n for m in group
                 for n in find_project_names(body, m.span, m.clause, (m.trigger, m.trigger_end), m.event_type)]
        names += [n for n in created if any(m.span[0] <= n.start < m.span[1] for m in group)]
        counts = [(m.clause[0] + c.start, c) for m in group for c in find_counts(body[m.clause[0]:m.span[1]])]
        money = [a for a in amounts if any(m.span[0] <= a.start < m.span[1] for m in group)
                 and a.kind in ("total", "investment")]
        # "两国签署12项合作协议" alone is diplomacy; a count says "projects" only when it counts 项目.
        if names or money or any(c.noun == "项目" for _, c in counts):
            events.append(Event(event_type, group, names, [(pos, c.n) for pos, c in counts], money))
    if len(events) > 1:  # a bare 落户/落地 is an announcement only when nothing more specific is
        events = [e for e in events if e.event_type != "other"]
    return events


@lru_cache(maxsize=8)  # read by the rules, then by extract.decide for the same page
def reading_body(text: str, title: str | None) -> str:
    """The text to read: the title in front, and no stray headline lines: after the first line, a
    line without a sentence end ("浙江宁波:50亿元新材料项目开工") is a link to another article, not
    part of this one. (Tail lists were cut by the page reader, ``yrdwatch.extract.boilerplate``.) Project
    tables become one sentence per row (``yrdwatch.extract.tables``)."""
    lines = [ln.strip() for ln in tables_as_sentences(text).splitlines()]
    lines = [ln for i, ln in enumerate(lines)
             if ln and ln[0] not in "-·•*●◆▪>" and (i == 0 or re.search(r"[。!?;]", ln))]
    if title and title.strip() and not (lines and title.strip() in lines[0]):
        lines.insert(0, title.strip())
    return "\n".join(lines)


def split_sentences(body: str, ends: re.Pattern = _SENTENCE_END) -> list[tuple[int, int]]:
    """(start, end) of each sentence; a mojibake '?' ("?,F場") does not end one (unless ``ends``,
    another sentence-end pattern, says so)."""
    spans, start = [], 0
    for m in ends.finditer(body):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(body):
        spans.append((start, len(body)))
    return spans


def _clauses(body: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, pos = [], start
    for m in _CLAUSE_END.finditer(body, start, end):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, end))
    return spans


def find_event_mentions(body: str, sentences: list[tuple[int, int]], ref: DateParts) -> list[Mention]:
    """Every clause that reports an event as a fact, with the clauses it owns (and one of the two
    sentences after it when that one goes on about "这些项目")."""
    mentions, statistical, ceremony, flags = [], False, False, []
    for s_index, (s_start, s_end) in enumerate(sentences):
        sentence = body[s_start:s_end]
        # "其中……", or the next part of a sentence cut at ";": the same report goes on.
        continues = re.match(r"\s*(?:其中|另外|此外)", sentence) is not None or body[s_start - 1:s_start] == ";"
        statistical = _is_statistical(sentence, ceremony) or (continues and statistical)
        flags.append(statistical)
        ceremony = ceremony or bool(_CEREMONY.search(sentence))
        if statistical or not EVENT.search(body, s_start, s_end):
            continue  # most sentences have no event word: not worth cutting into clauses
        # Every clause with an event word bounds what the clause before it owns, even when it
        # reports no fact: the output after "预计明年投产" is no part of the signing before it.
        clauses = _clauses(body, s_start, s_end)
        found = [(hit, clause) for clause in clauses if (hit := _clause_event(body, *clause, s_start, ref))]
        starts = [_subject_start(body, clauses, clause) for _, clause in found]
        for i, ((event_type, trigger, trigger_end, fact), clause) in enumerate(found):
            # "共招引项目64个,……,其中现场集中签约32个、计划总投资超400亿元": the event told after 其中
            # owns only the subset from 其中 on.
            subset = body.rfind("其中", s_start, clause[0] + 2)
            span_start = (subset if subset >= 0 else s_start) if i == 0 else starts[i]
            span_end = starts[i + 1] if i + 1 < len(found) else s_end
            if fact:
                mentions.append(Mention(event_type, s_index, trigger, trigger_end,
                                        (span_start, span_end), clause))
    told = {m.sentence for m in mentions}
    for m in mentions:
        if m.span[1] != sentences[m.sentence][1]:
            continue
        # The next sentence or the one after (the first often names who attended).
        for after in range(m.sentence + 1, min(m.sentence + 3, len(sentences))):
            if after in told or flags[after]:
                break
            if _REFERS_BACK.search(body, sentences[after][0], sentences[after][0] + 40):
                m.span = (m.span[0], sentences[after][1])
                break
    return mentions


def _every_event_word(body: str, sentences: list[tuple[int, int]]) -> list[Mention]:
    """A mention for every event word, fact or not: each owns its clause."""
    mentions = []
    for s_index, (s_start, s_end) in enumerate(sentences):
        for clause in _clauses(body, s_start, s_end):
            m = EVENT.search(body, *clause)
            if m:
                mentions.append(Mention(EVENT_WORDS[int(m.lastgroup[1:])][0], s_index, m.start(), m.end(),
                                        clause, clause))
    return mentions


def _subject_start(body: str, clauses: list[tuple[int, int]], clause: tuple[int, int]) -> int:
    """Where the subject of the event in ``clause`` starts: clauses just before it that only list
    projects ("投资136.6亿元的A、B等21个产业项目,……等12个项目集中投产") belong to it."""
    i = clauses.index(clause)
    while i > 0 and re.search(r"(?:项目|工程|企业)\s*$", body[clauses[i - 1][0]:clauses[i - 1][1]]) \
            and not EVENT.search(body, *clauses[i - 1]):
        i -= 1
    return clauses[i][0]


def _is_statistical(sentence: str, in_ceremony: bool = False) -> bool:
    if _STATISTICS.search(sentence):
        return True
    periods = [m for m in _PERIOD_TOTALS.finditer(sentence)
               if not _SCHEDULE.search(sentence[:m.start()].rsplit(",", 1)[-1])
               # "二季度沭阳县24个重大产业项目开工": a quarter names the batch that the event is about
               and not (m.group(0) in _BATCH_PERIODS and _BATCH_EVENT.search(sentence))]
    return bool(periods) and not in_ceremony and not _CEREMONY.search(sentence)


_BATCH_PERIODS = ("季度", "上半年", "下半年")
_BATCH_EVENT = re.compile(r"\d+个[^,;。]{0,12}项目(?:集中|正式|同时|同步)?(?:开工|签约|投产|竣工|揭牌|开园)")


def _clause_event(body: str, start: int, end: int, sentence_start: int, ref: DateParts):
    """(event type, start, end, reported as a fact) for the clause's event word — the first one
    reported as a fact, a specific one before 落户/落地, else the first one — or None."""
    first = fallback = None
    for m in EVENT.finditer(body, start, end):
        event_type = EVENT_WORDS[int(m.lastgroup[1:])][0]
        before, after = body[start:m.start()], body[m.end():end]
        fact = not (_NOT_YET.search(before) or _SUBORDINATE.match(after) or _NOT_INVESTMENT.search(before)
                    # "已经投产的X项目", "该项目已经投产", "目前已竣工": a state reported in passing, or a
                    # description of the project by its past (news of the event itself dates it)
                    or _STATE.search(before)
                    # one word in a list ("规划、开建、投运", "新签约、新开工、新竣工"), or the story's past
                    or re.search(r"、新?$", before) or _EARLIER.search(before) or _TIME_SPAN.search(before)
                    or (event_type == "竣工" and _WORKS_STAGE.search(before))
                    # background: "2017年双方签订……协议"
                    or long_before(body[sentence_start:m.start()], ref))
        if fact and event_type != "other":
            return event_type, m.start(), m.end(), True
        if fact:
            fallback = fallback or (event_type, m.start(), m.end(), True)
        first = first or (event_type, m.start(), m.end(), False)
    return fallback or first


def _headline_rank(event: Event, title: str | None):
    """The headline event: the one the title names, else the earliest sentence; inside one sentence
    the event that carries the money ("3个项目揭牌,签订9项协议,涉及投资154亿元" is a signing)."""
    in_title = bool(title) and any(re.search(p, title) for t, p in EVENT_WORDS if t == event.event_type)
    return (not in_title, min(m.sentence for m in event.mentions), not event.money,
            min(m.trigger for m in event.mentions))


def event_date(body: str, group: list[Mention], sentences, ref: DateParts) -> str | None:
    """The first date the group's mentions give, a calendar one before "日前/近日" ("日前正式开工。2月27日,
    ……开工建设"); else the sentence leading into the first ("11月8日,投洽会开幕。签约仪式上,……") or the lead."""
    first = min(group, key=lambda m: m.trigger)
    own = [span for m in sorted(group, key=lambda m: m.trigger) for span in (m.span, sentences[m.sentence])]
    found = [(exact, when) for start, end in own
             for dated, when, exact in [date_in_text(body[start:end], ref)] if dated]
    if found:
        return next((when for exact, when in found if exact), found[0][1])
    context = [sentences[first.sentence - 1]] if first.sentence > 0 else []
    for start, end in context + sentences[:3]:  # the lead, where news dates its story
        dated, when, _ = date_in_text(body[start:end], ref)
        if dated:
            return when
    return None


def _weighted_mentions(body: str, group: list[Mention], headline: int):
    """Place mentions of the whole body; those in the headline event's own clauses count double,
    and so do those of the title, which names the place whose news it is."""
    places = find_mentions(body)
    for place in places:
        if any(m.span[0] <= place.start < m.span[1] for m in group):
            place.weight *= 2
        if place.start < headline:
            place.weight *= 2
    return places


def _first_total(money: list[Amount]) -> Amount | None:
    totals = [a for a in money if a.kind == "total"]
    return totals[0] if totals else (money[0] if len(money) == 1 else None)


def _total(body, event: Event, amounts, sentences, mentions, headline: int) -> Amount | None:
    """The headline's total: a total in its own clauses, else its single investment figure unless
    that is a phase's ("此次投产的一期项目投资约22亿元"), else one stated in a sentence about the
    project ("该项目总投资约60亿元") that reports no other event (whose money is that event's).
    The story's own total comes before the title's, which rounds ("总投资超百亿元" for 103.6亿元)."""
    told = [a for a in event.money if a.kind == "total" and a.start >= headline]
    own = told[0] if told else _first_total(event.money)
    if own and (own.kind == "total" or not _PHASE.search(body, max(0, own.start - 12), own.start)):
        return own
    # (A 落户/落地 beside a specific event is no event of its own: its sentence may state the total.)
    others = {m.sentence for m in mentions if m not in event.mentions and m.event_type != "other"}
    free = [a for a in amounts if a.kind == "total"
            and not _is_statistical(_sentence_of(body, sentences, a.start))
            and _sentence_index(sentences, a.start) not in others]
    return free[0] if free else own


def _sentence_index(sentences, pos: int) -> int:
    return next((i for i, (s, e) in enumerate(sentences) if s <= pos < e), -1)


def _sentence_of(body: str, sentences, pos: int) -> str:
    i = _sentence_index(sentences, pos)
    return body[sentences[i][0]:sentences[i][1]] if i >= 0 else ""


def _park(body: str, group: list[Mention], projects: list[Name], event_type: str) -> str | None:
    """The park the project is in: what opened (开园), else the park the text best supports that
    is not itself one of the event's projects."""
    if event_type == "开园" and projects and re.search(r"[园城谷港区湾]$|小镇$", projects[0].text):
        return projects[0].text
    scores: dict[str, float] = {}
    for start, end, name in find_parks(body):
        if re.match(r"(?:[一二三四五六七八九十\d]+期|\([^()]{1,6}\))?项目|位于|建设", body[end:end + 8]):
            continue  # part of a project's name ("X产业园二期项目"), or a subject located elsewhere
        if any(name in p.text for p in projects):
            continue  # the project itself ("总投资30亿元的苏大天宫科技园")
        weight = 3.0 if re.search(r"(?:位于|落户|落地|入驻|坐落于|坐落在|地处|在)\S{0,2}$", body[max(0, start - 5):start]) else 1.0
        if any(m.span[0] <= start < m.span[1] for m in group):
            weight *= 2
        if not is_zone(name):
            weight *= 0.5  # an 产业园 or 科技城 is as often a project or a developer's estate as a park
        scores[name] = scores.get(name, 0) + weight
    # "江宁开发区" and "江宁经济技术开发区" are one park: their weight goes to the fullest spelling.
    for short in sorted(scores, key=len):
        full = [name for name in scores if is_abbreviation(short, name)]
        if full:
            scores[max(full, key=len)] += scores.pop(short)
    best = max(scores, key=scores.get) if scores else None
    return best if best and scores[best] >= 1 else None
