"""The progress fill-in round trip through the command line: a template goes out, is filled in
(with openpyxl, as a sender's spreadsheet would), comes back and is imported."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import func, select

from projtrack.cli import main
from projtrack.progress_io.layout import FIRST_ROW, HEADER_ROW, META_SHEET
from projtrack.services.portfolio import load_portfolio
from projtrack.store.models import LedgerEntry, Milestone, ProgressEntry, Project
from projtrack.store.repo import Store
from tests.reports.demo import AS_OF, WEEK

EVIL = '=HYPERLINK("http://x","y")'


def run(capsys, db, *args, lang="zh"):
    rc = main(["--db", db, "--as-of", AS_OF.isoformat(), "--lang", lang, *args])
    out, err = capsys.readouterr()
    return rc, out, err


def counts(db) -> tuple[int, int, int]:
    store = Store.open(db)
    try:
        with store.read() as s:
            return (s.execute(select(func.count()).select_from(LedgerEntry)).scalar_one(),
                    s.execute(select(func.count()).select_from(ProgressEntry)).scalar_one(),
                    s.execute(select(func.count()).select_from(Milestone)
                              .where(Milestone.actual.is_not(None))).scalar_one())
    finally:
        store.close()


def figures(db, pid, as_of=AS_OF):
    store = Store.open(db)
    try:
        return load_portfolio(store, as_of, project_ids=[pid]).get(pid).figures
    finally:
        store.close()


@pytest.fixture
def template(demo_db, tmp_path, capsys):
    store = Store.open(demo_db)
    with store.write() as s:  # a project whose name a spreadsheet would run as a formula
        p = s.execute(select(Project).where(Project.phase == "在建").order_by(Project.id)
                      ).scalars().first()
        p.name = EVIL
    store.close()
    path = tmp_path / "tpl.xlsx"
    rc, out, err = run(capsys, demo_db, "progress", "template", "--out", str(path))
    assert rc == 0, err
    assert f"({WEEK}," in out
    return path


class Sheet:
    """A template opened for filling in, by column code."""

    def __init__(self, path):
        self.wb = openpyxl.load_workbook(path)
        meta = {r[0]: r[1] for r in self.wb[META_SHEET].iter_rows(values_only=True)}
        self.ws = self.wb[meta["sheet"]]
        self.col = {c: i for i, c in enumerate(meta["columns"].split(","), 1)}
        self.rows = {self.ws.cell(row=r, column=1).value: r
                     for r in range(FIRST_ROW, self.ws.max_row + 1)}

    def cell(self, pid: int, code: str):
        return self.ws.cell(row=self.rows[pid], column=self.col[code])

    def set(self, pid: int, code: str, value) -> str:
        cell = self.cell(pid, code)
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"
        return cell.coordinate

    def save(self, path):
        self.wb.save(path)
        return path


def test_template_is_protected_validated_and_formula_free(template):
    wb = openpyxl.load_workbook(template)
    assert wb[META_SHEET].sheet_state == "veryHidden"
    sheet = Sheet(template)
    ws = sheet.ws
    assert ws.protection.sheet and ws.protection.autoFilter is False  # filtering allowed
    assert ws.auto_filter.ref.startswith(f"A{HEADER_ROW}:")
    assert ws.cell(row=HEADER_ROW, column=1).value == "项目编号"
    ids = [pid for pid in sheet.rows if pid is not None]
    assert ids and all(isinstance(i, int) for i in ids)
    for pid in ids:
        for code, col in sheet.col.items():
            cell = ws.cell(row=sheet.rows[pid], column=col)
            if code in ("week_actual", "cumulative", "stage", "percent", "note"):
                assert not cell.protection.locked, (pid, code)
            elif not code.startswith("ms:"):
                assert cell.protection.locked, (pid, code)
    kinds = {(dv.type, dv.operator) for dv in ws.data_validations.dataValidation}
    assert kinds >= {("decimal", "greaterThanOrEqual"), ("decimal", "between"), ("list", None),
                     ("date", "between"), ("textLength", "lessThanOrEqual")}
    names = [c.value for c in ws["B"][FIRST_ROW - 1:]]
    evil = [c for c in ws["B"] if c.value == EVIL]
    assert EVIL in names and evil[0].data_type == "s"
    with zipfile.ZipFile(template) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<(\w+:)?f[ >]", zf.read(name)), name
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$4:$5"


def test_template_filters_by_township_and_unit(demo_db, tmp_path, capsys):
    path = tmp_path / "t.xlsx"
    rc, out, err = run(capsys, demo_db, "progress", "template", "--out", str(path),
                       "--township", "昆阳镇")
    assert rc == 0, err
    ws = Sheet(path).ws
    towns = {ws.cell(row=r, column=3).value for r in range(FIRST_ROW, ws.max_row + 1)}
    assert towns == {"昆阳镇"}
    rc, out, err = run(capsys, demo_db, "progress", "template", "--out", str(path),
                       "--township", "火星镇")
    assert rc == 2 and "火星镇" in err and "昆阳镇" in err
    rc, out, err = run(capsys, demo_db, "progress", "template", "--out", str(path),
                       "--unit", "县教育局", "--all")
    assert rc == 0, err
    ws = Sheet(path).ws
    assert {ws.cell(row=r, column=4).value for r in range(FIRST_ROW, ws.max_row + 1)} == {"县教育局"}


def test_round_trip(template, demo_db, tmp_path, capsys):
    sheet = Sheet(template)
    a, b, c = [pid for pid in sheet.rows if pid is not None][:3]
    before_a, before_b = figures(demo_db, a), figures(demo_db, b)
    sheet.set(a, "week_actual", 120.5)
    sheet.set(a, "stage", "收尾")
    sheet.set(a, "percent", 97)
    sheet.set(a, "note", "=1+1 而非公式")
    sheet.set(b, "cumulative", float(before_b.actual_to_date + Decimal("200.25")))
    todo = next(m.name for m in figures(demo_db, c).milestones if not m.done)
    sheet.set(c, f"ms:{todo}", dt.datetime(2026, 11, 27))
    filled = sheet.save(tmp_path / "filled.xlsx")
    n0 = counts(demo_db)

    rc, out, err = run(capsys, demo_db, "progress", "import", str(filled), "--dry-run")
    assert rc == 0, err
    assert "+120.50" in out and "+200.25" in out and "将记录" in out
    assert counts(demo_db) == n0

    rc, out, err = run(capsys, demo_db, "progress", "import", str(filled))
    assert rc == 0, err
    assert "已记录:完成投资 2 条,形象进度 1 条,节点 1 个" in out
    assert counts(demo_db) == (n0[0] + 2, n0[1] + 1, n0[2] + 1)
    after_a, after_b = figures(demo_db, a), figures(demo_db, b)
    assert after_a.actual_this_week == before_a.actual_this_week + Decimal("120.5")
    assert (after_a.stage, after_a.percent_complete) == ("收尾", Decimal("0.97"))
    assert after_b.actual_to_date == before_b.actual_to_date + Decimal("200.25")
    assert next(m for m in figures(demo_db, c).milestones if m.name == todo).actual == \
        dt.date(2026, 11, 27)
    store = Store.open(demo_db)
    entries = store.entries(a)
    store.close()
    new = entries[-1]
    assert new.origin.startswith(f"progress:{WEEK}:") and new.note == "=1+1 而非公式"
    assert new.entry_date == AS_OF

    # the same file again, and a re-saved copy of it: nothing new
    rc, out, err = run(capsys, demo_db, "progress", "import", str(filled))
    assert rc == 0 and "没有新内容需要记录" in out and "曾于" in out
    copy = Sheet(filled).save(tmp_path / "copy.xlsx")
    rc, out, err = run(capsys, demo_db, "progress", "import", str(copy), str(filled))
    assert rc == 0 and "没有新内容需要记录" in out
    assert counts(demo_db) == (n0[0] + 2, n0[1] + 1, n0[2] + 1)


def test_a_bad_cell_names_file_and_cell_and_writes_nothing(template, demo_db, tmp_path, capsys):
    sheet = Sheet(template)
    a, b = [pid for pid in sheet.rows if pid is not None][:2]
    sheet.set(a, "week_actual", 50)  # good
    bad_ref = sheet.set(b, "week_actual", "一百")
    good = sheet.save(tmp_path / "good-and-bad.xlsx")
    n0 = counts(demo_db)
    rc, out, err = run(capsys, demo_db, "progress", "import", str(good))
    assert rc == 1
    assert f"good-and-bad.xlsx 进度填报!{bad_ref}" in err and "一百" in err
    assert "未写入任何内容" in err and "Traceback" not in err
    assert counts(demo_db) == n0


@pytest.mark.parametrize("code, value, message", [
    ("percent", 120, "0 到 100"),
    ("week_actual", -5, "负数"),
    ("stage", "打桩", "形象进度阶段"),
    ("ms:投用", dt.datetime(2026, 12, 5), "晚于填报周的最后一天"),
])
def test_each_check_names_its_cell(template, demo_db, tmp_path, capsys, code, value, message):
    sheet = Sheet(template)
    pid = next(p for p in sheet.rows if p is not None and not sheet.cell(p, code).value)
    ref = sheet.set(pid, code, value)
    path = sheet.save(tmp_path / "x.xlsx")
    rc, out, err = run(capsys, demo_db, "progress", "import", str(path))
    assert rc == 1 and f"x.xlsx 进度填报!{ref}" in err and message in err, err


def test_conflicts_across_files_and_with_the_record(template, demo_db, tmp_path, capsys):
    sheet = Sheet(template)
    a = next(p for p in sheet.rows if p is not None)
    sheet.set(a, "week_actual", 80)
    first = sheet.save(tmp_path / "first.xlsx")
    sheet.set(a, "week_actual", 90)
    second = sheet.save(tmp_path / "second.xlsx")
    n0 = counts(demo_db)
    rc, out, err = run(capsys, demo_db, "progress", "import", str(first), str(second))
    assert rc == 1 and "second.xlsx" in err and "first.xlsx" in err
    assert counts(demo_db) == n0
    rc, out, err = run(capsys, demo_db, "progress", "import", str(first))
    assert rc == 0, err
    rc, out, err = run(capsys, demo_db, "progress", "import", str(second))
    assert rc == 1 and "spend undo" in err and "80.00" in err
    sheet.set(a, "week_actual", None)
    sheet.set(a, "cumulative", 1)
    low = sheet.save(tmp_path / "low.xlsx")
    rc, out, err = run(capsys, demo_db, "progress", "import", str(low))
    assert rc == 1 and "小于" in err


def test_a_percent_typed_as_a_percentage(template, demo_db, tmp_path, capsys):
    sheet = Sheet(template)
    a = next(p for p in sheet.rows if p is not None)
    cell = sheet.cell(a, "percent")
    cell.value = 0.45
    cell.number_format = "0%"  # what a spreadsheet stores when "45%" is typed
    path = sheet.save(tmp_path / "p.xlsx")
    rc, out, err = run(capsys, demo_db, "progress", "import", str(path))
    assert rc == 0, err
    assert figures(demo_db, a).percent_complete == Decimal("0.45")


def test_an_id_cell_turned_to_text_is_still_its_id(template, demo_db, tmp_path, capsys):
    sheet = Sheet(template)
    a, b = [pid for pid in sheet.rows if pid is not None][:2]
    sheet.set(a, "id", str(a))  # a spreadsheet that turned the id column to text
    sheet.set(a, "week_actual", 30)
    sheet.set(b, "week_actual", 40)
    n0 = counts(demo_db)
    rc, out, err = run(capsys, demo_db, "progress", "import", str(sheet.save(tmp_path / "t.xlsx")))
    assert rc == 0, out + err
    assert counts(demo_db)[0] == n0[0] + 2
    assert f"#{a} " in out and f"#{b} " in out


def test_not_a_template(demo_db, tmp_path, capsys):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "hello"
    wb.save(tmp_path / "plain.xlsx")
    (tmp_path / "notes.xlsx").write_text("not a workbook")
    rc, out, err = run(capsys, demo_db, "progress", "import", str(tmp_path / "plain.xlsx"),
                       str(tmp_path / "notes.xlsx"))
    assert rc == 1 and "plain.xlsx" in err and "_projtrack" in err and "notes.xlsx" in err
    rc, out, err = run(capsys, demo_db, "progress", "import", str(tmp_path / "missing.xlsx"))
    assert rc == 2
