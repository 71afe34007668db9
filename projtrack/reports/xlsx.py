"""The weekly report as a workbook that is ready to print as it is.

Five sheets — summary (with a native chart), detail, milestones, changes, forecasts — each A4 landscape,
fit to one page wide (as many pages tall as needed), header rows repeated on every page, page
numbers and the print date in the footer, the header frozen.  Colours are light fills that
print as greys, and every flag and every ahead/behind figure also carries text (红/黄/绿, ▲/▼),
so a black-and-white copy loses nothing.  Every text cell is written as text, never as a
formula, whatever it starts with.  Renders a ``WeeklyReport``; no queries here.

A sheet of 10,000 projects is 180,000 cells, so the big tables are written the quick way with
exactly the same result: rows that look alike share the styles worked out for the first of
them (``reports.xlsxstyles.Looks``), and the garbage collector rests while the workbook is built and saved
(``projtrack.gcpause``).
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties

from projtrack import marks
from projtrack.gcpause import collector_paused
from projtrack.i18n import t
from projtrack.reports.breakdown import breakdown_tables
from projtrack.reports.model import Totals, WeeklyReport
from projtrack.reports.text import Fmt, display_width, main_columns, points
from projtrack.reports.xlsxstyles import BOLD, FILLS, Looks, put, style_row


def footer_text(text: str) -> str:
    return text.replace("&", "&&")


def page_setup_basic(ws, title: str, period: str, lang: str, title_rows: str | None) -> None:
    """A4 landscape, one page wide, ``title_rows`` repeated, footer: title and period, page
    N of M, print date."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top, ws.page_margins.bottom = 0.5, 0.6
    ws.page_margins.footer = 0.3
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddFooter.left.text = footer_text(f"{title} {period}")
    ws.oddFooter.left.size = 8
    # the catalog's {page}/{pages}/{date} become the codes &P, &N, &D; a literal & becomes &&
    code = "\x00"
    ws.oddFooter.center.text = footer_text(t("report.footer_page", lang=lang, page=code + "P",
                                             pages=code + "N")).replace(code, "&")
    ws.oddFooter.center.size = 8
    ws.oddFooter.right.text = footer_text(t("report.footer_printed", lang=lang,
                                            date=code + "D")).replace(code, "&")
    ws.oddFooter.right.size = 8


A4_LANDSCAPE_WIDTH_IN = 297 / 25.4  # inches
_DIGIT_PX = 7  # the default font's (Calibri 11) widest digit, in pixels at 96 dpi


def print_scale(ws) -> float:
    """The scale a spreadsheet prints ``ws`` at when it is fitted one A4 landscape page wide:
    the printable width (the paper less the left and right margins) over the width of its
    columns (each ``width`` characters → ``width × 7 + 5`` pixels of 0.75 pt), at most 1.
    Hidden columns take no room; columns without a width have the default 8.43."""
    from openpyxl.utils import get_column_letter as letter

    last = ws.max_column
    points = 0.0
    for i in range(1, last + 1):
        dim = ws.column_dimensions.get(letter(i))
        if dim is not None and dim.hidden:
            continue
        width = dim.width if dim is not None and dim.width else 8.43
        points += (width * _DIGIT_PX + 5) * 0.75
    printable = (A4_LANDSCAPE_WIDTH_IN - ws.page_margins.left - ws.page_margins.right) * 72
    return min(1.0, printable / points) if points else 1.0


def page_setup(ws, fmt: Fmt, report: WeeklyReport, title_rows: str | None) -> None:
    page_setup_basic(ws, fmt.title(report), report.period, fmt.lang, title_rows)


def _title(ws, fmt: Fmt, report: WeeklyReport, width: int, printed_on: dt.date,
           note: str | None = None) -> None:
    last = get_column_letter(width)
    put(ws, 1, 1, fmt.title(report) + (fmt.t("report.draft_mark") if report.draft else ""))
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(f"A1:{last}1")
    ws.row_dimensions[1].height = 26
    put(ws, 2, 1, fmt.subtitle(report))
    ws["A2"].alignment = Alignment(horizontal="center")
    ws.merge_cells(f"A2:{last}2")
    put(ws, 3, 1, (note + "    " if note else "") + fmt.issued_line(report, printed_on))
    ws["A3"].alignment = Alignment(horizontal="right")
    ws["A3"].font = Font(size=9)
    ws.merge_cells(f"A3:{last}3")


