"""The hash chain of the append-only tables (store.chain): a row changed, removed or added past
projtrack — with the triggers dropped first, as someone with the file or the server would — is
named by `db check` (exit 1, never "repaired"), a backup holding one is not restored, an issued
report edited so is not reprinted, and `db copy` keeps the chain as it was."""

from __future__ import annotations

import hashlib
import shutil
import tempfile

import pytest
from sqlalchemy import text

from projtrack.store import chain
from projtrack.store.repo import Store
from tests.conftest import PG_ADMIN, SAMPLE
from tests.trust.helpers import cli, snapshot
from tests.trust.test_append_only import attack

DROP = {  # every append-only trigger of one table, off: what an attacker does first
    "sqlite": "DROP TRIGGER {t}_no_update; DROP TRIGGER {t}_no_delete; DROP TRIGGER {t}_no_replace",
    "postgresql": "ALTER TABLE {t} DISABLE TRIGGER USER",
}


def _engine(url: str) -> str:
    return "postgresql" if "://" in url else "sqlite"


def tamper(url: str, table: str, sql: str) -> None:
    for statement in (DROP[_engine(url)].format(t=table) + ";" + sql).split(";"):
        attack(url, statement)


def _ok(capsys, db: str, *args: str) -> str:
    rc, out, err = cli(capsys, db, *args)
    assert rc == 0, (args, out, err)
    return out


def _working_database(capsys, db: str) -> None:
    """An annex, money and progress entries, an undo, an issue with an update and an issued
    week: rows in every chained table."""
    _ok(capsys, db, "import", str(SAMPLE))
    _ok(capsys, db, "spend", "add", "鳌江镇第七小学", "1,200.5", "--date", "2024-03-01")
    _ok(capsys, db, "spend", "add", "鳌江镇第七小学", "300", "--date", "2024-03-02")
    _ok(capsys, db, "spend", "undo", "鳌江镇第七小学", "--yes")
    _ok(capsys, db, "progress", "add", "鳌江镇第七小学", "--date", "2024-03-01", "--stage",
        "主体结构", "--percent", "40")
    _ok(capsys, db, "issue", "add", "鳌江镇第七小学", "用地指标未落实", "--owner", "县自然资源局",
        "--date", "2024-02-20")
    _ok(capsys, db, "issue", "update", "1", "已召开协调会", "--status", "协调中", "--date",
        "2024-02-27")
    with tempfile.TemporaryDirectory() as out:
        _ok(capsys, db, "report", "weekly", "--week", "2024-W09", "--format", "xlsx", "--out",
            out)


def _id(url: str, table: str, which: str = "min") -> int:
    store = Store.open(url)
    try:
        with store.engine.connect() as conn:
            return conn.execute(text(f"SELECT {which}(id) FROM {table}")).scalar_one()
    finally:
        store.close()


def _verify(url: str) -> list[str]:
    store = Store.open(url)
    try:
        with store.engine.connect() as conn:
            return [p.render("en") for p in chain.verify(conn)]
    finally:
        store.close()


def test_a_working_database_verifies(db_url, capsys):
    _working_database(capsys, db_url)
    assert _verify(db_url) == []
    out = _ok(capsys, db_url, "db", "check")
    assert "hash chains" in out
    store = Store.open(db_url)
    try:
        with store.engine.connect() as conn:
            for t in chain.TABLES:
                n, unhashed = conn.execute(text(
                    f"SELECT count(*), count(*) - count(row_hash) FROM {t}")).one()
                assert n > 0 and unhashed == 0, t
    finally:
        store.close()


EDITS = {
    "ledger_entry": "UPDATE ledger_entry SET amount = amount + 1000000 WHERE id = {id}",
    "progress_entry": "UPDATE progress_entry SET percent = 900000 WHERE id = {id}",
    "audit_log": "UPDATE audit_log SET \"user\" = 'someone' WHERE id = {id}",
    "report_snapshot": "UPDATE report_snapshot SET issued_by = 'someone' WHERE id = {id}",
    "issue": "UPDATE issue SET owner = 'someone' WHERE id = {id}",
    "issue_update": "UPDATE issue_update SET status = '已解决' WHERE id = {id}",
}


@pytest.mark.parametrize("table", chain.TABLES)
def test_db_check_names_the_row_changed_after_the_fact_and_does_not_repair_it(db_url, capsys,
                                                                             table):
    _working_database(capsys, db_url)
    row = _id(db_url, table)
    tamper(db_url, table, EDITS[table].format(id=row))
    rc, out, err = cli(capsys, db_url, "db", "check")
    assert rc == 1 and f"{table} row {row} does not match its hash" in err, err
    assert "Traceback" not in err
    rc, out, err = cli(capsys, db_url, "db", "check", lang=None)
    assert rc == 1 and f"{table} 第 {row} 行与其哈希不符" in err, err
    before = snapshot(db_url)
    rc, out, err = cli(capsys, db_url, "db", "check", "--repair")
    assert rc == 1 and f"{table} row {row}" in err, err
    if table == "ledger_entry":  # the sums disagree too, but are not recomputed from it
        assert "are not recomputed" in err
    assert snapshot(db_url) == before  # nothing "repaired", no audit row


