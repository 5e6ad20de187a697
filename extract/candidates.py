"""Every span that could be a project, a total or a project count, with the features a model weighs.

The rules of ``yrdwatch.extract.announce`` decide from what they were written against; on pages nobody tuned
to they miss names that stand outside the event clause and pick the wrong figure. This module
proposes *everything* that could be an answer, in one pass, and describes each candidate by what
stands around it; ``yrdwatch.extract.decide`` then weighs those descriptions with a model learned from the
labelled corpus.

- **Names**: every span that ends in a head noun (``cues.NAME_HEADS``: 项目, 工程, 基地, 中心 …) and
  starts at a word boundary (jieba) inside its clause, every item of a 、-list, and every name the
  rules found. Features: the head, the first and the preceding word and their parts of speech, the
  characters at both ends, the sentence (event word, statistics, plans, 其中, 除…外, title), the
  rules' verdict.
- **Event types**: every event the page names, by where and how often.

Figures and counts are proposed by ``yrdwatch.extract.figure_candidates``, parks by
``yrdwatch.extract.park_candidates``, districts by ``yrdwatch.extract.districts`` and dates by
``yrdwatch.extract.eventdates``, each with this module's sentence and context features.

Feature names are strings; a candidate's features are a ``dict[str, float]`` (mostly 1.0).
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

import jieba
import jieba.posseg

from yrdwatch.extract import cues
from yrdwatch.extract.announce import split_sentences
from yrdwatch.extract.gazetteer import Park
from yrdwatch.extract.money import Amount

_HEAD = re.compile("|".join(sorted(cues.NAME_HEADS, key=len, reverse=True)))
# Where a name cannot reach across: sentence and clause ends, and the colon that opens a list.
_HARD_STOP = re.compile(r"[。!?;:\n,]")
_LIST_SEP = "、"
_MAX_NAME = 32  # 98 % of the labelled names are shorter
_QUOTE = re.compile("[“”\"「」《》]")


@dataclass
class Candidate:
    kind: str  # "name" | "figure" | "count"
    start: int
    end: int
    text: str
    features: dict[str, float] = field(default_factory=dict)
    value: int | None = None  # a figure's amount (in its currency) or a count
    amount: Amount | None = None
    known: Park | None = None  # a park the gazetteer knows
    item: tuple[int, int] | None = None  # a name that ends where a 、-list's item ends: (list, item)


@dataclass
class Sentence:
    start: int
    end: int
    index: int
    event: str | None  # the first event type named in it
    statistical: bool
    plan: bool
    after_qizhong: int  # where 其中 stands in it, or -1
    except_span: tuple[int, int] | None  # "除A、B外": the excluded stretch
    event_span: tuple[int, int] | None  # where its first event word stands


@lru_cache(maxsize=1)
def _posseg():
    tokenizer = jieba.posseg.POSTokenizer(jieba.Tokenizer())
    for word in cues.NAME_HEADS:  # heads are words of their own, never glued to what precedes
        tokenizer.tokenizer.add_word(word, 2000, "n")
    return tokenizer


def words(text: str) -> list[tuple[str, str]]:
    """(word, part of speech) of ``text`` with jieba's dictionary, no HMM (names are new words; the
    HMM glues them to what surrounds them)."""
    # jieba cuts each run of Han, Latin and digits (and each stretch between runs) on its own, so a
    # text's cut is its runs' cuts in a row; the segments of one sentence share most of their runs.
    return [w for run in _JIEBA_RUN.split(text) if run for w in _run_words(run)]


_JIEBA_RUN = jieba.posseg.re_han_internal


@lru_cache(maxsize=4096)
def _run_words(run: str) -> tuple[tuple[str, str], ...]:
    return tuple((w.word, w.flag) for w in _posseg().cut(run, HMM=False))


def word_offsets(text: str, start: int) -> tuple[list[tuple[int, str, str]], list[int]]:
    """The words of ``text`` (which stands at ``start`` in the body) as (position, word, part of
    speech), and for each word how many verbs follow it: every start of a span is a candidate, so
    the count is made once per cut rather than once per candidate."""
    offsets, pos = [], start
    for word, flag in words(text):
        offsets.append((pos, word, flag))
        pos += len(word)
    verbs_after, verbs = [0] * len(offsets), 0
    for i in range(len(offsets) - 1, -1, -1):
        verbs_after[i] = verbs
        verbs += offsets[i][2].startswith("v")
    return offsets, verbs_after


# Every ? ends a sentence here (the features were learned so); the rules keep a mojibake "?," inside one.
_SENTENCE_END = re.compile(r"[。!?;\n]")


def sentences_of(body: str) -> list[Sentence]:
    """The body's sentences with what the features ask of each."""
    result = []
    for i, (s, e) in enumerate(split_sentences(body, _SENTENCE_END)):
        text = body[s:e]
        event = cues.event_type_in(text)
        qizhong = text.find("其中")
        except_match = cues.EXCEPT.search(text)
        hit = cues.EVENT.search(text) if event else None
        result.append(Sentence(
            s, e, i, event, bool(cues.STATISTICS.search(text)), bool(cues.PLAN.search(text)),
            s + qizhong if qizhong >= 0 else -1,
            (s + except_match.start(), s + except_match.end()) if except_match else None,
            (s + hit.start(), s + hit.end()) if hit else None))
    return result


