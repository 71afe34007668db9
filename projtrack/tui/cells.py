"""Display cells as Rich Text: money right-aligned, rates against time progress, coloured flags.

No Textual here.  Missing values show as "-" (an ASCII hyphen: "—" and "…" are ambiguous-width
characters that misalign in terminals drawing them wide, see PITFALLS); long names are cut to
their column with "..", measured in terminal cells (a Chinese character takes two).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from rich.cells import cell_len
from rich.text import Text

from projtrack.core.figures import Figures, MilestoneStatus, lag_level
from projtrack.core.money import format_rate, format_wan
from projtrack.core.terms import Flag, Reason
from projtrack.core.types import FlagRules
from projtrack.i18n import t, term

BLANK = "-"
FLAG_STYLES: dict[str, str] = {Flag.RED: "bold #ffffff on #c62828", Flag.YELLOW: "bold #000000 on #f9a825",
               Flag.GREEN: "bold #ffffff on #2e7d32"}
LEVEL_STYLES: dict[str, str] = {Flag.RED: "bold #ef5350", Flag.YELLOW: "#fbc02d", Flag.GREEN: ""}


def fit(text: str | None, width: int) -> str:
    """``text`` cut to ``width`` terminal cells (ending in "..")."""
    text = text or ""
    if cell_len(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = cell_len(ch)
        if used + w > width - 2:
            break
        out.append(ch)
        used += w
    return "".join(out) + ".."


def money(value: Decimal | None, decimals: int = 2, style: str = "") -> Text:
    return Text(format_wan(value, decimals, blank=BLANK), style=style, justify="right")


def number(value: Decimal | int | None, decimals: int = 0) -> Text:
    if value is None:
        return Text(BLANK, justify="right")
    return Text(format_wan(Decimal(value), decimals, blank=BLANK), justify="right")


def rate(value: Decimal | None, style: str = "") -> Text:
    return Text(format_rate(value, blank=BLANK), style=style, justify="right")


def points(value: Decimal | None) -> str:
    """A difference of two rates in percentage points, signed: "+3.2" / "-28.4"."""
    if value is None:
        return BLANK
    text = format_rate(value).rstrip("%")
    return text if text.startswith("-") else "+" + text


def rate_vs_time(rate_value: Decimal | None, points_vs_time: Decimal | None,
                 rules: FlagRules) -> Text:
    """Completion rate with its distance from time progress: "62.3% (-28.4)"."""
    if rate_value is None:
        return Text(BLANK, justify="right")
    level = lag_level(points_vs_time, rules)
    return Text(f"{format_rate(rate_value)} ({points(points_vs_time)})",
                style=LEVEL_STYLES[level], justify="right")


def variance_level(variance_rate: Decimal | None, rules: FlagRules) -> Flag:
    """``lag_level`` for a variance rate; never coloured when at or ahead of plan."""
    if variance_rate is not None and variance_rate >= 0:
        return Flag.GREEN
    return lag_level(variance_rate, rules)


def variance(value: Decimal, variance_rate: Decimal | None, rules: FlagRules) -> Text:
    return money(value, style=LEVEL_STYLES[variance_level(variance_rate, rules)])


def flag(code: str, lang: str) -> Text:
    return Text(f" {t('ui.flag.' + code, lang=lang)} ", style=FLAG_STYLES.get(code, ""))


def date(value: dt.date | None) -> str:
    return value.isoformat() if value else BLANK


def milestone(m: MilestoneStatus | None, lang: str, width: int = 24) -> Text:
    """The next milestone and its planned date; red when overdue."""
    if m is None:
        return Text(BLANK)
    label = f"{fit(term(m.name, lang), width - 11)} {date(m.planned)}"
    return Text(label, style=LEVEL_STYLES[Flag.RED] if m.overdue else "")


def words(word: str | None, lang: str, width: int | None = None) -> str:
    text = term(word, lang) if word else BLANK
    return fit(text, width) if width else text


def slip(days: int | None, overdue: bool = False) -> Text:
    if days is None:
        return Text(BLANK, justify="right")
    style = (LEVEL_STYLES[Flag.RED] if overdue or days > 30
             else LEVEL_STYLES[Flag.YELLOW] if days > 0 else "")
    return Text(f"{days:+d}" if days else "0", style=style, justify="right")


def bar(fraction: Decimal | None, width: int, style: str = "on #2e7d32",
        marker: Decimal | None = None, empty: str = "on #3a3a3a") -> Text:
    """A horizontal bar of coloured blank cells (safe in every terminal) for a fraction 0..1+;
    ``marker`` (a fraction) draws a "|" at that position, e.g. time progress."""
    def cells(part: Decimal) -> int:
        return int((Decimal(part) * width).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    text = Text()
    filled = 0 if fraction is None else max(0, min(width, cells(fraction)))
    mark = None if marker is None else max(0, min(width - 1, cells(marker) - 1))
    for i in range(width):
        ch = "|" if i == mark else " "
        text.append(ch, style=(style if i < filled else empty) + (" bold #ffffff" if ch == "|" else ""))
    return text


def reason(code: Reason, fig: Figures, lang: str) -> str:
    """One flag reason, short ("滞后12.3点", "停滞9周", "超概"), from the figures core flagged it
    with (nothing is judged again here)."""
    if code in (Reason.LAGGING, Reason.LAGGING_BADLY) and fig.points_vs_time is not None:
        return t("ui.reason.lagging", lang=lang,
                 points=format_rate(abs(fig.points_vs_time)).rstrip("%"))
    if code == Reason.STALLED:
        if fig.last_actual_date is None:
            return t("ui.reason.stalled_never", lang=lang)
        return t("ui.reason.stalled", lang=lang, weeks=(fig.as_of - fig.last_actual_date).days // 7)
    return t(f"ui.reason.{code}", lang=lang)


def reasons(fig: Figures, lang: str, width: int) -> Text:
    """Why a row is red or yellow: core's flag reasons (those that colour it), short, in core's
    order, within ``width`` (else the first and the count of the others, else cut); blank for a
    green row."""
    if fig.flag == Flag.GREEN:
        return Text(BLANK)
    said = [reason(r, fig, lang) for r in fig.flag_reasons if r != Reason.NO_PROGRESS_RATE]
    text = ("、" if lang == "zh" else ", ").join(said) or BLANK
    if cell_len(text) > width:  # the first whole and how many more ("滞后31.3点+1"), if it fits
        first = f"{said[0]}+{len(said) - 1}"
        text = first if cell_len(first) <= width else text
    return Text(fit(text, width), style=LEVEL_STYLES[fig.flag])
