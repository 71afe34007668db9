"""Every column accounted for: read by its header and its values, or named as not read; the
money and land units found wherever a sheet says them and checked against the figures; the
officer's ``--map``, ``--unit`` and ``--land-unit``."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projtrack.importer import read_annex
from projtrack.importer.columns import MapError, Override, format_map, parse_map
from projtrack.importer.model import ReadOptions

from .builders import Grid, save_grids

D = Decimal
HEAD = ["序号", "项目名称", "建设地点", "建设起止年限", "总投资", "新增学位"]
ITEMS = [
    [1, "甲小学新建工程", "昆阳镇", "2021-2023", 9000, 1080],
    [2, "乙中学迁建工程", "鳌江镇", "2022-2024", 15000, 1500],
    [3, "丙幼儿园新建工程", "水头镇", "2023-2025", 3000, 270],
    [4, "丁学校扩建工程", "萧江镇", "2021-2022", 6000, 450],
]


def read(tmp_path: Path, *grids: Grid, options: ReadOptions | None = None):
    return read_annex(save_grids(tmp_path / "annex.xlsx", *grids), options)


def with_column(head: str | None, values: list, at: int | None = None) -> list[list]:
    """The standard table with one more column (``head`` over ``values``)."""
    at = len(HEAD) if at is None else at
    rows = [HEAD[:at] + [head] + HEAD[at:]]
    for item, value in zip(ITEMS, values, strict=True):
        rows.append(item[:at] + [value] + item[at:])
    return rows


def by_name(result):
    return {p.name: p for p in result.projects}


def column(result, letter: str):
    (m,) = result.maps
    return next(c for c in m.columns if c.letter == letter)


# --- the money unit ---------------------------------------------------------------------------


def test_a_title_ending_in_yi_yuan_sets_the_unit(tmp_path):
    rows = [["平阳县“十四五”教育项目投资计划表（亿元）"], HEAD,
            *[[*i[:4], D(i[4]) / 10000, i[5]] for i in ITEMS]]
    result = read(tmp_path, Grid("附件", rows))
    assert result.ok, result.issues
    assert by_name(result)["乙中学迁建工程"].total_investment == D(15000)
    (m,) = result.maps
    assert m.money_unit == "亿元" and m.money_unit_from.startswith("A1 ")


def test_amounts_in_yi_yuan_without_a_unit_are_refused_naming_the_units(tmp_path):
    rows = [HEAD, *[[*i[:4], D(i[4]) / 10000, i[5]] for i in ITEMS]]
    result = read(tmp_path, Grid("附件", rows))
    (error,) = result.errors
    assert error.code == "implausible_unit"
    assert "no unit was found" in error.message and "亿元: 7,500 万元" in error.message
    fixed = read(tmp_path, Grid("附件", rows), options=ReadOptions(money_unit="亿元"))
    assert fixed.ok and by_name(fixed)["甲小学新建工程"].total_investment == D(9000)
    assert fixed.maps[0].money_unit_from == "--unit"


def test_amounts_in_yuan_under_a_wan_yuan_unit_row_are_refused(tmp_path):
    rows = [["单位:万元"], HEAD, *[[*i[:4], i[4] * 10000, i[5]] for i in ITEMS]]
    result = read(tmp_path, Grid("附件", rows))
    (error,) = result.errors
    assert error.code == "implausible_unit" and "A1 '单位:万元'" in error.message
    assert "元: 7,500 万元" in error.message


def test_plausible_amounts_without_a_unit_are_read_as_wan_yuan_and_the_map_says_so(tmp_path):
    result = read(tmp_path, Grid("附件", [HEAD, *ITEMS]))
    assert result.ok and result.issues == []
    assert result.maps[0].money_unit == "万元" and result.maps[0].money_unit_from is None


@pytest.mark.parametrize("land,unit,options", [
    ([20000, 26666.7, 6666.7, 10000], "平方米", None),  # m² under a 亩 header
])
def test_land_in_square_metres_read_as_mu_is_refused_until_the_unit_is_given(
        tmp_path, land, unit, options):
    rows = with_column("用地面积(亩)", land)
    result = read(tmp_path, Grid("附件", rows))
    assert [e.code for e in result.errors] == ["implausible_land_unit"]
    fixed = read(tmp_path, Grid("附件", rows), options=ReadOptions(land_unit=unit))
    assert fixed.ok
    assert by_name(fixed)["甲小学新建工程"].land_mu == D(30)


@pytest.mark.parametrize("head", ["建设用地面积(平方米)", "总用地面积(㎡)", "净用地面积(m2)"])
def test_land_columns_under_other_names_and_units(tmp_path, head):
    result = read(tmp_path, Grid("附件", with_column(head, [20000, 30000, 6000, 9000])))
    assert result.ok, result.issues
    assert by_name(result)["甲小学新建工程"].land_mu == D(30)


# --- meaning by values ------------------------------------------------------------------------


@pytest.mark.parametrize("head", ["项目阶段", "建设阶段", "项目当前阶段", "开工状态", "建设性质", None])
def test_a_column_of_class_words_is_the_annex_class_whatever_its_header(tmp_path, head):
    result = read(tmp_path, Grid("附件", with_column(head, ["续建", "在建", "新建", "储备"], at=2)))
    assert result.ok and result.issues == []
    got = {p.name: p.annex_class for p in result.projects}
    assert got == {"甲小学新建工程": "续建", "乙中学迁建工程": "续建", "丙幼儿园新建工程": "新开工",
                   "丁学校扩建工程": "前期"}
    # no construction-type column: each project's name says it ("…迁建工程")
    assert [p.construction_type for p in result.projects] == ["新建", "迁建", "新建", "扩建"]
    nature = next(f for f in result.maps[0].missing if f.field == "nature")
    assert (nature.unknown, nature.derived, nature.source) == (0, 4, "name")
    c = column(result, "C")
    assert c.field == "klass" and (c.how == "values" or head in ("项目阶段",))


def test_class_and_construction_type_side_by_side(tmp_path):
    rows = [HEAD[:2] + ["建设性质", "建设类型"] + HEAD[2:]]
    for item, klass, nature in zip(ITEMS, ["续建", "新开工", "新开工", "前期"],
                                   ["新建", "迁建", "新建", "扩建"], strict=True):
        rows.append(item[:2] + [klass, nature] + item[2:])
    result = read(tmp_path, Grid("附件", rows))
    assert result.ok and result.issues == []  # no "duplicate column"
    got = {p.name: (p.annex_class, p.construction_type) for p in result.projects}
    assert got["乙中学迁建工程"] == ("新开工", "迁建")
    assert got["丁学校扩建工程"] == ("前期", "扩建")
    assert column(result, "C").field == "klass" and column(result, "C").was == "nature"
    assert column(result, "D").field == "nature"


def test_one_column_holding_classes_and_construction_types_feeds_both(tmp_path):
    result = read(tmp_path, Grid("附件", with_column("建设性质", ["续建", "迁建", "新开工", "扩建"],
                                                     at=2)))
    assert result.ok and result.issues == []
    got = {p.name: (p.annex_class, p.construction_type) for p in result.projects}
    assert got == {"甲小学新建工程": ("续建", None), "乙中学迁建工程": (None, "迁建"),
                   "丙幼儿园新建工程": ("新开工", None), "丁学校扩建工程": (None, "扩建")}
    # (the column is the construction type's: the names are not read for it)
    c = column(result, "C")
    assert (c.field, c.also) == ("klass", "nature")


def test_a_column_of_construction_types_under_a_class_header_is_the_type(tmp_path):
    result = read(tmp_path, Grid("附件", with_column("项目类型", ["新建", "迁建", "改扩建", "扩建"],
                                                     at=2)))
    assert result.ok and result.issues == []
    assert by_name(result)["乙中学迁建工程"].construction_type == "迁建"
    assert column(result, "C").field == "nature" and column(result, "C").was == "klass"


def test_new_build_alone_under_a_class_header_is_a_new_start(tmp_path):
    result = read(tmp_path, Grid("附件", with_column("项目类型", ["新建", "续建", "新建", "新建"],
                                                     at=2)))
    assert result.ok
    assert by_name(result)["甲小学新建工程"].annex_class == "新开工"
    assert by_name(result)["乙中学迁建工程"].annex_class == "续建"


def test_unlabelled_columns_of_townships_and_year_ranges(tmp_path):
    rows = [["序号", "项目名称", None, None, "总投资"]]
    for item in ITEMS:
        rows.append([item[0], item[1], item[2], item[3], item[4]])
    result = read(tmp_path, Grid("附件", rows))
    assert result.ok, result.issues
    p = by_name(result)["乙中学迁建工程"]
    assert (p.township, p.start_year, p.end_year) == ("鳌江镇", 2022, 2024)
    assert column(result, "C").field == "town" and column(result, "D").field == "years"


def test_class_section_rows_in_other_words(tmp_path):
    rows = [HEAD, ["一、在建项目(2个)"], ITEMS[0], ITEMS[1], ["二、收尾项目(1个)"], ITEMS[2],
            ["三、重大前期项目(1个)"], ITEMS[3]]
    result = read(tmp_path, Grid("附件", rows))
    assert len(result.projects) == 4
    assert [p.annex_class for p in result.projects] == ["续建", "续建", "续建", "前期"]


# --- start and end, unit --------------------------------------------------------------------


@pytest.mark.parametrize("head,value,years", [
    ("计划开竣工时间", "2021.03-2023.08", (2021, 2023)),
    ("计划开竣工时间", "2021年3月至2023年8月", (2021, 2023)),
    ("建设起止年限", "2021-23", (2021, 2023)),
    ("建设起止年限", "2022～24", (2022, 2024)),
])
def test_start_and_end_in_one_column(tmp_path, head, value, years):
    rows = [["项目名称", head, "总投资"]] + [[i[1], value, i[4]] for i in ITEMS]
    result = read(tmp_path, Grid("附件", rows))
    assert result.ok, result.issues
    assert {(p.start_year, p.end_year) for p in result.projects} == {years}


@pytest.mark.parametrize("head", ["计划建成时间", "建成投产年月", "计划投用时间"])
def test_the_end_under_other_names(tmp_path, head):
    rows = [["项目名称", "开工年份", head, "总投资"]] + [[i[1], 2021, "2023年8月", i[4]] for i in ITEMS]
    result = read(tmp_path, Grid("附件", rows))
    assert result.ok, result.issues
    assert {(p.start_year, p.end_year) for p in result.projects} == {(2021, 2023)}


@pytest.mark.parametrize("head", ["项目法人", "项目业主", "投资主体"])
def test_the_responsible_unit_under_other_names(tmp_path, head):
    result = read(tmp_path, Grid("附件", with_column(head, ["县教育局"] * 4)))
    assert result.ok and {p.responsible_unit for p in result.projects} == {"县教育局"}


# --- nothing dropped silently -----------------------------------------------------------------


def test_a_funding_total_is_not_the_period_plan_and_unread_columns_are_named(tmp_path):
    rows = [["项目名称", "总投资", "资金来源", None, None, "2021年", None, "联系人"],
            [None, None, "合计", "中央", "自筹", "计划", "完成", None]]
    for i in ITEMS:
        rows.append([i[1], i[4], i[4], 100, i[4] - 100, 500, 300, "张工"])
    merges = ["A1:A2", "B1:B2", "C1:E1", "F1:G1", "H1:H2"]
    result = read(tmp_path, Grid("附件", rows, merges))
    assert result.ok, result.issues
    assert {p.period_plan for p in result.projects} == {D(500)}  # the year, not 资金来源/合计
    assert by_name(result)["乙中学迁建工程"].funding_plan == {"中央": D(100), "自筹": D(14900)}
    fed = {c.letter: (c.field, c.source) for c in result.maps[0].columns if c.field}
    assert fed["C"] == ("funding_total", None) and fed["D"] == ("funding", "中央")
    unread = {c.letter: (c.how, c.sample) for c in result.maps[0].not_read}
    assert unread == {"G": ("actual", ("300",)), "H": ("unknown", ("张工",))}


@pytest.mark.parametrize("label,source", [
    ("中央资金", "中央"), ("省级补助", "省"), ("市级", "市"), ("专项债券", "专项债"),
    ("县级配套", "县财政"), ("本级财政", "县财政"), ("单位自筹", "自筹"), ("其他资金", "其他")])
def test_funding_sources_under_their_spellings(tmp_path, label, source):
    rows = [["项目名称", "总投资", "资金筹措", None], [None, None, label, "合计"]]
    for i in ITEMS:
        rows.append([i[1], i[4], i[4], i[4]])
    result = read(tmp_path, Grid("附件", rows, ["A1:A2", "B1:B2", "C1:D1"]))
    assert result.ok and result.issues == []
    assert by_name(result)["甲小学新建工程"].funding_plan == {source: D(9000)}


def test_a_funding_total_that_is_not_the_sum_of_its_sources_is_a_warning(tmp_path):
    rows = [["项目名称", "总投资", "资金来源", None, None], [None, None, "中央", "省", "合计"]]
    for n, i in enumerate(ITEMS):
        rows.append([i[1], i[4], 100, 200, 300 if n else 400])
    result = read(tmp_path, Grid("附件", rows, ["A1:A2", "B1:B2", "C1:E1"]))
    assert [(w.code, w.cell) for w in result.warnings] == [("funding_mismatch", "E3")]


def test_fields_without_a_column_are_named_with_the_count(tmp_path):
    rows = [["项目名称", "总投资"]] + [[i[1], i[4]] for i in ITEMS]
    result = read(tmp_path, Grid("附件", rows))
    missing = {f.field: f.unknown for f in result.maps[0].missing}
    assert missing["town"] == 4 and missing["years"] == 4 and missing["places"] == 4


def test_township_from_the_sheet_name_when_there_is_no_location_column(tmp_path):
    rows = [["项目名称", "总投资"]] + [[i[1], i[4]] for i in ITEMS[:2]]
    rows2 = [["项目名称", "总投资"]] + [[i[1], i[4]] for i in ITEMS[2:]]
    result = read(tmp_path, Grid("昆阳镇", rows), Grid("鳌江镇", rows2))
    assert [p.township for p in result.projects] == ["昆阳镇", "昆阳镇", "鳌江镇", "鳌江镇"]
    town = next(f for f in result.maps[0].missing if f.field == "town")
    assert (town.unknown, town.derived, town.source) == (0, 2, "sheet: 昆阳镇")


def _letters(n: int) -> list[str]:
    return [chr(65 + i) for i in range(n)]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(extra=st.lists(st.tuples(
    st.sampled_from(["联系人", "审批文号", None, "资金缺口", "完成情况", "项目阶段", "2021年", "说明"]),
    st.lists(st.one_of(st.integers(0, 9999), st.sampled_from(["有", "无", "张工", "续建", "扩建",
                                                            "鳌江镇", "2021-2023", None])),
             min_size=4, max_size=4)), min_size=1, max_size=4),
    where=st.integers(1, 6))
def test_no_column_with_values_is_ever_dropped_without_a_word(tmp_path, extra, where):
    rows = [HEAD[:where] + [h for h, _ in extra] + HEAD[where:]]
    for n, item in enumerate(ITEMS):
        rows.append(item[:where] + [vals[n] for _, vals in extra] + item[where:])
    result = read_annex(save_grids(tmp_path / "prop.xlsx", Grid("附件", rows)))
    if not result.maps:
        return  # not read as a table at all: an error says so
    (m,) = result.maps
    listed = {c.letter: c for c in m.columns}
    for i, letter in enumerate(_letters(len(rows[0]))):
        filled = any(r[i] not in (None, "") for r in rows[1:] if i < len(r))
        if filled:
            c = listed[letter]
            assert c.field is not None or c in m.not_read, (letter, c)


# --- the officer's map --------------------------------------------------------------------------


def test_parse_map_reads_fields_by_any_name_and_round_trips():
    got = parse_map("E=annex_class, K=none，附件2!F=plan_2023; G=建设地点")
    assert got == [Override(None, "E", "klass"), Override(None, "K", None),
                   Override("附件2", "F", "year", 2023), Override(None, "G", "town")]
    assert parse_map(format_map(got)) == got
    for bad, code in (("E", "map_syntax"), ("1=name", "map_column"), ("E=budget", "map_field")):
        with pytest.raises(MapError) as exc:
            parse_map(bad)
        assert exc.value.code == code


def test_map_overrides_header_and_values(tmp_path):
    rows = with_column("备注", ["省补助", "市补助", "省补助", "无"])
    options = ReadOptions(overrides=tuple(parse_map("C=none,G=category")))
    result = read(tmp_path, Grid("附件", rows), options=options)
    assert result.ok
    assert {p.township for p in result.projects} == {None}
    assert column(result, "C").how == "ignored" and column(result, "C") in result.maps[0].not_read
    assert column(result, "G").field == "category" and column(result, "G").how == "map"


def test_map_naming_a_column_outside_the_table_is_an_error(tmp_path):
    result = read(tmp_path, Grid("附件", [HEAD, *ITEMS]),
                  options=ReadOptions(overrides=tuple(parse_map("Z=remarks"))))
    assert [e.code for e in result.errors] == ["map_no_column"]


def test_year_columns_without_a_unit_take_the_totals_unit(tmp_path):
    rows = [["项目名称", "总投资(亿元)", "2021年", "2022年"]] + [
        [i[1], D(i[4]) / 10000, D(i[4]) / 20000, D(i[4]) / 20000] for i in ITEMS]
    result = read(tmp_path, Grid("附件", rows))
    assert result.ok, result.issues
    p = by_name(result)["乙中学迁建工程"]
    assert p.total_investment == D(15000) and p.annual_plan == {2021: D(7500), 2022: D(7500)}
    assert column(result, "C").unit_from == "B '总投资(亿元)'"


def test_columns_in_different_units_are_refused(tmp_path):
    rows = [["单位:万元"], ["项目名称", "总投资", "2021年计划(元)", "2022年"]] + [
        [i[1], i[4], i[4] * 5000, i[4] / 2] for i in ITEMS]
    result = read(tmp_path, Grid("附件", rows))
    assert result.ok, result.issues  # a unit in its own header: read in 元, and it fits
    rows = [["单位:万元"], ["项目名称", "总投资", "2021年", "2022年"]] + [
        [i[1], i[4], i[4] * 5000, i[4] / 2] for i in ITEMS]
    result = read(tmp_path, Grid("附件", rows))
    (error,) = result.errors
    assert (error.code, error.cell) == ("unit_mismatch", "C2")
    assert "5,000 times 总投资" in error.message


def test_the_map_says_where_a_category_came_from(tmp_path):
    rows = [["项目名称", "总投资"]] + [[i[1], i[4]] for i in ITEMS]
    by_sheet = read(tmp_path, Grid("幼儿园", rows))
    (cat,) = [f for f in by_sheet.maps[0].missing if f.field == "category"]
    assert (cat.source, cat.derived, cat.unknown) == ("sheet: 幼儿园", 4, 0)
    by_name = read(tmp_path, Grid("附件", rows))  # 甲小学, 乙中学, 丙幼儿园, 丁学校
    (cat,) = [f for f in by_name.maps[0].missing if f.field == "category"]
    assert (cat.source, cat.derived, cat.unknown) == ("name", 3, 1)
    sections = read(tmp_path, Grid("附件", [rows[0], ["一、中小学项目"], *rows[1:]]))
    (cat,) = [f for f in sections.maps[0].missing if f.field == "category"]
    assert (cat.source, cat.derived) == ("section", 4)
