"""Restore and backup under attack: what restore may replace, a write racing a restore, sealed
backups against flipped bits and edits, leftovers of interrupted runs, a full disk.

Every test runs the real command (in-process through ``main`` or as a real process) on real
SQLite files."""

from __future__ import annotations

import hashlib
import os
import random
import sqlite3
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.trust.helpers import ROOT, child_env, cli, integrity, projtrack_argv, snapshot
from tests.trust.test_backup import _db_with_projects, restored
from tests.trust.test_backup import before as unchained


def _db(path: Path, n: int = 3) -> str:
    return _db_with_projects(path, n)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _temps(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.startswith(".") and ".tmp" in p.name]


# --- what restore may replace ------------------------------------------------------------------
def _make_target(kind: str, tmp_path: Path) -> tuple[Path, str]:
    """A file at --db that restore must not replace, and the words the refusal must contain."""
    target = tmp_path / "target.db"
    if kind == "text":
        target.write_text("序号,项目名称,总投资\n1,平阳县一小,3600\n", encoding="utf-8")
        return target, "a text file"
    if kind == "xlsx":
        from openpyxl import Workbook

        wb = Workbook()
        wb.active.append(["序号", "项目名称"])
        wb.save(target)
        return target, "zip file"
    if kind == "foreign_sqlite":
        con = sqlite3.connect(target)
        con.execute("CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT)")
        con.execute("INSERT INTO contacts (name) VALUES ('someone')")
        con.commit()
        con.close()
        return target, "another program's SQLite database"
    if kind == "readonly":
        _db(target)
        os.chmod(target, 0o444)
        return target, "read-only"
    if kind == "symlink":
        real = tmp_path / "real.db"
        _db(real)
        target.symlink_to(real)
        return target, "symbolic link"
    if kind == "folder":
        target.mkdir()
        return target, "not a regular file"
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["text", "xlsx", "foreign_sqlite", "readonly", "symlink", "folder"])
def test_restore_replaces_only_a_projtrack_database(kind, tmp_path, capsys):
    src = _db(tmp_path / "src.db")
    backup = tmp_path / "b.db"
    assert cli(capsys, src, "backup", str(backup))[0] == 0
    target, words = _make_target(kind, tmp_path)
    watched = target.resolve() if kind == "symlink" else target
    before = None if target.is_dir() else (_sha(watched), stat.S_IMODE(watched.stat().st_mode))
    rc, out, err = cli(capsys, str(target), "restore", str(backup))
    assert rc in (1, 2) and words in err and str(target) in err, (rc, out, err)
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    if before is not None:
        assert (_sha(watched), stat.S_IMODE(watched.stat().st_mode)) == before  # untouched
    if kind == "symlink":
        assert target.is_symlink()
    assert not list(tmp_path.glob("*before-restore*")) and not _temps(tmp_path)
    rc, out, err = cli(capsys, str(target), "restore", str(backup), lang=None)
    assert rc in (1, 2) and "错误" in err and str(target) in err


def test_restore_says_what_it_replaced_and_keeps_the_file_and_its_mode(tmp_path, capsys):
    live = tmp_path / "live.db"
    db = _db(live, 5)
    other = _db(tmp_path / "other.db", 2)
    backup = tmp_path / "b.db"
    assert cli(capsys, other, "backup", str(backup))[0] == 0
    os.chmod(live, 0o640)
    inode = live.stat().st_ino
    rc, out, err = cli(capsys, db, "restore", str(backup))
    assert rc == 0, err
    assert f"replaced the database {live} (5 projects" in out
    assert "restored from" in out and "2 projects" in out and "matches the checksum" in out
    assert live.stat().st_ino == inode and stat.S_IMODE(live.stat().st_mode) == 0o640
    assert restored(db, backup) == unchained(snapshot(other))
    kept = next(tmp_path.glob("live.before-restore-*.db"))
    assert len(snapshot(str(kept))["project"]) == 5 and integrity(kept) == "ok"
    rc, out, err = cli(capsys, str(tmp_path / "new" / "fresh.db"), "restore", str(backup))
    assert rc == 0 and "created new database" in out, err
    # two restores in the same second keep two copies
    assert cli(capsys, db, "restore", str(backup))[0] == 0
    assert cli(capsys, db, "restore", str(backup))[0] == 0
    assert len(list(tmp_path.glob("live.before-restore-*.db"))) == 3


