"""Progress returns are dated the day their figures refer to — the as-of date the template
carries — so today's figures change once they are in; a cell is read by the same parser as the
command line and refused with its message, naming the file, the cell, the field and the value."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from projtrack.store.repo import Store
from tests.progress.test_round_trip import Sheet, figures, run

WEDNESDAY = dt.date(2026, 11, 25)  # mid-week of 2026-W48 (its Sunday is 11-29)


@pytest.fixture
def midweek(demo_db, tmp_path, capsys):
    path = tmp_path / "mid.xlsx"
    rc = run(capsys, demo_db, "--as-of", WEDNESDAY.isoformat(), "progress", "template",
             "--out", str(path))[0]
    assert rc == 0
    return path


def test_returns_are_dated_the_sheets_as_of_date(midweek, demo_db, tmp_path, capsys):
    sheet = Sheet(midweek)
    a = next(p for p in sheet.rows if p is not None)
    sheet.set(a, "week_actual", 88.5)
    sheet.set(a, "percent", 99)
    filled = sheet.save(tmp_path / "filled.xlsx")
    before = figures(demo_db, a, WEDNESDAY)
    rc, out, err = run(capsys, demo_db, "--as-of", WEDNESDAY.isoformat(), "progress", "import",
                       str(filled))
    assert rc == 0, err
    assert "2026-11-25" in out
    store = Store.open(demo_db)
    [last] = [e for e in store.entries(a) if e.origin.startswith("progress:")]
    [progress] = [e for e in store.progress_entries(a) if e.origin.startswith("progress:")]
    store.close()
    assert last.entry_date == WEDNESDAY and progress.entry_date == WEDNESDAY  # not Sunday 11-29
    after = figures(demo_db, a, WEDNESDAY)  # the figures of that very day include them
    assert after.actual_to_date == before.actual_to_date + Decimal("88.5")
    assert after.percent_complete == Decimal("0.99")


@pytest.mark.parametrize("code, value, message", [
    ("week_actual", "120,5", "本周完成投资“120,5”:逗号只能每三位分节"),
    ("cumulative", "6500(含土地)", "累计完成投资“6500(含土地)”:括号里的说明不是金额的一部分"),
    ("percent", "四成", "完成百分比“四成”:不是百分比"),
    ("ms:开工", "11/27", "节点日期“11/27”:缺少年份"),
])
def test_a_cell_is_refused_with_the_parsers_message(midweek, demo_db, tmp_path, capsys, code,
                                                    value, message):
    sheet = Sheet(midweek)
    pid = next(p for p in sheet.rows if p is not None and not sheet.cell(p, code).value)
    ref = sheet.set(pid, code, value)
    path = sheet.save(tmp_path / "bad.xlsx")
    rc, out, err = run(capsys, demo_db, "progress", "import", str(path))
    assert rc == 1 and f"bad.xlsx 进度填报!{ref}" in err and message in err, err
