"""The pieces on their own: header words, section rows, simple formulas."""

from __future__ import annotations

from decimal import Decimal

import pytest

from projtrack.importer.formulas import Resolver, Unresolvable, evaluate
from projtrack.importer.headers import Header, HeaderMiss, classify, find_header, money_scale, norm
from projtrack.importer.rows import category_of, class_of, is_index_row, is_notes, section_of


@pytest.mark.parametrize("label, field", [
    ("序号", "seq"), ("项目名称", "name"), ("项目", "name"), ("名称", "name"),
    ("建设\n性质", "nature"), ("建设类型", "nature"), ("建设地点", "town"), ("所在乡镇", "town"),
    ("乡镇(街道)", "town"), ("建设内容及规模", "content"), ("建设起止\n年限", "years"),
    ("建设年限", "years"), ("起止年限", "years"), ("开工年份", "start"), ("开工时间", "start"),
    ("竣工年份", "end"), ("完工时间", "end"), ("总投资", "total"), ("计划总投资", "total"),
    ("总投资(万元)", "total"), ("项目总投资", "total"), ("“十四五”计划投资", "period"),
    ("合计", "period"), ("用地面积\n(亩)", "land"), ("占地面积(亩)", "land"), ("新增用地", "land"),
    ("新增学位\n(个)", "places"), ("新增学位数", "places"), ("学位数", "places"),
    ("责任单位", "unit"), ("业主单位", "unit"), ("建设单位", "unit"), ("实施主体", "unit"),
    ("备注", "remarks"), ("项目代码", "code"), ("项目编码", "code"), ("学段", "category"),
    ("类别", "category"), ("项目类别", "category"), ("项目类型", "klass"), ("类型", "klass"),
    ("项目性质", "klass"), ("截至2020年底累计完成投资", "prior"), ("以前年度完成投资", "prior"),
    ("已完成投资", "prior"), ("总建筑面积(万平方米)", "floor"), ("建筑面积(㎡)", "floor"),
    ("（全角）项目名称", "name"),
])
def test_header_words(label, field):
    assert classify(norm(label))[0] == field


@pytest.mark.parametrize("label", ["2021年", "2021", 2021, "2021年计划投资", "2021年度", "２０２１年"])
def test_year_headers(label):
    assert classify(norm(label)) == ("year", 2021)


@pytest.mark.parametrize("label", ["建设单位联系人电话号码", "金额", "工程", "", None, 3.5])
def test_unknown_header_words(label):
    assert classify(norm(label)) is None


def test_money_units():
    assert money_scale("单位:万元、亩") == 1
    assert money_scale("总投资(亿元)") == 10000
    assert money_scale("单位:元") == Decimal("0.0001")
    assert money_scale("用地面积(亩)") is None


def test_two_row_header_without_merges_spreads_the_group_heading():
    rows = [("附件",), ("项目名称", "总投资", "十四五计划投资", None, None, "备注"),
            (None, None, "合计", "2021年", "2022年", None), ("甲小学", 100, 30, 10, 20, None)]
    header = find_header(rows, merges=[])
    assert isinstance(header, Header) and (header.first_row, header.last_row) == (2, 3)
    assert header.columns["period"].letter == "C"
    assert [(c.letter, c.year) for c in header.years] == [("D", 2021), ("E", 2022)]
    assert header.columns["remarks"].letter == "F"


def test_sub_labels_under_a_total_group():
    rows = [("项目名称", "总投资", None, None), (None, "合计", "其中:中央", "省"), ("甲", 10, 5, 5)]
    merges = [(1, 1, 2, 1), (1, 2, 1, 4)]
    header = find_header(rows, merges)
    assert header.columns["total"].letter == "B"
    assert "period" not in header.columns and header.years == []


def test_header_miss_lists_found_and_missing():
    rows = [("序号", "名称", "建设地点", "金额"), (1, "甲小学", "昆阳镇", 100)]
    miss = find_header(rows, merges=[])
    assert isinstance(miss, HeaderMiss)
    assert miss.found == ["序号", "名称", "建设地点", "金额"] and miss.missing == ["总投资"]