# --- a write racing the restore ----------------------------------------------------------------
_HOLDER = textwrap.dedent("""
    import sqlite3, sys, time, pathlib
    db, go, done = sys.argv[1:4]
    con = sqlite3.connect(db, isolation_level=None, timeout=30)
    con.execute("BEGIN IMMEDIATE")
    con.execute("INSERT INTO setting (key, value, version) VALUES ('racer', '\\"kept\\"', 1)")
    pathlib.Path(done).write_text("holding")
    while not pathlib.Path(go).exists():
        time.sleep(0.01)
    con.execute("COMMIT")
    print("committed", flush=True)
""")


def test_a_write_committed_while_restore_waits_is_never_lost(tmp_path, capsys):
    db = _db(tmp_path / "live.db")
    backup = tmp_path / "b.db"
    assert cli(capsys, db, "backup", str(backup))[0] == 0
    go, holding = tmp_path / "go", tmp_path / "holding"
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, db, str(go), str(holding)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not holding.exists():
        assert time.monotonic() < deadline and holder.poll() is None, holder.stderr.read()
        time.sleep(0.01)
    restore = subprocess.Popen(projtrack_argv("--db", db, "--lang", "en", "restore", str(backup)),
                               cwd=ROOT, env=child_env(), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)  # the restore has started and waits for the writer (or has copied already)
    go.write_text("go")
    assert holder.communicate(timeout=60)[0].strip() == "committed"
    out, err = restore.communicate(timeout=60)
    assert restore.returncode == 0, err
    kept = next(tmp_path.glob("live.before-restore-*.db"))
    in_kept = [r for r in snapshot(str(kept))["setting"] if r[0] == "racer"]
    in_live = [r for r in snapshot(db)["setting"] if r[0] == "racer"]
    assert in_kept or in_live, "a committed write vanished"
    assert in_kept and not in_live  # it committed before the restore took the lock