def test_rows_removed_from_the_end_or_added_past_projtrack_are_named(db_url, capsys):
    _working_database(capsys, db_url)
    last = _id(db_url, "ledger_entry", "max")
    tamper(db_url, "ledger_entry", f"DELETE FROM ledger_entry WHERE id = {last}")
    rc, out, err = cli(capsys, db_url, "db", "check")
    assert rc == 1 and "ledger_entry holds" in err and "rows removed from its end" in err, err
    progress = _id(db_url, "progress_entry", "max")
    attack(db_url, "INSERT INTO audit_log (at, \"user\", action, entity) "
                   "VALUES ('2024-03-09 10:00:00', 'someone', 'entry', 'x')")
    rc, out, err = cli(capsys, db_url, "db", "check")
    new = _id(db_url, "audit_log", "max")
    assert rc == 1 and f"audit_log row {new} has no hash" in err, err
    assert progress  # the other tables are not named
    assert "progress_entry" not in err


def test_repair_recomputes_sums_over_an_intact_ledger_and_audits_it(db_url, capsys):
    _working_database(capsys, db_url)
    attack(db_url, "UPDATE ledger_year SET actual = actual + 1")
    rc, out, err = cli(capsys, db_url, "db", "check")
    assert rc == 1 and "ledger_year" in err
    rc, out, err = cli(capsys, db_url, "db", "check", "--repair")
    assert rc == 0 and "recomputed" in out, out + err
    store = Store.open(db_url)
    try:
        last = store.audit(limit=1)[0]
        assert (last.action, last.entity, last.context) == ("repair", "ledger_sums",
                                                            "db check --repair")
        assert "ledger_year" in (last.old_value or "")
    finally:
        store.close()
    assert _verify(db_url) == []  # the repair's audit row is chained


def test_restore_refuses_a_backup_whose_rows_were_changed(tmp_path, capsys):
    db = str(tmp_path / "live.db")
    _working_database(capsys, db)
    backup = tmp_path / "b.db"
    _ok(capsys, db, "backup", str(backup))
    edited = tmp_path / "edited.db"
    shutil.copyfile(backup, edited)
    tamper(str(edited), "ledger_entry", EDITS["ledger_entry"].format(id=_id(str(edited),
                                                                           "ledger_entry")))
    before = snapshot(db)
    rc, out, err = cli(capsys, db, "restore", str(edited))
    assert rc == 1 and "changed after they were written" in err and "ledger_entry row" in err, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert snapshot(db) == before and not list(tmp_path.glob("live.before-*"))
    rc, out, err = cli(capsys, db, "restore", str(edited), lang=None)
    assert rc == 1 and "写入后被改动过" in err
    # an audit row removed from the end of the backup: refused as well
    shutil.copyfile(backup, edited)
    tamper(str(edited), "audit_log",
           f"DELETE FROM audit_log WHERE id = {_id(str(edited), 'audit_log', 'max')}")
    rc, out, err = cli(capsys, db, "restore", str(edited))
    assert rc == 1 and "audit_log holds" in err, err
    assert chain.verify_file(backup) == []  # the untouched backup restores
    assert cli(capsys, db, "restore", str(backup))[0] == 0


def test_restore_refuses_a_backup_whose_issues_log_was_changed(tmp_path, capsys):
    """The issues log is sealed in a backup and chained like the ledger: an update's state
    rewritten in the backup is named and the backup is not restored."""
    db = str(tmp_path / "live.db")
    _working_database(capsys, db)
    backup = tmp_path / "b.db"
    _ok(capsys, db, "backup", str(backup))
    edited = tmp_path / "edited.db"
    shutil.copyfile(backup, edited)
    tamper(str(edited), "issue_update",
           EDITS["issue_update"].format(id=_id(str(edited), "issue_update")))
    before = snapshot(db)
    rc, out, err = cli(capsys, db, "restore", str(edited))
    assert rc == 1 and "issue_update row" in err, err
    assert snapshot(db) == before
    assert cli(capsys, db, "restore", str(backup))[0] == 0


def test_a_database_before_the_issues_log_verifies_by_its_own_revision():
    """A backup at schema 0008 has no issue tables: it is verified by the tables chained then."""
    import sqlite3

    from tests.fixtures.db import make_fixture as fx

    con = sqlite3.connect(fx.fixture_path("0008"))
    try:
        assert chain.verify_sqlite(con, "0008") == []
    finally:
        con.close()
    assert chain.tables_at("0008") == chain.TABLES_0007
    assert set(chain.tables_at(None)) - set(chain.TABLES_0007) == {"issue", "issue_update"}


