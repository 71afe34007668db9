"""分项统计 in the weekly report, on both engines: the hand-worked portfolio
(tests/services/breakdown_data.py) issued for the week 2019-W21, whose last day is its as-of
date.  The workbook's three sheets read back cell by cell; the PDF's pages drawn to PNG and
looked at (not blank, a table's rules and text on them); frozen with the week; a report frozen
before the breakdowns reprints without them, its other sheets and pages unchanged."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from projtrack.cli import main
from projtrack.reports.model import WeeklyReport, from_data
from projtrack.services.weekly import encode, load_snapshot, render
from projtrack.store.repo import Store
from tests.services.breakdown_data import build

WEEK = "2019-W21"
AS_OF = "2019-05-26"
NAME = f"周报-{WEEK}"
TP = D(146) / D(365)  # 0.4 exactly


def run(capsys, db, *args):
    rc = main(["--db", db, "--as-of", AS_OF, *args])
    out, err = capsys.readouterr()
    assert rc == 0, out + err
    return out


@pytest.fixture
def issued(db_url, capsys, tmp_path):
    store = Store.open(db_url)
    try:
        build(store)
    finally:
        store.close()
    out = tmp_path / "first"
    assert "已签发" in run(capsys, db_url, "report", "weekly", "--week", WEEK, "--out", str(out))
    return db_url, out


def _rows(ws, first: int = 6) -> list[list[object]]:
    return [[c.value for c in row] for row in ws.iter_rows(min_row=first)]


def _pgm(path: Path) -> tuple[int, int, bytes]:
    """A binary greyscale PGM (what ``pdftoppm -gray`` writes): width, height, pixels."""
    data = path.read_bytes()
    magic, w, h, top, pixels = data.split(maxsplit=4)
    assert magic == b"P5" and top == b"255"
    return int(w), int(h), pixels


def _rate(x: D) -> float:
    return float(x.quantize(D("0.000001")))  # a rate is written to 6 decimals


def test_the_workbook_has_a_sheet_for_each_breakdown(issued):
    _, out = issued
    wb = openpyxl.load_workbook(out / f"{NAME}.xlsx")
    assert wb.sheetnames[-3:] == ["分乡镇", "分责任单位", "分资金来源"]
    town = wb["分乡镇"]
    assert town["A4"].value == "分乡镇统计(2 个乡镇)"
    assert [c.value for c in town[5]] == ["乡镇", "项目数", "总投资", "年度计划", "本年完成",
                                          "年度完成率", "序时进度", "比序时(百分点)", "偏差",
                                          "红", "黄", "新增学位"]
    tp = _rate(TP)
    assert _rows(town) == [
        ["昆阳镇", 1, 800, 400, 40, 0.1, tp, -30, -20, 1, 0, 360],
        ["鳌江镇", 2, 3000, 1500, 400, _rate(D(400) / D(1500)), tp, -13.3, -200, 0, 1, 540],
        ["(未填)", 1, 500, 100, 0, 0, tp, -40, -40, 1, 0, 270],
        ["总计", 4, 4300, 2000, 440, 0.22, tp, -18, -260, 2, 1, 1170],
    ]
    unit = wb["分责任单位"]
    assert [r[0] for r in _rows(unit)] == ["城投", "教育局", "(未填)", "总计"]
    assert _rows(unit)[1] == ["教育局", 2, 1500, 600, 150, 0.25, tp, -15, -90, 1, 0, 810]
    assert _rows(unit)[-1] == _rows(town)[-1][:1] + _rows(town)[-1][1:]  # the same total
    fund = wb["分资金来源"]
    assert [c.value for c in fund[5]] == ["资金来源", "计划资金", "到位资金", "到位率", "拨付",
                                          "拨付率"]
    assert _rows(fund) == [
        ["中央", 300, 180, 0.6, None, None],
        ["省", None, 0, None, None, None],
        ["市", None, 0, None, None, None],
        ["专项债", 1500, 400, _rate(D(400) / D(1500)), None, None],
        ["县财政", 700, 100, _rate(D(100) / D(700)), None, None],
        ["自筹", None, 30, None, None, None],
        ["(未填)", None, 50, None, None, None],
        ["总计", 2500, 760, 0.304, 320, _rate(D(320) / D(760))],
    ]
    for ws in (town, unit, fund):  # printed like the report's other sheets
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
        assert ws.print_title_rows == "$5:$5" and ws.freeze_panes == "B6"
        assert "&P" in ws.oddFooter.center.text and "&D" in ws.oddFooter.right.text
        assert ws["C6"].number_format == "#,##0.00"
        assert ws.cell(row=ws.max_row, column=1).font.b  # the total line is bold


def test_the_pdf_has_a_page_for_each_breakdown_and_they_are_drawn(issued, tmp_path):
    _, out = issued
    pdf = out / f"{NAME}.pdf"
    pages = [p.extract_text() for p in PdfReader(pdf).pages]
    n = len(pages)
    town, unit, fund = pages[-3:]
    assert "九、分项统计" in town and "分乡镇统计(2 个乡镇)" in town
    assert "(未填)" in town and "3,000.00" in town and "▼13.3" in town and "1,170" in town
    assert "分责任单位统计(2 个单位)" in unit and "教育局" in unit and "810" in unit
    assert "分资金来源统计" in fund and "专项债" in fund and "760.00" in fund
    assert "42.1%" in fund and "30.4%" in fund  # 拨付 ÷ 到位, 到位 ÷ 计划
    if not shutil.which("pdftoppm"):
        pytest.skip("poppler-utils not installed")
    subprocess.run(["pdftoppm", "-r", "50", "-gray", "-f", str(n - 2), "-l", str(n), str(pdf),
                    str(tmp_path / "page")], check=True)
    images = [_pgm(p) for p in sorted(tmp_path.glob("page-*.pgm"))]
    assert len(images) == 3
    for w, h, pixels in images:
        assert w > h  # landscape
        dark = sum(1 for v in pixels if v < 128)
        assert 0.005 < dark / (w * h) < 0.3  # text and rules, neither blank nor black
        top = sum(1 for v in pixels[:w * h // 3] if v < 128)
        assert top > dark / 2  # the table starts at the top of its page
    w, h, pixels = images[-1]  # the funding table is short: its page's lower half is empty
    assert sum(1 for v in pixels[w * (h // 2):w * (h - h // 8)] if v < 128) < 0.001 * w * h


def test_frozen_with_the_week_and_absent_from_an_older_report(issued, capsys, tmp_path):
    db, first = issued
    # an entry after the issue changes today's figures, not the frozen week's
    run(capsys, db, "spend", "add", "平阳县某幼儿园", "77", "--date", "2019-05-21")
    again = tmp_path / "again"
    assert "重印" in run(capsys, db, "report", "weekly", "--week", WEEK, "--out", str(again))
    a = openpyxl.load_workbook(first / f"{NAME}.xlsx")
    b = openpyxl.load_workbook(again / f"{NAME}.xlsx")
    for sheet in ("分乡镇", "分责任单位", "分资金来源"):
        assert _rows(a[sheet], 1) == _rows(b[sheet], 1), sheet
    store = Store.open(db, create=False)
    try:
        frozen = load_snapshot(store, WEEK)
        assert frozen is not None and frozen.breakdowns is not None
        assert [x.key for x in frozen.breakdowns.townships] == ["昆阳镇", "鳌江镇", ""]
        data = json.loads(encode(frozen)[0])
        del data["breakdowns"]  # as a week frozen before the breakdowns were reported
        old = from_data(WeeklyReport, data)
        assert old.breakdowns is None
        on = dt.date(2019, 6, 1)
        old_paths = render(old, out_dir=tmp_path / "old", lang="zh", printed_on=on)
        new_paths = render(frozen, out_dir=tmp_path / "new", lang="zh", printed_on=on)
    finally:
        store.close()
    old_wb, new_wb = openpyxl.load_workbook(old_paths[0]), openpyxl.load_workbook(new_paths[0])
    assert new_wb.sheetnames == old_wb.sheetnames + ["分乡镇", "分责任单位", "分资金来源"]
    for sheet in old_wb.sheetnames:
        assert _rows(old_wb[sheet], 1) == _rows(new_wb[sheet], 1), sheet
    old_pages = [p.extract_text() for p in PdfReader(old_paths[1]).pages]
    new_pages = [p.extract_text() for p in PdfReader(new_paths[1]).pages]
    assert len(new_pages) == len(old_pages) + 3
    assert not any("分项统计" in p for p in old_pages)

    def body(page: str) -> str:  # without the footer's "page N of M"
        return re.sub(r"第\s*\d+\s*页,\s*共\s*\d+\s*页", "", page)
    assert [body(p) for p in old_pages] == [body(p) for p in new_pages[:len(old_pages)]]
    assert all(len(body(p)) > 100 for p in old_pages)


def test_english(issued, tmp_path):
    db, _ = issued
    store = Store.open(db, create=False)
    try:
        frozen = load_snapshot(store, WEEK)
    finally:
        store.close()
    assert frozen is not None
    paths = render(frozen, out_dir=tmp_path / "en", lang="en", printed_on=dt.date(2019, 6, 1))
    wb = openpyxl.load_workbook(paths[0])
    assert wb.sheetnames[-3:] == ["By township", "By unit", "By funding source"]
    rows = _rows(wb["By funding source"])
    assert [r[0] for r in rows] == ["Central", "Provincial", "City", "Special bonds",
                                    "County budget", "Self-raised", "(not filled in)", "Total"]
    assert _rows(wb["By township"])[2][0] == "(not filled in)"
    assert "9. Breakdowns" in PdfReader(paths[1]).pages[-3].extract_text()
