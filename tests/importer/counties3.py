"""A third round: two dozen annex layouts unlike the first two (``tests/importer/counties.py``,
``counties2.py``), each with its truth, built the same way: each builder returns an openpyxl
workbook and the true value of every field of every project as the county's officer reads the
annex (money in 万元, land in 亩, funding by source in 万元).

A builder whose right outcome is a refusal or a specific warning says so in its comment and sets
``EXPECT[stem]`` ({"errors": [...], "warnings": [...]}), written into its truth file.

``python -m tests.importer.counties3 DIR`` writes NN-description.xlsx and NN-description.truth.json into DIR.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal as D
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter as L

from .countykit import FIELDS as FIELDS  # the test reads a round's fields and truth here
from .countykit import (
    STD,
    YEARS,
    P,
    base,
    merge,
    num,
    plans,
    put,
    row,
    sheet,
    std_row,
    std_table,
    wb_title,
    yrange,
)
from .countykit import truth_json as truth_json

EXPECT: dict[str, dict] = {}


# ---------------------------------------------------------------------------------------------
# 01 two tables side by side on one sheet: 中小学 in A–Q, 幼儿园 in S–AI, each with its own title
#    and header (a printed A3 annex). Every project of both tables must be read.
# ---------------------------------------------------------------------------------------------

EXPECT["01"] = {"warnings": [], "note": "both tables read: 6 projects"}


def b01():
    wb, ws = sheet("附件")
    ps = base("宁海县", ["跃龙街道", "桃源街道", "西店镇", "长街镇"], "宁海县教育局")
    left = [p for p in ps if p["category"] == "中小学"]
    right = [p for p in ps if p["category"] != "中小学"]
    w = len(STD)
    for start, items, label in ((1, left, "表一 中小学建设项目"), (w + 2, right, "表二 幼儿园及其他建设项目")):
        put(ws, 1, start, f"宁海县“十四五”教育项目安排表（{label}）")
        merge(ws, f"{L(start)}1:{L(start + w - 1)}1")
        put(ws, 2, start, "单位:万元")
        row(ws, 3, STD, start)
        for i, p in enumerate(items):
            row(ws, 4 + i, std_row(p, i + 1), start)
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 02 a long preface: the plan's text (13 rows of paragraphs, a merged block) above the header in
#    row 15
# ---------------------------------------------------------------------------------------------

def b02():
    wb, ws = sheet("附件1")
    ps = base("象山县", ["丹东街道", "丹西街道", "石浦镇", "西周镇"], "象山县教育局")
    text = ["象山县“十四五”教育事业发展规划（附件）", "一、编制说明",
            "1.本表所列项目为全县“十四五”期间教育基础设施建设项目，共6个，总投资67500万元。",
            "2.项目投资估算以可研或项目建议书为准，未批复项目为估算数。",
            "3.项目类型分为续建、新开工和前期三类；续建项目指2021年前已开工项目。",
            "4.新增学位按国家标准班额计算：小学45人/班，初中50人/班，幼儿园30人/班。",
            "5.用地面积为新增用地，原址建设不计。",
            "二、资金安排",
            "项目资金由中央预算内投资、省级补助、地方政府专项债券、县财政和自筹解决。",
            "三、保障措施", "（一）加强组织领导。（二）强化要素保障。（三）严格督查考核。",
            "象山县教育局", "2021年6月"]
    for i, t in enumerate(text):
        put(ws, 1 + i, 1, t)
        merge(ws, f"A{1 + i}:{L(len(STD))}{1 + i}")
    put(ws, 14, len(STD), "单位:万元")
    std_table(ws, ps, 15)
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 03 header labels with spaces inside words and line breaks ("总 投 资", "项 目 名 称", "建设\n地点",
#    "新增\n学位\n（个）", "用 地\n面 积（亩）")
# ---------------------------------------------------------------------------------------------

def b03():
    wb, ws = sheet("附件")
    ps = base("奉化区", ["锦屏街道", "岳林街道", "溪口镇", "莼湖街道"], "奉化区教育局")
    head = ["序 号", "项 目 名 称", "学 段", "项目\n类型", "建设\n性质", "建设\n地点", "建设起\n止年限",
            "总 投 资", "“十四五”\n计划投资"] + [f"{y}\n年" for y in YEARS] + \
        ["用 地\n面 积（亩）", "新增\n学位\n（个）", "责 任\n单 位"]
    wb_title(ws, "奉化区“十四五”教育项目安排表", len(head))
    put(ws, 2, 1, "单位:万元")
    std_table(ws, ps, 3, head)
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 04 序号 mixed: category rows "一" (in 序号) + "中小学" (in 名称), class rows "（一）" + "续建项目",
#    items "1", "2" and "（1）"; sections carry no figures
# ---------------------------------------------------------------------------------------------

def b04():
    wb, ws = sheet("附件")
    ps = base("慈溪市", ["浒山街道", "白沙路街道", "观海卫镇", "周巷镇"], "慈溪市教育局")
    head = [h for h in STD if h not in ("学段", "项目类型")]
    wb_title(ws, "慈溪市“十四五”教育项目安排表", len(head))
    put(ws, 2, 1, "单位:万元")
    row(ws, 3, head)
    r = 4
    cats = [("一", "中小学"), ("二", "幼儿园"), ("三", "职业教育")]
    klasses = [("（一）", "续建"), ("（二）", "新开工"), ("（三）", "前期")]
    for co, cat in cats:
        row(ws, r, [co, f"{cat}项目"])
        r += 1
        for ko, k in klasses:
            items = [p for p in ps if p["category"] == cat and p["annex_class"] == k]
            if not items:
                continue
            row(ws, r, [ko, f"{k}项目"])
            r += 1
            for j, p in enumerate(items):
                v = std_row(p, j + 1 if cat != "幼儿园" else f"（{j + 1}）")
                del v[2:4]
                row(ws, r, v)
                r += 1
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 05 项目类型 and 学段 merged vertically over the projects they cover (no section rows)
# ---------------------------------------------------------------------------------------------

def b05():
    wb, ws = sheet("附件")
    ps = base("余姚市", ["凤山街道", "阳明街道", "泗门镇", "马渚镇"], "余姚市教育局")
    ps.sort(key=lambda p: (p["category"], ["续建", "新开工", "前期"].index(p["annex_class"])))
    wb_title(ws, "余姚市“十四五”教育项目安排表", len(STD))
    put(ws, 2, 1, "单位:万元")
    row(ws, 3, STD)
    for i, p in enumerate(ps):
        v = std_row(p, i + 1)
        row(ws, 4 + i, v)
    for col, key in ((3, "category"), (4, "annex_class")):
        start = 0
        for i in range(1, len(ps) + 1):
            if i == len(ps) or ps[i][key] != ps[start][key] or \
                    (key == "annex_class" and ps[i]["category"] != ps[start]["category"]):
                if i - 1 > start:
                    for k in range(start + 1, i):
                        ws.cell(row=4 + k, column=col).value = None
                    merge(ws, f"{L(col)}{4 + start}:{L(col)}{4 + i - 1}")
                start = i
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 06 总投资 given twice: 总投资(万元) and 总投资(亿元) side by side, both filled
# ---------------------------------------------------------------------------------------------

EXPECT["06"] = {"warnings": ["duplicate_column"]}  # 总投资（亿元） repeats 总投资（万元）


def b06():
    wb, ws = sheet("附件")
    ps = base("嵊州市", ["剡湖街道", "三江街道", "甘霖镇", "长乐镇"], "嵊州市教育局")
    head = STD[:7] + ["总投资（万元）", "总投资（亿元）"] + STD[8:]
    wb_title(ws, "嵊州市“十四五”教育项目安排表", len(head))
    row(ws, 2, head)
    for i, p in enumerate(ps):
        v = std_row(p, i + 1)
        v.insert(8, num(p["total_investment"] / 10000))
        row(ws, 3 + i, v)
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 07 years 2021–2025 under “十四五” (合计 + years) and 2026–2030 under “十五五” preview (合计 +
#    years): the later years are plans too (needed when a project runs late)
# ---------------------------------------------------------------------------------------------

EXPECT["07"] = {"warnings": ["duplicate_column"]}  # the “十五五” 合计 beside the “十四五” one


def b07():
    wb, ws = sheet("附件")
    u = "新昌县教育局"
    ps = [
        P("新昌县七星街道第二小学新建工程", "中小学", "续建", "新建", "七星街道", u, 2020, 2022, 12000,
          {2021: 5000, 2022: 3000}, 36, 1350),
        P("新昌县南明街道初级中学迁建工程", "中小学", "新开工", "迁建", "南明街道", u, 2024, 2027,
          30000, {2024: 5000, 2025: 8000, 2026: 10000, 2027: 7000}, 85, 2000),
        P("新昌县儒岙镇中心幼儿园新建工程", "幼儿园", "新开工", "新建", "儒岙镇", u, 2025, 2026, 4000,
          {2025: 1500, 2026: 2500}, 10, 360),
        P("新昌县职业技术学校迁建工程", "职业教育", "前期", "迁建", "羽林街道", u, 2025, 2028, 50000,
          {2025: 1000, 2026: 15000, 2027: 20000, 2028: 14000}, 150, 3000),
    ]
    Y2 = (2026, 2027, 2028, 2029, 2030)
    top = STD[:8] + ["“十四五”计划投资"] + [None] * 5 + ["“十五五”计划投资"] + [None] * 5 + STD[14:]
    sub = [None] * 8 + ["合计"] + [f"{y}年" for y in YEARS] + ["合计"] + [f"{y}年" for y in Y2] + \
        [None] * 3
    wb_title(ws, "新昌县教育项目安排表（2021—2030年）", len(top))
    put(ws, 2, 1, "单位:万元")
    row(ws, 3, top)
    row(ws, 4, sub)
    merge(ws, "I3:N3")
    merge(ws, "O3:T3")
    for c in list(range(1, 9)) + [21, 22, 23]:
        merge(ws, f"{L(c)}3:{L(c)}4")
    for i, p in enumerate(ps):
        later = sum((p["annual_plan"].get(y, D(0)) for y in Y2), D(0))
        v = std_row(p, i + 1)
        v = v[:14] + [num(later) or None] + plans(p, Y2) + v[14:]
        row(ws, 5 + i, v)
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 08 已完成投资 columns: "截至2020年底累计完成投资" (prior actual) and 项目代码 typed as text
#    ("2101-330624-04-01-123456") and as a bare number (330624210001)
# ---------------------------------------------------------------------------------------------

def b08():
    wb, ws = sheet("附件")
    ps = base("天台县", ["赤城街道", "福溪街道", "白鹤镇", "坦头镇"], "天台县教育局")
    head = ["序号", "项目代码"] + STD[1:8] + ["截至2020年底累计完成投资"] + STD[8:]
    wb_title(ws, "天台县“十四五”教育项目安排表", len(head))
    put(ws, 2, 1, "单位:万元")
    row(ws, 3, head)
    for i, p in enumerate(ps):
        prior = {0: 7000, 4: 900}.get(i)
        code = f"2{101 + i:03d}-330624-04-01-{123456 + i:06d}" if i % 2 == 0 else 330624210001 + i
        p["project_code"] = str(code)
        p["prior_actual"] = None if prior is None else D(prior)
        v = std_row(p, i + 1)
        row(ws, 4 + i, [v[0], code] + v[1:8] + [prior] + v[8:])
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 09 land "约30亩（含代征道路）", "12.5亩", "原址"; places "1350（36班）", "540个(18班)"
#    (figures with a bracketed note: read with a warning, as round 2 does for 总投资)
# ---------------------------------------------------------------------------------------------

def b09():
    wb, ws = sheet("附件")
    ps = base("仙居县", ["安洲街道", "福应街道", "横溪镇", "白塔镇"], "仙居县教育局")
    std_table(ws, ps, 3, title="仙居县“十四五”教育项目安排表")
    lands = ["约36亩（含代征道路）", "80亩", "12.5亩", "约12亩", "原址", "60（含代征）"]
    places = ["1350（36班）", "2000个(40班)", "540（12班）", "540", "270个（9班）", "1500人"]
    for i, _p in enumerate(ps):
        ws.cell(row=4 + i, column=15).value = lands[i]
        ws.cell(row=4 + i, column=16).value = places[i]
    ps[4]["land_mu"] = None
    EXPECT["09"] = {"warnings": ["number_note"]}
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 10 an adjusted annual plan: 2023年 over 原计划 / 调整(+/-) / 调整后; the adjustment holds
#    negatives ("-200") — the adjusted figure is the plan, the adjustment is not read
# ---------------------------------------------------------------------------------------------

EXPECT["10"] = {"warnings": ["plan_exceeds_total"]}  # the adjusted plan of row 7 passes 总投资


def b10():
    wb, ws = sheet("附件")
    ps = base("三门县", ["海游街道", "海润街道", "珠岙镇", "健跳镇"], "三门县教育局")
    adj = [0, -2000, 500, -200, 0, 300]
    top = STD[:11] + ["2023年", None, None] + STD[12:]
    sub = [None] * 11 + ["原计划", "调整（+增-减）", "调整后"] + [None] * 5
    wb_title(ws, "三门县“十四五”教育项目安排表（2023年调整）", len(top))
    put(ws, 2, 1, "单位:万元")
    row(ws, 3, top)
    row(ws, 4, sub)
    merge(ws, "L3:N3")
    for c in list(range(1, 12)) + list(range(15, 20)):
        merge(ws, f"{L(c)}3:{L(c)}4")
    for i, p in enumerate(ps):
        old = p["annual_plan"].get(2023, D(0))
        new = old + adj[i]
        if new:
            p["annual_plan"][2023] = new
        p["period_plan"] = sum(p["annual_plan"].values(), D(0)) if p["annual_plan"] else None
        v = std_row(p, i + 1)
        v = v[:11] + [num(old) or None, adj[i] or None, num(new) or None] + v[12:]
        row(ws, 5 + i, v)
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 11 ditto marks: 建设地点 / 责任单位 / 建设性质 typed "同上" or "〃" meaning the cell above;
#    用地面积 "见备注" with the figure in 备注. Right outcome: the value above is used (or the
#    cell named); never a township called "同上".
# ---------------------------------------------------------------------------------------------

def b11():
    wb, ws = sheet("附件")
    ps = base("临海市", ["古城街道", "古城街道", "古城街道", "古城街道"], "临海市教育局")
    ps[1]["township"] = ps[2]["township"] = ps[3]["township"] = ps[4]["township"] = "古城街道"
    ps[5]["township"] = "古城街道"
    ps[2]["responsible_unit"] = "临海市教育局"
    ps[3]["construction_type"] = "新建"
    head = STD + ["备注"]
    std_table(ws, ps, 3, head, title="临海市“十四五”教育项目安排表")
    for i in (1, 3, 5):
        ws.cell(row=4 + i, column=6).value = "同上"
    for i in (2, 4):
        ws.cell(row=4 + i, column=6).value = "〃"
    for i in (1, 2, 3, 4, 5):
        ws.cell(row=4 + i, column=17).value = "同上" if i % 2 else "〃"
    ws.cell(row=4 + 3, column=5).value = "〃"  # same as 改扩建 above? no: the row above is 改扩建
    ps[3]["construction_type"] = "改扩建"
    ws.cell(row=4 + 5, column=15).value = "见备注"
    ws.cell(row=4 + 5, column=18).value = "新征用地60亩"
    EXPECT["11"] = {"warnings": ["ditto (named or resolved)"]}
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 12 a notes row in the middle of the table: "注：以下为储备项目" — the projects below are 前期;
#    no class column
# ---------------------------------------------------------------------------------------------

EXPECT["12"] = {"warnings": ["unknown class named for 5 projects"], "note": "8 projects; the 3 below the note 前期"}


def b12():
    wb, ws = sheet("附件")
    u = "温岭市教育局"
    ps = base("玉环市", ["玉城街道", "坎门街道", "楚门镇", "清港镇"], "玉环市教育局")
    ps += [P("玉环市沙门镇中心小学迁建工程", "中小学", "前期", "迁建", "沙门镇", "玉环市教育局", 2025,
             2027, 9000, {2025: 300}, 30, 900),
           P("玉环市干江镇幼儿园新建工程", "幼儿园", "前期", "新建", "干江镇", "玉环市教育局", 2025, 2026,
             2000, {}, 6, 270)]
    del u
    head = [h for h in STD if h != "项目类型"]
    wb_title(ws, "玉环市“十四五”教育项目安排表", len(head))
    put(ws, 2, 1, "单位:万元")
    row(ws, 3, head)
    r = 4
    active = [p for p in ps if p["annex_class"] != "前期"]
    reserve = [p for p in ps if p["annex_class"] == "前期"]
    for j, p in enumerate(active):
        v = std_row(p, j + 1)
        del v[3]
        row(ws, r, v)
        r += 1
    put(ws, r, 1, "注：以下为储备项目，视条件成熟适时启动")
    merge(ws, f"A{r}:{L(len(head))}{r}")
    r += 1
    for j, p in enumerate(reserve):
        v = std_row(p, len(active) + j + 1)
        del v[3]
        row(ws, r, v)
        r += 1
    # the class column is gone, so 续建/新开工 are unknown for the others: the truth is the
    # annex's own, and the summary must name the missing class for them
    for p in active:
        p["annex_class"] = None
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 13 a 合计 row without the word: the name column blank, the figures the column sums (last row)
# ---------------------------------------------------------------------------------------------

EXPECT["13"] = {"warnings": ["unnamed_row (or the row recognised as 合计 and checked)"]}


def b13():
    wb, ws = sheet("附件")
    ps = base("温岭市", ["太平街道", "城东街道", "泽国镇", "大溪镇"], "温岭市教育局")
    r = std_table(ws, ps, 3, title="温岭市“十四五”教育项目安排表")
    tot = [None] * 7 + [num(sum(p["total_investment"] for p in ps)),
                        num(sum(p["period_plan"] for p in ps))] + \
        [num(sum(p["annual_plan"].get(y, D(0)) for p in ps)) for y in YEARS] + \
        [num(sum(p["land_mu"] for p in ps)), sum(p["new_places"] for p in ps)]
    row(ws, r, tot)
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 14 year headers as Excel dates (2021-01-01, shown "2021年") and percent columns: 占总投资比例(%)
#    after the period plan, "2021年占比" after each year? (one: 2025年占比)
# ---------------------------------------------------------------------------------------------

def b14():
    wb, ws = sheet("附件")
    ps = base("乐清市", ["城东街道", "乐成街道", "柳市镇", "虹桥镇"], "乐清市教育局")
    head = STD[:9] + ["占总投资比例(%)"] + [dt.datetime(y, 1, 1) for y in YEARS] + ["十四五占比"] + \
        STD[14:]
    wb_title(ws, "乐清市“十四五”教育项目安排表", len(head))
    put(ws, 2, 1, "单位:万元")
    row(ws, 3, head)
    for c in range(11, 16):
        ws.cell(row=3, column=c).number_format = 'yyyy"年"'
    for i, p in enumerate(ps):
        v = std_row(p, i + 1)
        share = round(float(p["period_plan"] / p["total_investment"]) * 100, 1)
        v = v[:9] + [share] + v[9:14] + [f"{share}%"] + v[14:]
        row(ws, 4 + i, v)
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 15 建设性质 with phases: "新建（一期）", "改扩建（二期）", "迁建(一期工程)", "扩建（三期）"
# ---------------------------------------------------------------------------------------------

def b15():
    wb, ws = sheet("附件")
    ps = base("瑞安市", ["安阳街道", "玉海街道", "塘下镇", "飞云街道"], "瑞安市教育局")
    std_table(ws, ps, 3, title="瑞安市“十四五”教育项目安排表")
    words = ["新建（一期）", "迁建(一期工程)", "改扩建（二期）", "新建", "扩建（三期）", "扩建（二、三期）"]
    for i, w in enumerate(words):
        ws.cell(row=4 + i, column=5).value = w
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 16 names with a trailing footnote marker ("*", "**", "△") and the footnote list below the table
# ---------------------------------------------------------------------------------------------

EXPECT["16"] = {"warnings": [], "note": "the footnote list is not projects"}


def b16():
    wb, ws = sheet("附件")
    ps = base("永嘉县", ["北城街道", "东城街道", "桥头镇", "瓯北街道"], "永嘉县教育局")
    r = std_table(ws, ps, 3, title="永嘉县“十四五”教育项目安排表")
    marks = {0: "*", 1: "**", 3: "△", 5: "*"}
    for i, m in marks.items():
        ws.cell(row=4 + i, column=2).value = ps[i]["name"] + m
    row(ws, r + 1, ["*", "省重点建设项目"])
    row(ws, r + 2, ["**", "省市县长工程"])
    row(ws, r + 3, ["△", "已列入地方政府专项债券储备项目"])
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 17 五、其他教育 section holding (一)职业教育, (二)特殊教育, (三)其他 with their items
# ---------------------------------------------------------------------------------------------

def b17():
    wb, ws = sheet("附件")
    u = "平湖市教育局"
    ps = [
        P("平湖市当湖街道第三小学新建工程", "中小学", "新开工", "新建", "当湖街道", u, 2021, 2023, 15000,
          {2021: 5000, 2022: 6000, 2023: 4000}, 40, 1620),
        P("平湖市钟埭街道中心幼儿园新建工程", "幼儿园", "新开工", "新建", "钟埭街道", u, 2022, 2023,
          3600, {2022: 1600, 2023: 2000}, 10, 360),
        P("平湖市职业中等专业学校扩建工程", "职业教育", "新开工", "扩建", "当湖街道", u, 2022, 2024,
          20000, {2022: 5000, 2023: 8000, 2024: 7000}, 50, 1200),
        P("平湖市特殊教育学校迁建工程", "特殊教育", "新开工", "迁建", "曹桥街道", u, 2023, 2024, 8000,
          {2023: 4000, 2024: 4000}, 20, 200),
        P("平湖市青少年活动中心新建工程", "其他", "新开工", "新建", "当湖街道", u, 2023, 2025, 6000,
          {2023: 2000, 2024: 2000, 2025: 2000}, 15, None),
    ]
    head = [h for h in STD if h not in ("学段", "项目类型")]
    wb_title(ws, "平湖市“十四五”教育项目安排表", len(head))
    put(ws, 2, 1, "单位:万元")
    row(ws, 3, head)
    r = 4

    def item(p, n):
        nonlocal r
        v = std_row(p, n)
        del v[2:4]
        row(ws, r, v)
        r += 1

    for label, cat in (("一、基础教育——中小学", "中小学"), ("二、学前教育", "幼儿园")):
        row(ws, r, [None, label])
        r += 1
        item(next(p for p in ps if p["category"] == cat), 1)
    row(ws, r, [None, "三、其他教育"])
    r += 1
    for label, cat in (("（一）职业教育", "职业教育"), ("（二）特殊教育", "特殊教育"), ("（三）其他", "其他")):
        row(ws, r, [None, label])
        r += 1
        item(next(p for p in ps if p["category"] == cat), 1)
    for p in ps:
        p["annex_class"] = None  # no class anywhere in this annex
    ps[4]["new_places"] = 0  # a blank 新增学位 cell is none (DOMAIN: blank for none)
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 18 a sheet per plan year ("2021年计划", "2022年计划" …), each listing the projects with a plan in
#    that year: 项目名称, 总投资, 本年计划投资 … — one project on several sheets. The annual plan
#    is the union over the sheets; if it cannot be, a refusal naming the sheets (duplicate_name).
# ---------------------------------------------------------------------------------------------

def b18():
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    ps = base("桐乡市", ["梧桐街道", "凤鸣街道", "濮院镇", "乌镇镇"], "桐乡市教育局")
    head = ["序号", "项目名称", "学段", "项目类型", "建设性质", "建设地点", "建设起止年限", "总投资",
            "本年计划投资", "用地面积(亩)", "新增学位(个)", "责任单位"]
    for y in YEARS:
        ws = wb.create_sheet(f"{y}年计划")
        wb_title(ws, f"桐乡市{y}年教育项目投资计划表", len(head))
        put(ws, 2, 1, "单位:万元")
        row(ws, 3, head)
        items = [p for p in ps if y in p["annual_plan"]]
        for j, p in enumerate(items):
            row(ws, 4 + j, [j + 1, p["name"], p["category"], p["annex_class"], p["construction_type"],
                            p["township"], yrange(p), num(p["total_investment"]),
                            num(p["annual_plan"][y]), num(p["land_mu"]), p["new_places"],
                            p["responsible_unit"]])
    EXPECT["18"] = {"errors_or": ["duplicate_name"],
                    "note": "either each year's plan merged, or refused naming the sheets"}
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 19 every amount typed as text with thousands separators: "12,000.00", full-width "２８，０００",
#    Chinese comma "6，500", and one with a space "4 200"
# ---------------------------------------------------------------------------------------------

def b19():
    wb, ws = sheet("附件")
    ps = base("海宁市", ["硖石街道", "海洲街道", "长安镇", "许村镇"], "海宁市教育局")
    std_table(ws, ps, 3, title="海宁市“十四五”教育项目安排表")
    for i, _p in enumerate(ps):
        for c in range(8, 15):
            v = ws.cell(row=4 + i, column=c).value
            if isinstance(v, (int, float)):
                s = f"{v:,.2f}"
                if i == 1:
                    s = s.translate(str.maketrans("0123456789,.", "０１２３４５６７８９，．"))
                elif i == 2:
                    s = s.replace(",", "，")
                elif i == 3:
                    s = s.replace(",", " ")
                ws.cell(row=4 + i, column=c).value = s
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 20 one project (a 九年一贯制 school with an attached kindergarten) listed on two category sheets:
#    right outcome a refusal naming both rows (duplicate_name)
# ---------------------------------------------------------------------------------------------

def b20():
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    ps = base("嘉善县", ["罗星街道", "魏塘街道", "西塘镇", "姚庄镇"], "嘉善县教育局")
    head = [h for h in STD if h != "学段"]
    for title, cats in (("中小学", ("中小学",)), ("幼儿园", ("幼儿园",)), ("其他", ("职业教育",))):
        ws = wb.create_sheet(title)
        wb_title(ws, f"嘉善县“十四五”{title}建设项目", len(head))
        put(ws, 2, 1, "单位:万元")
        row(ws, 3, head)
        items = [p for p in ps if p["category"] in cats]
        if title == "幼儿园":
            items = items + [ps[1]]  # the 中学迁建 listed again (its kindergarten part)
        for j, p in enumerate(items):
            v = std_row(p, j + 1)
            del v[2]
            row(ws, 4 + j, v)
    EXPECT["20"] = {"errors": ["duplicate_name"]}
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 21 hidden rows holding the subtotals (一、中小学 / (一)续建 rows with figures hidden; the visible
#    rows are the items): subtotals recognised and checked, not read as projects
# ---------------------------------------------------------------------------------------------

def b21():
    wb, ws = sheet("附件")
    ps = base("海盐县", ["武原街道", "西塘桥街道", "沈荡镇", "于城镇"], "海盐县教育局")
    head = [h for h in STD if h not in ("学段", "项目类型")]
    wb_title(ws, "海盐县“十四五”教育项目安排表", len(head))
    put(ws, 2, 1, "单位:万元")
    row(ws, 3, head)
    r = 4

    def fig(label, items):
        nonlocal r
        v = [None, label, None, None, None, num(sum(p["total_investment"] for p in items)),
             num(sum((p["period_plan"] or D(0)) for p in items))] + \
            [num(sum((p["annual_plan"].get(y, D(0)) for p in items), D(0))) for y in YEARS] + \
            [num(sum(p["land_mu"] for p in items)), sum(p["new_places"] for p in items)]
        row(ws, r, v)
        ws.row_dimensions[r].hidden = True
        r += 1

    fig("总计", ps)
    for co, cat in (("一、", "中小学"), ("二、", "幼儿园"), ("三、", "职业教育")):
        items = [p for p in ps if p["category"] == cat]
        fig(f"{co}{cat}项目", items)
        for ko, k in (("（一）", "续建"), ("（二）", "新开工"), ("（三）", "前期")):
            sub = [p for p in items if p["annex_class"] == k]
            if not sub:
                continue
            fig(f"{ko}{k}项目", sub)
            for j, p in enumerate(sub):
                v = std_row(p, j + 1)
                del v[2:4]
                row(ws, r, v)
                r += 1
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 22 a very wide table: 46 columns, the 17 read ones among 29 others (approvals, dates, contacts,
#    progress, problems, 2020 actual, floor area, classes …) — every other one named as not read
# ---------------------------------------------------------------------------------------------

def b22():
    wb, ws = sheet("项目台账")
    ps = base("长兴县", ["雉城街道", "画溪街道", "泗安镇", "和平镇"], "长兴县教育局")
    extra = [("立项文号", lambda i, p: f"长发改〔2021〕{30 + i}号"),
             ("立项时间", lambda i, p: dt.datetime(2021, 3, 1 + i)),
             ("可研批复文号", lambda i, p: f"长发改审〔2021〕{60 + i}号"),
             ("可研批复时间", lambda i, p: dt.datetime(2021, 5, 2 + i)),
             ("用地批准", lambda i, p: "已批" if i % 2 else "未批"),
             ("初设批复", lambda i, p: "是" if i < 3 else "否"),
             ("施工许可证号", lambda i, p: f"330522202106{i:02d}0101"),
             ("施工单位", lambda i, p: f"浙江{['中成', '宝业', '广厦', '昆仑', '大东吴', '国泰'][i]}建设有限公司"),
             ("监理单位", lambda i, p: "湖州市建设监理有限公司"),
             ("设计单位", lambda i, p: "长兴县建筑设计院"),
             ("总建筑面积(㎡)", lambda i, p: 20000 + i * 1000),
             ("班级数", lambda i, p: 24 + i),
             ("2020年完成投资", lambda i, p: 500 if p["annex_class"] == "续建" else None),
             ("形象进度", lambda i, p: ["主体结顶", "基础施工", "前期", "前期", "竣工", "前期"][i]),
             ("存在问题", lambda i, p: "政策处理" if i % 3 == 0 else "无"),
             ("下步计划", lambda i, p: "加快推进"),
             ("是否省重点", lambda i, p: "是" if i == 1 else "否"),
             ("是否专项债项目", lambda i, p: "是" if i in (1, 2) else "否"),
             ("联系人", lambda i, p: ["王", "李", "张", "刘", "陈", "杨"][i] + "工"),
             ("联系电话", lambda i, p: 13905720000 + i),
             ("包联领导", lambda i, p: "县政府副县长"),
             ("责任科室", lambda i, p: "基建科"),
             ("用地性质", lambda i, p: "划拨"),
             ("规划许可", lambda i, p: "已办" if i < 2 else "未办"),
             ("招标时间", lambda i, p: "2021年4月"),
             ("开工时间", lambda i, p: f"{p['start_year']}年3月"),
             ("竣工时间", lambda i, p: f"{p['end_year']}年8月"),
             ("经度", lambda i, p: 119.91 + i / 100),
             ("纬度", lambda i, p: 31.02 + i / 100)]
    head = STD + [h for h, _ in extra]
    wb_title(ws, "长兴县教育“十四五”项目台账", len(head))
    put(ws, 2, 1, "单位:万元")
    row(ws, 3, head)
    for i, p in enumerate(ps):
        row(ws, 4 + i, std_row(p, i + 1) + [f(i, p) for _, f in extra])
        for c in (19, 21, 44, 45):
            cell = ws.cell(row=4 + i, column=c)
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "yyyy-mm-dd"
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 23 a year over 计划 / 其中:专项债 sub-columns (the plan read, the bond share not a plan);
#    资金来源 中央预算内 / 省级补助 / 地方政府专项债券 / 县级财政 / 单位自筹 / 银行贷款
# ---------------------------------------------------------------------------------------------

def b23():
    wb, ws = sheet("附件")
    ps = base("安吉县", ["递铺街道", "昌硕街道", "天子湖镇", "孝丰镇"], "安吉县教育局")
    top = STD[:8] + ["资金来源"] + [None] * 5
    sub = [None] * 8 + ["中央预算内", "省级补助", "地方政府专项债券", "县级财政", "单位自筹", "银行贷款"]
    for y in (2021, 2022, 2023):
        top += [f"{y}年", None]
        sub += ["计划投资", "其中：专项债"]
    top += STD[14:]
    sub += [None] * 3
    wb_title(ws, "安吉县“十四五”教育项目安排表", len(top))
    put(ws, 2, 1, "单位:万元")
    row(ws, 3, top)
    row(ws, 4, sub)
    merge(ws, "I3:N3")
    for k in range(3):
        merge(ws, f"{L(15 + 2 * k)}3:{L(16 + 2 * k)}3")
    for c in list(range(1, 9)) + [21, 22, 23]:
        merge(ws, f"{L(c)}3:{L(c)}4")
    for i, p in enumerate(ps):
        t = p["total_investment"]
        f = {"中央": t * D("0.1") if i == 1 else D(0), "省": t * D("0.1"), "专项债": t * D("0.3"),
             "县财政": t * D("0.4"), "其他": t * D("0.1") if i == 2 else D(0)}
        f["自筹"] = t - sum(f.values())
        p["funding_plan"] = {k: v for k, v in f.items() if v}
        p["annual_plan"] = {y: v for y, v in p["annual_plan"].items() if y <= 2023}
        # no period column: the period plan is the sum of the years listed (named in the map)
        p["period_plan"] = sum(p["annual_plan"].values(), D(0)) if p["annual_plan"] else None
        v = std_row(p, i + 1)[:8] + [num(f[k]) or None for k in ("中央", "省", "专项债", "县财政", "自筹", "其他")]
        for y in (2021, 2022, 2023):
            a = p["annual_plan"].get(y)
            v += [num(a), num(a * D("0.3")) if a else None]
        v += [num(p["land_mu"]), p["new_places"], p["responsible_unit"]]
        row(ws, 5 + i, v)
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 24 办学规模 columns: 办学规模（班）, 总学位, 新增学位 — only 新增学位 is new places
#    (总学位 comes first)
# ---------------------------------------------------------------------------------------------

def b24():
    wb, ws = sheet("附件")
    ps = base("德清县", ["武康街道", "舞阳街道", "新市镇", "乾元镇"], "德清县教育局")
    head = STD[:14] + ["用地面积(亩)", "办学规模（班）", "总学位（个）", "新增学位（个）", "责任单位"]
    wb_title(ws, "德清县“十四五”教育项目安排表", len(head))
    put(ws, 2, 1, "单位:万元")
    row(ws, 3, head)
    for i, p in enumerate(ps):
        v = std_row(p, i + 1)
        cls = p["new_places"] // 45 + 6
        row(ws, 4 + i, v[:15] + [cls, p["new_places"] + 6 * 45, p["new_places"], v[16]])
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 25 one 合计 of the period missing its word: "十四五" figures under a header "2021-2025年" (no 计划),
#    and the class column holding "续建（2020年开工）", "新开工（2022年）", "前期（储备）"
# ---------------------------------------------------------------------------------------------

def b25():
    wb, ws = sheet("附件")
    ps = base("武义县", ["白洋街道", "壶山街道", "柳城畲族镇", "桐琴镇"], "武义县教育局")
    head = STD[:8] + ["2021-2025年"] + STD[9:]
    std_table(ws, ps, 3, head, title="武义县“十四五”教育项目安排表")
    words = {"续建": "续建（{s}年开工）", "新开工": "新开工（{s}年）", "前期": "前期（储备）"}
    for i, p in enumerate(ps):
        ws.cell(row=4 + i, column=4).value = words[p["annex_class"]].format(s=p["start_year"])
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 26 总投资 in one cell with a unit only in the header 总投资（亿元） but the rest in 万元 via the
#    单位 row — the header wins for its column (1.2 亿元 = 12000 万元)
# ---------------------------------------------------------------------------------------------

def b26():
    wb, ws = sheet("附件")
    ps = base("浦江县", ["浦阳街道", "仙华街道", "黄宅镇", "郑宅镇"], "浦江县教育局")
    head = STD[:7] + ["总投资（亿元）"] + STD[8:]
    std_table(ws, ps, 3, head, title="浦江县“十四五”教育项目安排表")
    for i, p in enumerate(ps):
        ws.cell(row=4 + i, column=8).value = num(p["total_investment"] / 10000)
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 27 ditto marks in the kind columns: 学段 "同上", 项目类型 "〃", 建设起止年限 "同上"
# ---------------------------------------------------------------------------------------------

def b27():
    wb, ws = sheet("附件")
    ps = base("磐安县", ["安文街道", "新渥街道", "尖山镇", "玉山镇"], "磐安县教育局")
    ps[2]["annex_class"] = "新开工"  # the row above is 新开工 already
    ps[2]["start_year"], ps[2]["end_year"] = 2021, 2023  # "同上": the years of the row above
    ps[2]["annual_plan"] = {2021: D(2000), 2022: D(3000), 2023: D(1500)}
    ps[2]["period_plan"] = D(6500)
    std_table(ws, ps, 3, title="磐安县“十四五”教育项目安排表")
    ws.cell(row=6, column=3).value = "同上"   # 学段 of row 6 = 中小学
    ws.cell(row=6, column=4).value = "〃"     # 项目类型 = 新开工
    ws.cell(row=6, column=7).value = "同上"   # 建设起止年限 = 2021-2023
    for c, y in zip(range(10, 15), YEARS, strict=False):
        ws.cell(row=6, column=c).value = num(ps[2]["annual_plan"].get(y))
    EXPECT["27"] = {"warnings": ["ditto resolved or named"]}
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 28 a key-figures box above the table (项目数 | 6 | 总投资 | 67500 | 新增学位 | 6250 in one row,
#    then 其中:中小学 | 3 | 46500 …), the real header in row 8
# ---------------------------------------------------------------------------------------------

def b28():
    wb, ws = sheet("附件")
    ps = base("缙云县", ["五云街道", "壶镇镇", "新建镇", "东渡镇"], "缙云县教育局")
    wb_title(ws, "缙云县“十四五”教育项目安排表", len(STD))
    row(ws, 2, ["主要指标", None, "项目数（个）", 6, "总投资（万元）", num(sum(p["total_investment"] for p in ps)),
                "新增学位（个）", sum(p["new_places"] for p in ps)])
    for i, cat in enumerate(("中小学", "幼儿园", "职业教育")):
        items = [p for p in ps if p["category"] == cat]
        row(ws, 3 + i, [None, f"其中：{cat}", "项目数（个）", len(items), "总投资（万元）",
                        num(sum(p["total_investment"] for p in items)), "新增学位（个）",
                        sum(p["new_places"] for p in items)])
    put(ws, 7, 1, "单位:万元")
    std_table(ws, ps, 8)
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 29 as 28 with the key-figures box in 亿元 ("总投资（亿元）" | 6.75) and the table in 万元 by its
#    own 单位 row right above the header: the table's unit is the 单位 row's
# ---------------------------------------------------------------------------------------------

EXPECT["29"] = {"errors": [], "note": "the 单位 row right above the header gives the table's unit"}


def b29():
    wb, ps = b28()
    ws = wb.active
    for r in range(2, 6):
        ws.cell(row=r, column=5).value = "总投资（亿元）"
        ws.cell(row=r, column=6).value = num(D(str(ws.cell(row=r, column=6).value)) / 10000)
    return wb, ps


BUILDERS = [
    ("01-two-tables-side-by-side", b01),
    ("02-header-in-row-15-after-preface", b02),
    ("03-spaced-and-broken-header-labels", b03),
    ("04-mixed-ordinals-sections-in-seq-column", b04),
    ("05-class-and-category-merged-vertically", b05),
    ("06-total-in-wan-and-yi-columns", b06),
    ("07-years-to-2030-two-periods", b07),
    ("08-prior-actual-and-code-text-or-number", b08),
    ("09-land-and-places-with-bracketed-notes", b09),
    ("10-adjustment-column-with-negatives", b10),
    ("11-ditto-marks-and-see-remarks", b11),
    ("12-notes-row-reserve-projects-below", b12),
    ("13-total-row-without-label", b13),
    ("14-date-year-headers-and-percent-columns", b14),
    ("15-construction-type-with-phase", b15),
    ("16-footnote-markers-and-list", b16),
    ("17-other-education-section-nesting", b17),
    ("18-sheet-per-plan-year", b18),
    ("19-text-amounts-with-odd-separators", b19),
    ("20-same-project-on-two-sheets", b20),
    ("21-hidden-subtotal-rows", b21),
    ("22-very-wide-46-columns", b22),
    ("23-year-with-bond-share-and-funding-words", b23),
    ("24-total-places-before-new-places", b24),
    ("25-period-header-years-only-class-with-notes", b25),
    ("26-total-in-yi-by-header-wan-by-unit-row", b26),
    ("27-ditto-marks-in-kind-and-year-columns", b27),
    ("28-key-figures-box-above-header", b28),
    ("29-key-figures-box-in-yi-table-in-wan", b29),
]


def main() -> None:
    import sys

    out = Path(sys.argv[1] if len(sys.argv) > 1 else "annexes")
    out.mkdir(parents=True, exist_ok=True)
    for stem, build in BUILDERS:
        wb, ps = build()
        wb.save(out / f"{stem}.xlsx")
        (out / f"{stem}.truth.json").write_text(
            json.dumps(truth_json(ps, EXPECT.get(stem[:2])), ensure_ascii=False, indent=1),
            encoding="utf-8")
    print(f"{len(BUILDERS)} workbooks in {out}")


if __name__ == "__main__":
    main()
