"""Annex layouts officers actually send, built with openpyxl, and the issues bad cells raise."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projtrack.importer import read_annex

from .builders import ITEMS, STANDARD, YEARS, annex, save


def by_name(result):
    return {p.name: p for p in result.projects}


def codes(result, level=None):
    return sorted(i.code for i in result.issues if level is None or i.level == level)


def assert_standard_items(result, *, with_kinds=True):
    """Every figure of the builder's five items came through."""
    projects = by_name(result)
    assert set(projects) == {i["name"] for i in ITEMS}
    for item in ITEMS:
        p = projects[item["name"]]
        assert p.total_investment == Decimal(str(item["total"]))
        assert p.annual_plan == {y: Decimal(str(v)) for y, v in item["plan"].items()}
        assert p.period_plan == sum(Decimal(str(v)) for v in item["plan"].values())
        land = item["land"]
        assert p.land_mu == (Decimal(str(land)) if isinstance(land, (int, float)) else None)
        assert p.new_places == (item["places"] or 0)
        assert p.township == item["town"] and p.construction_type == item["nature"]
        assert p.responsible_unit == item["unit"]
        if with_kinds:
            assert (p.category, p.annex_class) == (item["cat"], item["klass"])


def test_standard_two_row_header_reads_clean(tmp_path):
    result = read_annex(save(tmp_path / "a.xlsx", annex()))
    assert result.issues == []
    assert_standard_items(result)
    p = by_name(result)["平阳县丙学校改扩建工程"]
    assert (p.start_year, p.end_year) == (2022, 2024)  # "2022.3-2024.6"
    assert p.floor_area_m2 == Decimal(8000)  # from "总建筑面积约0.8万平方米"
    assert p.remarks == "原址拆除重建"


SYNONYMS = [  # another order, other words, one header row, two year columns, no 合计
    ("name", "项目", None), ("seq", "序号", None), ("unit", "业主单位", None),
    ("total", "计划总投资(万元)", None)] + [(f"y{y}", f"{y}年计划投资", None) for y in YEARS] + [
    ("start", "开工年份", None), ("end", "竣工年份", None), ("town", "所在乡镇", None),
    ("nature", "建设类型", None), ("places", "新增学位数", None), ("land", "占地面积(亩)", None),
    ("code", "项目编码", None), ("prior", "以前年度完成投资", None), ("content", "建设规模", None),
    ("remarks", "备  注", None)]


def test_single_row_header_with_synonyms_and_other_order(tmp_path):
    lay = annex(columns=SYNONYMS, unit_row=None)
    assert lay.rows[3][0] == "项目" and lay.rows[4][0].startswith("总计")  # one header row
    result = read_annex(save(tmp_path / "b.xlsx", lay))
    assert result.issues == []
    assert_standard_items(result)
    p = by_name(result)["平阳县甲小学新建工程"]
    assert (p.start_year, p.end_year) == (2019, 2021)
    assert p.project_code == "2101-330326-04-01-123456"
    assert p.prior_actual == Decimal(6000)
    assert p.period_plan == Decimal(3000)  # the sum of the year columns: there is no 合计


def test_one_sheet_per_category_named_after_it(tmp_path):
    school = [i for i in ITEMS if i["cat"] == "中小学"]
    kinder = [i for i in ITEMS if i["cat"] == "幼儿园"]
    cols = [c for c in STANDARD if c[0] != "seq"] + [("klass", "项目类型", None)]
    sheets = [annex(school, cols, title="中小学项目", sections=False),
              annex(kinder, cols, title="幼儿园", sections=False)]
    readme = annex([], [("x", "说明", None)], title="填表说明", sections=False, notes=False)
    readme.rows = [["填表说明"], ["本表由各乡镇填报。"]]
    result = read_annex(save(tmp_path / "c.xlsx", readme, *sheets))
    assert result.issues == []
    assert result.sheets == ["中小学项目", "幼儿园"]
    assert_standard_items(result)