def sentence_at(sentences: list[Sentence], pos: int) -> Sentence:
    return sentences[max(0, bisect_right(sentences, pos, key=lambda s: s.start) - 1)]


def bucket(n: float, edges: tuple[float, ...]) -> str:
    """The label of the first edge ``n`` does not exceed ("≤4"), or ">" the last: the labels are
    made once per set of edges (every candidate asks several buckets)."""
    return _bucket_labels(edges)[bisect_left(edges, n)]


@lru_cache(maxsize=None)
def _bucket_labels(edges: tuple[float, ...]) -> tuple[str, ...]:
    return tuple(f"≤{edge:g}" for edge in edges) + (f">{edges[-1]:g}",)


def context_features(body: str, start: int, end: int, sentence: Sentence, title_end: int, prefix: str) -> dict[str, float]:
    """What every kind of candidate is described by: its sentence and the characters around it."""
    f = {
        f"{prefix}before1={body[start - 1:start] or '^'}": 1.0,
        f"{prefix}before2={body[max(0, start - 2):start]}": 1.0,
        f"{prefix}after1={body[end:end + 1] or '$'}": 1.0,
        f"{prefix}after2={body[end:end + 2]}": 1.0,
        f"{prefix}sentence_event={sentence.event or 'none'}": 1.0,
        f"{prefix}sentence_index={bucket(sentence.index, (0, 1, 2, 4, 8))}": 1.0,
        f"{prefix}bias": 1.0,
    }
    if start < title_end:
        f[f"{prefix}in_title"] = 1.0
    if sentence.statistical:
        f[f"{prefix}statistical"] = 1.0
    if sentence.plan:
        f[f"{prefix}plan"] = 1.0
    if 0 <= sentence.after_qizhong < start:
        f[f"{prefix}after_qizhong"] = 1.0
    if sentence.except_span and sentence.except_span[0] <= start < sentence.except_span[1]:
        f[f"{prefix}excepted"] = 1.0
    # The words of the clause before the candidate: role cues ("总投资", "包括", "共签约") without a list.
    clause_start = max(sentence.start, body.rfind(",", sentence.start, start) + 1)
    for cue in cues.cues_in(body[clause_start:start]):
        f[f"{prefix}cue={cue}"] = 1.0
    if body[clause_start:start] == "":
        f[f"{prefix}clause_start"] = 1.0
    return f


