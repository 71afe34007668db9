"""The portfolio table's columns and the cells of its rows (a project, or a group subtotal).

Runs in worker threads: Rich Text only, the language passed in.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from projtrack.core.figures import GroupFigures
from projtrack.core.groups import category_of
from projtrack.core.portfolio import ProjectView
from projtrack.core.terms import Flag, Status
from projtrack.core.types import CATEGORIES, FlagRules
from projtrack.i18n import t, term
from projtrack.tui import cells as c
from projtrack.tui.model import PageRow
from projtrack.tui.widgets.table import TableColumn

NAME_WIDTH = 28
REASON_WIDTH = 12  # "滞后12.3点" whole; more reasons are cut with ".."

# In the order they stand; ``priority`` says which a narrow terminal keeps (the flag, the name,
# the completion rate against time progress and the variance fit in 80 columns).
COLUMNS = (
    TableColumn("flag", "col.flag", 4, 3, priority=0),
    TableColumn("name", "col.name", NAME_WIDTH, 30, priority=1),
    TableColumn("phase", "col.phase", 4, 12, priority=5),
    TableColumn("total_investment", "col.total_investment", 10, numeric=True, priority=8),
    TableColumn("annual_plan", "col.annual_plan", 10, numeric=True, priority=7),
    TableColumn("actual_this_year", "col.actual_this_year", 10, numeric=True, priority=6),
    TableColumn("rate", "col.rate", 14, numeric=True, priority=2),
    TableColumn("actual_to_date", "col.actual_to_date", 10, numeric=True, priority=10),
    TableColumn("variance", "col.variance", 10, numeric=True, priority=3),
    TableColumn("reason", "col.reason", REASON_WIDTH, 11, priority=4),
    TableColumn("next_milestone", "col.next_milestone", 22, 30, priority=9),
    TableColumn("category", "col.category", 8, 12, priority=11),
    TableColumn("annex_class", "col.annex_class", 6, 11, priority=12),
    TableColumn("township", "col.township", 8, 12, priority=13),
    TableColumn("land_mu", "col.land_mu", 7, numeric=True, priority=15),
    TableColumn("new_places", "col.new_places", 6, numeric=True, priority=14),
)
ESSENTIAL = ("flag", "name", "rate", "variance")  # shown even when they do not all fit
SORTABLE = tuple(col.key for col in COLUMNS)

GROUP_STYLE = "bold #90caf9"
CN_NUMERALS = "一二三四五六七八九十"


def labels(lang: str, sort: str | None = None, descending: bool = False) -> list[Text]:
    """Column labels; the sorted column is underlined and says its direction."""
    out = []
    for col in COLUMNS:
        label = t("ui." + col.label, lang=lang)
        if col.key == sort:
            label += t("ui.sort.desc_mark" if descending else "ui.sort.asc_mark", lang=lang)
            out.append(Text(label, style="bold underline"))
        else:
            out.append(Text(label))
    return out


def project_cells(v: ProjectView, lang: str, rules: FlagRules) -> list[object]:
    f, fig = v.facts, v.figures
    w = {col.key: col.min_width(lang) for col in COLUMNS}
    withdrawn = f.status == Status.WITHDRAWN
    cells = {
        "flag": c.flag(fig.flag, lang) if not withdrawn else Text(t("ui.flag.withdrawn", lang=lang)),
        "name": Text(c.fit(f.name, w["name"]), style="dim strike" if withdrawn else ""),
        "phase": c.words(fig.phase, lang, w["phase"]),
        "total_investment": c.money(f.total_investment),
        "annual_plan": c.money(fig.annual_plan),
        "actual_this_year": c.money(fig.actual_this_year),
        "rate": c.rate_vs_time(fig.annual_completion_rate, fig.points_vs_time, rules),
        "actual_to_date": c.money(fig.actual_to_date),
        "variance": c.variance(fig.variance, fig.variance_rate, rules),
        "reason": c.reasons(fig, lang, w["reason"]) if not withdrawn else Text(c.BLANK),
        "next_milestone": c.milestone(fig.next_milestone, lang, w["next_milestone"]),
        "category": c.words(f.category, lang, w["category"]),
        "annex_class": c.words(f.annex_class, lang, w["annex_class"]),
        "township": c.fit(f.township or c.BLANK, w["township"]),
        "land_mu": c.number(f.land_mu, 1),
        "new_places": c.number(f.new_places),
    }
    return [cells[col.key] for col in COLUMNS]


def group_label(key: object, index: int, count: int, lang: str) -> str:
    word = term(str(key), lang)
    if lang == "zh":
        num = CN_NUMERALS[index] if index < len(CN_NUMERALS) else str(index + 1)
        return t("ui.group.label", lang=lang, num=num, name=word, n=count)
    return t("ui.group.label", lang=lang, num=index + 1, name=word, n=count)


def group_cells(label: str, g: GroupFigures, lang: str, rules: FlagRules) -> list[object]:
    def bold(text: Text) -> Text:
        text.stylize(GROUP_STYLE)
        return text

    cells = {
        "name": Text(c.fit(label, COLUMNS[1].min_width(lang)), style=GROUP_STYLE),
        "total_investment": bold(c.money(g.total_investment)),
        "annual_plan": bold(c.money(g.annual_plan)),
        "actual_this_year": bold(c.money(g.actual_this_year)),
        "rate": bold(c.rate_vs_time(g.annual_completion_rate, g.points_vs_time, rules)),
        "actual_to_date": bold(c.money(g.actual_to_date)),
        "variance": bold(c.variance(g.variance, g.variance_rate, rules)),
        "land_mu": bold(c.number(g.land_mu, 1)),
        "new_places": bold(c.number(g.new_places)),
    }
    return [cells.get(col.key, "") for col in COLUMNS]


def page_rows(rows: list[PageRow], group_index: dict[object, int], lang: str,
              rules: FlagRules) -> list[tuple[str, list[object]]]:
    out = []
    for row in rows:
        if row.view is not None:
            out.append((row.key, project_cells(row.view, lang, rules)))
        elif row.figures is not None:
            label = group_label(row.group, group_index.get(row.group, 0), row.figures.count, lang)
            out.append((row.key, group_cells(label, row.figures, lang, rules)))
    return out


def totals_text(g: GroupFigures, shown: int, lang: str, rules: FlagRules) -> Text:
    """The lines under the table: the totals of every project that passes the filter.  Each
    figure is written without a space inside, so a narrow terminal wraps between the
    figures, not inside one."""
    flags = g.flag_counts
    text = Text()
    text.append(t("ui.totals.count", lang=lang, n=f"{shown:,}"), style="bold")
    for code in (Flag.RED, Flag.YELLOW, Flag.GREEN):
        text.append(" ")
        text.append(f"{t('ui.flag.' + code, lang=lang)}{flags.get(code, 0)}",
                    style=c.FLAG_STYLES[code])
    parts = (
        ("ui.col.total_investment", c.money(g.total_investment)),
        ("ui.col.annual_plan", c.money(g.annual_plan)),
        ("ui.col.actual_this_year", c.money(g.actual_this_year)),
        ("ui.col.rate", c.rate_vs_time(g.annual_completion_rate, g.points_vs_time, rules)),
        ("ui.col.actual_to_date", c.money(g.actual_to_date)),
        ("ui.col.variance", c.variance(g.variance, g.variance_rate, rules)),
    )
    for key, value in parts:
        label = t(key, lang=lang)
        text.append("  " + label + (":" if lang == "zh" else ": "))
        value.justify = None
        text.append(value.plain.replace(" ", ""), style=value.style)
    return text


def first_rows(views: Sequence[ProjectView], grouped: bool, group_counts: dict[str, int],
               lang: str, rules: FlagRules, limit: int) -> list[tuple[str, list[object]]]:
    """The first screen's display rows before the portfolio is loaded (``services.firstpage``):
    each project's row exactly as ``page_rows`` makes it; in a grouped table, each group's row
    before its first project, with its label and count but its subtotals said to be pending
    (they need every project of the group).  At most ``limit`` rows."""
    out: list[tuple[str, list[object]]] = []
    group = None
    for v in views:
        if grouped and category_of(v.facts) != group:
            group = category_of(v.facts)
            place = CATEGORIES.index(group) if group in CATEGORIES else 0
            label = group_label(group, place, group_counts.get(str(group), 0), lang)
            out.append((f"group:{group}", pending_group_cells(label, lang)))
        out.append((str(v.id), project_cells(v, lang, rules)))
    return out[:limit]


def pending_group_cells(label: str, lang: str) -> list[object]:
    """A group's row whose subtotals are not worked out yet: its label, "loading" in them."""
    pending = t("ui.first.pending", lang=lang)
    cells = {"name": Text(c.fit(label, COLUMNS[1].min_width(lang)), style=GROUP_STYLE)}
    for col in COLUMNS:
        if col.numeric:
            cells[col.key] = Text(pending, style="dim", justify="right")
    return [cells.get(col.key, "") for col in COLUMNS]