def test_category_and_class_in_columns(tmp_path):
    words = {"续建": "续建", "新开工": "开工", "前期": "前期"}
    items = [dict(i, klass_word=words[i["klass"]]) for i in ITEMS]
    cols = [("category", "学段", None), ("klass_word", "项目类型", None)] + STANDARD[1:]
    lay = annex(items, cols, sections=False, title="Sheet1")
    result = read_annex(save(tmp_path / "d.xlsx", lay))
    assert result.issues == []
    assert_standard_items(result)


def test_a_bad_number_is_an_error_naming_the_cell(tmp_path):
    lay = annex()
    cell = lay.set("total", "平阳县丙学校改扩建工程", "abc")
    assert cell == "G12"
    result = read_annex(save(tmp_path / "e.xlsx", lay))
    [error] = result.errors
    assert (error.code, error.sheet, error.cell, error.found) == ("bad_number", "附件", "G12", "abc")
    assert "附件!G12" in error.message and "abc" in error.message
    assert error.where == "e.xlsx 附件!G12"
    assert not result.ok
    assert by_name(result)["平阳县丙学校改扩建工程"].total_investment is None
    assert codes(result, "warning") == []  # the subtotals over G12 are not checked: unknown sum


def test_a_negative_amount_is_an_error(tmp_path):
    lay = annex()
    cell = lay.set("y2022", "平阳县乙中学迁建工程", -6000)
    result = read_annex(save(tmp_path / "f.xlsx", lay))
    errors = [i for i in result.errors if i.code == "negative"]
    assert [(i.cell, i.found) for i in errors] == [(cell, "-6000")]
    assert "附件!" + cell in errors[0].message


def test_a_wrong_subtotal_is_a_warning_with_found_and_sum(tmp_path):
    lay = annex()
    row = lay.section_rows["一、中小学项目(3个)"]
    cell = lay.set("y2023", row, 7600)
    result = read_annex(save(tmp_path / "g.xlsx", lay))
    assert result.ok
    [warning] = result.warnings
    assert (warning.code, warning.cell, warning.found, warning.expected) == (
        "subtotal_mismatch", cell, "7600", "7500.5")
    assert f"附件!{cell}" in warning.message and "7600" in warning.message
    assert "7500.5" in warning.message


def test_a_count_in_a_section_row_is_checked(tmp_path):
    lay = annex()
    row = lay.section_rows["(二)新开工项目(2个)"]
    lay.set("name", row, "(二)新开工项目(3个)")
    result = read_annex(save(tmp_path / "h.xlsx", lay))
    [warning] = result.warnings
    assert (warning.code, warning.cell, warning.found, warning.expected) == (
        "count_mismatch", f"B{row}", "3", "2")


def test_tbd_is_unknown_with_a_warning(tmp_path):
    lay = annex()
    cell = lay.set("total", "平阳县丁幼儿园新建工程", "待定")
    result = read_annex(save(tmp_path / "i.xlsx", lay))
    assert result.ok
    assert [(i.code, i.cell) for i in result.warnings] == [("tbd", cell)]
    assert by_name(result)["平阳县丁幼儿园新建工程"].total_investment is None


def test_a_blank_total_is_a_warning(tmp_path):
    lay = annex()
    cell = lay.set("total", "平阳县戊幼儿园迁建工程", None)
    result = read_annex(save(tmp_path / "j.xlsx", lay))
    assert ("blank_total", cell) in [(i.code, i.cell) for i in result.warnings]


def test_numbers_written_as_text_and_markers(tmp_path):
    lay = annex()
    lay.set("total", "平阳县乙中学迁建工程", "15,000")
    lay.set("y2021", "平阳县乙中学迁建工程", "４０００")
    lay.set("y2022", "平阳县乙中学迁建工程", "约6000")
    lay.set("y2024", "平阳县乙中学迁建工程", "—")
    lay.set("name", "平阳县乙中学迁建工程", " 平阳县乙中学迁建\n工程 ")
    result = read_annex(save(tmp_path / "k.xlsx", lay))
    assert result.issues == []
    assert_standard_items(result)


