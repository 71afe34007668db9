"""An import can't wreck the portfolio: projtrack's own files are refused as annexes, an export
re-imports as one, a revised annex that blanks or withdraws much stops until ``--yes``, a renamed
project keeps its id, and ``import undo`` puts the database back exactly — through the real
entry point, checked through the store, on both engines."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from projtrack.store.models import AuditLog, ImportRun, LedgerEntry
from projtrack.store.repo import Store
from tests.cli.test_cli import export, run
from tests.conftest import PG_ADMIN, SAMPLE, _pg_database

NAME_OF_ROW = {9: "平阳县鳌江镇第七小学新建工程", 10: "平阳县昆阳镇第二中学迁建工程",
               11: "平阳县萧江镇第三小学新建工程"}
FACTS = ("name", "category", "annex_class", "construction_type", "township", "responsible_unit",
         "start_year", "end_year", "total_investment", "period_plan", "annual_plan",
         "project_code", "prior_actual", "land_mu", "floor_area_m2", "new_places", "phase",
         "status")


@pytest.fixture
def db(db_url, capsys):
    rc, out, err = run(capsys, db_url, "import", str(SAMPLE))
    assert rc == 0, out + err
    return db_url


@pytest.fixture
def other_db(db_url, tmp_path):
    """A second, empty database on the same engine as ``db_url``."""
    if "postgresql" not in db_url:
        yield str(tmp_path / "other.db")
        return
    from sqlalchemy import text

    assert PG_ADMIN
    admin, name, url = _pg_database()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def annex(tmp_path: Path, name: str, **cells) -> Path:
    """The sample annex with some cells changed (``G9=12000``; None empties a cell)."""
    wb = openpyxl.load_workbook(SAMPLE)
    ws = wb.active
    for ref, value in cells.items():
        ws[ref] = value
    path = tmp_path / name
    wb.save(path)
    return path


def import_runs(db) -> list[tuple]:
    store = Store.open(db, create=False)
    try:
        with store.read() as s:
            return s.execute(select(ImportRun.id, ImportRun.file, ImportRun.undone_at)
                             .order_by(ImportRun.id)).all()
    finally:
        store.close()


def facts(data: dict) -> dict[str, dict]:
    return {p["name"]: {k: p[k] for k in FACTS} for p in data["projects"]}


# --- projtrack's own files -------------------------------------------------------------------
def _own_files(db, capsys, tmp_path) -> dict[str, Path]:
    template = tmp_path / "进度填报表.xlsx"
    rc, out, err = run(capsys, db, "progress", "template", "--out", str(template))
    assert rc == 0, out + err
    returned = tmp_path / "进度填报表-已填.xlsx"  # filled in and saved by a sender's spreadsheet
    wb = openpyxl.load_workbook(template)
    wb.worksheets[0]["J6"] = 120
    wb.save(returned)
    rc, out, err = run(capsys, db, "report", "weekly", "--format", "xlsx", "--out", str(tmp_path))
    assert rc == 0, out + err
    (report,) = set(tmp_path.glob("*.xlsx")) - {template, returned}
    pasted = tmp_path / "复制的填报表.xlsx"  # the sheet's values pasted into a new workbook
    fresh = openpyxl.Workbook()
    for row in openpyxl.load_workbook(template).worksheets[0].iter_rows(values_only=True):
        fresh.active.append(row)
    fresh.save(pasted)
    return {"template": template, "returned": returned, "report": report, "pasted": pasted}


def test_projtrack_s_own_fill_in_sheet_and_weekly_report_are_refused(db, capsys, tmp_path):
    files = _own_files(db, capsys, tmp_path)
    before, runs = export(capsys, db), import_runs(db)
    for key in ("template", "returned", "pasted"):
        path = files[key]
        rc, out, err = run(capsys, db, "import", str(path))
        assert rc == 1, out + err
        assert path.name in out and f"projtrack progress import {path}" in out, out
        assert "progress fill-in sheet" in out and "nothing was written" in out
        rc, out, _ = run(capsys, db, "import", str(path), lang="zh")
        assert rc == 1 and "进度填报表" in out and "progress import" in out and "未写入" in out
    rc, out, _ = run(capsys, db, "import", str(files["report"]))
    assert rc == 1 and files["report"].name in out and "weekly report" in out
    assert "progress import" not in out and "not an annex" in out
    rc, out, _ = run(capsys, db, "import", str(files["report"]), "--dry-run", "--json")
    data = json.loads(out)
    assert rc == 1 and [e["code"] for e in data["errors"]] == ["own_weekly_report"]
    assert data["written"] is False
    assert export(capsys, db) == before and import_runs(db) == runs


# --- an export re-imports as an annex ----------------------------------------------------------
def _lived_in(db, capsys, tmp_path) -> None:
    """Phases moved on, plans revised and added after 2025, one project withdrawn."""
    for args in (("phase", "set", "第七小学", "竣工"), ("phase", "set", "昆阳镇第二中学", "投用"),
                 ("plan", "set", "萧江镇第三小学", "2022", "2000.5"),
                 ("plan", "set", "萧江镇第三小学", "2026", "777.77")):
        assert run(capsys, db, *args)[0] == 0, args
    partial = annex(tmp_path, "附件-少一个.xlsx", B11=None)
    rc, out, _ = run(capsys, db, "import", str(partial))
    assert rc == 0 and "平阳县萧江镇第三小学新建工程" in out, out


def test_an_export_reimports_with_the_same_facts_and_changes_nothing_at_home(db, other_db, capsys,
                                                                            tmp_path):
    _lived_in(db, capsys, tmp_path)
    book = tmp_path / "导出.xlsx"
    assert run(capsys, db, "export", "--format", "xlsx", "--out", str(book))[0] == 0
    home = export(capsys, db)

    rc, out, _ = run(capsys, other_db, "import", str(book), "--json", "--county", "平阳县")
    data = json.loads(out)
    assert rc == 0 and data["written"] and data["counts"]["added"] == 88
    assert data["warnings"] == [], data["warnings"]
    assert facts(export(capsys, other_db)) == facts(home)
    moved = facts(home)
    assert moved["平阳县鳌江镇第七小学新建工程"]["phase"] == "竣工"
    assert moved["平阳县萧江镇第三小学新建工程"]["status"] == "withdrawn"
    assert moved["平阳县萧江镇第三小学新建工程"]["annual_plan"]["2026"] == "777.77"

    runs = import_runs(db)
    rc, out, _ = run(capsys, db, "import", str(book), "--json")
    data = json.loads(out)
    assert rc == 0 and not data["written"] and data["warnings"] == []
    assert data["counts"] | {"unchanged": 0} == {"added": 0, "changed": 0, "unchanged": 0,
                                                 "withdrawn": 0, "warnings": 0, "errors": 0}
    assert export(capsys, db) == home and import_runs(db) == runs


# --- the guard ---------------------------------------------------------------------------------
def test_an_annex_that_blanks_fields_stops_until_yes(db, capsys, tmp_path):
    blanked = annex(tmp_path, "附件-缺责任单位.xlsx", P9=None, P10=None)
    before, runs = export(capsys, db), import_runs(db)
    rc, out, _ = run(capsys, db, "import", str(blanked))
    assert rc == 1, out
    assert "responsible unit: 县教育局 → ∅" in out
    assert "would blank 2 fields that an earlier annex filled (in 2 projects)" in out
    assert "--yes" in out and "Nothing was written" in out
    assert export(capsys, db) == before and import_runs(db) == runs
    rc, out, _ = run(capsys, db, "import", str(blanked), "--dry-run", lang="zh")
    assert rc == 0 and "清空早先附件已填写的 2 个字段" in out and "--yes" in out
    rc, out, _ = run(capsys, db, "import", str(blanked), "--json")
    data = json.loads(out)
    assert rc == 1 and data["held"] and not data["written"] and data["needs_confirmation"]
    assert {(b["name"], b["field"], b["old"]) for b in data["blanked"]} == {
        (NAME_OF_ROW[9], "responsible_unit", "县教育局"),
        (NAME_OF_ROW[10], "responsible_unit", "县教育局")}
    rc, out, _ = run(capsys, db, "import", str(blanked), "--yes")
    assert rc == 0 and "responsible unit: 县教育局 → ∅" in out and "would blank" not in out, out
    by = {p["name"]: p for p in export(capsys, db)["projects"]}
    assert by[NAME_OF_ROW[9]]["responsible_unit"] is None


def test_a_year_s_plan_left_out_counts_as_blanked(db, capsys, tmp_path):
    dropped = annex(tmp_path, "附件-少一年.xlsx", I10=None, H10=5520)  # 2021: 7768 → none
    rc, out, _ = run(capsys, db, "import", str(dropped), "--json")
    data = json.loads(out)
    assert rc == 1 and [(b["field"], b["old"]) for b in data["blanked"]] == [("plan.2021", "7768")]


def test_withdrawing_more_than_a_tenth_stops_until_yes(db, capsys, tmp_path):
    rows = [r for r in range(9, 110) if isinstance(openpyxl.load_workbook(SAMPLE).active[f"A{r}"].value, int)]
    nine = annex(tmp_path, "附件-少九个.xlsx", **{f"B{r}": None for r in rows[:9]})  # 9 of 88
    eight = annex(tmp_path, "附件-少八个.xlsx", **{f"B{r}": None for r in rows[:8]})  # 8 of 88
    before = export(capsys, db)
    rc, out, _ = run(capsys, db, "import", str(nine))
    assert rc == 1 and "withdraw 9 projects, 10% of the 88 active projects" in out, out
    assert export(capsys, db) == before
    rc, out, _ = run(capsys, db, "import", str(nine), "--keep-missing")
    assert rc == 0 and "withdrawn 0" in out
    rc, out, _ = run(capsys, db, "import", str(eight))
    assert rc == 0, out
    assert sum(p["status"] == "withdrawn" for p in export(capsys, db)["projects"]) == 8
    rc, out, _ = run(capsys, db, "import", str(SAMPLE))  # all of them back: fine
    half = annex(tmp_path, "附件-一半.xlsx", **{f"B{r}": None for r in rows[:44]})
    assert run(capsys, db, "import", str(half))[0] == 1
    assert run(capsys, db, "import", str(half), "--yes")[0] == 0
    assert sum(p["status"] == "withdrawn" for p in export(capsys, db)["projects"]) == 44


# --- renames -----------------------------------------------------------------------------------
def test_a_renamed_project_keeps_its_id_and_history(db, capsys, tmp_path):
    assert run(capsys, db, "spend", "add", "昆阳镇第二中学", "100", "--date", "2023-05-01")[0] == 0
    old = {p["name"]: p for p in export(capsys, db)["projects"]}[NAME_OF_ROW[10]]
    new_name = "平阳县昆阳镇第二中学迁建工程(新址)"
    renamed = annex(tmp_path, "附件-改名.xlsx", B10=new_name)
    rc, out, _ = run(capsys, db, "import", str(renamed), "--dry-run", "--json")
    data = json.loads(out)
    assert rc == 0 and data["added"] == [] and data["withdrawn"] == []
    assert data["renamed"] == [{"id": old["id"], "old": NAME_OF_ROW[10], "new": new_name}]
    rc, out, _ = run(capsys, db, "import", str(renamed), lang="zh")
    assert rc == 0 and f"改名 {NAME_OF_ROW[10]} → {new_name}" in out, out
    by = {p["name"]: p for p in export(capsys, db)["projects"]}
    assert NAME_OF_ROW[10] not in by and len(by) == 88
    assert by[new_name]["id"] == old["id"] and by[new_name]["actual_to_date"] == "100"
    assert by[new_name]["status"] == "active"


def test_a_new_name_with_other_figures_is_a_new_project(db, capsys, tmp_path):
    other = annex(tmp_path, "附件-新项目.xlsx", B10="平阳县新设小学新建工程", G10=26000)
    rc, out, _ = run(capsys, db, "import", str(other), "--dry-run", "--json")
    data = json.loads(out)
    assert data["renamed"] == [] and data["added"] == ["平阳县新设小学新建工程"]
    assert [w["name"] for w in data["withdrawn"]] == [NAME_OF_ROW[10]]


# --- history and undo --------------------------------------------------------------------------
def _revised(tmp_path: Path) -> Path:
    """A total changed, a plan year added, a unit blanked, a project renamed, one withdrawn and
    one new."""
    return annex(tmp_path, "附件-修订.xlsx", G9=12000, K9=500, P11=None,
                 B10="平阳县昆阳镇第二中学迁建工程(调整)", B12="平阳县全新中学新建工程", G12=5555)


def test_undo_puts_the_database_back_exactly(db, capsys, tmp_path):
    assert run(capsys, db, "spend", "add", "第七小学", "250", "--date", "2023-03-01")[0] == 0
    assert run(capsys, db, "plan", "set", "第七小学", "2026", "10")[0] == 0
    before = export(capsys, db)
    rc, out, _ = run(capsys, db, "import", str(_revised(tmp_path)), "--yes")
    assert rc == 0, out
    changed = export(capsys, db)
    assert changed != before and len(changed["projects"]) == 89

    rc, out, _ = run(capsys, db, "import", "list")
    lines = out.splitlines()
    assert rc == 0 and len(lines) == 2
    assert lines[0].startswith("#2") and "附件-修订.xlsx" in lines[0] and "+1 ~3 -1" in lines[0]
    assert lines[1].startswith("#1") and "sample-annex.xlsx" in lines[1] and "+88 ~0 -0" in lines[1]

    rc, out, _ = run(capsys, db, "import", "undo", "--yes")
    assert rc == 0, out
    assert "Undone: import #2" in out and "平阳县全新中学新建工程" in out
    assert "name back: 平阳县昆阳镇第二中学迁建工程(调整) → 平阳县昆阳镇第二中学迁建工程" in out
    assert export(capsys, db) == before
    rc, out, _ = run(capsys, db, "import", "list", lang="zh")
    assert "已撤销" in out.splitlines()[0] and "已撤销" not in out.splitlines()[1]
    store = Store.open(db, create=False)
    try:
        undo_rows = [a for a in store.audit(limit=None) if (a.context or "").startswith("undo-import:2:")]
        assert {a.action for a in undo_rows} >= {"undo", "delete"}
        assert any(a.field == "total_investment" and a.old_value == "12000" and a.new_value == "11755"
                   for a in undo_rows)
    finally:
        store.close()


def test_undo_twice_round_trip_on_a_fresh_database(db_url, capsys, tmp_path):
    """import A, export, import a revised B, undo, export: the two exports are equal."""
    assert run(capsys, db_url, "import", str(SAMPLE))[0] == 0
    first = export(capsys, db_url)
    assert run(capsys, db_url, "import", str(_revised(tmp_path)), "--yes")[0] == 0
    assert run(capsys, db_url, "import", "undo", "--yes")[0] == 0
    assert export(capsys, db_url) == first
    assert run(capsys, db_url, "import", "undo", "--yes")[0] == 0
    assert export(capsys, db_url)["projects"] == []
    rc, out, err = run(capsys, db_url, "import", "undo", "--yes")
    assert rc == 2 and "no import to undo" in err and "Traceback" not in err


def test_undo_keeps_a_new_project_that_has_entries_and_lists_them(db, capsys, tmp_path):
    assert run(capsys, db, "import", str(_revised(tmp_path)), "--yes")[0] == 0
    assert run(capsys, db, "spend", "add", "全新中学", "88.5", "--date", "2023-05-02")[0] == 0
    assert run(capsys, db, "progress", "add", "全新中学", "--date", "2023-05-03", "--stage", "基础",
               "--percent", "5")[0] == 0
    rc, out, _ = run(capsys, db, "import", "undo", "--yes")
    assert rc == 0, out
    assert "kept and marked withdrawn" in out and "平阳县全新中学新建工程" in out
    assert "2023-05-02  平阳县全新中学新建工程  完成投资 88.50" in out
    assert "2023-05-03  平阳县全新中学新建工程  progress 基础 5%" in out
    by = {p["name"]: p for p in export(capsys, db)["projects"]}
    assert by["平阳县全新中学新建工程"]["status"] == "withdrawn"
    assert by["平阳县全新中学新建工程"]["actual_to_date"] == "88.5"
    store = Store.open(db, create=False)
    try:
        with store.read() as s:
            assert s.execute(select(func.count()).select_from(LedgerEntry)).scalar_one() == 1
    finally:
        store.close()


def test_only_the_latest_import_can_be_undone(db, capsys, tmp_path):
    assert run(capsys, db, "import", str(_revised(tmp_path)), "--yes")[0] == 0
    before = export(capsys, db)
    rc, _, err = run(capsys, db, "import", "undo", "1", "--yes")
    assert rc == 1 and "Import #1 is not the latest: #2" in err
    rc, _, err = run(capsys, db, "import", "undo", "7", "--yes")
    assert rc == 2 and "no annex import #7" in err
    assert export(capsys, db) == before
    assert run(capsys, db, "import", "undo", "2", "--yes")[0] == 0
    rc, _, err = run(capsys, db, "import", "undo", "2", "--yes")
    assert rc == 1 and "was undone on" in err
    assert run(capsys, db, "import", "undo", "1", "--yes")[0] == 0
    assert export(capsys, db)["projects"] == []


def test_undo_asks_first(db, capsys, tmp_path, monkeypatch):
    assert run(capsys, db, "import", str(_revised(tmp_path)), "--yes")[0] == 0
    changed = export(capsys, db)
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    rc, out, _ = run(capsys, db, "import", "undo")
    assert rc == 1 and "Undo import #2" in out and "Undo this import?" in out
    assert "Cancelled: nothing was changed." in out
    assert export(capsys, db) == changed
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # no answer at all: the same
    assert run(capsys, db, "import", "undo")[0] == 1 and export(capsys, db) == changed
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    rc, out, _ = run(capsys, db, "import", "undo")
    assert rc == 0 and "Undone: import #2" in out


def test_undo_lists_later_edits_it_reverts(db, capsys, tmp_path):
    assert run(capsys, db, "import", str(_revised(tmp_path)), "--yes")[0] == 0
    assert run(capsys, db, "phase", "set", "第七小学", "竣工")[0] == 0  # a row the undo writes back
    assert run(capsys, db, "plan", "set", "萧江镇第三小学", "2030", "5")[0] == 0  # one it does not
    assert run(capsys, db, "spend", "add", "第七小学", "50", "--date", "2023-04-01")[0] == 0
    rc, out, _ = run(capsys, db, "import", "undo", "--yes")
    assert rc == 0
    edits = out.split("edits made since the import to these records, undone too (1;")[1]
    assert edits.splitlines()[1:] == [f"    {NAME_OF_ROW[9]}  phase"]
    by = {p["name"]: p for p in export(capsys, db)["projects"]}
    assert by[NAME_OF_ROW[11]]["annual_plan"]["2030"] == "5"
    assert by[NAME_OF_ROW[9]]["phase"] == "在建" and by[NAME_OF_ROW[9]]["actual_to_date"] == "50"
    # the first import: its project with an entry is kept as it is, the other goes with its plan
    rc, out, _ = run(capsys, db, "import", "undo", "--yes")
    edits = out.split("undone too (1;")[1]
    assert edits.splitlines()[1:] == [f"    {NAME_OF_ROW[11]}  annual plan 2030"]
    assert f"entries are never deleted) (1): {NAME_OF_ROW[9]}" in out


def test_history_is_chinese_by_default_and_never_a_traceback(db, capsys):
    rc, out, _ = run(capsys, db, "import", "list", lang="zh")
    assert rc == 0 and out.startswith("#1") and "+88 ~0 -0" in out
    rc, out, err = run(capsys, db, "import", "undo", "3", lang="zh")
    assert rc == 2 and "没有编号为 #3 的附件导入" in err and "Traceback" not in out + err


def test_an_import_recorded_before_undo_existed_is_listed_but_not_undone(tmp_path, capsys):
    from tests.fixtures.db import make_fixture as fx

    db = str(tmp_path / "old.db")
    shutil.copyfile(fx.fixture_path("0004"), db)
    assert run(capsys, db, "db", "upgrade")[0] == 0
    rc, out, _ = run(capsys, db, "import", "list")
    assert rc == 0 and "附件.xlsx  +3 ~0 -0  (recorded before undo existed" in out
    rc, _, err = run(capsys, db, "import", "undo", "--yes")
    assert rc == 1 and "cannot be undone" in err


def test_an_applied_import_is_recorded_with_its_audit_mark(db, capsys, tmp_path):
    store = Store.open(db, create=False)
    try:
        with store.read() as s:
            run_row = s.execute(select(ImportRun)).scalars().one()
            last = s.execute(select(func.max(AuditLog.id))).scalar_one()
        undo = json.loads(run_row.undo)
        assert (run_row.added, run_row.changed, run_row.withdrawn) == (88, 0, 0)
        assert undo["audit_mark"] == last and len(undo["added"]) == 88 and undo["projects"] == []
    finally:
        store.close()
