"""Baselines and budget changes through the real command line, on both engines: the first
import sets the first baseline, ``baseline set / list / show``, ``budget change / list /
approve / reject`` (only an approval moves the figures), typed amounts and dates as everywhere
else, refusals naming the field and the value, a revised annex's changes recorded as approved
with the annex as their source, and ``import undo`` taking them away again."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from projtrack.store.repo import Store
from tests.cli.test_cli import export, run
from tests.cli.test_import_guard import NAME_OF_ROW, annex
from tests.conftest import SAMPLE

SEVENTH = NAME_OF_ROW[9]  # 2019-2021, 总投资 11,755, plan 2021 4,066
SECOND = NAME_OF_ROW[10]  # 2019-2022, plans 2021 7,768 / 2022 5,520, 投用 planned 2022-08-31


@pytest.fixture
def db(db_url, capsys):
    rc, out, err = run(capsys, db_url, "import", str(SAMPLE), lang="zh")
    assert rc == 0, out + err
    assert "已设定首个基准“sample-annex.xlsx”(来源 annex sample-annex.xlsx)" in out
    return db_url


def project(capsys, db, name, as_of="2023-06-30") -> dict:
    return {p["name"]: p for p in export(capsys, db, as_of)["projects"]}[name]


def test_the_first_import_sets_the_current_baseline_and_a_second_one_does_not(db, capsys):
    rc, out, err = run(capsys, db, "baseline", "list")
    assert rc == 0, err
    lines = out.splitlines()
    assert len(lines) == 1 and " ".join(lines[0].split()).startswith("* #1 sample-annex.xlsx")
    assert "sample-annex.xlsx" in lines[0] and "annex sample-annex.xlsx" in lines[0]
    assert "88 projects" in lines[0]
    rc, out, err = run(capsys, db, "import", str(SAMPLE))  # the same file: nothing changes
    assert rc == 0 and "baseline" not in out, out
    assert run(capsys, db, "baseline", "list")[1].count("\n") == 1
    rc, out, err = run(capsys, db, "import", str(SAMPLE), "--json")
    assert json.loads(out)["baseline_set"] is None


def test_a_proposed_change_moves_nothing_an_approved_one_moves_the_figures(db, capsys):
    before = project(capsys, db, SEVENTH)
    rc, out, err = run(capsys, db, "budget", "change", "第七小学", "--total", "１２，７５５",
                       "--plan", "2021=4,100.5", "--reason", "概算调整")
    assert rc == 0, err
    assert "proposed budget change #1 recorded" in out
    assert "total investment 11,755.00 → 12,755.00 (+1,000.00)" in out
    assert "plan 2021 4,066.00 → 4,100.50 (+34.50)" in out
    now = project(capsys, db, SEVENTH)
    assert now.pop("pending_budget_changes") and not before.pop("pending_budget_changes")
    assert now == before  # pending: nothing moved
    rc, out, err = run(capsys, db, "budget", "list", "--pending")
    assert rc == 0 and out.splitlines()[-1] == "pending budget changes: 1, +1,000.00 万元", out
    rc, out, err = run(capsys, db, "budget", "list", "--pending", lang="zh")
    assert out.splitlines()[-1] == "待批调整 1 项,+1,000.00 万元"
    assert "拟调整" in out and "调整原因: 概算调整" in out
    rc, out, err = run(capsys, db, "budget", "approve", "1", "--doc", "平发改〔2023〕15号",
                       "--date", "2023年5月4日")
    assert rc == 0, err
    assert "approved (平发改〔2023〕15号, 2023-05-04)" in out
    after = project(capsys, db, SEVENTH)
    assert Decimal(after["total_investment"]) == Decimal("12755")
    assert after["annual_plan"]["2021"] == "4100.5"
    rc, out, err = run(capsys, db, "budget", "list")
    assert "#1 approved" in out and "平发改〔2023〕15号, 2023-05-04" in out
    assert out.splitlines()[-1] == "no pending budget changes"
    store = Store.open(db, create=False)
    try:
        audit = store.audit(after["id"], 20)
    finally:
        store.close()
    moved = {(a.field, a.old_value, a.new_value) for a in audit
             if (a.context or "").startswith("budget:#1 ")}
    assert moved == {("total_investment", "11755", "12755"), ("plan.2021", "4066", "4100.5")}
    assert [a.action for a in audit if a.entity == "budget_change"] == ["approve", "propose"]
    # an approval is reversed by another budget change, not by `undo`
    rc, out, err = run(capsys, db, "undo", "第七小学", "--yes")
    assert rc == 2 and Decimal(project(capsys, db, SEVENTH)["total_investment"]) == 12755


def test_a_move_between_years_is_one_change_whose_lines_sum_to_zero(db, capsys):
    rc, out, err = run(capsys, db, "budget", "change", SECOND, "--move", "2022→2023=500",
                       "--reason", "进度调整")
    assert rc == 0, err
    rc, out, err = run(capsys, db, "budget", "list")
    assert "moved between years: plan 2022 5,520.00 → 5,020.00 (−500.00); plan 2023" in out
    assert out.splitlines()[-1] == "pending budget changes: 1, 0.00 万元"
    plans = project(capsys, db, SECOND)["annual_plan"]
    rc, out, err = run(capsys, db, "budget", "approve", "1", "--doc", "A-1")
    assert rc == 0, err
    now = project(capsys, db, SECOND)["annual_plan"]
    assert Decimal(now["2022"]) == Decimal(plans["2022"]) - 500
    assert "2023" not in plans and now["2023"] == "500"
    assert sum(map(Decimal, now.values())) == sum(map(Decimal, plans.values()))
    # more than the year holds: refused, naming the year and the amount
    rc, out, err = run(capsys, db, "budget", "change", SECOND, "--move", "2021->2024=99,999",
                       "--reason", "x")
    assert rc == 1 and "the 2021 plan is 7,768.00 万元: moving 99,999.00" in err, err


@pytest.mark.parametrize(("args", "code", "words"), [
    (["--total", "12,75"], 1, ["total investment (--total)", "“12,75”"]),
    (["--plan", "2025=6500(含土地)"], 1, ["annual plan (--plan)", "“6500(含土地)”"]),
    (["--plan", "2025"], 1, ["--plan “2025”", "2025=1200"]),
    (["--move", "2024=5"], 1, ["--move “2024=5”", "2024→2025=300"]),
    (["--move", "2024→2024=5"], 2, ["the same year"]),
    (["--plan", "2025=1", "--move", "2024→2025=5"], 2, ["2025 is named twice"]),
    ([], 2, ["give --total, --plan or --move"]),
    (["--total", "11755"], 1, ["the figures given are the figures on record"]),
])
def test_a_change_that_cannot_be_read_is_refused_naming_it(db, capsys, args, code, words):
    rc, out, err = run(capsys, db, "budget", "change", "第七小学", *args, "--reason", "x")
    assert rc == code, (out, err)
    assert all(w in err for w in words), err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert run(capsys, db, "budget", "list")[1].startswith("no budget changes")


def test_refusals_are_chinese_by_default(db, capsys):
    rc, out, err = run(capsys, db, "budget", "change", "第七小学", "--total", "12,75",
                       "--reason", "x", lang="zh")
    assert rc == 1 and "总投资(--total)“12,75”" in err, err
    rc, out, err = run(capsys, db, "budget", "approve", "7", "--doc", "x", lang="zh")
    assert rc == 2 and "找不到调整 #7" in err


def test_unknown_project_or_change_exit_2_and_a_decided_change_is_not_decided_again(db, capsys):
    rc, out, err = run(capsys, db, "budget", "change", "不存在的学校", "--total", "1",
                       "--reason", "x")
    assert rc == 2 and "不存在的学校" in err
    for verb in (["approve", "99", "--doc", "x"], ["reject", "99"],
                 ["approve", "99999999999999999999", "--doc", "x"]):
        rc, out, err = run(capsys, db, "budget", *verb)
        assert rc == 2, (verb, err)
    assert run(capsys, db, "budget", "change", "第七小学", "--total", "12000",
               "--reason", "x")[0] == 0
    rc, out, err = run(capsys, db, "budget", "approve", "1", "--doc", " ")
    assert rc == 2 and "approval document number is missing" in err
    rc, out, err = run(capsys, db, "budget", "approve", "1", "--doc", "A", "--date", "5/4")
    assert rc == 2 and "“5/4”" in err
    rc, out, err = run(capsys, db, "budget", "reject", "1", "--doc", "平发改〔2023〕20号",
                       "--reason", "超出概算")
    assert rc == 0 and "rejected" in out, err
    assert Decimal(project(capsys, db, SEVENTH)["total_investment"]) == 11755
    rc, out, err = run(capsys, db, "budget", "approve", "1", "--doc", "B")
    assert rc == 1 and "#1 is 未批准 already (平发改〔2023〕20号" in err, err
    rc, out, err = run(capsys, db, "budget", "list")
    assert "#1 rejected" in out and "超出概算" in out


def test_an_approval_is_refused_when_the_figure_changed_since_it_was_proposed(db, capsys):
    assert run(capsys, db, "budget", "change", "第七小学", "--plan", "2021=5000",
               "--reason", "x")[0] == 0
    assert run(capsys, db, "plan", "set", "第七小学", "2021", "4200")[0] == 0
    rc, out, err = run(capsys, db, "budget", "approve", "1", "--doc", "A")
    assert rc == 1, err
    assert "the 2021 plan changed (4,066.00 then, 4,200.00 now)" in err
    assert project(capsys, db, SEVENTH)["annual_plan"]["2021"] == "4200"
    assert "#1 proposed" in run(capsys, db, "budget", "list")[1]


def test_baseline_show_says_what_differs_now(db, capsys):
    assert run(capsys, db, "budget", "change", SECOND, "--total", "20000", "--move",
               "2022→2023=500", "--reason", "x")[0] == 0
    assert run(capsys, db, "budget", "approve", "1", "--doc", "A")[0] == 0
    assert run(capsys, db, "milestone", "set", SECOND, "投用", "--planned", "2023-08-31")[0] == 0
    rc, out, err = run(capsys, db, "baseline", "show", as_of="2023-06-30")
    assert rc == 0, err
    assert out.startswith("baseline “sample-annex.xlsx” (#1, ")
    assert "[current]: 88 projects" in out.splitlines()[0]
    block = out.split(f"{SECOND}\n", 1)[1]
    assert "plan 2022: baseline 5,520.00 → current 5,020.00 (−500.00)" in block
    assert "plan 2023: baseline — → current 500.00 (+500.00)" in block
    assert ("baseline planned 2022-08-31, planned now 2023-08-31 (+365 days), slip against the "
            "baseline 303 days") in block  # 2022-09-01 … 2023-06-30, not done
    assert out.splitlines()[-1].startswith("1 projects differ from the baseline")
    rc, out, err = run(capsys, db, "baseline", "show", "--json", as_of="2023-06-30")
    data = json.loads(out)
    assert data["baseline"]["name"] == "sample-annex.xlsx" and data["baseline"]["current"]
    p = {x["name"]: x for x in data["projects"]}[SECOND]
    assert p["differs"] and p["total_investment_change"] is not None
    assert {c["year"]: c["change"] for c in p["plan_changes"]} == {2022: "-500", 2023: "500"}
    # the PV of both plans at 2023-06-30 (day 181 of 365): the 500 moved shows in the PV
    assert Decimal(p["planned_to_date_baseline"]) == 7768 + 5520
    assert Decimal(p["planned_to_date"]) == 7768 + 5020 + Decimal(500) * 181 / 365
    handover = {m["name"]: m for m in p["milestones"]}["投用"]
    assert handover == {"name": "投用", "baseline_planned": "2022-08-31",
                        "planned": "2023-08-31", "actual": None, "slip_days": 303,
                        "moved_days": 365}
    untouched = {x["name"]: x for x in data["projects"]}[SEVENTH]
    assert not untouched["differs"]
    assert untouched["planned_to_date_baseline"] == untouched["planned_to_date"]


def test_baseline_set_freezes_now_and_becomes_current(db, capsys):
    assert run(capsys, db, "plan", "set", "第七小学", "2021", "4200")[0] == 0
    rc, out, err = run(capsys, db, "baseline", "set", "2023年调整后")
    assert rc == 0 and "“2023年调整后” set and made current" in out, err
    rc, out, err = run(capsys, db, "baseline", "set", "2023年调整后")
    assert rc == 1 and "exists already" in err
    rc, out, err = run(capsys, db, "baseline", "set", "  ")
    assert rc == 2
    lines = [" ".join(ln.split()) for ln in run(capsys, db, "baseline", "list")[1].splitlines()]
    assert lines[0].startswith("* #2 2023年调整后") and lines[1].startswith("#1 sample-annex")
    rc, out, err = run(capsys, db, "baseline", "show")
    assert "nothing differs from the baseline" in out
    rc, out, err = run(capsys, db, "baseline", "show", "sample-annex.xlsx")
    assert "plan 2021: baseline 4,066.00 → current 4,200.00 (+134.00)" in out
    rc, out, err = run(capsys, db, "baseline", "show", "没有这个")
    assert rc == 2 and "没有这个" in err


def test_a_revised_annex_records_approved_changes_and_its_undo_removes_them(db, capsys, tmp_path):
    revised = annex(tmp_path, "附件-修订.xlsx", G9=12500, H9=4500, I9=4500)
    rc, out, err = run(capsys, db, "import", str(revised))
    assert rc == 0, err
    assert "recorded as 1 approved budget change(s) (source annex 附件-修订.xlsx)" in out
    assert "first baseline" not in out
    rc, out, err = run(capsys, db, "budget", "list")
    (line,) = [ln for ln in out.splitlines() if ln.startswith("#")]
    assert line.startswith(f"#1 approved  {SEVENTH}")
    assert "total investment 11,755.00 → 12,500.00 (+745.00)" in line
    assert "plan 2021 4,066.00 → 4,500.00 (+434.00)" in line
    assert "[annex 附件-修订.xlsx, " in line
    rc, out, err = run(capsys, db, "baseline", "show")
    assert "total investment: baseline 11,755.00 → current 12,500.00 (+745.00)" in out
    rc, out, err = run(capsys, db, "import", "undo", "--yes")
    assert rc == 0 and "budget changes it recorded → deleted (1)" in out, out
    assert run(capsys, db, "budget", "list")[1].startswith("no budget changes")
    assert Decimal(project(capsys, db, SEVENTH)["total_investment"]) == 11755
    rc, out, err = run(capsys, db, "import", "undo", "--yes")  # the first import: its baseline
    assert rc == 0 and "baseline it set → deleted: sample-annex.xlsx" in out, out
    assert run(capsys, db, "baseline", "list")[1].startswith("no baseline yet")


def test_import_undo_keeps_an_added_project_that_has_a_budget_change(db_url, capsys):
    assert run(capsys, db_url, "import", str(SAMPLE))[0] == 0
    assert run(capsys, db_url, "budget", "change", "第七小学", "--total", "1",
               "--reason", "x")[0] == 0
    rc, out, err = run(capsys, db_url, "import", "undo", "--yes")
    assert rc == 0, err
    assert "kept and marked withdrawn (entries are never deleted) (1)" in out, out
    store = Store.open(db_url, create=False)
    try:
        kept = [p for p in store.projects() if p.name == SEVENTH]
    finally:
        store.close()
    assert [p.status for p in kept] == ["withdrawn"]


def test_the_export_carries_the_baseline_and_the_pending_changes(db, capsys):
    assert run(capsys, db, "budget", "change", "第七小学", "--total", "12,755",
               "--reason", "概算调整")[0] == 0
    p = project(capsys, db, SEVENTH)
    assert p["baseline"] == "sample-annex.xlsx"
    (c,) = p["pending_budget_changes"]
    assert (c["id"], c["state"], c["reason"], c["source"], c["amount"]) == (
        1, "拟调整", "概算调整", "cli", "1000")
    assert c["lines"] == [{"field": "total_investment", "year": None, "old": "11755",
                           "new": "12755", "delta": "1000"}]
    assert p["total_investment"] == "11755"  # pending: not moved
    assert all(x["pending_budget_changes"] == [] for x in export(capsys, db)["projects"]
               if x["name"] != SEVENTH)
    assert run(capsys, db, "budget", "approve", "1", "--doc", "A")[0] == 0
    p = project(capsys, db, SEVENTH)
    assert p["pending_budget_changes"] == [] and p["total_investment"] == "12755"


def test_the_pending_summary_for_the_report_and_the_project_view(db, capsys):
    from projtrack.services.budget import pending, pending_text

    assert run(capsys, db, "budget", "change", "第七小学", "--total", "12,755",
               "--reason", "x")[0] == 0
    assert run(capsys, db, "budget", "change", SECOND, "--move", "2021→2022=100",
               "--plan", "2023=250", "--reason", "y")[0] == 0
    assert run(capsys, db, "budget", "change", SECOND, "--total", "26,000", "--reason", "z")[0] == 0
    assert run(capsys, db, "budget", "reject", "3")[0] == 0
    store = Store.open(db, create=False)
    try:
        s = pending(store)
        assert (s.count, s.amount, s.total_delta, s.plan_delta) == (2, Decimal("1250"),
                                                                    Decimal("1000"), Decimal("250"))
        assert pending_text(s, "zh") == "待批调整 2 项,+1,250.00 万元"
        assert pending_text(s, "en") == "pending budget changes: 2, +1,250.00 万元"
        one = store.find(SECOND)[0][0]
        assert pending(store, [one]).count == 1 and pending(store, [one]).amount == 250
        assert pending_text(pending(store, [99999]), "zh") == "无待批调整"
    finally:
        store.close()