def fit_height(ws, row: int, widths: dict[int, float], line: float = 14.5) -> None:
    """Spreadsheets do not grow a row for wrapped text written by a program: set the height
    from the longest wrapped text of the row (``widths``: column → width in characters)."""
    _fit(ws, row, [(ws.cell(row=row, column=col).value, width) for col, width in widths.items()],
         line)


def _fit(ws, row: int, texts: list[tuple[object, float]], line: float = 14.5) -> None:
    """``fit_height`` from the row's (value, column width) pairs."""
    lines = 1
    for value, width in texts:
        if isinstance(value, str) and value:
            # a CJK character is about 1.7 character widths of the default font
            lines = max(lines, math.ceil(display_width(value, 1.7) / max(width - 0.5, 1)))
    if lines > 1:
        ws.row_dimensions[row].height = line * lines + 2


def _header(ws, row: int, names: list[str], groups: list[str] | None = None) -> None:
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    if groups:
        start = 1
        for col in range(1, len(groups) + 2):
            if col == len(groups) + 1 or groups[col - 1] != groups[start - 1]:
                put(ws, row, start, groups[start - 1])
                if col - 1 > start:
                    ws.merge_cells(start_row=row, start_column=start, end_row=row, end_column=col - 1)
                start = col
        style_row(ws, row, len(names), FILLS["header"], bold=True)
        for col in range(1, len(names) + 1):
            ws.cell(row=row, column=col).alignment = centre
        row += 1
    for col, name in enumerate(names, 1):
        put(ws, row, col, name)
    style_row(ws, row, len(names), FILLS["header"], bold=True)
    for col in range(1, len(names) + 1):
        ws.cell(row=row, column=col).alignment = centre
    ws.row_dimensions[row].height = 30


# --- sheets ---------------------------------------------------------------------------------------
def _detail(wb: Workbook, fmt: Fmt, report: WeeklyReport, printed_on: dt.date) -> None:
    ws = wb.create_sheet(fmt.t("report.sheet.detail"))
    cols = main_columns(fmt.lang, report.kind)
    _title(ws, fmt, report, len(cols), printed_on, note=fmt.t("report.units_note"))
    _header(ws, 4, [c.header for c in cols], [c.group for c in cols])
    wrapped = [i for i, c in enumerate(cols) if c.kind == "text"]
    looks = Looks(ws)
    row = 6

    def style(row: int, fill, bold: bool, flag: str | None) -> None:
        style_row(ws, row, len(cols), fill, bold)
        for col, c in enumerate(cols, 1):
            cell = ws.cell(row=row, column=col)
            if c.kind in ("money", "rate", "points", "int"):
                cell.alignment = Alignment(horizontal="right", vertical="center")
            elif c.key in ("name", "flag_reasons"):
                cell.alignment = Alignment(vertical="center", wrap_text=True)
            else:
                cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            if c.key == "flag" and flag:
                cell.fill = FILLS[flag]
                cell.font = Font(bold=flag != "green")

    def emit(cells: dict[str, tuple[object, str]], fill, bold: bool, flag: str | None = None):
        nonlocal row
        # fills are the module-level FILLS (or None), so their ids are stable keys
        written = looks.row(row, [(cells[c.key][0], c.kind) for c in cols], (id(fill), bold, flag),
                            lambda r: style(r, fill, bold, flag))
        _fit(ws, row, [(written[i].value, cols[i].width) for i in wrapped])
        row += 1

    emit(fmt.total_cells(fmt.t("report.grand_total"), report.summary), FILLS["total"], True)
    seq = 0
    for i, cat in enumerate(report.categories):
        n = cat.totals.count
        emit(fmt.total_cells(fmt.category_label(i, cat.category, n), cat.totals),
             FILLS["category"], True)
        for j, block in enumerate(cat.classes):
            emit(fmt.total_cells(fmt.class_label(j, block.annex_class, block.totals.count),
                                 block.totals), FILLS["class"], True)
            for r in block.rows:
                seq += 1
                emit(fmt.row_cells(r, seq), None, False, flag=r.flag)
    for col, c in enumerate(cols, 1):
        ws.column_dimensions[get_column_letter(col)].width = c.width
    ws.freeze_panes = "C6"
    ws.auto_filter.ref = None
    page_setup(ws, fmt, report, "4:5")