def name_candidates(body: str, title_end: int, sentences: list[Sentence],
                    rule_names: set[str]) -> list[Candidate]:
    """Every span that may be a project's name, with its features."""
    found: dict[tuple[int, int], Candidate] = {}
    for m in _HEAD.finditer(body):
        end = m.end()
        if end < len(body) and body[end] in "”\"》" :
            end += 1
        sentence = sentence_at(sentences, m.start())
        stops = [s.end() for s in _HARD_STOP.finditer(body, max(sentence.start, end - _MAX_NAME - 20), m.start())]
        seg_start = max([sentence.start] + stops)
        segment = body[seg_start:end]
        if len(segment) < 3:
            continue
        offsets, verbs_after = word_offsets(segment, seg_start)
        for i, (start, word, flag) in enumerate(offsets):
            if end - start < 3 or end - start > _MAX_NAME:
                continue
            if body[start] in "、,的和与及等" or word.strip() == "":
                continue
            text = body[start:end]
            f = _name_features(body, start, end, offsets, i, verbs_after[i], m.group(0), sentence, title_end,
                               rule_names)
            found[(start, end)] = Candidate("name", start, end, text, f)
    item_ends = _add_list_items(body, sentences, title_end, rule_names, found)
    for name in rule_names:  # the rules' names, wherever they stand
        for m in re.finditer(re.escape(name), body):
            if (m.start(), m.end()) not in found:
                sentence = sentence_at(sentences, m.start())
                toks = [(m.start(), name, "rule")]
                found[(m.start(), m.end())] = Candidate(
                    "name", m.start(), m.end(), name,
                    _name_features(body, m.start(), m.end(), toks, 0, 0, "rule", sentence, title_end, rule_names))
    for c in found.values():
        c.item = item_ends.get(c.end)
    return sorted(found.values(), key=lambda c: (c.start, c.end))


@lru_cache(maxsize=8192)
def _occurrences(body: str, text: str) -> int:
    return body.count(text)


_NAME_SHAPES = [(f"n:{name}", re.compile(p)) for name, p in (
    ("has_company", r"公司|集团|股份"), ("has_de", "的"), ("has_digit", r"\d"), ("has_money", r"[亿万]元|%"))]
_COUNTED_TAIL = re.compile(r"等\s*[\d一二三四五六七八九十两]+\s*[个项家]")


def _name_features(body, start, end, offsets, i, inner_verbs, head, sentence, title_end,
                   rule_names) -> dict[str, float]:
    """``offsets``: the words of the span's segment, the span starting at the ``i``-th, which
    ``inner_verbs`` verbs follow."""
    text = body[start:end]
    flag = offsets[i][2]
    f = context_features(body, start, end, sentence, title_end, "n:")
    f[f"n:head={head}"] = 1.0
    f[f"n:len={bucket(len(text), (4, 6, 8, 11, 15, 20, 28))}"] = 1.0
    f[f"n:first_pos={flag}"] = 1.0
    # No first word or first two characters: on ≈ 600 pages they name the training pages' own
    # companies and places (CV names F1 +.011 without them); the part of speech generalises.
    f[f"n:first_char={text[0]}"] = 1.0
    if i > 0:
        f[f"n:prev_word={offsets[i - 1][1]}"] = 1.0
        f[f"n:prev_pos={offsets[i - 1][2]}"] = 1.0
    else:
        f["n:segment_start"] = 1.0
    f[f"n:inner_verbs={min(inner_verbs, 3)}"] = 1.0
    f[f"n:words={bucket(len(offsets) - i, (1, 2, 3, 5, 8))}"] = 1.0
    core = text[:-len(head)] if head not in ("rule", "list_item") and text.endswith(head) else text
    f[f"n:before_head={core[-2:]}"] = 1.0
    if _occurrences(body, text) > 1:
        f["n:repeated"] = 1.0
    for feature, pattern in _NAME_SHAPES:
        if pattern.search(text):
            f[feature] = 1.0
    if _QUOTE.search(text):
        f["n:quoted" if text.count("“") == text.count("”") else "n:broken_quote"] = 1.0
    if "、" in text:
        f["n:has_list_sep"] = 1.0
    if cues.EVENT.search(text):
        f["n:has_event_word"] = 1.0
    if cues.GENERIC_NAME.search(text):
        f["n:generic"] = 1.0
    if text in rule_names:
        f["n:rule_exact"] = 1.0
    elif any(r in text or text in r for r in rule_names):
        f["n:rule_overlap"] = 1.0
    if _COUNTED_TAIL.match(body, end):
        f["n:closes_counted_list"] = 1.0
    if body[start - 1:start] == "、" or body[end:end + 1] == "、":
        f["n:in_list"] = 1.0
    f["n:event_distance=" + _event_distance(body, start, end, sentence)] = 1.0
    return f


def _event_distance(body: str, start: int, end: int, sentence: Sentence) -> str:
    """Where the sentence's event word stands relative to the candidate."""
    if sentence.event_span is None:
        return "none"
    pos, pos_end = sentence.event_span
    if pos >= end:
        return "after≤4" if pos - end <= 4 else "after"
    if pos_end <= start:
        return "before≤6" if start - pos_end <= 6 else "before"
    return "inside"


