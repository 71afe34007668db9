"""分项统计 — the breakdowns by township, by responsible unit and by funding source — as report
data (``reports.model.Breakdowns``) and as tables: the one layout that the workbook's sheets,
the PDF's pages and ``projtrack breakdown`` (text and CSV) all print.

Every figure is core's (``GroupFigures``, ``core.funding``); here they are only copied and
laid out.  A table is (heading, column headers, rows, bold per row), a cell (raw value for
xlsx and CSV, text for the PDF and the terminal, kind: text | money | rate | points | int), as
``Fmt.forecast_tables`` makes them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping

from projtrack.core.figures import GroupFigures
from projtrack.core.funding import FundingBreakdown
from projtrack.core.terms import Flag
from projtrack.reports.export import _csv_cell
from projtrack.reports.model import BreakdownLine, Breakdowns, FundingLine, FundingTotals
from projtrack.reports.text import Fmt, display_width, points

KINDS = ("township", "unit", "funding")
GROUP_KEYS = ("group", "count", "total_investment", "annual_plan", "actual_this_year",
              "annual_rate", "time_progress", "vs_time", "variance", "red", "yellow",
              "new_places")
FUNDING_KEYS = ("source", "planned", "received", "received_rate", "payments", "payment_rate")

Cell = tuple[object, str, str]
Table = tuple[str, list[str], list[list[Cell]], list[bool]]


def line_of(key: str, g: GroupFigures) -> BreakdownLine:
    return BreakdownLine(
        key=key, count=g.count, total_investment=g.total_investment, annual_plan=g.annual_plan,
        actual_this_year=g.actual_this_year, annual_completion_rate=g.annual_completion_rate,
        time_progress=g.time_progress, points_vs_time=g.points_vs_time, variance=g.variance,
        red=g.flag_counts.get(Flag.RED, 0), yellow=g.flag_counts.get(Flag.YELLOW, 0),
        new_places=g.new_places)


def lines_of(groups: Mapping[str, GroupFigures]) -> tuple[BreakdownLine, ...]:
    return tuple(line_of(k, g) for k, g in groups.items())


def funding_lines(fb: FundingBreakdown) -> tuple[tuple[FundingLine, ...], FundingTotals]:
    return (tuple(FundingLine(s.source, s.planned, s.received, s.received_rate)
                  for s in fb.sources),
            FundingTotals(fb.planned, fb.received, fb.received_rate, fb.payments,
                          fb.payment_rate))


def breakdowns_of(total: GroupFigures, townships: Mapping[str, GroupFigures],
                  units: Mapping[str, GroupFigures], funding: FundingBreakdown) -> Breakdowns:
    lines, totals = funding_lines(funding)
    return Breakdowns(townships=lines_of(townships), units=lines_of(units),
                      total=line_of("", total), funding=lines, funding_total=totals)


# --- tables -------------------------------------------------------------------------------------
def _group_cells(fmt: Fmt, label: str, x: BreakdownLine) -> list[Cell]:
    return [(label, label, "text"), (x.count, f"{x.count:,}", "int"),
            (x.total_investment, fmt.money(x.total_investment), "money"),
            (x.annual_plan, fmt.money(x.annual_plan), "money"),
            (x.actual_this_year, fmt.money(x.actual_this_year), "money"),
            (x.annual_completion_rate, fmt.rate(x.annual_completion_rate), "rate"),
            (x.time_progress, fmt.rate(x.time_progress), "rate"),
            (points(x.points_vs_time), fmt.points(x.points_vs_time), "points"),
            (x.variance, fmt.money(x.variance), "money"),
            (x.red, f"{x.red:,}", "int"), (x.yellow, f"{x.yellow:,}", "int"),
            (x.new_places, f"{x.new_places:,}", "int")]


def group_table(fmt: Fmt, kind: str, lines: tuple[BreakdownLine, ...],
                total: BreakdownLine) -> Table:
    """By township or by unit: a line per group ((未填) last, as given), then the total."""
    names = [fmt.t(f"report.bd.{kind}")] + [fmt.t(f"report.bd.{k}") for k in GROUP_KEYS[1:]]
    rows = [_group_cells(fmt, x.key or fmt.t("report.bd.unfilled"), x) for x in lines]
    rows.append(_group_cells(fmt, fmt.t("report.grand_total"), total))
    named = sum(1 for x in lines if x.key)  # (未填) is no township
    return (fmt.t(f"report.bd.{kind}_head", n=named), names, rows,
            [False] * len(lines) + [True])


def funding_table(fmt: Fmt, lines: tuple[FundingLine, ...], total: FundingTotals) -> Table:
    """By source: plan, 到位 and 到位 ÷ plan; the total line adds 拨付 and 拨付 ÷ 到位 (a payment
    names no source)."""
    names = [fmt.t(f"report.bd.{k}") for k in FUNDING_KEYS]
    blank: list[Cell] = [(None, "—", "money"), (None, "—", "rate")]
    rows: list[list[Cell]] = []
    for x in lines:
        label = fmt.term(x.source) if x.source else fmt.t("report.bd.unfilled")
        rows.append([(label, label, "text"), (x.planned, fmt.money(x.planned), "money"),
                     (x.received, fmt.money(x.received), "money"),
                     (x.received_rate, fmt.rate(x.received_rate), "rate"), *blank])
    label = fmt.t("report.grand_total")
    rows.append([(label, label, "text"), (total.planned, fmt.money(total.planned), "money"),
                 (total.received, fmt.money(total.received), "money"),
                 (total.received_rate, fmt.rate(total.received_rate), "rate"),
                 (total.payments, fmt.money(total.payments), "money"),
                 (total.payment_rate, fmt.rate(total.payment_rate), "rate")])
    return (fmt.t("report.bd.funding_head"), names, rows, [False] * len(lines) + [True])


def breakdown_tables(fmt: Fmt, b: Breakdowns) -> list[tuple[str, Table]]:
    """The three tables, each with its kind: township, unit, funding."""
    return [("township", group_table(fmt, "township", b.townships, b.total)),
            ("unit", group_table(fmt, "unit", b.units, b.total)),
            ("funding", funding_table(fmt, b.funding, b.funding_total))]


# --- text and CSV (projtrack breakdown) ---------------------------------------------------------
def table_text(table: Table, title: str) -> str:
    """A table for the terminal: figures right-aligned, CJK counted two columns wide."""
    head, names, rows, _bold = table
    texts = [names] + [[text for _, text, _ in r] for r in rows]
    right = [kind != "text" for _, _, kind in rows[0]] if rows else [False] * len(names)
    width = [int(max(display_width(r[i]) for r in texts)) for i in range(len(names))]

    def line(cells: list[str]) -> str:
        out = []
        for i, cell in enumerate(cells):
            pad = " " * (width[i] - int(display_width(cell)))
            out.append(pad + cell if right[i] else cell + pad)
        return "  ".join(out).rstrip()

    body = [line(texts[0]), "  ".join("-" * w for w in width)] + [line(r) for r in texts[1:]]
    return "\n".join([title, head, *body]) + "\n"


def table_csv(table: Table) -> str:
    """A table as CSV: the column headers, then a row per line with the exact values (money
    as its plain digits, rates as exact fractions — 0.4 is 40 % — and 比序时 in percentage
    points), text escaped against formulas."""
    _head, names, rows, _bold = table
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(names)
    for r in rows:
        w.writerow([_csv_cell(value) for value, _, _ in r])
    return buf.getvalue()