def _category_table(ws, fmt: Fmt, report: WeeklyReport, top: int) -> tuple[int, int]:
    """学段 | 项目数 | 本年计划 | 本年完成 | 年度完成率 | 序时进度 | 比序时 | 红 | 黄 | 绿; returns the
    first and last data rows (the chart's source)."""
    return _totals_table(ws, fmt, "category", [(fmt.term(cat.category), cat.totals)
                                               for cat in report.categories],
                         report.summary, top)


def _county_table(ws, fmt: Fmt, report: WeeklyReport, top: int) -> tuple[int, int]:
    """A city's consolidated report: 区县 | the category table's columns, a line per county
    (每县一行), the total line the city's (the sum of the counties)."""
    assert report.counties is not None
    return _totals_table(ws, fmt, "county", [(c.county or fmt.t("report.bd.unfilled"), c.totals)
                                             for c in report.counties],
                         report.summary, top)


def _totals_table(ws, fmt: Fmt, first: str, lines: list[tuple[str, Totals]], total: Totals,
                  top: int) -> tuple[int, int]:
    """A line of figures per group (``first``: the first column's heading, report.cat.<first>),
    then the total line; returns the first and last group rows."""
    names = [fmt.t(f"report.cat.{k}") for k in (first, "count", "annual_plan",
                                                  "actual_this_year", "annual_rate",
                                                  "time_progress", "vs_time", "red", "yellow",
                                                  "green")]
    _header(ws, top, names)
    row = top + 1

    def line(label: str, s: Totals, bold: bool):
        nonlocal row
        values = [(label, None), (s.count, "int"), (s.annual_plan, "money"),
                  (s.actual_this_year, "money"), (s.annual_completion_rate, "rate"),
                  (s.time_progress, "rate"), (points(s.points_vs_time), "points"),
                  (s.flag_counts.get("red", 0), "int"), (s.flag_counts.get("yellow", 0), "int"),
                  (s.flag_counts.get("green", 0), "int")]
        for col, (v, kind) in enumerate(values, 1):
            put(ws, row, col, v, kind)
        style_row(ws, row, len(values), FILLS["total"] if bold else None, bold)
        row += 1

    for label, totals in lines:
        line(label, totals, False)
    last = row - 1
    line(fmt.t("report.grand_total"), total, True)
    return top + 1, last


def _chart(ws, fmt: Fmt, first: int, last: int, anchor: str) -> None:
    bar = BarChart()
    bar.type = "col"
    bar.title = fmt.t("report.chart_title")
    bar.y_axis.title = fmt.t("report.chart_axis")
    bar.y_axis.number_format = "0%"
    bar.y_axis.scaling.min = 0
    bar.y_axis.majorGridlines = None
    bar.x_axis.delete = False
    bar.y_axis.delete = False
    cats = Reference(ws, min_col=1, min_row=first, max_row=last)
    bar.add_data(Reference(ws, min_col=5, min_row=first - 1, max_row=last), titles_from_data=True)
    bar.set_categories(cats)
    bar.series[0].graphicalProperties.solidFill = "595959"  # dark grey: prints the same in B/W
    bar.dataLabels = DataLabelList(showVal=True, showSerName=False, showCatName=False,
                                   showLegendKey=False, showPercent=False, numFmt="0.0%",
                                   dLblPos="outEnd")
    line = LineChart()
    line.add_data(Reference(ws, min_col=6, min_row=first - 1, max_row=last), titles_from_data=True)
    line.set_categories(cats)
    s = line.series[0]
    s.graphicalProperties.line.solidFill = "000000"
    s.graphicalProperties.line.dashStyle = "dash"
    s.graphicalProperties.line.width = 28575
    s.marker.symbol = "diamond"
    s.marker.graphicalProperties.solidFill = "000000"
    line.y_axis.axId = bar.y_axis.axId  # one scale for both: the rate is read against the line
    line.y_axis.delete = True
    bar += line
    bar.legend.position = "b"
    bar.height, bar.width = 11, 24
    ws.add_chart(bar, anchor)


