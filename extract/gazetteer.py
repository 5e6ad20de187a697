"""Knowledge of places that is not in the administrative-division dictionary: development zones and
parks with the district that holds them, and divisions that no longer exist.

Both are data files in ``extract/data`` with the page each row was checked against
(``source``; "knowledge" where no page was found, 【不确定】 where the row is doubtful):

- ``parks.tsv``: name, aliases (``|``), province, city, district (empty when the zone spans several
  districts or is a statistical unit of its own), kind, level. 苏相合作区 → 相城区, 张江 → 浦东新区.
- ``former_divisions.tsv``: a unit, its province and city, the month it ended and what replaced it
  (海门市 → 海门区 in 2020-07).
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Park:
    name: str
    province: str | None
    city: str | None
    district: str | None
    kind: str
    level: str


@dataclass(frozen=True)
class FormerDivision:
    name: str
    province: str
    city: str
    until: str  # YYYY-MM
    now: str


def _rows(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


@lru_cache(maxsize=1)
def parks() -> dict[str, Park]:
    """Every name and alias → its park."""
    index: dict[str, Park] = {}
    for row in _rows("parks.tsv"):
        park = Park(row["name"], row["province"] or None, row["city"] or None, row["district"] or None,
                    row["kind"], row["level"])
        for name in [row["name"], *filter(None, (row["aliases"] or "").split("|"))]:
            index.setdefault(name.strip(), park)
    return index


@lru_cache(maxsize=1)
def _park_pattern() -> re.Pattern:
    return re.compile("|".join(re.escape(n) for n in sorted(parks(), key=len, reverse=True) if len(n) >= 2))


def find_known_parks(text: str) -> list[tuple[int, int, Park]]:
    """(start, end, park) of every zone of the gazetteer that ``text`` names, longest name first."""
    return [(m.start(), m.end(), parks()[m.group(0)]) for m in _park_pattern().finditer(text)]


@lru_cache(maxsize=1)
def former_divisions() -> dict[str, list[FormerDivision]]:
    index: dict[str, list[FormerDivision]] = {}
    for row in _rows("former_divisions.tsv"):
        index.setdefault(row["name"], []).append(
            FormerDivision(row["name"], row["province"], row["city"], row["until"][:7], row["now"]))
    return index
