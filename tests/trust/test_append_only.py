"""The ledger is append-only: the database refuses UPDATE and DELETE of money and progress
entries (triggers of migration 0003), of the audit trail and of issued reports (0007), and a
REPLACE of any of them; no command issues one — undo and corrections are reversal entries, a
re-issue a new report row.  Tried through a raw connection, as someone with the file or the
server's password would.  The audit trail records every change with old and new values and the
user."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import sqlite3
from decimal import Decimal

import pytest
from sqlalchemy import Engine, event, inspect, select, text
from sqlalchemy.exc import DBAPIError

from projtrack.errors import DatabaseError
from projtrack.store.models import IssueRow, IssueUpdateRow, LedgerEntry, ProgressEntry, Project
from projtrack.store.repo import Store, os_user, record_audit
from tests.conftest import SAMPLE
from tests.trust import annex
from tests.trust.helpers import cli, snapshot

APPEND_ONLY = ("ledger_entry", "progress_entry", "audit_log", "report_snapshot", "issue",
               "issue_update")
CHANGED = {"ledger_entry": "note", "progress_entry": "note", "audit_log": "new_value",
           "report_snapshot": "data", "issue": "text", "issue_update": "text"}  # a text column of each, rewritten by the attacks
try:
    import psycopg

    DRIVER_ERRORS: tuple[type[Exception], ...] = (sqlite3.DatabaseError, psycopg.Error)
except ImportError:  # pragma: no cover - psycopg is in the lock
    DRIVER_ERRORS = (sqlite3.DatabaseError,)
_WRITE = re.compile(
    r"^\s*(?:UPDATE\s+(?:OR\s+\w+\s+)?|DELETE\s+FROM\s+|REPLACE\s+INTO\s+|INSERT\s+OR\s+REPLACE\s+INTO\s+"
    r"|TRUNCATE\s+(?:TABLE\s+)?)\"?(\w+)", re.IGNORECASE)


def _seed(store: Store) -> int:
    with store.write() as s:
        p = Project(name="平阳县鳌江镇第七小学新建工程")
        s.add(p)
        s.flush()
        for day in (5, 6):
            s.add(LedgerEntry(project_id=p.id, kind="完成投资", entry_date=dt.date(2024, 1, day),
                              amount=Decimal("100.5")))
            s.add(ProgressEntry(project_id=p.id, entry_date=dt.date(2024, 1, day), stage="基础",
                                percent=Decimal("0.1")))
            record_audit(s, action="entry", entity="ledger_entry", entity_id=day,
                         project_id=p.id, field="完成投资", new=Decimal("100.5"))
            issue = IssueRow(project_id=p.id, raised_on=dt.date(2024, 1, day), text="用地未落实")
            s.add(issue)
            s.flush()
            s.add(IssueUpdateRow(issue_id=issue.id, project_id=p.id,
                                 update_date=dt.date(2024, 1, day), text="协调会", status="协调中"))
    for week in ("2024-W01", "2024-W02"):
        data = f'{{"period":"{week}"}}'
        store.freeze_snapshot("weekly", week, as_of=dt.date(2024, 1, 7),
                              issued_at=dt.datetime(2024, 1, 8, tzinfo=dt.UTC), issued_by="u",
                              data=data, sha256=hashlib.sha256(data.encode()).hexdigest(),
                              replace_existing=False)
    return p.id


def raw_connection(url: str):
    """A DBAPI connection of its own (sqlite3, psycopg), past projtrack: an attacker's."""
    from projtrack.store.engine import normalize_url, sqlite_path

    path = sqlite_path(normalize_url(url))
    if path is not None:
        return sqlite3.connect(path, isolation_level=None)

    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)


def attack(url: str, sql: str) -> None:
    con = raw_connection(url)
    try:
        con.execute(sql)
    finally:
        con.close()


def _columns(store: Store, t: str) -> list[str]:
    return [c["name"] for c in inspect(store.engine).get_columns(t)]


def _copy_of_first(store: Store, t: str) -> tuple[str, str]:
    """(the columns, a SELECT of the first row with its text column rewritten): what a REPLACE
    or an upsert needs to put an edited row in the place of the first one."""
    cols = _columns(store, t)
    values = ", ".join("'rewritten'" if c == CHANGED[t] else f'"{c}"' for c in cols)
    names = ", ".join(f'"{c}"' for c in cols)
    return names, f"SELECT {values} FROM {t} WHERE id = (SELECT min(id) FROM {t})"