def test_uncached_formulas_simple_ones_computed_others_warned(tmp_path):
    lay = annex()
    name = "平阳县乙中学迁建工程"
    r = lay.item_rows[name]
    lay.set("period", name, f"=SUM(I{r}:M{r})")
    lay.set("total", name, f"=H{r}+I{r}-I{r}")  # depends on another uncached formula
    other = "平阳县丁幼儿园新建工程"
    cell = lay.set("period", other, "=VLOOKUP(B1,A1:B2,2,FALSE)")
    result = read_annex(save(tmp_path / "l.xlsx", lay))
    p = by_name(result)[name]
    assert p.period_plan == Decimal(15000) and p.total_investment == Decimal(15000)
    assert [(i.code, i.cell) for i in result.issues] == [("formula_uncached", cell)]
    assert by_name(result)[other].period_plan is None  # unknown, and not summed in subtotals


def test_floor_area_column_in_wan_square_metres(tmp_path):
    cols = STANDARD + [("floor_wan", "建筑面积(万平方米)", None)]
    items = [dict(i, floor_wan=float(Decimal(i["floor"]) / 10000)) for i in ITEMS]
    items[1]["floor_wan"] = "3.2万平方米"
    result = read_annex(save(tmp_path / "m.xlsx", annex(items, cols)))
    assert result.issues == []
    assert {p.name: p.floor_area_m2 for p in result.projects} == {
        i["name"]: Decimal(i["floor"]) for i in ITEMS}


@pytest.mark.parametrize("unit_row, header_total, factor", [
    ("单位:元", "总投资", Decimal(10000)),
    ("单位:万元", "总投资(亿元)", None),
])
def test_money_in_yuan_or_yi_is_converted_to_wan(tmp_path, unit_row, header_total, factor):
    cols = [(k, header_total if k == "total" else t, s) for k, t, s in STANDARD]
    if factor is not None:
        lay = annex(columns=cols, unit_row=unit_row, money=Decimal(1) / factor)
    else:  # only the 总投资 column is in 亿元
        lay = annex(columns=cols, unit_row=unit_row)
        for item in ITEMS:
            lay.set("total", item["name"], float(Decimal(str(item["total"])) / 10000))
        for row in lay.section_rows.values():
            lay.set("total", row, float(Decimal(str(lay.get("total", row))) / 10000))
    result = read_annex(save(tmp_path / "n.xlsx", lay))
    assert result.issues == []
    assert_standard_items(result)


def test_a_workbook_without_a_table(tmp_path):
    lay = annex([], [("x", "x", None)], notes=False)
    lay.rows = [["平阳县教育建设情况说明"], ["今年共安排项目88个。"], [3, 4]]
    result = read_annex(save(tmp_path / "o.xlsx", lay))
    assert [(i.code, i.level) for i in result.issues] == [("no_table", "error")]
    assert result.projects == [] and result.sheets == []


def test_a_header_it_cannot_recognise_lists_found_and_needed(tmp_path):
    cols = [("name", "工程", None), ("total", "金额", None), ("town", "地点", None),
            ("years", "起止年限", None)]
    result = read_annex(save(tmp_path / "p.xlsx", annex(columns=cols)))
    [error] = result.errors
    assert error.code == "no_header" and error.sheet == "附件"
    for word in ("工程", "金额", "地点", "起止年限", "项目名称", "总投资"):
        assert word in error.message
    assert error.expected == "项目名称, 总投资"


def test_a_header_with_a_name_but_no_total_says_what_is_missing(tmp_path):
    cols = [c for c in STANDARD if c[0] != "total"]
    result = read_annex(save(tmp_path / "q.xlsx", annex(columns=cols)))
    [error] = result.errors
    assert error.code == "no_header" and error.expected == "总投资"
    assert "项目名称" in error.found


