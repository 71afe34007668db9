"""The quick way the weekly workbook is written gives exactly the slow way's file: rows that
look alike share the styles worked out for the first of them, and the garbage collector rests
only while writing."""

from __future__ import annotations

import datetime as dt
import gc
import re
import zipfile
from dataclasses import replace
from decimal import Decimal

import openpyxl
import pytest

from projtrack.reports import xlsx
from projtrack.reports.model import Change, Changes, RateMove
from projtrack.reports.text import main_columns
from projtrack.services.weekly import issue as issue_weekly
from tests.reports.demo import AS_OF

PRINTED = dt.date(2026, 11, 30)


def _parts(path) -> dict[str, bytes]:
    """Every part of the file; the document properties without their timestamps."""
    with zipfile.ZipFile(path) as zf:
        out = {n: zf.read(n) for n in zf.namelist()}
    out["docProps/core.xml"] = re.sub(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>",
                                      b"", out["docProps/core.xml"])
    return out


def _assert_same_file(a, b) -> None:
    pa, pb = _parts(a), _parts(b)
    assert list(pa) == list(pb)
    for name in pa:
        assert pa[name] == pb[name], name


@pytest.fixture
def report(demo_store):
    """The demo's week with every kind of change, a formula-like, a control character and an
    ampersand in project names."""
    r = issue_weekly(demo_store, as_of=AS_OF).report
    rows = r.rows
    items = tuple(
        Change(kind, rows[i].id, name, old, new, detail)
        for i, (kind, name, old, new, detail) in enumerate((
            ("flag_worse", rows[0].name, "green", "red", "overrun,lagging"),
            ("flag_worse", '=HYPERLINK("http://x","y")', "green", "yellow", "lagging"),
            ("flag_better", "A & B\x07 #N/A", "red", "green", None),
            ("phase", rows[3].name * 4, "前期", "在建", None),
            ("milestone_reached", rows[4].name, None, "2026-11-25", "开工"),
            ("milestone_overdue", rows[5].name, None, "2026-11-20", "主体封顶"),
            ("milestone_replanned", rows[6].name, "2026-11-01", "2026-12-01", "竣工验收"),
            ("new_project", rows[7].name, None, None, None),
            ("gone_project", " 前后有空格的项目 ", None, None, None))))
    rates = (RateMove("中小学", Decimal("0.41"), Decimal("0.4375"), Decimal("0.88"),
                      Decimal("0.9123")),
             RateMove("", None, Decimal("0.5"), None, Decimal("0.9123")))
    return replace(r, changes=Changes("2026-W47", dt.date(2026, 11, 22), items, rates))


def test_styles_of_a_sample_of_cells(report, tmp_path):
    path = xlsx.write_xlsx(report, tmp_path / "r.xlsx", lang="zh", printed_on=PRINTED)
    wb = openpyxl.load_workbook(path)
    ws = wb["项目明细"]
    col = {c.key: i for i, c in enumerate(main_columns("zh"), 1)}
    assert ws.cell(row=5, column=col["name"]).value == "项目名称"
    money, rate, points, flag, name = (col["total_investment"], col["annual_completion_rate"],
                                       col["points_vs_time"], col["flag"], col["name"])

    def look(cell):
        line = cell.border.bottom
        return (cell.fill.fgColor.rgb[-6:] if cell.fill.fill_type else None, bool(cell.font.b),
                cell.number_format, cell.alignment.horizontal, bool(cell.alignment.wrap_text),
                cell.border.left.style, line.color.rgb[-6:] if line.color else None)

    # the grand total, a category and a class subtotal, a project line
    assert look(ws.cell(row=6, column=money)) == ("BFBFBF", True, "#,##0.00", "right", False,
                                                 "thin", "808080")
    assert look(ws.cell(row=7, column=name)) == ("D9D9D9", True, "General", None, True, "thin",
                                                "808080")
    assert look(ws.cell(row=8, column=money))[:4] == ("EDEDED", True, "#,##0.00", "right")
    projects = [r for r in range(9, ws.max_row + 1)
                if ws.cell(row=r, column=flag).value in ("红", "黄", "绿")]
    assert len(projects) == 88
    for r in projects:
        cells = {c: ws.cell(row=r, column=c) for c in (money, rate, points, flag, name)}
        assert look(cells[name]) == (None, False, "General", None, True, "thin", "808080")
        if cells[money].value is not None:
            assert look(cells[money]) == (None, False, "#,##0.00", "right", False, "thin",
                                          "808080")
        if cells[points].value is not None:
            assert cells[points].number_format == '"▲"0.0;"▼"0.0;0.0'
        expected = {"红": ("F4B6B6", True), "黄": ("FFE699", True), "绿": ("C6E0B4", False)}
        assert look(cells[flag])[:2] == expected[cells[flag].value]
        assert look(cells[flag])[3] == "center"
        if cells[rate].value is not None:  # kept exact to the sixth decimal
            assert Decimal(str(cells[rate].value)) == Decimal(str(cells[rate].value)).quantize(
                Decimal("0.000001"))

    ms = wb["节点预警"]
    days = [ms.cell(row=r, column=7) for r in range(6, ms.max_row + 1)
            if str(ms.cell(row=r, column=7).value or "").startswith("逾期")]
    assert days and all(look(c)[0] == "FFE699" for c in days)

    changes = wb["与上期相比"]
    listed = [r for r in range(1, changes.max_row + 1)
              if changes.cell(row=r, column=3).border.left.style]
    fills = {changes.cell(row=r, column=3).value: look(changes.cell(row=r, column=2))[0]
             for r in listed}
    assert fills['=HYPERLINK("http://x","y")'] == "FFE699"
    assert fills["A & B #N/A"] == "C6E0B4"  # the control character is dropped
    assert fills[" 前后有空格的项目 "] is None
    evil = [c for row in changes.iter_rows() for c in row
            if c.value == '=HYPERLINK("http://x","y")']
    assert len(evil) == 1 and evil[0].data_type == "s"


def test_the_collector_rests_only_while_writing(report, tmp_path, monkeypatch):
    seen = []
    detail = xlsx._detail

    def watched(*args):
        seen.append(gc.isenabled())
        return detail(*args)

    monkeypatch.setattr(xlsx, "_detail", watched)
    assert gc.isenabled()
    xlsx.write_xlsx(report, tmp_path / "a.xlsx", lang="zh", printed_on=PRINTED)
    assert seen == [False] and gc.isenabled()

    gc.disable()  # whoever turned it off keeps it off
    try:
        xlsx.write_xlsx(report, tmp_path / "b.xlsx", lang="zh", printed_on=PRINTED)
        assert not gc.isenabled()
    finally:
        gc.enable()

    def broken(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(xlsx, "_detail", broken)
    with pytest.raises(RuntimeError):
        xlsx.write_xlsx(report, tmp_path / "c.xlsx", lang="zh", printed_on=PRINTED)
    assert gc.isenabled()
