"""The weekly report as a PDF: the same content as the workbook, A4 landscape, pages numbered,
Chinese text rendered with an embedded (subset) CJK font and extractable, the title, headings,
table headers and total rows in its bold face.  Renders a ``WeeklyReport``; no queries here.
Colours are light fills backed by text (红/黄/绿, ▲/▼), so a black-and-white print loses nothing.
Tables are drawn by ``pdfgrid`` (rows laid out once, never split across pages, headings
repeated), so a portfolio of ten thousand projects renders in seconds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos

from projtrack.core.terms import Flag
from projtrack.reports.breakdown import breakdown_tables
from projtrack.reports.fonts import FontFile, find_cjk_fonts
from projtrack.reports.model import Totals, WeeklyReport
from projtrack.reports.pdfgrid import Grid, GridRow, TextMeasure
from projtrack.reports.pdfops import CellReplay, PageOps
from projtrack.reports.text import Fmt, main_columns

FONT = "cjk"
GREY_HEAD = (217, 217, 217)
GREY_TOTAL = (191, 191, 191)
GREY_CAT = (217, 217, 217)
GREY_CLASS = (237, 237, 237)
FLAG_FILL: dict[str, tuple[int, int, int]] = {Flag.RED: (244, 182, 182), Flag.YELLOW: (255, 230, 153), Flag.GREEN: (198, 224, 180)}
BAR = (89, 89, 89)
FIGURES = ("money", "rate", "points", "int")  # right-aligned, shrunk rather than wrapped


class ReportPDF(FPDF):
    def __init__(self, fmt: Fmt, report: WeeklyReport, printed_on: dt.date):
        super().__init__(orientation="L", unit="mm", format="A4")
        self.fmt, self.report, self.printed_on = fmt, report, printed_on
        fonts = find_cjk_fonts()
        self._add_face("", fonts.regular)
        self._add_face("B", fonts.bold or fonts.regular)
        self.set_margins(10, 10, 10)
        self.set_auto_page_break(True, margin=14)
        self.set_title(fmt.title(report) + " " + report.period)
        self.set_creator("projtrack")
        self.set_lang("zh-CN" if fmt.lang == "zh" else "en")
        self.measure = TextMeasure(self, FONT)
        self.bold_measure = TextMeasure(self, FONT, "B")
        self.ops = PageOps(self)
        self.cells = CellReplay(self)  # the running header and the footer's fixed parts

    def _add_face(self, style: str, font: FontFile) -> None:
        extra: dict[str, Any] = {} if font.weight is None else {"variations": {"wght": font.weight}}
        self.add_font(FONT, style, str(font.path), collection_font_number=font.face, **extra)

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_font(FONT, size=7)
        self.set_text_color(90)
        self.cells.cell(0, 4, f"{self.fmt.title(self.report)}  {self.fmt.subtitle(self.report)}",
                        new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0)
        self.ln(1)

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font(FONT, size=7)
        self.set_text_color(90)
        third = (self.w - self.l_margin - self.r_margin) / 3
        self.cells.cell(third, 4, f"{self.fmt.title(self.report)} {self.report.period}")
        self.cell(third, 4, self.fmt.t("report.footer_page", page=self.page_no(),
                                       pages=self.alias_nb_pages_text()), align="C")
        self.cells.cell(third, 4, self.fmt.t("report.footer_printed",
                                             date=self.printed_on.isoformat()), align="R")
        self.set_text_color(0)

    def alias_nb_pages_text(self) -> str:
        return self.str_alias_nb_pages

    # --- building blocks --------------------------------------------------------------------
    def heading(self, text: str, size: float = 11, need: float = 14) -> None:
        """A section heading, kept on the same page as the first ``need`` mm below it."""
        if self.will_page_break(need):
            self.add_page()
        self.ln(2)
        self.set_font(FONT, "B", size=size)
        self.cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, "", size=size)
        self.ln(1)

    def grid(self, headings: list[str], rows: Iterable[GridRow], widths: list[float],
             size: float = 7.5, group_row: list[tuple[str, int]] | None = None,
             align: list[str] | None = None, fit: Iterable[int] = ()) -> None:
        """A table with its heading rows repeated on every page; ``align`` a letter per column
        (default L), ``fit`` the columns of figures (shrunk to fit rather than wrapped)."""
        Grid(self, FONT, widths, headings, size=size, align=align, fit=fit, group_row=group_row,
             head_fill=GREY_HEAD, measure=self.measure, bold_measure=self.bold_measure,
             ops=self.ops).draw(rows)


def _totals_row(fmt: Fmt, keys: list[str], label: str, s: Totals, fill) -> GridRow:
    cells = fmt.total_cells(label, s)
    return GridRow([cells[k][1] for k in keys], fill=fill, bold=True)


def _summary(pdf: ReportPDF, fmt: Fmt, r: WeeklyReport) -> None:
    pdf.set_font(FONT, "B", size=16)
    title = fmt.title(r) + (fmt.t("report.draft_mark") if r.draft else "")
    pdf.cell(0, 9, title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", size=9.5)
    pdf.cell(0, 5, fmt.subtitle(r), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=8)
    pdf.cell(0, 5, fmt.t("report.units_note") + "    " + fmt.issued_line(r, pdf.printed_on),
             align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    _brief(pdf, fmt, r)
    rules = fmt.rules_line(r)
    if rules is not None:  # the rules the flags were worked out with
        pdf.set_font(FONT, size=7.5)
        pdf.multi_cell(0, 4, rules, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    pdf.heading(fmt.t("report.section.summary"))
    items = fmt.summary_items(r.summary)
    rows: list[GridRow] = []
    half = (len(items) + 1) // 2
    for i in range(half):
        left = items[i]
        right = items[i + half] if i + half < len(items) else ("", "", None, "text")
        rows.append(GridRow([left[0], _with_unit(fmt, left), right[0], _with_unit(fmt, right)],
                            fills={0: GREY_CLASS, 2: GREY_CLASS if right[0] else None}))
    pdf.grid([fmt.t("report.item"), fmt.t("report.value"), fmt.t("report.item"),
              fmt.t("report.value")], rows, [45, 93.5, 45, 93.5], size=8.5)

    if r.counties is not None:  # a city's consolidated report: a line per county
        pdf.heading(fmt.t("report.section.by_county"))
        _totals_grid(pdf, fmt, "county", [(c.county or fmt.t("report.bd.unfilled"), c.totals)
                                          for c in r.counties], r.summary)
    pdf.heading(fmt.t("report.section.by_category"))
    _totals_grid(pdf, fmt, "category", [(fmt.term(c.category), c.totals) for c in r.categories],
                 r.summary)

    pdf.heading(fmt.t("report.section.chart"), need=56)
    _chart(pdf, fmt, r, pdf.l_margin + 10, pdf.get_y() + 2, 200, 50)


def _totals_grid(pdf: ReportPDF, fmt: Fmt, first: str, lines: list[tuple[str, Totals]],
                 total: Totals) -> None:
    """A line of figures per group (a category, a county), then the total line."""
    keys = (first, "count", "annual_plan", "actual_this_year", "annual_rate",
            "time_progress", "vs_time", "red", "yellow", "green")
    rows = [_cat_cells(fmt, label, totals, None) for label, totals in lines]
    rows.append(_cat_cells(fmt, fmt.t("report.grand_total"), total, GREY_TOTAL, bold=True))
    pdf.grid([fmt.t(f"report.cat.{k}") for k in keys], rows,
             [40, 20, 32, 32, 27, 27, 27, 24, 24, 24], size=8.5,
             align=["L"] + ["R"] * 9, fit=range(1, 10))


def _brief(pdf: ReportPDF, fmt: Fmt, r: WeeklyReport) -> None:
    """The 通报 paragraph (``reports.brief``) under the title, wrapped to the page: by
    character in Chinese (no spaces to break at), by word in English."""
    from projtrack.reports.brief import brief_text

    pdf.ln(1)
    pdf.set_font(FONT, size=9.5)
    pdf.multi_cell(0, 5.2, brief_text(r, fmt.lang), align="L",
                   wrapmode=WrapMode.CHAR if fmt.lang == "zh" else WrapMode.WORD,
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _with_unit(fmt: Fmt, item: tuple[str, str, object, str]) -> str:
    return item[1] + (" " + fmt.t("report.unit_wan") if item[3] == "money" else "")


def _cat_cells(fmt: Fmt, label: str, s: Totals, fill, bold: bool = False) -> GridRow:
    f = s.flag_counts
    texts = [label, str(s.count), fmt.money(s.annual_plan), fmt.money(s.actual_this_year),
             fmt.rate(s.annual_completion_rate), fmt.rate(s.time_progress),
             fmt.points(s.points_vs_time), str(f.get(Flag.RED, 0)), str(f.get(Flag.YELLOW, 0)),
             str(f.get(Flag.GREEN, 0))]
    return GridRow(texts, fill=fill, bold=bold)


def _chart(pdf: ReportPDF, fmt: Fmt, r: WeeklyReport, x: float, y: float, w: float, h: float) -> None:
    """Bars: each category's annual completion rate; dashed line: time progress."""
    data = [(fmt.term(c.category), c.totals.annual_completion_rate) for c in r.categories]
    tp = r.summary.time_progress
    top = max([Decimal(1)] + [v for _, v in data if v is not None])
    top = (top * 5).to_integral_value(rounding="ROUND_CEILING") / 5  # a multiple of 20 %
    plot_x, plot_w, plot_h = x + 14, w - 60, h - 12

    def ypos(v: Decimal) -> float:
        return y + plot_h - float(v / top) * plot_h

    pdf.set_font(FONT, size=7)
    pdf.set_draw_color(160)
    pdf.set_line_width(0.1)
    step = Decimal("0.2")
    v = Decimal(0)
    while v <= top:
        pdf.line(plot_x, ypos(v), plot_x + plot_w, ypos(v))
        pdf.set_xy(x, ypos(v) - 2)
        pdf.cell(12, 4, f"{int(v * 100)}%", align="R")
        v += step
    slot = plot_w / max(len(data), 1)
    pdf.set_draw_color(0)
    for i, (name, rate) in enumerate(data):
        bx = plot_x + i * slot + slot * 0.25
        if rate is not None:
            pdf.set_fill_color(*BAR)
            pdf.rect(bx, ypos(rate), slot * 0.5, y + plot_h - ypos(rate), style="F")
            pdf.set_xy(bx - 4, ypos(rate) - 4.5)
            pdf.cell(slot * 0.5 + 8, 4, fmt.rate(rate), align="C")
        else:
            pdf.set_xy(bx - 4, y + plot_h - 4.5)
            pdf.cell(slot * 0.5 + 8, 4, fmt.t("report.no_plan_short"), align="C")
        pdf.set_xy(plot_x + i * slot, y + plot_h + 1)
        pdf.cell(slot, 4, name, align="C")
    pdf.set_line_width(0.5)
    with pdf.local_context():
        pdf.set_dash_pattern(dash=2, gap=1.2)
        pdf.line(plot_x, ypos(tp), plot_x + plot_w, ypos(tp))
    pdf.set_dash_pattern()
    pdf.set_line_width(0.2)
    pdf.line(plot_x, y, plot_x, y + plot_h)
    pdf.line(plot_x, y + plot_h, plot_x + plot_w, y + plot_h)
    # legend
    lx = plot_x + plot_w + 6
    pdf.set_fill_color(*BAR)
    pdf.rect(lx, y + 4, 5, 3, style="F")
    pdf.set_xy(lx + 6, y + 3.5)
    pdf.cell(40, 4, fmt.t("report.cat.annual_rate"))
    pdf.set_line_width(0.5)
    with pdf.local_context():
        pdf.set_dash_pattern(dash=2, gap=1.2)
        pdf.line(lx, y + 11.5, lx + 5, y + 11.5)
    pdf.set_dash_pattern()
    pdf.set_xy(lx + 6, y + 9.5)
    pdf.cell(40, 4, fmt.t("report.cat.time_progress") + " " + fmt.rate(tp))
    pdf.set_line_width(0.2)
    pdf.set_y(y + h)