def _summary(wb: Workbook, fmt: Fmt, report: WeeklyReport, printed_on: dt.date) -> None:
    ws = wb.active
    ws.title = fmt.t("report.sheet.summary")
    width = 10
    _title(ws, fmt, report, width, printed_on)
    _brief(ws, fmt, report, width, (14, 8, 13, 13, 11, 11, 10, 7, 7, 7))
    put(ws, 5, 1, fmt.t("report.section.summary"))
    ws["A5"].font = Font(bold=True, size=12)
    row = 6
    for label, text, raw, kind in fmt.summary_items(report.summary):
        put(ws, row, 1, label).font = BOLD
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
        if kind in ("money", "rate", "int") and raw is not None:
            put(ws, row, 4, raw, kind).alignment = Alignment(horizontal="left")
            if kind == "money":
                put(ws, row, 5, fmt.t("report.unit_wan"))
        else:
            put(ws, row, 4, text)
            ws.merge_cells(start_row=row, start_column=4, end_row=row, end_column=width)
        for col in range(1, width + 1):
            ws.cell(row=row, column=col).border = Border(bottom=Side(style="hair", color="A0A0A0"))
        row += 1
    rules = fmt.rules_line(report)
    if rules is not None:  # the rules the flags were worked out with, under the summary
        put(ws, row, 1, rules)
        ws.cell(row=row, column=1).font = Font(size=9)
        ws.cell(row=row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        _fit(ws, row, [(rules, sum((14, 8, 13, 13, 11, 11, 10, 7, 7, 7)))], line=13)
        row += 1
    row += 1
    if report.counties is not None:  # a city's consolidated report: a line per county
        put(ws, row, 1, fmt.t("report.section.by_county")).font = Font(bold=True, size=12)
        _, last_county = _county_table(ws, fmt, report, row + 1)
        row = last_county + 3
    put(ws, row, 1, fmt.t("report.section.by_category")).font = Font(bold=True, size=12)
    first, last = _category_table(ws, fmt, report, row + 1)
    chart_row = last + 3
    ws.row_breaks.append(Break(id=chart_row - 1))  # the chart gets a page of its own
    put(ws, chart_row, 1, fmt.t("report.section.chart")).font = Font(bold=True, size=12)
    _chart(ws, fmt, first, last, f"A{chart_row + 1}")
    for col, w in enumerate((14, 8, 13, 13, 11, 11, 10, 7, 7, 7), 1):
        ws.column_dimensions[get_column_letter(col)].width = w
    page_setup(ws, fmt, report, None)


def _brief(ws, fmt: Fmt, report: WeeklyReport, width: int, widths: tuple[float, ...]) -> None:
    """The 通报 paragraph (``reports.brief``) in row 4, merged across the sheet and wrapped, the
    row as tall as its lines."""
    from projtrack.reports.brief import brief_text

    put(ws, 4, 1, brief_text(report, fmt.lang))
    ws["A4"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=4, start_column=1, end_row=4, end_column=width)
    _fit(ws, 4, [(ws["A4"].value, sum(widths))], line=15)


def _milestones(wb: Workbook, fmt: Fmt, report: WeeklyReport, printed_on: dt.date) -> None:
    ws = wb.create_sheet(fmt.t("report.sheet.milestones"))
    keys = ("seq", "project", "township", "unit", "milestone", "planned", "days")
    names = [fmt.t(f"report.ms.{k}") for k in keys]
    _title(ws, fmt, report, len(keys), printed_on)
    _header(ws, 4, names)
    looks = Looks(ws)

    def style(row: int, kind: str) -> None:
        style_row(ws, row, len(keys), None)
        if kind == "overdue":
            ws.cell(row=row, column=7).fill = FILLS["yellow"]

    row = 5
    for kind in ("overdue", "due_soon"):
        alerts = [a for a in report.milestones if a.kind == kind]
        put(ws, row, 1, fmt.t(f"report.section.{kind}", n=len(alerts)))
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(keys))
        style_row(ws, row, len(keys), FILLS["class"], bold=True)
        row += 1
        if not alerts:
            put(ws, row, 1, fmt.t("report.none"))
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(keys))
            row += 1
        for i, a in enumerate(alerts, 1):
            values = [(i, "int"), (a.project, None), (a.township or "", None),
                      (a.responsible_unit or "", None), (fmt.term(a.milestone), None),
                      (a.planned.isoformat(), None), (fmt.alert_days(a), None)]
            cells = looks.row(row, values, (kind,), lambda r, kind=kind: style(r, kind))
            _fit(ws, row, [(cells[1].value, 40), (cells[3].value, 16)])
            row += 1
    for col, w in enumerate((5, 40, 10, 16, 12, 12, 14), 1):
        ws.column_dimensions[get_column_letter(col)].width = w
    ws.freeze_panes = "A5"
    page_setup(ws, fmt, report, "4:4")


