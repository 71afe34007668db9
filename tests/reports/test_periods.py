"""The monthly (月报) and quarterly (季报) reports: the weekly report's parts with the period's
columns, Σ 完成投资 dated in the period with entries on both edges of it, figures as of the
period's last day, frozen per period kind, compared with the previous report of that kind."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from projtrack.cli import main
from projtrack.store.repo import Store
from tests.conftest import SAMPLE

AS_OF = "2024-01-10"  # every period below is over
A, B = "第六小学", "昆阳镇第二中学"
A_NAME = "平阳县昆阳镇第六小学新建工程"
ENTRIES = [(A, "7", "2023-09-30"), (A, "100", "2023-10-01"), (A, "1", "2023-10-31"),
           (A, "10.5", "2023-11-01"), (A, "20.25", "2023-11-30"), (A, "1000", "2023-12-01"),
           (A, "3", "2023-12-31"), (B, "5", "2023-11-15")]


def run(capsys, db, *args, as_of=AS_OF):
    rc = main(["--db", db, "--as-of", as_of, *args])
    out, err = capsys.readouterr()
    assert rc == 0, out + err
    return out


@pytest.fixture
def db(db_url, capsys):
    run(capsys, db_url, "import", str(SAMPLE))
    for project, amount, day in ENTRIES:
        run(capsys, db_url, "spend", "add", project, amount, "--date", day)
    return db_url


def _detail(path: Path, header: str) -> tuple[dict[str, object], dict[str, object]]:
    """The detail sheet's ``header`` column: by project name, and the 总计/category rows."""
    ws = openpyxl.load_workbook(path)["项目明细"]
    heads = [c.value for c in ws[5]]
    col = heads.index(header) + 1
    by_name, totals = {}, {}
    for row in ws.iter_rows(min_row=6):
        name, value = row[1].value, row[col - 1].value
        if isinstance(row[0].value, int):
            by_name[name] = value
        elif name is not None:  # 总计, a category's or a class's subtotal
            totals[str(name).strip()] = value
    return by_name, totals


def _summary_value(path: Path, label: str) -> object:
    ws = openpyxl.load_workbook(path)["摘要"]
    for row in ws.iter_rows(min_row=6):
        if row[0].value == label:
            return row[3].value
    raise AssertionError(label)


@pytest.mark.parametrize("kind, option, period, header, label, a, b, a_year, stem", [
    ("monthly", "--month", "2023-11", "本月完成", "本月完成投资", "30.75", "5", "138.75", "月报"),
    ("monthly", "--month", "2023-10", "本月完成", "本月完成投资", "101", "0", "108", "月报"),
    ("quarterly", "--quarter", "2023-Q4", "本季完成", "本季度完成投资", "1134.75", "5", "1141.75",
     "季报"),
    ("quarterly", "--quarter", "2023-Q3", "本季完成", "本季度完成投资", "7", "0", "7", "季报"),
])
def test_the_period_columns_cell_by_cell(db, capsys, tmp_path, kind, option, period, header,
                                         label, a, b, a_year, stem):
    out = run(capsys, db, "report", kind, option, period, "--format", "xlsx", "--out",
              str(tmp_path))
    path = tmp_path / f"{stem}-{period}.xlsx"
    assert f"已写出 {path}" in out
    by_name, totals = _detail(path, header)
    for name, value in by_name.items():
        want = Decimal(a) if name == A_NAME else Decimal(b) if "昆阳镇第二中学" in name else 0
        assert Decimal(str(value)) == want, name
    total = Decimal(a) + Decimal(b)
    assert Decimal(str(totals["总计"])) == total
    assert Decimal(str(next(v for k, v in totals.items() if "中小学" in k))) == total
    assert Decimal(str(_summary_value(path, label))) == total
    # the year's figures are the period's last day's: A's entries after it are not counted
    years, _ = _detail(path, "本年完成")
    assert Decimal(str(years[A_NAME])) == Decimal(a_year)