def test_an_unreadable_year_range_is_an_error(tmp_path):
    lay = annex()
    cell = lay.set("years", "平阳县甲小学新建工程", "2019-20x1")
    result = read_annex(save(tmp_path / "r.xlsx", lay))
    [error] = result.errors
    assert (error.code, error.cell, error.found) == ("bad_years", cell, "2019-20x1")
    assert f"附件!{cell}" in error.message


def test_a_duplicate_name_names_both_cells(tmp_path):
    items = [dict(i) for i in ITEMS]
    items[3]["name"] = "平阳县甲小学新建工程 "
    lay = annex(items)
    result = read_annex(save(tmp_path / "s.xlsx", lay))
    [error] = result.errors
    assert error.code == "duplicate_name"
    assert "附件!B9" in error.message and "附件!B15" in error.message and error.cell == "B15"


def test_empty_rows_merged_cells_and_notes(tmp_path):
    lay = annex()
    r = lay.item_rows["平阳县乙中学迁建工程"]
    lay.rows.insert(r, [])  # an empty row between two items
    lay.item_rows = {k: (v + 1 if v > r else v) for k, v in lay.item_rows.items()}
    lay.section_rows = {k: (v + 1 if v > r else v) for k, v in lay.section_rows.items()}
    lay.merges = [m.replace("A19:Q19", "A20:Q20") for m in lay.merges]
    first = lay.item_rows["平阳县乙中学迁建工程"]
    second = lay.item_rows["平阳县丙学校改扩建工程"]
    lay.set("unit", second, None)
    lay.merges.append(f"P{first}:P{second}")  # 责任单位 merged over both
    lay.set("unit", first, "县教育局")
    lay.rows.append(["平阳县某某工程不属于本表", None, 100])  # after the notes row: ignored
    result = read_annex(save(tmp_path / "t.xlsx", lay))
    assert result.issues == []
    assert by_name(result)["平阳县丙学校改扩建工程"].responsible_unit == "县教育局"
    assert len(result.projects) == 5


def _sheet(tmp_path, rows, merges=(), title="附件", extra=None):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for line in rows:
        ws.append(list(line))
    for ref in merges:
        ws.merge_cells(ref)
    if extra:
        extra(wb)
    path = tmp_path / "hand.xlsx"
    wb.save(path)
    return path


def test_closing_subtotal_rows_below_their_items(tmp_path):
    rows = [("项目名称", "总投资", "2021年", "2022年"),
            ("甲", "乙", 1, 2),  # a column-number row under the header
            ("一、中小学项目",), ("A小学新建工程", 100, 50, 50), ("B中学扩建工程", 200, 100, 100),
            ("小计", 300, 150, 150),
            ("二、幼儿园项目",), ("C幼儿园新建工程", 80, 40, 40), ("小计", 90, 40, 40),
            ("合计", 380, 190, 190)]
    result = read_annex(_sheet(tmp_path, rows))
    assert [(i.code, i.cell, i.found, i.expected) for i in result.issues] == [
        ("subtotal_mismatch", "B9", "90", "80")]
    assert [(p.name, p.category, p.period_plan) for p in result.projects] == [
        ("A小学新建工程", "中小学", Decimal(100)), ("B中学扩建工程", "中小学", Decimal(200)),
        ("C幼儿园新建工程", "幼儿园", Decimal(80))]


def test_class_sections_outside_category_sections(tmp_path):
    rows = [("序号", "项目名称", "总投资"),
            ("一", "续建项目(2个)", 300), ("(一)", "中小学", 100), (1, "A小学新建工程", 100),
            ("(二)", "幼儿园", 200), (1, "B幼儿园新建工程", 200),
            ("二", "新开工项目(1个)", 50), ("(一)", "中小学", 50), (1, "C中学新建工程", 50)]
    result = read_annex(_sheet(tmp_path, rows))
    assert result.issues == []
    assert [(p.name, p.category, p.annex_class) for p in result.projects] == [
        ("A小学新建工程", "中小学", "续建"), ("B幼儿园新建工程", "幼儿园", "续建"),
        ("C中学新建工程", "中小学", "新开工")]