def _forecasts(wb: Workbook, fmt: Fmt, report: WeeklyReport, printed_on: dt.date) -> None:
    """预测与风险: one sheet, its tables one under another (none for a report frozen before
    forecasts were reported)."""
    if report.forecasts is None:
        return
    ws = wb.create_sheet(fmt.t("report.sheet.forecast"))
    width = 6
    _title(ws, fmt, report, width, printed_on)
    row = 4
    for head, names, rows, bold in fmt.forecast_tables(report.forecasts):
        put(ws, row, 1, head).font = Font(bold=True, size=12)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        row += 1
        _header(ws, row, names)
        row += 1
        if not rows:
            put(ws, row, 1, fmt.t("report.none"))
            row += 2
            continue
        for cells, b in zip(rows, bold, strict=True):
            for col, (value, _text, kind) in enumerate(cells, 1):
                put(ws, row, col, value, None if kind == "text" else kind)
            style_row(ws, row, len(cells), FILLS["total"] if b else None, bold=b)
            row += 1
        row += 1
    for col, w in enumerate((14, 40, 14, 16, 16, 14), 1):
        ws.column_dimensions[get_column_letter(col)].width = w
    page_setup(ws, fmt, report, None)


def _changes(wb: Workbook, fmt: Fmt, report: WeeklyReport, printed_on: dt.date) -> None:
    ws = wb.create_sheet(fmt.t("report.sheet.changes"))
    width = 6
    _title(ws, fmt, report, width, printed_on)
    ch = report.changes
    if ch.previous_period is None:
        put(ws, 5, 1, fmt.t("report.no_previous"))
        page_setup(ws, fmt, report, None)
        ws.column_dimensions["C"].width = 40
        return
    put(ws, 4, 1, fmt.compared_line(report))
    ws.merge_cells(start_row=4, start_column=1, end_row=4, end_column=width)
    names = [fmt.t(f"report.rate.{k}") for k in ("category", "old", "new", "move", "old_tp", "new_tp")]
    _header(ws, 5, names)
    row = 6
    for m in ch.rates:
        move = None if m.old is None or m.new is None else points(m.new - m.old)
        label = fmt.term(m.key) if m.key else fmt.t("report.grand_total")
        values = [(label, None), (m.old, "rate"), (m.new, "rate"), (move, "points"),
                  (m.old_time_progress, "rate"), (m.new_time_progress, "rate")]
        for col, (v, k) in enumerate(values, 1):
            put(ws, row, col, v, k)
        style_row(ws, row, width, FILLS["total"] if not m.key else None, bold=not m.key)
        row += 1
    row += 1
    put(ws, row, 1, fmt.t("report.section.changes", n=len(ch.items))).font = Font(bold=True, size=12)
    row += 1
    _header(ws, row, [fmt.t(f"report.chg.{k}") for k in ("seq", "what", "project", "detail")])
    row += 1
    if not ch.items:
        put(ws, row, 1, fmt.t("report.no_changes"))
    looks = Looks(ws)

    def style(row: int, fill: str | None) -> None:
        style_row(ws, row, 4, None)
        if fill:
            ws.cell(row=row, column=2).fill = FILLS[fill]

    for i, c in enumerate(ch.items, 1):
        what, detail = fmt.change_text(c)
        fill = ("red" if c.new == "red" else "yellow") if c.kind == "flag_worse" else \
            "green" if c.kind == "flag_better" else None
        cells = looks.row(row, [(i, "int"), (what, None), (c.project, None), (detail, None)],
                          (fill,), lambda r, fill=fill: style(r, fill))
        _fit(ws, row, [(cells[1].value, 16), (cells[2].value, 40), (cells[3].value, 40)])
        row += 1
    for col, w in enumerate((12, 16, 40, 40, 12, 12), 1):
        ws.column_dimensions[get_column_letter(col)].width = w
    page_setup(ws, fmt, report, None)


