"""Annex workbooks laid out the way two dozen other counties publish them, each with its truth.

Each builder returns an openpyxl workbook and the true value of every field of every project,
as the county's officer reads the annex (money in 万元, land in 亩).  ``test_counties`` reads
each with the importer and compares field by field.  ``python -m tests.importer.counties DIR``
writes the workbooks and their truth as JSON, to open them in Excel or LibreOffice.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from decimal import Decimal as D
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter as L

from .countykit import (
    YEARS,
    P,
    base,
    merge,
    num,
    put,
    row,
    sheet,
    wb_title,
    yrange,
)
from .countykit import truth_json as kit_truth

FIELDS = ("name", "category", "annex_class", "construction_type", "township", "responsible_unit",
          "start_year", "end_year", "total_investment", "period_plan", "annual_plan", "land_mu",
          "new_places")


def truth_json(projects):
    """The truth of ``projects`` in the fields this round states (no funding plan)."""
    return kit_truth(projects, fields=FIELDS)


# ---------------------------------------------------------------------------------------------
# Projects of the twenty counties (deliberately small tables, 5–9 projects each)
# ---------------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------
# 01 city-level table: 区县 column, a 区县小计 row after each county's projects
# ---------------------------------------------------------------------------------------------

def b01():
    wb, ws = sheet("附件1")
    a = base("鹿城区", ["五马街道", "南汇街道", "藤桥镇", "山福镇"], "鹿城区教育局")[:3]
    b = base("瑞安市", ["安阳街道", "塘下镇", "马屿镇", "陶山镇"], "瑞安市教育局")[3:6]
    head = ["序号", "县(市、区)", "项目名称", "建设性质", "所在乡镇", "建设起止年限", "总投资",
            "“十四五”计划投资", "用地面积(亩)", "新增学位(个)", "责任单位", "项目类型", "学段"]
    wb_title(ws, "温州市“十四五”教育基础设施建设项目汇总表", len(head))
    put(ws, 2, len(head), "单位:万元")
    row(ws, 3, head)
    r = 4
    seq = 1
    for county, items in (("鹿城区", a), ("瑞安市", b)):
        for p in items:
            row(ws, r, [seq, county, p["name"], p["construction_type"], p["township"], yrange(p),
                        num(p["total_investment"]), num(p["period_plan"]), num(p["land_mu"]),
                        p["new_places"], p["responsible_unit"], p["annex_class"], p["category"]])
            seq += 1
            r += 1
        row(ws, r, [None, f"{county}小计", None, None, None, None,
                    num(sum(p["total_investment"] for p in items)),
                    num(sum(p["period_plan"] for p in items)),
                    num(sum(p["land_mu"] for p in items)), sum(p["new_places"] for p in items)])
        r += 1
    for p in a + b:
        p["annual_plan"] = {}  # no year columns in this table
    for p in a:
        p["county"] = "鹿城区"
    for p in b:
        p["county"] = "瑞安市"
    return wb, a + b


# ---------------------------------------------------------------------------------------------
# 02 资金安排 group (a funding breakdown whose heading is not 资金来源) with 合计 and sources
# ---------------------------------------------------------------------------------------------

def b02():
    wb, ws = sheet("项目表")
    ps = base("苍南县", ["灵溪镇", "龙港镇", "钱库镇", "金乡镇"])
    top = ["序号", "项目名称", "建设性质", "建设地点", "建设年限", "总投资", "资金安排", None, None,
           None, None, None, None, "“十四五”计划投资", None, None, None, None, None, "责任单位", "项目类型", "学段"]
    sub = [None] * 6 + ["合计", "中央", "省级", "市级", "专项债", "县级", "自筹", "合计"] + \
        [f"{y}年" for y in YEARS] + [None, None, None]
    wb_title(ws, "苍南县教育“十四五”项目安排表", len(top))
    put(ws, 2, 1, "单位:万元")
    row(ws, 3, top)
    row(ws, 4, sub)
    for c in (1, 2, 3, 4, 5, 6, 20, 21, 22):
        merge(ws, f"{L(c)}3:{L(c)}4")
    merge(ws, "G3:M3")
    merge(ws, "N3:S3")
    for i, p in enumerate(ps):
        t = p["total_investment"]
        central, prov, city, bond = t * D("0.1"), t * D("0.2"), D(0), t * D("0.3")
        county = t - central - prov - bond - D(100)
        own = D(100)
        r = 5 + i
        row(ws, r, [i + 1, p["name"], p["construction_type"], p["township"], yrange(p), num(t),
                    num(t), num(central), num(prov), num(city), num(bond), num(county), num(own),
                    num(p["period_plan"])] + [num(p["annual_plan"].get(y)) for y in YEARS] +
            [p["responsible_unit"], p["annex_class"], p["category"]])
    for p in ps:  # the table has no land or places columns
        p["land_mu"] = p["new_places"] = None
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 03 three-row header: 新增学位 over 合计/小学/初中, 建筑面积 over 合计/其中地下
# ---------------------------------------------------------------------------------------------

def b03():
    wb, ws = sheet("附件")
    ps = base("文成县", ["大峃镇", "玉壶镇", "珊溪镇", "巨屿镇"])
    r1 = ["序号", "项目基本情况", None, None, None, None, "投资计划", None, None, None, None, None,
          None, "建设规模", None, None, None, None, "责任单位"]
    r2 = [None, "项目名称", "建设性质", "建设地点", "项目类型", "建设起止年限", "总投资",
          "“十四五”计划投资", None, None, None, None, None, "建筑面积(㎡)", None, "新增学位(个)",
          None, "用地面积(亩)", None]
    r3 = [None] * 7 + ["合计"] + [f"{y}年" for y in YEARS] + ["合计", "其中:地下", "合计", "小学",
                                                            None, None]
    r3[16] = "初中"
    wb_title(ws, "文成县“十四五”教育项目安排表", len(r1))
    put(ws, 2, 1, "单位:万元")
    row(ws, 3, r1)
    row(ws, 4, r2)
    row(ws, 5, r3)
    merge(ws, "A3:A5")
    merge(ws, "B3:F3")
    merge(ws, "G3:M3")
    merge(ws, "N3:R3")
    merge(ws, "S3:S5")
    for c in "BCDEFG":
        merge(ws, f"{c}4:{c}5")
    merge(ws, "H4:M4")
    merge(ws, "N4:O4")
    merge(ws, "P4:Q4")
    merge(ws, "R4:R5")
    r = 6
    for cat in ("中小学", "幼儿园", "职业教育"):
        put(ws, r, 1, {"中小学": "一", "幼儿园": "二", "职业教育": "三"}[cat])
        put(ws, r, 2, f"{cat}项目")
        r += 1
        for p in [p for p in ps if p["category"] == cat]:
            pr = p["new_places"]
            prim = pr if "小学" in p["name"] else 0
            mid = pr - prim if cat == "中小学" else 0
            row(ws, r, [r - 5, p["name"], p["construction_type"], p["township"], p["annex_class"],
                        yrange(p), num(p["total_investment"]), num(p["period_plan"])] +
                [num(p["annual_plan"].get(y)) for y in YEARS] +
                [int(p["total_investment"] * 2), int(p["total_investment"] * D("0.3")), pr,
                 prim, p["land_mu"] and num(p["land_mu"]), p["responsible_unit"]])
            if cat != "中小学":
                put(ws, r, 17, None)
            else:
                put(ws, r, 17, mid)
            r += 1
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 04 years as "2021年度投资计划", "2022年计划" … under 分年度投资计划; 五年合计; 2026年及以后
# ---------------------------------------------------------------------------------------------

def b04():
    wb, ws = sheet("Sheet1")
    ps = base("泰顺县", ["罗阳镇", "司前畲族镇", "雅阳镇", "筱村镇"])
    ps[5]["annual_plan"] = {2025: D(500), 2026: D(8000)}
    ps[5]["period_plan"] = D(500)
    ps[5]["note"] = "2026年及以后 8000 is beyond the 十四五 period"
    for p in ps:  # no land or places columns
        p["land_mu"] = p["new_places"] = None
    top = ["序号", "项目名称", "建设性质", "建设地点", "建设起止年限", "项目总投资", "分年度投资计划",
           None, None, None, None, None, "五年合计", "项目类型", "学段", "业主单位"]
    sub = [None] * 6 + ["2021年度投资计划", "2022年计划", "2023年计划投资", "2024年投资计划",
                        "2025年度", "2026年及以后", None, None, None, None]
    wb_title(ws, "泰顺县教育事业发展“十四五”规划重点项目表", len(top))
    put(ws, 2, 14, "单位:万元")
    row(ws, 3, top)
    row(ws, 4, sub)
    merge(ws, "G3:L3")
    for c in (1, 2, 3, 4, 5, 6, 13, 14, 15, 16):
        merge(ws, f"{L(c)}3:{L(c)}4")
    for i, p in enumerate(ps):
        plan = p["annual_plan"]
        row(ws, 5 + i, [i + 1, p["name"], p["construction_type"], p["township"], yrange(p, "{s}—{e}"),
                        num(p["total_investment"])] + [num(plan.get(y)) for y in (*YEARS, 2026)] +
            [num(p["period_plan"]), p["annex_class"], p["category"], p["responsible_unit"]])
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 05 separate 开工时间 / 竣工时间 as Excel dates, 计划开工/计划竣工, and 建设工期(月)
# ---------------------------------------------------------------------------------------------

def b05():
    wb, ws = sheet("附件2")
    ps = base("永嘉县", ["上塘镇", "瓯北街道", "桥头镇", "岩头镇"])
    starts = [dt.date(2019, 9, 1), dt.date(2021, 3, 15), dt.date(2022, 6, 30), dt.date(2023, 1, 1),
              dt.date(2020, 11, 20), dt.date(2025, 10, 1)]
    ends = [dt.date(2021, 8, 31), dt.date(2023, 8, 31), dt.date(2024, 7, 31), dt.date(2025, 8, 1),
            dt.date(2022, 6, 30), dt.date(2027, 12, 31)]
    head = ["序号", "项目名称", "项目类别", "项目类型", "建设性质", "建设地点", "计划开工时间",
            "计划竣工时间", "建设工期(月)", "总投资(万元)"] + [f"{y}年计划投资" for y in YEARS] + \
        ["占地面积(亩)", "新增学位数", "责任单位"]
    wb_title(ws, "永嘉县教育基础设施项目计划表", len(head))
    row(ws, 2, head)
    for i, p in enumerate(ps):
        r = 3 + i
        months = (ends[i].year - starts[i].year) * 12 + ends[i].month - starts[i].month
        row(ws, r, [i + 1, p["name"], p["category"], p["annex_class"], p["construction_type"],
                    p["township"], starts[i], ends[i], months, num(p["total_investment"])] +
            [num(p["annual_plan"].get(y)) for y in YEARS] +
            [num(p["land_mu"]), p["new_places"], p["responsible_unit"]])
        ws.cell(row=r, column=7).number_format = "yyyy/m/d"
        ws.cell(row=r, column=8).number_format = "yyyy\"年\"m\"月\""
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 06 money in 元, declared only by "单位：元" far to the right above the header
# ---------------------------------------------------------------------------------------------

def b06():
    wb, ws = sheet("附件3")
    ps = base("洞头区", ["北岙街道", "东屏街道", "元觉街道", "大门镇"], "洞头区教育局")
    head = ["序号", "项目名称", "建设性质", "建设地点", "建设起止年限", "总投资", "十四五计划投资",
            "2021年", "2022年", "2023年", "2024年", "2025年", "用地面积(亩)", "新增学位(个)",
            "项目类型", "学段", "责任单位"]
    wb_title(ws, "洞头区“十四五”教育项目表", len(head))
    put(ws, 2, 20, "单位：元")  # column T, three columns right of the table's last column Q
    row(ws, 3, head)
    for i, p in enumerate(ps):
        yuan = lambda v: None if v is None else int(v * 10000)  # noqa: E731
        row(ws, 4 + i, [i + 1, p["name"], p["construction_type"], p["township"], yrange(p),
                        yuan(p["total_investment"]), yuan(p["period_plan"])] +
            [yuan(p["annual_plan"].get(y)) for y in YEARS] +
            [num(p["land_mu"]), p["new_places"], p["annex_class"], p["category"],
             p["responsible_unit"]])
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 07 亿元 declared only as "(投资:亿元)" in a cell far right; year plans in 万元 by their header
# ---------------------------------------------------------------------------------------------

def b07():
    wb, ws = sheet("附件")
    ps = base("平阳县", ["昆阳镇", "鳌江镇", "水头镇", "萧江镇"])
    head = ["序号", "项目名称", "建设性质", "建设地点", "建设起止年限", "总投资", "2021年(万元)",
            "2022年(万元)", "2023年(万元)", "2024年(万元)", "2025年(万元)", "用地面积(亩)",
            "新增学位(个)", "项目类型", "学段", "责任单位"]
    wb_title(ws, "平阳县“十四五”教育项目安排表", 12)
    put(ws, 2, 16, "(投资:亿元)")
    row(ws, 3, head)
    for i, p in enumerate(ps):
        row(ws, 4 + i, [i + 1, p["name"], p["construction_type"], p["township"], yrange(p),
                        float(p["total_investment"] / 10000)] +
            [num(p["annual_plan"].get(y)) for y in YEARS] +
            [num(p["land_mu"]), p["new_places"], p["annex_class"], p["category"],
             p["responsible_unit"]])
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 08 numbers as text: full-width digits and commas, 约, ".00", 万元 / 亿元 in the cell
# ---------------------------------------------------------------------------------------------

FW = str.maketrans("0123456789,.", "０１２３４５６７８９，．")


def b08():
    wb, ws = sheet("附件")
    ps = base("瑞安市", ["安阳街道", "塘下镇", "飞云街道", "马屿镇"], "瑞安市教育局")
    head = ["序号", "项目名称", "建设性质", "建设地点", "建设起止年限", "总投资（万元）",
            "“十四五”计划投资（万元）", "2021年", "2022年", "2023年", "2024年", "2025年",
            "用地面积（亩）", "新增学位（个）", "项目类型", "学段", "责任单位"]
    wb_title(ws, "瑞安市教育“十四五”项目表", len(head))
    row(ws, 2, head)
    forms = [lambda v: f"{v:,}".translate(FW),  # "１２，０００"
             lambda v: f"{v:,.2f}",  # "28,000.00"
             lambda v: f"约{v}",  # "约6500"
             lambda v: f"{v}万元".translate(FW),  # "４２００万元"
             lambda v: f"{D(v) / 10000}亿元",  # "0.18亿元"
             lambda v: f" {v:,} "]
    for i, p in enumerate(ps):
        f = forms[i]
        def money(v, f=f):
            return None if v is None else f(int(v))
        row(ws, 3 + i, [str(i + 1), p["name"], p["construction_type"], p["township"],
                        yrange(p, "{s}年-{e}年"), money(p["total_investment"]),
                        money(p["period_plan"])] + [money(p["annual_plan"].get(y)) or "—" for y in YEARS]
            + [str(num(p["land_mu"])).translate(FW), f"{p['new_places']:,}", p["annex_class"],
               p["category"], p["responsible_unit"]])
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 09 备注 holding 续建 / 新建 (the class), next to a 建设性质 column of construction types
# ---------------------------------------------------------------------------------------------

def b09():
    wb, ws = sheet("附件1")
    ps = base("乐清市", ["城东街道", "柳市镇", "虹桥镇", "大荆镇"], "乐清市教育局")
    ps[5]["annex_class"] = "前期"
    head = ["序号", "项目名称", "建设性质", "建设地点", "建设规模及内容", "起止年限", "总投资",
            "十四五投资", "2021", "2022", "2023", "2024", "2025", "用地(亩)", "学位(个)", "业主单位",
            "学段", "备注"]
    wb_title(ws, "乐清市教育“十四五”重大项目表", len(head))
    put(ws, 2, 1, "单位:万元")
    row(ws, 3, head)
    rem = {"续建": "续建", "新开工": "新建", "前期": "前期"}
    for i, p in enumerate(ps):
        row(ws, 4 + i, [i + 1, p["name"], p["construction_type"], p["township"],
                        f"新增学位{p['new_places']}个", yrange(p), num(p["total_investment"]),
                        num(p["period_plan"])] + [num(p["annual_plan"].get(y)) for y in YEARS] +
            [num(p["land_mu"]), p["new_places"], p["responsible_unit"], p["category"],
             rem[p["annex_class"]]])
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 10 项目类别 column of school types: 小学/初中/九年一贯制/十二年一贯制/培智学校/中等职业学校/…
# ---------------------------------------------------------------------------------------------

def b10():
    wb, ws = sheet("附件")
    t = ["黄田街道", "城东街道", "小舟山乡", "东溪乡"]
    u = "青田县教育局"
    ps = [
        P("青田县黄田小学新建工程", "中小学", "新开工", "新建", t[0], u, 2021, 2023, 9000,
          {2021: 3000, 2022: 4000, 2023: 2000}, 30, 1080, kind="小学"),
        P("青田县第二中学迁建工程", "中小学", "续建", "迁建", t[1], u, 2020, 2022, 26000,
          {2021: 10000, 2022: 6000}, 90, 1800, kind="初中"),
        P("青田县侨乡十二年一贯制学校新建工程", "中小学", "新开工", "新建", t[1], u, 2022, 2025, 52000,
          {2022: 10000, 2023: 15000, 2024: 15000, 2025: 12000}, 150, 3600, kind="十二年一贯制"),
        P("青田县培智学校改扩建工程", "特殊教育", "新开工", "改扩建", t[1], u, 2023, 2024, 3500,
          {2023: 2000, 2024: 1500}, 8, 120, kind="培智学校"),
        P("青田县中等职业技术学校扩建工程", "职业教育", "新开工", "扩建", t[0], u, 2022, 2024, 12000,
          {2022: 4000, 2023: 5000, 2024: 3000}, 40, 1200, kind="中等职业学校"),
        P("青田县教师发展中心新建工程", "其他", "前期", "新建", t[0], u, 2025, 2026, 6000,
          {2025: 1000}, 10, 0, kind="教师发展中心"),
        P("青田县东溪乡中心幼儿园新建工程", "幼儿园", "新开工", "新建", t[3], u, 2023, 2024, 1500,
          {2023: 800, 2024: 700}, 4, 180, kind="公办幼儿园"),
        P("青田县少年宫（青少年活动中心）改扩建工程", "其他", "新开工", "改扩建", t[1], u, 2024, 2025,
          2400, {2024: 1200, 2025: 1200}, None, 0, kind="校外活动场所"),
    ]
    head = ["序号", "项目名称", "项目类别", "项目类型", "建设性质", "所在乡镇", "建设起止年限", "总投资",
            "“十四五”计划投资", "2021年", "2022年", "2023年", "2024年", "2025年", "用地面积(亩)",
            "新增学位(个)", "责任单位"]
    wb_title(ws, "青田县“十四五”教育项目安排表", len(head))
    put(ws, 2, 1, "单位：万元")
    row(ws, 3, head)
    for i, p in enumerate(ps):
        row(ws, 4 + i, [i + 1, p["name"], p["kind"], p["annex_class"], p["construction_type"],
                        p["township"], yrange(p), num(p["total_investment"]), num(p["period_plan"])]
            + [num(p["annual_plan"].get(y)) for y in YEARS] +
            [num(p["land_mu"]) if p["land_mu"] else "/", p["new_places"] or "—",
             p["responsible_unit"]])
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 11 sheets per category, named 义务教育 / 学前教育 / 高中段 / 职业教育和特殊教育 / 其他设施
# ---------------------------------------------------------------------------------------------

def _simple_sheet(ws, title, ps, unit_cell="单位:万元", head=None, with_town=True):
    head = head or (["序号", "项目名称", "建设性质"] + (["建设地点"] if with_town else []) +
                    ["建设起止年限", "总投资", "“十四五”计划投资", "2021年", "2022年", "2023年",
                     "2024年", "2025年", "用地面积(亩)", "新增学位(个)", "项目类型", "责任单位"])
    wb_title(ws, title, len(head))
    if unit_cell:
        put(ws, 2, len(head), unit_cell)
    row(ws, 3, head)
    for i, p in enumerate(ps):
        row(ws, 4 + i, [i + 1, p["name"], p["construction_type"]] +
            ([p["township"]] if with_town else []) +
            [yrange(p), num(p["total_investment"]), num(p["period_plan"])] +
            [num(p["annual_plan"].get(y)) for y in YEARS] +
            [num(p["land_mu"]), p["new_places"], p["annex_class"], p["responsible_unit"]])


def b11():
    wb = openpyxl.Workbook()
    t = ["缙云县五云街道", "壶镇镇", "新建镇", "东渡镇"]
    t = ["五云街道", "壶镇镇", "新建镇", "东渡镇"]
    u = "缙云县教育局"
    groups = {
        "义务教育": [P("缙云县壶镇小学迁建工程", "中小学", "新开工", "迁建", t[1], u, 2021, 2023, 18000,
                     {2021: 5000, 2022: 8000, 2023: 5000}, 50, 1620),
                 P("缙云县新建镇中学改扩建工程", "中小学", "续建", "改扩建", t[2], u, 2020, 2021, 5000,
                     {2021: 2000}, 15, 450)],
        "学前教育": [P("缙云县东渡镇幼儿园新建工程", "幼儿园", "新开工", "新建", t[3], u, 2022, 2023, 2100,
                     {2022: 1000, 2023: 1100}, 6, 270),
                 P("缙云县五云街道第三幼儿园新建工程", "幼儿园", "新开工", "新建", t[0], u, 2023, 2024,
                     2600, {2023: 1300, 2024: 1300}, 7, 360)],
        "高中段": [P("缙云中学扩建工程", "中小学", "新开工", "扩建", t[0], u, 2022, 2024, 16000,
                   {2022: 5000, 2023: 6000, 2024: 5000}, 30, 1000)],
        "职业教育和特殊教育": [
            P("缙云县职业中专实训楼新建工程", "职业教育", "新开工", "新建", t[0], u, 2022, 2023, 6000,
              {2022: 3000, 2023: 3000}, 10, 600),
            P("缙云县特殊教育学校迁建工程", "特殊教育", "前期", "迁建", t[0], u, 2025, 2026, 4000,
              {2025: 500}, 12, 150)],
        "其他设施": [P("缙云县教育综合服务中心新建工程", "其他", "新开工", "新建", t[0], u, 2023, 2025,
                     5000, {2023: 1000, 2024: 2000, 2025: 2000}, 8, 0)],
    }
    first = True
    ps = []
    for name, items in groups.items():
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = name
        _simple_sheet(ws, f"缙云县“十四五”{name}项目表", items)
        ps += items
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 12 sheets per township without a location column: sheet names without 镇, towns in titles
# ---------------------------------------------------------------------------------------------

def b12():
    wb = openpyxl.Workbook()
    u = "松阳县教育局"
    sheets = [
        ("西屏", "松阳县西屏街道“十四五”学校建设项目", [
            P("松阳县西屏街道第二小学新建工程", "中小学", "新开工", "新建", "西屏街道", u, 2021, 2023,
              9800, {2021: 3000, 2022: 4000, 2023: 2800}, 32, 1080),
            P("松阳县城北幼儿园新建工程", "幼儿园", "新开工", "新建", "西屏街道", u, 2022, 2023, 2200,
              {2022: 1200, 2023: 1000}, 6, 270)]),
        ("古市", "松阳县“十四五”学校建设项目（古市）", [
            P("松阳县古市镇中学改扩建工程", "中小学", "续建", "改扩建", "古市镇", u, 2020, 2022, 7000,
              {2021: 3000, 2022: 2000}, 20, 600),
            P("松阳县古市镇中心幼儿园扩建工程", "幼儿园", "新开工", "扩建", "古市镇", u, 2024, 2025,
              1600, {2024: 800, 2025: 800}, 3, 180)]),
        ("大东坝镇", "松阳县“十四五”学校建设项目", [
            P("松阳县大东坝镇中心学校改扩建工程", "中小学", "新开工", "改扩建", "大东坝镇", u, 2023, 2024,
              3000, {2023: 1500, 2024: 1500}, 8, 270)]),
        ("新兴镇、赤寿乡", "松阳县新兴镇、赤寿乡“十四五”学校建设项目", [
            P("松阳县新兴镇小学改扩建工程", "中小学", "新开工", "改扩建", "新兴镇", u, 2022, 2023, 2400,
              {2022: 1200, 2023: 1200}, 6, 270),
            P("松阳县赤寿乡中心幼儿园新建工程", "幼儿园", "前期", "新建", "赤寿乡", u, 2025, 2026, 1200,
              {2025: 200}, 3, 90)]),
    ]
    ps = []
    for i, (name, title, items) in enumerate(sheets):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = name
        head = ["序号", "项目名称", "建设性质", "学段", "建设起止年限", "总投资", "“十四五”计划投资",
                "2021年", "2022年", "2023年", "2024年", "2025年", "用地面积(亩)", "新增学位(个)",
                "项目类型", "责任单位"]
        wb_title(ws, title, len(head))
        put(ws, 2, 16, "单位:万元")
        row(ws, 3, head)
        for j, p in enumerate(items):
            row(ws, 4 + j, [j + 1, p["name"], p["construction_type"], p["category"], yrange(p),
                            num(p["total_investment"]), num(p["period_plan"])] +
                [num(p["annual_plan"].get(y)) for y in YEARS] +
                [num(p["land_mu"]), p["new_places"], p["annex_class"], p["responsible_unit"]])
        ps += items
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 13 a table starting in column C (A–B blank), a 合计 row at the top, notes and a signature row
# ---------------------------------------------------------------------------------------------

def b13():
    wb, ws = sheet("项目安排表")
    ps = base("龙泉市", ["龙渊街道", "剑池街道", "八都镇", "查田镇"], "龙泉市教育局")
    head = ["序号", "项目名称", "学段", "项目类型", "建设性质", "建设地点", "建设起止年限", "总投资",
            "“十四五”计划投资", "2021年", "2022年", "2023年", "2024年", "2025年", "用地面积(亩)",
            "新增学位(个)", "责任单位"]
    put(ws, 1, 3, "龙泉市“十四五”教育项目安排表")
    merge(ws, "C1:S1")
    put(ws, 2, 19, "单位:万元")
    row(ws, 3, head, start_col=3)
    tot = lambda k: num(sum(p[k] for p in ps))  # noqa: E731
    row(ws, 4, [None, "合计（6个）", None, None, None, None, None, tot("total_investment"),
                tot("period_plan")] + [num(sum(p["annual_plan"].get(y, 0) for p in ps)) for y in YEARS]
        + [tot("land_mu"), sum(p["new_places"] for p in ps)], start_col=3)
    for i, p in enumerate(ps):
        row(ws, 5 + i, [i + 1, p["name"], p["category"], p["annex_class"], p["construction_type"],
                        p["township"], yrange(p), num(p["total_investment"]), num(p["period_plan"])]
            + [num(p["annual_plan"].get(y)) for y in YEARS] +
            [num(p["land_mu"]), p["new_places"], p["responsible_unit"]], start_col=3)
    r = 5 + len(ps)
    put(ws, r, 4, "数据来源：市发改局、市教育局联合审核。")
    put(ws, r + 1, 3, "注：1.续建项目指2021年前已开工项目；2.投资以批复为准。")
    merge(ws, f"C{r + 1}:S{r + 1}")
    row(ws, r + 3, ["单位负责人：", None, None, "审核人：", None, None, "填表人：", None, None,
                    "联系电话：0578-7123456"], start_col=3)
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 14 hidden columns (调整前总投资, an old 2021 plan) and formula columns without cached values
# ---------------------------------------------------------------------------------------------

def b14():
    wb, ws = sheet("附件")
    ps = base("庆元县", ["松源街道", "濛洲街道", "屏都街道", "黄田镇"], "庆元县教育局")
    head = ["序号", "项目名称", "学段", "项目类型", "建设性质", "建设地点", "建设起止年限",
            "调整前总投资", "总投资", "“十四五”计划投资", "2021年", "2022年", "2023年", "2024年",
            "2025年", "用地面积(亩)", "新增学位(个)", "责任单位"]
    wb_title(ws, "庆元县“十四五”教育项目安排表（调整版）", len(head))
    put(ws, 2, 1, "单位:万元")
    row(ws, 3, head)
    ws.column_dimensions["H"].hidden = True
    for i, p in enumerate(ps):
        r = 4 + i
        row(ws, r, [i + 1, p["name"], p["category"], p["annex_class"], p["construction_type"],
                    p["township"], yrange(p), num(p["total_investment"] * D("0.9")), None, None]
            + [num(p["annual_plan"].get(y)) for y in YEARS] +
            [num(p["land_mu"]), p["new_places"], p["responsible_unit"]])
        put(ws, r, 10, f"=SUM(K{r}:O{r})")
        # total = period plan + the rest (before 2021 / after 2025), as a formula
        rest = p["total_investment"] - p["period_plan"]
        put(ws, r, 9, f"=J{r}+{num(rest)}")
    r = 4 + len(ps)
    put(ws, r, 2, "合计")
    for c in range(9, 18):
        put(ws, r, c, f"=SUM({L(c)}4:{L(c)}{r - 1})")
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 15 WPS-like: docProps say WPS 表格, text-formatted numbers, line breaks in headers, sections,
#    a vertically merged 学段 cell
# ---------------------------------------------------------------------------------------------

def b15():
    wb, ws = sheet("附件1")
    ps = base("景宁畲族自治县", ["红星街道", "鹤溪街道", "渤海镇", "东坑镇"], "县教育局")
    head = ["序\n号", "学段", "项目\n名称", "建设\n性质", "建设\n地点", "建设起止\n年限",
            "总投资\n（万元）", "“十四五”\n计划投资", "2021\n年", "2022\n年", "2023\n年", "2024\n年",
            "2025\n年", "用地\n面积\n（亩）", "新增\n学位\n（个）", "责任\n单位", "项目\n类型"]
    wb_title(ws, "景宁畲族自治县教育“十四五”项目安排表", len(head))
    row(ws, 2, head)
    r = 3
    for cat in ("中小学", "幼儿园", "职业教育"):
        items = [p for p in ps if p["category"] == cat]
        first = r
        for i, p in enumerate(items):
            vals = [str(r - 2), cat if i == 0 else None, p["name"], p["construction_type"],
                    p["township"], yrange(p, "{s}.3-{e}.8"), str(num(p["total_investment"])),
                    str(num(p["period_plan"]))] + [str(num(p["annual_plan"][y])) if y in
                                                   p["annual_plan"] else None for y in YEARS] + \
                [str(num(p["land_mu"])), str(p["new_places"]), p["responsible_unit"], p["annex_class"]]
            row(ws, r, vals)
            for c in range(1, 18):
                ws.cell(row=r, column=c).number_format = "@"
            r += 1
        if r - 1 > first:
            merge(ws, f"B{first}:B{r - 1}")
    return wb, ps


def wps_patch(path: Path) -> None:
    """Make the package look saved by WPS: its app.xml and a KSO custom property."""
    buf = io.BytesIO()
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "docProps/app.xml":
                data = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties '
                        b'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-'
                        b'properties"><Application>WPS \xe8\xa1\xa8\xe6\xa0\xbc</Application>'
                        b'</Properties>')
            zout.writestr(item, data)
    path.write_bytes(buf.getvalue())


# ---------------------------------------------------------------------------------------------
# 16 Chinese only: year headers 二〇二一年 …, spans 2021年3月—2023年8月, 36亩 / 1080个 in cells
# ---------------------------------------------------------------------------------------------

CN_YEAR = {2021: "二〇二一年", 2022: "二〇二二年", 2023: "二〇二三年", 2024: "二〇二四年",
           2025: "二〇二五年"}


def b16():
    wb, ws = sheet("附件")
    ps = base("云和县", ["浮云街道", "元和街道", "白龙山街道", "崇头镇"], "云和县教育局")
    head = ["序号", "项目名称", "学段", "项目类型", "建设性质", "建设地点", "建设起止年限", "总投资",
            "十四五计划投资"] + [CN_YEAR[y] for y in YEARS] + ["用地面积", "新增学位", "责任单位"]
    wb_title(ws, "云和县“十四五”教育项目安排表", len(head))
    put(ws, 2, 1, "单位：万元")
    row(ws, 3, head)
    for i, p in enumerate(ps):
        row(ws, 4 + i, [i + 1, p["name"], p["category"], p["annex_class"], p["construction_type"],
                        p["township"], f"{p['start_year']}年3月—{p['end_year']}年8月",
                        num(p["total_investment"]), num(p["period_plan"])] +
            [num(p["annual_plan"].get(y)) for y in YEARS] +
            [f"{num(p['land_mu'])}亩", f"{p['new_places']}个", p["responsible_unit"]])
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 17 sections by construction type ((一)新建项目 / (二)改扩建项目 / (三)迁建项目) with subtotals,
#    and a 职业教育及特殊教育 category section
# ---------------------------------------------------------------------------------------------

def b17():
    wb, ws = sheet("附件")
    t = ["丽水经开区", "紫金街道", "岩泉街道", "碧湖镇"]
    t = ["紫金街道", "岩泉街道", "碧湖镇", "大港头镇"]
    u = "莲都区教育局"
    ps = [
        P("莲都区紫金小学新建工程", "中小学", "新开工", "新建", t[0], u, 2021, 2023, 15000,
          {2021: 5000, 2022: 6000, 2023: 4000}, 45, 1620),
        P("莲都区碧湖中学新建工程", "中小学", "续建", "新建", t[2], u, 2020, 2022, 22000,
          {2021: 9000, 2022: 5000}, 70, 1800),
        P("莲都区岩泉小学改扩建工程", "中小学", "新开工", "改扩建", t[1], u, 2022, 2023, 4000,
          {2022: 2000, 2023: 2000}, None, 270),
        P("莲都区大港头镇中心学校迁建工程", "中小学", "新开工", "迁建", t[3], u, 2023, 2025, 9000,
          {2023: 3000, 2024: 3000, 2025: 3000}, 25, 720),
        P("丽水市莲都区职业中专扩建工程", "职业教育", "新开工", "扩建", t[0], u, 2022, 2024, 8000,
          {2022: 2000, 2023: 3000, 2024: 3000}, 20, 800),
        P("莲都区特殊教育学校新建工程", "特殊教育", "新开工", "新建", t[1], u, 2023, 2024, 5000,
          {2023: 2500, 2024: 2500}, 12, 180),
    ]
    head = ["序号", "项目名称", "项目类型", "建设地点", "建设起止年限", "总投资", "“十四五”计划投资",
            "2021年", "2022年", "2023年", "2024年", "2025年", "用地面积(亩)", "新增学位(个)",
            "责任单位"]
    wb_title(ws, "莲都区“十四五”教育项目安排表", len(head))
    put(ws, 2, 15, "单位:万元")
    row(ws, 3, head)
    r = 4

    def sums(items):
        return [num(sum(p["total_investment"] for p in items)),
                num(sum(p["period_plan"] for p in items))] + \
            [num(sum(p["annual_plan"].get(y, 0) for p in items)) or None for y in YEARS] + \
            [num(sum(p["land_mu"] or 0 for p in items)), sum(p["new_places"] for p in items)]

    def section(label, items, seq=None):
        nonlocal r
        row(ws, r, [seq, label, None, None, None] + sums(items))
        r += 1

    def item(p, seq):
        nonlocal r
        row(ws, r, [seq, p["name"], p["annex_class"], p["township"], yrange(p),
                    num(p["total_investment"]), num(p["period_plan"])] +
            [num(p["annual_plan"].get(y)) for y in YEARS] +
            [num(p["land_mu"]) if p["land_mu"] is not None else "原址", p["new_places"],
             p["responsible_unit"]])
        r += 1

    section("一、中小学项目（4个）", ps[:4])
    for label, items in (("（一）新建项目", ps[:2]), ("（二）改扩建项目", ps[2:3]),
                         ("（三）迁建项目", ps[3:4])):
        section(label, items)
        for j, p in enumerate(items):
            item(p, j + 1)
    section("二、职业教育及特殊教育项目（2个）", ps[4:])
    for j, p in enumerate(ps[4:]):
        item(p, j + 1)
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 18 city table with 区县 as section rows ("一、龙湾区（3个）") and a 区县合计 under each
# ---------------------------------------------------------------------------------------------

def b18():
    wb, ws = sheet("附件")
    a = base("龙湾区", ["永中街道", "海城街道", "状元街道", "瑶溪街道"], "龙湾区教育局")[:3]
    b = base("瓯海区", ["娄桥街道", "潘桥街道", "丽岙街道", "仙岩街道"], "瓯海区教育局")[3:]
    head = ["序号", "项目名称", "学段", "项目类型", "建设性质", "所在乡镇（街道）", "建设起止年限",
            "总投资", "“十四五”计划投资", "用地面积(亩)", "新增学位(个)", "责任单位"]
    wb_title(ws, "温州市区“十四五”教育项目安排表", len(head))
    put(ws, 2, 12, "单位:万元")
    row(ws, 3, head)
    r = 4
    for ordn, county, items in (("一", "龙湾区", a), ("二", "瓯海区", b)):
        row(ws, r, [ordn, f"{county}（{len(items)}个）", None, None, None, None, None,
                    num(sum(p["total_investment"] for p in items)),
                    num(sum(p["period_plan"] for p in items)), num(sum(p["land_mu"] for p in items)),
                    sum(p["new_places"] for p in items)])
        r += 1
        for j, p in enumerate(items):
            row(ws, r, [j + 1, p["name"], p["category"], p["annex_class"], p["construction_type"],
                        p["township"], yrange(p), num(p["total_investment"]), num(p["period_plan"]),
                        num(p["land_mu"]), p["new_places"], p["responsible_unit"]])
            r += 1
    row(ws, r, [None, "总计", None, None, None, None, None,
                num(sum(p["total_investment"] for p in a + b)),
                num(sum(p["period_plan"] for p in a + b)), num(sum(p["land_mu"] for p in a + b)),
                sum(p["new_places"] for p in a + b)])
    for p in a + b:
        p["annual_plan"] = {}  # the table has no year columns: only the period plan is true
    return wb, a + b


# ---------------------------------------------------------------------------------------------
# 19 header spellings: 学校（项目）名称, 项目业主单位, 土地面积（亩）, 增加学位数, 所属街道（乡镇）,
#    2021年预计投资 …
# ---------------------------------------------------------------------------------------------

def b19():
    wb, ws = sheet("附件")
    ps = base("遂昌县", ["妙高街道", "云峰街道", "大柘镇", "北界镇"], "遂昌县教育局")
    head = ["序号", "学校（项目）名称", "学段", "项目类型", "建设性质", "所属街道（乡镇）", "建设起止年限",
            "计划总投资（万元）", "十四五期间投资", "2021年预计投资", "2022年预计投资", "2023年预计投资",
            "2024年预计投资", "2025年预计投资", "土地面积（亩）", "增加学位数", "项目业主单位"]
    wb_title(ws, "遂昌县“十四五”教育项目表", len(head))
    row(ws, 2, head)
    for i, p in enumerate(ps):
        row(ws, 3 + i, [i + 1, p["name"], p["category"], p["annex_class"], p["construction_type"],
                        p["township"], yrange(p), num(p["total_investment"]), num(p["period_plan"])]
            + [num(p["annual_plan"].get(y)) for y in YEARS] +
            [num(p["land_mu"]), p["new_places"], p["responsible_unit"]])
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 20 breakdown rows at the top (总计, 其中:中小学, 其中:幼儿园, 其中:续建), 学段 merged down, year
#    headers typed as dates, land in 平方米 in a 用地面积(㎡) column, 建设地点 "鳌江镇梅源村"
# ---------------------------------------------------------------------------------------------

def b20():
    wb, ws = sheet("附件")
    ps = base("武义县", ["壶山街道", "白洋街道", "履坦镇", "桃溪镇"], "武义县教育局")
    ps[2]["township_cell"] = "履坦镇坛头村"
    head = ["序号", "学段", "项目名称", "项目类型", "建设性质", "建设地点", "建设起止年限", "总投资",
            "“十四五”计划投资"] + [dt.datetime(y, 1, 1) for y in YEARS] + \
        ["用地面积(㎡)", "新增学位(个)", "责任单位"]
    wb_title(ws, "武义县“十四五”教育项目安排表", len(head))
    put(ws, 2, 1, "单位:万元")
    row(ws, 3, head)
    for c in range(10, 15):
        ws.cell(row=3, column=c).number_format = 'yyyy"年"'

    def sums(items):
        return [num(sum(p["total_investment"] for p in items)),
                num(sum(p["period_plan"] for p in items))] + \
            [num(sum(p["annual_plan"].get(y, 0) for p in items)) or None for y in YEARS] + \
            [round(float(sum(p["land_mu"] for p in items) * 10000 / 15), 2),
             sum(p["new_places"] for p in items)]

    r = 4
    for label, items in (("总计", ps), ("其中：中小学", [p for p in ps if p["category"] == "中小学"]),
                         ("其中：幼儿园", [p for p in ps if p["category"] == "幼儿园"]),
                         ("其中：续建项目", [p for p in ps if p["annex_class"] == "续建"])):
        row(ws, r, [None, None, label, None, None, None, None] + sums(items))
        r += 1
    for cat in ("中小学", "幼儿园", "职业教育"):
        items = [p for p in ps if p["category"] == cat]
        first = r
        for p in items:
            row(ws, r, [r - 7, cat if r == first else None, p["name"], p["annex_class"],
                        p["construction_type"], p.get("township_cell", p["township"]), yrange(p),
                        num(p["total_investment"]), num(p["period_plan"])] +
                [num(p["annual_plan"].get(y)) for y in YEARS] +
                [round(float(p["land_mu"] * 10000 / 15), 2), p["new_places"], p["responsible_unit"]])
            r += 1
        if r - 1 > first:
            merge(ws, f"B{first}:B{r - 1}")
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 21 sections by construction type only ((一)改扩建类 …) with subtotal figures, no category rows
# ---------------------------------------------------------------------------------------------

def b21():
    wb, ws = sheet("中小学")
    u = "磐安县教育局"
    ps = [
        P("磐安县安文小学改扩建工程", "中小学", "新开工", "改扩建", "安文街道", u, 2021, 2022, 3000,
          {2021: 1500, 2022: 1500}, 10, 270),
        P("磐安县尖山镇中学改扩建工程", "中小学", "续建", "改扩建", "尖山镇", u, 2020, 2021, 2500,
          {2021: 1000}, 8, 180),
        P("磐安县新城区小学迁建工程", "中小学", "新开工", "迁建", "新渥街道", u, 2022, 2024, 16000,
          {2022: 5000, 2023: 6000, 2024: 5000}, 45, 1620),
        P("磐安中学扩建工程", "中小学", "新开工", "扩建", "安文街道", u, 2023, 2024, 5000,
          {2023: 2500, 2024: 2500}, 0, 450),
    ]
    head = ["序号", "项目名称", "项目类型", "建设地点", "建设起止年限", "总投资", "“十四五”计划投资",
            "2021年", "2022年", "2023年", "2024年", "2025年", "用地面积(亩)", "新增学位(个)",
            "责任单位"]
    wb_title(ws, "磐安县“十四五”中小学建设项目表", len(head))
    put(ws, 2, 15, "单位:万元")
    row(ws, 3, head)
    r = 4
    for label, items in (("（一）改扩建类", ps[:2]), ("（二）迁建类", ps[2:3]), ("（三）扩建类", ps[3:])):
        row(ws, r, [None, label, None, None, None, num(sum(p["total_investment"] for p in items)),
                    num(sum(p["period_plan"] for p in items))] +
            [num(sum(p["annual_plan"].get(y, 0) for p in items)) or None for y in YEARS] +
            [num(sum(p["land_mu"] for p in items)), sum(p["new_places"] for p in items)])
        r += 1
        for j, p in enumerate(items):
            row(ws, r, [j + 1, p["name"], p["annex_class"], p["township"], yrange(p),
                        num(p["total_investment"]), num(p["period_plan"])] +
                [num(p["annual_plan"].get(y)) for y in YEARS] +
                [num(p["land_mu"]) if p["land_mu"] else "原址", p["new_places"], p["responsible_unit"]])
            r += 1
    ps[3]["land_mu"] = None  # 原址: none
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 22 city table: a county section row with its figures above each county's projects, no 总计
# ---------------------------------------------------------------------------------------------

def b22():
    wb, ps = b18()
    ws = wb.active
    last = ws.max_row
    for c in range(1, 13):
        ws.cell(row=last, column=c).value = None
    # the county rows without a count: "一、龙湾区"
    for r in range(4, last):
        v = ws.cell(row=r, column=2).value
        if isinstance(v, str) and v.endswith("个）"):
            ws.cell(row=r, column=2).value = v.split("（")[0]
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 23 新增学位 group (合计/小学/初中) left of the money columns; 十四五 as one column, no years
# ---------------------------------------------------------------------------------------------

def b23():
    wb, ws = sheet("附件")
    ps = base("浦江县", ["浦阳街道", "仙华街道", "黄宅镇", "郑宅镇"], "浦江县教育局")
    top = ["序号", "项目名称", "学段", "项目类型", "建设性质", "建设地点", "建设起止年限", "新增学位(个)",
           None, None, "总投资", "“十四五”计划投资", "用地面积(亩)", "责任单位"]
    sub = [None] * 7 + ["合计", "小学", "初中"] + [None] * 4
    wb_title(ws, "浦江县“十四五”教育项目安排表", len(top))
    put(ws, 2, 1, "单位:万元")
    row(ws, 3, top)
    row(ws, 4, sub)
    merge(ws, "H3:J3")
    for c in (1, 2, 3, 4, 5, 6, 7, 11, 12, 13, 14):
        merge(ws, f"{L(c)}3:{L(c)}4")
    for i, p in enumerate(ps):
        pr = p["new_places"]
        prim = pr if "小学" in p["name"] else None
        mid = pr if "中学" in p["name"] else None
        row(ws, 5 + i, [i + 1, p["name"], p["category"], p["annex_class"], p["construction_type"],
                        p["township"], yrange(p), pr, prim, mid, num(p["total_investment"]),
                        num(p["period_plan"]), num(p["land_mu"]), p["responsible_unit"]])
        p["annual_plan"] = {}
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 24 开工年份 and 建设工期(月) (months!) with no completion column
# ---------------------------------------------------------------------------------------------

def b24():
    wb, ws = sheet("附件")
    ps = base("兰溪市", ["兰江街道", "云山街道", "游埠镇", "女埠街道"], "兰溪市教育局")
    head = ["序号", "项目名称", "学段", "项目类型", "建设性质", "建设地点", "开工年份", "建设工期(月)",
            "总投资", "“十四五”计划投资"] + [f"{y}年" for y in YEARS] + ["用地面积(亩)", "新增学位(个)",
                                                                   "责任单位"]
    wb_title(ws, "兰溪市“十四五”教育项目安排表", len(head))
    put(ws, 2, 1, "单位:万元")
    row(ws, 3, head)
    for i, p in enumerate(ps):
        months = (p["end_year"] - p["start_year"] + 1) * 12 - 6
        row(ws, 4 + i, [i + 1, p["name"], p["category"], p["annex_class"], p["construction_type"],
                        p["township"], p["start_year"], months, num(p["total_investment"]),
                        num(p["period_plan"])] + [num(p["annual_plan"].get(y)) for y in YEARS] +
            [num(p["land_mu"]), p["new_places"], p["responsible_unit"]])
    return wb, ps


BUILDERS = [
    ("01-city-table-county-column-county-subtotals", b01),
    ("02-funding-group-zijin-anpai", b02),
    ("03-three-row-header-places-and-area-groups", b03),
    ("04-year-headers-fenniandu-and-2026-later", b04),
    ("05-start-end-excel-dates-duration-months", b05),
    ("06-yuan-unit-far-right", b06),
    ("07-yi-yuan-unit-odd-wording-far-right", b07),
    ("08-text-numbers-fullwidth", b08),
    ("09-remarks-hold-class", b09),
    ("10-school-type-category-column", b10),
    ("11-sheets-per-category", b11),
    ("12-sheets-per-township-no-location", b12),
    ("13-starts-col-C-total-on-top-notes-below", b13),
    ("14-hidden-column-and-formulas", b14),
    ("15-wps-like-text-cells-merged-category", b15),
    ("16-chinese-only-year-headers-and-units-in-cells", b16),
    ("17-sections-by-construction-type", b17),
    ("18-city-county-sections", b18),
    ("19-header-spellings", b19),
    ("20-breakdown-rows-on-top-date-years-land-m2", b20),
    ("21-construction-type-sections-only", b21),
    ("22-city-county-sections-no-grand-total", b22),
    ("23-places-group-left-of-money", b23),
    ("24-start-year-and-duration-in-months", b24),
]


def main() -> None:
    import sys

    OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "annexes")
    OUT.mkdir(parents=True, exist_ok=True)
    for stem, build in BUILDERS:
        wb, ps = build()
        path = OUT / f"{stem}.xlsx"
        wb.save(path)
        if stem.startswith("15-"):
            wps_patch(path)
        (OUT / f"{stem}.truth.json").write_text(
            json.dumps(truth_json(ps), ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len(BUILDERS)} workbooks in {OUT}")


if __name__ == "__main__":
    main()