def test_a_row_with_figures_but_no_name_is_a_warning(tmp_path):
    rows = [("项目名称", "总投资"), ("A小学新建工程", 100), (None, 50)]
    result = read_annex(_sheet(tmp_path, rows))
    assert [(i.code, i.cell) for i in result.issues] == [("unnamed_row", "A3")]
    assert len(result.projects) == 1


def test_a_summary_sheet_without_names_is_skipped_with_a_warning(tmp_path):
    def summary(wb):
        ws = wb.create_sheet("汇总")
        for line in (("类别", "项目个数", "总投资"), ("中小学", 1, 100)):
            ws.append(line)

    rows = [("项目名称", "总投资"), ("A小学新建工程", 100)]
    result = read_annex(_sheet(tmp_path, rows, extra=summary))
    assert result.ok and result.sheets == ["附件"]
    [warning] = result.issues
    assert (warning.code, warning.level, warning.sheet) == ("no_header", "warning", "汇总")
    assert "项目名称" in warning.message


def test_section_labels_merged_across_columns(tmp_path):
    rows = [("序号", "项目名称", "总投资"), ("一、幼儿园项目(1个)", None, 10), (1, "A幼儿园新建工程", 10)]
    result = read_annex(_sheet(tmp_path, rows, merges=["A2:B2"]))
    assert result.issues == []
    assert [(p.name, p.category) for p in result.projects] == [("A幼儿园新建工程", "幼儿园")]


def test_merged_ranges_below_the_table_are_harmless(tmp_path):
    rows = [("项目名称", "总投资", "责任单位"), ("A小学新建工程", 100, "县教育局")]
    result = read_annex(_sheet(tmp_path, rows, merges=["C10:C12", "A20:C20"]))
    assert result.issues == [] and len(result.projects) == 1


_CELL = st.one_of(
    st.none(), st.integers(-10**12, 10**12), st.floats(allow_nan=False, allow_infinity=False),
    st.datetimes(min_value=dt.datetime(1950, 1, 1), max_value=dt.datetime(2100, 1, 1)),
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12),
    st.sampled_from(["—", "/", "待定", "原址", "约2000", "３６００", "2021-2023", "2023-2021", "小计",
                     "合计(3个)", "注:说明", "=SUM(G9:G12)", "=G9+H9", "=H9", "#REF!", "二、幼儿园项目(9个)",
                     "(一)续建项目", "1.2亿", "-5", "1e400", "项目名称", "总投资", "2021年"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.lists(st.tuples(st.integers(1, 20), st.sampled_from([k for k, _, _ in STANDARD]),
                                  _CELL), max_size=12))
def test_any_cell_content_gives_issues_not_exceptions(tmp_path, changes):
    lay = annex()
    for row, key, value in changes:
        lay.set(key, row, value)
    result = read_annex(save(tmp_path / "any.xlsx", lay))
    assert "unreadable" not in codes(result), [str(i) for i in result.issues]
    for issue in result.issues:
        assert issue.message and issue.code and issue.level in ("error", "warning")


def test_plan_checks_and_unknown_words_are_warnings(tmp_path):
    rows = [("项目名称", "学段", "项目类型", "总投资", "十四五合计", "2021年", "2022年"),
            ("A小学新建工程", "成人教育", "一般", 100, 120, 60, 60),
            ("B幼儿园新建工程", "幼儿园", "续建", 100, 90, 40, 40)]
    result = read_annex(_sheet(tmp_path, rows, title="中小学"))
    assert sorted((i.code, i.cell) for i in result.issues) == [
        ("plan_exceeds_total", "E2"), ("plan_mismatch", "E3"), ("unknown_category", "B2"),
        ("unknown_class", "C2")]
    assert result.ok
    a, b = result.projects
    assert (a.category, a.annex_class, a.period_plan) == ("中小学", None, Decimal(120))
    assert (b.category, b.annex_class, b.period_plan) == ("幼儿园", "续建", Decimal(90))