def _breakdowns(wb: Workbook, fmt: Fmt, report: WeeklyReport, printed_on: dt.date) -> None:
    """分项统计: a sheet for each breakdown (by township, by unit, by funding source); none
    for a report frozen before the breakdowns were reported."""
    if report.breakdowns is None:
        return
    for kind, (head, names, rows, bold) in breakdown_tables(fmt, report.breakdowns):
        ws = wb.create_sheet(fmt.t(f"report.sheet.bd_{kind}"))
        width = len(names)
        _title(ws, fmt, report, width, printed_on, note=fmt.t("report.units_note"))
        put(ws, 4, 1, head).font = Font(bold=True, size=12)
        ws.merge_cells(start_row=4, start_column=1, end_row=4, end_column=width)
        _header(ws, 5, names)
        row = 6
        for cells, b in zip(rows, bold, strict=True):
            for col, (value, _text, kind_) in enumerate(cells, 1):
                put(ws, row, col, value, None if kind_ == "text" else kind_)
            style_row(ws, row, width, FILLS["total"] if b else None, bold=b)
            for col, (_v, _t, kind_) in enumerate(cells, 1):
                if kind_ != "text":
                    ws.cell(row=row, column=col).alignment = Alignment(horizontal="right")
            _fit(ws, row, [(cells[0][0], 22)])
            row += 1
        first = [22] if kind != "funding" else [14]
        rest = (8, 13, 13, 13, 11, 10, 12, 13, 6, 6, 10) if kind != "funding" else \
            (14, 14, 11, 14, 11)
        for col, w in enumerate((*first, *rest), 1):
            ws.column_dimensions[get_column_letter(col)].width = w
        ws.freeze_panes = "B6"
        page_setup(ws, fmt, report, "5:5")


def _issues(wb: Workbook, fmt: Fmt, report: WeeklyReport, printed_on: dt.date) -> None:
    """存在问题及协调事项: the issues open at the week's end, oldest first (no sheet for a report
    frozen before the issues log existed)."""
    if report.issues is None:
        return
    from projtrack.reports import issues as section

    ws = wb.create_sheet(fmt.t("report.sheet.issues"))
    width = len(section.COLUMNS)
    _title(ws, fmt, report, width, printed_on)
    put(ws, 4, 1, section.heading(fmt, report.issues, report.as_of)).font = Font(bold=True, size=12)
    ws.merge_cells(start_row=4, start_column=1, end_row=4, end_column=width)
    _header(ws, 5, section.headers(fmt))
    row = 6
    if not report.issues:
        put(ws, row, 1, fmt.t("report.none"))
    for cells, overdue in section.rows(fmt, report.issues, report.as_of):
        for col, ((value, _text), (_, _, _, kind)) in enumerate(zip(cells, section.COLUMNS,
                                                                    strict=True), 1):
            put(ws, row, col, value, "int" if kind == "int" else None)
        style_row(ws, row, width, None)
        if overdue:
            ws.cell(row=row, column=section.DUE + 1).fill = FILLS["yellow"]
        _fit(ws, row, [(cells[j][0], section.COLUMNS[j][1]) for j in section.WRAPPED])
        row += 1
    for col, (_, w, _, _) in enumerate(section.COLUMNS, 1):
        ws.column_dimensions[get_column_letter(col)].width = w
    ws.freeze_panes = "A6"
    page_setup(ws, fmt, report, "5:5")


# --- saving ---------------------------------------------------------------------------------------


def write_xlsx(report: WeeklyReport, path: Path, *, lang: str, printed_on: dt.date) -> Path:
    fmt = Fmt(lang, report.kind)
    with collector_paused():
        wb = Workbook()
        marks.mark(wb, marks.WEEKLY_REPORT)  # refused as an annex (importer.own)
        _summary(wb, fmt, report, printed_on)
        _detail(wb, fmt, report, printed_on)
        _milestones(wb, fmt, report, printed_on)
        _changes(wb, fmt, report, printed_on)
        _forecasts(wb, fmt, report, printed_on)  # last: an older report's sheets unchanged
        _issues(wb, fmt, report, printed_on)  # 存在问题, after the rest: older reports unchanged
        _breakdowns(wb, fmt, report, printed_on)  # 分项统计, after it for the same reason
        wb.save(path)
    return path
