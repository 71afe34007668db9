"""The files projtrack writes and reads (issue 17, "Files projtrack writes and reads"), each
through real processes or the real CLI on real files: the per-user error log; reports, exports
and templates written beside their target and renamed into place (symlinks refused, a full or
read-only disk leaves the old file whole, a week frozen only after its files are written); CSV
cells a spreadsheet would evaluate; a foreign SQLite file untouched; size bounds before
parsing; the progress template's signed hidden sheet."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import shutil
import stat
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import SAMPLE
from tests.trust.helpers import cli, run_process

WEEK = "2023-W25"
AS_OF = "2023-06-30"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def projtrack(*args: str, timeout: float = 120):
    return run_process([sys.executable, "-m", "projtrack", "--lang", "en", *args],
                       timeout=timeout)


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> Path:
    import sqlite3

    from projtrack.cli import main

    path = tmp_path_factory.mktemp("sample") / "sample.db"
    assert main(["--db", str(path), "import", str(SAMPLE)]) == 0
    con = sqlite3.connect(path)  # everything into the main file, so that copies hold it all
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return path


@pytest.fixture
def db(sample_db, tmp_path) -> str:
    path = tmp_path / "t.db"
    shutil.copyfile(sample_db, path)
    return str(path)


# --- the error log --------------------------------------------------------------------------
@pytest.fixture
def state_home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "state"
    monkeypatch.setenv("XDG_STATE_HOME", str(home))
    return home / "projtrack" / "log"


def _crash(capsys, text: str = "postgresql://officer:s3cret-pw@db.example/pt") -> str:
    from projtrack.cli.exits import exit_code

    try:
        raise RuntimeError(f"could not reach {text}")
    except RuntimeError as exc:
        assert exit_code(exc) == 1
    return capsys.readouterr().err


def test_the_error_log_is_the_user_s_own_private_and_holds_no_password(state_home, capsys,
                                                                      monkeypatch):
    monkeypatch.setattr(sys, "argv", ["projtrack", "--db", "postgresql://u:argv-pw@h/x"])
    err = _crash(capsys)
    log = state_home / "error.log"
    assert str(log) in err  # the message says where the log is
    assert not str(log).startswith(os.environ.get("TMPDIR", "/tmp") + "/projtrack-error")
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.parent.stat().st_mode) == 0o700
    text = log.read_text(encoding="utf-8")
    assert "RuntimeError" in text and "officer:***@db.example" in text
    assert "s3cret-pw" not in text and "argv-pw" not in text and "u:***@h" in text


def test_the_error_log_does_not_follow_a_symlink(state_home, tmp_path, capsys):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    state_home.mkdir(parents=True)
    (state_home / "error.log").symlink_to(victim)
    err = _crash(capsys)
    assert victim.read_text() == "precious\n"
    assert "could not be written" in err or "未能写入" in err


def test_the_error_log_is_rotated(state_home, capsys):
    from projtrack.cli.exits import LOG_KEEP, LOG_MAX_BYTES

    state_home.mkdir(parents=True)
    log = state_home / "error.log"
    for _ in range(LOG_KEEP + 2):
        log.write_bytes(b"x" * LOG_MAX_BYTES)
        _crash(capsys)
    assert log.stat().st_size < LOG_MAX_BYTES
    kept = sorted(p.name for p in state_home.iterdir())
    assert kept == ["error.log"] + [f"error.log.{i}" for i in range(1, LOG_KEEP + 1)]


# --- symlinks, missing folders, folders where a file is wanted -----------------------------
TARGETS = {
    "csv": ("export", "--format", "csv", "--out"),
    "json": ("export", "--format", "json", "--out"),
    "xlsx": ("export", "--format", "xlsx", "--out"),
    "template": ("progress", "template", "--out"),
}


@pytest.mark.parametrize("what", list(TARGETS))
def test_a_symlinked_target_is_refused_and_what_it_points_to_is_unchanged(db, tmp_path, capsys,
                                                                           what):
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    link = tmp_path / ("out.xlsx" if what in ("xlsx", "template") else f"out.{what}")
    link.symlink_to(victim)
    rc, out, err = cli(capsys, db, *TARGETS[what], str(link))
    assert rc == 2, out + err
    assert "symbolic link" in err and str(link) in err
    assert victim.read_text() == "precious\n" and link.is_symlink()


def test_a_symlinked_weekly_report_is_refused_and_the_week_not_frozen(db, tmp_path, capsys):
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / f"weekly-report-{WEEK}.pdf").symlink_to(victim)
    rc, out, err = cli(capsys, db, "report", "weekly", "--week", WEEK, "--out", str(out_dir),
                       as_of=AS_OF)
    assert rc == 2 and "symbolic link" in err, out + err
    assert victim.read_text() == "precious\n"
    assert not (out_dir / f"weekly-report-{WEEK}.xlsx").exists()  # nothing half-published
    assert [p.name for p in out_dir.iterdir()] == [f"weekly-report-{WEEK}.pdf"]  # no temporaries
    from projtrack.services.database import open_store
    from projtrack.services.weekly import load_snapshot

    assert load_snapshot(open_store(db, create=False), WEEK) is None


@pytest.mark.parametrize("what", list(TARGETS))
def test_a_bad_out_gets_its_own_message(db, tmp_path, capsys, what):
    name = "x.xlsx" if what in ("xlsx", "template") else f"x.{what}"
    for out, words in ((tmp_path / "no-such-folder" / name, "no such folder"),
                       (Path(db) / name, "is not a folder")):
        rc, o, err = cli(capsys, db, *TARGETS[what], str(out))
        assert rc == 2 and words in err and "internal" not in err, o + err
    if what != "template":  # a template's name must end .xlsx, said first
        rc, o, err = cli(capsys, db, *TARGETS[what], str(tmp_path))
        assert rc == 2 and "is a folder" in err, o + err


# --- a full or read-only disk -----------------------------------------------------------------
@pytest.fixture
def small_disk(tmp_path):
    """A 256 KiB tmpfs (root only), unmounted afterwards."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root (a full disk cannot be made otherwise)")
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mnt)],
                          capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode().strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def _fill(disk: Path, leave: int) -> None:
    """Fill ``disk`` up to ``leave`` bytes free."""
    free = shutil.disk_usage(disk).free
    (disk / "filler").write_bytes(b"\0" * max(free - leave, 0))


