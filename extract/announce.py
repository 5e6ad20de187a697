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
from datetime import date, timedelta

from extract.boilerplate import cut_boilerplate
from extract.industries import find_industries
from extract.models import Announcement, Project
from extract.money import Amount, find_amounts, find_counts, parse_number
from extract.parties import find_parties
from extract.places import find_mentions, find_parks, resolve_place
from extract.projects import Name, find_created_names, find_project_names, merge_names, project_investments

# The event vocabulary. Hand-written because it *is* the definition of what the crawler tracks;
# first match wins inside a clause, so 签约 outranks the 落地 of "签约落地".
EVENT_WORDS: tuple[tuple[str, str], ...] = (
    ("签约", r"签约|(?:签订|签署|签下)[^,;。]{0,24}?(?:协议|合同|备忘录|意向书)"),
    # The lookarounds keep out words that merely contain an event word: 展开工作, 拉动工业, 开业务.
    ("开工", r"(?<![展打])开工(?![作资具])|奠基(?![人者石])|(?<![拉推带驱发启调变劳流运])动工(?![业作具资程])|"
             r"(?<!展)开建(?!设)|破土"),
    ("投产", r"投产|试生产|(?<![测尝考])试产(?![品业])|投入生产|投运"),
    ("竣工", r"竣工|完工|落成|建成投用"),
    ("揭牌", r"揭牌|挂牌成立"),
    ("开园", r"(?<![打展])开园|(?<!展)开业(?!务)|开馆"),
    ("other", r"落户|落地(?!的)"),
)
_EVENT = re.compile("|".join(f"(?P<e{i}>{p})" for i, (_, p) in enumerate(EVENT_WORDS)))
# Words before the event word that make it a plan, a wish or a negation rather than a fact.
_NOT_YET = re.compile(r"将|预计|计划|拟|有望|力争|争取|准备|筹备|推进|推动|加快|确保|年内|年底前|下一步|未来|"
                      r"希望|期待|力促|谋划|预期|可望|能否|是否|如何|需要|有待|(?:未|不|没有|暂缓)(?:正式|全面)?$")
# Right after the event word: a time clause ("投产后", "揭牌以来") or a noun ("开工率").
_SUBORDINATE = re.compile(r"^(?:后|以后|之后|以来|前|之前|时|期间|率|条件|手续|许可|证|人|方|者|权|作家|艺人|"
                          r"球员|歌手|政策|限制|门槛|、)")
# Aggregate statistics ("今年以来全市新开工项目120个") and policy rules ("对新落户项目给予奖励")
# report no event of their own; a "其中" sentence belongs to the one before it. Period words such
# as 一季度 or 亿元以上 also name ceremonies ("一季度亿元以上项目集中开工仪式"), so they count only
# where no ceremony is described.
_STATISTICS = re.compile(r"今年以来|年以来|同比|环比|去年同期|截至|截止|完成投资|累计完成|增长\d|下降\d|"
                         r"给予|予以|奖励|补贴|扶持|若干政策|若干措施|实施办法|实施细则")
_PERIOD_TOTALS = re.compile(r"上半年|下半年|季度|1-\d{1,2}月|\d{1,2}-\d{1,2}月|全年|亿元以上|"
                            r"新(?:开工|签约|投产|竣工|落户)|全(?:市|省|区|县|国)[^,;。]{0,4}(?:累计|共|新)")
_CEREMONY = re.compile(r"仪式|现场|集中(?:签约|开工|投产|竣工)|举行|举办|活动上|大会上")
# Public services and consumer venues are not the investment projects this crawler follows.
_NOT_A_PROJECT = re.compile(r"医院|分院|院区|学校|中学|小学|幼儿园|养老院|敬老院|景区|乐园|公园|博物馆|图书馆|"
                            r"体育馆|剧院|门店|商场|超市|餐厅|酒店|家庭医生|医生|学生|毕业生|球员|艺人|人才|户籍|户口|"
                            r"、$")
_SENTENCE_END = re.compile(r"[。!;\n]|\?(?![,;.:A-Za-z])")
_CLAUSE_END = re.compile(r"[,:]")
_YEAR = re.compile(r"((?:19|20)\d{2})年")
_DATE = re.compile(r"(?:((?:19|20)\d{2})年)?(\d{1,2})月(?:(\d{1,2})[日号])?")
_RECENT = re.compile(r"日前|近日|近期|今天|今日|昨天|昨日")
# "临港与常熟缘起于6年前,2017年…": the page's own year, when the page does not carry a date.
_YEARS_AGO = re.compile(r"(\d{1,2}|[一二两三四五六七八九十]{1,2})年前[,]?\s*((?:19|20)\d{2})年")


@dataclass
class Mention:
    event_type: str
    sentence: int
    trigger: int  # offset of the event word in the body
    trigger_end: int
    span: tuple[int, int]  # the clauses this mention owns
    clause: tuple[int, int]


