"""Annex layouts as county and city bureaus publish them, beyond the builder's standard table.

Each test lays out one sheet the way a real 项目安排表 / 项目表 / 项目库 does it (亿元 headers, a
three-row header, year columns typed as numbers or dates, section rows in other styles, a total
row at the bottom, hidden rows and columns, a continuation row, a WPS package …) and says what the
importer must make of it: the right figures, or a warning or error naming the cell.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projtrack.importer import read_annex
from projtrack.importer.headers import classify, norm
from projtrack.importer.rows import section_of

from .builders import Grid, save_grids

D = Decimal


def read(tmp_path: Path, *grids: Grid, name: str = "annex.xlsx"):
    return read_annex(save_grids(tmp_path / name, *grids))


def by_name(result):
    return {p.name: p for p in result.projects}


def issues(result):
    return sorted((i.code, i.cell) for i in result.issues)


# --- money units ------------------------------------------------------------------------------


def test_money_in_yi_yuan_in_every_money_header(tmp_path):
    rows = [
        ["附件2"],
        ["平阳县“十四五”教育基础设施建设项目表"],
        ["序号", "项目\n名称", "建设规模", "起止年限", "总投资\n(亿元)", "“十四五”期间投资(亿元)",
         None, None, None, None, None, "备注"],
        [None, None, None, None, None, "合计", "2021年", "2022年", "2023年", "2024年", "2025年"],
        ["一、学前教育项目", None, None, None, 0.3, 0.3, 0.1, 0.1, 0.1],
        [1, "平阳县甲幼儿园新建工程", "建筑面积5400平方米,设15个班", "2021-2023", 0.3, 0.3, 0.1,
         0.1, 0.1],
        ["二、义务教育项目", None, None, None, 1.5, 1.5, 0.4, 0.6, 0.5],
        [1, "平阳县乙中学迁建工程", "总建筑面积32000平方米", "2021—2023年度", 1.5, 1.5, 0.4, 0.6, 0.5],
    ]
    merges = ["A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:E4", "F3:K3", "L3:L4", "A5:B5", "A7:B7"]
    result = read(tmp_path, Grid("附件2", rows, merges))
    assert result.issues == []
    a, b = result.projects
    assert (a.name, a.category, a.total_investment, a.period_plan) == (
        "平阳县甲幼儿园新建工程", "幼儿园", D(3000), D(3000))
    assert a.annual_plan == {2021: D(1000), 2022: D(1000), 2023: D(1000)}
    assert (b.category, b.total_investment, b.start_year, b.end_year) == ("中小学", D(15000), 2021, 2023)
    assert b.annual_plan == {2021: D(4000), 2022: D(6000), 2023: D(5000)}


def test_unit_row_in_yi_and_a_three_row_header_with_year_numbers(tmp_path):
    rows = [
        ["平阳县教育项目安排表"],
        [None] * 11 + ["单位:亿元"],
        ["序号", "项目基本情况", None, None, "总投资", "十四五投资", None, None, None, None, None, "责任单位"],
        [None, "项目名称", "主要建设内容", "建设年限(年)", None, "合计", "其中", None, None, None, None],
        [None, None, None, None, None, None, 2021, 2022, 2023, 2024, 2025],
        ["一", "中小学"],
        [1, "平阳县乙中学迁建工程", "总建筑面积32000平方米", "2021-2023", 1.5, 1.5, 0.4, 0.6, 0.5,
         None, None, "县教育局"],
        [2, "平阳县丙小学新建工程", "总建筑面积1.2万平方米", "2022-2025", 0.8, 0.8, None, 0.2, 0.2,
         0.2, 0.2, "县教育局"],
    ]
    merges = ["A3:A5", "B3:D3", "B4:B5", "C4:C5", "D4:D5", "E3:E5", "F3:K3", "F4:F5", "G4:K4", "L3:L5"]
    result = read(tmp_path, Grid("Sheet1", rows, merges))
    assert result.issues == []
    b, c = result.projects
    assert (b.name, b.total_investment, b.period_plan) == ("平阳县乙中学迁建工程", D(15000), D(15000))
    assert b.annual_plan == {2021: D(4000), 2022: D(6000), 2023: D(5000)}
    assert (b.category, b.responsible_unit, b.content) == ("中小学", "县教育局", "总建筑面积32000平方米")
    assert c.annual_plan == {y: D(2000) for y in (2022, 2023, 2024, 2025)}
    assert c.floor_area_m2 == D(12000) and (c.start_year, c.end_year) == (2022, 2025)


def test_a_units_row_under_the_header_without_brackets(tmp_path):
    rows = [
        ["项目名称", "建设内容", "总投资", "十四五合计", "2021年", "2022年", "用地面积", "新增学位"],
        [None, None, "亿元", "亿元", "亿元", "亿元", "亩", "个"],
        ["平阳县甲小学新建工程", "设24个班", 0.9, 0.5, 0.3, 0.2, 30, 1080],
    ]
    result = read(tmp_path, Grid("中小学", rows))
    assert result.issues == []
    [p] = result.projects
    assert (p.total_investment, p.period_plan, p.annual_plan) == (
        D(9000), D(5000), {2021: D(3000), 2022: D(2000)})
    assert (p.land_mu, p.new_places) == (D(30), 1080)


def test_amounts_written_with_their_unit_inside_the_cell(tmp_path):
    rows = [
        ["单位:亿元"],
        ["项目名称", "总投资", "2021年", "2022年"],
        ["平阳县甲小学新建工程", "3600万元", "约1800万元", 0.18],
        ["平阳县乙小学新建工程", "0.5亿元", "2000万", "3000万元"],
    ]
    result = read(tmp_path, Grid("中小学", rows))
    assert result.issues == []
    a, b = result.projects
    assert (a.total_investment, a.annual_plan) == (D(3600), {2021: D(1800), 2022: D(1800)})
    assert (b.total_investment, b.annual_plan) == (D(5000), {2021: D(2000), 2022: D(3000)})


# --- header words -----------------------------------------------------------------------------


@pytest.mark.parametrize("label, field", [
    ("“十四五”期间投资", "period"), ("十四五投资", "period"), ("2021-2025年计划投资", "period"),
    ("2021—2025年投资计划", "period"), ("2021～2025年计划投资(万元)", "period"),
    ("至2020年底累计完成投资", "prior"), ("截至2020年底已完成", "prior"),
    ("截至2020年底累计完成投资(万元)", "prior"), ("以前年度完成", "prior"),
    ("建设年限(年)", "years"), ("起止年限", "years"), ("建设起止年限", "years"),
    ("项目\n名称", "name"), ("建设规模", "content"), ("主要建设内容", "content"),
    ("总投资\n(万元)", "total"), ("建设规模(平方米)", "floor"), ("建设规模(万平方米)", "floor"),
    ("建设工期(年)", "duration"), ("建设周期(月)", "duration"),
])
def test_more_header_words(label, field):
    assert classify(norm(label))[0] == field


@pytest.mark.parametrize("label", ["其中:2021年", "其中：2021年", "2021年度计划", "2021年计划完成投资",
                                   "2021", 2021, dt.datetime(2021, 1, 1), dt.date(2021, 1, 1)])
def test_more_year_headers(label):
    assert classify(norm(label)) == ("year", 2021)


@pytest.mark.parametrize("label", ["投资完成率(%)", "累计完成投资占比(%)", "完成投资(%)", "形象进度(%)",
                                   "2021年投资完成率", "十四五投资占比", "总投资占比(%)"])
def test_percent_columns_are_not_money(label):
    assert classify(norm(label)) is None


def test_year_headers_typed_as_dates(tmp_path):
    rows = [["项目名称", "总投资(万元)", dt.datetime(2021, 1, 1), dt.datetime(2022, 1, 1),
             dt.datetime(2023, 1, 1)],
            ["平阳县甲小学新建工程", 9000, 3000, 3000, 3000]]
    fmt = 'yyyy"年"'
    result = read(tmp_path, Grid("中小学", rows, formats={"C1": fmt, "D1": fmt, "E1": fmt}))
    assert result.issues == []
    [p] = result.projects
    assert p.annual_plan == {2021: D(3000), 2022: D(3000), 2023: D(3000)}
    assert p.period_plan == D(9000)


def test_period_range_column_with_qizhong_year_labels_and_prior(tmp_path):
    rows = [
        ["项目名称", "总投资", "截至2020年底已完成", "2021-2025年计划投资", None, None, None, None, None,
         "2026年及以后"],
        [None, None, None, "小计", "其中:2021年", "2022年度计划", "2023年", "2024年", "2025年"],
        ["平阳县甲小学新建工程", 9000, 6000, 3000, 3000, None, None, None, None, None],
        ["平阳县乙中学迁建工程", 18000, None, 15000, 4000, 6000, 5000, None, None, 3000],
    ]
    merges = ["A1:A2", "B1:B2", "C1:C2", "D1:I1", "J1:J2"]
    result = read(tmp_path, Grid("中小学", rows, merges))
    assert result.issues == []
    a, b = result.projects
    assert (a.prior_actual, a.period_plan, a.annual_plan) == (D(6000), D(3000), {2021: D(3000)})
    assert b.period_plan == D(15000)
    assert b.annual_plan == {2021: D(4000), 2022: D(6000), 2023: D(5000), 2026: D(3000)}


@pytest.mark.parametrize("label", ["2021-2025年计划投资", "“十四五”期间投资", "十四五投资"])
def test_period_column_alone_and_years_under_qizhong(tmp_path, label):
    rows = [
        ["项目名称", "总投资", label, "其中", None],
        [None, None, None, "2021年", "2022年"],
        ["平阳县甲小学新建工程", 9000, 5000, 2000, 3000],
        ["平阳县乙小学新建工程", 9000, 5000, 2000, None],  # the period column is read as written
    ]
    merges = ["A1:A2", "B1:B2", "C1:C2", "D1:E1"]
    result = read(tmp_path, Grid("中小学", rows, merges))
    a, b = result.projects
    assert a.period_plan == D(5000) and a.annual_plan == {2021: D(2000), 2022: D(3000)}
    assert b.period_plan == D(5000)
    assert issues(result) == [("plan_mismatch", "C4")]


def test_percent_columns_are_ignored(tmp_path):
    rows = [["项目名称", "总投资", "累计完成投资占比(%)", "投资完成率(%)", "形象进度(%)", "2021年"],
            ["平阳县甲小学新建工程", 9000, "35%", 0.35, "60%", 3000]]
    result = read(tmp_path, Grid("中小学", rows))
    assert result.issues == []
    [p] = result.projects
    assert p.prior_actual is None and p.annual_plan == {2021: D(3000)}


def test_floor_area_in_a_scale_column(tmp_path):
    rows = [["项目名称", "建设规模(平方米)", "总投资"], ["平阳县甲小学新建工程", 15000, 9000],
            ["平阳县乙小学新建工程", "约2.4万平方米", 9000]]
    result = read(tmp_path, Grid("中小学", rows))
    assert result.issues == []
    assert [p.floor_area_m2 for p in result.projects] == [D(15000), D(24000)]


# --- section rows -----------------------------------------------------------------------------


@pytest.mark.parametrize("label, value", [
    ("(一)学前教育", "幼儿园"), ("1.义务教育阶段", "中小学"), ("一、幼儿园", "幼儿园"),
    ("一、学前教育项目", "幼儿园"), ("二、义务教育", "中小学"), ("三、普通高中", "中小学"),
    ("四、中职", "职业教育"), ("四、职业高中", "职业教育"), ("四、职业教育类", "职业教育"),
    ("五、特殊教育", "特殊教育"), ("五、特教", "特殊教育"), ("2、初中", "中小学"), ("3、小学", "中小学"),
    ("九年一贯制学校", "中小学"), ("四、技工学校", "职业教育"), ("六、其他教育设施", "其他"),
    ("一、中小学项目(共44个)", "中小学"), ("一、中小学项目44个", "中小学"),
    ("一、中小学项目(44个,总投资12.3亿元)", "中小学"), ("其中:幼儿园", "幼儿园"),
])
def test_category_section_styles(label, value):
    section = section_of(label)
    assert section is not None and (section.kind, section.value) == ("category", value)


@pytest.mark.parametrize("label, value", [
    ("续建类", "续建"), ("新建类", "新开工"), ("新建项目", "新开工"), ("(二)新建项目(3个)", "新开工"),
    ("计划新开工项目", "新开工"), ("新开工类", "新开工"), ("前期项目(储备)", "前期"),
    ("前期储备项目", "前期"), ("储备项目", "前期"), ("谋划项目", "前期"), ("其中:续建项目", "续建"),
    ("(一)续建项目(9个,总投资3.2亿元)", "续建"),
])
def test_class_section_styles(label, value):
    section = section_of(label)
    assert section is not None and (section.kind, section.value) == ("klass", value)


def test_sections_in_several_styles_with_seq_numbers(tmp_path):
    rows = [
        ["序号", "项目名称", "总投资"],
        ["一", "学前教育", 500],
        ["(一)", "续建类", 200],
        ["1", "平阳县甲幼儿园新建工程", 200],
        ["(二)", "新建类", 300],
        ["(1)", "平阳县乙幼儿园新建工程", 300],
        ["二", "义务教育阶段", 900],
        ["(一)", "计划新开工项目", 600],
        ["1", "平阳县丙小学新建工程", 600],
        ["(二)", "前期项目(储备)", 300],
        ["一", "平阳县丁中学迁建工程", 300],
        ["三", "中职", 100],
        [1, "平阳县职业中专拆扩建工程", 100],
    ]
    result = read(tmp_path, Grid("附件", rows))
    assert result.issues == []
    assert [(p.name, p.category, p.annex_class) for p in result.projects] == [
        ("平阳县甲幼儿园新建工程", "幼儿园", "续建"), ("平阳县乙幼儿园新建工程", "幼儿园", "新开工"),
        ("平阳县丙小学新建工程", "中小学", "新开工"), ("平阳县丁中学迁建工程", "中小学", "前期"),
        ("平阳县职业中专拆扩建工程", "职业教育", None)]


def test_closing_subtotals_and_a_total_at_the_bottom(tmp_path):
    rows = [
        ["项目名称", "总投资", "2021年"],
        ["一、中小学"], ["平阳县甲小学新建工程", 100, 50], ["平阳县乙中学迁建工程", 200, 100],
        ["小计", 300, 150],
        ["二、幼儿园"], ["平阳县丙幼儿园新建工程", 80, 40], ["小计", 80, 40],
        ["合  计", 380, 200],
        ["注:本表金额单位为万元。"],
    ]
    result = read(tmp_path, Grid("附件", rows))
    assert [(i.code, i.cell, i.found, i.expected) for i in result.issues] == [
        ("subtotal_mismatch", "C9", "200", "190")]
    assert [p.category for p in result.projects] == ["中小学", "中小学", "幼儿园"]


# --- category and class from the title, the sheet or the file --------------------------------


def _plain_rows(title: str | None = None):
    rows = [[title]] if title else []
    return rows + [["序号", "项目名称", "总投资"], [1, "平阳县甲园新建工程", 100],
                   [2, "平阳县乙园改扩建工程", 200]]


@pytest.mark.parametrize("title, sheet, file, category, klass", [
    ("平阳县幼儿园建设项目表", "Sheet1", "annex.xlsx", "幼儿园", None),
    ("平阳县2021年续建项目计划表", "Sheet1", "annex.xlsx", None, "续建"),
    ("平阳县中小学、幼儿园建设项目表", "Sheet1", "annex.xlsx", None, None),  # two: none of them
    (None, "中小学幼儿园", "annex.xlsx", None, None),
    (None, "Sheet1", "平阳县学前教育项目表.xlsx", "幼儿园", None),
    (None, "Sheet1", "平阳县基础教育项目表.xlsx", None, None),
    ("平阳县教育建设项目表", "特教", "幼儿园.xlsx", "特殊教育", None),  # the sheet before the file
])
def test_category_from_title_sheet_or_file(tmp_path, title, sheet, file, category, klass):
    result = read(tmp_path, Grid(sheet, _plain_rows(title)), name=file)
    assert result.issues == []
    assert {(p.category, p.annex_class) for p in result.projects} == {(category, klass)}


# --- years ------------------------------------------------------------------------------------


def test_project_code_and_construction_period_spellings(tmp_path):
    spans = {"2021.03-2023.08": (2021, 2023), "2021年3月-2023年8月": (2021, 2023), "2021-": (2021, None),
             "2023年开工": (2023, None), "2021至2023年": (2021, 2023), "2021—2023年度": (2021, 2023),
             "2021年3月至2023年8月": (2021, 2023), "2021/03～2023/08": (2021, 2023),
             "2021年起": (2021, None), "2023年竣工": (None, 2023), "2022年": (2022, 2022)}
    rows = [["序号", "项目代码", "项目名称", "建设起止年限", "总投资"]]
    for n, span in enumerate(spans, 1):
        rows.append([n, f"2101-330326-04-01-{n:06d}", f"平阳县第{n}小学新建工程", span, 100])
    result = read(tmp_path, Grid("中小学", rows))
    assert result.issues == []
    assert [(p.start_year, p.end_year) for p in result.projects] == list(spans.values())
    assert result.projects[0].project_code == "2101-330326-04-01-000001"


def test_a_reversed_or_unreadable_period_is_still_an_error(tmp_path):
    rows = [["项目名称", "建设起止年限", "总投资"], ["平阳县甲小学新建工程", "2023-2021", 100],
            ["平阳县乙小学新建工程", "二〇二一年", 100]]
    result = read(tmp_path, Grid("中小学", rows))
    assert issues(result) == [("bad_years", "B2"), ("bad_years", "B3")]


def test_start_and_end_columns_as_officers_write_them(tmp_path):
    rows = [["项目名称", "计划开工时间", "计划竣工时间", "总投资"],
            ["平阳县甲小学新建工程", "2021年10月", dt.datetime(2023, 8, 31), 100],
            ["平阳县乙小学新建工程", "2021年底", "2023年上半年", 100],
            ["平阳县丙小学新建工程", "2022年第三季度", "2024年8月底", 100],
            ["平阳县丁小学新建工程", "2022.3", "2024年三季度", 100]]
    result = read(tmp_path, Grid("中小学", rows))
    assert result.issues == []
    assert [(p.start_year, p.end_year) for p in result.projects] == [
        (2021, 2023), (2021, 2023), (2022, 2024), (2022, 2024)]


def test_a_duration_column_with_a_start_year(tmp_path):
    rows = [["项目名称", "开工年份", "建设工期(年)", "总投资"],
            ["平阳县甲小学新建工程", 2021, 3, 100], ["平阳县乙小学新建工程", 2022, "2年", 100],
            ["平阳县丙小学新建工程", 2023, None, 100]]
    result = read(tmp_path, Grid("中小学", rows))
    assert result.issues == []
    assert [(p.start_year, p.end_year) for p in result.projects] == [
        (2021, 2023), (2022, 2023), (2023, None)]


def test_a_duration_in_the_years_column_is_a_warning_not_a_range(tmp_path):
    rows = [["项目名称", "建设年限(年)", "总投资"], ["平阳县甲小学新建工程", 3, 100],
            ["平阳县乙小学新建工程", "2021-2023", 100]]
    result = read(tmp_path, Grid("中小学", rows))
    assert issues(result) == [("duration_only", "B2")]
    assert result.ok
    assert [(p.start_year, p.end_year) for p in result.projects] == [(None, None), (2021, 2023)]


# --- rows that are not projects ---------------------------------------------------------------


@pytest.mark.parametrize("numbers", [
    ["1", "2", "3", "4", "5"], ["甲", "乙", "1", "2", "3=4+5"], ["(1)", "(2)", "(3)", "(4)", "(5)"],
    ["①", "②", "③", "④", "⑤"], ["A", "B", "C", "D", "E"]])
def test_a_column_number_row_under_the_header(tmp_path, numbers):
    rows = [["序号", "项目名称", "总投资", "2021年", "2022年"], numbers,
            [1, "平阳县甲小学新建工程", 100, 50, 50]]
    result = read(tmp_path, Grid("中小学", rows))
    assert result.issues == []
    assert [p.name for p in result.projects] == ["平阳县甲小学新建工程"]


def test_a_header_repeated_inside_the_table_is_skipped(tmp_path):
    header = ["序号", "项目名称", "总投资", "2021年"]
    rows = [header, [1, "平阳县甲小学新建工程", 100, 50], header, [2, "平阳县乙小学新建工程", 200, 50],
            ["合计", None, 300, 100]]
    result = read(tmp_path, Grid("中小学", rows))
    assert result.issues == []
    assert [p.name for p in result.projects] == ["平阳县甲小学新建工程", "平阳县乙小学新建工程"]


def test_a_project_continued_on_a_second_row_under_a_merged_name(tmp_path):
    rows = [["序号", "项目名称", "建设内容", "总投资", "2021年", "2022年", "备注"],
            [1, "平阳县甲小学新建工程", "新建教学楼", 900, 300, None, None],
            [None, None, "及风雨操场", None, None, 600, "二期"],
            [2, "平阳县乙小学新建工程", "新建综合楼", 500, 500, None, None],
            ["合计", None, None, 1400, 800, 600]]
    merges = ["A2:A3", "B2:B3", "D2:D3"]
    result = read(tmp_path, Grid("中小学", rows, merges))
    assert result.issues == []
    a, b = result.projects
    assert (a.name, a.content, a.remarks) == ("平阳县甲小学新建工程", "新建教学楼及风雨操场", "二期")
    assert a.total_investment == D(900) and a.annual_plan == {2021: D(300), 2022: D(600)}
    assert b.annual_plan == {2021: D(500)}


def test_a_continuation_row_contradicting_its_project_is_a_warning(tmp_path):
    rows = [["项目名称", "总投资", "2021年"],
            ["平阳县甲小学新建工程", 900, 300],
            [None, None, 200]]
    result = read(tmp_path, Grid("中小学", rows, ["A2:A3"]))
    assert issues(result) == [("continuation_conflict", "C3")]
    [p] = result.projects
    assert p.annual_plan == {2021: D(300)}


# --- what Excel and WPS keep out of sight -----------------------------------------------------


def test_frozen_panes_hidden_columns_and_hidden_rows(tmp_path):
    rows = [["序号", "项目名称", "总投资", "总投资", "2021年"],
            [1, "平阳县甲小学新建工程", 800, 900, 300],
            [2, "平阳县乙小学新建工程", 500, 600, 300],
            [3, "平阳县丙小学新建工程(已取消)", 100, 100, None]]
    grid = Grid("中小学", rows, hidden_columns=["C"], hidden_rows=[4], freeze="C2")
    result = read(tmp_path, grid)
    assert issues(result) == [("duplicate_column", "C1"), ("hidden_row", "B4")]
    dup = next(i for i in result.issues if i.code == "duplicate_column")
    assert "hidden" in dup.message
    assert [p.total_investment for p in result.projects] == [D(900), D(600), D(100)]


def test_a_hidden_sheet_with_an_old_copy_is_skipped(tmp_path):
    old = Grid("原表", [["项目名称", "总投资"], ["平阳县甲小学新建工程", 800]], state="hidden")
    new = Grid("附件", [["项目名称", "总投资"], ["平阳县甲小学新建工程", 900]])
    result = read(tmp_path, old, new)
    assert [(i.code, i.level, i.sheet) for i in result.issues] == [("hidden_sheet", "warning", "原表")]
    assert result.sheets == ["附件"]
    assert [p.total_investment for p in result.projects] == [D(900)]


def test_a_table_only_in_a_hidden_sheet_is_read(tmp_path):
    only = Grid("附件", [["项目名称", "总投资"], ["平阳县甲小学新建工程", 800]], state="hidden")
    cover = Grid("封面", [["平阳县教育项目表"]])
    result = read(tmp_path, cover, only)
    assert result.issues == [] and [p.total_investment for p in result.projects] == [D(800)]


def test_a_table_starting_in_column_b(tmp_path):
    rows = [[None, "平阳县幼儿园项目表"], [],
            [None, "序号", "项目名称", "总投资"], [None, 1, "平阳县甲园新建工程", 100]]
    result = read(tmp_path, Grid("Sheet1", rows, ["B1:D1"]))
    assert result.issues == []
    [p] = result.projects
    assert (p.category, p.source.row) == ("幼儿园", 4)


_WPS_PARTS = {
    "[Content_Types].xml": """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>