def _no_temporaries(folder: Path) -> None:
    assert not [p.name for p in folder.iterdir() if ".projtrack-" in p.name]


@pytest.mark.parametrize("what", ["csv", "xlsx", "template"])
def test_a_full_disk_leaves_the_old_file_whole(db, small_disk, what):
    target = small_disk / ("out.csv" if what == "csv" else "out.xlsx")
    old = b"the file as it was, before the disk filled\n" * 20
    target.write_bytes(old)
    _fill(small_disk, 8 * 1024)
    run = projtrack("--db", db, "--as-of", AS_OF, *TARGETS[what], str(target))
    assert run.rc == 1, run.out + run.err
    assert "cannot write" in run.err and str(target) in run.err and "Traceback" not in run.err
    assert target.read_bytes() == old
    _no_temporaries(small_disk)


def test_a_full_disk_leaves_the_week_unissued(db, small_disk, tmp_path):
    _fill(small_disk, 16 * 1024)
    run = projtrack("--db", db, "report", "weekly", "--week", WEEK, "--out", str(small_disk),
                    "--as-of", AS_OF)
    assert run.rc == 1 and "cannot write" in run.err, run.out + run.err
    _no_temporaries(small_disk)
    assert [p.name for p in small_disk.iterdir()] == ["filler"]
    again = projtrack("--db", db, "report", "weekly", "--week", WEEK, "--out", str(tmp_path),
                      "--as-of", AS_OF)
    assert again.rc == 0 and "Issued" in again.out, again.out + again.err  # not "reprinted"


def test_a_read_only_disk_is_said(db, small_disk):
    target = small_disk / "out.csv"
    target.write_text("old\n")
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    run = projtrack("--db", db, "export", "--format", "csv", "--out", str(target))
    assert run.rc == 1 and "cannot write" in run.err and "Read-only" in run.err, run.err
    assert target.read_text() == "old\n"


