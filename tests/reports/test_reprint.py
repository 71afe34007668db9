"""Figures that stay put, on both engines: a reprint of an issued week is its first print, cell
for cell and word for word; and every workbook projtrack writes holds a Decimal's own digits,
never a float's."""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook
from pypdf import PdfReader

from projtrack.cli import main
from tests.conftest import SAMPLE

AS_OF = "2023-06-30"
WEEK = "2023-W25"  # over by the as-of date: issued on its first print


def run(capsys, db, *args):
    rc = main(["--db", db, "--as-of", AS_OF, *args])
    out, err = capsys.readouterr()
    assert rc == 0, out + err
    return out


def cells(path: Path) -> dict:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_a_reprint_is_identical_to_the_first_print(db_url, capsys, tmp_path):
    run(capsys, db_url, "import", str(SAMPLE))
    run(capsys, db_url, "phase", "set", "第六小学", "竣工")  # both 竣工 and 投用 in the summary
    run(capsys, db_url, "phase", "set", "第七小学", "投用")
    run(capsys, db_url, "spend", "add", "第六小学", "1,200.5", "--date", "2023-06-20")
    first, again = tmp_path / "first", tmp_path / "again"
    assert "已签发" in run(capsys, db_url, "report", "weekly", "--week", WEEK, "--out", str(first))
    assert "重印" in run(capsys, db_url, "report", "weekly", "--week", WEEK, "--out", str(again))
    name = f"周报-{WEEK}"
    a, b = cells(first / f"{name}.xlsx"), cells(again / f"{name}.xlsx")
    assert list(a) == list(b)
    for sheet in a:
        assert a[sheet] == b[sheet], sheet
    summary = "\n".join(str(v) for row in a[next(iter(a))] for v in row if v)
    assert re.search(r"在建 \d+、竣工 1、投用 1", summary), summary  # the life's order
    assert pdf_text(first / f"{name}.pdf") == pdf_text(again / f"{name}.pdf")


