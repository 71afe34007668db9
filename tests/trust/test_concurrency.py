"""Several people, one database: real processes writing and reading at the same time lose
nothing and never see "database is locked"; a stale save is refused with the other change."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from projtrack.errors import Conflict
from projtrack.services.entries import set_milestone, set_plan, update_project
from projtrack.store import chain
from projtrack.store.models import AuditLog, LedgerEntry, Project
from projtrack.store.repo import Store
from tests.conftest import SAMPLE
from tests.trust.helpers import ROOT, child_env

N = 80  # entries per process


def _start(tmp_path: Path, *argv: str) -> subprocess.Popen:
    env = child_env(PROJTRACK_GO=str(tmp_path / "go"))
    return subprocess.Popen([sys.executable, "-m", "tests.trust.workers", *argv], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _run_together(tmp_path: Path, *commands: list[str], timeout: float = 120) -> list[tuple[int, str, str]]:
    procs = [_start(tmp_path, *c) for c in commands]
    (tmp_path / "go").touch()
    results = []
    for p in procs:
        out, err = p.communicate(timeout=timeout)
        results.append((p.returncode, out, err))
    for rc, _out, err in results:
        assert "locked" not in err.lower() and "busy" not in err.lower(), err
        assert rc == 0, err
    return results


def _projects(store: Store, n: int) -> list[int]:
    with store.write() as s:
        rows = [Project(name=f"平阳县并发测试{i}号学校新建工程") for i in range(n)]
        s.add_all(rows)
        s.flush()
        return [p.id for p in rows]


def test_two_processes_write_and_read_at_once_and_lose_nothing(db_url, tmp_path):
    store = Store.open(db_url)
    ids = ",".join(map(str, _projects(store, 3)))
    results = _run_together(tmp_path, ["entries", db_url, ids, str(N), "A"],
                            ["entries", db_url, ids, str(N), "B"])
    assert [out.count("ok ") for _, out, _ in results] == [N, N]
    with store.read() as s:
        notes = [n for (n,) in s.execute(select(LedgerEntry.note))]
        audits = s.execute(select(func.count()).select_from(AuditLog)
                           .where(AuditLog.entity == "ledger_entry")).scalar_one()
    assert sorted(notes) == sorted([f"A-{i}" for i in range(N)] + [f"B-{i}" for i in range(N)])
    assert audits == 2 * N
    sums = store.ledger_sums(dt.date(2024, 12, 31))
    assert sum(v.actual_to_date for v in sums.values()) == Decimal("1.01") * 2 * N
    with store.engine.connect() as conn:  # writers queue: each chained after the one before
        assert chain.verify(conn) == []
    store.close()


def test_an_import_runs_while_officers_record_entries(db_url, tmp_path):
    """A CLI import (re-importing the annex and a revision of it) while two officers record."""
    import openpyxl

    store = Store.open(db_url)
    from projtrack.services.annex import import_annex

    assert not import_annex(store, SAMPLE).errors
    wb = openpyxl.load_workbook(SAMPLE)
    ws = wb.active
    ws["G9"] = 12000  # 平阳县鳌江镇第七小学新建工程: a revised total
    revised = tmp_path / "revised.xlsx"
    wb.save(revised)
    ids = ",".join(str(i) for i in range(1, 89))
    n = N // 2
    _run_together(tmp_path, ["entries", db_url, ids, str(n), "A"],
                  ["entries", db_url, ids, str(n), "B"],
                  ["imports", db_url, "6", str(revised), str(SAMPLE)])
    with store.read() as s:
        assert s.execute(select(func.count()).select_from(LedgerEntry)).scalar_one() == 2 * n
    p = store.project(store.find("鳌江镇第七小学")[0][0])
    assert p.total_investment == Decimal("11755")  # the last import was the original annex
    assert len([a for a in store.audit(p.id, limit=None) if a.field == "total_investment"]) == 6
    store.close()


def test_cumulative_totals_typed_at_once_stay_consistent(db_url, tmp_path):
    """Two officers type new cumulative totals for the same project at the same time: each
    increment is computed from the entries committed before it, so after every entry the running
    sum equals the total that was typed (no lost update between the read and the insert)."""
    store = Store.open(db_url)
    pid = _projects(store, 1)[0]
    n = N // 2
    _run_together(tmp_path, ["cumulative", db_url, str(pid), str(n), "A"],
                  ["cumulative", db_url, str(pid), str(n), "B"])
    running = Decimal(0)
    entries = sorted(store.entries(pid), key=lambda e: e.id)
    assert len(entries) > n
    for e in entries:
        running += e.amount
        assert running == e.entered_cumulative, e.id
    store.close()


def test_two_undos_at_once_never_reverse_the_same_entry(db_url, tmp_path):
    store = Store.open(db_url)
    ids = _projects(store, 2)
    from projtrack.services.entries import record_entry

    for i in range(2 * 40):
        record_entry(store, ids[i % 2], amount=Decimal(i + 1), date=dt.date(2024, 3, 1))
    _run_together(tmp_path, ["undo", db_url, "40"], ["undo", db_url, "40"])
    entries = [e for pid in ids for e in store.entries(pid)]
    reversed_ids = [e.reverses_id for e in entries if e.reverses_id]
    assert len(reversed_ids) == 80 and len(set(reversed_ids)) == 80
    assert sum(e.amount for e in entries) == 0
    store.close()


# --- optimistic concurrency: a stale save is refused, showing the other change -------------------
@pytest.fixture
def project(store):
    from projtrack.services.annex import import_annex

    assert not import_annex(store, SAMPLE).errors
    return store.find("鳌江镇第七小学")[0][0]


def test_a_stale_project_save_is_refused_with_the_other_change(store, project):
    v = store.project_version(project)
    update_project(store, project, expected_version=v, remarks="甲:土地已征收")  # officer A
    with pytest.raises(Conflict) as err:  # officer B, still looking at version v
        update_project(store, project, expected_version=v, remarks="乙:待定")
    msg_en, msg_zh = err.value.render("en"), err.value.render("zh")
    assert "甲:土地已征收" in msg_en and "remarks" in msg_en and "省补助项目" in msg_en
    assert "已被他人修改" in msg_zh and "甲:土地已征收" in msg_zh
    assert store.project(project).remarks == "甲:土地已征收"  # nothing overwritten
    # B reloads and saves: accepted
    update_project(store, project, expected_version=store.project_version(project), remarks="乙")
    assert store.project(project).remarks == "乙"


def test_a_stale_milestone_save_names_that_milestone_change(store, project):
    v = store.versions(project)["milestone:开工"]
    set_milestone(store, project, "开工", actual=dt.date(2019, 3, 1), expected_version=v)  # A
    # meanwhile someone edits another milestone of the same project
    set_milestone(store, project, "投用", actual=dt.date(2021, 8, 30))
    with pytest.raises(Conflict) as err:  # B's stale save of 开工
        set_milestone(store, project, "开工", actual=dt.date(2019, 4, 1), expected_version=v)
    msg = err.value.render("en")
    assert "开工.actual" in msg and "2019-03-01" in msg, msg
    assert "投用" not in msg, msg
    assert store.milestones([project])[project][5].actual == dt.date(2019, 3, 1)


def test_a_stale_plan_save_is_refused_even_after_an_import_changed_it(store, project, tmp_path):
    import openpyxl

    from projtrack.services.annex import import_annex

    v = store.versions(project)["plan:2021"]
    set_plan(store, project, 2021, Decimal("4100"), expected_version=v)  # A, in the UI
    with pytest.raises(Conflict) as err:  # B, stale
        set_plan(store, project, 2021, Decimal("4200"), expected_version=v)
    assert "plan.2021" in err.value.render("en") and "4100" in err.value.render("en")
    # a re-import of a revised annex changes the plan underneath a third officer
    v = store.versions(project)["plan:2021"]
    wb = openpyxl.load_workbook(SAMPLE)
    wb.active["I9"] = 4300
    revised = tmp_path / "revised.xlsx"
    wb.save(revised)
    assert not import_annex(store, revised).errors
    with pytest.raises(Conflict) as err:
        set_plan(store, project, 2021, Decimal("4400"), expected_version=v)
    msg = err.value.render("en")
    assert "plan.2021" in msg and "4300" in msg, msg
    assert store.project(project).annual_plan[2021] == Decimal("4300")