def test_the_triggers_exist_at_head(store):
    names: set[str] = set()
    with store.engine.connect() as conn:
        if store.engine.dialect.name == "sqlite":
            names = {r[0] for r in conn.execute(text(
                "SELECT tbl_name || ':' || name FROM sqlite_master WHERE type = 'trigger'"))}
            want = {f"{t}:{t}_no_{a}" for t in APPEND_ONLY for a in ("update", "delete", "replace")}
        else:
            names = {f"{t}:{n}" for t, n in conn.execute(text(  # TRUNCATE triggers too
                "SELECT c.relname, g.tgname FROM pg_trigger g JOIN pg_class c "
                "ON c.oid = g.tgrelid WHERE NOT g.tgisinternal AND g.tgenabled <> 'D'"))}
            want = {f"{t}:{t}_append_only" for t in APPEND_ONLY}
            want |= {f"{t}:{t}_no_truncate" for t in APPEND_ONLY}
    want.add("ledger_entry:ledger_entry_sums")  # keeps ledger_year and ledger_month (0004)
    assert want <= names, ("a migration dropped the ledger's triggers (SQLite batch mode "
                           "rebuilds a table without them): create them again", want - names)


@pytest.mark.parametrize("table", APPEND_ONLY)
@pytest.mark.parametrize("sql", [
    "UPDATE {t} SET {c} = 'changed'",
    "UPDATE {t} SET id = id",
    "UPDATE {t} SET row_hash = NULL",
    "DELETE FROM {t}",
    "DELETE FROM {t} WHERE id = (SELECT max(id) FROM {t})",
])
def test_the_database_refuses_to_change_or_delete_an_entry(store, table, sql):
    _seed(store)
    before = snapshot(store.url)
    with pytest.raises(DBAPIError, match="append-only"):
        with store.engine.begin() as conn:
            conn.execute(text(sql.format(t=table, c=CHANGED[table])))
    with pytest.raises(DRIVER_ERRORS, match="append-only"):  # and past projtrack's engine
        attack(store.url, sql.format(t=table, c=CHANGED[table]))
    assert snapshot(store.url) == before


def _refused(url: str, table: str, sql_for, errors) -> None:
    """On a seeded database, the statement ``sql_for(columns, first row as SELECT)`` makes on
    ``table`` is refused by the database as append-only, and nothing changes."""
    store = Store.open(url)
    try:
        _seed(store)
        before = snapshot(url)
        names, first = _copy_of_first(store, table)
        with pytest.raises(errors, match="append-only"):
            attack(url, sql_for(names, first))
        assert snapshot(url) == before
    finally:
        store.close()


@pytest.mark.parametrize("table", APPEND_ONLY)
@pytest.mark.parametrize("how", ["INSERT OR REPLACE INTO", "REPLACE INTO", "UPSERT",
                                 "UPDATE OR REPLACE"])
def test_sqlite_refuses_a_replace_of_an_entry(sqlite_db, table, how):
    """REPLACE deletes the row it conflicts with without firing DELETE triggers: a BEFORE
    INSERT trigger refuses an insert whose id is taken; an upsert fires the UPDATE trigger."""
    def sql_for(names: str, first: str) -> str:
        return {"UPSERT": f"INSERT INTO {table} ({names}) {first} "
                          f"ON CONFLICT (id) DO UPDATE SET {CHANGED[table]} = 'rewritten'",
                "UPDATE OR REPLACE": f"UPDATE OR REPLACE {table} SET id = id + 1 "
                                     f"WHERE id = (SELECT min(id) FROM {table})"}.get(
            how, f"{how} {table} ({names}) {first}")

    _refused(sqlite_db, table, sql_for, sqlite3.DatabaseError)


@pytest.mark.parametrize("table", APPEND_ONLY)
@pytest.mark.parametrize("how", ["ON CONFLICT", "TRUNCATE", "TRUNCATE project CASCADE"])
def test_postgresql_refuses_an_upsert_or_a_truncate(db_url, table, how):
    if "://" not in db_url:
        pytest.skip("PostgreSQL's statements")

    def sql_for(names: str, first: str) -> str:
        return {"ON CONFLICT": f"INSERT INTO {table} ({names}) {first} "
                               f"ON CONFLICT (id) DO UPDATE SET {CHANGED[table]} = 'rewritten'",
                "TRUNCATE": f"TRUNCATE {table} CASCADE",
                "TRUNCATE project CASCADE": "TRUNCATE project CASCADE"}[how]

    _refused(db_url, table, sql_for, DRIVER_ERRORS)


