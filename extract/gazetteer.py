"""Knowledge of places that is not in the administrative-division dictionary: development zones and
parks with the district that holds them, and divisions that no longer exist.

Both are data files in ``extract/data`` with the page each row was checked against
(``source``; "knowledge" where no page was found, 【不确定】 where the row is doubtful):

- ``parks.tsv``: name, aliases (``|``), province, city, district (empty when the zone spans several
  districts or is a statistical unit of its own), kind, level. 苏相合作区 → 相城区, 张江 → 浦东新区.
- ``former_divisions.tsv``: a unit, its province and city, the month it ended and what replaced it
  (海门市 → 海门区 in 2020-07). A page published before a county became a district of the same
  name speaks of the county: ``name_then`` gives a district the name it had then.
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


# "温岭市经济开发区", "郎溪县经济开发区": a county's name written in full before the zone's kind.
_COUNTY_IN_FULL = re.compile(r"^(\w{2})[市县区](?=\w*(?:开发区|高新区|经开区|园区|工业园))")


def known_spelling(name: str) -> tuple[str, Park] | None:
    """The spelling the gazetteer lists for ``name`` and its park: ``name`` itself, or ``name`` with
    its county written short ("温岭市经济开发区" → 温岭经济开发区, as an address in full is no part of a
    park's name); None for a park the gazetteer does not know."""
    for spelling in (name, _COUNTY_IN_FULL.sub(r"\1", name)):
        if spelling in parks():
            return spelling, parks()[spelling]
    return None


@lru_cache(maxsize=1)
def former_divisions() -> dict[str, list[FormerDivision]]:
    index: dict[str, list[FormerDivision]] = {}
    for row in _rows("former_divisions.tsv"):
        index.setdefault(row["name"], []).append(
            FormerDivision(row["name"], row["province"], row["city"], row["until"][:7], row["now"]))
    return index


@lru_cache(maxsize=1)
def _renamed() -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(city, district of today) → [(month it took the name, the name before)] for the units that
    only changed their suffix (江都市 → 江都区, 高淳县 → 高淳区); a merger or a split (卢湾区 →
    黄浦区, 余杭区 → 余杭区 + 临平区) renamed no place and is left out."""
    out: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for rows in former_divisions().values():
        for row in rows:
            now = re.sub(r"[(（].*", "", row.now.removeprefix(row.city))
            if "、" not in now and now != row.name and now[:-1] == row.name[:-1]:
                out.setdefault((row.city, now), []).append((row.until, row.name))
    return out


def name_then(city: str | None, district: str | None, published: str | None, text: str = "") -> str | None:
    """The name ``district`` of ``city`` had when a page was published (YYYY-MM…): "江都市" for
    扬州市 江都区 on a page of 2010, "江都区" on one of 2012. Of a page with no date, the name it
    writes: "江都市" where it writes that and never "江都区"."""
    if not (city and district):
        return district
    renamed = sorted(_renamed().get((city, district), []))
    if published and re.match(r"\d{4}-\d{2}", published):
        earlier = [name for until, name in renamed if published[:7] < until]
        return earlier[0] if earlier else district
    written = [name for _, name in renamed if name in text]
    return written[-1] if written and district not in text else district
