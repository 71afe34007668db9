"""The weekly report as a workbook that is ready to print as it is.

Five sheets — summary (with a native chart), detail, milestones, changes, forecasts — each A4 landscape,
fit to one page wide (as many pages tall as needed), header rows repeated on every page, page
numbers and the print date in the footer, the header frozen.  Colours are light fills that
print as greys, and every flag and every ahead/behind figure also carries text (红/黄/绿, ▲/▼),
so a black-and-white copy loses nothing.  Every text cell is written as text, never as a
formula, whatever it starts with.  Renders a ``WeeklyReport``; no queries here.

The workbook is written by XlsxWriter in constant memory (``reports.xlsxbook``): each sheet is
built row after row, a row leaves memory when the next one begins, and rows that look alike
share the formats worked out for the first of them (``Alike``).  The garbage collector rests
while the workbook is built and saved (``projtrack.gcpause``).

The print set-up helpers at the end (``page_setup_basic``, ``fit_height``, ``print_scale``)
are for the progress fill-in sheet, which openpyxl writes (it needs data validation and is
small); they import openpyxl only when called.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from pathlib import Path

from projtrack import marks
from projtrack.gcpause import collector_paused
from projtrack.i18n import t
from projtrack.reports.breakdown import breakdown_tables
from projtrack.reports.cells import text as cell_text
from projtrack.reports.model import ReportRow, Totals, WeeklyReport
from projtrack.reports.text import Fmt, display_width, main_columns, points
from projtrack.reports.xlsxbook import PLAIN, Look, ReportBook, ReportSheet, with_format

FILLS = {"header": "D9D9D9", "total": "BFBFBF", "category": "D9D9D9", "class": "EDEDED",
         "red": "F4B6B6", "yellow": "FFE699", "green": "C6E0B4"}
BOLD = Look(bold=True)
HEADING = Look(bold=True, size=12)
HEADER = Look(bold=True, fill=FILLS["header"], border="box", align="center", valign="center",
              wrap=True)
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.5, "bottom": 0.6}
HEADER_MARGIN, FOOTER_MARGIN = 0.5, 0.3
_DIGIT_PX = 7  # the default font's (Calibri 11) widest digit, in pixels at 96 dpi


def footer_text(text: str) -> str:
    return text.replace("&", "&&")


def footer_parts(title: str, period: str, lang: str) -> tuple[str, str, str]:
    """The footer's left (title and period), centre (page N of M) and right (print date) as
    header/footer codes: the catalog's {page}/{pages}/{date} become &P, &N, &D, a literal &
    becomes &&."""
    code = "\x00"
    return (footer_text(f"{title} {period}"),
            footer_text(t("report.footer_page", lang=lang, page=code + "P",
                          pages=code + "N")).replace(code, "&"),
            footer_text(t("report.footer_printed", lang=lang, date=code + "D")).replace(code, "&"))


def page_setup(s: ReportSheet, fmt: Fmt, report: WeeklyReport, title_rows: tuple[int, int] | None,
               ) -> None:
    """A4 landscape, one page wide (as many tall as needed), centred, ``title_rows`` (first,
    last; 1-based) repeated on every page, the footer in 8 pt."""
    ws = s.ws
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_margins(**MARGINS)
    ws.set_header("", {"margin": HEADER_MARGIN})
    if title_rows:
        ws.repeat_rows(title_rows[0] - 1, title_rows[1] - 1)
    left, centre, right = footer_parts(fmt.title(report), report.period, fmt.lang)
    ws.set_footer(f"&L&8 {left}&C&8 {centre}&R&8 {right}", {"margin": FOOTER_MARGIN})


def widths(s: ReportSheet, values: tuple[float, ...] | list[float]) -> None:
    """Column widths in characters, stored as given (``width × 7`` pixels of the default
    font's digit; XlsxWriter's ``set_column`` would add the cell padding)."""
    for col, w in enumerate(values):
        s.ws.set_column_pixels(col, col, w * _DIGIT_PX)


def freeze(s: ReportSheet, cell: str) -> None:
    """Freeze the rows above and the columns left of ``cell`` ("C6")."""
    col = ord(cell[0]) - ord("A")
    s.ws.freeze_panes(int(cell[1:]) - 1, col)


def lines_tall(texts: list[tuple[object, float]]) -> int:
    """The lines the longest wrapped text of a row takes (value, column width in characters):
    a CJK character is about 1.7 character widths of the default font."""
    lines = 1
    for value, width in texts:
        # a text shorter than its column in the widest case needs no measuring
        if isinstance(value, str) and value and len(value) * 1.7 > width - 0.5:
            lines = max(lines, math.ceil(display_width(value, 1.7) / max(width - 0.5, 1)))
    return lines


def row_height(texts: list[tuple[object, float]], line: float = 14.5) -> float | None:
    """Spreadsheets do not grow a row for wrapped text written by a program: the height of a
    row from its longest wrapped text, None when one line is enough."""
    lines = lines_tall(texts)
    return line * lines + 2 if lines > 1 else None


def _fit(s: ReportSheet, row: int, texts: list[tuple[object, float]], line: float = 14.5) -> None:
    h = row_height(texts, line)
    if h is not None:
        s.height(row, h)


def styled(look: Look, value: object, fill: str | None, bold: bool) -> Look:
    """A table cell's look: a thin box, the row's fill and bold (bold replaces the font), and,
    unless aligned already, centred vertically, wrapped when it is text."""
    look = look._replace(border="box")
    if fill is not None:
        look = look._replace(fill=fill)
    if bold:
        look = look._replace(bold=True, size=None)
    if look.align is None:
        look = look._replace(valign="center", wrap=isinstance(value, str))
    return look


def style_row(s: ReportSheet, row: int, ncols: int, fill: str | None, bold: bool = False) -> None:
    """``styled`` on the cells 1..ncols of ``row`` (empty ones too: a boxed blank)."""
    for col in range(1, ncols + 1):
        s.restyle(row, col, styled(s.look(row, col), s.value(row, col), fill, bold))


class Alike:
    """The formats of rows that look alike, worked out once per sheet: a row's look is the
    caller's ``key`` and the type of each cell's value; ``looks(values)`` gives the looks of
    the first row of each."""

    def __init__(self, s: ReportSheet):
        self.s = s
        self.formats: dict[tuple, list] = {}

    def row(self, row: int, values: list[tuple[object, str | None]], key: tuple,
            looks: Callable[[list[tuple[object, str | None]]], list[Look]],
            height: float | None = None) -> None:
        k = (key, *(type(v) for v, _ in values))
        formats = self.formats.get(k)
        if formats is None:
            book = self.s.book
            formats = self.formats[k] = [book.format(x) for x in looks(values)]
        self.s.row(row, values, formats, height)


def table_looks(fill: str | None, bold: bool, right: bool = False):
    """``looks`` for ``Alike``: each cell ``styled`` with its number format; ``right``: every
    cell of a kind (not text: kind None) aligned right, and nothing else."""
    def looks(values: list[tuple[object, str | None]]) -> list[Look]:
        out = [styled(with_format(PLAIN, v, k), v, fill, bold) for v, k in values]
        if right:
            out = [x._replace(align="right", valign=None, wrap=False) if k is not None else x
                   for x, (_, k) in zip(out, values, strict=True)]
        return out
    return looks


def _title(s: ReportSheet, fmt: Fmt, report: WeeklyReport, width: int, printed_on: dt.date,
           note: str | None = None) -> None:
    s.put(1, 1, fmt.title(report) + (fmt.t("report.draft_mark") if report.draft else ""),
          look=Look(bold=True, size=16, align="center", valign="center"))
    s.merge(1, 1, width)
    s.height(1, 26)
    s.put(2, 1, fmt.subtitle(report), look=Look(align="center"))
    s.merge(2, 1, width)
    s.put(3, 1, (note + "    " if note else "") + fmt.issued_line(report, printed_on),
          look=Look(size=9, align="right"))
    s.merge(3, 1, width)


def _header(s: ReportSheet, row: int, names: list[str], groups: list[str] | None = None) -> None:
    if groups:
        start = 1
        for col in range(1, len(groups) + 2):
            if col == len(groups) + 1 or groups[col - 1] != groups[start - 1]:
                s.put(row, start, groups[start - 1])
                if col - 1 > start:
                    s.merge(row, start, col - 1)
                start = col
        for col in range(1, len(names) + 1):
            s.restyle(row, col, HEADER)
        row += 1
    for col, name in enumerate(names, 1):
        s.put(row, col, name, look=HEADER)
    s.height(row, 30)


# --- sheets ---------------------------------------------------------------------------------------
def _detail_looks(cols, fill: str | None, bold: bool, flag: str | None):
    def looks(values: list[tuple[object, str | None]]) -> list[Look]:
        out = []
        for c, (v, kind) in zip(cols, values, strict=True):
            look = styled(with_format(PLAIN, v, kind), v, fill, bold)
            if c.kind in ("money", "rate", "points", "int"):
                look = look._replace(align="right", valign="center", wrap=False)
            elif c.key in ("name", "flag_reasons"):
                look = look._replace(align=None, valign="center", wrap=True)
            else:
                look = look._replace(align="center", valign="center", wrap=True)
            if c.key == "flag" and flag:
                look = look._replace(fill=FILLS[flag], bold=flag != "green", size=None)
            out.append(look)
        return out
    return looks


FIGURES = ("total_investment", "annual_plan", "actual_this_week", "actual_this_year",
           "annual_completion_rate", "points_vs_time", "cumulative_actual",
           "cumulative_completion_rate", "funds_received", "payments", "variance")


def project_values(fmt: Fmt, r: ReportRow, seq: int) -> dict[str, object]:
    """The raw values of ``Fmt.row_cells`` (what the cells hold), without the PDF's text of
    each figure: a sheet of 10,000 projects need not format 110,000 amounts it never shows."""
    values: dict[str, object] = {
        "seq": seq, "name": r.name, "township": r.township, "phase": fmt.term(r.phase),
        "progress": fmt.progress(r.stage, r.percent_complete)}
    for key in FIGURES:
        values[key] = getattr(r, key)
    values["points_vs_time"] = points(r.points_vs_time)
    values["flag"] = fmt.flag(r.flag)
    values["flag_reasons"] = fmt.reasons(r.flag_reasons)
    return values


def _detail(book: ReportBook, fmt: Fmt, report: WeeklyReport, printed_on: dt.date) -> None:
    s = book.sheet(fmt.t("report.sheet.detail"))
    cols = main_columns(fmt.lang, report.kind)
    _title(s, fmt, report, len(cols), printed_on, note=fmt.t("report.units_note"))
    _header(s, 4, [c.header for c in cols], [c.group for c in cols])
    wrapped = [(i, c.width) for i, c in enumerate(cols) if c.kind == "text"]
    keys = [(c.key, c.kind) for c in cols]
    alike = Alike(s)
    row = 6

    def emit(cells: dict[str, object], fill: str | None, bold: bool,
             flag: str | None = None) -> None:
        nonlocal row
        values: list[tuple[object, str | None]] = [(cells[k], kind) for k, kind in keys]
        for i, _ in wrapped:  # the text as the cell holds it, measured for the row's height
            v = values[i][0]
            if isinstance(v, str):
                values[i] = (cell_text(v), values[i][1])
        alike.row(row, values, (fill, bold, flag), _detail_looks(cols, fill, bold, flag),
                  row_height([(values[i][0], w) for i, w in wrapped]))
        row += 1

    def totals(label: str, t: Totals) -> dict[str, object]:
        return {k: v for k, (v, _text) in fmt.total_cells(label, t).items()}

    emit(totals(fmt.t("report.grand_total"), report.summary), FILLS["total"], True)
    seq = 0
    for i, cat in enumerate(report.categories):
        n = cat.totals.count
        emit(totals(fmt.category_label(i, cat.category, n), cat.totals), FILLS["category"], True)
        for j, block in enumerate(cat.classes):
            emit(totals(fmt.class_label(j, block.annex_class, block.totals.count), block.totals),
                 FILLS["class"], True)
            for r in block.rows:
                seq += 1
                emit(project_values(fmt, r, seq), None, False, flag=r.flag)
    widths(s, [c.width for c in cols])
    freeze(s, "C6")
    page_setup(s, fmt, report, (4, 5))


def _category_table(s: ReportSheet, fmt: Fmt, report: WeeklyReport, top: int) -> tuple[int, int]:
    """学段 | 项目数 | 本年计划 | 本年完成 | 年度完成率 | 序时进度 | 比序时 | 红 | 黄 | 绿; returns the
    first and last data rows (the chart's source)."""
    return _totals_table(s, fmt, "category", [(fmt.term(cat.category), cat.totals)
                                              for cat in report.categories],
                         report.summary, top)


def _county_table(s: ReportSheet, fmt: Fmt, report: WeeklyReport, top: int) -> tuple[int, int]:
    """A city's consolidated report: 区县 | the category table's columns, a line per county
    (每县一行), the total line the city's (the sum of the counties)."""
    assert report.counties is not None
    return _totals_table(s, fmt, "county", [(c.county or fmt.t("report.bd.unfilled"), c.totals)
                                            for c in report.counties],
                         report.summary, top)


def _totals_table(s: ReportSheet, fmt: Fmt, first: str, lines: list[tuple[str, Totals]], total: Totals,
                  top: int) -> tuple[int, int]:
    """A line of figures per group (``first``: the first column's heading, report.cat.<first>),
    then the total line; returns the first and last group rows."""
    names = [fmt.t(f"report.cat.{k}") for k in (first, "count", "annual_plan",
                                                  "actual_this_year", "annual_rate",
                                                  "time_progress", "vs_time", "red", "yellow",
                                                  "green")]
    _header(s, top, names)
    row = top + 1
    alike = Alike(s)

    def line(label: str, t: Totals, bold: bool) -> None:
        nonlocal row
        values: list[tuple[object, str | None]] = [
            (label, None), (t.count, "int"), (t.annual_plan, "money"),
            (t.actual_this_year, "money"), (t.annual_completion_rate, "rate"),
            (t.time_progress, "rate"), (points(t.points_vs_time), "points"),
            (t.flag_counts.get("red", 0), "int"), (t.flag_counts.get("yellow", 0), "int"),
            (t.flag_counts.get("green", 0), "int")]
        fill = FILLS["total"] if bold else None
        alike.row(row, values, (fill, bold), table_looks(fill, bold))
        row += 1

    for label, totals in lines:
        line(label, totals, False)
    last = row - 1
    line(fmt.t("report.grand_total"), total, True)
    return top + 1, last


def _chart(book: ReportBook, s: ReportSheet, fmt: Fmt, first: int, last: int, row: int) -> None:
    """The category table's annual completion rate (dark grey columns, labelled) against its
    time progress (a dashed black line with diamonds), on one scale; its top left at ``row``
    (1-based), column A."""
    name = s.ws.name
    cats = [name, first - 1, 0, last - 1, 0]
    bar = book.chart({"type": "column"})
    bar.add_series({"name": [name, first - 2, 4], "categories": cats,
                    "values": [name, first - 1, 4, last - 1, 4],
                    "fill": {"color": "#595959"},  # dark grey: prints the same in B/W
                    "data_labels": {"value": True, "num_format": "0.0%",
                                    "position": "outside_end"}})
    line = book.chart({"type": "line"})
    line.add_series({"name": [name, first - 2, 5], "categories": cats,
                     "values": [name, first - 1, 5, last - 1, 5],
                     "line": {"color": "#000000", "dash_type": "dash", "width": 2.25},
                     "marker": {"type": "diamond", "fill": {"color": "#000000"}}})
    bar.combine(line)  # one scale for both: the rate is read against the line
    bar.set_title({"name": fmt.t("report.chart_title")})
    bar.set_y_axis({"name": fmt.t("report.chart_axis"), "num_format": "0%", "min": 0,
                    "major_gridlines": {"visible": False}})
    bar.set_legend({"position": "bottom"})
    bar.set_size({"width": round(24 / 2.54 * 96), "height": round(11 / 2.54 * 96)})  # 24 × 11 cm
    s.ws.insert_chart(row - 1, 0, bar)


SUMMARY_WIDTHS = (14, 8, 13, 13, 11, 11, 10, 7, 7, 7)


def _summary(book: ReportBook, fmt: Fmt, report: WeeklyReport, printed_on: dt.date) -> None:
    s = book.sheet(fmt.t("report.sheet.summary"))
    width = 10
    _title(s, fmt, report, width, printed_on)
    _brief(s, fmt, report, width, SUMMARY_WIDTHS)
    s.put(5, 1, fmt.t("report.section.summary"), look=HEADING)
    row = 6
    for label, text, raw, kind in fmt.summary_items(report.summary):
        s.put(row, 1, label, look=BOLD)
        s.merge(row, 1, 3)
        if kind in ("money", "rate", "int") and raw is not None:
            s.put(row, 4, raw, kind, look=Look(align="left"))
            if kind == "money":
                s.put(row, 5, fmt.t("report.unit_wan"))
        else:
            s.put(row, 4, text)
            s.merge(row, 4, width)
        for col in range(1, width + 1):
            s.restyle(row, col, s.look(row, col)._replace(border="hair"))
        row += 1
    rules = fmt.rules_line(report)
    if rules is not None:  # the rules the flags were worked out with, under the summary
        s.put(row, 1, rules, look=Look(size=9, valign="top", wrap=True))
        s.merge(row, 1, width)
        _fit(s, row, [(rules, sum(SUMMARY_WIDTHS))], line=13)
        row += 1
    row += 1
    if report.counties is not None:  # a city's consolidated report: a line per county
        s.put(row, 1, fmt.t("report.section.by_county"), look=HEADING)
        _, last_county = _county_table(s, fmt, report, row + 1)
        row = last_county + 3
    s.put(row, 1, fmt.t("report.section.by_category"), look=HEADING)
    first, last = _category_table(s, fmt, report, row + 1)
    chart_row = last + 3
    s.ws.set_h_pagebreaks([chart_row - 1])  # the chart gets a page of its own
    s.put(chart_row, 1, fmt.t("report.section.chart"), look=HEADING)
    _chart(book, s, fmt, first, last, chart_row + 1)
    widths(s, SUMMARY_WIDTHS)
    page_setup(s, fmt, report, None)


def _brief(s: ReportSheet, fmt: Fmt, report: WeeklyReport, width: int, widths: tuple[float, ...]) -> None:
    """The 通报 paragraph (``reports.brief``) in row 4, merged across the sheet and wrapped, the
    row as tall as its lines."""
    from projtrack.reports.brief import brief_text

    text = brief_text(report, fmt.lang)
    s.put(4, 1, text, look=Look(valign="top", wrap=True))
    s.merge(4, 1, width)
    _fit(s, 4, [(cell_text(text), sum(widths))], line=15)


def _milestones(book: ReportBook, fmt: Fmt, report: WeeklyReport, printed_on: dt.date) -> None:
    s = book.sheet(fmt.t("report.sheet.milestones"))
    keys = ("seq", "project", "township", "unit", "milestone", "planned", "days")
    names = [fmt.t(f"report.ms.{k}") for k in keys]
    _title(s, fmt, report, len(keys), printed_on)
    _header(s, 4, names)
    alike = Alike(s)

    def looks(kind: str):
        plain = table_looks(None, False)

        def of(values):
            out = plain(values)
            if kind == "overdue":
                out[6] = out[6]._replace(fill=FILLS["yellow"])
            return out
        return of

    row = 5
    for kind in ("overdue", "due_soon"):
        alerts = [a for a in report.milestones if a.kind == kind]
        s.put(row, 1, fmt.t(f"report.section.{kind}", n=len(alerts)))
        s.merge(row, 1, len(keys))
        style_row(s, row, len(keys), FILLS["class"], bold=True)
        row += 1
        if not alerts:
            s.put(row, 1, fmt.t("report.none"))
            s.merge(row, 1, len(keys))
            row += 1
        for i, a in enumerate(alerts, 1):
            project, unit = cell_text(a.project), cell_text(a.responsible_unit or "")
            values: list[tuple[object, str | None]] = [
                (i, "int"), (project, None), (a.township or "", None), (unit, None),
                (fmt.term(a.milestone), None), (a.planned.isoformat(), None),
                (fmt.alert_days(a), None)]
            alike.row(row, values, (kind,), looks(kind), row_height([(project, 40), (unit, 16)]))
            row += 1
    widths(s, (5, 40, 10, 16, 12, 12, 14))
    freeze(s, "A5")
    page_setup(s, fmt, report, (4, 4))


def _forecasts(book: ReportBook, fmt: Fmt, report: WeeklyReport, printed_on: dt.date) -> None:
    """预测与风险: one sheet, its tables one under another (none for a report frozen before
    forecasts were reported)."""
    if report.forecasts is None:
        return
    s = book.sheet(fmt.t("report.sheet.forecast"))
    width = 6
    _title(s, fmt, report, width, printed_on)
    alike = Alike(s)
    row = 4
    for head, names, rows, bold in fmt.forecast_tables(report.forecasts):
        s.put(row, 1, head, look=HEADING)
        s.merge(row, 1, width)
        row += 1
        _header(s, row, names)
        row += 1
        if not rows:
            s.put(row, 1, fmt.t("report.none"))
            row += 2
            continue
        for cells, b in zip(rows, bold, strict=True):
            values: list[tuple[object, str | None]] = [
                (value, None if kind == "text" else kind) for value, _text, kind in cells]
            fill = FILLS["total"] if b else None
            alike.row(row, values, (fill, b), table_looks(fill, b))
            row += 1
        row += 1
    widths(s, (14, 40, 14, 16, 16, 14))
    page_setup(s, fmt, report, None)


def _changes(book: ReportBook, fmt: Fmt, report: WeeklyReport, printed_on: dt.date) -> None:
    s = book.sheet(fmt.t("report.sheet.changes"))
    width = 6
    _title(s, fmt, report, width, printed_on)
    ch = report.changes
    if ch.previous_period is None:
        s.put(5, 1, fmt.t("report.no_previous"))
        page_setup(s, fmt, report, None)
        s.ws.set_column_pixels(2, 2, 40 * _DIGIT_PX)
        return
    s.put(4, 1, fmt.compared_line(report))
    s.merge(4, 1, width)
    names = [fmt.t(f"report.rate.{k}") for k in ("category", "old", "new", "move", "old_tp", "new_tp")]
    _header(s, 5, names)
    row = 6
    for m in ch.rates:
        move = None if m.old is None or m.new is None else points(m.new - m.old)
        label = fmt.term(m.key) if m.key else fmt.t("report.grand_total")
        values = [(label, None), (m.old, "rate"), (m.new, "rate"), (move, "points"),
                  (m.old_time_progress, "rate"), (m.new_time_progress, "rate")]
        for col, (v, k) in enumerate(values, 1):
            s.put(row, col, v, k)
        style_row(s, row, width, FILLS["total"] if not m.key else None, bold=not m.key)
        row += 1
    row += 1
    s.put(row, 1, fmt.t("report.section.changes", n=len(ch.items)), look=HEADING)
    row += 1
    _header(s, row, [fmt.t(f"report.chg.{k}") for k in ("seq", "what", "project", "detail")])
    row += 1
    if not ch.items:
        s.put(row, 1, fmt.t("report.no_changes"))
    alike = Alike(s)

    def looks(fill: str | None):
        plain = table_looks(None, False)

        def of(values):
            out = plain(values)
            if fill:
                out[1] = out[1]._replace(fill=FILLS[fill])
            return out
        return of

    for i, c in enumerate(ch.items, 1):
        what, detail = fmt.change_text(c)
        fill = ("red" if c.new == "red" else "yellow") if c.kind == "flag_worse" else \
            "green" if c.kind == "flag_better" else None
        what, project, detail = cell_text(what), cell_text(c.project), cell_text(detail)
        alike.row(row, [(i, "int"), (what, None), (project, None), (detail, None)], (fill,),
                  looks(fill), row_height([(what, 16), (project, 40), (detail, 40)]))
        row += 1
    widths(s, (12, 16, 40, 40, 12, 12))
    page_setup(s, fmt, report, None)


def _breakdowns(book: ReportBook, fmt: Fmt, report: WeeklyReport, printed_on: dt.date) -> None:
    """分项统计: a sheet for each breakdown (by township, by unit, by funding source); none
    for a report frozen before the breakdowns were reported."""
    if report.breakdowns is None:
        return
    for kind, (head, names, rows, bold) in breakdown_tables(fmt, report.breakdowns):
        s = book.sheet(fmt.t(f"report.sheet.bd_{kind}"))
        width = len(names)
        _title(s, fmt, report, width, printed_on, note=fmt.t("report.units_note"))
        s.put(4, 1, head, look=HEADING)
        s.merge(4, 1, width)
        _header(s, 5, names)
        alike = Alike(s)
        row = 6
        for cells, b in zip(rows, bold, strict=True):
            values: list[tuple[object, str | None]] = [
                (value, None if kind_ == "text" else kind_) for value, _text, kind_ in cells]
            fill = FILLS["total"] if b else None
            alike.row(row, values, (fill, b), table_looks(fill, b, right=True),
                      row_height([(cells[0][0], 22)]))
            row += 1
        first = [22] if kind != "funding" else [14]
        rest = (8, 13, 13, 13, 11, 10, 12, 13, 6, 6, 10) if kind != "funding" else \
            (14, 14, 11, 14, 11)
        widths(s, (*first, *rest))
        freeze(s, "B6")
        page_setup(s, fmt, report, (5, 5))


def _issues(book: ReportBook, fmt: Fmt, report: WeeklyReport, printed_on: dt.date) -> None:
    """存在问题及协调事项: the issues open at the week's end, oldest first (no sheet for a report
    frozen before the issues log existed)."""
    if report.issues is None:
        return
    from projtrack.reports import issues as section

    s = book.sheet(fmt.t("report.sheet.issues"))
    width = len(section.COLUMNS)
    _title(s, fmt, report, width, printed_on)
    s.put(4, 1, section.heading(fmt, report.issues, report.as_of), look=HEADING)
    s.merge(4, 1, width)
    _header(s, 5, section.headers(fmt))
    alike = Alike(s)
    row = 6
    if not report.issues:
        s.put(row, 1, fmt.t("report.none"))
    kinds = ["int" if kind == "int" else None for (_, _, _, kind) in section.COLUMNS]

    def looks(overdue: bool):
        plain = table_looks(None, False)

        def of(values):
            out = plain(values)
            if overdue:
                out[section.DUE] = out[section.DUE]._replace(fill=FILLS["yellow"])
            return out
        return of

    for cells, overdue in section.rows(fmt, report.issues, report.as_of):
        values = [(value, k) for (value, _text), k in zip(cells, kinds, strict=True)]
        alike.row(row, values, (overdue,), looks(overdue),
                  row_height([(cells[j][0], section.COLUMNS[j][1]) for j in section.WRAPPED]))
        row += 1
    widths(s, [w for (_, w, _, _) in section.COLUMNS])
    freeze(s, "A6")
    page_setup(s, fmt, report, (5, 5))


# --- saving ---------------------------------------------------------------------------------------


def write_xlsx(report: WeeklyReport, path: Path, *, lang: str, printed_on: dt.date) -> Path:
    fmt = Fmt(lang, report.kind)
    with collector_paused(), ReportBook(path, marks.WEEKLY_REPORT) as book:
        _summary(book, fmt, report, printed_on)
        _detail(book, fmt, report, printed_on)
        _milestones(book, fmt, report, printed_on)
        _changes(book, fmt, report, printed_on)
        _forecasts(book, fmt, report, printed_on)  # last: an older report's sheets unchanged
        _issues(book, fmt, report, printed_on)  # 存在问题, after the rest: older reports unchanged
        _breakdowns(book, fmt, report, printed_on)  # 分项统计, after it for the same reason
    return path


# --- the progress fill-in sheet's print set-up (openpyxl) ---------------------------------------
def page_setup_basic(ws, title: str, period: str, lang: str, title_rows: str | None) -> None:
    """An openpyxl sheet (the progress fill-in sheet) printed as the report's sheets are: A4
    landscape, one page wide, ``title_rows`` repeated, footer: title and period, page N of M,
    print date."""
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    ws.page_margins.left, ws.page_margins.right = MARGINS["left"], MARGINS["right"]
    ws.page_margins.top, ws.page_margins.bottom = MARGINS["top"], MARGINS["bottom"]
    ws.page_margins.footer = FOOTER_MARGIN
    if title_rows:
        ws.print_title_rows = title_rows
    for part, text in zip((ws.oddFooter.left, ws.oddFooter.center, ws.oddFooter.right),
                          footer_parts(title, period, lang), strict=True):
        part.text = text
        part.size = 8


A4_LANDSCAPE_WIDTH_IN = 297 / 25.4  # inches


def print_scale(ws) -> float:
    """The scale a spreadsheet prints the openpyxl sheet ``ws`` at when it is fitted one A4
    landscape page wide: the printable width (the paper less the left and right margins) over
    the width of its columns (each ``width`` characters → ``width × 7 + 5`` pixels of 0.75 pt),
    at most 1.  Hidden columns take no room; columns without a width have the default 8.43."""
    from openpyxl.utils import get_column_letter as letter

    last = ws.max_column
    total = 0.0
    for i in range(1, last + 1):
        dim = ws.column_dimensions.get(letter(i))
        if dim is not None and dim.hidden:
            continue
        width = dim.width if dim is not None and dim.width else 8.43
        total += (width * _DIGIT_PX + 5) * 0.75
    printable = (A4_LANDSCAPE_WIDTH_IN - ws.page_margins.left - ws.page_margins.right) * 72
    return min(1.0, printable / total) if total else 1.0


def fit_height(ws, row: int, widths: dict[int, float], line: float = 14.5) -> None:
    """An openpyxl sheet's row as tall as its longest wrapped text (``widths``: column → width
    in characters): spreadsheets do not grow a row for wrapped text written by a program."""
    h = row_height([(ws.cell(row=row, column=col).value, width) for col, width in widths.items()],
                   line)
    if h is not None:
        ws.row_dimensions[row].height = h
