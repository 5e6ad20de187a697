"""The digest's one chart: disclosed investment by city (project counts when no amount was stated).

Drawn with matplotlib's object API on the Agg canvas (no display, no pyplot state shared between
digests) in a CJK font found through matplotlib's font manager; without one the city names would
be empty boxes, so that is logged loudly.
"""
from __future__ import annotations

import io
import logging

from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

log = logging.getLogger("yrdwatch.alerts")
# Debian's fonts-noto-cjk first (what .ci/run installs), then what other systems ship.
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
             "Microsoft YaHei", "PingFang SC", "SimHei")
BAR_COLOUR, TEXT_COLOUR = "#2f6f9f", "#333333"


def cjk_font() -> str | None:
    """The first installed CJK font family, or None."""
    for family in CJK_FONTS:
        try:
            font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
            return family
        except ValueError:
            continue
    return None


def bars(cities: list[dict]) -> tuple[list[tuple[str, float]], bool]:
    """What the chart draws of ``arrange``'s groups (city, total, count): (city, 亿元) per city with
    a yuan total, largest first, and True; or (city, projects) and False when no amount is in yuan.
    The totals are the digest's own, each project's ``project_amounts.yuan``."""
    by_amount = any(c["total"] for c in cities)
    if by_amount:  # the chart is of disclosed amounts: a city with none has no bar to show
        return [(c["city"], c["total"] / 1e8) for c in cities if c["total"]], True
    return [(c["city"], c["count"]) for c in cities], False


def investment_chart(cities: list[dict]) -> bytes:
    """PNG bytes of a horizontal bar per city (see :func:`bars`), largest on top."""
    family = cjk_font()
    if family is None:
        log.warning("no CJK font found (install fonts-noto-cjk): the chart's city names will not be readable")
    drawn, by_amount = bars(cities)
    labels, values = [label for label, _ in drawn], [value for _, value in drawn]
    figure = Figure(figsize=(7.2, 0.42 * len(drawn) + 1.3), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    font = {"family": family} if family else {}
    axes.barh(range(len(drawn)), values, color=BAR_COLOUR, height=0.6)
    axes.set_yticks(range(len(drawn)), labels, fontsize=10, **font)
    axes.invert_yaxis()  # the largest first, as in the digest
    for y, value in enumerate(values):
        axes.text(value, y, f" {value:,.2f}".rstrip("0").rstrip(".") if by_amount else f" {value}",
                  va="center", fontsize=9, color=TEXT_COLOUR, **font)
    axes.set_title("已披露投资额（亿元，按城市）" if by_amount else "新项目数（按城市，金额均未披露）",
                   fontsize=12, color=TEXT_COLOUR, loc="left", **font)
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_xlim(0, max(values or [1]) * 1.18 or 1)
    axes.tick_params(axis="x", labelsize=8)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
