"""Every money figure and every project count of a page, with the features a model weighs
(``yrdwatch.extract.decide`` picks the headline event's total and count among them).

- **Figures**: every money amount (``yrdwatch.extract.money.find_amounts``), described by the characters
  before and after it, its role cue, its sentence and whether the rules took it as the total.
- **Counts**: every "N个项目" (``yrdwatch.extract.money.find_counts``), described the same way, and
  the sum of the counts of one sentence's batches ("签约项目13个、开工项目10个": 23), which the
  contract takes as the count of a ceremony that reports its batches apart.
- **Relations** a figure or a count has with the others, since the headline's total is told by its
  neighbours rather than by its own words: written again elsewhere (title and lead agree), the sum
  of a run of figures that follow it (a combined total and its batches) or one of such a run's
  parts, in a sentence whose count the title also writes.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from yrdwatch.extract import cues
from yrdwatch.extract.candidates import Candidate, Sentence, bucket, context_features, sentence_at
from yrdwatch.extract.money import Amount, Count, find_amounts, find_counts

# A figure a project owns: its name just before ("X项目总投资55亿元") or after ("投资20亿元的X项目").
_OWNER_BEFORE = re.compile("(?:" + "|".join(cues.NAME_HEADS) + r")[)】”\"]?(?:计划|预计)?(?:总投资|投资)")
_OWNER_AFTER = re.compile(r"的[^,;。]{2,30}?(?:" + "|".join(cues.NAME_HEADS) + ")")
_INVESTED = re.compile(r"投资(?:额|总额)?(?:约|近|超|逾|达|为|共)?$")
_COUNTED = re.compile(r"[\d一二两三四五六七八九十百]+\s*[个只家大项]")
_LONGEST_RUN = 5  # batches a combined figure is told apart into ("其中开工…签约…竣工…")
_SAME = 0.005  # two figures within half a per cent are one figure written twice (or rounded)


@dataclass
class Tallies:
    figures: list[Candidate]
    counts: list[Candidate]


def tally_candidates(body: str, title_end: int, sentences: list[Sentence],
                     rule_total: int | None, rule_count: int | None) -> Tallies:
    """Every figure and count of ``body`` with their features; ``rule_total`` and ``rule_count``:
    the rules' answers, to stack on."""
    amounts = find_amounts(body)
    counts = find_counts(body)
    return Tallies(figure_candidates(body, title_end, sentences, amounts, counts, rule_total),
                   count_candidates(body, title_end, sentences, amounts, counts, rule_count))


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= _SAME * max(a, b)


def sum_relations(values: list[float | None]) -> tuple[set[int], set[int]]:
    """Which values are the sum of a run of 2–5 values that follow one another (in text order,
    wherever the run stands) and which are parts of such a run: (sums, parts)."""
    sums: set[int] = set()
    parts: set[int] = set()
    for start in range(len(values)):
        total = 0.0
        for end in range(start, min(len(values), start + _LONGEST_RUN)):
            if values[end] is None:
                break
            total += values[end]
            if end == start:
                continue
            run = range(start, end + 1)
            largest = max(values[i] for i in run)
            for k, v in enumerate(values):
                if v is not None and k not in run and v > largest and _same(v, total):
                    sums.add(k)
                    parts.update(run)
    return sums, parts


def _repeat_features(prefix: str, index: int, values: list[float | None], starts: list[int],
                     title_end: int) -> dict[str, float]:
    """Whether the value is written again: a title figure the body repeats, a body figure the title
    gave first, or twice in the body."""
    v = values[index]
    if v is None:
        return {}
    others = [starts[k] for k, w in enumerate(values) if k != index and w is not None and _same(v, w)]
    if not others:
        return {}
    if starts[index] < title_end:
        return {f"{prefix}title_value_in_body": 1.0}
    if any(s < title_end for s in others):
        return {f"{prefix}repeats_title": 1.0}
    return {f"{prefix}repeated": 1.0}


