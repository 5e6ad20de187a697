"""extract.figure_candidates: the relations that tell a headline total and count from their
neighbours, as input → expected tables."""
import pytest

from yrdwatch.extract.candidates import sentences_of
from yrdwatch.extract.figure_candidates import batch_sums, owns, sum_relations, tally_candidates
from yrdwatch.extract.money import find_amounts, find_counts


@pytest.mark.parametrize("values, sums, parts", [
    ([909, 651.7, 257.57], {0}, {1, 2}),  # a combined total and its two batches
    ([651.7, 257.57, 909], {2}, {0, 1}),  # the batches first
    ([232.8, 100.1, 85.2, 47.5], {0}, {1, 2, 3}),  # three batches
    ([245, 155, 90], {0}, {1, 2}),
    ([100, 30, 20], set(), set()),  # no run adds up
    ([50, 25, 25], {0}, {1, 2}),
    ([120, None, 70, 50], {0}, {2, 3}),  # a foreign figure breaks no later run
    ([70, None, 50, 120], set(), set()),  # nor joins one across it
])
def test_sum_relations(values, sums, parts):
    assert sum_relations(values) == (sums, parts)


@pytest.mark.parametrize("text, owned", [
    ("淮南高新区零碳示范园区项目总投资55亿元,计划分三期建设", True),
    ("总投资20亿元的法兰泰克智能起重机项目在吴兴破土动工", True),
    ("本次集中签约的项目有65个,总投资354.2亿元,既有制造业", False),
    ("这11个项目总投资12.2亿元,总用地270余亩", False),
    ("全市一季度固定资产投资完成61亿元", False),
])
def test_owns(text, owned):
    [amount] = find_amounts(text)
    assert owns(text, amount) is owned


@pytest.mark.parametrize("text, sums", [
    ("共集中签约产业链项目13个、开工重点项目10个,总投资96.7亿元。", [23]),
    ("当天,松江区25个重大产业项目签约、5个项目开工,总投资285亿元。", [30]),
    ("开工项目25个,其中工业项目10个、服务业项目8个。", []),  # a breakdown after 其中 is no batch
    ("签约项目12个、开工项目8个,共20个项目总投资50亿元。", []),  # the sum is written already
])
def test_batch_sums(text, sums):
    assert [c.value for c in batch_sums(text, 0, sentences_of(text), find_counts(text), None)] == sums


def test_title_total_repeated_and_made_of_batches():
    body = ("安巢经开区113个项目集中签约开工 总投资909亿元\n"
            "本次集中签约的项目有70个,总投资651.7亿元;集中开工的项目43个,总投资257.57亿元。")
    title_end = body.index("\n")
    tallies = tally_candidates(body, title_end, sentences_of(body), None, None)
    features = {c.value: c.features for c in tallies.figures}
    assert "f:sum_of_others" in features[90_900_000_000]
    assert "f:in_title" in features[90_900_000_000]
    assert "f:part_of_sum" in features[65_170_000_000]
    counts = {c.value: c.features for c in tallies.counts}
    assert "c:sum_of_others" in counts[113] and "c:part_of_sum" in counts[70]


@pytest.mark.parametrize("body, page", [
    # two projects, each with its own figure, and no batch: no total is stated
    ("X\n据了解,零碳示范园区项目总投资55亿元;电池生产制造项目计划总投资约60亿元。", "f:page_invested=≤2_batch=no"),
    # a batch's figure beside a project's own
    ("X\n本次签约的项目有65个,总投资354.2亿元;其中A项目总投资20亿元。", "f:page_invested=≤2_batch=yes"),
    ("X\n项目总投资2.9亿元,年产值6亿元。", "f:page_invested=≤1_batch=no"),
])
def test_the_page_says_how_many_figures_are_investments(body, page):
    tallies = tally_candidates(body, body.index("\n"), sentences_of(body), None, None)
    assert all(page in c.features for c in tallies.figures)
