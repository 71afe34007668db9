"""What the county layouts (``counties.py``, ``counties2.py`` … ``counties4.py``) are built with:
a true project ``P`` (money in 万元), its truth as JSON, and the cell writers and the standard
table the builders share."""

from __future__ import annotations

from decimal import Decimal as D

import openpyxl
from openpyxl.utils import get_column_letter as L

YEARS = (2021, 2022, 2023, 2024, 2025)
FIELDS = ("name", "category", "annex_class", "construction_type", "township", "responsible_unit",
          "start_year", "end_year", "total_investment", "period_plan", "annual_plan", "land_mu",
          "new_places", "funding_plan")
EXTRA = ("project_code", "prior_actual")  # checked when a builder states them


def P(name, cat, klass, nature, town, unit, sy, ey, total, plan, land, places, *, period=None,
      span=(2021, 2025), funding=None, **extra):
    """One true project (money in 万元).  ``period``: the plan of the plan period when the annex
    states one that is not the sum of its years in ``span`` (a “十五五” plan: 2026–2030)."""
    plan = {int(y): D(str(v)) for y, v in plan.items() if v}
    if period is None:
        period = sum((v for y, v in plan.items() if span[0] <= y <= span[1]), D(0)) if plan else None
    else:
        period = D(str(period))
    d = dict(name=name, category=cat, annex_class=klass, construction_type=nature, township=town,
             responsible_unit=unit, start_year=sy, end_year=ey,
             total_investment=None if total is None else D(str(total)), period_plan=period,
             annual_plan=plan, land_mu=None if land is None else D(str(land)), new_places=places,
             funding_plan={k: D(str(v)) for k, v in (funding or {}).items() if v})
    d.update(extra)
    return d


def truth_json(projects, expect=None, fields=FIELDS + EXTRA):
    """The truth of ``projects`` as JSON-able text: the ``fields`` each states."""
    out = []
    for p in projects:
        q = {}
        for f in fields:
            if f not in p:
                continue
            v = p[f]
            if isinstance(v, D):
                v = format(v.normalize(), "f")
            elif isinstance(v, dict):
                v = {str(y): format(a.normalize(), "f") for y, a in sorted(v.items())}
            q[f] = v
        out.append(q)
    doc = {"projects": out}
    if expect:
        doc["expect"] = expect
    return doc


def num(v):
    """A Decimal as the plain number an officer types."""
    if v is None:
        return None
    v = D(str(v))
    return int(v) if v == v.to_integral_value() else float(v)


def yrange(p, style="{s}-{e}"):
    return style.format(s=p["start_year"], e=p["end_year"])


def put(ws, r, c, v):
    ws.cell(row=r, column=c, value=v)


def row(ws, r, values, start_col=1):
    for i, v in enumerate(values):
        if v is not None:
            ws.cell(row=r, column=start_col + i, value=v)


def merge(ws, ref):
    ws.merge_cells(ref)


def wb_title(ws, text, width, r=1):
    put(ws, r, 1, text)
    merge(ws, f"A{r}:{L(width)}{r}")


def plans(p, years=YEARS):
    return [num(p["annual_plan"].get(y)) for y in years]


def base(county, towns, unit="县教育局"):
    """Six projects of a county: four townships' schools and kindergartens, one vocational."""
    t = towns
    return [
        P(f"{county}{t[0]}第二小学新建工程", "中小学", "续建", "新建", t[0], unit, 2019, 2021, 12000,
          {2021: 4000}, 36, 1350),
        P(f"{county}{t[1]}中学迁建工程", "中小学", "新开工", "迁建", t[1], unit, 2021, 2023, 28000,
          {2021: 6000, 2022: 12000, 2023: 10000}, 80, 2000),
        P(f"{county}{t[2]}中心小学改扩建工程", "中小学", "新开工", "改扩建", t[2], f"{t[2]}人民政府",
          2022, 2024, 6500, {2022: 2000, 2023: 3000, 2024: 1500}, 12.5, 540),
        P(f"{county}{t[0]}实验幼儿园新建工程", "幼儿园", "新开工", "新建", t[0], unit, 2023, 2025,
          4200, {2023: 1200, 2024: 2000, 2025: 1000}, 12, 540),
        P(f"{county}{t[3]}中心幼儿园扩建工程", "幼儿园", "续建", "扩建", t[3], unit, 2020, 2022, 1800,
          {2021: 800, 2022: 400}, 5, 270),
        P(f"{county}职业技术学校二期工程", "职业教育", "前期", "扩建", t[1], unit, 2025, 2027, 15000,
          {2025: 500}, 60, 1500),
    ]


STD = ["序号", "项目名称", "学段", "项目类型", "建设性质", "建设地点", "建设起止年限", "总投资",
       "“十四五”计划投资"] + [f"{y}年" for y in YEARS] + ["用地面积(亩)", "新增学位(个)", "责任单位"]


def std_row(p, seq):
    return [seq, p["name"], p["category"], p["annex_class"], p["construction_type"], p["township"],
            yrange(p), num(p["total_investment"]), num(p["period_plan"])] + plans(p) + \
        [num(p["land_mu"]), p["new_places"], p["responsible_unit"]]


def sheet(title):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    return wb, ws


def std_table(ws, ps, r0, head=STD, title=None):
    """Title (when given), 单位 row, STD header at r0, items below; returns the next row."""
    if title:
        wb_title(ws, title, len(head), r0 - 2)
        put(ws, r0 - 1, 1, "单位:万元")
    row(ws, r0, head)
    for i, p in enumerate(ps):
        row(ws, r0 + 1 + i, std_row(p, i + 1))
    return r0 + 1 + len(ps)