def figure_candidates(body: str, title_end: int, sentences: list[Sentence], amounts: list[Amount],
                      counts: list[Count], rule_total: int | None) -> list[Candidate]:
    """Every money figure with its features."""
    ranked = sorted({a.value for a in amounts if a.currency is None}, reverse=True)
    values = [a.value if a.currency is None else None for a in amounts]
    sums, parts = sum_relations(values)
    title_counts = {c.n for c in counts if c.start < title_end}
    most = max((c.n for c in counts if c.start >= title_end), default=None)
    owned = [owns(body, a) for a in amounts]
    # A page of several projects' own figures and no batch figure states no total
    invested = [a for a in amounts if a.start >= title_end and _INVESTED.search(body, max(0, a.start - 6), a.start)]
    batch = any(_COUNTED.search(body, sentence_at(sentences, a.start).start, a.start) for a in invested)
    page = f"f:page_invested={bucket(len(invested), (0, 1, 2))}_batch={'yes' if batch else 'no'}"
    owned_values = {a.value for a, own in zip(amounts, owned) if own and a.currency is None}
    out = []
    for n, a in enumerate(amounts):
        sentence = sentence_at(sentences, a.start)
        f = context_features(body, a.start, a.end, sentence, title_end, "f:")
        f[f"f:kind={a.kind}"] = 1.0
        f[f"f:qualifier={a.qualifier or 'none'}"] = 1.0
        if a.currency:
            f["f:foreign"] = 1.0
        else:
            f[f"f:rank={bucket(ranked.index(a.value), (0, 1, 2, 4))}"] = 1.0
            f[f"f:log10={bucket(math.log10(max(a.value, 1)), (7, 8, 9, 10, 11))}"] = 1.0
        f[f"f:order={bucket(n, (0, 1, 2, 4, 8))}"] = 1.0
        f[page] = 1.0
        for k in (3, 4, 6):  # the role cue: the characters just before
            f[f"f:before{k}={body[max(0, a.start - k):a.start]}"] = 1.0
        if rule_total is not None and a.currency is None and a.value == rule_total:
            f["f:rule_total"] = 1.0
        sentence_text = body[sentence.start:sentence.end]
        if re.search(r"\d+\s*个[^,;。]{0,8}项目|项目\s*\d+\s*个", sentence_text):
            f["f:sentence_counts_projects"] = 1.0
        if sum(1 for b in amounts if sentence.start <= b.start < sentence.end) > 1:
            f["f:shares_sentence"] = 1.0
        f.update(_repeat_features("f:", n, values, [b.start for b in amounts], title_end))
        if n in sums:
            f["f:sum_of_others"] = 1.0
        if n in parts:
            f["f:part_of_sum"] = 1.0
        # the projects counted beside it: the title's batch, or the body's largest
        beside = {c.n for c in counts if sentence.start <= c.start < sentence.end}
        if a.start >= title_end and beside & title_counts:
            f["f:sentence_count_in_title"] = 1.0
        if most is not None and most in beside:
            f["f:sentence_count_largest"] = 1.0
        if owned[n]:
            # a project's own figure is the total of a story of one project, not of a story of several
            f[f"f:owned_among={bucket(len(owned_values), (1, 2))}"] = 1.0
        out.append(Candidate("figure", a.start, a.end, a.raw, f, a.value, a))
    return out


def owns(body: str, amount: Amount) -> bool:
    """Whether a project's name stands right before or after the figure (in its clause)."""
    clause_start = max(body.rfind(c, 0, amount.start) for c in ",;。\n") + 1
    if _COUNTED.search(body, clause_start, amount.start):
        return False  # "这11个项目总投资12.2亿元": a batch's figure
    return bool(_OWNER_BEFORE.search(body, max(clause_start, amount.start - 12), amount.start)
                or _OWNER_AFTER.match(body, amount.end))


