"""The portfolio as a clean workbook: sheet 项目 is an annex that re-imports into an empty
database with the same facts; sheet 完成情况 holds the figures at the as-of date.

Every cell is written by ``reports.cells``: text as text (never as a formula), whatever it
starts with, and money and rates as their exact decimal digits.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from projtrack import marks
from projtrack.core.portfolio import Portfolio
from projtrack.reports.cells import put
from projtrack.reports.export import funding_sources

MONEY_FMT = "#,##0.00####"
RATE_FMT = "0.0%"
HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")


def _put(ws, row: int, col: int, value: object, fmt: str | None = None):
    return put(ws, row, col, value, fmt)  # reports.cells: text as text, Decimals exactly


def _header(ws, row: int, names: list[str]) -> None:
    for col, name in enumerate(names, 1):
        c = _put(ws, row, col, name)
        c.font = Font(bold=True)
        c.fill = HEADER_FILL
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _num(value: Decimal | None):
    """Decimals go into cells as Decimals (openpyxl writes their exact text)."""
    return value


def write_portfolio_xlsx(portfolio: Portfolio, path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = marks.EXPORT_ANNEX_SHEET
    marks.mark(wb, marks.PORTFOLIO_EXPORT)  # re-imported as the annex it is (importer.own)
    years = sorted({y for v in portfolio.projects for y in v.facts.annual_plan})
    sources = funding_sources(portfolio)
    _put(ws, 1, 1, marks.EXPORT_TITLE.format(as_of=portfolio.as_of.isoformat()))
    _put(ws, 2, 1, "单位:万元、亩、平方米、个")
    header = (["序号", "项目名称", "项目代码", "学段", "项目类型", "建设性质", "建设地点",
               "建设内容及规模", "开工年份", "竣工年份", "总投资(万元)", "计划投资合计"]
              + [f"{y}年" for y in years]
              + ["用地面积(亩)", "建筑面积(平方米)", "新增学位(个)", "责任单位",
                 "以前年度完成投资", "备注"] + [f"{s}资金" for s in sources])
    _header(ws, 3, header)
    for i, v in enumerate(portfolio.projects, 1):
        f = v.facts
        r = 3 + i
        values: list[tuple[object, str | None]] = [
            (i, None), (f.name, None), (f.project_code, None), (f.category, None),
            (f.annex_class, None), (f.construction_type, None), (f.township, None),
            (f.content, None), (f.start_year, None), (f.end_year, None),
            (_num(f.total_investment), MONEY_FMT), (_num(f.period_plan), MONEY_FMT),
        ]
        values += [(_num(f.annual_plan.get(y)), MONEY_FMT) for y in years]
        values += [(_num(f.land_mu), "#,##0.######"), (_num(f.floor_area_m2), "#,##0.##"),
                   (f.new_places, "#,##0"), (f.responsible_unit, None),
                   (_num(f.prior_actual), MONEY_FMT), (f.remarks, None)]
        values += [(_num(f.funding_plan.get(s)), MONEY_FMT) for s in sources]
        for col, (value, fmt) in enumerate(values, 1):
            _put(ws, r, col, value, fmt)
    ws.freeze_panes = "C4"
    for col in range(1, len(header) + 1):
        ws.column_dimensions[get_column_letter(col)].width = 28 if col in (2, 8) else 12

    fig = wb.create_sheet(marks.EXPORT_FIGURES_SHEET)
    _put(fig, 1, 1, f"完成情况(截至 {portfolio.as_of.isoformat()})")
    fheader = [*marks.EXPORT_FIGURES_HEADER, "本年计划", "本年完成", "年度完成率", "序时进度",
               "累计完成", "开累完成率", "序时计划", "偏差", "偏差率", "到位资金", "拨付",
               "形象进度", "预警", "预警原因"]
    _header(fig, 2, fheader)
    for i, v in enumerate(portfolio.projects, 1):
        g = v.figures
        row: list[tuple[object, str | None]] = [
            (i, None), (v.facts.name, None), (v.facts.phase, None), (v.facts.status, None),
            (g.annual_plan, MONEY_FMT), (g.actual_this_year, MONEY_FMT),
            (g.annual_completion_rate, RATE_FMT), (g.time_progress, RATE_FMT),
            (g.actual_to_date, MONEY_FMT), (g.cumulative_completion_rate, RATE_FMT),
            (g.planned_to_date, MONEY_FMT), (g.variance, MONEY_FMT), (g.variance_rate, RATE_FMT),
            (g.funds_received, MONEY_FMT), (g.payments, MONEY_FMT),
            (g.percent_complete, RATE_FMT), (g.flag, None), (",".join(g.flag_reasons), None),
        ]
        for col, (value, fmt) in enumerate(row, 1):
            _put(fig, 2 + i, col, value, fmt)
    fig.freeze_panes = "C3"
    fig.column_dimensions["B"].width = 40
    wb.save(path)
