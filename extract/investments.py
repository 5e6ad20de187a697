"""Each project's own investment: the figure the text states for it alone.

"总投资X亿元的Y项目", "投资10亿元的Y项目", or a figure in the clause that names the project or the next
one ("Y项目,总投资12亿元"), anywhere in a sentence the project opens ("1. Y项目,由……建设,计划总投资22亿元");
never a figure that covers a batch ("投资136.6亿元的A、B等21个产业项目") or a sentence naming other
projects too.
"""
from __future__ import annotations

import re

from yrdwatch.extract.money import Amount
from yrdwatch.extract.projects import ENUMERATOR, Name, sentence_end, sentence_start


def project_investments(body: str, names: list[Name], amounts: list[Amount], total: Amount | None,
                        count: int | None = None) -> list[tuple[Name, Amount | None]]:
    """Each project with the investment stated for it alone: "总投资X亿元的Y项目", or a figure in the
    clause of its mention or the next clause, in a sentence where no other project is named (a list
    names them all; a later "其中,Y项目总投资X亿元", naming no other, then gives Y's); the headline
    total for a lone headline project, unless the event counts more projects than that one."""
    invested = [a for a in amounts if a.kind in ("total", "investment")]
    event_names = [n for n in names if n.source == "event"]
    result = []
    for name in names:
        own = _stated_before(body, name, invested) or next(
            (a for pos in _occurrences(body, name) if (a := _stated_in_sentence(body, pos, name, names, invested))),
            None)
        if own is None and total and len(event_names) == 1 and name is event_names[0] and not (count and count > 1):
            own = total
        result.append((name, own))
    return result


def _occurrences(body: str, name: Name):
    """Where ``name`` is written: its own place first, then every other place, in order."""
    yield name.start
    pos = body.find(name.text)
    while pos >= 0:
        if pos != name.start:
            yield pos
        pos = body.find(name.text, pos + len(name.text))


def _stated_before(body: str, name: Name, invested: list[Amount]) -> Amount | None:
    """The figure of "总投资32亿元的Y项目" or "投资10亿元的Y项目" for ``name``, unless the figure is for a
    batch that the name only opens ("投资136.6亿元的A、B等21个产业项目")."""
    if _OPENS_A_BATCH.match(body, name.start + len(name.text)):
        return None
    return next((a for a in invested if body[a.end:name.start] == "的"), None)


_OPENS_A_BATCH = re.compile(r"、[^,;。]*?等\s*(?:\d+|[二三四五六七八九十两]+[十百]?)\s*[个项家批]")


_OPENS = re.compile(rf"\s*{ENUMERATOR}?\s*")


def _stated_in_sentence(body: str, pos: int, name: Name, names: list[Name],
                        invested: list[Amount]) -> Amount | None:
    start, end = sentence_start(body, pos), sentence_end(body, pos)
    # Where the name was found, another name found in the same sentence shares it; elsewhere any
    # other name written there does.
    if any(n is not name and (start <= n.start < end if pos == name.start else n.text in body[start:end])
           for n in names):
        return None
    clause_start = max(start, max(body.rfind(c, 0, pos) for c in ",:") + 1)
    reach = [m.start() for m in re.finditer(r"[,:]", body[pos:end])]
    # A figure in the clause of the name or the next; anywhere in a sentence the name opens.
    reach_end = pos + reach[1] if len(reach) > 1 and not _OPENS.fullmatch(body, start, pos) else end
    return next((a for a in invested if clause_start <= a.start < reach_end), None)