def _detail(pdf: ReportPDF, fmt: Fmt, r: WeeklyReport) -> None:
    pdf.add_page()
    pdf.heading(fmt.t("report.section.detail"))
    cols = main_columns(fmt.lang, r.kind)
    scale = (pdf.epw - 0.01) / sum(c.width for c in cols)
    widths = [c.width * scale for c in cols]
    groups: list[tuple[str, int]] = []
    for c in cols:
        if groups and groups[-1][0] == c.group:
            groups[-1] = (c.group, groups[-1][1] + 1)
        else:
            groups.append((c.group, 1))
    align = ["R" if c.kind in FIGURES else "C" if c.key in ("phase", "flag") else "L"
             for c in cols]
    fit = [j for j, c in enumerate(cols) if c.kind in FIGURES]
    pdf.grid([c.header for c in cols], _detail_rows(fmt, r, [c.key for c in cols]), widths,
             size=6.3, group_row=groups, align=align, fit=fit)


def _detail_rows(fmt: Fmt, r: WeeklyReport, keys: list[str]) -> Iterator[GridRow]:
    """The main table's rows, made as they are drawn."""
    flag = keys.index("flag")
    yield _totals_row(fmt, keys, fmt.t("report.grand_total"), r.summary, GREY_TOTAL)
    seq = 0
    for i, cat in enumerate(r.categories):
        yield _totals_row(fmt, keys, fmt.category_label(i, cat.category, cat.totals.count),
                          cat.totals, GREY_CAT)
        for j, block in enumerate(cat.classes):
            yield _totals_row(fmt, keys, fmt.class_label(j, block.annex_class,
                                                         block.totals.count),
                              block.totals, GREY_CLASS)
            for row in block.rows:
                seq += 1
                cells = fmt.row_cells(row, seq)
                yield GridRow([cells[k][1] for k in keys], fills={flag: FLAG_FILL.get(row.flag)})