def test_a_killed_export_never_leaves_a_truncated_file(db, tmp_path):
    """Killed at many moments while writing: the target is the old file or a whole workbook,
    and the next write removes the temporaries the killed ones left."""
    import signal
    import time

    target = tmp_path / "out.xlsx"
    target.write_bytes(b"old")
    for delay in (0.4, 0.8, 1.2, 1.6, 2.0, 2.4):
        proc = subprocess.Popen([sys.executable, "-m", "projtrack", "--db", db, "export",
                                 "--format", "xlsx", "--out", str(target)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        data = target.read_bytes()
        if data != b"old":
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                assert zf.testzip() is None
    left = tmp_path / ".out.xlsx.projtrack-999999999-dead.part"
    left.write_bytes(b"half")
    run = projtrack("--db", db, "export", "--format", "xlsx", "--out", str(target))
    assert run.rc == 0, run.err
    openpyxl.load_workbook(target).close()
    assert not left.exists()
    _no_temporaries(tmp_path)


# --- the week is frozen only after its files are rendered, and they are what was frozen -------
def test_a_week_frozen_meanwhile_by_another_process_is_printed_as_frozen(db_url, tmp_path,
                                                                         capsys):
    from projtrack.services import weekly
    from projtrack.services.database import open_store

    rc, out, err = cli(capsys, db_url, "import", str(SAMPLE))
    assert rc == 0, out + err
    store = open_store(db_url, create=False)
    import datetime as dt

    day = dt.date.fromisoformat(AS_OF)
    late = weekly.prepare(store, week=WEEK, as_of=day)  # this officer's figures …
    assert late.pending
    rc, out, err = cli(capsys, db_url, "spend", "add", "第六小学", "500", "--date", "2023-06-20")
    assert rc == 0, out + err
    first_dir, late_dir = tmp_path / "first", tmp_path / "late"
    rc, out, err = cli(capsys, db_url, "report", "weekly", "--week", WEEK, "--out",
                       str(first_dir), as_of=AS_OF)  # … another process issues it first
    assert rc == 0 and "Issued" in out, out + err
    final, paths = weekly.publish(store, late, formats=["xlsx"], out_dir=late_dir, lang="en")
    assert final.status == weekly.IssueStatus.REPRINTED and final.report != late.report
    name = f"weekly-report-{WEEK}.xlsx"

    def cells(path: Path):
        wb = openpyxl.load_workbook(path)
        return [[c.value for c in row] for ws in wb.worksheets for row in ws.iter_rows()]

    assert paths == [late_dir / name]
    assert cells(late_dir / name) == cells(first_dir / name)
    store.close()


# --- CSV cells a spreadsheet would evaluate -------------------------------------------------
HOSTILE_TEXT = ["-NaN1", "=HYPERLINK(\"http://x\")", "+1", "@SUM(A1)", "\tx", "\rx", "-12.5"]


def test_csv_escapes_text_cells_but_not_numbers(db_url, capsys, tmp_path):
    from projtrack.services.database import open_store
    from projtrack.store.models import Project

    rc, out, err = cli(capsys, db_url, "import", str(SAMPLE))
    assert rc == 0, out + err
    store = open_store(db_url, create=False)
    with store.write() as s:
        for i, text in enumerate(HOSTILE_TEXT):
            s.add(Project(name=f"{text}", township=text if i == 0 else None))
    store.close()
    target = tmp_path / "out.csv"
    rc, out, err = cli(capsys, db_url, "export", "--format", "csv", "--out", str(target),
                       as_of="2024-06-30")
    assert rc == 0, out + err
    with open(target, encoding="utf-8-sig", newline="") as fh:  # a CR inside a cell kept
        rows = list(csv.DictReader(fh))
    names = {r["name"] for r in rows}
    for text in HOSTILE_TEXT:
        assert "'" + text in names, text  # every text cell, even one that reads as a number
    assert next(r for r in rows if r["name"] == "'-NaN1")["township"] == "'-NaN1"
    variances = [r["variance"] for r in rows if r["variance"].startswith("-")]
    assert variances and all(v.lstrip("-").replace(".", "").isdigit() for v in variances)
    assert not any(r["variance"].startswith("'") for r in rows)  # numbers stay numbers


# --- a foreign SQLite file is left untouched ------------------------------------------------
def _foreign(path: Path) -> Path:
    import sqlite3

    con = sqlite3.connect(path)
    con.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    con.execute("INSERT INTO notes (body) VALUES ('another program''s data')")
    con.commit()
    con.close()
    return path


FOREIGN_COMMANDS = [
    ("export",), ("init",), ("import", str(SAMPLE)), ("spend", "add", "1", "10", "--date",
                                                      "2024-01-05"),
    ("db", "upgrade"), ("report", "weekly"), ("audit", "list"), ("import", "list"),
]


@pytest.mark.parametrize("kind", ["sqlite", "text"])
@pytest.mark.parametrize("args", FOREIGN_COMMANDS, ids=lambda a: "-".join(a[:2]))
def test_a_foreign_file_is_refused_and_its_bytes_unchanged(tmp_path, kind, args):
    path = tmp_path / "other.db"
    if kind == "sqlite":
        _foreign(path)
    else:
        path.write_text("name,amount\nschool,100\n")
    before = digest(path)
    run = projtrack("--db", str(path), *args)
    assert run.rc == 1, run.out + run.err
    words = "not a projtrack database" if kind == "sqlite" else "not a SQLite database"
    assert words in run.err and "Traceback" not in run.err, run.err
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]  # no -wal, no -shm


# --- size bounds before parsing -------------------------------------------------------------
CONTENT_TYPES = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                 b'package/2006/content-types"/>')


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("xl/workbook.xml", b'<workbook xmlns="http://schemas.openxmlformats.org/'
                                       b'spreadsheetml/2006/main"><sheets/></workbook>')
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_an_annex_declaring_millions_of_shared_strings_is_refused_early(db, tmp_path):
    path = _zip(tmp_path / "big.xlsx", {"xl/sharedStrings.xml": (
        b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        b'2006/main" count="5000000" uniqueCount="5000000"><si><t>a</t></si></sst>')})
    run = projtrack("--db", db, "import", str(path), "--dry-run", timeout=30)
    assert run.rc == 1, run.out + run.err
    assert "shared strings 5,000,000" in run.out + run.err and "limit 2,000,000" in run.out + run.err
    assert 0 < run.cpu_seconds < 10  # refused before parsing: no parse of 5 million strings
    zh = run_process([sys.executable, "-m", "projtrack", "--db", db, "import", str(path),
                      "--dry-run"])
    assert "文件过大" in zh.out + zh.err and "5,000,000" in zh.out + zh.err


