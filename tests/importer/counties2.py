"""A second round: three dozen annex layouts unlike the first (``tests/importer/counties.py``),
each with its truth, built the same way: each builder returns an openpyxl workbook and the true
value of every field of every project as the county's officer reads the annex (money in 万元,
land in 亩, funding by source in 万元).

``python -m tests.importer.counties2 DIR`` writes NN-description.xlsx and NN-description.truth.json into DIR.
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
    wb_title,
    yrange,
)
from .countykit import truth_json as truth_json

# ---------------------------------------------------------------------------------------------
# 01 项目库 export: 项目编码, 入库时间 (dates), 项目阶段 (class words), 储备年度, 审核状态
# ---------------------------------------------------------------------------------------------

def b01():
    wb, ws = sheet("项目库")
    ps = base("遂昌县", ["妙高街道", "云峰街道", "大柘镇", "石练镇"], "遂昌县教育局")
    head = ["项目编码", "项目名称", "入库时间", "项目阶段", "建设性质", "学段", "所属乡镇", "起止年限",
            "总投资（万元）"] + [f"{y}年计划" for y in YEARS] + ["用地（亩）", "新增学位", "项目单位",
                                                          "审核状态"]
    wb_title(ws, "遂昌县教育项目库（“十四五”）导出", len(head))
    row(ws, 2, head)
    for i, p in enumerate(ps):
        code = f"2{101 + i:03d}-331123-04-01-{123456 + i * 7:06d}"
        row(ws, 3 + i, [code, p["name"], dt.datetime(2020, 11, 5 + i), p["annex_class"],
                        p["construction_type"], p["category"], p["township"], yrange(p),
                        num(p["total_investment"])] + plans(p) +
            [num(p["land_mu"]), p["new_places"], p["responsible_unit"], "已审核"])
        ws.cell(row=3 + i, column=3).number_format = "yyyy-mm-dd"
        p["project_code"] = code
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 02 two rows per project: 计划 / 完成 under a merged name (a mid-term review table)
# ---------------------------------------------------------------------------------------------

def b02():
    wb, ws = sheet("中期评估")
    ps = base("松阳县", ["西屏街道", "水南街道", "望松街道", "古市镇"], "松阳县教育局")
    head = ["序号", "项目名称", "学段", "项目类型", "建设性质", "建设地点", "建设起止年限", "总投资",
            "类别"] + [f"{y}年" for y in YEARS] + ["合计", "用地面积(亩)", "新增学位(个)", "责任单位"]
    wb_title(ws, "松阳县“十四五”教育项目中期评估表", len(head))
    put(ws, 2, len(head), "单位:万元")
    row(ws, 3, head)
    r = 4
    for i, p in enumerate(ps):
        done = {y: p["annual_plan"][y] * D("0.9") for y in (2021, 2022, 2023) if y in p["annual_plan"]}
        if i == 2:  # design fees paid in 2021, a year before the first planned year
            done[2021] = D(150)
        row(ws, r, [i + 1, p["name"], p["category"], p["annex_class"], p["construction_type"],
                    p["township"], yrange(p), num(p["total_investment"]), "计划"] + plans(p) +
            [num(p["period_plan"]), num(p["land_mu"]), p["new_places"], p["responsible_unit"]])
        row(ws, r + 1, [None] * 8 + ["完成"] + [num(done.get(y)) for y in YEARS] +
            [num(sum(done.values(), D(0)))])
        for c in (1, 2, 3, 4, 5, 6, 7, 8, 16, 17, 18):
            merge(ws, f"{L(c)}{r}:{L(c)}{r + 1}")
        r += 2
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 03 years as rows: a project row with its totals, then one row per year ("2021年" in the name
#    column) with that year's plan in 计划投资
# ---------------------------------------------------------------------------------------------

def b03():
    wb, ws = sheet("附件")
    ps = base("龙泉市", ["龙渊街道", "剑池街道", "八都镇", "安仁镇"], "龙泉市教育局")[:4]
    head = ["序号", "项目名称（年度）", "学段", "项目类型", "建设性质", "建设地点", "建设起止年限",
            "总投资", "计划投资", "用地面积(亩)", "新增学位(个)", "责任单位"]
    wb_title(ws, "龙泉市“十四五”教育项目分年度计划表", len(head))
    put(ws, 2, 1, "单位:万元")
    row(ws, 3, head)
    r = 4
    for i, p in enumerate(ps):
        row(ws, r, [i + 1, p["name"], p["category"], p["annex_class"], p["construction_type"],
                    p["township"], yrange(p), num(p["total_investment"]), num(p["period_plan"]),
                    num(p["land_mu"]), p["new_places"], p["responsible_unit"]])
        r += 1
        for y in YEARS:
            if y in p["annual_plan"]:
                row(ws, r, [None, f"{y}年", None, None, None, None, None, None,
                            num(p["annual_plan"][y])])
                r += 1
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 04 totals in 万元, annual plans in 亿元, each header saying so; no 单位 row
# ---------------------------------------------------------------------------------------------

def b04():
    wb, ws = sheet("附件2")
    ps = base("缙云县", ["五云街道", "新建镇", "壶镇镇", "东渡镇"], "缙云县教育局")
    head = ["序号", "项目名称", "学段", "项目类型", "建设性质", "建设地点", "建设起止年限",
            "总投资（万元）", "“十四五”计划投资（万元）"] + [f"{y}年计划投资（亿元）" for y in YEARS] + \
        ["用地面积(亩)", "新增学位(个)", "责任单位"]
    wb_title(ws, "缙云县“十四五”教育设施建设项目表", len(head))
    row(ws, 2, head)
    for i, p in enumerate(ps):
        v = std_row(p, i + 1)
        v[9:14] = [num(p["annual_plan"][y] / 10000) if y in p["annual_plan"] else None for y in YEARS]
        row(ws, 3 + i, v)
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 05 a “十五五” plan (2026–2030): “十五五”计划投资 alone, years 2026年…2030年, 续建 = begun before 2026
# ---------------------------------------------------------------------------------------------

def b05():
    wb, ws = sheet("附件")
    u = "三门县教育局"
    Y = (2026, 2027, 2028, 2029, 2030)
    S = (2026, 2030)
    ps = [
        P("三门县海游街道第三小学新建工程", "中小学", "续建", "新建", "海游街道", u, 2025, 2027, 18000,
          {2026: 8000, 2027: 6000}, 45, 1620, span=S),
        P("三门县珠岙镇中学迁建工程", "中小学", "新开工", "迁建", "珠岙镇", u, 2026, 2028, 32000,
          {2026: 6000, 2027: 14000, 2028: 12000}, 90, 2400, span=S),
        P("三门县沙柳街道中心幼儿园新建工程", "幼儿园", "新开工", "新建", "沙柳街道", u, 2027, 2028,
          5000, {2027: 3000, 2028: 2000}, 15, 540, span=S),
        P("三门县亭旁镇中心小学改扩建工程", "中小学", "新开工", "改扩建", "亭旁镇", "亭旁镇人民政府",
          2028, 2030, 7000, {2028: 2000, 2029: 3000, 2030: 2000}, 10, 450, span=S),
        P("三门县中等职业技术学校迁建工程", "职业教育", "前期", "迁建", "海润街道", u, 2030, 2033, 60000,
          {2030: 2000}, 200, 3000, span=S),
    ]
    head = ["序号", "项目名称", "学段", "项目类型", "建设性质", "建设地点", "建设起止年限", "总投资",
            "“十五五”计划投资"] + [f"{y}年" for y in Y] + ["用地面积(亩)", "新增学位(个)", "责任单位"]
    wb_title(ws, "三门县“十五五”教育设施建设项目安排表", len(head))
    put(ws, 2, 1, "单位:万元")
    row(ws, 3, head)
    for i, p in enumerate(ps):
        v = std_row(p, i + 1)
        v[9:14] = plans(p, Y)
        row(ws, 4 + i, v)
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 06 one block per category on one sheet: a block title, its own header (repeated), items, 小计
# ---------------------------------------------------------------------------------------------

def b06():
    wb, ws = sheet("附件")
    ps = base("天台县", ["赤城街道", "始丰街道", "平桥镇", "街头镇"], "天台县教育局")
    head = ["序号", "项目名称", "项目类型", "建设性质", "建设地点", "建设起止年限", "总投资",
            "“十四五”计划投资", "用地面积(亩)", "新增学位(个)", "责任单位"]
    wb_title(ws, "天台县“十四五”教育项目安排表", len(head))
    put(ws, 2, len(head), "单位:万元")
    r = 3
    for _n, (label, cat) in enumerate((("表一：中小学建设项目", "中小学"), ("表二：幼儿园建设项目", "幼儿园"),
                                      ("表三：职业教育建设项目", "职业教育"))):
        items = [p for p in ps if p["category"] == cat]
        put(ws, r, 1, label)
        merge(ws, f"A{r}:{L(len(head))}{r}")
        row(ws, r + 1, head)
        r += 2
        for j, p in enumerate(items):
            row(ws, r, [j + 1, p["name"], p["annex_class"], p["construction_type"], p["township"],
                        yrange(p), num(p["total_investment"]), num(p["period_plan"]),
                        num(p["land_mu"]), p["new_places"], p["responsible_unit"]])
            r += 1
        row(ws, r, [None, "小计", None, None, None, None, num(sum(p["total_investment"] for p in items)),
                    num(sum(p["period_plan"] for p in items)), num(sum(p["land_mu"] for p in items)),
                    sum(p["new_places"] for p in items)])
        r += 2  # a blank row between blocks
    for p in ps:
        p["annual_plan"] = {}
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 07 学段 per row as school types (小学/初中/九年一贯制/高中/幼儿园/中职), 建设地点 merged over
#    the projects of one township
# ---------------------------------------------------------------------------------------------

def b07():
    wb, ws = sheet("附件1")
    u = "仙居县教育局"
    ps = [
        P("仙居县第二实验小学新建工程", "中小学", "新开工", "新建", "安洲街道", u, 2021, 2023, 15000,
          {2021: 3000, 2022: 7000, 2023: 5000}, 40, 1620, school="小学"),
        P("仙居县城东初级中学新建工程", "中小学", "新开工", "新建", "安洲街道", u, 2022, 2024, 22000,
          {2022: 5000, 2023: 9000, 2024: 8000}, 60, 1800, school="初中"),
        P("仙居县安洲幼儿园新建工程", "幼儿园", "续建", "新建", "安洲街道", u, 2020, 2021, 3000,
          {2021: 1500}, 9, 360, school="幼儿园"),
        P("仙居县白塔镇中心学校改扩建工程", "中小学", "新开工", "改扩建", "白塔镇", u, 2021, 2022, 4000,
          {2021: 2000, 2022: 2000}, 6, 450, school="九年一贯制"),
        P("仙居县白塔镇中心幼儿园迁建工程", "幼儿园", "新开工", "迁建", "白塔镇", u, 2023, 2024, 2500,
          {2023: 1500, 2024: 1000}, 8, 270, school="学前教育"),
        P("仙居中学扩建工程", "中小学", "新开工", "扩建", "南峰街道", u, 2022, 2023, 6000,
          {2022: 3000, 2023: 3000}, 0, 600, school="普通高中"),
        P("仙居县职业中专实训楼工程", "职业教育", "新开工", "新建", "南峰街道", u, 2024, 2025, 5000,
          {2024: 2500, 2025: 2500}, 0, 500, school="中职"),
    ]
    head = ["序号", "项目名称", "学段", "项目类型", "建设性质", "建设地点", "建设起止年限", "总投资",
            "“十四五”计划投资"] + [f"{y}年" for y in YEARS] + ["用地面积(亩)", "新增学位(个)", "责任单位"]
    wb_title(ws, "仙居县“十四五”教育项目安排表", len(head))
    put(ws, 2, 1, "单位:万元")
    row(ws, 3, head)
    r0 = 4
    for i, p in enumerate(ps):
        v = std_row(p, i + 1)
        v[2] = p["school"]
        v[14] = num(p["land_mu"]) if p["land_mu"] else "/"
        row(ws, r0 + i, v)
    for i, p in enumerate(ps):  # 建设地点 typed once per township, merged down
        if i and ps[i - 1]["township"] == p["township"]:
            ws.cell(row=r0 + i, column=6).value = None
    merge(ws, "F4:F6")
    merge(ws, "F7:F8")
    merge(ws, "F9:F10")
    for p in ps:
        if not p["land_mu"]:
            p["land_mu"] = None
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 08 总投资 split 工程费 / 其他费用 / 合计 (合计 last), and 资金来源 中央/省/县财政/自筹 with 小计
# ---------------------------------------------------------------------------------------------

def b08():
    wb, ws = sheet("附件")
    ps = base("玉环市", ["玉城街道", "坎门街道", "楚门镇", "清港镇"], "玉环市教育局")
    top = ["序号", "项目名称", "学段", "项目类型", "建设性质", "建设地点", "建设起止年限", "总投资",
           None, None, "资金来源", None, None, None, None, "“十四五”计划投资", "用地面积(亩)",
           "新增学位(个)", "责任单位"]
    sub = [None] * 7 + ["工程费", "其他费用", "合计", "中央", "省级", "县财政", "自筹", "小计"] + \
        [None] * 4
    wb_title(ws, "玉环市“十四五”教育项目投资及资金来源表", len(top))
    put(ws, 2, 1, "单位:万元")
    row(ws, 3, top)
    row(ws, 4, sub)
    for c in (1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19):
        merge(ws, f"{L(c)}3:{L(c)}4")
    merge(ws, "H3:J3")
    merge(ws, "K3:O3")
    for i, p in enumerate(ps):
        t = p["total_investment"]
        works = t * D("0.8")
        f = {"中央": t * D("0.05") if i % 2 else D(0), "省": t * D("0.15"), "县财政": t * D("0.6")}
        f["自筹"] = t - sum(f.values())
        p["funding_plan"] = {k: v for k, v in f.items() if v}
        row(ws, 5 + i, [i + 1, p["name"], p["category"], p["annex_class"], p["construction_type"],
                        p["township"], yrange(p), num(works), num(t - works), num(t),
                        num(f["中央"]) or None, num(f["省"]), num(f["县财政"]), num(f["自筹"]), num(t),
                        num(p["period_plan"]), num(p["land_mu"]), p["new_places"],
                        p["responsible_unit"]])
        p["annual_plan"] = {}
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 09 用地 in 公顷, 新增学位 typed "1350个", 新增学校(所), 建筑面积(万平方米)
# ---------------------------------------------------------------------------------------------

def b09():
    wb, ws = sheet("附件")
    ps = base("温岭市", ["太平街道", "城东街道", "泽国镇", "大溪镇"], "温岭市教育局")
    head = ["序号", "项目名称", "学段", "项目类型", "建设性质", "建设地点", "建设起止年限", "总投资",
            "“十四五”计划投资", "用地面积（公顷）", "建筑面积（万平方米）", "新增学校（所）", "新增学位",
            "责任单位"]
    wb_title(ws, "温岭市“十四五”教育项目安排表", len(head))
    put(ws, 2, 1, "单位:万元")
    row(ws, 3, head)
    for i, p in enumerate(ps):
        ha = p["land_mu"] / 15
        row(ws, 4 + i, [i + 1, p["name"], p["category"], p["annex_class"], p["construction_type"],
                        p["township"], yrange(p), num(p["total_investment"]), num(p["period_plan"]),
                        num(ha.quantize(D("0.0001"))), 1.2, 1 if p["construction_type"] == "新建" else None,
                        f"{p['new_places']}个", p["responsible_unit"]])
        p["land_mu"] = (ha.quantize(D("0.0001")) * 15).quantize(D("0.01")).normalize()
        p["annual_plan"] = {}
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 10 开工时间 "2022年第三季度", 竣工时间 "2024年秋季" / "2025年暑期" / "2023年底"; 备注 已开工/未开工
# ---------------------------------------------------------------------------------------------

def b10():
    wb, ws = sheet("附件")
    ps = base("临海市", ["古城街道", "大洋街道", "杜桥镇", "东塍镇"], "临海市教育局")
    starts = ["2019年第四季度", "2021年上半年", "2022年第三季度", "2023年3月", "2020年秋季", "2025年下半年"]
    ends = ["2021年秋季", "2023年暑期", "2024年秋季", "2025年8月底", "2022年底", "2027年"]
    notes = ["已开工", "已开工", "未开工", "未开工", "已开工", "未开工"]
    head = ["序号", "项目名称", "学段", "项目类型", "建设性质", "建设地点", "开工时间", "竣工时间",
            "总投资", "“十四五”计划投资"] + [f"{y}年" for y in YEARS] + ["用地面积(亩)", "新增学位(个)",
                                                                   "责任单位", "备注"]
    wb_title(ws, "临海市“十四五”教育项目安排表", len(head))
    put(ws, 2, 1, "单位:万元")
    row(ws, 3, head)
    for i, p in enumerate(ps):
        row(ws, 4 + i, [i + 1, p["name"], p["category"], p["annex_class"], p["construction_type"],
                        p["township"], starts[i], ends[i], num(p["total_investment"]),
                        num(p["period_plan"])] + plans(p) +
            [num(p["land_mu"]), p["new_places"], p["responsible_unit"], notes[i]])
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 11 项目类型 "新建（续建）", "改扩建（新开工）", "迁建(前期)": type and class in one cell
# ---------------------------------------------------------------------------------------------

def b11():
    wb, ws = sheet("附件")
    ps = base("黄岩区", ["东城街道", "西城街道", "院桥镇", "宁溪镇"], "黄岩区教育局")
    head = ["序号", "项目名称", "学段", "项目类型", "建设地点", "建设起止年限", "总投资",
            "“十四五”计划投资"] + [f"{y}年" for y in YEARS] + ["用地面积(亩)", "新增学位(个)", "责任单位"]
    wb_title(ws, "黄岩区“十四五”教育项目安排表", len(head))
    put(ws, 2, 1, "单位:万元")
    row(ws, 3, head)
    for i, p in enumerate(ps):
        paren = "（{}）" if i % 2 == 0 else "({})"
        kind = p["construction_type"] + paren.format(p["annex_class"])
        row(ws, 4 + i, [i + 1, p["name"], p["category"], kind, p["township"], yrange(p),
                        num(p["total_investment"]), num(p["period_plan"])] + plans(p) +
            [num(p["land_mu"]), p["new_places"], p["responsible_unit"]])
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 12 extra columns: 项目代码, 审批文号, 用地性质, 联系人, 联系电话 (numbers), 截至2020年底完成投资
# ---------------------------------------------------------------------------------------------

def b12():
    wb, ws = sheet("附件")
    ps = base("路桥区", ["路桥街道", "路南街道", "金清镇", "蓬街镇"], "路桥区教育局")
    head = ["序号", "项目名称", "学段", "项目类型", "建设性质", "建设地点", "建设起止年限", "总投资",
            "截至2020年底完成投资", "“十四五”计划投资"] + [f"{y}年" for y in YEARS] + \
        ["用地面积(亩)", "用地性质", "新增学位(个)", "责任单位", "审批文号", "联系人", "联系电话"]
    wb_title(ws, "路桥区“十四五”教育项目安排表", len(head))
    put(ws, 2, 1, "单位:万元")
    row(ws, 3, head)
    people = ["王建国", "李明", "陈晓燕", "张伟", "林海", "吴芳"]
    for i, p in enumerate(ps):
        prior = 3000 if p["annex_class"] == "续建" else None
        row(ws, 4 + i, [i + 1, p["name"], p["category"], p["annex_class"], p["construction_type"],
                        p["township"], yrange(p), num(p["total_investment"]), prior,
                        num(p["period_plan"])] + plans(p) +
            [num(p["land_mu"]), "划拨" if i % 2 else "教育用地", p["new_places"],
             p["responsible_unit"], f"路发改审〔202{i % 3}〕{10 + i}号", people[i],
             13805761000 + i * 17])
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 13 empty spacer columns between groups; three-row header with a units row in the middle
# ---------------------------------------------------------------------------------------------

def b13():
    wb, ws = sheet("附件")
    ps = base("椒江区", ["海门街道", "白云街道", "章安街道", "前所街道"], "椒江区教育局")
    # A 序号 B 名称 C 学段 D 类型 E 性质 F 地点 G 年限 | H spacer | I 总投资 J 十四五 K–O years |
    # P spacer | Q 用地 R 学位 S 责任单位
    r1 = ["序号", "项目名称", "学段", "项目类型", "建设性质", "建设地点", "建设起止年限", None, "总投资",
          "“十四五”计划投资", None, None, None, None, None, None, "用地面积", "新增学位", "责任单位"]
    r2 = [None] * 8 + ["万元", "万元", None, None, None, None, None, None, "亩", "个", None]
    r3 = [None] * 9 + ["合计"] + [f"{y}年" for y in YEARS] + [None] * 4
    wb_title(ws, "椒江区“十四五”教育项目安排表", len(r1))
    row(ws, 2, r1)
    row(ws, 3, r2)
    row(ws, 4, r3)
    for c in (1, 2, 3, 4, 5, 6, 7, 19):
        merge(ws, f"{L(c)}2:{L(c)}4")
    merge(ws, "J2:O2")
    merge(ws, "J3:O3")
    for i, p in enumerate(ps):
        v = std_row(p, i + 1)
        row(ws, 5 + i, v[:7] + [None] + v[7:14] + [None] + v[14:])
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 14 numbers typed as text with trailing spaces and 万 / 亿 / 万元 suffixes
# ---------------------------------------------------------------------------------------------

def b14():
    wb, ws = sheet("附件")
    ps = base("嵊州市", ["剡湖街道", "三江街道", "甘霖镇", "长乐镇"], "嵊州市教育体育局")
    head = STD
    wb_title(ws, "嵊州市“十四五”教育项目安排表", len(head))
    put(ws, 2, 1, "单位:万元")
    row(ws, 3, head)
    styles = [lambda v: f"{v} ", lambda v: f"{v}万", lambda v: f"{num(D(v) / 10000)}亿",
              lambda v: f" {v}万元 ", lambda v: f"{num(D(v) / 10000)}亿元", lambda v: f"{v:,}  "]
    for i, p in enumerate(ps):
        v = std_row(p, i + 1)
        fmt = styles[i]
        v[7] = fmt(num(p["total_investment"]))
        v[8] = fmt(num(p["period_plan"]))
        v[9:14] = [fmt(x) if x else None for x in v[9:14]]
        v[14] = f"{v[14]} "
        v[15] = f"{v[15]} "
        row(ws, 4 + i, v)
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 15 a 汇总 sheet first: one row per category (中小学项目, 幼儿园项目 …) with its count and figures,
#    then one sheet per category holding the projects
# ---------------------------------------------------------------------------------------------

def b15():
    wb = openpyxl.Workbook()
    ps = base("新昌县", ["南明街道", "七星街道", "儒岙镇", "澄潭街道"], "新昌县教育体育局")
    cats = (("中小学", "中小学"), ("幼儿园", "幼儿园"), ("职业教育", "职业教育"))
    head = ["序号", "项目名称", "项目类型", "建设性质", "建设地点", "建设起止年限", "总投资",
            "“十四五”计划投资"] + [f"{y}年" for y in YEARS] + ["用地面积(亩)", "新增学位(个)", "责任单位"]
    ws = wb.active
    ws.title = "汇总"
    wb_title(ws, "新昌县“十四五”教育项目汇总表", len(head))
    put(ws, 2, 1, "单位:万元")
    row(ws, 3, ["序号", "项目名称", "项目个数", None, None, None, "总投资", "“十四五”计划投资"] +
        [f"{y}年" for y in YEARS] + ["用地面积(亩)", "新增学位(个)", "备注"])

    def sums(items):
        return [num(sum(p["total_investment"] for p in items)),
                num(sum(p["period_plan"] for p in items))] + \
            [num(sum(p["annual_plan"].get(y, 0) for p in items)) or None for y in YEARS] + \
            [num(sum(p["land_mu"] for p in items)), sum(p["new_places"] for p in items)]

    r = 4
    for n, (name, cat) in enumerate(cats):
        items = [p for p in ps if p["category"] == cat]
        row(ws, r, [n + 1, f"{cat}建设项目", len(items), None, None, None] + sums(items) +
            [f"详见{name}表"])
        r += 1
    row(ws, r, [None, "合计", len(ps), None, None, None] + sums(ps))
    for name, cat in cats:
        w = wb.create_sheet(name)
        items = [p for p in ps if p["category"] == cat]
        wb_title(w, f"新昌县“十四五”{cat}建设项目表", len(head))
        put(w, 2, 1, "单位:万元")
        row(w, 3, head)
        for j, p in enumerate(items):
            row(w, 4 + j, [j + 1, p["name"], p["annex_class"], p["construction_type"], p["township"],
                           yrange(p), num(p["total_investment"]), num(p["period_plan"])] + plans(p) +
                [num(p["land_mu"]), p["new_places"], p["responsible_unit"]])
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 16 a visible cover sheet (title, 编制单位, date, a contents list) and the real table hidden
# ---------------------------------------------------------------------------------------------

def b16():
    wb = openpyxl.Workbook()
    ps = base("诸暨市", ["暨阳街道", "陶朱街道", "店口镇", "枫桥镇"], "诸暨市教育体育局")
    cover = wb.active
    cover.title = "封面"
    put(cover, 3, 2, "诸暨市教育事业发展“十四五”规划")
    put(cover, 5, 2, "附件：重点建设项目安排表")
    put(cover, 8, 2, "编制单位：诸暨市教育体育局")
    put(cover, 9, 2, "编制日期：2021年6月")
    row(cover, 12, ["序号", "内容", "页码"], 2)
    row(cover, 13, [1, "项目安排表（中小学、幼儿园、职业教育）", 1], 2)
    row(cover, 14, [2, "资金平衡表", 3], 2)
    ws = wb.create_sheet("项目安排表")
    ws.sheet_state = "hidden"
    wb_title(ws, "诸暨市“十四五”教育项目安排表", len(STD))
    put(ws, 2, 1, "单位:万元")
    row(ws, 3, STD)
    for i, p in enumerate(ps):
        row(ws, 4 + i, std_row(p, i + 1))
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 17 hostile typing in 总投资: "1.2亿元", "约3000万", "3000（含土地）", "0.65亿", "4200万元（估算）"
# ---------------------------------------------------------------------------------------------

def b17():
    wb, ws = sheet("附件")
    ps = base("上虞区", ["百官街道", "曹娥街道", "崧厦街道", "丰惠镇"], "上虞区教育体育局")
    ps[0]["total_investment"] = D(12000)
    ps[1]["total_investment"] = D(30000)
    wb_title(ws, "上虞区“十四五”教育项目安排表", len(STD))
    put(ws, 2, 1, "单位:万元")
    row(ws, 3, STD)
    typed = ["1.2亿元", "约3亿", "6500（含土地）", "4200万元（估算）", "1800万（不含土地）", "1.5亿元左右"]
    for i, p in enumerate(ps):
        v = std_row(p, i + 1)
        v[7] = typed[i]
        row(ws, 4 + i, v)
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 18 an adjusted plan: 总投资 over 调整前 / 调整后, 2023年 over 原计划 / 调整后 (the adjusted figures
#    are the plan)
# ---------------------------------------------------------------------------------------------

def b18():
    wb, ws = sheet("调整表")
    ps = base("柯桥区", ["柯桥街道", "华舍街道", "钱清街道", "平水镇"], "柯桥区教育体育局")
    top = ["序号", "项目名称", "学段", "项目类型", "建设性质", "建设地点", "建设起止年限", "总投资", None,
           "“十四五”计划投资", None, "2023年计划投资", None, "用地面积(亩)", "新增学位(个)", "责任单位"]
    sub = [None] * 7 + ["调整前", "调整后", "调整前", "调整后", "调整前", "调整后", None, None, None]
    wb_title(ws, "柯桥区“十四五”教育项目中期调整表", len(top))
    put(ws, 2, 1, "单位:万元")
    row(ws, 3, top)
    row(ws, 4, sub)
    for c in (1, 2, 3, 4, 5, 6, 7, 14, 15, 16):
        merge(ws, f"{L(c)}3:{L(c)}4")
    for a in ("H3:I3", "J3:K3", "L3:M3"):
        merge(ws, a)
    for i, p in enumerate(ps):
        old_total = p["total_investment"] - 500
        y23 = p["annual_plan"].get(2023)
        row(ws, 5 + i, [i + 1, p["name"], p["category"], p["annex_class"], p["construction_type"],
                        p["township"], yrange(p), num(old_total), num(p["total_investment"]),
                        num(p["period_plan"] - 300) if p["period_plan"] > 300 else 0,
                        num(p["period_plan"]), num(y23 - 200) if y23 else None, num(y23),
                        num(p["land_mu"]), p["new_places"], p["responsible_unit"]])
        p["annual_plan"] = {2023: y23} if y23 else {}
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 19 a parent project (学校群) with its schools numbered 1.1, 1.2 under it; the parent row holds
#    the sum of its schools
# ---------------------------------------------------------------------------------------------

def b19():
    wb, ws = sheet("附件")
    u = "滨海新区教育局"
    kids = [
        P("滨海新区第一小学新建工程", "中小学", "新开工", "新建", "滨海街道", u, 2022, 2024, 16000,
          {2022: 4000, 2023: 7000, 2024: 5000}, 45, 1620),
        P("滨海新区第一初级中学新建工程", "中小学", "新开工", "新建", "滨海街道", u, 2022, 2024, 24000,
          {2022: 6000, 2023: 10000, 2024: 8000}, 70, 1800),
        P("滨海新区第一幼儿园新建工程", "幼儿园", "新开工", "新建", "滨海街道", u, 2022, 2023, 4500,
          {2022: 2000, 2023: 2500}, 12, 540),
    ]
    others = [
        P("滨海新区海湾小学改扩建工程", "中小学", "续建", "改扩建", "海湾镇", u, 2020, 2021, 3000,
          {2021: 1500}, 0, 270),
        P("滨海新区海湾幼儿园扩建工程", "幼儿园", "新开工", "扩建", "海湾镇", u, 2023, 2024, 1500,
          {2023: 800, 2024: 700}, 3, 180),
    ]
    wb_title(ws, "滨海新区“十四五”教育项目安排表", len(STD))
    put(ws, 2, 1, "单位:万元")
    row(ws, 3, STD)
    parent = ["1", "滨海新区城东学校群建设工程", None, "新开工", "新建", "滨海街道", "2022-2024",
              num(sum(p["total_investment"] for p in kids)), num(sum(p["period_plan"] for p in kids))] + \
        [num(sum(p["annual_plan"].get(y, 0) for p in kids)) or None for y in YEARS] + \
        [num(sum(p["land_mu"] for p in kids)), sum(p["new_places"] for p in kids), u]
    row(ws, 4, parent)
    r = 5
    for j, p in enumerate(kids):
        v = std_row(p, f"1.{j + 1}")
        row(ws, r, v)
        r += 1
    for j, p in enumerate(others):
        v = std_row(p, str(j + 2))
        v[14] = num(p["land_mu"]) or "原址"
        row(ws, r, v)
        r += 1
    others[0]["land_mu"] = None
    return wb, kids + others


# ---------------------------------------------------------------------------------------------
# 20 no places or land column: 建设内容 says "新增学位1620个", "新建幼儿园1所，12个班，新增学位360个",
#    "可容纳学生2000人"; 建筑面积 "2.4万平方米"
# ---------------------------------------------------------------------------------------------

def b20():
    wb, ws = sheet("附件")
    u = "永康市教育局"
    ps = [
        P("永康市城西新区小学新建工程", "中小学", "新开工", "新建", "西城街道", u, 2021, 2023, 15000,
          {2021: 3000, 2022: 7000, 2023: 5000}, None, 1620,
          content="用地45亩，建筑面积2.4万平方米，设36个班，新增学位1620个"),
        P("永康市东城幼儿园新建工程", "幼儿园", "新开工", "新建", "东城街道", u, 2022, 2023, 4000,
          {2022: 2000, 2023: 2000}, None, 360,
          content="新建幼儿园1所，12个班，新增学位360个，建筑面积6000平方米"),
        P("永康市古山镇中学迁建工程", "中小学", "新开工", "迁建", "古山镇", u, 2022, 2024, 20000,
          {2022: 5000, 2023: 8000, 2024: 7000}, None, 2000,
          content="迁建初中1所，48个班，可容纳学生2000人，新增学位2000个"),
        P("永康市芝英镇中心小学改扩建工程", "中小学", "续建", "改扩建", "芝英镇", u, 2020, 2021, 3500,
          {2021: 1500}, None, None, content="改造教学楼2幢，新建风雨操场1座，建筑面积8000㎡"),
        P("永康市第二中等职业学校扩建工程", "职业教育", "前期", "扩建", "江南街道", u, 2025, 2027, 12000,
          {2025: 600}, None, 1200, content="新增实训楼1幢，建筑面积3万平方米，新增学位1200人"),
    ]
    head = ["序号", "项目名称", "学段", "项目类型", "建设性质", "建设地点", "建设内容及规模",
            "建设起止年限", "总投资", "“十四五”计划投资"] + [f"{y}年" for y in YEARS] + ["责任单位"]
    wb_title(ws, "永康市“十四五”教育项目安排表", len(head))
    put(ws, 2, 1, "单位:万元")
    row(ws, 3, head)
    for i, p in enumerate(ps):
        row(ws, 4 + i, [i + 1, p["name"], p["category"], p["annex_class"], p["construction_type"],
                        p["township"], p["content"], yrange(p), num(p["total_investment"]),
                        num(p["period_plan"])] + plans(p) + [p["responsible_unit"]])
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 21 计划 / 完成 rows as in 02, without a 合计 column: a 完成 figure in a year the plan leaves blank
# ---------------------------------------------------------------------------------------------

def b21():
    wb, ps = b02()
    ws = wb.active
    ws.delete_cols(15)
    for rng in list(ws.merged_cells.ranges):
        ws.merged_cells.remove(rng) if rng.min_col >= 15 and rng.min_row > 3 else None
    for r in range(4, ws.max_row + 1, 2):
        for c in (15, 16, 17):
            merge(ws, f"{L(c)}{r}:{L(c)}{r + 1}")
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 22 项目类型 "改扩建（新开工）" for a project whose name says 新建 (新建综合楼 in an 改扩建 project)
# ---------------------------------------------------------------------------------------------

def b22():
    wb, ps = b11()
    ws = wb.active
    u = "黄岩区教育局"
    extra = [
        P("黄岩区院桥镇中学新建综合楼工程", "中小学", "新开工", "改扩建", "院桥镇", u, 2022, 2023, 3000,
          {2022: 1500, 2023: 1500}, 0, 450),
        P("黄岩区东城街道幼儿园迁建新园工程", "幼儿园", "前期", "迁建", "东城街道", u, 2025, 2026, 3500,
          {2025: 300}, 8, 270),
    ]
    words = ["改扩建（新开工）", "迁建（前期）"]
    r = ws.max_row + 1
    for j, p in enumerate(extra):
        row(ws, r + j, [len(ps) + j + 1, p["name"], p["category"], words[j], p["township"], yrange(p),
                        num(p["total_investment"]), num(p["period_plan"])] + plans(p) +
            [num(p["land_mu"]) or "原址", p["new_places"], p["responsible_unit"]])
    extra[0]["land_mu"] = None
    return wb, ps + extra


# ---------------------------------------------------------------------------------------------
# 23 land in 公顷 declared only by the 单位 row ("单位：万元、公顷、个"), header 用地面积
# ---------------------------------------------------------------------------------------------

def b23():
    wb, ws = sheet("附件")
    ps = base("海宁市", ["硖石街道", "海洲街道", "长安镇", "许村镇"], "海宁市教育局")
    head = [h if h != "用地面积(亩)" else "用地面积" for h in STD]
    head = [h if h != "新增学位(个)" else "新增学位" for h in head]
    wb_title(ws, "海宁市“十四五”教育项目安排表", len(head))
    put(ws, 2, 1, "单位：万元、公顷、个")
    row(ws, 3, head)
    for i, p in enumerate(ps):
        v = std_row(p, i + 1)
        ha = (p["land_mu"] / 15).quantize(D("0.01"))
        v[14] = num(ha)
        p["land_mu"] = (ha * 15).quantize(D("0.01")).normalize()
        row(ws, 4 + i, v)
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 24 one total typed in 元 among 万元 (pasted from the feasibility report): 280000000
# ---------------------------------------------------------------------------------------------

def b24():
    wb, ws = sheet("附件")
    ps = base("桐乡市", ["梧桐街道", "凤鸣街道", "濮院镇", "乌镇镇"], "桐乡市教育局")
    wb_title(ws, "桐乡市“十四五”教育项目安排表", len(STD))
    put(ws, 2, 1, "单位:万元")
    row(ws, 3, STD)
    for i, p in enumerate(ps):
        v = std_row(p, i + 1)
        if i == 1:
            v[7] = num(p["total_investment"] * 10000)  # 28000 万元 typed as 280000000 元
        row(ws, 4 + i, v)
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 25 a visible cover with a small summary table (项目名称 / 总投资 by category); the real table
#    in a hidden sheet
# ---------------------------------------------------------------------------------------------

def b25():
    wb, ps = b16()
    cover = wb["封面"]
    for r in (12, 13, 14):
        for c in (2, 3, 4):
            cover.cell(row=r, column=c).value = None
    row(cover, 12, ["序号", "项目名称", "项目个数", "总投资", "“十四五”计划投资"], 2)
    r = 13
    for n, cat in enumerate(("中小学", "幼儿园", "职业教育")):
        items = [p for p in ps if p["category"] == cat]
        row(cover, r, [n + 1, f"{cat}建设项目", len(items), num(sum(p["total_investment"] for p in items)),
                       num(sum(p["period_plan"] for p in items))], 2)
        r += 1
    row(cover, r, [None, "合计", len(ps), num(sum(p["total_investment"] for p in ps)),
                   num(sum(p["period_plan"] for p in ps))], 2)
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 26 a 汇总 sheet by township (one row per 镇/街道 with its count and figures), then the table
# ---------------------------------------------------------------------------------------------

def b26():
    wb = openpyxl.Workbook()
    ps = base("平湖市", ["当湖街道", "钟埭街道", "新埭镇", "乍浦镇"], "平湖市教育局")
    ws = wb.active
    ws.title = "汇总"
    wb_title(ws, "平湖市“十四五”教育项目分镇街汇总表", 6)
    put(ws, 2, 1, "单位:万元")
    row(ws, 3, ["序号", "镇（街道）", "项目数", "总投资", "“十四五”计划投资", "新增学位(个)"])
    towns = []
    for p in ps:
        if p["township"] not in towns:
            towns.append(p["township"])
    for i, t in enumerate(towns):
        items = [p for p in ps if p["township"] == t]
        row(ws, 4 + i, [i + 1, t, len(items), num(sum(p["total_investment"] for p in items)),
                        num(sum(p["period_plan"] for p in items)), sum(p["new_places"] for p in items)])
    row(ws, 4 + len(towns), [None, "合计", len(ps), num(sum(p["total_investment"] for p in ps)),
                             num(sum(p["period_plan"] for p in ps)), sum(p["new_places"] for p in ps)])
    w = wb.create_sheet("项目表")
    wb_title(w, "平湖市“十四五”教育项目安排表", len(STD))
    put(w, 2, 1, "单位:万元")
    row(w, 3, STD)
    for i, p in enumerate(ps):
        row(w, 4 + i, std_row(p, i + 1))
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 27 category blocks as in 06, each headed "一、中小学建设项目" (numbered) instead of "表一："
# ---------------------------------------------------------------------------------------------

def b27():
    wb, ps = b06()
    ws = wb.active
    for r in range(1, ws.max_row + 1):
        v = ws.cell(row=r, column=1).value
        if isinstance(v, str) and v.startswith("表"):
            ws.cell(row=r, column=1).value = {"一": "一、", "二": "二、", "三": "三、"}[v[1]] + v[3:]
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 28 the class typed after the name ("…工程（续建）"), no class column and no class sections
# ---------------------------------------------------------------------------------------------

def b28():
    wb, ws = sheet("附件")
    ps = base("德清县", ["武康街道", "舞阳街道", "新市镇", "乾元镇"], "德清县教育局")
    head = [h for h in STD if h != "项目类型"]
    wb_title(ws, "德清县“十四五”教育项目安排表", len(head))
    put(ws, 2, 1, "单位:万元")
    row(ws, 3, head)
    for i, p in enumerate(ps):
        v = std_row(p, i + 1)
        v[1] = f"{p['name']}（{p['annex_class']}）"
        del v[3]
        row(ws, 4 + i, v)
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 29 year columns typed "21年" … "25年" (two digits) under “十四五”计划投资, with 合计
# ---------------------------------------------------------------------------------------------

def b29():
    wb, ws = sheet("附件")
    ps = base("安吉县", ["递铺街道", "孝丰镇", "天子湖镇", "梅溪镇"], "安吉县教育局")
    top = STD[:9] + [None] * 5 + STD[14:]
    sub = [None] * 8 + ["合计"] + [f"{y % 100}年" for y in YEARS] + [None] * 3
    wb_title(ws, "安吉县“十四五”教育项目安排表", len(top))
    put(ws, 2, 1, "单位:万元")
    row(ws, 3, top)
    row(ws, 4, sub)
    merge(ws, "I3:N3")
    for c in list(range(1, 9)) + [15, 16, 17]:
        merge(ws, f"{L(c)}3:{L(c)}4")
    for i, p in enumerate(ps):
        row(ws, 5 + i, std_row(p, i + 1))
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 30 资金来源 in the words of a city table: 上级补助 / 地方配套 / 政府债券 / 社会资本, with 合计
# ---------------------------------------------------------------------------------------------

def b30():
    wb, ws = sheet("附件")
    ps = base("长兴县", ["雉城街道", "画溪街道", "泗安镇", "和平镇"], "长兴县教育局")
    top = STD[:9] + ["资金来源", None, None, None, None] + STD[14:]
    sub = [None] * 9 + ["合计", "上级补助", "地方配套", "政府债券", "社会资本"] + [None] * 3
    wb_title(ws, "长兴县“十四五”教育项目安排表", len(top))
    put(ws, 2, 1, "单位:万元")
    row(ws, 3, top)
    row(ws, 4, sub)
    merge(ws, "J3:N3")
    for c in list(range(1, 10)) + [15, 16, 17]:
        merge(ws, f"{L(c)}3:{L(c)}4")
    for i, p in enumerate(ps):
        t = p["total_investment"]
        up, local, bond = t * D("0.2"), t * D("0.5"), t * D("0.2")
        social = t - up - local - bond
        p["funding_plan"] = {"上级补助": up, "县财政": local, "专项债": bond, "自筹": social}
        row(ws, 5 + i, std_row(p, i + 1)[:9] + [num(t), num(up), num(local), num(bond), num(social)] +
            std_row(p, i + 1)[14:])
        p["annual_plan"] = {}
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 31 学段 as the school's own words: "九年一贯制学校（含幼儿园）", "小学（附设幼儿园）",
#    "幼儿园（含托班）", "完全中学", "特殊教育学校", "少年宫"
# ---------------------------------------------------------------------------------------------

def b31():
    wb, ws = sheet("附件")
    ps = base("海盐县", ["武原街道", "西塘桥街道", "沈荡镇", "百步镇"], "海盐县教育局")
    words = ["小学（附设幼儿园）", "完全中学", "九年一贯制学校（含幼儿园）", "幼儿园（含托班）", "幼儿园",
             "中等职业学校"]
    ps[2]["name"] = "海盐县沈荡镇中心学校改扩建工程"
    wb_title(ws, "海盐县“十四五”教育项目安排表", len(STD))
    put(ws, 2, 1, "单位:万元")
    row(ws, 3, STD)
    for i, p in enumerate(ps):
        v = std_row(p, i + 1)
        v[2] = words[i]
        row(ws, 4 + i, v)
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 32 one project's land typed in 平方米 (53333) in a 用地面积(亩) column, another's places as its
#    class count (12)
# ---------------------------------------------------------------------------------------------

def b32():
    wb, ws = sheet("附件")
    ps = base("嘉善县", ["罗星街道", "魏塘街道", "西塘镇", "姚庄镇"], "嘉善县教育局")
    wb_title(ws, "嘉善县“十四五”教育项目安排表", len(STD))
    put(ws, 2, 1, "单位:万元")
    row(ws, 3, STD)
    for i, p in enumerate(ps):
        v = std_row(p, i + 1)
        if i == 1:
            v[14] = 53333  # 80 亩 as 平方米
        row(ws, 4 + i, v)
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 33 a 汇总 sheet that repeats every project of the category sheets, row for row
# ---------------------------------------------------------------------------------------------

def b33():
    wb, ps = b15()
    ws = wb["汇总"]
    for cells in ws.iter_rows(min_row=3):
        for c in cells:
            c.value = None
    row(ws, 3, STD)
    for i, p in enumerate(ps):
        row(ws, 4 + i, std_row(p, i + 1))
    return wb, ps


BUILDERS = [
    ("01-xiangmuku-code-ruku-stage", b01),
    ("02-plan-and-actual-rows-per-project", b02),
    ("03-years-as-rows-under-each-project", b03),
    ("04-totals-wan-year-plans-yi-in-headers", b04),
    ("05-shiwuwu-2026-2030", b05),
    ("06-category-blocks-own-header", b06),
    ("07-school-type-per-row-merged-township", b07),
    ("08-cost-split-and-funding-xiaoji", b08),
    ("09-land-hectare-places-typed-schools-suo", b09),
    ("10-start-quarter-end-autumn-remarks-started", b10),
    ("11-type-with-class-in-brackets", b11),
    ("12-extra-columns-contact-phone-approval", b12),
    ("13-spacer-columns-units-row-in-middle", b13),
    ("14-text-numbers-suffixes-trailing-spaces", b14),
    ("15-huizong-sheet-then-category-sheets", b15),
    ("16-cover-visible-table-hidden", b16),
    ("17-hostile-typed-totals", b17),
    ("18-adjusted-before-after-columns", b18),
    ("19-parent-project-with-numbered-schools", b19),
    ("20-places-from-content-only", b20),
    ("21-plan-and-actual-rows-no-total-column", b21),
    ("22-type-with-class-name-says-otherwise", b22),
    ("23-land-hectare-in-unit-row-only", b23),
    ("24-one-total-typed-in-yuan", b24),
    ("25-cover-with-summary-table-real-hidden", b25),
    ("26-huizong-by-township-then-table", b26),
    ("27-category-blocks-numbered-titles", b27),
    ("28-class-typed-after-the-name", b28),
    ("29-two-digit-year-headers", b29),
    ("30-funding-in-city-words", b30),
    ("31-school-type-words-with-attached-kindergarten", b31),
    ("32-one-land-typed-in-square-metres", b32),
    ("33-huizong-repeats-every-project", b33),
]


def main() -> None:
    import sys

    out = Path(sys.argv[1] if len(sys.argv) > 1 else "annexes")
    out.mkdir(parents=True, exist_ok=True)
    for stem, build in BUILDERS:
        wb, ps = build()
        wb.save(out / f"{stem}.xlsx")
        (out / f"{stem}.truth.json").write_text(
            json.dumps(truth_json(ps), ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len(BUILDERS)} workbooks in {out}")


if __name__ == "__main__":
    main()
