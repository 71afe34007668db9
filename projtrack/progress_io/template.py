"""The progress fill-in template the office sends to schools, townships and builders.

One row per active project (optionally one township's or one responsible unit's), with its id,
name and current figures, and yellow cells to fill in: 本周完成投资 or 累计完成投资 (万元),
形象进度 (stage and percent), the dates milestones were reached, a note.  The sheet is protected
(only the fill-in cells can be edited; filtering stays allowed) and every fill-in cell carries
data validation.  Every cell is written by ``reports.cells``: text as text, never as a
formula; figures as their exact digits.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from projtrack import marks
from projtrack.core.portfolio import Portfolio, ProjectView
from projtrack.core.types import STAGES
from projtrack.errors import BadUsage
from projtrack.i18n import t, term
from projtrack.progress_io.layout import (
    FIRST_ROW,
    GROUP_ROW,
    HEADER_ROW,
    MAGIC,
    MAX_NOTE,
    META_SHEET,
    VERSION,
    columns,
    header_key,
    sign,
)
from projtrack.reports.cells import store
from projtrack.reports.text import Fmt
from projtrack.reports.xlsx import fit_height, page_setup_basic
from projtrack.reports.xlsxstyles import BOX, FILLS, put
from projtrack.safefile import write_file

FILL_IN = PatternFill("solid", fgColor="FFF2CC")
DONE = PatternFill("solid", fgColor="EDEDED")
EXCLUDED_PHASES = ("投用", "取消")  # finished or cancelled: nothing left to report
EXCEL_EPOCH = dt.date(1899, 12, 30)
PRINT_SCALE_MIN = 0.6  # A4 landscape, one page wide: the least scale the columns are sized for
BODY = Font(size=10)


def select_projects(portfolio: Portfolio, *, township: str | None = None,
                    unit: str | None = None, include_all: bool = False) -> list[ProjectView]:
    """Active projects (not withdrawn; unless ``include_all``, not 投用 or 取消), filtered by
    township and responsible unit (exact names).  Raises BadUsage when none is left."""
    views = [v for v in portfolio.projects if v.facts.status != "withdrawn"
             and (include_all or v.figures.phase not in EXCLUDED_PHASES)]
    if township:
        known = sorted({v.facts.township for v in views if v.facts.township})
        views = [v for v in views if v.facts.township == township.strip()]
        if not views:
            raise BadUsage("progress.no_township", township=township, known="、".join(known))
    if unit:
        known = sorted({v.facts.responsible_unit for v in views if v.facts.responsible_unit})
        views = [v for v in views if v.facts.responsible_unit == unit.strip()]
        if not views:
            raise BadUsage("progress.no_unit", unit=unit, known="、".join(known))
    if not views:
        raise BadUsage("progress.no_projects")
    return views


def _serial(d: dt.date) -> int:
    return (d - EXCEL_EPOCH).days


def _validations(ws, lang: str, week_end: dt.date, as_of: dt.date, cols, first: int,
                 last: int) -> None:
    def dv(kind: str, **kw) -> DataValidation:
        v = DataValidation(allow_blank=True, showErrorMessage=True, showInputMessage=True,
                           errorTitle=t("progress.dv.error_title", lang=lang),
                           error=t(f"progress.dv.{kind}_error", lang=lang,
                                   end=week_end.isoformat(), n=MAX_NOTE),
                           promptTitle=t(f"progress.dv.{kind}_title", lang=lang),
                           prompt=t(f"progress.dv.{kind}_prompt", lang=lang,
                                    end=week_end.isoformat(), as_of=as_of.isoformat(),
                                    n=MAX_NOTE), **kw)
        ws.add_data_validation(v)
        return v

    stages = ",".join(term(s, lang) for s in STAGES)
    rules = {
        "week_actual": dv("week_actual", type="decimal", operator="greaterThanOrEqual",
                          formula1="0"),
        "cumulative": dv("cumulative", type="decimal", operator="greaterThanOrEqual",
                         formula1="0"),
        "stage": dv("stage", type="list", formula1=f'"{stages}"'),
        "percent": dv("percent", type="decimal", operator="between", formula1="0",
                      formula2="100"),
        "date": dv("date", type="date", operator="between", formula1=str(_serial(dt.date(2000, 1, 1))),
                   formula2=str(_serial(week_end))),
        "note": dv("note", type="textLength", operator="lessThanOrEqual", formula1=str(MAX_NOTE)),
    }
    for i, c in enumerate(cols, 1):
        if c.fill:
            key = "date" if c.kind == "date" else c.code
            letter = get_column_letter(i)
            rules[key].add(f"{letter}{first}:{letter}{last}")


def write_template(portfolio: Portfolio, views: list[ProjectView], path: Path, *,
                   period: str, week_start: dt.date, week_end: dt.date, lang: str,
                   secret: bytes, county: str | None = None) -> Path:
    """Write the template for the week ``period`` with the figures of ``portfolio`` (loaded at
    the date the template is made) for ``views``; its hidden sheet signed with ``secret``
    (``layout.sign``).  Written through ``projtrack.safefile``: a temporary renamed into place,
    a symlinked target refused."""
    fmt = Fmt(lang)
    cols = columns()
    wb = Workbook()
    ws = wb.active
    ws.title = t("progress.sheet", lang=lang)
    last_letter = get_column_letter(len(cols))
    title = t("progress.title_county" if county else "progress.title", lang=lang,
              county=county or "", period=period)
    put(ws, 1, 1, title).font = Font(bold=True, size=14)
    ws.merge_cells(f"A1:{last_letter}1")
    year, week, _ = week_start.isocalendar()
    put(ws, 2, 1, t("progress.subtitle", lang=lang, year=year, week=week,
                    start=week_start.isoformat(), end=week_end.isoformat(),
                    as_of=portfolio.as_of.isoformat()))
    ws.merge_cells(f"A2:{last_letter}2")
    put(ws, 3, 1, t("progress.instructions", lang=lang, end=week_end.isoformat(),
                    as_of=portfolio.as_of.isoformat()))
    ws["A3"].alignment = Alignment(wrap_text=True, vertical="top")
    ws["A3"].font = Font(color="C00000")
    ws.merge_cells(f"A3:{last_letter}3")  # its own row, across the table, wrapped to fit
    fit_height(ws, 3, {1: sum(c.width for c in cols)})

    # group row, then headers
    start = 1
    spans: dict[int, float] = {}  # a group's first column → the width it spans
    for i in range(1, len(cols) + 2):
        if i == len(cols) + 1 or cols[i - 1].group != cols[start - 1].group:
            spans[start] = sum(c.width for c in cols[start - 1:i - 1])
            put(ws, GROUP_ROW, start, t(f"progress.group.{cols[start - 1].group}", lang=lang,
                                        as_of=portfolio.as_of.isoformat()))
            if i - 1 > start:
                ws.merge_cells(start_row=GROUP_ROW, start_column=start, end_row=GROUP_ROW,
                               end_column=i - 1)
            start = i
    for i, c in enumerate(cols, 1):
        put(ws, HEADER_ROW, i, t(header_key(c.code), lang=lang))
        for r in (GROUP_ROW, HEADER_ROW):
            cell = ws.cell(row=r, column=i)
            cell.font = Font(bold=True, size=10)
            cell.fill = FILL_IN if c.fill else FILLS["header"]
            cell.border = BOX
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(i)].width = c.width
    fit_height(ws, HEADER_ROW, {i: c.width for i, c in enumerate(cols, 1)}, line=13)
    fit_height(ws, GROUP_ROW, spans, line=13)

    row = FIRST_ROW
    for v in views:
        f, g = v.facts, v.figures
        done = {m.name: m.actual for m in g.milestones if m.done}
        values = {
            "id": (v.id, "int"), "name": (f.name, None), "township": (f.township or "", None),
            "unit": (f.responsible_unit or "", None), "phase": (term(g.phase, lang), None),
            "total_investment": (g.total_investment, "money"),
            "annual_plan": (g.annual_plan, "money"), "actual_to_date": (g.actual_to_date, "money"),
            "progress": (fmt.progress(g.stage, g.percent_complete), None),
        }
        for i, c in enumerate(cols, 1):
            cell = ws.cell(row=row, column=i)
            if c.code in values:
                value, kind = values[c.code]
                put(ws, row, i, value, kind)
            elif c.kind == "date" and c.code[3:] in done:
                store(cell, done[c.code[3:]])  # already reached: shown, locked
                cell.number_format = "yyyy-mm-dd"
                cell.fill = DONE
            elif c.fill:
                cell.protection = Protection(locked=False)
                cell.fill = FILL_IN
                cell.number_format = {"money": "#,##0.00", "percent": "0", "date": "yyyy-mm-dd"}.get(
                    c.kind, "@")
            cell.border = BOX
            cell.font = BODY
            cell.alignment = Alignment(vertical="center", wrap_text=c.kind == "text",
                                       horizontal="right" if c.kind in ("money", "int") else None)
        fit_height(ws, row, {i: c.width for i, c in enumerate(cols, 1) if c.kind == "text"})
        row += 1
    last = row - 1
    _validations(ws, lang, week_end, portfolio.as_of, cols, FIRST_ROW, max(last, FIRST_ROW))

    ws.freeze_panes = ws.cell(row=FIRST_ROW, column=3)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last_letter}{max(last, HEADER_ROW)}"
    ws.protection.sheet = True
    ws.protection.autoFilter = False  # False = allowed: filter by township or unit
    ws.protection.sort = False
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    page_setup_basic(ws, title, period, lang, f"{GROUP_ROW}:{HEADER_ROW}")
    ws.page_margins.left = ws.page_margins.right = 0.25  # the widest table we print

    meta = wb.create_sheet(META_SHEET)
    fields = {"magic": MAGIC, "version": str(VERSION), "period": period,
              "week_start": week_start.isoformat(), "week_end": week_end.isoformat(),
              "as_of": portfolio.as_of.isoformat(), "lang": lang, "sheet": ws.title,
              "header_row": str(HEADER_ROW), "first_row": str(FIRST_ROW),
              "columns": ",".join(c.code for c in cols)}
    fields.update(sign(secret, fields, [str(v.id) for v in views]))
    for r, (key, value) in enumerate(fields.items(), 1):
        put(meta, r, 1, key)
        put(meta, r, 2, value)
    meta.sheet_state = "veryHidden"
    marks.mark(wb, marks.PROGRESS_TEMPLATE)  # refused as an annex (importer.own)
    meta.protection.sheet = True
    wb.security = WorkbookProtection(lockStructure=True)
    return write_file(path, wb.save)