def test_an_issued_report_edited_after_the_fact_is_not_reprinted(db_url, capsys, tmp_path):
    _working_database(capsys, db_url)
    out_dir = tmp_path / "again"
    rc, out, err = cli(capsys, db_url, "report", "weekly", "--week", "2024-W09", "--format",
                       "xlsx", "--out", str(out_dir))
    assert rc == 0 and "reprinted as issued" in out, out + err
    shutil.rmtree(out_dir)
    row = _id(db_url, "report_snapshot", "max")
    store = Store.open(db_url)
    try:
        with store.engine.connect() as conn:
            data = conn.execute(text(f"SELECT data FROM report_snapshot WHERE id = {row}")).scalar()
    finally:
        store.close()
    assert "鳌江镇第七小学" in data
    forged = data.replace("1200.5", "9200.5")
    assert forged != data
    sha = hashlib.sha256(forged.encode()).hexdigest()  # a careful forger fixes the sha256 too
    tamper(db_url, "report_snapshot", "UPDATE report_snapshot SET data = '{}', sha256 = '{}' "
           "WHERE id = {}".format(forged.replace("'", "''"), sha, row))
    for lang, words in (("en", "is not reprinted as issued"), (None, "不作为已发布版本重印")):
        rc, out, err = cli(capsys, db_url, "report", "weekly", "--week", "2024-W09", "--format",
                           "xlsx", "--out", str(out_dir), lang=lang)
        assert rc == 1 and words in err and "2024-W09" in err, (out, err)
        assert "Traceback" not in err
        assert not out_dir.exists() or not list(out_dir.iterdir())  # no edited figures printed
    # a re-issue prints today's figures as a new issue; the edited row stays, and db check
    # still names it
    rc, out, err = cli(capsys, db_url, "report", "weekly", "--week", "2024-W09", "--format",
                       "xlsx", "--out", str(out_dir), "--reissue")
    assert rc == 0, err
    rc, out, err = cli(capsys, db_url, "db", "check")
    assert rc == 1 and f"report_snapshot row {row}" in err


def test_a_reissue_is_a_new_row_and_the_latest_is_reprinted(db_url, capsys, tmp_path):
    _working_database(capsys, db_url)
    _ok(capsys, db_url, "spend", "add", "鳌江镇第七小学", "50", "--date", "2024-03-01")
    _ok(capsys, db_url, "report", "weekly", "--week", "2024-W09", "--format", "xlsx", "--out",
        str(tmp_path / "a"), "--reissue")
    out = _ok(capsys, db_url, "report", "weekly", "--week", "2024-W09", "--format", "xlsx",
              "--out", str(tmp_path / "b"))
    assert "reprinted as issued" in out
    store = Store.open(db_url)
    try:
        with store.engine.connect() as conn:
            rows = conn.execute(text("SELECT data FROM report_snapshot WHERE period = '2024-W09' "
                                     "ORDER BY id")).scalars().all()
        from projtrack.services.weekly import load_snapshot

        latest = load_snapshot(store, "2024-W09")
    finally:
        store.close()
    assert len(rows) == 2 and rows[0] != rows[1]  # the first issue is kept
    assert latest is not None and "1250.5" in rows[1] and "1250.5" not in rows[0]
    assert _verify(db_url) == []


@pytest.mark.skipif(not PG_ADMIN, reason="PostgreSQL not configured (PROJTRACK_TEST_PG)")
def test_db_copy_keeps_the_chain_there_and_back(tmp_path, capsys):
    from tests.conftest import _pg_database

    src = str(tmp_path / "src.db")
    _working_database(capsys, src)
    admin, name, pg = _pg_database()
    try:
        _ok(capsys, src, "db", "copy", "--to", pg)
        assert _verify(pg) == []
        _ok(capsys, pg, "spend", "add", "鳌江镇第七小学", "7", "--date", "2024-03-04")
        back = str(tmp_path / "back.db")
        _ok(capsys, pg, "db", "copy", "--to", back)
        assert _verify(back) == []
        assert "hash chains" in _ok(capsys, back, "db", "check")

        def hashes(url: str) -> dict[str, list]:
            store = Store.open(url)
            try:
                with store.engine.connect() as conn:
                    return {t: conn.execute(text(f"SELECT id, row_hash FROM {t} ORDER BY id"))
                            .all() for t in chain.TABLES}
            finally:
                store.close()

        there, home = hashes(pg), hashes(back)
        assert there == home
        original = hashes(src)
        assert all(there[t][:len(original[t])] == original[t] for t in chain.TABLES)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
