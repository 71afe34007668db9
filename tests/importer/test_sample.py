"""The sample annex (88 projects) against its true values, figure by figure."""

from __future__ import annotations

import json
import shutil
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from projtrack.importer import read_annex

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SAMPLE = FIXTURES / "sample-annex.xlsx"
EXPECTED = json.loads((FIXTURES / "sample-annex.expected.json").read_text(encoding="utf-8"),
                      parse_float=Decimal)


def D(value) -> Decimal | None:  # noqa: N802
    return None if value is None else Decimal(str(value))


@pytest.fixture(scope="module")
def parsed():
    return read_annex(SAMPLE)


def test_reads_all_projects_without_issues(parsed):
    assert parsed.ok, [str(i) for i in parsed.issues]
    assert parsed.issues == []
    assert parsed.sheets == ["附件"]
    assert len(parsed.projects) == EXPECTED["count"] == 88
    assert {p.name for p in parsed.projects} == set(EXPECTED["projects"])


@pytest.mark.parametrize("name", sorted(EXPECTED["projects"]))
def test_each_project_matches(parsed, name):
    e = EXPECTED["projects"][name]
    p = next(p for p in parsed.projects if p.name == name)
    assert p.total_investment == D(e["total"])
    assert p.annual_plan == {int(y): D(v) for y, v in e["plan"].items()}
    assert all(v != 0 for v in p.annual_plan.values())
    assert p.period_plan == D(e["period_plan"])
    assert p.land_mu == D(e["land"])
    assert p.new_places == e["places"]
    assert (p.start_year, p.end_year) == (e["start"], e["end"])
    assert p.township == e["town"]
    assert p.annex_class == e["annex_class"]
    assert p.category == e["category"]
    assert p.construction_type == e["nature"]
    assert p.source is not None
    assert (p.source.file, p.source.sheet, p.source.row) == (
        "sample-annex.xlsx", "附件", EXPECTED["facts"]["items"][name])
    assert (p.id, p.phase, p.status) == (None, "前期", "active")


@pytest.mark.parametrize("category", sorted(EXPECTED["by_category"]))
def test_category_figures_match(parsed, category):
    e = EXPECTED["by_category"][category]
    mine = [p for p in parsed.projects if p.category == category]
    assert len(mine) == e["count"]
    assert sum(p.new_places for p in mine) == e["places"]
    assert sum(p.total_investment for p in mine) == D(e["total"])
    assert sum((p.land_mu or 0) for p in mine) == D(e["land"])
    assert sum(p.period_plan for p in mine) == D(e["period_plan"])
    assert Counter(p.annex_class for p in mine) == Counter(e["by_class"])


def test_section_and_total_rows_are_not_projects(parsed):
    rows = {p.source.row for p in parsed.projects}
    assert not rows & set(EXPECTED["facts"]["subtotal_rows"])
    assert EXPECTED["facts"]["total_row"] not in rows
    assert 109 not in rows  # the notes row


def test_names_lose_line_breaks_and_stray_spaces(parsed):
    names = {p.name for p in parsed.projects}
    assert "平阳县昆阳镇第二幼儿园新建工程" in names  # written "…新建\n工程"
    assert "平阳县万全镇宋桥学校(九年一贯制)新建工程" in names  # written with a trailing space
    assert not any(ch.isspace() for n in names for ch in n)


def test_other_facts_come_from_the_content_and_unit_columns(parsed):
    p = next(p for p in parsed.projects if p.name == "平阳县鳌江镇第七小学新建工程")
    assert p.floor_area_m2 == Decimal(25400)  # "总建筑面积约2.54万平方米"
    assert p.classes == 27
    assert p.responsible_unit == "县教育局"
    assert p.remarks == "省补助项目"
    assert p.content.startswith("用地约34亩")


@pytest.fixture(scope="module")
def resaved(tmp_path_factory):
    """The sample saved again by openpyxl: its =SUM formulas lose their cached values."""
    path = tmp_path_factory.mktemp("resaved") / "resaved.xlsx"
    wb = openpyxl.load_workbook(SAMPLE)
    wb.save(path)
    formulas = [c.coordinate for row in wb["附件"].iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("=")]
    assert len(formulas) >= 20
    check = openpyxl.load_workbook(path, data_only=True)["附件"]
    assert all(check[ref].value is None for ref in formulas)  # really without a cache
    return path


def test_formulas_without_cached_values_are_computed(parsed, resaved):
    again = read_annex(resaved)
    assert again.issues == []
    mine = {p.name: p for p in parsed.projects}
    for p in again.projects:
        assert p.period_plan == mine[p.name].period_plan, p.name
        assert p.total_investment == mine[p.name].total_investment


def test_a_wrong_subtotal_in_the_sample_is_named(tmp_path):
    path = tmp_path / "wrong.xlsx"
    shutil.copy(SAMPLE, path)
    wb = openpyxl.load_workbook(path)
    ws = wb["附件"]
    ws["G7"] = 462921  # 一、中小学项目: the items sum to 462920
    ws["O18"] = 15000  # (二)新开工项目 of 中小学: 15355
    ws["B8"] = "(一)续建项目(8个)"  # there are 9
    wb.save(path)
    result = read_annex(path)
    assert result.ok and len(result.projects) == 88
    by = defaultdict(list)
    for issue in result.warnings:
        by[issue.code].append(issue)
    g7 = next(i for i in by["subtotal_mismatch"] if i.cell == "G7")
    assert (g7.found, g7.expected) == ("462921", "462920")
    assert "附件!G7" in g7.message and "462921" in g7.message and "462920" in g7.message
    o18 = next(i for i in by["subtotal_mismatch"] if i.cell == "O18")
    assert (o18.found, o18.expected) == ("15000", "15355")
    # the 总计 row (G6) holds the same figure as before, still the sum of all items
    assert {i.cell for i in by["subtotal_mismatch"]} == {"G7", "O18"}
    [count] = by["count_mismatch"]
    assert count.cell == "B8" and (count.found, count.expected) == ("8", "9")
