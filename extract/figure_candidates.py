"""Every money figure and every project count of a page, with the features a model weighs
(``yrdwatch.extract.decide`` picks the headline event's total and count among them).

- **Figures**: every money amount (``yrdwatch.extract.money.find_amounts``), described by the characters
  before and after it, its role cue, its sentence and whether the rules took it as the total.
- **Counts**: every "N个项目" (``yrdwatch.extract.money.find_counts``), described the same way.
"""
from __future__ import annotations

import math
import re

from yrdwatch.extract.candidates import Candidate, Sentence, bucket, context_features, sentence_at
from yrdwatch.extract.money import find_amounts, find_counts


def figure_candidates(body: str, title_end: int, sentences: list[Sentence],
                      rule_total: int | None) -> list[Candidate]:
    """Every money figure with its features; ``rule_total``: the rules' total, to stack on."""
    amounts = find_amounts(body)
    ranked = sorted({a.value for a in amounts if a.currency is None}, reverse=True)
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
        for k in (3, 4, 6):  # the role cue: the characters just before
            f[f"f:before{k}={body[max(0, a.start - k):a.start]}"] = 1.0
        if rule_total is not None and a.currency is None and a.value == rule_total:
            f["f:rule_total"] = 1.0
        sentence_text = body[sentence.start:sentence.end]
        if re.search(r"\d+\s*个[^,;。]{0,8}项目|项目\s*\d+\s*个", sentence_text):
            f["f:sentence_counts_projects"] = 1.0
        if sum(1 for b in amounts if sentence.start <= b.start < sentence.end) > 1:
            f["f:shares_sentence"] = 1.0
        out.append(Candidate("figure", a.start, a.end, a.raw, f, a.value, a))
    return out


def count_candidates(body: str, title_end: int, sentences: list[Sentence],
                     rule_count: int | None) -> list[Candidate]:
    out = []
    for n, c in enumerate(find_counts(body)):
        sentence = sentence_at(sentences, c.start)
        end = c.start + len(str(c.n)) + 1
        f = context_features(body, c.start, end, sentence, title_end, "c:")
        f[f"c:noun={c.noun}"] = 1.0
        f[f"c:n={bucket(c.n, (1, 2, 5, 10, 30))}"] = 1.0
        f[f"c:order={bucket(n, (0, 1, 2, 4))}"] = 1.0
        for k in (2, 4):
            f[f"c:before{k}={body[max(0, c.start - k):c.start]}"] = 1.0
        if rule_count is not None and c.n == rule_count:
            f["c:rule_count"] = 1.0
        sentence_text = body[sentence.start:sentence.end]
        if re.search(r"[亿万]元", sentence_text):
            f["c:sentence_money"] = 1.0
        out.append(Candidate("count", c.start, end, body[c.start:end], f, c.n))
    return out