def announcements_from_text(text: str, title: str | None = None,
                            published_at: str | None = None) -> list[Announcement]:
    """The project announcements ``text`` reports, headline event first; [] when there are none."""
    body = _body(text, title)
    sentences = split_sentences(body)
    ref = reference_date(published_at, body)
    mentions = find_event_mentions(body, sentences, ref[0])
    amounts = find_amounts(body)
    groups: dict[str, list[Mention]] = {}
    for mention in mentions:
        groups.setdefault(mention.event_type, []).append(mention)
    found = []
    for event_type, group in groups.items():
        names = [n for m in group
                 for n in find_project_names(body, m.span, m.clause, (m.trigger, m.trigger_end), event_type)]
        counts = [n for m in group for pos, n in find_counts(body[m.clause[0]:m.span[1]])]
        money = [a for a in amounts if any(m.span[0] <= a.start < m.span[1] for m in group)
                 and a.kind in ("total", "investment")]
        if names or counts or money:
            found.append((event_type, group, names, counts, money))
    if len(found) > 1:  # a bare 落户/落地 is an announcement only when nothing more specific is
        found = [f for f in found if f[0] != "other"]
    if not found:
        return []
    found.sort(key=lambda f: _headline_rank(f, title))
    place = resolve_place(_weighted_mentions(body, found[0][1], sentences))
    extra = [n for n in find_created_names(body) if not _STATISTICS.search(_sentence_of(body, sentences, n.start))]
    announcements = []
    for i, (event_type, group, names, counts, money) in enumerate(found):
        total = _total(body, money, amounts, sentences, mentions) if i == 0 else _first_total(money)
        projects = merge_names(names + (extra if i == 0 else []))
        focus = "".join(body[m.span[0]:m.span[1]] for m in group)
        announcements.append(Announcement(
            event_type=event_type,
            event_date=event_date(body, group, sentences, ref),
            province=place[0], city=place[1], district=place[2],
            park=_park(body, group, projects, event_type),
            total_investment_cny=total.value if total else None,
            investment_qualifier=total.qualifier if total else None,
            currency=total.currency if total else None,
            project_count=max(counts) if counts else None,
            projects=[Project(n.text, a.value if a else None, a.currency if a else None)
                      for n, a in project_investments(body, projects, amounts, total)],
            industries=find_industries(body, focus),
            parties=find_parties([body[m.span[0]:m.span[1]] for m in group], body) if i == 0 else [],
        ))
    return announcements


def _body(text: str, title: str | None) -> str:
    """The text to read: tail lists cut, bulleted headline lines dropped, the title in front."""
    lines = [ln.strip() for ln in cut_boilerplate(text).splitlines()]
    lines = [ln for ln in lines if ln and ln[0] not in "-·•*●◆▪>"]
    if title and title.strip() and not (lines and title.strip() in lines[0]):
        lines.insert(0, title.strip())
    return "\n".join(lines)