# A 、-list; where its last item stops (等, a count); a list closed by a count of projects or firms.
_LIST = re.compile(r"[^、,。;:\n]{2,40}(?:、[^、,。;:\n]{2,40})+")
_LIST_END = re.compile(r"等|(?<=[^\d])\d+\s*[个项家]|[一二三四五六七八九十两]+个")
_LIST_COUNTED = re.compile(r"等?\s*[\d一二三四五六七八九十两]+\s*[个项家][^,。;]{0,8}(?:项目|企业)")


def _add_list_items(body, sentences, title_end, rule_names, found: dict) -> dict[int, tuple[int, int]]:
    """The items of every 、-list (and the last item up to 等 / a count), bare company names included;
    a span already proposed for its head gets the list's features. Returns where each item ends:
    (the list's start, the item's place in it)."""
    item_ends: dict[int, tuple[int, int]] = {}
    for m in _LIST.finditer(body):
        parts, pos = [], m.start()
        for part in m.group(0).split(_LIST_SEP):
            parts.append((pos, part))
            pos += len(part) + 1
        # The last item stops at 等 / a count; the first starts after the clause's opening words.
        last_pos, last = parts[-1]
        cut = _LIST_END.search(last)
        if cut:
            parts[-1] = (last_pos, last[:cut.start()])
        counted = bool(cut and _LIST_COUNTED.match(last, cut.start()))
        headed = sum(bool(_HEAD.search(p)) for _, p in parts) / len(parts)
        for n_item, (start, part) in enumerate(parts):
            part = part.strip()
            if not 2 <= len(part) <= _MAX_NAME:
                continue
            item_ends.setdefault(start + len(part), (m.start(), n_item))
            sentence = sentence_at(sentences, start)
            offsets, verbs_after = word_offsets(part, start)
            # the first item may start with the clause's words ("签约项目包括A"): propose each start
            for i in range(len(offsets)):
                s = offsets[i][0]
                e = start + len(part)
                if e - s < 2:
                    break
                known = found.get((s, e))
                f = known.features if known else _name_features(body, s, e, offsets, i, verbs_after[i], "list_item",
                                                                 sentence, title_end, rule_names)
                f["n:list_item"] = 1.0
                f[f"n:list_len={bucket(len(parts), (2, 3, 5, 8))}"] = 1.0
                f["n:list_pos=" + ("first" if n_item == 0 else "last" if n_item == len(parts) - 1 else "mid")] = 1.0
                f[f"n:list_headed={bucket(headed, (0, 0.5, 0.99))}"] = 1.0
                if counted:
                    f["n:list_counted"] = 1.0
                if not known:
                    found[(s, e)] = Candidate("name", s, e, body[s:e], f)
                if i >= 2:
                    break
    return item_ends


def event_candidates(body: str, title_end: int, sentences: list[Sentence],
                     rule_types: list[str]) -> list[Candidate]:
    """Every event type the page names, described by where and how often: which one is the
    headline event. ``rule_types``: the rules' announcements' types, headline first."""
    hits = {t: list(p.finditer(body)) for t, p in cues.EVENT_PATTERNS}
    in_title = {t: ms[0].start() for t, ms in hits.items() if ms and ms[0].start() < title_end}
    out = []
    for event_type, found in hits.items():
        if not found:
            continue
        first = found[0]
        sentence = sentence_at(sentences, first.start())
        f = context_features(body, first.start(), first.end(), sentence, title_end, "e:")
        f[f"e:type={event_type}"] = 1.0
        f[f"e:word={first.group(0)[:4]}"] = 1.0
        f[f"e:mentions={bucket(len(found), (1, 2, 4, 8))}"] = 1.0
        if event_type in in_title:  # how many other event types the headline names before this one
            rank = sum(1 for start in in_title.values() if start < in_title[event_type])
            f[f"e:title_rank={rank}"] = 1.0
        if rule_types and rule_types[0] == event_type:
            f["e:rule_head"] = 1.0
        elif event_type in rule_types:
            f["e:rule_other"] = 1.0
        out.append(Candidate("event", first.start(), first.end(), event_type, f))
    return out
