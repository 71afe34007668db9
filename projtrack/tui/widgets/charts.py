"""Charts drawn in the terminal with coloured blank cells and ASCII marks only (block and
box-drawing characters are ambiguous-width, see PITFALLS): the cumulative planned-versus-actual
curve of a project, and completion rate against time progress by group."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static

from projtrack.core.figures import GroupFigures, lag_level
from projtrack.core.money import format_rate, format_wan
from projtrack.core.terms import Flag
from projtrack.core.types import FlagRules
from projtrack.i18n import t
from projtrack.services.detail import Curve
from projtrack.tui import cells as c

if TYPE_CHECKING:
    from textual import getters

    from projtrack.tui.app import ProjtrackApp

ACTUAL_STYLE = "on #2e7d32"
PLAN_STYLE = "bold #fdd835"


def _cells(value: Decimal, top: Decimal, cells: int) -> int:
    if top <= 0:
        return 0
    return int((value * cells / top).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def curve_text(curve: Curve | None, width: int, height: int, lang: str) -> Text:
    """Months left to right; a green column is the cumulative actual, a yellow "=" the
    cumulative plan (PV) at that month end."""
    if curve is None or not curve.months or width < 20 or height < 4:
        return Text(t("ui.chart.no_data", lang=lang), style="dim")
    values = [v for v in curve.planned + curve.actual if v is not None]
    top = max(values + [Decimal(1)])
    axis = max(cell_len(format_wan(top, 0)), 3) + 1
    plot = width - axis
    n = len(curve.months)
    step = max(1, -(-n // plot))
    cols = list(range(step - 1, n, step))
    if cols[-1] != n - 1:
        cols.append(n - 1)
    per = max(1, min(3, plot // len(cols)))  # cells per column when there is room
    rows = height - 2
    text = Text()
    for r in range(rows):
        level = rows - r  # 1..rows, top row first
        label = format_wan(top, 0) if r == 0 else ("0" if r == rows - 1 else "")
        text.append(label.rjust(axis - 1) + " ", style="dim")
        for i in cols:
            a, p = curve.actual[i], curve.planned[i]
            filled = a is not None and a > 0 and _cells(a, top, rows) >= level
            mark = p > 0 and _cells(p, top, rows) == level
            text.append(("=" if mark else " ") * per, style=(ACTUAL_STYLE if filled else "") +
                        (" " + PLAN_STYLE if mark else ""))
        text.append("\n")
    text.append(" " * axis)
    line, free = [" "] * (len(cols) * per), 0
    for j, i in enumerate(cols):
        month, x = curve.months[i], j * per
        if x >= free and (j == 0 or month.month <= step):
            label = str(month.year)
            line[x:x + len(label)] = label
            free = x + len(label) + 1
    text.append("".join(line)[:plot] + "\n", style="dim")
    text.append("  ", style=ACTUAL_STYLE)
    text.append(" " + t("ui.chart.actual", lang=lang) + "   ")
    text.append("=", style=PLAN_STYLE)
    text.append(" " + t("ui.chart.planned", lang=lang))
    return text


def rate_bars(groups: dict[object, GroupFigures], labels: dict[object, str], width: int,
              lang: str, rules: FlagRules) -> Text:
    """One bar per group: the annual completion rate, "|" marking time progress."""
    if not groups:
        return Text(t("ui.chart.no_data", lang=lang), style="dim")
    label_w = max(cell_len(s) for s in labels.values()) + 1
    tail = 26
    bar_w = max(10, width - label_w - tail)
    rates = [g.annual_completion_rate for g in groups.values() if g.annual_completion_rate]
    scale = max([Decimal(1)] + rates)
    scale = min(scale, Decimal("1.5"))
    text = Text()
    for key, g in groups.items():
        label = labels[key]
        text.append(label + " " * (label_w - cell_len(label)))
        rate = g.annual_completion_rate
        level = lag_level(g.points_vs_time, rules)
        style = {Flag.RED: "on #c62828", Flag.YELLOW: "on #f9a825"}.get(level, "on #2e7d32")
        text.append_text(c.bar(rate / scale if rate is not None else None, bar_w, style,
                               marker=g.time_progress / scale))
        line = c.BLANK if rate is None else t("ui.chart.rate_line", lang=lang, rate=format_rate(rate),
                                              points=c.points(g.points_vs_time))
        text.append(" " + line, style=c.LEVEL_STYLES[level])
        text.append("\n")
    text.append(" " * label_w)
    text.append("|", style="bold")
    text.append(" " + t("ui.chart.time_progress", lang=lang,
                        tp=format_rate(next(iter(groups.values())).time_progress)), style="dim")
    return text


class CurveChart(Static):
    """The cumulative curve, redrawn to the widget's size."""

    if TYPE_CHECKING:  # self.app as the type checker should see it
        app = getters.app(ProjtrackApp)

    DEFAULT_CSS = "CurveChart { height: 1fr; min-height: 6; }"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.curve: Curve | None = None

    def set_curve(self, curve: Curve | None) -> None:
        self.curve = curve
        self.refresh(layout=True)

    def render(self) -> Text:
        size = self.content_size
        return curve_text(self.curve, size.width, size.height, self.app.lang)
