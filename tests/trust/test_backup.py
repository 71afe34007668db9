"""`projtrack backup FILE` makes a consistent copy while others write; `projtrack restore FILE`
checks a copy before putting it back, keeps the current database, and refuses anything that is
not an intact projtrack database this program knows."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from decimal import Decimal

import pytest

from projtrack.store.models import Project
from projtrack.store.repo import Store
from tests.fixtures.db import make_fixture as fx
from tests.trust.helpers import ROOT, child_env, cli, integrity, snapshot


def _db_with_projects(path, n: int = 3) -> str:
    store = Store.open(str(path))
    with store.write() as s:
        s.add_all([Project(name=f"平阳县第{i}小学新建工程", total_investment=Decimal("3600.5"))
                   for i in range(1, n + 1)])
    store.close()
    return str(path)


def restored(db: str, backup) -> dict:
    """The snapshot of a database just restored from ``backup``, without the audit row the
    restore added (checked here: it names the backup) and the chain head that row moved."""
    snap = snapshot(db)
    *audit, last = snap.pop("audit_log")
    assert (last[3], last[4], last[7]) == ("restore", "database", "backup"), last
    assert str(backup) in last[9] and "projects" in last[9]
    snap["audit_log"] = audit
    snap.pop("chain_head")
    return snap


def before(snap: dict) -> dict:
    """``snap`` without its chain head (which a restore's audit row moves on)."""
    return {k: v for k, v in snap.items() if k != "chain_head"}


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_backups_taken_while_another_process_writes_are_consistent(tmp_path, capsys):
    db = _db_with_projects(tmp_path / "live.db")
    writer = subprocess.Popen([sys.executable, "-m", "tests.trust.workers", "entries", db, "1,2,3",
                               "400", "W"], cwd=ROOT, env=child_env(), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    counts = []
    try:
        assert writer.stdout.readline().startswith("ok")  # it is writing
        for i in range(5):
            copy = tmp_path / f"b{i}.db"
            rc, out, err = cli(capsys, db, "backup", str(copy))
            assert rc == 0, err
            assert integrity(copy) == "ok" and _mode(copy) == 0o600
            assert not (tmp_path / f"b{i}.db-wal").exists()  # one self-contained file
            con = sqlite3.connect(copy)
            entries, audits, total = con.execute(
                "SELECT (SELECT count(*) FROM ledger_entry), (SELECT count(*) FROM audit_log "
                "WHERE entity = 'ledger_entry'), (SELECT coalesce(sum(amount), 0) FROM ledger_entry)"
            ).fetchone()
            con.close()
            # a snapshot between two transactions: every entry with its audit row, nothing half
            assert entries == audits and total == entries * 1_010_000
            counts.append(entries)
    finally:
        out, err = writer.communicate(timeout=120)
    assert writer.returncode == 0 and "locked" not in err, err
    assert counts == sorted(counts) and counts[-1] > 0


def test_restore_puts_the_backup_back_and_keeps_the_current_database(tmp_path, capsys):
    db = _db_with_projects(tmp_path / "live.db")
    rc, out, err = cli(capsys, db, "spend", "add", "1", "100", "--date", "2024-01-05")
    backup = tmp_path / "monday.db"
    rc, out, err = cli(capsys, db, "backup", str(backup))
    assert rc == 0 and "monday.db" in out and "3 projects" in out, out + err
    at_backup = snapshot(db)
    rc, out, err = cli(capsys, db, "spend", "add", "2", "999", "--date", "2024-01-06")
    after_more = snapshot(db)

    reader = Store.open(db)  # an officer's app is open meanwhile
    assert len(reader.entries(2)) == 1
    rc, out, err = cli(capsys, db, "restore", str(backup))
    assert rc == 0, err
    assert "monday.db" in out and "before-restore" in out
    assert restored(db, backup) == before(at_backup)
    assert reader.entries(2) == []  # the running app reads the restored data
    reader.close()
    kept = next(tmp_path.glob("live.before-restore-*.db"))
    assert snapshot(str(kept)) == after_more and _mode(kept) == 0o600
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()
    assert integrity(db) == "ok" and _mode(db) == 0o600
    # in Chinese by default
    rc, out, err = cli(capsys, db, "backup", str(tmp_path / "zh.db"), lang=None)
    assert rc == 0 and "已备份到" in out


def test_restore_into_a_new_database_file(tmp_path, capsys):
    src = _db_with_projects(tmp_path / "src.db")
    backup = tmp_path / "b.db"
    assert cli(capsys, src, "backup", str(backup))[0] == 0
    new = tmp_path / "sub" / "new.db"
    rc, out, err = cli(capsys, str(new), "restore", str(backup))
    assert rc == 0, err
    assert restored(str(new), backup) == before(snapshot(src)) and _mode(new) == 0o600
    assert "before-restore" not in out


def _corrupt(path) -> None:
    data = bytearray(path.read_bytes())
    page = 4096
    for off in range(page + 100, min(len(data), 3 * page), 7):  # scribble over pages 2 and 3
        data[off] = 0xA5
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("kind", ["text", "corrupt", "foreign", "empty_sqlite", "missing", "same"])
def test_restore_refuses_what_it_cannot_trust(kind, tmp_path, capsys):
    db = _db_with_projects(tmp_path / "live.db")
    before = snapshot(db)
    bad = tmp_path / "bad.db"
    if kind == "text":
        bad.write_text("序号,项目名称\n1,平阳县一小\n", encoding="utf-8")
    elif kind == "corrupt":
        assert cli(capsys, db, "backup", str(bad))[0] == 0
        _corrupt(bad)
    elif kind == "foreign":
        con = sqlite3.connect(bad)
        con.execute("CREATE TABLE project (id INTEGER PRIMARY KEY)")
        con.commit()
        con.close()
    elif kind == "empty_sqlite":
        sqlite3.connect(bad).close()
        bad.write_bytes(b"")
    elif kind == "same":
        bad = tmp_path / "live.db"
    want = {"text": (1, "not a SQLite database"), "corrupt": (1, "damaged"),
            "foreign": (1, "not a projtrack database"), "empty_sqlite": (1, "not a SQLite database"),
            "missing": (2, "no such file"), "same": (2, "cannot be the database file itself")}[kind]
    rc, out, err = cli(capsys, db, "restore", str(bad))
    assert (rc, want[1] in err) == (want[0], True), (rc, out, err)
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert snapshot(db) == before
    assert not list(tmp_path.glob("*.restore.*")) and not list(tmp_path.glob("live.before-*"))
    rc, out, err = cli(capsys, db, "restore", str(bad), lang=None)
    assert "错误" in err and rc == want[0]


@pytest.mark.parametrize("damage", ["scribbled", "header"])
def test_restore_rescues_a_damaged_database(damage, tmp_path, capsys):
    db = _db_with_projects(tmp_path / "live.db")
    backup = tmp_path / "b.db"
    assert cli(capsys, db, "backup", str(backup))[0] == 0
    good = snapshot(db)
    from projtrack.store.engine import make_engine

    make_engine(db).dispose()
    live = tmp_path / "live.db"
    if damage == "scribbled":
        _corrupt(live)
    else:  # its schema page unreadable: still projtrack's, its pages name its tables
        data = bytearray(live.read_bytes())
        data[16:100] = b"\xa5" * 84
        live.write_bytes(bytes(data))
    rc, out, err = cli(capsys, db, "restore", str(backup))
    assert rc == 0, err
    assert "replaced the damaged database" in out
    assert restored(db, backup) == before(good) and integrity(db) == "ok"
    kept = next(tmp_path.glob("live.before-restore-*.db"))  # the damaged one, kept as it was
    assert kept.stat().st_size > 0


def test_backup_does_not_overwrite_unless_forced(tmp_path, capsys):
    db = _db_with_projects(tmp_path / "live.db")
    target = tmp_path / "b.db"
    target.write_text("keep me")
    rc, out, err = cli(capsys, db, "backup", str(target))
    assert rc == 2 and "--force" in err and target.read_text() == "keep me"
    rc, out, err = cli(capsys, db, "backup", str(target), "--force")
    assert rc == 0 and integrity(target) == "ok"
    rc, out, err = cli(capsys, str(tmp_path / "nothing.db"), "backup", str(tmp_path / "c.db"))
    assert rc == 2 and "no database" in err
    rc, out, err = cli(capsys, db, "backup", str(tmp_path / "no" / "such" / "dir.db"))
    assert rc == 2 and "no such folder" in err


def test_a_database_that_still_needs_upgrading_can_be_backed_up_first(tmp_path, capsys):
    old = tmp_path / "old.db"
    shutil.copyfile(fx.fixture_path("0001"), old)
    rc, out, err = cli(capsys, str(old), "backup", str(tmp_path / "pre-upgrade.db"))
    assert rc == 0 and "schema 0001" in out, err
    live = tmp_path / "live.db"
    rc, out, err = cli(capsys, str(live), "restore", str(tmp_path / "pre-upgrade.db"))
    assert rc == 0 and "projtrack db upgrade" in out, out + err


@pytest.mark.parametrize("command", ["backup", "restore"])
def test_postgresql_backup_is_pg_dumps_job(command, tmp_path, capsys):
    url = "postgresql+psycopg://officer@db.invalid:5432/projtrack"  # never connected to
    target = tmp_path / "x.db"
    target.write_bytes(b"")
    tool = "pg_dump" if command == "backup" else "pg_restore"
    rc, out, err = cli(capsys, url, command, str(target))
    assert rc == 2 and tool in err and "SQLite" in err, err
    rc, out, err = cli(capsys, url, command, str(target), lang=None)
    assert rc == 2 and tool in err and "PostgreSQL" in err and "错误" in err


def test_in_memory_database_cannot_be_backed_up(tmp_path, capsys):
    rc, out, err = cli(capsys, "sqlite://", "backup", str(tmp_path / "m.db"))
    assert rc == 2 and "in-memory" in err
