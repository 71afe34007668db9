"""The command line, end to end on a real database file: exact exit codes, messages and what
the store holds afterwards."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from projtrack.cli import main
from tests.conftest import SAMPLE

AS_OF = "2023-06-30"


def run(capsys, db, *args, as_of=AS_OF, lang="en"):
    rc = main(["--db", db, "--as-of", as_of, "--lang", lang, *args])
    out, err = capsys.readouterr()
    return rc, out, err


@pytest.fixture
def db(db_url, capsys):
    rc, out, err = run(capsys, db_url, "import", str(SAMPLE))
    assert rc == 0, out + err
    return db_url


def export(capsys, db, as_of=AS_OF) -> dict:
    rc, out, err = run(capsys, db, "export", as_of=as_of)
    assert rc == 0, err
    return json.loads(out)


def test_import_reproduces_the_annex(db, capsys, expected):
    data = export(capsys, db)
    projects = {p["name"]: p for p in data["projects"]}
    assert len(projects) == expected["count"] == 88
    for name, want in expected["projects"].items():
        got = projects[name]
        assert Decimal(got["total_investment"]) == Decimal(str(want["total"])), name
        assert {int(y): Decimal(a) for y, a in got["annual_plan"].items() if Decimal(a)} == {
            int(y): Decimal(str(a)) for y, a in want["plan"].items()}, name
        assert Decimal(got["period_plan"]) == Decimal(str(want["period_plan"])), name
        land = want["land"]
        assert (got["land_mu"] and Decimal(got["land_mu"])) == (land and Decimal(land)), name
        assert got["new_places"] == want["places"], name
        assert (got["start_year"], got["end_year"]) == (want["start"], want["end"]), name
        assert (got["township"], got["annex_class"], got["category"], got["construction_type"]) == (
            want["town"], want["annex_class"], want["category"], want["nature"]), name
        assert got["source"]["row"] == expected["facts"]["items"][name]
    for cat, want in expected["by_category"].items():
        tot = data["totals"]["by_category"][cat]
        assert tot["count"] == want["count"], cat
        assert Decimal(tot["total_investment"]) == Decimal(str(want["total"])), cat
        assert tot["new_places"] == want["places"], cat


def test_json_contract_fields_and_types(db, capsys):
    data = export(capsys, db)
    assert data["as_of"] == AS_OF
    p = data["projects"][0]
    for key in ("id", "name", "category", "annex_class", "construction_type", "township",
                "responsible_unit", "start_year", "end_year", "total_investment", "period_plan",
                "annual_plan", "project_code", "prior_actual", "land_mu", "floor_area_m2",
                "new_places", "phase", "status", "actual_to_date", "actual_this_year",
                "planned_to_date", "variance", "variance_rate", "annual_completion_rate",
                "cumulative_completion_rate", "time_progress", "funds_received", "payments",
                "percent_complete", "earned_value", "spi", "cpi", "flag", "flag_reasons",
                "milestones", "source", "baseline", "pending_budget_changes"):
        assert key in p, key
    assert p["baseline"] == "sample-annex.xlsx" and p["pending_budget_changes"] == []
    assert isinstance(p["total_investment"], str) and isinstance(p["new_places"], int)
    assert p["flag"] in ("green", "yellow", "red")
    assert [m["name"] for m in p["milestones"]][0] == "立项"
    assert "overall" in data["totals"] and "by_category" in data["totals"]


def test_importing_the_same_file_again_changes_nothing(db, capsys):
    before = export(capsys, db)
    rc, out, _ = run(capsys, db, "import", str(SAMPLE), "--json")
    assert rc == 0
    summary = json.loads(out)
    assert summary["counts"] == {"added": 0, "changed": 0, "unchanged": 88, "withdrawn": 0,
                                 "warnings": summary["counts"]["warnings"], "errors": 0}
    assert summary["written"] is False
    assert export(capsys, db) == before
    rc, out, _ = run(capsys, db, "audit", "list", "--limit", "1000")
    assert out.count(" create ") == 88


def test_the_same_annex_under_another_name_only_moves_the_sources(db, capsys, tmp_path):
    """Same projects, another file: nothing changes but where each project was last read
    from (the plan's "moved"), written to the projects themselves."""
    import shutil

    from projtrack.store.repo import Store

    renamed = tmp_path / "附件-定稿.xlsx"
    shutil.copy(SAMPLE, renamed)
    before = export(capsys, db)
    rc, out, _ = run(capsys, db, "import", str(renamed), "--json")
    assert rc == 0
    assert json.loads(out)["counts"]["changed"] == 0
    store = Store.open(db, create=False)
    try:
        sources = {f.source.file for f in store.projects() if f.source}
    finally:
        store.close()
    assert sources == {"附件-定稿.xlsx"}

    def without_source(data):
        return [{k: v for k, v in p.items() if not k.startswith("source")} for p in data["projects"]]

    after = export(capsys, db)
    assert without_source(after) == without_source(before) and after != before


def _revised(tmp_path: Path) -> Path:
    """The sample with one total changed, one project removed and one added."""
    wb = openpyxl.load_workbook(SAMPLE)
    ws = wb.active
    ws["G9"] = 12000                      # 鳌江镇第七小学: total 11755 → 12000
    ws["B10"] = "平阳县新设小学新建工程"     # 昆阳镇第二中学 disappears; a new name appears
    ws["G10"] = 26000                     # with a total of its own (else: a rename)
    out = tmp_path / "revised.xlsx"
    wb.save(out)
    return out


def test_dry_run_prints_the_diff_and_writes_nothing(db, capsys, tmp_path):
    before = export(capsys, db)
    rc, out, _ = run(capsys, db, "import", str(_revised(tmp_path)), "--dry-run", "--json")
    assert rc == 0
    s = json.loads(out)
    assert s["added"] == ["平阳县新设小学新建工程"]
    assert [w["name"] for w in s["withdrawn"]] == ["平阳县昆阳镇第二中学迁建工程"]
    change = next(c for c in s["changed"] if c["name"] == "平阳县鳌江镇第七小学新建工程")
    assert {"field": "total_investment", "old": "11755", "new": "12000"} in change["changes"]
    assert export(capsys, db) == before
    rc, out, _ = run(capsys, db, "import", str(_revised(tmp_path)), "--dry-run")
    assert "11755 → 12000" in out and "Dry run" in out


def test_revised_annex_updates_adds_and_withdraws_keeping_history(db, capsys, tmp_path):
    assert run(capsys, db, "spend", "add", "昆阳镇第二中学", "100", "--date", "2023-05-01")[0] == 0
    rc, out, _ = run(capsys, db, "import", str(_revised(tmp_path)))
    assert rc == 0, out
    data = export(capsys, db)
    by = {p["name"]: p for p in data["projects"]}
    assert len(by) == 89
    gone = by["平阳县昆阳镇第二中学迁建工程"]
    assert gone["status"] == "withdrawn" and gone["actual_to_date"] == "100"
    assert by["平阳县鳌江镇第七小学新建工程"]["total_investment"] == "12000"
    assert data["totals"]["overall"]["count"] == 88
    # the original annex lists it again: it comes back, with its history
    rc, out, _ = run(capsys, db, "import", str(SAMPLE))
    by = {p["name"]: p for p in export(capsys, db)["projects"]}
    assert by["平阳县昆阳镇第二中学迁建工程"]["status"] == "active"


def test_an_officers_edit_survives_reimporting_the_same_annex(db, capsys):
    assert run(capsys, db, "plan", "set", "第七小学", "2021", "5000")[0] == 0
    assert run(capsys, db, "import", str(SAMPLE))[0] == 0
    by = {p["name"]: p for p in export(capsys, db)["projects"]}
    assert by["平阳县鳌江镇第七小学新建工程"]["annual_plan"]["2021"] == "5000"


def test_spend_add_list_cumulative_and_undo(db, capsys):
    name = "平阳县昆阳镇第六小学新建工程"
    assert run(capsys, db, "spend", "add", name, "1,200.5", "--date", "2023/3/1")[0] == 0
    assert run(capsys, db, "spend", "add", name, "１２００", "--date", "2023年4月1日")[0] == 0
    rc, out, _ = run(capsys, db, "spend", "add", name, "3000", "--date", "2023.5.1",
                       "--cumulative", "year")
    assert rc == 0 and "599.50" in out
    assert run(capsys, db, "spend", "add", name, "50", "--date", "2023-05-02", "--kind", "到位资金",
               "--source", "专项债", "--note", "first bond")[0] == 0
    p = {x["name"]: x for x in export(capsys, db)["projects"]}[name]
    assert p["actual_to_date"] == "3000" and p["funds_received"] == "50"
    assert p["actual_this_year"] == "3000"
    rc, out, _ = run(capsys, db, "spend", "list", name)
    assert rc == 0 and "3,000.00" in out and "first bond" in out
    rc, out, _ = run(capsys, db, "spend", "undo", name, "--yes")
    assert rc == 0
    p = {x["name"]: x for x in export(capsys, db)["projects"]}[name]
    assert p["funds_received"] == "0" and p["actual_to_date"] == "3000"
    rc, out, _ = run(capsys, db, "spend", "list", name)
    assert out.count("#") >= 5  # four entries and the reversal: nothing deleted


def test_figures_follow_the_as_of_date(db, capsys):
    name = "平阳县昆阳镇第六小学新建工程"  # plans 2021 3004, 2022 5358, 2023 4654
    run(capsys, db, "spend", "add", name, "1000", "--date", "2023-01-10")
    run(capsys, db, "spend", "add", name, "500", "--date", "2023-07-10")
    p = {x["name"]: x for x in export(capsys, db, as_of="2023-06-30")["projects"]}[name]
    # day 181 of 365; PV = 3004 + 5358 + 4654 × 181/365
    pv = Decimal(3004 + 5358) + Decimal(4654) * Decimal(181) / Decimal(365)
    assert Decimal(p["planned_to_date"]) == pv
    assert p["actual_to_date"] == "1000" and Decimal(p["variance"]) == Decimal(1000) - pv
    assert Decimal(p["annual_completion_rate"]) == Decimal(1000) / Decimal(4654)
    p = {x["name"]: x for x in export(capsys, db, as_of="2023-12-31")["projects"]}[name]
    assert p["actual_to_date"] == "1500" and p["time_progress"] == "1"


def test_milestone_plan_phase_and_progress(db, capsys):
    name = "平阳县昆阳镇第六小学新建工程"
    assert run(capsys, db, "milestone", "set", name, "开工", "--actual", "2022-02-15")[0] == 0
    assert run(capsys, db, "plan", "set", name, "2026", "800")[0] == 0
    assert run(capsys, db, "phase", "set", name, "在建")[0] == 0
    assert run(capsys, db, "progress", "add", name, "--date", "2023-06-01", "--stage", "主体结构",
               "--percent", "40%")[0] == 0
    p = {x["name"]: x for x in export(capsys, db)["projects"]}[name]
    start = next(m for m in p["milestones"] if m["name"] == "开工")
    assert start == {"name": "开工", "planned": "2021-12-31", "actual": "2022-02-15", "slip_days": 46}
    handover = next(m for m in p["milestones"] if m["name"] == "投用")
    assert handover["planned"] == "2023-08-31"
    assert p["annual_plan"]["2026"] == "800" and p["phase"] == "在建"
    assert p["percent_complete"] == "0.4" and p["earned_value"] == "5206.4"
    rc, out, _ = run(capsys, db, "audit", "list", name)
    assert "开工.actual" in out and "plan.2026" in out and "phase" in out


@pytest.mark.parametrize("args, code, text", [
    (["spend", "add", "第六小学", "abc", "--date", "2023-01-01"], 1, "not an amount"),
    (["spend", "add", "--date", "2023-01-01", "第六小学", "--", "-5"], 1, "negative"),
    (["spend", "add", "第六小学", "5", "--date", "2023-13-01"], 2, "not a date"),
    (["spend", "add", "no such project", "5", "--date", "2023-01-01"], 2, "no project matches"),
    (["spend", "add", "幼儿园", "5", "--date", "2023-01-01"], 2, "matches"),
    (["spend", "add", "第六小学", "5", "--date", "2023-01-01", "--kind", "x"], 2, "unknown entry kind"),
    (["phase", "set", "第六小学", "done"], 2, "unknown phase"),
    (["milestone", "set", "第六小学", "finish", "--actual", "2023-01-01"], 2, "unknown milestone"),
    (["export", "--format", "pdf"], 2, "unknown format"),
    (["nosuchcommand"], 2, "No such command"),
    (["--lang", "fr", "export"], 2, "“fr”"),
])
def test_bad_input_exit_codes_and_messages(db, capsys, args, code, text):
    before = export(capsys, db)
    rc, out, err = run(capsys, db, *args)
    assert rc == code
    assert text in out + err
    assert "Traceback" not in out + err
    assert export(capsys, db) == before


def test_messages_are_chinese_by_default(db, capsys):
    rc, out, err = run(capsys, db, "spend", "add", "没有这个", "5", "--date", "2023-01-01", lang="zh")
    assert rc == 2 and "找不到项目" in err


def test_bad_annex_writes_nothing_and_names_the_cell(db_url, capsys, tmp_path):
    wb = openpyxl.load_workbook(SAMPLE)
    wb.active["G12"] = "abc"
    bad = tmp_path / "bad.xlsx"
    wb.save(bad)
    rc, out, err = run(capsys, db_url, "import", str(bad))
    assert rc == 1
    assert "G12" in out and "abc" in out
    assert export(capsys, db_url)["projects"] == []


def test_export_csv_and_xlsx(db, capsys, tmp_path):
    rc, out, _ = run(capsys, db, "export", "--format", "csv")
    assert rc == 0 and out.splitlines()[0].startswith("id,name,category")
    assert len(out.splitlines()) == 89
    target = tmp_path / "out.xlsx"
    rc, _, _ = run(capsys, db, "export", "--format", "xlsx", "--out", str(target))
    assert rc == 0
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames == ["项目", "完成情况"]
    assert wb["项目"].max_row == 3 + 88


def test_xlsx_export_reimports_with_the_same_facts(db, capsys, tmp_path):
    target = tmp_path / "out.xlsx"
    assert run(capsys, db, "export", "--format", "xlsx", "--out", str(target))[0] == 0
    other = str(tmp_path / "other.db")
    rc, out, err = run(capsys, other, "import", str(target), "--county", "平阳县")  # (an export
    # names no county)
    assert rc == 0, out + err
    keys = ("name", "category", "annex_class", "construction_type", "township", "total_investment",
            "period_plan", "annual_plan", "land_mu", "floor_area_m2", "new_places", "start_year",
            "end_year", "responsible_unit")
    a = [{k: p[k] for k in keys} for p in export(capsys, db)["projects"]]
    b = [{k: p[k] for k in keys} for p in export(capsys, other)["projects"]]
    assert a == b


def test_python_dash_m_and_help(tmp_path):
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "projtrack", "--help"], capture_output=True, text=True)
    assert r.returncode == 0 and "import" in r.stdout and "export" in r.stdout
    script = Path(sys.executable).with_name("projtrack")  # the console script beside python
    r = subprocess.run([str(script), "--version"], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.startswith("projtrack ")


def test_global_options_after_the_command(db, capsys):
    rc = main(["--db", db, "export", "--as-of", "2023-12-31", "--lang", "en"])
    data = json.loads(capsys.readouterr().out)
    assert rc == 0 and data["as_of"] == "2023-12-31"
    rc = main(["--db", db, "--as-of", "2023-01-01", "export", "--as-of=2023-12-31"])
    assert rc == 0 and json.loads(capsys.readouterr().out)["as_of"] == "2023-12-31"
    rc = main(["--db", db, "spend", "add", "第六小学", "5", "--date", "2023-01-01", "--lang", "en",
               "--note", "--as-of"])  # an option's value is a value, whatever it looks like
    out, err = capsys.readouterr()
    assert rc == 0 and "recorded #" in out, err
    rc, out, _ = run(capsys, db, "spend", "list", "第六小学")
    assert out.splitlines()[-1].endswith("--as-of")


@pytest.mark.parametrize("args, text", [
    (["export", "--as-of"], "requires an argument"),
    (["export", "--as-of", "2023-13-01"], "--as-of"),
    (["export", "--lang", "fr"], "“fr”"),
])
def test_global_options_after_the_command_are_checked_as_before_it(db, capsys, args, text):
    rc = main(["--db", db, *args])
    out, err = capsys.readouterr()
    assert rc == 2 and text in err and "Traceback" not in out + err


def test_an_error_after_lang_en_is_said_in_english(db, capsys):
    rc = main(["--db", db, "export", "--as-of", "2023-13-01", "--lang", "en"])
    err = capsys.readouterr().err
    assert rc == 2 and err.startswith("Error") and "2023-13-01" in err


@pytest.mark.parametrize("url", ["mysql://officer@dbhost/projtrack", "oracle://officer@dbhost/x",
                                 "mssql+pyodbc://officer@dbhost/x"])
def test_an_engine_other_than_sqlite_or_postgresql_is_refused_in_one_line(capsys, url):
    rc, out, err = run(capsys, url, "export")
    assert rc == 2
    assert "SQLite" in err and "PostgreSQL" in err and url.split(":")[0].split("+")[0] in err
    assert "Traceback" not in out + err