@pytest.mark.parametrize("table", APPEND_ONLY)
def test_db_check_names_a_dropped_or_disabled_trigger(db_url, table, capsys):
    store = Store.open(db_url)
    try:
        _seed(store)
    finally:
        store.close()
    assert cli(capsys, db_url, "db", "check")[0] == 0
    if "://" in db_url:
        attack(db_url, f"ALTER TABLE {table} DISABLE TRIGGER {table}_no_truncate")
        rc, out, err = cli(capsys, db_url, "db", "check")
        assert rc == 1 and f"{table}_no_truncate is disabled" in err, err
        attack(db_url, f"ALTER TABLE {table} ENABLE TRIGGER {table}_no_truncate")
        dropped = f"{table}_append_only"
        attack(db_url, f"DROP TRIGGER {dropped} ON {table}")
    else:
        dropped = f"{table}_no_replace"
        attack(db_url, f"DROP TRIGGER {dropped}")
    rc, out, err = cli(capsys, db_url, "db", "check")
    assert rc == 1 and f"{table}: the append-only trigger {dropped} is missing" in err, err
    assert "Traceback" not in err
    rc, out, err = cli(capsys, db_url, "db", "check", lang=None)
    assert rc == 1 and f"{table} 的只追加保护触发器 {dropped} 不存在" in err, err
    rc, out, err = cli(capsys, db_url, "db", "check", "--repair")  # nothing repairs it
    assert rc == 1 and dropped in err, err


def test_an_orm_edit_of_an_entry_is_refused_and_nothing_is_written(store):
    pid = _seed(store)
    before = snapshot(store.url)
    with pytest.raises(DatabaseError, match="append-only") as refused:  # the store's own error
        with store.write() as s:
            e = s.execute(select(LedgerEntry).where(LedgerEntry.project_id == pid)).scalars().first()
            e.amount = Decimal("1")
            s.add(LedgerEntry(project_id=pid, kind="完成投资", entry_date=dt.date(2024, 2, 1),
                              amount=Decimal("7")))  # same transaction: rolled back too
    assert isinstance(refused.value.__cause__, DBAPIError)
    with pytest.raises(DatabaseError, match="append-only"):
        with store.write() as s:
            s.delete(s.execute(select(ProgressEntry).where(ProgressEntry.project_id == pid))
                     .scalars().first())
    assert snapshot(store.url) == before
    assert inspect(store.engine).has_table("ledger_entry")