def count_candidates(body: str, title_end: int, sentences: list[Sentence], amounts: list[Amount],
                     counts: list[Count], rule_count: int | None) -> list[Candidate]:
    """Every written count with its features, then the sums of one sentence's batches."""
    values = [float(c.n) for c in counts]
    sums, parts = sum_relations(values)
    title_figures = [a.value for a in amounts if a.start < title_end and a.currency is None]
    out = []
    for n, c in enumerate(counts):
        sentence = sentence_at(sentences, c.start)
        f = context_features(body, c.start, c.end, sentence, title_end, "c:")
        f[f"c:noun={c.noun}"] = 1.0
        f[f"c:measure={c.measure or 'none'}"] = 1.0
        f[f"c:n={bucket(c.n, (1, 2, 5, 10, 30))}"] = 1.0
        f[f"c:order={bucket(n, (0, 1, 2, 4))}"] = 1.0
        for k in (2, 4):
            f[f"c:before{k}={body[max(0, c.start - k):c.start]}"] = 1.0
        if rule_count is not None and c.n == rule_count:
            f["c:rule_count"] = 1.0
        sentence_text = body[sentence.start:sentence.end]
        if re.search(r"[亿万]元", sentence_text):
            f["c:sentence_money"] = 1.0
        f.update(_repeat_features("c:", n, values, [d.start for d in counts], title_end))
        if n in sums:
            f["c:sum_of_others"] = 1.0
        if n in parts:
            f["c:part_of_sum"] = 1.0
        if c.start >= title_end and any(_same(a.value, t) for a in amounts
                                        if sentence.start <= a.start < sentence.end and a.currency is None
                                        for t in title_figures):
            f["c:sentence_figure_in_title"] = 1.0
        out.append(Candidate("count", c.start, c.end, body[c.start:c.end], f, c.n))
    return out + batch_sums(body, title_end, sentences, counts, rule_count)


def batch_sums(body: str, title_end: int, sentences: list[Sentence], counts: list[Count],
               rule_count: int | None) -> list[Candidate]:
    """The sum of the project counts of one sentence, where no count already says it: "共集中签约
    产业链项目13个、开工重点项目10个" holds 23 projects. Counts after 其中 or inside 除…外 break a
    batch down and are not batches of their own."""
    written = {c.n for c in counts}
    out = []
    for sentence in sentences:
        inside = [c for c in counts if sentence.start <= c.start < sentence.end and c.noun == "项目"
                  and not 0 <= sentence.after_qizhong < c.start
                  and not (sentence.except_span and sentence.except_span[0] <= c.start < sentence.except_span[1])]
        total = sum(c.n for c in inside)
        if len(inside) < 2 or total in written or any(2 * c.n == total for c in inside):
            continue  # the sum is written, here or elsewhere ("签约12个、开工8个,共20个项目")
        text = body[sentence.start:sentence.end]
        events = sum(1 for _, pattern in cues.EVENT_PATTERNS if pattern.search(text))
        f = {"c:batch_sum": 1.0, "c:bias": 1.0,
             f"c:batch_parts={bucket(len(inside), (2, 3))}": 1.0,
             f"c:batch_events={bucket(events, (0, 1, 2))}": 1.0,
             f"c:n={bucket(total, (1, 2, 5, 10, 30))}": 1.0,
             f"c:sentence_index={bucket(sentence.index, (0, 1, 2, 4, 8))}": 1.0}
        if sentence.start < title_end:
            f["c:in_title"] = 1.0
        if re.search(r"[亿万]元", text):
            f["c:sentence_money"] = 1.0
        if sentence.statistical:
            f["c:statistical"] = 1.0
        if rule_count is not None and total == rule_count:
            f["c:rule_count"] = 1.0
        out.append(Candidate("count", inside[0].start, inside[-1].end,
                             "+".join(str(c.n) for c in inside), f, total))
    return out