<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/>
</Types>""",
    "_rels/.rels": """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties" Target="docProps/custom.xml"/>
</Relationships>""",
    "docProps/app.xml": """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>WPS 表格</Application></Properties>""",
    "docProps/custom.xml": """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="KSOProductBuildVer"><vt:lpwstr>2052-11.1.0.14309</vt:lpwstr></property></Properties>""",
    "xl/workbook.xml": """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<workbookPr/><bookViews><workbookView windowWidth="28800" windowHeight="12360"/></bookViews>
<sheets><sheet name="附件1" sheetId="1" r:id="rId1"/></sheets><calcPr calcId="144525"/></workbook>""",
    "xl/_rels/workbook.xml.rels": """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
</Relationships>""",
    "xl/sharedStrings.xml": """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="6" uniqueCount="6">
<si><t>序号</t></si>
<si><t>项目名称</t><rPh sb="0" eb="2"><t>xiangmu</t></rPh><phoneticPr fontId="1" type="noConversion"/></si>
<si><r><rPr><b/><sz val="11"/><rFont val="宋体"/><charset val="134"/></rPr><t>总投资</t></r><r><rPr><sz val="9"/><rFont val="宋体"/><charset val="134"/></rPr><t xml:space="preserve">
(万元)</t></r></si>
<si><t>一、幼儿园项目</t><phoneticPr fontId="1" type="noConversion"/></si>
<si><t>平阳县甲幼儿园新建工程</t></si>
<si><t>2021年</t></si>
</sst>""",
    "xl/worksheets/sheet1.xml": """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" mc:Ignorable="x14ac">