def test_a_month_is_issued_frozen_and_reprinted_by_its_own_kind(db, capsys, tmp_path):
    from projtrack.services.weekly import issued_periods, load_snapshot

    out = run(capsys, db, "report", "monthly", "--month", "2023-10", "--out", str(tmp_path))
    assert "已签发 2023-10 月报,数字已冻结" in out
    run(capsys, db, "report", "weekly", "--week", "2023-W47", "--out", str(tmp_path))
    out = run(capsys, db, "report", "monthly", "--month", "2023-11", "--out", str(tmp_path))
    assert (tmp_path / "月报-2023-11.pdf").is_file()
    first = openpyxl.load_workbook(tmp_path / "月报-2023-11.xlsx")
    # an entry back-dated into the month changes nothing once it is issued
    run(capsys, db, "spend", "add", A, "50", "--date", "2023-11-10")
    out = run(capsys, db, "report", "monthly", "--month", "2023-11", "--out", str(tmp_path))
    assert "2023-11 月报已于" in out and "按签发时的内容重印" in out
    again = openpyxl.load_workbook(tmp_path / "月报-2023-11.xlsx")
    for ws in first.worksheets:
        assert [[c.value for c in r] for r in ws.iter_rows()] == \
            [[c.value for c in r] for r in again[ws.title].iter_rows()], ws.title
    out = run(capsys, db, "report", "quarterly", "--quarter", "2023-Q4", "--out", str(tmp_path))
    assert "已签发 2023-Q4 季报" in out
    store = Store.open(db, create=False)
    try:
        assert issued_periods(store, "monthly") == ["2023-10", "2023-11"]
        assert issued_periods(store, "quarterly") == ["2023-Q4"]
        assert issued_periods(store) == ["2023-W47"]
        november = load_snapshot(store, "2023-11", "monthly")
        assert november is not None and november.kind == "monthly"
        assert (november.week_start.isoformat(), november.week_end.isoformat(),
                november.as_of.isoformat()) == ("2023-11-01", "2023-11-30", "2023-11-30")
        # compared with the previous month, not with the week issued in between
        assert november.changes.previous_period == "2023-10"
        quarter = load_snapshot(store, "2023-Q4", "quarterly")
        assert quarter is not None and quarter.changes.previous_period is None
        assert load_snapshot(store, "2023-11") is None  # not a week
    finally:
        store.close()
    changes = openpyxl.load_workbook(tmp_path / "月报-2023-11.xlsx")["与上期相比"]
    assert changes["A4"].value == "与 2023-10 月报(数据截至 2023-10-31)相比"
    summary = openpyxl.load_workbook(tmp_path / "季报-2023-Q4.xlsx")["摘要"]
    assert summary["A1"].value == "平阳县教育基建项目季报"
    assert summary["A2"].value.startswith("2023年第四季度(2023-10-01 至 2023-12-31)")
    assert "本季度" in summary["A4"].value and summary["A4"].alignment.wrap_text
    out = run(capsys, db, "db", "check")  # the chain holds the months and quarters too


def test_a_month_not_over_is_a_draft_as_of_the_day(db, capsys, tmp_path):
    out = run(capsys, db, "report", "monthly", "--month", "2023-11", "--format", "xlsx",
              "--out", str(tmp_path), as_of="2023-11-20")
    assert "2023-11 到 2023-11-30 才结束" in out and "月报草稿" in out
    path = tmp_path / "月报-2023-11-草稿.xlsx"
    by_name, totals = _detail(path, "本月完成")
    assert Decimal(str(by_name[A_NAME])) == Decimal("10.5")  # 11-30's entry is after the day
    assert Decimal(str(totals["总计"])) == Decimal("15.5")
    summary = openpyxl.load_workbook(path)["摘要"]
    assert summary["A2"].value == "2023年11月(2023-11-01 至 2023-11-30),数据截至 2023-11-20"
    assert summary["A1"].value.endswith("(草稿)")


def test_english_names_and_headings(db, capsys, tmp_path):
    run(capsys, db, "--lang", "en", "report", "quarterly", "--quarter", "2023-Q4", "--format",
        "xlsx", "--out", str(tmp_path))
    ws = openpyxl.load_workbook(tmp_path / "quarterly-report-2023-Q4.xlsx").worksheets[0]
    assert ws["A2"].value.startswith("Q4 2023 (2023-10-01 to 2023-12-31)")
    assert "This quarter, " in ws["A4"].value
    run(capsys, db, "--lang", "en", "report", "monthly", "--month", "2023-11", "--format",
        "xlsx", "--out", str(tmp_path))
    ws = openpyxl.load_workbook(tmp_path / "monthly-report-2023-11.xlsx").worksheets[0]
    assert ws["A2"].value.startswith("November 2023 (2023-11-01 to 2023-11-30)")