def _sheet(rows: int, dimension: int | None = None) -> bytes:
    dim = f'<dimension ref="A1:Z{dimension}"/>'.encode() if dimension else b""
    body = b"".join(b'<row r="%d"/>' % r for r in range(1, rows + 1))
    return (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main">' + dim + b"<sheetData>" + body + b"</sheetData></worksheet>")


@pytest.mark.parametrize("rows, dimension, found", [(100_001, None, "rows 100,001"),
                                                   (10, 200_000, "rows 200,000")])
def test_a_huge_progress_return_is_refused_before_it_is_parsed(db, tmp_path, rows, dimension,
                                                               found):
    path = _zip(tmp_path / "return.xlsx", {"xl/worksheets/sheet1.xml": _sheet(rows, dimension)})
    run = projtrack("--db", db, "progress", "import", str(path), timeout=60)
    assert run.rc == 1, run.out + run.err
    assert found in run.err and "100,000" in run.err and "return.xlsx" in run.err, run.err
    assert 0 < run.cpu_seconds < 15  # refused before parsing


# --- the progress template's hidden sheet is signed -----------------------------------------
def _template(db: str, tmp_path: Path, capsys) -> Path:
    out = tmp_path / f"t-{uuid.uuid4().hex[:6]}.xlsx"
    rc, o, err = cli(capsys, db, "progress", "template", "--out", str(out), "--week", "2024-W26",
                     as_of="2024-06-30")
    assert rc == 0, o + err
    return out


def _edit(path: Path, change) -> None:
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)


def _meta_set(key: str, value: str):
    def change(wb):
        ws = wb["_projtrack"]
        for row in ws.iter_rows(min_col=1, max_col=2):
            if row[0].value == key:
                row[1].value = value
    return change


def _fill_first(wb):
    ws = wb.worksheets[0]
    ws.cell(row=6, column=10).value = 12  # 本周完成投资 of the first project


def _edit_id(wb):
    ws = wb.worksheets[0]
    ws.cell(row=6, column=1).value = ws.cell(row=7, column=1).value


def _drop_signature(wb):
    ws = wb["_projtrack"]
    for row in ws.iter_rows(min_col=1, max_col=2):
        if str(row[0].value).startswith("signature"):
            row[0].value = row[1].value = None


@pytest.mark.parametrize("change, words", [
    (_meta_set("period", "2024-W20"), "period or dates"),
    (_meta_set("week_end", "2024-05-19"), "period or dates"),
    (_meta_set("as_of", "2024-05-19"), "period or dates"),
    (_edit_id, "project ids in column A"),
    (_drop_signature, "no signature"),
], ids=["period", "week_end", "as_of", "ids", "unsigned"])
def test_an_edited_hidden_sheet_is_refused(db_url, tmp_path, capsys, change, words):
    rc, out, err = cli(capsys, db_url, "import", str(SAMPLE))
    assert rc == 0, out + err
    path = _template(db_url, tmp_path, capsys)
    _edit(path, _fill_first)
    _edit(path, change)
    rc, out, err = cli(capsys, db_url, "progress", "import", str(path))
    assert rc == 1, out + err
    assert path.name in err and words in err, err
    rc, out, _ = cli(capsys, db_url, "spend", "list", "1")
    assert "12.00" not in out  # nothing recorded


def test_a_signed_template_imports_and_another_database_s_is_refused(db_url, tmp_path,
                                                                      capsys, sample_db):
    rc, out, err = cli(capsys, db_url, "import", str(SAMPLE))
    assert rc == 0, out + err
    path = _template(db_url, tmp_path, capsys)
    _edit(path, _fill_first)
    other = tmp_path / "other.db"
    shutil.copyfile(sample_db, other)
    rc, out, err = cli(capsys, str(other), "progress", "template", "--out",
                       str(tmp_path / "o.xlsx"))  # the other database has a secret of its own
    assert rc == 0, out + err
    rc, out, err = cli(capsys, str(other), "progress", "import", str(path))
    assert rc == 1 and "period or dates" in err, out + err
    rc, out, err = cli(capsys, db_url, "progress", "import", str(path))
    assert rc == 0, out + err