def test_restore_while_an_officer_keeps_recording_loses_no_entry(tmp_path, capsys):
    db = _db(tmp_path / "live.db")
    backup = tmp_path / "b.db"
    assert cli(capsys, db, "backup", str(backup))[0] == 0  # holds no entries
    writer = subprocess.Popen([sys.executable, "-m", "tests.trust.workers", "entries", db, "1,2,3",
                               "150", "W"], cwd=ROOT, env=child_env(), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    assert writer.stdout.readline().startswith("ok")
    rc, out, err = cli(capsys, db, "restore", str(backup))
    assert rc == 0, err
    rest, werr = writer.communicate(timeout=300)
    assert writer.returncode == 0, werr
    committed = 1 + len(rest.split())  // 2
    kept = next(tmp_path.glob("live.before-restore-*.db"))
    before = len(snapshot(str(kept))["ledger_entry"])
    after = len(snapshot(db)["ledger_entry"])
    assert 0 < before and before + after == committed == 150  # each one in exactly one of them


# --- sealed backups ----------------------------------------------------------------------------
def _flipped(src: Path, dest: Path, offset: int, bit: int) -> None:
    data = bytearray(src.read_bytes())
    data[offset] ^= 1 << bit
    dest.write_bytes(bytes(data))


def test_a_backup_with_a_flipped_bit_is_refused_or_restored_exactly(tmp_path, capsys):
    db = _db(tmp_path / "live.db", 8)
    for i in range(1, 6):
        rc, out, err = cli(capsys, db, "spend", "add", str(i), f"{i * 37}.25", "--date", f"2024-03-0{i}")
        assert rc == 0, err
    assert cli(capsys, db, "report", "weekly", "--week", "2024-W26", "--out", str(tmp_path / "r"))[0] == 0
    backup = tmp_path / "b.db"
    assert cli(capsys, db, "backup", str(backup))[0] == 0
    good = snapshot(db, volatile=False)
    size = backup.stat().st_size
    page = 4096
    rng = random.Random(1711)
    # bits in the pages that hold rows (past the header page), where a flip changes a figure
    offsets = [rng.randrange(page, size) for _ in range(60)]
    # and bits inside what is certainly read: the projects' names and the frozen report's JSON
    data = backup.read_bytes()
    for needle in ("小学新建工程".encode(), b'"period"', b'"total_investment"'):
        at = [i for i in range(len(data)) if data.startswith(needle, i)]
        offsets += [i + rng.randrange(len(needle)) for i in at[:8]]
    refused = restored = 0
    for n, offset in enumerate(offsets):
        bad = tmp_path / f"flip{n}.db"
        _flipped(backup, bad, offset, rng.randrange(8))
        live = tmp_path / f"into{n}.db"
        rc, out, err = cli(capsys, str(live), "restore", str(bad))
        assert "Traceback" not in err and "internal error" not in err, err
        if rc == 0:  # a bit nobody reads (free space, padding): the content is the backup's
            now = snapshot(str(live), volatile=False)
            now["audit_log"] = now["audit_log"][:-1]  # the restore's own row
            assert unchained(now) == unchained(good), offset
            restored += 1
        else:
            assert rc == 1 and str(bad) in err
            assert not live.exists() or live.stat().st_size == 0
            refused += 1
    print(f"flipped bits: {refused} refused, {restored} restored unchanged")
    assert refused >= 15 and refused + restored == len(offsets)


def test_db_check_and_restore_refuse_a_backup_edited_after_it_was_made(tmp_path, capsys):
    db = _db(tmp_path / "live.db")
    assert cli(capsys, db, "spend", "add", "1", "120.5", "--date", "2024-03-04")[0] == 0
    backup = tmp_path / "b.db"
    rc, out, err = cli(capsys, db, "backup", str(backup))
    assert rc == 0 and "sealed" in out
    rc, out, err = cli(capsys, str(backup), "db", "check")
    assert rc == 0, err
    con = sqlite3.connect(backup)
    con.execute("UPDATE project SET total_investment = 9999000000 WHERE id = 2")
    con.commit()
    con.close()
    rc, out, err = cli(capsys, str(backup), "db", "check")
    assert rc == 1 and "backup seal" in err and "project" in err, err
    live = tmp_path / "other.db"
    _db(live)
    before = _sha(live)
    rc, out, err = cli(capsys, str(live), "restore", str(backup))
    assert rc == 1 and "changed after the backup was made" in err and "project" in err, err
    assert _sha(live) == before
    rc, out, err = cli(capsys, str(live), "restore", str(backup), lang=None)
    assert rc == 1 and "备份之后被改动" in err


def test_an_unsealed_copy_is_restored_with_a_warning(tmp_path, capsys):
    db = _db(tmp_path / "live.db")
    plain = tmp_path / "plain.db"
    con = sqlite3.connect(db)
    con.execute(f"VACUUM INTO '{plain}'")
    con.close()
    rc, out, err = cli(capsys, str(tmp_path / "x.db"), "restore", str(plain))
    assert rc == 0 and "no sealed checksum" in err, err


# --- leftovers ---------------------------------------------------------------------------------
_KILLED_BACKUP = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    import projtrack.store.backup as b
    def die(*a, **k):
        os.kill(os.getpid(), signal.SIGKILL)
    b._seal = die
    b.backup(sys.argv[1], Path(sys.argv[2]))
""")


def test_an_interrupted_backup_leaves_a_copy_the_next_run_removes_and_names(tmp_path, capsys):
    db = _db(tmp_path / "live.db")
    out_dir = tmp_path / "backups"
    out_dir.mkdir()
    dest = out_dir / "b.db"
    proc = subprocess.run([sys.executable, "-c", _KILLED_BACKUP, db, str(dest)], cwd=ROOT,
                          env=child_env(), capture_output=True, text=True, timeout=60)
    assert proc.returncode == -9
    left = _temps(out_dir)
    assert left and not dest.exists()  # a half-made copy, never under the final name
    mine = out_dir / f".b.db.{os.getpid()}.backup.abc.tmp"  # a live process's: left alone
    mine.write_bytes(b"x")
    rc, out, err = cli(capsys, db, "backup", str(dest))
    assert rc == 0, err
    for path in left:
        assert not path.exists() and str(path) in err and "interrupted backup" in err
    assert mine.exists()
    assert _temps(out_dir) == [mine]


# --- full disk, read-only folder -----------------------------------------------------------------
@pytest.fixture
def tiny_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    rc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=96k", "tmpfs", str(mount)],
                        capture_output=True).returncode
    if rc != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_is_said_as_such_never_as_a_damaged_backup(tmp_path, tiny_disk, capsys):
    db = _db(tmp_path / "live.db", 200)
    rc, out, err = cli(capsys, db, "backup", str(tiny_disk / "b.db"))
    assert rc == 1 and "not enough space" in err and str(tiny_disk) in err, err
    assert "damaged" not in err and not list(tiny_disk.iterdir())
    good = tmp_path / "good.db"
    assert cli(capsys, db, "backup", str(good))[0] == 0
    rc, out, err = cli(capsys, str(tiny_disk / "live.db"), "restore", str(good))
    assert rc == 1 and "not enough space" in err and "damaged" not in err, err
    assert not list(tiny_disk.iterdir())
    rc, out, err = cli(capsys, str(tiny_disk / "live.db"), "restore", str(good), lang=None)
    assert rc == 1 and "空间不足" in err


def test_backup_refuses_a_symlinked_destination(tmp_path, capsys):
    db = _db(tmp_path / "live.db")
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    link = tmp_path / "b.db"
    link.symlink_to(victim)
    rc, out, err = cli(capsys, db, "backup", str(link), "--force")
    assert rc == 2 and "symbolic link" in err and victim.read_text() == "precious"


def test_a_restore_killed_while_keeping_the_old_database_is_cleaned_up_next_time(tmp_path, capsys):
    db = _db(tmp_path / "live.db")
    backup = tmp_path / "b.db"
    assert cli(capsys, db, "backup", str(backup))[0] == 0
    dead = 2**22 + 12345  # above any pid this machine hands out
    left = [tmp_path / f".live.before-restore-20260101-000000.db.{dead}.keep.q1.tmp",
            tmp_path / f".live.db.{dead}.restore.q2.tmp"]
    for path in left:
        path.write_bytes(b"\0" * 200_000)
    rc, out, err = cli(capsys, db, "restore", str(backup))
    assert rc == 0, err
    assert all(not p.exists() and str(p) in err for p in left) and "0.2 MB" in err
    assert "interrupted restore" in err


def test_a_restore_that_cannot_get_the_lock_gives_up_with_a_message_and_changes_nothing(tmp_path, capsys):
    db = _db(tmp_path / "live.db")
    backup = tmp_path / "b.db"
    assert cli(capsys, db, "backup", str(backup))[0] == 0
    assert cli(capsys, db, "spend", "add", "1", "10", "--date", "2024-03-01")[0] == 0
    before = snapshot(db)
    go, holding = tmp_path / "go", tmp_path / "holding"
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, db, str(go), str(holding)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not holding.exists():
            assert time.monotonic() < deadline and holder.poll() is None
            time.sleep(0.01)
        run = subprocess.run(projtrack_argv("--db", db, "--lang", "en", "restore", str(backup)),
                             cwd=ROOT, env=child_env(PROJTRACK_LOCK_WAIT="1"), capture_output=True,
                             text=True, timeout=60)
    finally:
        go.write_text("go")
        holder.communicate(timeout=60)
    assert run.returncode == 1 and "busy" in run.stderr and "Traceback" not in run.stderr, run.stderr
    assert not list(tmp_path.glob("*before-restore*")) and not _temps(tmp_path)
    after = snapshot(db)
    assert after["ledger_entry"] == before["ledger_entry"]  # the restore changed nothing


def test_a_database_with_an_edited_ledger_is_still_backed_up_as_evidence_with_a_warning(tmp_path, capsys):
    from tests.trust.test_chain import EDITS, tamper

    db = _db(tmp_path / "live.db")
    assert cli(capsys, db, "spend", "add", "1", "120.5", "--date", "2024-03-04")[0] == 0
    tamper(db, "ledger_entry", EDITS["ledger_entry"].format(id=1))
    evidence = tmp_path / "evidence.db"
    rc, out, err = cli(capsys, db, "backup", str(evidence))
    assert rc == 0 and "changed after the fact" in err and "ledger_entry" in err, err
    con = sqlite3.connect(evidence)
    assert con.execute("SELECT amount FROM ledger_entry WHERE id = 1").fetchone()[0] == 121_500_000
    con.close()
    rc, out, err = cli(capsys, str(tmp_path / "new.db"), "restore", str(evidence))
    assert rc == 1 and "ledger_entry" in err and not (tmp_path / "new.db").exists()


@pytest.mark.parametrize("kind", ["text", "foreign_sqlite", "scribbled"])
def test_backup_of_what_is_no_readable_projtrack_database_is_said(kind, tmp_path, capsys):
    db = tmp_path / "live.db"
    if kind == "text":
        db.write_text("not a database\n")
    elif kind == "foreign_sqlite":
        _make_target("foreign_sqlite", tmp_path).__getitem__(0).rename(db)
    else:
        _db(db, 50)
        data = bytearray(db.read_bytes())
        for off in range(4096 + 100, min(len(data), 3 * 4096), 7):
            data[off] = 0xA5
        db.write_bytes(bytes(data))
    rc, out, err = cli(capsys, str(db), "backup", str(tmp_path / "b.db"))
    assert rc == 1 and str(db) in err and "internal error" not in err, err
    assert not (tmp_path / "b.db").exists() and not _temps(tmp_path)