@pytest.mark.parametrize("label, kind, value, closing, count", [
    ("一、中小学项目(44个)", "category", "中小学", False, 44),
    ("二、幼儿园项目", "category", "幼儿园", False, None),
    ("三、职业教育项目(4个)", "category", "职业教育", False, 4),
    ("四、特殊教育项目(1个)", "category", "特殊教育", False, 1),
    ("五、其他项目(4个)", "category", "其他", False, 4),
    ("(一)续建项目(9个)", "klass", "续建", False, 9),
    ("（二）新开工项目（34个）", "klass", "新开工", False, 34),
    ("(二)开工类项目", "klass", "新开工", False, None),
    ("开工项目", "klass", "新开工", False, None),
    ("(三)前期项目(1个)", "klass", "前期", False, 1),
    ("总计(88个)", "total", None, True, 88),
    ("合计", "total", None, True, None),
    ("小计", "subtotal", None, True, None),
    ("幼儿园小计", "category", "幼儿园", True, None),
    ("一中小学项目", "category", "中小学", False, None),
])
def test_section_rows(label, kind, value, closing, count):
    section = section_of(label)
    assert (section.kind, section.value, section.closing, section.count) == (kind, value, closing, count)


@pytest.mark.parametrize("name", ["平阳县职业教育中心拆扩建二期工程", "平阳县特殊教育学校新建工程",
                                  "平阳县中小学生研学实践基地建设工程", "平阳县鳌江镇第二幼儿园新建工程",
                                  "续建工程配套道路"])
def test_project_names_are_not_sections(name):
    assert section_of(name) is None


def test_words_in_columns_and_sheet_names():
    assert [category_of(t) for t in ("小学", "初中", "幼儿园", "学前教育", "中职", "特教", "其它", "附件")] == [
        "中小学", "中小学", "幼儿园", "幼儿园", "职业教育", "特殊教育", "其他", None]
    assert [class_of(t) for t in ("续建", "新开工", "开工", "开工类", "前期", "中小学")] == [
        "续建", "新开工", "新开工", "新开工", "前期", None]


def test_notes_and_index_rows():
    assert is_notes(("注:1.本表为预估数", None))
    assert is_notes((None, "说明:单位为万元"))
    assert not is_notes(("注塑车间改造工程", 100, 200))
    assert is_index_row(("甲", "乙", 1, 2, 3, 4))
    assert not is_index_row((1, "平阳县甲小学", 100, 200))


def test_simple_formulas():
    grid = [[1, 2, "3,600", None], ["—", "=SUM(A1:C1)", None, "待定"]]
    formulas = {(2, 2): "=SUM(A1:C1)", (2, 3): "=B2+A1-A2", (3, 1): "=SUM(A1:B1,D1,7)"}
    resolver = Resolver(grid, formulas)
    grid[1][1] = None  # an uncached formula reads as None
    assert resolver.compute(2, 2) == Decimal(3603)
    assert resolver.compute(2, 3) == Decimal(3604)  # depends on B2, also uncached
    assert resolver.compute(3, 1) == Decimal(10)
    assert evaluate("= $A$1 + 2", lambda r, c: Decimal(5)) == Decimal(7)


@pytest.mark.parametrize("formula", ["=VLOOKUP(A1,B:C,2,0)", "=A1*2", "=Sheet2!A1", "=SUM(A1:A2)/2",
                                     "=B2", "=A1:B1"])
def test_formulas_not_computed(formula):
    grid = [[1, 2], [3, "待定"]]
    with pytest.raises(Unresolvable):
        evaluate(formula, Resolver(grid, {}).value)


def test_circular_formulas_are_not_computed():
    resolver = Resolver([[None, None]], {(1, 1): "=B1", (1, 2): "=A1"})
    with pytest.raises(Unresolvable):
        resolver.compute(1, 1)
