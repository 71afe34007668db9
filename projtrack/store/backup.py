"""Backup and restore of a SQLite database file, safe while other processes use it.

``backup`` copies the live database with SQLite's online backup API: one consistent snapshot
(a read transaction; in WAL mode writers go on meanwhile), written to a temporary file beside
the target, checked with ``PRAGMA integrity_check`` and only then renamed into place.  The copy is
readable by its owner only, like the database itself.

``restore`` first copies the candidate file to a temporary file (so the original is never
touched and a half-read file is never used), checks it — a SQLite file, ``integrity_check`` ok,
a projtrack database, a schema revision this program knows — keeps a safety copy of the current
database, and then copies the candidate *into* the live database with the backup API, which takes
the database's locks the way any writer does: a running app sees the restored data on its next
read instead of a file swapped under its feet.

On PostgreSQL both are the job of ``pg_dump`` / ``pg_restore``; the functions say so.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from projtrack.errors import BadData, BadUsage
from projtrack.store import chain
from projtrack.store.engine import BUSY_TIMEOUT_MS, normalize_url, sqlite_path
from projtrack.store.migrate import head_revision, known_revisions

SQLITE_MAGIC = b"SQLite format 3\x00"
REQUIRED_TABLES = frozenset({"alembic_version", "project", "ledger_entry", "audit_log"})
_PAGES_PER_STEP = -1  # the whole database in one step: one consistent snapshot


@dataclass(frozen=True)
class DbSummary:
    """What a checked database file holds."""

    revision: str
    projects: int
    ledger_entries: int

    @property
    def needs_upgrade(self) -> bool:
        return self.revision != head_revision()


def _live_path(target: str | None, *, what: str) -> Path:
    """The SQLite file of ``target``; PostgreSQL and in-memory databases are refused."""
    url = normalize_url(target)
    if url.startswith("postgresql"):
        raise BadUsage("err.pg_backup" if what == "backup" else "err.pg_restore")
    path = sqlite_path(url)
    if path is None:
        raise BadUsage("err.backup_memory")
    return path


def _connect(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    if readonly:
        con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True,
                              timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    else:
        con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    con.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return con


def _private_temp(directory: Path, prefix: str) -> Path:
    """A new empty file readable by its owner only, in ``directory`` (same file system as the
    target, so the final rename is atomic)."""
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=directory)
    os.close(fd)
    os.chmod(name, 0o600)
    return Path(name)


def _remove(path: Path) -> None:
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


def _copy(src: sqlite3.Connection, dest_path: Path) -> None:
    """src → a single self-contained file (rollback journal mode, no -wal beside it)."""
    dst = _connect(dest_path)
    try:
        src.backup(dst, pages=_PAGES_PER_STEP)
        dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        dst.close()


def _one_line(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _check_magic(path: Path) -> None:
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise BadData("err.restore_unreadable", file=str(path), why=exc.strerror) from exc
    if head != SQLITE_MAGIC:
        raise BadData("err.restore_not_sqlite", file=str(path))


def check_file(path: Path, shown: Path | None = None) -> DbSummary:
    """Check a database file: SQLite, intact, a projtrack database, a schema revision this
    program knows.  Raises BadData with the reason (naming ``shown``, default ``path``)."""
    _check_magic(path)
    name = str(shown or path)
    try:
        con = _connect(path)
        try:
            result = [r[0] for r in con.execute("PRAGMA integrity_check").fetchall()]
            if result != ["ok"]:
                raise BadData("err.restore_corrupt", file=name, why=_one_line("; ".join(result[:3])))
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if not REQUIRED_TABLES <= tables:
                raise BadData("err.restore_not_projtrack", file=name)
            rows = con.execute("SELECT version_num FROM alembic_version").fetchall()
            revision = rows[0][0] if len(rows) == 1 else None
            if revision is None:
                raise BadData("err.restore_not_projtrack", file=name)
            if revision not in known_revisions():
                raise BadData("err.restore_newer", file=name, rev=revision)
            projects = con.execute("SELECT count(*) FROM project").fetchone()[0]
            entries = con.execute("SELECT count(*) FROM ledger_entry").fetchone()[0]
            if chain.applies(revision):  # rows changed after the fact: refused (store.chain)
                chain.require_intact(chain.verify_sqlite(con), name)
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise BadData("err.restore_corrupt", file=name, why=_one_line(str(exc))) from exc
    return DbSummary(revision, projects, entries)


def backup(target: str | None, dest: Path, *, overwrite: bool = False) -> DbSummary:
    """Copy the live database ``target`` to ``dest`` (a consistent snapshot, even while other
    processes write).  Returns what the copy holds."""
    live = _live_path(target, what="backup")
    dest = Path(dest).expanduser().resolve()
    if not live.is_file():
        raise BadUsage("err.no_database", db=str(live))
    if dest == live:
        raise BadUsage("err.backup_same_file", file=str(dest))
    if dest.exists() and not overwrite:
        raise BadUsage("err.backup_exists", file=str(dest))
    if not dest.parent.is_dir():
        raise BadUsage("err.no_such_folder", folder=str(dest.parent))
    tmp = _private_temp(dest.parent, f".{dest.name}.")
    try:
        src = _connect(live)
        try:
            _copy(src, tmp)
        finally:
            src.close()
        summary = check_file(tmp, live)
        os.replace(tmp, dest)
    except BaseException:
        _remove(tmp)
        raise
    return summary


def restore(target: str | None, source: Path, *, keep_current: bool = True) -> tuple[DbSummary, Path | None]:
    """Put the backup ``source`` back as the database ``target``, after checking it.

    The current database (if any) is first saved beside it as
    ``<name>.before-restore-<timestamp>.db``; returns the restored file's summary and that path.
    """
    live = _live_path(target, what="restore")
    source = Path(source).expanduser().resolve()
    if not source.is_file():
        raise BadUsage("err.no_such_file", file=str(source))
    if source == live:
        raise BadUsage("err.backup_same_file", file=str(source))
    _check_magic(source)
    live.parent.mkdir(parents=True, exist_ok=True)
    candidate = _private_temp(live.parent, f".{live.name}.restore.")
    kept: Path | None = None
    try:
        src = _connect(source, readonly=True)
        try:
            _copy(src, candidate)
        except sqlite3.DatabaseError as exc:
            raise BadData("err.restore_corrupt", file=str(source), why=_one_line(str(exc))) from exc
        finally:
            src.close()
        summary = check_file(candidate, source)
        if live.exists() and live.stat().st_size > 0 and keep_current:
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            kept = live.with_name(f"{live.stem}.before-restore-{stamp}{live.suffix or '.db'}")
            _keep(live, kept)
        if not live.exists():
            fd = os.open(live, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)
        try:
            _copy_into(candidate, live)
        except sqlite3.DatabaseError:
            # the current file is no readable database (which is why one restores): nobody can
            # be using it, so the checked copy simply takes its place
            _remove(live)
            os.replace(candidate, live)
        if integrity_of(live) != "ok":  # pragma: no cover - the candidate was checked before
            raise BadData("err.restore_corrupt", file=str(live), why=integrity_of(live))
    finally:
        _remove(candidate)
    return summary, kept


def _copy_into(candidate: Path, live: Path) -> None:
    """candidate → the live database through SQLite's locks (WAL mode on the live file stays
    as the other processes expect it)."""
    cand = _connect(candidate)
    dst = _connect(live)
    try:
        cand.backup(dst, pages=_PAGES_PER_STEP)
    finally:
        dst.close()
        cand.close()


def _keep(live: Path, kept: Path) -> None:
    """A copy of the current database as it is, however damaged: no checks here."""
    tmp = _private_temp(kept.parent, f".{kept.name}.")
    try:
        try:
            src = _connect(live)
            try:
                _copy(src, tmp)
            finally:
                src.close()
        except sqlite3.DatabaseError:  # unreadable as a database: keep its bytes
            _remove(tmp)
            shutil.copyfile(live, tmp)
            os.chmod(tmp, 0o600)
        os.replace(tmp, kept)
    except BaseException:
        _remove(tmp)
        raise


def integrity_of(path: Path) -> str:
    con = _connect(path)
    try:
        return _one_line("; ".join(r[0] for r in con.execute("PRAGMA integrity_check").fetchall()))
    finally:
        con.close()