def split_sentences(body: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence; a mojibake '?' ("?,F場") does not end one."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(body):
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


def reference_date(published_at: str | None, body: str) -> tuple[int | None, int | None, int | None]:
    """(year, month, day) of the page: from ``published_at``, else a year the text implies."""
    if published_at:
        parts = re.findall(r"\d+", published_at)[:3]
        if len(parts) == 3:
            return int(parts[0]), int(parts[1]), int(parts[2])
    m = _YEARS_AGO.search(body)
    if m:
        return int(m.group(2)) + int(parse_number(m.group(1)) or 0), None, None
    return None, None, None


def find_event_mentions(body: str, sentences: list[tuple[int, int]], year: int | None) -> list[Mention]:
    """Every clause that reports an event as a fact, with the clauses it owns."""
    mentions, statistical = [], False
    for s_index, (s_start, s_end) in enumerate(sentences):
        continues = re.match(r"\s*(?:其中|另外|此外)", body[s_start:s_end]) is not None
        statistical = bool(_STATISTICS.search(body, s_start, s_end) or (
            _PERIOD_TOTALS.search(body, s_start, s_end) and not _CEREMONY.search(body, s_start, s_end))
        ) or (continues and statistical)
        if statistical:
            continue
        found = []
        for c_start, c_end in _clauses(body, s_start, s_end):
            hit = _clause_event(body, c_start, c_end, s_start, year)
            if hit:
                found.append((*hit, (c_start, c_end)))
        for i, (event_type, trigger, trigger_end, clause) in enumerate(found):
            span_start = s_start if i == 0 else clause[0]
            span_end = found[i + 1][3][0] if i + 1 < len(found) else s_end
            mentions.append(Mention(event_type, s_index, trigger, trigger_end, (span_start, span_end), clause))
    return mentions


def _clause_event(body: str, start: int, end: int, sentence_start: int, year: int | None):
    """(event type, start, end) of the event word in a clause that reports it as a fact, or None."""
    for m in _EVENT.finditer(body, start, end):
        event_type = EVENT_WORDS[int(m.lastgroup[1:])][0]
        before, after = body[start:m.start()], body[m.end():end]
        if _NOT_YET.search(before) or _SUBORDINATE.match(after) or _NOT_A_PROJECT.search(before):
            continue
        years = _YEAR.findall(body, sentence_start, m.start())
        if year and years and int(years[-1]) < year:
            continue  # background: "2017年双方签订……协议"
        if re.search(r"此前|早在|曾经|曾|去年|前年", before):
            continue
        return event_type, m.start(), m.end()
    return None


def _headline_rank(found, title: str | None):
    """The headline event: the one the title names, else the earliest sentence; inside one sentence
    the event that carries the money ("3个项目揭牌,签订9项协议,涉及投资154亿元" is a signing)."""
    event_type, group, names, counts, money = found
    in_title = bool(title) and any(re.search(p, title) for t, p in EVENT_WORDS if t == event_type)
    return (not in_title, min(m.sentence for m in group), not money, min(m.trigger for m in group))


def event_date(body: str, group: list[Mention], sentences, ref) -> str | None:
    """The first date the group's mentions give (or, failing that, the sentence that leads into
    the first of them: "11月8日,投洽会开幕。签约仪式上,……"), completed with the page's year."""
    first = min(group, key=lambda m: m.trigger)
    places = [span for m in sorted(group, key=lambda m: m.trigger) for span in (m.span, sentences[m.sentence])]
    if first.sentence > 0:
        places.append(sentences[first.sentence - 1])
    for start, end in places:
        found, date = _date_in(body[start:end], ref)
        if found:
            return date
    return None


def _date_in(text: str, ref) -> tuple[bool, str | None]:
    """(whether ``text`` dates the event, the date as YYYY-MM-DD / YYYY-MM when the year is known)."""
    year, month, day = ref
    m = _DATE.search(text)
    if m:
        y = int(m.group(1)) if m.group(1) else year
        mo = int(m.group(2))
        if y and not m.group(1) and month and mo > month:
            y -= 1  # "12月28日" on a page of January is last year's
        if not y or not 1 <= mo <= 12:
            return True, None
        return True, f"{y:04d}-{mo:02d}-{int(m.group(3)):02d}" if m.group(3) else f"{y:04d}-{mo:02d}"
    recent = _RECENT.search(text)
    if not recent:
        return False, None
    if not (year and month):
        return True, None
    if day and recent.group(0) in ("今天", "今日", "昨天", "昨日"):
        back = 1 if recent.group(0).startswith("昨") else 0
        return True, (date(year, month, day) - timedelta(days=back)).isoformat()
    return True, f"{year:04d}-{month:02d}"


def _weighted_mentions(body: str, group: list[Mention], sentences):
    """Place mentions of the whole body; those in the headline event's own clauses count double."""
    places = find_mentions(body)
    for place in places:
        if any(m.span[0] <= place.start < m.span[1] for m in group):
            place.weight *= 2
    return places


def _first_total(money: list[Amount]) -> Amount | None:
    totals = [a for a in money if a.kind == "total"]
    return totals[0] if totals else (money[0] if len(money) == 1 else None)


def _total(body, money, amounts, sentences, mentions) -> Amount | None:
    """The headline's total: a total in its own clauses, else one stated in a sentence of its own
    about the project ("该项目总投资约260亿元"), else its single investment figure."""
    own = _first_total(money)
    if own:
        return own
    event_sentences = {m.sentence for m in mentions}
    free = [a for a in amounts if a.kind == "total" and not _STATISTICS.search(_sentence_of(body, sentences, a.start))
            and _sentence_index(sentences, a.start) not in event_sentences]
    return free[0] if free else None


def _sentence_index(sentences, pos: int) -> int:
    return next((i for i, (s, e) in enumerate(sentences) if s <= pos < e), -1)


def _sentence_of(body: str, sentences, pos: int) -> str:
    i = _sentence_index(sentences, pos)
    return body[sentences[i][0]:sentences[i][1]] if i >= 0 else ""


def _park(body: str, group: list[Mention], projects: list[Name], event_type: str) -> str | None:
    """The park the project is in: what opened (开园), else the park the text best supports."""
    if event_type == "开园" and projects and re.search(r"[园城谷港区湾]$|小镇$", projects[0].text):
        return projects[0].text
    scores: dict[str, float] = {}
    for start, end, name in find_parks(body):
        after = body[end:end + 4]
        if after.startswith(("项目", "位于", "建设", "管委会主任")):
            continue  # part of a project's name, or the subject that is located elsewhere
        weight = 3.0 if re.search(r"(?:位于|落户|落地|入驻|坐落于|在)\S{0,2}$", body[max(0, start - 5):start]) else 1.0
        if any(m.span[0] <= start < m.span[1] for m in group):
            weight *= 2
        scores[name] = scores.get(name, 0) + weight
    return max(scores, key=scores.get) if scores else None