@pytest.fixture
def statements():
    """Every SQL statement any engine in this process runs while the test runs."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    yield seen
    event.remove(Engine, "before_cursor_execute", record)


def test_a_whole_working_session_never_updates_or_deletes_an_entry(db_url, capsys, tmp_path, statements):
    """Every command that touches entries, run the way officers do; the statements are
    recorded and none of them updates or deletes a ledger or progress entry."""
    def ok(*args):
        rc, out, err = cli(capsys, db_url, *args)
        assert rc == 0, (args, out, err)
        return out

    ok("import", str(SAMPLE))
    ok("spend", "add", "鳌江镇第七小学", "1,200.5", "--date", "2024-03-01")
    ok("spend", "add", "鳌江镇第七小学", "3000", "--date", "2024-04-01", "--cumulative", "year")
    ok("spend", "add", "鳌江镇第七小学", "500", "--date", "2024-04-02", "--kind", "到位资金",
       "--source", "专项债")
    ok("spend", "add", "鳌江镇第七小学", "300", "--date", "2024-04-03", "--kind", "拨付")
    ok("spend", "undo", "鳌江镇第七小学", "--yes")
    ok("spend", "undo", "--yes")
    ok("spend", "add", "鳌江镇第七小学", "2,999.99", "--date", "2024-04-01", "--cumulative", "year",
       "--correction")  # a cent below the record: a correction
    ok("progress", "add", "鳌江镇第七小学", "--date", "2024-04-01", "--stage", "主体结构",
       "--percent", "40")
    ok("milestone", "set", "鳌江镇第七小学", "开工", "--actual", "2024-02-01")
    ok("milestone", "set", "鳌江镇第七小学", "开工", "--planned", "2024-01-15")
    ok("plan", "set", "鳌江镇第七小学", "2026", "800")
    ok("phase", "set", "鳌江镇第七小学", "竣工")
    # a revised annex: one project dropped (withdrawn), the others unchanged
    import openpyxl

    wb = openpyxl.load_workbook(SAMPLE)
    ws = wb.active
    for row in ws.iter_rows(min_row=6):
        if row[1].value == "平阳县鳌江镇第七小学新建工程":
            for c in row:
                c.value = None
    revised = tmp_path / "revised.xlsx"
    wb.save(revised)
    ok("import", str(revised))
    ok("import", str(SAMPLE))  # listed again: reactivated
    ok("export", "--format", "json")
    ok("export", "--format", "csv")
    ok("export", "--format", "xlsx", "--out", str(tmp_path / "out.xlsx"))
    ok("spend", "list", "鳌江镇第七小学")
    ok("audit", "list")
    if db_url.endswith(".db"):
        ok("backup", str(tmp_path / "b.db"))
        ok("restore", str(tmp_path / "b.db"))

    touched = [m[1].lower() for s in statements if (m := _WRITE.match(s))]
    assert "project" in touched and "milestone" in touched  # the recorder works
    assert not [s for s in statements if (m := _WRITE.match(s)) and m[1].lower() in APPEND_ONLY]
    assert any(s.lstrip().upper().startswith("INSERT INTO LEDGER_ENTRY") for s in statements)

    store = Store.open(db_url)
    try:
        pid = store.find("鳌江镇第七小学")[0][0]
        entries = store.entries(pid)
        reversals = [e for e in entries if e.reverses_id]
        assert len(reversals) == 2
        for r in reversals:
            original = next(e for e in entries if e.id == r.reverses_id)
            assert r.amount == -original.amount and r.kind == original.kind
        actual = sum(e.amount for e in entries if e.kind == "完成投资")
        assert actual == Decimal("2999.99")
        # the audit trail: every change with old → new, the time and who: the OS user on
        # SQLite, the database's login on PostgreSQL (set by the database, for the owner too)
        audit = store.audit(pid, limit=None)
        fields = {(a.action, a.entity, a.field) for a in audit}
        for want in [("entry", "ledger_entry", "完成投资"), ("reverse", "ledger_entry", "拨付"),
                     ("entry", "progress_entry", "形象进度"),
                     ("update", "milestone", "开工.actual"), ("update", "milestone", "开工.planned"),
                     ("update", "annual_plan", "plan.2026"), ("update", "project", "phase"),
                     ("withdraw", "project", "status"), ("update", "project", "status")]:
            assert want in fields, want
        phase = next(a for a in audit if a.field == "phase")
        assert (phase.old_value, phase.new_value) == ("在建", "竣工")
        withdraw = next(a for a in audit if a.action == "withdraw")
        assert (withdraw.old_value, withdraw.new_value) == ("active", "withdrawn")
        assert withdraw.context and "revised.xlsx" in withdraw.context
        planned = next(a for a in audit if a.field == "开工.planned")
        assert planned.old_value == "2019-12-31" and planned.new_value == "2024-01-15"
        login = store.login
        assert {a.user for a in audit} == {login}
        assert store.login == (os_user() if store.engine.dialect.name == "sqlite"
                               else store.engine.url.username)
        assert all(a.at is not None for a in audit)
    finally:
        store.close()
    rc, out, err = cli(capsys, db_url, "audit", "list", "鳌江镇第七小学", "--limit", "100")
    assert rc == 0 and "开工.planned" in out and "2019-12-31 → 2024-01-15" in out
    assert "withdrawn" in out and login in out


def test_the_annex_builder_round_trips(tmp_path, capsys):
    """(a check of this suite's own builder, so the other tests' annexes mean what they say)"""
    path = tmp_path / "a.xlsx"
    annex.build([annex.Item("平阳县测试小学新建工程", Decimal("10"), {2022: "10"}, years="2022-2022")],
                path)
    db = str(tmp_path / "t.db")
    rc, out, err = cli(capsys, db, "import", str(path))
    assert rc == 0 and "errors 0" in out, out + err
