"""A fourth round: two dozen annex layouts unlike the first three in tests/importer/
(counties.py, counties2.py, counties3.py), built the way real offices make them: formulas with
and without cached values, merged class/category cells, four-level numbering, a project on two
rows, Excel dates, "1.2亿" text totals, mixed punctuation, English+Chinese headers, trailing 合计
columns, years 2020–2026, one township spelt two ways, frozen panes / print titles, blank rows,
long broken names, a hidden first column, collapsed outline rows, ten sheets with two tables,
class by fill colour only, leading apostrophes, "12000.00" and negative zero, 0 vs blank plans,
category words only in names.

Each builder returns (openpyxl workbook, truth list) in the style of counties3.py (money in 万元).
Post-processing: POST[stem] is a function run on the saved file —
  * ``libreoffice_recalc(path)`` opens and re-saves the file with LibreOffice headless
    (``soffice --headless --convert-to xlsx``), so every formula gets its cached value;
  * ``inject_cache(path, values)`` writes given cached values into the formula cells of the
    openpyxl-written XML (how a file saved by Excel looks, with the cache we choose — even a
    stale one).

``python -m tests.importer.counties4 [DIR]`` writes NN-description.xlsx and NN-description.truth.json into DIR
(default: annexes/ beside this file).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import tempfile
import zipfile
from decimal import Decimal as D
from pathlib import Path

from openpyxl.styles import PatternFill
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
)
from .countykit import truth_json as truth_json

EXPECT: dict[str, dict] = {}


POST: dict[str, object] = {}


def libreoffice_recalc(path: Path) -> None:
    """Open and save the workbook with LibreOffice (headless), which calculates every formula
    and stores its cached value, as Excel would."""
    with tempfile.TemporaryDirectory(prefix="rt4-lo-") as tmp:
        src = Path(tmp) / "in" / path.name
        src.parent.mkdir()
        shutil.copy(path, src)
        out = Path(tmp) / "out"
        subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp}/profile", "--headless",
                        "--calc", "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir",
                        str(out), str(src)], check=True, capture_output=True, timeout=180)
        shutil.copy(out / path.name, path)


def inject_cache(values: dict[int, dict[str, object]]):
    """A post-step writing cached values {sheet index (1-based): {"H5": 123, …}} into the
    formula cells openpyxl wrote without one."""
    def run(path: Path) -> None:
        tmp = path.with_suffix(".tmp")
        with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
            for item in zin.infolist():
                data = zin.read(item.filename)
                m = re.fullmatch(r"xl/worksheets/sheet(\d+)\.xml", item.filename)
                if m and int(m.group(1)) in values:
                    cache = values[int(m.group(1))]
                    text = data.decode("utf-8")

                    def fix(mm, cache=cache):
                        ref = mm.group(1)
                        if ref not in cache:
                            return mm.group(0)
                        return f'<c r="{ref}"{mm.group(2)}><f>{mm.group(3)}</f><v>{cache[ref]}</v></c>'
                    text = re.sub(r'<c r="([A-Z]+\d+)"([^>]*)><f>([^<]*)</f>(?:<v\s*/>|<v></v>)?</c>',
                                  fix, text)
                    data = text.encode("utf-8")
                zout.writestr(item, data)
        tmp.replace(path)
    return run


def heading(ws, r, title, width, unit="单位:万元"):
    wb_title(ws, title, width, r)
    if unit:
        put(ws, r + 1, 1, unit)


# ---------------------------------------------------------------------------------------------
# 01 SUM formulas everywhere, cached by LibreOffice: each project's “十四五” 合计 =SUM(years), each
#    class 小计 and the 总计 row =SUM over its items (Excel-saved annexes look like this)
# ---------------------------------------------------------------------------------------------

EXPECT["01"] = {"warnings": [], "post": "libreoffice_recalc"}


def b01():
    wb, ws = sheet("附件")
    ps = base("平阳县", ["昆阳镇", "鳌江镇", "水头镇", "萧江镇"], "平阳县教育局")
    head = [h for h in STD if h not in ("项目类型",)]
    heading(ws, 1, "平阳县“十四五”教育项目安排表", len(head))
    row(ws, 3, head)
    r = 4
    total_row = r
    row(ws, r, [None, "总计"])
    r += 1
    sub_rows = []
    for k, ordinal in (("续建", "(一)"), ("新开工", "(二)"), ("前期", "(三)")):
        items = [p for p in ps if p["annex_class"] == k]
        sr = r
        sub_rows.append(sr)
        row(ws, r, [ordinal, f"{k}项目小计"])
        r += 1
        for j, p in enumerate(items):
            v = std_row(p, j + 1)
            del v[3]
            row(ws, r, v)
            put(ws, r, 8, f"=SUM(I{r}:M{r})")  # 计划 合计 (col H after removing 项目类型)
            r += 1
        for c in range(7, 16):
            put(ws, sr, c, f"=SUM({L(c)}{sr + 1}:{L(c)}{r - 1})")
    for c in range(7, 16):
        put(ws, total_row, c, "=" + "+".join(f"{L(c)}{s}" for s in sub_rows))
    return wb, ps


POST["01"] = libreoffice_recalc


# ---------------------------------------------------------------------------------------------
# 02 formulas WITHOUT cached values (openpyxl-written, never opened in Excel): per-project
#    计划合计 =ROUND(SUM(J:N),2), 总投资 =SUM(...)+prior, a SUBTOTAL(9,…) total row
# ---------------------------------------------------------------------------------------------

EXPECT["02"] = {"warnings": ["formula_uncached (ROUND/SUBTOTAL not computed: named by cell)"]}


def b02():
    wb, ws = sheet("附件")
    ps = base("苍南县", ["灵溪镇", "龙港镇", "钱库镇", "金乡镇"], "苍南县教育局")
    heading(ws, 1, "苍南县“十四五”教育项目安排表", len(STD))
    row(ws, 3, STD)
    for i, p in enumerate(ps):
        r = 4 + i
        row(ws, r, std_row(p, i + 1))
        put(ws, r, 9, f"=ROUND(SUM(J{r}:N{r}),2)")
    r = 4 + len(ps)
    put(ws, r, 2, "合计")
    for c in range(8, 17):
        put(ws, r, c, f"=SUBTOTAL(9,{L(c)}4:{L(c)}{r - 1})")
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 03 a stale cache: 计划合计 =SUM(J:M) — the clerk's formula misses the 2025 column; Excel shows
#    the cached (wrong) sum.  The annex's figure is what the cell shows; the mismatch with the
#    years must be named (plan_mismatch), the years kept.
# ---------------------------------------------------------------------------------------------

EXPECT["03"] = {"warnings": ["plan_mismatch on I8, I9 (合计 misses 2025)"]}


def b03():
    wb, ws = sheet("附件")
    ps = base("文成县", ["大峃镇", "珊溪镇", "玉壶镇", "南田镇"], "文成县教育局")
    heading(ws, 1, "文成县“十四五”教育项目安排表", len(STD))
    row(ws, 3, STD)
    cache = {}
    for i, p in enumerate(ps):
        r = 4 + i
        row(ws, r, std_row(p, i + 1))
        put(ws, r, 9, f"=SUM(J{r}:M{r})")
        shown = sum((v for y, v in p["annual_plan"].items() if y <= 2024), D(0))
        cache[f"I{r}"] = num(shown)
        p["period_plan"] = shown
    POST["03"] = inject_cache({1: cache})
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 04 总投资 taken from another sheet (=投资估算!D5), uncached; on sheet 投资估算 the figures
# ---------------------------------------------------------------------------------------------

EXPECT["04"] = {"warnings": ["formula_uncached naming H4:H9 (cross-sheet reference)"],
                "note": "total_investment cannot be known: blank with a warning per cell, or error"}


def b04():
    wb, ws = sheet("附件")
    ps = base("泰顺县", ["罗阳镇", "司前畲族镇", "百丈镇", "筱村镇"], "泰顺县教育局")
    heading(ws, 1, "泰顺县“十四五”教育项目安排表", len(STD))
    row(ws, 3, STD)
    est = wb.create_sheet("投资估算")
    row(est, 1, ["序号", "项目", "估算依据", "估算金额"])
    for i, p in enumerate(ps):
        r = 4 + i
        row(ws, r, std_row(p, i + 1))
        put(ws, r, 8, f"=投资估算!D{2 + i}")
        row(est, 2 + i, [i + 1, p["name"], "按可研", num(p["total_investment"])])
        p["total_investment"] = None  # unknowable without a cache
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 05 学段 and 项目类型 merged down the rows they cover, the merged text broken over lines with its
#    count ("续建\n项目\n(2个)", "中\n小\n学")
# ---------------------------------------------------------------------------------------------

def b05():
    wb, ws = sheet("附件")
    ps = base("洞头区", ["北岙街道", "东屏街道", "元觉街道", "霓屿街道"], "洞头区教育局")
    ps.sort(key=lambda p: (["中小学", "幼儿园", "职业教育"].index(p["category"]),
                           ["续建", "新开工", "前期"].index(p["annex_class"])))
    heading(ws, 1, "洞头区“十四五”教育项目安排表", len(STD))
    row(ws, 3, STD)
    for i, p in enumerate(ps):
        row(ws, 4 + i, std_row(p, i + 1))
    for col, key in ((3, "category"), (4, "annex_class")):
        start = 0
        for i in range(1, len(ps) + 1):
            if i == len(ps) or ps[i][key] != ps[start][key] or ps[i]["category"] != ps[start]["category"]:
                n = i - start
                word = ps[start][key]
                text = "\n".join(word) if key == "category" else f"{word}\n项目\n({n}个)"
                ws.cell(row=4 + start, column=col).value = text
                for k in range(start + 1, i):
                    ws.cell(row=4 + k, column=col).value = None
                if n > 1:
                    merge(ws, f"{L(col)}{4 + start}:{L(col)}{4 + i - 1}")
                start = i
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 06 four levels of numbering: 一、中小学 / (一)续建项目 / 1.小学 2.初中 (school-type level, no
#    figures) / (1)(2) items; under 幼儿园 the items are numbered "1." straight under (一)
# ---------------------------------------------------------------------------------------------

def b06():
    wb, ws = sheet("附件")
    u = "乐清市教育局"
    ps = [
        P("乐清市城东第二小学新建工程", "中小学", "续建", "新建", "城东街道", u, 2020, 2022, 16000,
          {2021: 8000, 2022: 3000}, 40, 1620),
        P("乐清市柳市镇第四小学迁建工程", "中小学", "续建", "迁建", "柳市镇", u, 2020, 2021, 9000,
          {2021: 2000}, 30, 1080),
        P("乐清市虹桥镇第三中学扩建工程", "中小学", "续建", "扩建", "虹桥镇", u, 2019, 2021, 7000,
          {2021: 1500}, 15, 600),
        P("乐清市白石中学新建工程", "中小学", "新开工", "新建", "白石街道", u, 2022, 2024, 32000,
          {2022: 8000, 2023: 14000, 2024: 10000}, 90, 2400),
        P("乐清市城南幼儿园新建工程", "幼儿园", "新开工", "新建", "城南街道", u, 2022, 2023, 3800,
          {2022: 1800, 2023: 2000}, 9, 360),
        P("乐清市大荆镇中心幼儿园改扩建工程", "幼儿园", "新开工", "改扩建", "大荆镇", u, 2023, 2024,
          2100, {2023: 1000, 2024: 1100}, None, 180),
    ]
    head = [h for h in STD if h not in ("学段", "项目类型")]
    heading(ws, 1, "乐清市“十四五”教育项目安排表", len(head))
    row(ws, 3, head)
    r = 4

    def item(p, seq):
        nonlocal r
        v = std_row(p, seq)
        del v[2:4]
        row(ws, r, v)
        r += 1

    def sec(seq, label):
        nonlocal r
        row(ws, r, [seq, label])
        r += 1
    sec("一", "中小学")
    sec("(一)", "续建项目")
    sec("1.", "小学")
    item(ps[0], "(1)")
    item(ps[1], "(2)")
    sec("2.", "初中")
    item(ps[2], "(1)")
    sec("(二)", "新开工项目")
    sec("1.", "初中")
    item(ps[3], "(1)")
    sec("二", "幼儿园")
    sec("(一)", "新开工项目")
    item(ps[4], "1.")
    item(ps[5], "2.")
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 07 a project over two rows (序号, 名称, 总投资 merged down both); its annual plans split:
#    2021–2022 on the first row, 2023–2024 on the second (the clerk ran out of width in a
#    narrower copy and pasted back); another with land/places on its second row
# ---------------------------------------------------------------------------------------------

def b07():
    wb, ws = sheet("附件")
    ps = base("永嘉县", ["上塘镇", "瓯北街道", "桥头镇", "岩头镇"], "永嘉县教育局")
    ps[1]["annual_plan"] = {2021: D(6000), 2022: D(12000), 2023: D(6000), 2024: D(4000)}
    ps[1]["period_plan"] = D(28000)
    heading(ws, 1, "永嘉县“十四五”教育项目安排表", len(STD))
    row(ws, 3, STD)
    r = 4
    for i, p in enumerate(ps):
        v = std_row(p, i + 1)
        if i == 1:
            a, b = list(v), [None] * len(v)
            for c in (11, 12):  # 2023, 2024 → second row
                b[c], a[c] = a[c], None
            row(ws, r, a)
            row(ws, r + 1, b)
            for c in list(range(1, 10)) + [15, 16, 17]:
                merge(ws, f"{L(c)}{r}:{L(c)}{r + 1}")
            r += 2
        elif i == 3:
            a, b = list(v), [None] * len(v)
            for c in (14, 15):  # land, places → second row
                b[c], a[c] = a[c], None
            row(ws, r, a)
            row(ws, r + 1, b)
            for c in list(range(1, 14)) + [17]:
                merge(ws, f"{L(c)}{r}:{L(c)}{r + 1}")
            r += 2
        else:
            row(ws, r, v)
            r += 1
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 08 计划开工时间 / 计划竣工时间 as real Excel dates with number formats (yyyy"年"m"月",
#    yyyy.mm, m/d/yyyy) and, on some rows, text ("2022.03", "2024年8月底")
# ---------------------------------------------------------------------------------------------

def b08():
    wb, ws = sheet("附件")
    ps = base("瑞安市", ["安阳街道", "玉海街道", "塘下镇", "飞云街道"], "瑞安市教育局")
    head = STD[:6] + ["计划开工时间", "计划竣工时间"] + STD[7:]
    heading(ws, 1, "瑞安市“十四五”教育项目安排表", len(head))
    row(ws, 3, head)
    fmts = ['yyyy"年"m"月"', "yyyy.mm", "m/d/yyyy", "yyyy-mm-dd", '[$-F800]dddd, mmmm dd, yyyy', "yyyy年m月"]
    for i, p in enumerate(ps):
        r = 4 + i
        v = std_row(p, i + 1)
        v = v[:6] + [None, None] + v[7:]
        row(ws, r, v)
        s = dt.datetime(p["start_year"], 3 + i, 1)
        e = dt.date(p["end_year"], 8, 31)
        if i == 2:
            put(ws, r, 7, f"{p['start_year']}.03")
            put(ws, r, 8, f"{p['end_year']}年8月底")
        else:
            put(ws, r, 7, s)
            put(ws, r, 8, e)
            ws.cell(row=r, column=7).number_format = fmts[i]
            ws.cell(row=r, column=8).number_format = fmts[(i + 1) % len(fmts)]
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 09 开工年份 / 竣工年份 typed as years into cells formatted as dates (a copied template): the
#    cells hold 2021, 2023 … but show 1905/7/13 — the officer typed years
# ---------------------------------------------------------------------------------------------

EXPECT["09"] = {"note": "either read 2021… (the number typed) or refuse naming the cells; "
                        "never start_year 1905"}


def b09():
    wb, ws = sheet("附件")
    ps = base("平阳县", ["昆阳镇", "鳌江镇", "水头镇", "萧江镇"], "平阳县教育局")
    head = STD[:6] + ["开工年份", "竣工年份"] + STD[7:]
    heading(ws, 1, "平阳县“十四五”教育项目安排表", len(head))
    row(ws, 3, head)
    for i, p in enumerate(ps):
        r = 4 + i
        v = std_row(p, i + 1)
        v = v[:6] + [p["start_year"], p["end_year"]] + v[7:]
        row(ws, r, v)
        for c in (7, 8):
            ws.cell(row=r, column=c).number_format = "yyyy/m/d"
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 10 总投资 in a 万元 column written "1.2亿" / "2.8亿元" / "0.18亿" on some rows, numbers or
#    "6500万" on others
# ---------------------------------------------------------------------------------------------

def b10():
    wb, ws = sheet("附件")
    ps = base("龙湾区", ["永中街道", "海滨街道", "状元街道", "蒲州街道"], "龙湾区教育局")
    ps[0]["total_investment"] = D(12000)
    heading(ws, 1, "龙湾区“十四五”教育项目安排表", len(STD))
    row(ws, 3, STD)
    texts = ["1.2亿", "2.8亿元", "6500万", 4200, "0.18亿", "1.5亿"]
    for i, p in enumerate(ps):
        v = std_row(p, i + 1)
        v[7] = texts[i]
        row(ws, 4 + i, v)
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 11 headers mixing full-width and half-width punctuation and digits: 总投资（万元), "十四五"计划投资
#    (ASCII quotes), 2021 年, ２０２３年, 用地面积（亩), 新增学位(个）, 责任单位：
# ---------------------------------------------------------------------------------------------

def b11():
    wb, ws = sheet("附件")
    ps = base("鹿城区", ["五马街道", "南汇街道", "藤桥镇", "山福镇"], "鹿城区教育局")
    head = ["序　号", "项目名称", "学段", "项目类型", "建设性质", "建设地点", "建设起止年限（年)",
            "总投资（万元)", "\"十四五\"计划投资(万元）", "2021 年", "2022年 ", "２０２３年", "2024年",
            "2025年", "用地面积（亩)", "新增学位(个）", "责任单位："]
    heading(ws, 1, "鹿城区“十四五”教育项目安排表", len(head), unit=None)
    row(ws, 2, head)
    for i, p in enumerate(ps):
        row(ws, 3 + i, std_row(p, i + 1))
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 12 bilingual header (a city's template for a foreign-loan review), English sheet name
# ---------------------------------------------------------------------------------------------

def b12():
    wb, ws = sheet("Projects")
    ps = base("瓯海区", ["梧田街道", "娄桥街道", "泽雅镇", "瞿溪街道"], "瓯海区教育局")
    head = ["No. 序号", "Project Name 项目名称", "Category 学段", "Class 项目类型",
            "Type 建设性质", "Township 建设地点", "Period 建设起止年限",
            "Total Investment (10,000 yuan) 总投资(万元)", "14th FYP Plan 十四五计划投资",
            "2021 Plan 2021年", "2022 Plan 2022年", "2023 Plan 2023年", "2024 Plan 2024年",
            "2025 Plan 2025年", "Land (mu) 用地面积(亩)", "New Places 新增学位",
            "Responsible Unit 责任单位"]
    heading(ws, 1, "Ouhai District 14th Five-Year Education Projects 瓯海区“十四五”教育项目安排表",
            len(head), unit="Unit: 10,000 yuan 单位:万元")
    row(ws, 3, head)
    for i, p in enumerate(ps):
        row(ws, 4 + i, std_row(p, i + 1))
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 13 the year block at the far right, its 合计 last (no group heading): … 责任单位 | 2021年 …
#    2025年 | 合计
# ---------------------------------------------------------------------------------------------

def b13():
    wb, ws = sheet("附件")
    ps = base("龙港市", ["华中社区", "湖前社区", "舥艚社区", "芦浦社区"], "龙港市教育局")
    head = STD[:8] + ["用地面积(亩)", "新增学位(个)", "责任单位"] + [f"{y}年" for y in YEARS] + ["合计"]
    heading(ws, 1, "龙港市“十四五”教育项目安排表", len(head))
    row(ws, 3, head)
    for i, p in enumerate(ps):
        v = std_row(p, i + 1)
        row(ws, 4 + i, v[:8] + v[14:17] + v[9:14] + [v[8]])
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 14 years 2020–2026 (title "2020—2026年"): the 2020 column is that year's plan of carried-over
#    projects, 2026 the plan past the period; 计划合计 is 2021–2025
# ---------------------------------------------------------------------------------------------

def b14():
    wb, ws = sheet("附件")
    ps = base("瑞安市", ["安阳街道", "玉海街道", "塘下镇", "飞云街道"], "瑞安市教育局")
    ps[0]["annual_plan"][2020] = D(5000)
    ps[4]["annual_plan"][2020] = D(600)
    ps[5]["annual_plan"][2026] = D(8000)
    ps[5]["annual_plan"][2027] = D(6500)
    Y = tuple(range(2020, 2028))
    head = STD[:9] + [f"{y}年" for y in Y] + STD[14:]
    heading(ws, 1, "瑞安市教育建设项目安排表（2020—2027年）", len(head))
    row(ws, 3, head)
    for i, p in enumerate(ps):
        v = std_row(p, i + 1)
        row(ws, 4 + i, v[:9] + plans(p, Y) + v[14:])
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 15 the same township written two ways: 鳌江 / 鳌江镇, 水头 / 水头镇, "鳌 江镇"
# ---------------------------------------------------------------------------------------------

EXPECT["15"] = {"note": "the township is one township (鳌江镇); at least the two spellings named"}


def b15():
    wb, ws = sheet("附件")
    ps = base("平阳县", ["鳌江镇", "水头镇", "鳌江镇", "水头镇"], "平阳县教育局")
    ps[0]["name"] = "平阳县鳌江第二小学新建工程"
    ps[3]["name"] = "平阳县鳌江第三幼儿园新建工程"
    std_table(ws, ps, 3, title="平阳县“十四五”教育项目安排表")
    for r, t in ((4, "鳌江"), (5, "水头"), (6, "鳌 江镇"), (7, "鳌江镇"), (8, "水头镇")):
        ws.cell(row=r, column=6).value = t
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 16 frozen panes, print titles (rows 3:4), a print area, an autofilter on the header and a
#    two-row header with a merged “十四五” group
# ---------------------------------------------------------------------------------------------

def b16():
    wb, ws = sheet("附件")
    ps = base("海曙区", ["鼓楼街道", "南门街道", "集士港镇", "古林镇"], "海曙区教育局")
    top = STD[:8] + ["“十四五”计划投资"] + [None] * 5 + STD[14:]
    sub = [None] * 8 + ["合计"] + [f"{y}年" for y in YEARS] + [None] * 3
    heading(ws, 1, "海曙区“十四五”教育项目安排表", len(top))
    row(ws, 3, top)
    row(ws, 4, sub)
    merge(ws, "I3:N3")
    for c in list(range(1, 9)) + [15, 16, 17]:
        merge(ws, f"{L(c)}3:{L(c)}4")
    for i, p in enumerate(ps):
        row(ws, 5 + i, std_row(p, i + 1))
    ws.freeze_panes = "C5"
    ws.print_title_rows = "3:4"
    ws.print_area = f"A1:Q{4 + len(ps)}"
    ws.auto_filter.ref = f"A4:Q{4 + len(ps)}"
    ws.page_setup.orientation = "landscape"
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 17 an empty row after every project and every section row (spaced for printing), a 合计 row
# ---------------------------------------------------------------------------------------------

def b17():
    wb, ws = sheet("附件")
    ps = base("江北区", ["庄桥街道", "洪塘街道", "慈城镇", "甬江街道"], "江北区教育局")
    head = [h for h in STD if h != "项目类型"]
    heading(ws, 1, "江北区“十四五”教育项目安排表", len(head))
    row(ws, 3, head)
    r = 5
    [D(0)] * 9
    for k, o in (("续建", "一"), ("新开工", "二"), ("前期", "三")):
        items = [p for p in ps if p["annex_class"] == k]
        row(ws, r, [o, f"{k}项目({len(items)}个)"])
        r += 2
        for j, p in enumerate(items):
            v = std_row(p, j + 1)
            del v[3]
            row(ws, r, v)
            r += 2
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 18 very long names broken over lines (Alt+Enter), with bracketed former names, a trailing
#    line break, a CRLF, leading full-width spaces
# ---------------------------------------------------------------------------------------------

def b18():
    wb, ws = sheet("附件")
    ps = base("鄞州区", ["钟公庙街道", "首南街道", "姜山镇", "五乡镇"], "鄞州区教育局")
    shown = ["鄞州区钟公庙街道第二小学\n（原钟公庙中心小学\n拆除重建）\n新建工程",
             "鄞州区首南街道中学迁建工程（含体育馆、\n地下停车库及配套\n附属用房）",
             "　鄞州区姜山镇中心小学\r\n改扩建工程\n",
             "鄞州区钟公庙街道实验幼儿园新建工程（一期：教学楼、综合楼；二期：\n室外运动场及附属设施）",
             "鄞州区五乡镇中心幼儿园\n扩建工程",
             "鄞州区职业技术\n学校二期工程"]
    truths = ["鄞州区钟公庙街道第二小学（原钟公庙中心小学拆除重建）新建工程",
              "鄞州区首南街道中学迁建工程（含体育馆、地下停车库及配套附属用房）",
              "鄞州区姜山镇中心小学改扩建工程",
              "鄞州区钟公庙街道实验幼儿园新建工程（一期：教学楼、综合楼；二期：室外运动场及附属设施）",
              "鄞州区五乡镇中心幼儿园扩建工程",
              "鄞州区职业技术学校二期工程"]
    std_table(ws, ps, 3, title="鄞州区“十四五”教育项目安排表")
    for i, p in enumerate(ps):
        ws.cell(row=4 + i, column=2).value = shown[i]
        p["name"] = truths[i]
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 19 the first column hidden: A holds the platform's 项目代码 (used by a VLOOKUP elsewhere), the
#    visible table starts at B (序号)
# ---------------------------------------------------------------------------------------------

def b19():
    wb, ws = sheet("附件")
    ps = base("北仑区", ["新碶街道", "大碶街道", "小港街道", "春晓街道"], "北仑区教育局")
    head = ["项目代码"] + STD
    heading(ws, 1, "北仑区“十四五”教育项目安排表", len(head))
    row(ws, 3, head)
    for i, p in enumerate(ps):
        code = f"2{101 + i:03d}-330206-04-01-{234560 + i:06d}"
        p["project_code"] = code
        row(ws, 4 + i, [code] + std_row(p, i + 1))
    ws.column_dimensions["A"].hidden = True
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 20 outline groups collapsed: the (三)前期项目 rows grouped (outline level 1, hidden) under
#    their section row; the 幼儿园 block's items grouped too, with the summary row above
# ---------------------------------------------------------------------------------------------

EXPECT["20"] = {"warnings": ["hidden_row for each collapsed project row"]}


def b20():
    wb, ws = sheet("附件")
    ps = base("镇海区", ["招宝山街道", "骆驼街道", "庄市街道", "九龙湖镇"], "镇海区教育局")
    ps.append(P("镇海区庄市街道第二幼儿园新建工程", "幼儿园", "前期", "新建", "庄市街道",
                "镇海区教育局", 2025, 2026, 3600, {2025: 300}, 9, 360))
    head = [h for h in STD if h != "项目类型"]
    heading(ws, 1, "镇海区“十四五”教育项目安排表", len(head))
    row(ws, 3, head)
    ws.sheet_properties.outlinePr.summaryBelow = False
    r = 4
    for k, o in (("续建", "(一)"), ("新开工", "(二)"), ("前期", "(三)")):
        items = [p for p in ps if p["annex_class"] == k]
        row(ws, r, [o, f"{k}项目({len(items)}个)"])
        r += 1
        for j, p in enumerate(items):
            v = std_row(p, j + 1)
            del v[3]
            row(ws, r, v)
            if k == "前期":
                ws.row_dimensions[r].outlineLevel = 1
                ws.row_dimensions[r].hidden = True
            r += 1
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 21 ten sheets, English names: Cover, Contents, Notes, Primary (中小学 table), Kindergarten
#    (幼儿园 table), Chart, Sheet7…Sheet10 (empty or a stray word); no category column — one
#    kindergarten is named "…幼教中心…" (the name carries no 幼儿园)
# ---------------------------------------------------------------------------------------------

EXPECT["21"] = {"note": "category of 镇海区…幼教中心 from sheet 'Kindergarten' or named unknown"}


def b21():
    wb, ws = sheet("Cover")
    put(ws, 3, 2, "奉化区“十四五”教育发展规划")
    put(ws, 5, 2, "附件:项目安排表")
    put(ws, 20, 2, "奉化区教育局 2021年6月")
    c = wb.create_sheet("Contents")
    for i, t in enumerate(["1. Notes 编制说明", "2. Primary 中小学项目", "3. Kindergarten 幼儿园项目"]):
        put(c, 2 + i, 1, t)
    n = wb.create_sheet("Notes")
    put(n, 1, 1, "编制说明:本表项目共6个,其中中小学3个、幼儿园3个。金额单位:万元。")
    u = "奉化区教育局"
    prim = [
        P("奉化区锦屏街道第二小学新建工程", "中小学", "续建", "新建", "锦屏街道", u, 2020, 2022, 12000,
          {2021: 6000, 2022: 2000}, 36, 1350),
        P("奉化区岳林中学迁建工程", "中小学", "新开工", "迁建", "岳林街道", u, 2022, 2024, 26000,
          {2022: 6000, 2023: 12000, 2024: 8000}, 75, 2000),
        P("奉化区溪口镇中心学校改扩建工程", "中小学", "新开工", "改扩建", "溪口镇", u, 2023, 2025,
          5800, {2023: 2000, 2024: 2500, 2025: 1300}, None, 450),
    ]
    kg = [
        P("奉化区锦屏街道实验幼儿园新建工程", "幼儿园", "新开工", "新建", "锦屏街道", u, 2022, 2023,
          3900, {2022: 1900, 2023: 2000}, 10, 360),
        P("奉化区莼湖街道幼教中心新建工程", "幼儿园", "新开工", "新建", "莼湖街道", u, 2023, 2024,
          2800, {2023: 1400, 2024: 1400}, 8, 270),
        P("奉化区江口街道中心幼儿园扩建工程", "幼儿园", "续建", "扩建", "江口街道", u, 2020, 2021,
          1500, {2021: 600}, 4, 180),
    ]
    head = [h for h in STD if h != "学段"]
    for title, items in (("Primary", prim), ("Kindergarten", kg)):
        s = wb.create_sheet(title)
        heading(s, 1, "奉化区“十四五”教育项目安排表", len(head))
        row(s, 3, head)
        for i, p in enumerate(items):
            v = std_row(p, i + 1)
            del v[2]
            row(s, 4 + i, v)
    wb.create_sheet("Chart")
    for i in range(7, 11):
        s = wb.create_sheet(f"Sheet{i}")
        if i == 8:
            put(s, 1, 1, "备用")
    return wb, prim + kg


# ---------------------------------------------------------------------------------------------
# 22 项目类型 by fill colour only (yellow 续建, green 新开工, blue 前期) with a legend note under
#    the table; no class column, no class sections.  Must be reported: class unknown for 6.
# ---------------------------------------------------------------------------------------------

EXPECT["22"] = {"warnings": ["unknown_class / class unknown for 6 projects (colour not read)"]}


def b22():
    wb, ws = sheet("附件")
    ps = base("江山市", ["双塔街道", "虎山街道", "峡口镇", "贺村镇"], "江山市教育局")
    head = [h for h in STD if h != "项目类型"]
    heading(ws, 1, "江山市“十四五”教育项目安排表", len(head))
    row(ws, 3, head)
    fills = {"续建": "FFFF00", "新开工": "92D050", "前期": "00B0F0"}
    for i, p in enumerate(ps):
        v = std_row(p, i + 1)
        del v[3]
        row(ws, 4 + i, v)
        for c in range(1, len(head) + 1):
            ws.cell(row=4 + i, column=c).fill = PatternFill("solid", fgColor=fills[p["annex_class"]])
    r = 4 + len(ps) + 1
    put(ws, r, 1, "注:表中黄色底纹为续建项目,绿色底纹为新开工项目,蓝色底纹为前期项目。")
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 23 leading apostrophes: cells typed '12000 (Excel's quote prefix: the value is the text
#    "12000"), and pasted text keeping a literal apostrophe ("'4000", "'2021-2023", "'36")
# ---------------------------------------------------------------------------------------------

def b23():
    wb, ws = sheet("附件")
    ps = base("衢江区", ["樟潭街道", "浮石街道", "廿里镇", "高家镇"], "衢江区教育局")
    std_table(ws, ps, 3, title="衢江区“十四五”教育项目安排表")
    for i, _p in enumerate(ps):
        r = 4 + i
        for c in range(7, 17):
            cell = ws.cell(row=r, column=c)
            if cell.value is None:
                continue
            if i % 2 == 0:
                cell.value = str(cell.value)
                cell.quotePrefix = True
            else:
                cell.value = "'" + str(cell.value)
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 24 numbers as text with trailing ".00" ("12000.00", "4,000.00"), "0.00" and negative zero
#    ("-0", "-0.00", the number -0.0) for years without a plan
# ---------------------------------------------------------------------------------------------

def b24():
    wb, ws = sheet("附件")
    ps = base("柯城区", ["府山街道", "荷花街道", "石梁镇", "华墅乡"], "柯城区教育局")
    std_table(ws, ps, 3, title="柯城区“十四五”教育项目安排表")
    zeros = ["0.00", "-0", "-0.00", -0.0, "－0", "0"]
    k = 0
    for i, _p in enumerate(ps):
        r = 4 + i
        for c in range(8, 15):
            cell = ws.cell(row=r, column=c)
            if cell.value is None:
                cell.value = zeros[k % len(zeros)]
                k += 1
            else:
                v = D(str(cell.value))
                cell.value = f"{v:,.2f}" if i % 2 else f"{v:.2f}"
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 25 0 plan vs blank plan: a 前期 project whose 计划合计 and years are all 0 (stated: no money
#    in the period), one whose plan cells are blank (not yet known), one with 0 in 2024 and
#    blank in 2025
# ---------------------------------------------------------------------------------------------

EXPECT["25"] = {"note": "period_plan 0 where the annex states 0; None where blank"}


def b25():
    wb, ws = sheet("附件")
    ps = base("龙游县", ["龙洲街道", "东华街道", "湖镇镇", "溪口镇"], "龙游县教育局")
    ps.append(P("龙游县湖镇镇初级中学迁建工程", "中小学", "前期", "迁建", "湖镇镇", "龙游县教育局",
                2026, 2028, 22000, {}, 60, 1500, period=0))
    ps.append(P("龙游县东华街道第三小学新建工程", "中小学", "前期", "新建", "东华街道",
                "龙游县教育局", 2025, 2027, 15000, {}, 45, 1620))
    std_table(ws, ps, 3, title="龙游县“十四五”教育项目安排表")
    r = 4 + 6
    for c in range(9, 15):
        ws.cell(row=r, column=c).value = 0
    for c in range(9, 15):
        ws.cell(row=r + 1, column=c).value = None
    ws.cell(row=6, column=13).value = 0  # 2024 of project 3 (it ends 2024: 1500 …) — keep figure
    ws.cell(row=6, column=13).value = 1500
    ws.cell(row=4, column=11).value = 0  # project 1: 2022 stated 0
    ws.cell(row=4, column=12).value = None
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 26 category only inside names, no category column or sections: 幼儿园, 小学, 中学, 职业技术学校,
#    职教中心, 培智学校, 特殊教育学校, 青少年活动中心, 教师发展中心, 九年一贯制学校, 托育中心
# ---------------------------------------------------------------------------------------------

EXPECT["26"] = {"note": "categories from names; unknown named with counts"}


def b26():
    wb, ws = sheet("附件")
    u = "开化县教育局"
    rows = [
        ("开化县芹阳办事处第二幼儿园新建工程", "幼儿园", "新建"),
        ("开化县华埠镇中心小学改扩建工程", "中小学", "改扩建"),
        ("开化县城关九年一贯制学校新建工程", "中小学", "新建"),
        ("开化县职教中心实训楼扩建工程", "职业教育", "扩建"),
        ("开化县培智学校迁建工程", "特殊教育", "迁建"),
        ("开化县青少年活动中心新建工程", "其他", "新建"),
        ("开化县教师发展中心新建工程", "其他", "新建"),
        ("开化县第二中学迁建工程", "中小学", "迁建"),
        ("开化县职业技术学校二期工程", "职业教育", "扩建"),
        ("开化县特殊教育学校扩建工程", "特殊教育", "扩建"),
    ]
    ps = []
    for i, (n, cat, nat) in enumerate(rows):
        ps.append(P(n, cat, "新开工", nat, "芹阳办事处", u, 2022, 2024, 3000 + 500 * i,
                    {2022: 1000, 2023: 1000, 2024: 1000 + 500 * i}, 10 + i, 300 + 30 * i))
    head = [h for h in STD if h not in ("学段",)]
    heading(ws, 1, "开化县“十四五”教育项目安排表", len(head))
    row(ws, 3, head)
    for i, p in enumerate(ps):
        v = std_row(p, i + 1)
        del v[2]
        row(ws, 4 + i, v)
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 27 two trailing 合计 columns: the year block ends with its 合计 (no group), then 资金来源 with
#    中央 / 省级 / 专项债 / 县财政 / 自筹 / 合计 at the far right
# ---------------------------------------------------------------------------------------------

def b27():
    wb, ws = sheet("附件")
    ps = base("常山县", ["天马街道", "紫港街道", "球川镇", "辉埠镇"], "常山县教育局")
    src = ["中央", "省级", "专项债", "县财政", "自筹"]
    keys = ["中央", "省", "专项债", "县财政", "自筹"]
    top = STD[:8] + [f"{y}年" for y in YEARS] + ["合计"] + STD[14:] + ["资金来源"] + [None] * 5
    sub = [None] * 17 + src + ["合计"]
    heading(ws, 1, "常山县“十四五”教育项目安排表", len(top))
    row(ws, 3, top)
    row(ws, 4, sub)
    merge(ws, "R3:W3")
    for c in range(1, 18):
        merge(ws, f"{L(c)}3:{L(c)}4")
    for i, p in enumerate(ps):
        t = p["total_investment"]
        split = [t * D("0.1"), t * D("0.2"), t * D("0.3"), t * D("0.3"), t * D("0.1")]
        p["funding_plan"] = {k: v for k, v in zip(keys, split, strict=False)}
        v = std_row(p, i + 1)
        row(ws, 5 + i, v[:8] + v[9:14] + [v[8]] + v[14:] + [num(x) for x in split] + [num(t)])
    return wb, ps


# ---------------------------------------------------------------------------------------------
# 28 class subtotal rows ON TOP of their items, labelled "小计:续建项目" (figures = the sum of the
#    items below), no 总计 row: the 小计 rows are not projects
# ---------------------------------------------------------------------------------------------

EXPECT["28"] = {"warnings": [], "note": "3 小计 rows are class sections with checked figures, 6 projects"}


def b28():
    wb, ws = sheet("附件")
    ps = base("桐乡市", ["梧桐街道", "凤鸣街道", "濮院镇", "乌镇镇"], "桐乡市教育局")
    head = [h for h in STD if h != "项目类型"]
    heading(ws, 1, "桐乡市“十四五”教育项目安排表", len(head))
    row(ws, 3, head)
    r = 4
    for k in ("续建", "新开工", "前期"):
        items = [p for p in ps if p["annex_class"] == k]
        sums = []
        for c in range(6, 15):
            vals = [std_row(p, 0)[c + 1 if c >= 3 else c] for p in items]
            sums.append(num(sum((D(str(v)) for v in vals if v is not None), D(0))))
        row(ws, r, [None, f"小计:{k}项目", None, None, None, None] + sums)
        r += 1
        for j, p in enumerate(items):
            v = std_row(p, j + 1)
            del v[3]
            row(ws, r, v)
            r += 1
    return wb, ps


BUILDERS = [
    ("01-sum-formulas-cached-by-libreoffice", b01),
    ("02-round-subtotal-formulas-uncached", b02),
    ("03-stale-cached-period-sum-misses-2025", b03),
    ("04-total-from-other-sheet-uncached", b04),
    ("05-merged-class-category-broken-with-counts", b05),
    ("06-four-level-numbering-school-type-level", b06),
    ("07-project-over-two-rows-plans-split", b07),
    ("08-start-end-excel-dates-number-formats", b08),
    ("09-years-typed-into-date-formatted-cells", b09),
    ("10-total-yi-text-in-some-rows", b10),
    ("11-mixed-fullwidth-halfwidth-headers", b11),
    ("12-bilingual-header-english-sheet", b12),
    ("13-year-block-far-right-heji-last", b13),
    ("14-years-2020-to-2027", b14),
    ("15-township-two-spellings", b15),
    ("16-frozen-panes-print-titles-autofilter", b16),
    ("17-empty-row-after-every-row", b17),
    ("18-long-names-line-breaks", b18),
    ("19-first-column-hidden-code", b19),
    ("20-outline-rows-collapsed", b20),
    ("21-ten-sheets-two-tables-english-names", b21),
    ("22-class-by-fill-colour-only", b22),
    ("23-leading-apostrophes", b23),
    ("24-text-dot00-and-negative-zero", b24),
    ("25-zero-plan-vs-blank-plan", b25),
    ("26-category-words-in-names-only", b26),
    ("27-two-trailing-heji-plan-and-funding", b27),
    ("28-xiaoji-class-rows-on-top-no-grand-total", b28),
]


def main() -> None:
    import sys

    out = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent / "annexes")
    out.mkdir(parents=True, exist_ok=True)
    only = set(sys.argv[2:])
    for stem, build in BUILDERS:
        if only and stem[:2] not in only:
            continue
        wb, ps = build()
        path = out / f"{stem}.xlsx"
        wb.save(path)
        if stem[:2] in POST:
            POST[stem[:2]](path)
        (out / f"{stem}.truth.json").write_text(
            json.dumps(truth_json(ps, EXPECT.get(stem[:2])), ensure_ascii=False, indent=1),
            encoding="utf-8")
    print(f"{len(BUILDERS)} workbooks in {out}")


if __name__ == "__main__":
    main()