<sheetPr/><dimension ref="A1:E5"/>
<sheetViews><sheetView tabSelected="1" workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>
<sheetFormatPr defaultColWidth="9" defaultRowHeight="13.5" outlineLevelRow="4" x14ac:dyDescent="0.15"/>
<cols><col min="1" max="1" width="5.5" customWidth="1"/><col min="5" max="5" width="9" hidden="1" customWidth="1"/></cols>
<sheetData>
<row r="1" spans="1:5" x14ac:dyDescent="0.15"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>5</v></c><c r="E1" t="inlineStr"><is><t>辅助列</t></is></c></row>
<row r="2" spans="1:5"><c r="A2" t="s"><v>3</v></c><c r="C2"><f>SUM(C3:C4)</f><v>1500</v></c><c r="D2"><f>SUM(D3:D4)</f><v>700</v></c></row>
<row r="3" spans="1:5"><c r="A3"><v>1</v></c><c r="B3" t="s"><v>4</v></c><c r="C3" t="str"><v>1,000</v></c><c r="D3"><f t="shared" ref="D3:D4" si="0">C3*0.5</f><v>500</v></c><c r="E3" t="e"><v>#N/A</v></c></row>
<row r="4" spans="1:5"><c r="A4"><v>2</v></c><c r="B4" t="inlineStr"><is><t>平阳县乙幼儿园新建工程</t></is></c><c r="C4"><v>500</v></c><c r="D4"><f t="shared" si="0"/><v>200</v></c></row>
</sheetData>
<mergeCells count="1"><mergeCell ref="A2:B2"/></mergeCells>
<phoneticPr fontId="1" type="noConversion"/>
<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>
<headerFooter/>
</worksheet>""",
}


def test_a_wps_saved_package(tmp_path):
    path = tmp_path / "wps.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for part, text in _WPS_PARTS.items():
            zf.writestr(part, text.encode())
    result = read_annex(path)
    assert [str(i) for i in result.issues] == []
    assert [(p.name, p.category, p.total_investment, p.annual_plan) for p in result.projects] == [
        ("平阳县甲幼儿园新建工程", "幼儿园", D(1000), {2021: D(500)}),
        ("平阳县乙幼儿园新建工程", "幼儿园", D(500), {2021: D(200)})]


# --- more structure: breakdown rows, nested sections, parts of a project ----------------------


def test_breakdown_rows_under_the_total_are_checked_by_class_and_category(tmp_path):
    rows = [
        ["序号", "项目名称", "总投资"],
        [None, "合计(3个)", 600],
        [None, "其中:续建项目", 100],
        [None, "其中:新开工项目(2个)", 400],  # wrong: 500
        [None, "其中:幼儿园", 300],
        [None, "其中:初中", 999],  # a part of 中小学 that the importer cannot tell apart: not checked
        ["一", "中小学项目(2个)", 300],
        ["(一)", "续建项目", 100], [1, "平阳县甲小学新建工程", 100],
        ["(二)", "新开工项目", 200], [1, "平阳县乙中学迁建工程", 200],
        ["二", "幼儿园项目(1个)", 300],
        ["(一)", "新开工项目", 300], [1, "平阳县丙幼儿园新建工程", 300],
    ]
    result = read(tmp_path, Grid("附件", rows))
    assert [(i.code, i.cell, i.found, i.expected) for i in result.issues] == [
        ("subtotal_mismatch", "C4", "400", "500")]
    assert [(p.category, p.annex_class) for p in result.projects] == [
        ("中小学", "续建"), ("中小学", "新开工"), ("幼儿园", "新开工")]


def test_sub_sections_of_a_category_nest_inside_it(tmp_path):
    rows = [
        ["序号", "项目名称", "总投资"],
        ["一", "义务教育(3个)", 600],
        ["(一)", "小学(2个)", 300], [1, "平阳县甲小学新建工程", 100], [2, "平阳县乙小学新建工程", 200],
        ["(二)", "初中(1个)", 300], [1, "平阳县丙中学迁建工程", 300],
        ["二", "普通高中(1个)", 50], [1, "平阳县丁高中扩建工程", 50],
        ["三", "学前教育", 70], ["(一)", "续建项目", 70], [1, "平阳县戊幼儿园新建工程", 70],
    ]
    result = read(tmp_path, Grid("附件", rows))
    assert result.issues == []
    assert [(p.category, p.annex_class) for p in result.projects] == [
        ("中小学", None), ("中小学", None), ("中小学", None), ("中小学", None), ("幼儿园", "续建")]


def test_qizhong_part_rows_of_a_project_are_not_projects(tmp_path):
    rows = [["序号", "项目名称", "总投资", "2021年"],
            [1, "平阳县甲中学改扩建工程", 500, 500],
            [None, "其中:一期", 300, 300],
            [None, "其中：二期", 200, 200],
            [2, "平阳县乙小学新建工程", 100, 100],
            [None, "合计", 600, 600]]
    result = read(tmp_path, Grid("中小学", rows))
    assert issues(result) == [("part_row", "B3"), ("part_row", "B4")]
    assert [p.name for p in result.projects] == ["平阳县甲中学改扩建工程", "平阳县乙小学新建工程"]


def test_ordinals_typed_into_the_name_are_not_part_of_it(tmp_path):
    rows = [["项目名称", "总投资"], ["1、平阳县甲小学新建工程", 100], ["2.平阳县乙小学新建工程", 100],
            ["(3)平阳县丙小学新建工程", 100], ["十、平阳县丁小学新建工程", 100],
            ["平阳县10号地块学校新建工程", 100], ["1号教学楼改造工程", 100]]
    result = read(tmp_path, Grid("中小学", rows))
    assert result.issues == []
    assert [p.name for p in result.projects] == [
        "平阳县甲小学新建工程", "平阳县乙小学新建工程", "平阳县丙小学新建工程", "平阳县丁小学新建工程",
        "平阳县10号地块学校新建工程", "1号教学楼改造工程"]


def test_a_repeated_two_row_header_with_column_numbers(tmp_path):
    top = ["序号", "项目名称", "总投资", "十四五计划投资", None, None]
    sub = [None, None, None, "合计", "2021年", "2022年"]
    numbers = ["甲", "乙", "1", "2", "3", "4"]
    rows = [top, sub, numbers, [1, "平阳县甲小学新建工程", 100, 100, 50, 50],
            top, sub, numbers, [2, "平阳县乙小学新建工程", 200, 200, 100, 100]]
    merges = ["A1:A2", "B1:B2", "C1:C2", "D1:F1", "A5:A6", "B5:B6", "C5:C6", "D5:F5"]
    result = read(tmp_path, Grid("中小学", rows, merges))
    assert result.issues == []
    assert [p.period_plan for p in result.projects] == [D(100), D(200)]


def test_columns_hidden_to_the_right_of_the_table(tmp_path):
    rows = [["项目名称", "总投资", "2021年", None, "总投资"], ["平阳县甲小学新建工程", 100, 50, None, 7]]
    path = tmp_path / "wide.xlsx"
    save_grids(path, Grid("中小学", rows))
    import openpyxl

    wb = openpyxl.load_workbook(path)
    wb["中小学"].column_dimensions.group("D", "XFD", hidden=True)
    wb.save(path)
    result = read_annex(path)
    assert issues(result) == [("duplicate_column", "E1")]
    assert [p.total_investment for p in result.projects] == [D(100)]


@pytest.mark.parametrize("label, field", [
    ("投资估算(万元)", "total"), ("估算总投资", "total"), ("概算投资", "total"), ("建设项目", "name"),
    ("2021年完成投资", None), ("完成投资", "prior"), ("开工以来累计完成投资", "prior"),
    ("2021年计划投资", "year"),
])
def test_header_words_for_estimates_and_actuals(label, field):
    hit = classify(norm(label))
    assert (hit[0] if hit else None) == field


def test_year_groups_over_plan_and_actual_columns(tmp_path):
    rows = [["项目名称", "总投资", "2021年", None, "2022年", None],
            [None, None, "计划投资", "完成投资", "计划", "完成"],
            ["平阳县甲小学新建工程", 900, 300, 280, 600, 10]]
    result = read(tmp_path, Grid("中小学", rows, ["A1:A2", "B1:B2", "C1:D1", "E1:F1"]))
    assert result.issues == []
    [p] = result.projects
    assert (p.annual_plan, p.prior_actual) == ({2021: D(300), 2022: D(600)}, None)


def test_one_sheet_per_class(tmp_path):
    sheets = [Grid("续建项目", [["项目名称", "总投资"], ["平阳县甲小学新建工程", 100]]),
              Grid("新开工项目", [["项目名称", "总投资"], ["平阳县乙小学新建工程", 100]]),
              Grid("前期项目", [["项目名称", "总投资"], ["平阳县丙小学新建工程", 100]])]
    result = read(tmp_path, *sheets)
    assert result.issues == []
    assert [p.annex_class for p in result.projects] == ["续建", "新开工", "前期"]


def test_start_and_end_as_excel_serial_numbers(tmp_path):
    rows = [["项目名称", "开工时间", "竣工时间", "总投资"], ["平阳县甲小学新建工程", 44287, 45169, 100]]
    result = read(tmp_path, Grid("中小学", rows))
    assert result.issues == []
    [p] = result.projects
    assert (p.start_year, p.end_year) == (2021, 2023)  # 2021-04-01, 2023-08-31


def test_marks_of_key_projects_are_not_part_of_the_name(tmp_path):
    rows = [["项目名称", "总投资"], ["★平阳县甲小学新建工程", 100], ["平阳县乙小学新建工程*", 100],
            ["※平阳县丙小学新建工程", 100]]
    result = read(tmp_path, Grid("中小学", rows))
    assert result.issues == []
    assert [p.name for p in result.projects] == [
        "平阳县甲小学新建工程", "平阳县乙小学新建工程", "平阳县丙小学新建工程"]


def test_sub_categories_under_a_class_under_a_category(tmp_path):
    rows = [
        ["序号", "项目名称", "总投资"],
        ["一", "中小学校建设项目(3个)", 600],
        ["(一)", "续建项目(3个)", 600],
        ["1.", "小学(2个)", 300], [1, "平阳县甲小学新建工程", 100], [2, "平阳县乙小学新建工程", 200],
        ["2.", "初中(1个)", 300], [1, "平阳县丙中学迁建工程", 300],
        ["二", "幼儿园项目(1个)", 70], ["(一)", "新开工项目", 70], [1, "平阳县戊幼儿园新建工程", 70],
    ]
    result = read(tmp_path, Grid("附件", rows))
    assert result.issues == []
    assert [(p.category, p.annex_class) for p in result.projects] == [
        ("中小学", "续建"), ("中小学", "续建"), ("中小学", "续建"), ("幼儿园", "新开工")]


_WORDS = st.sampled_from([
    "序号", "项目\n名称", "总投资(亿元)", "十四五投资", "其中", "其中:2021年", "2022", "单位:亿元", "亿元",
    "建设年限(年)", "建设工期(年)", "开工时间", "2021-", "2023年开工", "2021年底", "3", "36个月",
    "一、学前教育", "(一)续建类", "1.义务教育阶段", "新建类", "其中:续建项目", "其中:一期", "合计", "小计",
    "1、平阳县甲小学", "★乙园", "3600万元", "35%", "待定", "—", "甲", "乙", "3=4+5", "①"])
_ANY = st.one_of(st.none(), _WORDS, st.integers(-5, 50000), st.floats(0, 1e6, allow_nan=False),
                 st.dates(dt.date(1990, 1, 1), dt.date(2100, 1, 1)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(grid=st.lists(st.lists(_ANY, min_size=1, max_size=7), min_size=1, max_size=10),
       merges=st.lists(st.tuples(st.integers(1, 10), st.integers(1, 7), st.integers(0, 2),
                                 st.integers(0, 1)), max_size=4),
       hidden=st.lists(st.integers(1, 10), max_size=2))
def test_any_grid_of_annex_words_gives_issues_not_exceptions(tmp_path, grid, merges, hidden):
    head = [["序号", "项目名称", "总投资", "建设起止年限", "2021年", "开工年份", "建设工期"]]
    refs, taken = [], set()
    for row, col, down, right in merges:
        cells = {(r, c) for r in range(row, row + down + 1) for c in range(col, col + right + 1)}
        if (down or right) and not cells & taken:
            taken |= cells
            refs.append(f"{chr(64 + col)}{row}:{chr(64 + col + right)}{row + down}")
    result = read(tmp_path, Grid("附件", head + grid, refs, hidden_rows=hidden))
    assert "unreadable" not in [i.code for i in result.issues], [str(i) for i in result.issues]
    for issue in result.issues:
        assert issue.message and issue.level in ("error", "warning")
