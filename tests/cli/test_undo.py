"""Undo through the command line, on both engines: it names what it reverses and asks first,
covers the last change of every kind an officer makes, reverses each by a new audited record,
and without a project undoes only one's own last change, never a colleague's.  Who one is: the
OS user on SQLite, the login on PostgreSQL (recorded by the database, whatever the OS user): a
colleague there is a login of their own."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from decimal import Decimal

import pytest

from projtrack.services.entries import update_project
from projtrack.services.portfolio import load_portfolio
from projtrack.store.repo import Store, os_user
from tests.cli.test_typed_entries import NAME, pid_of, run
from tests.conftest import SAMPLE

OTHER = "平阳县鳌江镇第七小学新建工程"


@pytest.fixture
def db(db_url, capsys):
    rc, out, err = run(capsys, db_url, "import", str(SAMPLE))
    assert rc == 0, out + err
    return db_url


def me(db: str) -> str:
    """Who the changes made on ``db`` are recorded as."""
    from sqlalchemy.engine import make_url

    return os_user() if "://" not in db else make_url(db).username


@pytest.fixture
def colleague(db, monkeypatch):
    """``as_colleague()``: the database as another officer opens it — on SQLite another OS
    user (LOGNAME, undone by ``monkeypatch.undo()``), on PostgreSQL a login of its own
    (dropped afterwards)."""
    if "://" not in db:
        def on_sqlite() -> str:
            monkeypatch.setenv("LOGNAME", "colleague")
            return db
        yield on_sqlite
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    login = f"colleague_{uuid.uuid4().hex[:8]}"
    admin = create_engine(db, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE ROLE "{login}" LOGIN SUPERUSER'))
    yield lambda: make_url(db).set(username=login).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP ROLE IF EXISTS "{login}"'))
    admin.dispose()


def state(db, name=NAME):
    store = Store.open(db, create=False)
    try:
        pid = store.find(name)[0][0]
        view = load_portfolio(store, dt.date(2023, 6, 30), project_ids=[pid]).get(pid)
        ms = {m.name: m for m in store.milestones([pid]).get(pid, [])}
        return {"actual": view.figures.actual_to_date, "percent": view.figures.percent_complete,
                "开工": ms["开工"].actual if "开工" in ms else None,
                "plan2026": view.facts.annual_plan.get(2026), "phase": view.facts.phase,
                "remarks": view.facts.remarks, "ledger": len(store.entries(pid)),
                "audit": len(store.audit(pid, None))}
    finally:
        store.close()


def test_undo_names_the_change_and_asks_first(db, capsys, monkeypatch):
    assert run(capsys, db, "spend", "add", NAME, "300", "--date", "2023-05-01")[0] == 0
    before = state(db)
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    rc, out, err = run(capsys, db, "undo")
    assert rc == 1 and "已取消" in out
    assert f"将撤销:#{pid_of(db)} {NAME}:完成投资 300.00 万元,日期 2023-05-01" in out, out
    assert state(db) == before  # asked, answered no: nothing changed
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    rc, out, err = run(capsys, db, "spend", "undo")
    assert rc == 0 and "已撤销:" in out and "300.00" in out, out + err
    after = state(db)
    assert after["actual"] == before["actual"] - 300 and after["ledger"] == before["ledger"] + 1


def test_every_kind_of_change_is_undone_newest_first_by_a_new_record(db, capsys):
    start = state(db)
    steps = [("spend", "add", NAME, "300", "--date", "2023-05-01"),
             ("progress", "add", NAME, "--date", "2023-05-01", "--percent", "40"),
             ("milestone", "set", NAME, "开工", "--actual", "2021-04-01"),
             ("plan", "set", NAME, "2026", "800"),
             ("phase", "set", NAME, "在建")]
    for args in steps:
        assert run(capsys, db, *args)[0] == 0
    store = Store.open(db, create=False)
    update_project(store, pid_of(db), remarks="主体验收延期")  # the forms' remarks
    store.close()
    done = state(db)
    expected = ["→ “主体验收延期”", "阶段 ", "2026 年计划投资 — → 800 万元",
                "节点 开工 实际日期 — → 2021-04-01", "形象进度 — 40%", "完成投资 300.00 万元,日期 2023-05-01"]
    for text in expected:
        rc, out, err = run(capsys, db, "undo", NAME, "--yes")
        assert rc == 0 and text in out, (text, out, err)
        assert f"({me(db)} " in out  # who made it
    end = state(db)
    for key in ("actual", "percent", "开工", "plan2026", "phase", "remarks"):
        assert end[key] == start[key], key
    assert end["ledger"] == done["ledger"] + 1  # a reversal, nothing deleted
    assert end["audit"] == done["audit"] + len(expected)  # each undo audited
    rc, out, err = run(capsys, db, "undo", NAME, "--yes")
    assert rc == 2 and "没有可撤销的修改" in err


def test_without_a_project_only_ones_own_last_change(db, capsys, monkeypatch, colleague):
    assert run(capsys, db, "spend", "add", NAME, "300", "--date", "2023-05-01")[0] == 0
    other = colleague()  # another officer, later
    assert run(capsys, other, "spend", "add", OTHER, "77", "--date", "2023-05-02")[0] == 0
    monkeypatch.undo()
    rc, out, err = run(capsys, db, "undo", "--yes")
    assert rc == 0 and "300.00" in out and "77.00" not in out, out
    rc, out, err = run(capsys, db, "undo", "--yes")
    assert rc == 2  # the colleague's entry is not one's own
    before = state(db, OTHER)["actual"]
    rc, out, err = run(capsys, db, "undo", OTHER, "--yes")  # named: the project's, and who
    assert rc == 0 and "77.00" in out and "colleague" in out
    assert state(db, OTHER)["actual"] == before - Decimal(77)


def test_a_field_changed_again_since_is_not_overwritten(db, capsys, monkeypatch, colleague):
    assert run(capsys, db, "phase", "set", NAME, "在建")[0] == 0
    other = colleague()
    assert run(capsys, other, "phase", "set", NAME, "竣工")[0] == 0
    monkeypatch.undo()
    rc, out, err = run(capsys, db, "undo", "--yes")  # one's own: the colleague's came after
    assert rc == 1 and "之后又有修改" in err and "竣工" in err, err
    assert state(db)["phase"] == "竣工"


def test_an_undone_progress_point_leaves_the_figures(db, capsys):
    assert run(capsys, db, "progress", "add", NAME, "--date", "2023-04-01", "--percent", "20")[0] == 0
    assert run(capsys, db, "progress", "add", NAME, "--date", "2023-05-01", "--percent", "40")[0] == 0
    assert state(db)["percent"] == Decimal("0.4")
    assert run(capsys, db, "undo", "--yes")[0] == 0
    assert state(db)["percent"] == Decimal("0.2")
    assert run(capsys, db, "undo", "--yes")[0] == 0
    assert state(db)["percent"] is None
    rc, _, err = run(capsys, db, "progress", "add", NAME, "--date", "2023-06-01", "--percent", "10")
    assert rc == 0 and "低于" not in err  # the undone 40 % is no longer "the last one"