def _milestones(pdf: ReportPDF, fmt: Fmt, r: WeeklyReport) -> None:
    pdf.heading(fmt.t("report.section.milestones"))
    keys = ("seq", "project", "township", "unit", "milestone", "planned", "days")
    widths: list[float] = [12, 95, 25, 40, 30, 30, 45]
    for kind in ("overdue", "due_soon"):
        alerts = [a for a in r.milestones if a.kind == kind]
        pdf.heading(fmt.t(f"report.section.{kind}", n=len(alerts)), size=9)
        if not alerts:
            pdf.set_font(FONT, size=8)
            pdf.cell(0, 5, fmt.t("report.none"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            continue
        fills = {6: FLAG_FILL[Flag.YELLOW]} if kind == "overdue" else None
        rows = (GridRow([str(i), a.project, a.township or "", a.responsible_unit or "",
                         fmt.term(a.milestone), a.planned.isoformat(), fmt.alert_days(a)],
                        fills=fills) for i, a in enumerate(alerts, 1))
        pdf.grid([fmt.t(f"report.ms.{k}") for k in keys], rows, widths, size=7.5,
                 align=["R"] + ["L"] * 6, fit=(0, 5))


# the 预测与风险 tables' column widths (mm) and alignment, in forecast_tables' order
_FC_WIDTHS: tuple[list[float], ...] = ([50, 45, 45, 45, 45], [12, 110, 30, 35, 35, 30], [50, 40, 40, 40, 30],
              [12, 110, 30, 40, 40, 40], [12, 70, 110, 30, 40])


def _forecasts(pdf: ReportPDF, fmt: Fmt, r: WeeklyReport) -> None:
    if r.forecasts is None:  # a report frozen before forecasts were reported
        return
    pdf.heading(fmt.t("report.section.forecast"))
    tables = fmt.forecast_tables(r.forecasts)
    for (head, names, rows, bold), widths in zip(tables, _FC_WIDTHS[:len(tables)], strict=True):
        pdf.heading(head, size=9)
        if not rows:
            pdf.set_font(FONT, size=8)
            pdf.cell(0, 5, fmt.t("report.none"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            continue
        align = ["L" if kind == "text" else "R" for _, _, kind in rows[0]]
        grid = (GridRow([text for _, text, _ in row], fill=GREY_TOTAL if b else None, bold=b)
                for row, b in zip(rows, bold, strict=True))
        pdf.grid(names, grid, widths, size=7.5, align=align,
                 fit=[i for i, (_, _, kind) in enumerate(rows[0]) if kind != "text"])


# the 分项统计 tables' column widths (mm): by township and by unit, by funding source
_BD_WIDTHS: dict[str, list[float]] = {"group": [44, 14, 26, 24, 24, 20, 18, 22, 26, 10, 10, 18],
                                    "funding": [44, 40, 40, 30, 40, 30]}


def _breakdowns(pdf: ReportPDF, fmt: Fmt, r: WeeklyReport) -> None:
    """九、分项统计: each breakdown on a page of its own (none for a report frozen before the
    breakdowns were reported)."""
    if r.breakdowns is None:
        return
    for i, (kind, (head, names, rows, bold)) in enumerate(breakdown_tables(fmt, r.breakdowns)):
        pdf.add_page()
        if i == 0:
            pdf.heading(fmt.t("report.section.breakdown"))
        pdf.heading(head, size=9)
        align = ["L" if k == "text" else "R" for _, _, k in rows[0]]
        grid = (GridRow([text for _, text, _ in row], fill=GREY_TOTAL if b else None, bold=b)
                for row, b in zip(rows, bold, strict=True))
        pdf.grid(names, grid, _BD_WIDTHS["funding" if kind == "funding" else "group"],
                 size=7.5, align=align,
                 fit=[j for j, (_, _, k) in enumerate(rows[0]) if k != "text"])


def _changes(pdf: ReportPDF, fmt: Fmt, r: WeeklyReport) -> None:
    pdf.heading(fmt.t("report.section.changes_head"))
    ch = r.changes
    pdf.set_font(FONT, size=8.5)
    if ch.previous_period is None:
        pdf.cell(0, 5, fmt.t("report.no_previous"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return
    pdf.cell(0, 5, fmt.compared_line(r), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    rows = []
    for m in ch.rates:
        move = None if m.old is None or m.new is None else m.new - m.old
        label = fmt.term(m.key) if m.key else fmt.t("report.grand_total")
        fill = GREY_TOTAL if not m.key else None
        rows.append(GridRow([label, fmt.rate(m.old), fmt.rate(m.new), fmt.points(move),
                             fmt.rate(m.old_time_progress), fmt.rate(m.new_time_progress)],
                            fill=fill, bold=not m.key))
    pdf.grid([fmt.t(f"report.rate.{k}") for k in ("category", "old", "new", "move", "old_tp",
                                                  "new_tp")], rows, [45, 35, 35, 35, 35, 35],
             size=8, align=["L"] + ["R"] * 5, fit=range(1, 6))
    pdf.heading(fmt.t("report.section.changes", n=len(ch.items)), size=9)
    if not ch.items:
        pdf.set_font(FONT, size=8)
        pdf.cell(0, 5, fmt.t("report.no_changes"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return
    pdf.grid([fmt.t(f"report.chg.{k}") for k in ("seq", "what", "project", "detail")],
             _change_rows(fmt, r), [12, 40, 100, 125], size=7.5, align=["R", "L", "L", "L"],
             fit=(0,))


def _change_rows(fmt: Fmt, r: WeeklyReport) -> Iterator[GridRow]:
    for i, c in enumerate(r.changes.items, 1):
        what, detail = fmt.change_text(c)
        fill = (FLAG_FILL[Flag.RED if c.new == Flag.RED else Flag.YELLOW] if c.kind == "flag_worse"
                else FLAG_FILL[Flag.GREEN] if c.kind == "flag_better" else None)
        yield GridRow([str(i), what, c.project, detail], fills={1: fill})


def _issues(pdf: ReportPDF, fmt: Fmt, r: WeeklyReport) -> None:
    """存在问题及协调事项 (none for a report frozen before the issues log existed)."""
    if r.issues is None:
        return
    from projtrack.reports import issues as section

    pdf.add_page()  # an item of its own at the meeting: it starts a page
    pdf.heading(fmt.t("report.section.issues"))
    pdf.heading(section.heading(fmt, r.issues, r.as_of), size=9)
    if not r.issues:
        pdf.set_font(FONT, size=8)
        pdf.cell(0, 5, fmt.t("report.none"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return
    grid = (GridRow([text for _, text in cells],
                    fills={section.DUE: FLAG_FILL[Flag.YELLOW]} if overdue else None)
            for cells, overdue in section.rows(fmt, r.issues, r.as_of))
    pdf.grid(section.headers(fmt), grid, [float(w) for _, _, w, _ in section.COLUMNS], size=7.5,
             align=["R" if kind == "int" else "L" for *_, kind in section.COLUMNS], fit=(0, 5))


def write_pdf(report: WeeklyReport, path: Path, *, lang: str, printed_on: dt.date) -> Path:
    fmt = Fmt(lang, report.kind)
    pdf = ReportPDF(fmt, report, printed_on)
    pdf.add_page()
    _summary(pdf, fmt, report)
    _detail(pdf, fmt, report)
    _milestones(pdf, fmt, report)
    _changes(pdf, fmt, report)
    _forecasts(pdf, fmt, report)  # last, numbered 七: a reprint of an older report is unchanged
    _issues(pdf, fmt, report)  # 八, after the rest: an older report reprints as it was
    _breakdowns(pdf, fmt, report)  # 九, after it for the same reason
    pdf.output(str(path))
    return path