def _values(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as zf:
        return [v for n in zf.namelist() if n.startswith("xl/worksheets/sheet")
                for v in re.findall(r"<v>([^<]*)</v>", zf.read(n).decode("utf-8"))]


def test_one_exact_cell_writer(tmp_path):
    from projtrack.reports.cells import put

    wb = Workbook()
    for i, value in enumerate((Decimal("0.0933"), Decimal("123456789012.345678"),
                               Decimal("-1200.50"), Decimal("0E-6")), 1):
        put(wb.active, i, 1, value, "#,##0.00")
    put(wb.active, 5, 1, "=1+1")  # text stays text
    wb.save(tmp_path / "x.xlsx")
    assert _values(tmp_path / "x.xlsx") == ["0.0933", "123456789012.345678", "-1200.5", "0"]
    back = openpyxl.load_workbook(tmp_path / "x.xlsx").active
    assert back["A5"].value == "=1+1" and back["A5"].data_type == "s"
    assert back["A1"].number_format == "#,##0.00" and back["A1"].data_type == "n"


@pytest.mark.parametrize("what", ["weekly", "export", "template"])
def test_no_workbook_holds_a_float_s_digits(db_url, capsys, tmp_path, what):
    run(capsys, db_url, "import", str(SAMPLE))
    run(capsys, db_url, "spend", "add", "第六小学", "0.0933", "--date", "2023-06-20")
    if what == "weekly":
        run(capsys, db_url, "report", "weekly", "--week", WEEK, "--format", "xlsx", "--out",
            str(tmp_path))
        path = tmp_path / f"周报-{WEEK}.xlsx"
    elif what == "export":
        path = tmp_path / "export.xlsx"
        run(capsys, db_url, "export", "--format", "xlsx", "--out", str(path))
    else:
        path = tmp_path / "tpl.xlsx"
        run(capsys, db_url, "progress", "template", "--out", str(path))
    values = _values(path)
    assert values
    # a float's digits: 0.09329999999999999, 1200.5000000000002, 4.5e-05
    noise = [v for v in values if re.search(r"9{6,}\d?$|0{6,}[1-9]$|[eE]", v)
             or len(v.split(".")[-1]) > 6]
    assert not noise, noise[:5]
    if what == "export":
        assert "0.0933" in values  # the figure as entered, in 完成情况


def test_the_forecast_section_is_frozen_and_an_older_report_reprints_without_it(
        db_url, capsys, tmp_path):
    """A report issued now freezes its 预测与风险 (the reprint shows the frozen one, whatever
    is entered since); a report frozen before forecasts were reported — its JSON has no
    ``forecasts`` — reprints as it was, its other sheets and words unchanged, and no section."""
    import datetime as dt
    import json

    from projtrack.services.weekly import encode, load_snapshot, render
    from projtrack.store.repo import Store

    run(capsys, db_url, "import", str(SAMPLE))
    run(capsys, db_url, "phase", "set", "第六小学", "在建")
    run(capsys, db_url, "spend", "add", "第六小学", "900", "--date", "2023-06-02")
    for day, pct in (("2023-04-20", "10%"), ("2023-06-15", "38%")):
        run(capsys, db_url, "progress", "add", "第六小学", "--date", day, "--stage", "主体结构",
            "--percent", pct)
    first = tmp_path / "first"
    run(capsys, db_url, "report", "weekly", "--week", WEEK, "--out", str(first))
    store = Store.open(db_url, create=False)
    try:
        issued = load_snapshot(store, WEEK)
        assert issued is not None and issued.forecasts is not None
        risky = [r.project for r in issued.forecasts.term_risk]
        assert risky == ["平阳县昆阳镇第六小学新建工程"]
        # entries after the issue change the figures, not the frozen section
        run(capsys, db_url, "progress", "add", "第六小学", "--date", "2023-06-16", "--stage",
            "竣工", "--percent", "100%")
        again = tmp_path / "again"
        run(capsys, db_url, "report", "weekly", "--week", WEEK, "--out", str(again))
        name = f"周报-{WEEK}"
        assert cells(first / f"{name}.xlsx") == cells(again / f"{name}.xlsx")
        text = pdf_text(first / f"{name}.pdf")
        assert "七、预测与风险" in text and "平阳县昆阳镇第六小学新建工程" in text.split("七、预测与风险")[1]
        # the same report as an older one was frozen: no "forecasts" in its JSON
        data = json.loads(encode(issued)[0])
        del data["forecasts"]
        data.pop("breakdowns", None)  # reported later still (分项统计)
        data.pop("issues", None)  # frozen before the issues log too
        from projtrack.reports.model import WeeklyReport, from_data

        old = from_data(WeeklyReport, data)
        assert old.forecasts is None
        out = tmp_path / "old"
        paths = render(old, out_dir=out, lang="zh", printed_on=dt.date(2023, 7, 1))
        new_paths = render(issued, out_dir=tmp_path / "new", lang="zh",
                           printed_on=dt.date(2023, 7, 1))
        old_cells, new_cells = cells(paths[0]), cells(new_paths[0])
        assert list(old_cells) == ["摘要", "项目明细", "节点预警", "与上期相比"]
        assert list(new_cells)[:6] == list(old_cells) + ["预测与风险", "存在问题"]
        # the 通报 paragraph of the older report does not know the term risk and says so; the
        # rest of it, and everything else, is as the new report's
        from projtrack.reports.brief import brief_text
        known, unknown = brief_text(issued, "zh"), brief_text(old, "zh")
        assert known.endswith(";预计赶不上秋季开学的项目1个:平阳县昆阳镇第六小学新建工程。")
        assert unknown == known.rsplit(";", 1)[0] + ";本报告未研判项目能否赶上秋季开学。"
        new_cells["摘要"] = [[unknown if c == known else c for c in row]
                             for row in new_cells["摘要"]]
        for sheet in old_cells:
            assert old_cells[sheet] == new_cells[sheet], sheet
        old_text, new_text = pdf_text(paths[1]), pdf_text(new_paths[1])
        assert "预测与风险" not in old_text
        assert new_text.split("七、预测与风险")[0].split("打印日期")[0] == \
            old_text.split("打印日期")[0]
        squeeze = str.maketrans("", "", " \n")
        assert unknown in old_text.translate(squeeze) and known in new_text.translate(squeeze)
    finally:
        store.close()


def test_pending_budget_changes_are_reported_frozen_and_absent_from_older_reports(
        db_url, capsys, tmp_path):
    """The 预测与风险 section lists the budget changes awaiting approval when the week is issued
    (an approved or rejected one is not pending), frozen with it: approving one after the issue
    leaves the reprint as it was; a report frozen before they were reported has no such table."""
    import datetime as dt
    import json

    from projtrack.reports.model import WeeklyReport, from_data
    from projtrack.services.weekly import encode, load_snapshot, render
    from projtrack.store.repo import Store

    run(capsys, db_url, "import", str(SAMPLE))
    run(capsys, db_url, "budget", "change", "第六小学", "--total", "12,345.5", "--reason", "增加地下室")
    run(capsys, db_url, "budget", "change", "第七小学", "--total", "13,000", "--reason", "调整")
    run(capsys, db_url, "budget", "reject", "2", "--reason", "不批")
    first = tmp_path / "first"
    run(capsys, db_url, "report", "weekly", "--week", WEEK, "--out", str(first))
    name = f"周报-{WEEK}"
    sheet = cells(first / f"{name}.xlsx")["预测与风险"]
    flat = [str(v) for row in sheet for v in row if v is not None]
    heads = [v for v in flat if v.startswith("待批调整")]
    assert len(heads) == 1 and "1 项" in heads[0], heads
    assert "平阳县昆阳镇第六小学新建工程" in flat and "平阳县鳌江镇第七小学新建工程" not in flat
    text = pdf_text(first / f"{name}.pdf")
    assert heads[0] in text and "→ 12,345.50" in text
    run(capsys, db_url, "budget", "approve", "1", "--doc", "平发改〔2023〕12号")
    again = tmp_path / "again"
    assert "重印" in run(capsys, db_url, "report", "weekly", "--week", WEEK, "--out", str(again))
    assert cells(first / f"{name}.xlsx") == cells(again / f"{name}.xlsx")
    store = Store.open(db_url, create=False)
    try:
        issued = load_snapshot(store, WEEK)
        assert issued is not None and issued.forecasts is not None
        assert [c.id for c in issued.forecasts.pending or ()] == [1]
        data = json.loads(encode(issued)[0])
        del data["forecasts"]["pending"]
        old = from_data(WeeklyReport, data)
        assert old.forecasts is not None and old.forecasts.pending is None
        paths = render(old, out_dir=tmp_path / "old", lang="zh", printed_on=dt.date(2023, 7, 1))
        assert not [v for row in cells(paths[0])["预测与风险"] for v in row
                    if isinstance(v, str) and v.startswith("待批调整")]
        assert "待批调整" not in pdf_text(paths[1])
    finally:
        store.close()
