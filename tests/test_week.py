"""The officer's week, end to end (tests/progress/week_kit.py): the sample county's annex in,
a template per township out, thirty returns back in the shapes townships send, one import, the
催报 list, the weekly report and the 通报 paragraph — every figure checked against what the
returns said, nothing retyped."""

from __future__ import annotations

from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

import openpyxl
import pytest

from tests.conftest import SAMPLE
from tests.progress import returns_kit as kit
from tests.progress import week_kit as wk


@pytest.fixture(scope="module")
def week(tmp_path_factory) -> wk.Week:
    return wk.run_week(tmp_path_factory.mktemp("week"), SAMPLE)


def test_thirty_returns_in_every_shape_all_read(week):
    assert len(week.returns) == wk.RETURNS
    shapes = Counter(r.shape for r in week.returns)
    assert set(shapes) == {s for s in kit.SHAPES if s != "xls" or kit.soffice()}
    # the import's summary says which files were read by their headers, never silently
    assert week.import_out.count("按列名读取") >= sum(n for s, n in shapes.items() if s != "template")


def test_every_project_that_returned_has_its_week_and_no_other_changed(week):
    got = {p["id"]: Decimal(p["actual_this_year"]) for p in wk.export(week.db)["projects"]}
    want = {r.project_id: r.increment for ret in week.returns for r in ret.rows}
    assert len(want) + len(week.chased) == 88
    for pid, amount in want.items():
        assert got[pid] == amount, pid
    for r in week.chased:
        assert got[r.project_id] == 0, r.name


def test_the_chase_list_names_exactly_the_projects_without_a_figure(week):
    chase = week.status_out.split("【催报】", 1)[1]
    for r in week.chased:
        assert r.name in chase
    for ret in week.returns:
        for r in ret.rows:
            if r.increment:
                assert r.name not in chase


def test_the_report_is_issued_and_opens_with_the_brief(week):
    names = sorted(p.name for p in week.reports)
    assert names == [f"周报-{wk.WEEK}.pdf", f"周报-{wk.WEEK}.xlsx"]
    ws = openpyxl.load_workbook(week.reports[1]).worksheets[0]
    assert ws["A4"].value == week.brief
    assert week.reports[0].read_bytes()[:5] == b"%PDF-"


def test_the_brief_states_the_county_s_figures(week):
    data = wk.export(week.db)
    done = sum(Decimal(p["actual_this_year"]) for p in data["projects"])
    plan = sum(Decimal(p["annual_plan"].get("2025", 0) or 0) for p in data["projects"])
    assert done == sum((r.increment for ret in week.returns for r in ret.rows), Decimal(0))
    amount = (f"{(done / 10000).quantize(Decimal('0.01'), ROUND_HALF_UP)}亿元" if done >= 9999.995
              else f"{done.quantize(Decimal('0.01'), ROUND_HALF_UP)}万元")
    rate = (done / plan * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
    assert week.brief.startswith(f"截至2025年11月30日,全县88个教育建设项目本年完成投资{amount},"
                                 f"占年度计划的{rate}%"), week.brief


def test_the_benchmark_table_of_the_week(week):
    """bench/week.py prints each step and what the officer waits for: the whole week less the
    townships' filling (done by the test kit, not by projtrack)."""
    from bench.week import table

    steps = week.steps
    assert list(steps) == ["import annex", "templates out", "returns filled (by the townships)",
                           "returns imported", "progress status", "weekly report (xlsx, pdf)",
                           "brief"]
    text = table({"steps": steps})
    for name, seconds in steps.items():
        assert f"| {name} | {seconds:.2f} |" in text
    waited = sum(steps.values()) - steps["returns filled (by the townships)"]
    assert text.splitlines()[-1].endswith(f"| {waited:.2f} |")
