"""Publication dates written the Chinese way.

htmldate reads meta tags and URL/markup patterns well but does not know the labelled forms Chinese
CMS templates print above the body (``发布时间：2023-06-21 09:19``, ``2023年06月21日``,
``来源：上观区情 2018.7.5``), so those are read here first; htmldate is the fallback in ``page``.
"""
from __future__ import annotations

import re
from datetime import date, datetime

_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*(?P<sep>[-/.年])\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})(?!\d)\s*日?"
    r"(?:\s*(?P<H>\d{1,2})\s*[:：时]\s*(?P<M>\d{2})(?:\s*[:：分]\s*(?P<S>\d{2}))?)?"
)
# Labels that introduce the page's own date in Chinese templates; a bare 时间/日期 is accepted
# too because many government templates print just that.
_LABEL = re.compile(r"(?:(?:发布|发表|发文|成文|更新|上传)?(?:时间|日期)|发布于)\s*[:：]?\s*")


def _iso(m: re.Match) -> str | None:
    y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
    try:
        day = date(y, mo, d)
    except ValueError:
        return None
    if day > date.today().replace(year=date.today().year + 1):
        return None
    if m["H"] is None:
        return day.isoformat()
    try:
        return datetime(y, mo, d, int(m["H"]), int(m["M"]), int(m["S"] or 0)).isoformat()
    except ValueError:
        return day.isoformat()


def parse_date(text: str) -> str | None:
    """The first complete date in ``text`` as ISO ``YYYY-MM-DD[THH:MM:SS]``, else None."""
    for m in _DATE.finditer(text or ""):
        if (iso := _iso(m)) is not None:
            return iso
    return None


def find_labelled_date(text: str) -> str | None:
    """A date right after a 发布时间/发布日期/时间/日期 label (within a few characters)."""
    for label in _LABEL.finditer(text or ""):
        m = _DATE.match(text, label.end())
        if m and (iso := _iso(m)):
            return iso
    return None
