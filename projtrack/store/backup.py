"""Backup and restore of a SQLite database file, safe while other processes use it.

``backup`` copies the live database with SQLite's online backup API: one consistent snapshot
(a read transaction; in WAL mode writers go on meanwhile), written to a temporary file beside
the target, **sealed** — a table ``projtrack_backup_seal`` holding a SHA-256 of the whole
content (every table's rows and the schema, triggers included), of each table and of each
frozen report — checked with ``PRAGMA integrity_check`` and against its seal, and only then
renamed into place.  The copy is readable by its owner only, like the database itself.

``restore`` puts a backup back only over a projtrack database (or at a path with no file yet):
never over a symbolic link, another program's file, a text file or a workbook, nor over a
database its owner made read-only.  It copies the candidate to a temporary file (the original
is never touched), checks it — a SQLite file, ``integrity_check`` ok, a projtrack database, a
schema this program knows, its seal intact — and then, holding the live database's write lock
from start to end (``BEGIN IMMEDIATE``: it waits until the writer at work has committed, and
every writer that comes later waits for it or fails, none is lost), keeps a copy of the current
database beside it (``<name>.before-restore-<time>.db``) and replaces the live database's
content with the candidate's in the same transaction.  A running app sees the restored data on
its next read; the file, its permissions and its WAL mode stay as they were.  Only a database
too damaged to be read is replaced as a file (nobody can be using it).

Temporary files are named ``.<target>.<pid>.<job>.<random>.tmp``; one whose process is gone
(an interrupted backup or restore) is removed at the next backup or restore beside it, and said.

On PostgreSQL both are the job of ``pg_dump`` / ``pg_restore``; the functions say so.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import os
import re
import shutil
import sqlite3
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url

from projtrack.errors import BadData, BadUsage
from projtrack.store import chain
from projtrack.store.engine import (
    FOREVER_MS,
    check_sqlite_file,
    normalize_url,
    sqlite_busy,
    sqlite_busy_error,
    sqlite_path,
    timeout_ms,
)
from projtrack.store.migrate import head_revision, known_revisions

SQLITE_MAGIC = b"SQLite format 3\x00"
REQUIRED_TABLES = frozenset({"alembic_version", "project", "ledger_entry", "audit_log"})
SEAL_TABLE = "projtrack_backup_seal"
SEAL_FORMAT = "1"
_PAGES_PER_STEP = -1  # the whole database in one step: one consistent snapshot
_SQLITE_FULL = 13
_TEMP = re.compile(r"^\.(?P<target>.+)\.(?P<pid>\d+)\.(?P<job>backup|restore|keep)\.[^.]+\.tmp"
                   r"(?:-journal|-wal|-shm)?$")


@dataclass(frozen=True)
class DbSummary:
    """What a checked database file holds."""

    revision: str
    projects: int
    ledger_entries: int
    sealed: bool = True  # False: a copy without a seal (made before backups were sealed)
    made_at: str | None = None  # when the sealed backup was made
    broken: tuple[str, ...] = ()  # append-only rows changed after the fact (store.chain)

    @property
    def needs_upgrade(self) -> bool:
        return self.revision != head_revision()


@dataclass(frozen=True)
class Leftover:
    """A temporary copy an interrupted backup or restore left behind, removed now."""

    path: Path
    bytes: int
    job: str  # backup, restore or keep


@dataclass(frozen=True)
class Replaced:
    """What a restore replaced at the database's path."""

    state: str  # "new" (no file, or an empty one), "database", "damaged"
    summary: DbSummary | None  # of the replaced database, when it could be read


@dataclass(frozen=True)
class RestoreResult:
    summary: DbSummary  # of the restored backup
    kept: Path | None  # the database as it was before, kept beside it
    replaced: Replaced
    leftovers: tuple[Leftover, ...] = field(default=())


@dataclass(frozen=True)
class BackupResult:
    summary: DbSummary
    leftovers: tuple[Leftover, ...] = field(default=())


# --- paths -----------------------------------------------------------------------------------
def _given_path(target: str | None, *, what: str) -> Path:
    """The SQLite file of ``target`` as given (absolute, symbolic links NOT followed);
    PostgreSQL and in-memory databases are refused."""
    url = normalize_url(target)
    if url.startswith("postgresql"):
        raise BadUsage("err.pg_backup" if what == "backup" else "err.pg_restore")
    if sqlite_path(url) is None:
        raise BadUsage("err.backup_memory")
    text = str(target) if target not in (None, "") else url[len("sqlite:///"):]
    if "://" in text:
        text = make_url(text).database or ""
    return Path(os.path.abspath(Path(text).expanduser()))


def _refuse_link(path: Path) -> None:
    if path.is_symlink():
        raise BadUsage("err.file_is_symlink", file=str(path), to=os.readlink(path))


# --- connections and copies ------------------------------------------------------------------
def _connect(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    wait_ms = timeout_ms("PROJTRACK_LOCK_WAIT") or FOREVER_MS
    if readonly:
        con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True,
                              timeout=wait_ms / 1000, isolation_level=None)
    else:
        con = sqlite3.connect(path, timeout=wait_ms / 1000, isolation_level=None)
    con.execute(f"PRAGMA busy_timeout={wait_ms}")
    return con


def _private_temp(directory: Path, target: str, job: str) -> Path:
    """A new empty file readable by its owner only, in ``directory`` (same file system as the
    target, so the final rename is atomic), named so that a later run can tell it is a
    leftover (its process gone)."""
    fd, name = tempfile.mkstemp(prefix=f".{target}.{os.getpid()}.{job}.", suffix=".tmp",
                                dir=directory)
    os.fchmod(fd, 0o600)
    os.close(fd)
    return Path(name)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def sweep_leftovers(directory: Path, target: str) -> tuple[Leftover, ...]:
    """Remove the temporary copies of ``target`` (a file name in ``directory``) that a backup
    or restore left when it was interrupted (its process is gone); returns what was removed."""
    found: list[Leftover] = []
    try:
        names = os.listdir(directory)
    except OSError:
        return ()
    for name in sorted(names):
        m = _TEMP.match(name)
        if m is None or _alive(int(m["pid"])):
            continue
        if m["target"] != target and not m["target"].startswith(f"{Path(target).stem}.before-restore-"):
            continue
        path = directory / name
        with contextlib.suppress(FileNotFoundError):
            st = path.lstat()
            if not stat.S_ISREG(st.st_mode):
                continue
            path.unlink()
            found.append(Leftover(path, st.st_size, m["job"]))
    return tuple(found)


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


def _human(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{n / 1000:.0f} kB"


def _disk_problem(exc: BaseException, folder: Path, need: int) -> BadData | None:
    """A full disk or a folder one cannot write in, said as such (not as a damaged file)."""
    full = (isinstance(exc, sqlite3.Error) and getattr(exc, "sqlite_errorcode", None) == _SQLITE_FULL) \
        or (isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT))
    if full:
        try:
            free = shutil.disk_usage(folder).free
        except OSError:
            free = 0
        return BadData("err.disk_full", folder=str(folder), need=_human(need), free=_human(free))
    denied = isinstance(exc, OSError) and exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS)
    if denied or (isinstance(exc, sqlite3.OperationalError) and "readonly" in str(exc)):
        return BadData("err.folder_not_writable", folder=str(folder))
    return None


@contextlib.contextmanager
def _writing(folder: Path, need: int) -> Iterator[None]:
    try:
        yield
    except (OSError, sqlite3.Error) as exc:
        problem = _disk_problem(exc, folder, need)
        if problem is None:
            raise
        raise problem from exc


# --- the seal ----------------------------------------------------------------------------------
def _objects(con: sqlite3.Connection, schema: str = "main") -> list[tuple[str, str, str, str]]:
    """(type, name, tbl_name, sql) of every schema object but SQLite's own and the seal."""
    return [tuple(r) for r in con.execute(
        f"SELECT type, name, tbl_name, sql FROM {schema}.sqlite_master "
        "WHERE name NOT LIKE 'sqlite_%' AND tbl_name != ? ORDER BY type, name", (SEAL_TABLE,))]


def _value(h, value: object) -> None:
    if value is None:
        h.update(b"N")
    elif isinstance(value, int):
        h.update(b"I%d;" % value)
    elif isinstance(value, float):
        h.update(b"F" + repr(value).encode() + b";")
    else:
        data = value if isinstance(value, bytes) else str(value).encode()
        h.update(b"S%d:" % len(data) + data)


def _row_order(con: sqlite3.Connection, name: str, sql: str) -> tuple[str, str]:
    """What to select from table ``name`` and in which order: by rowid, or for a WITHOUT
    ROWID table by its primary key."""
    if "WITHOUT ROWID" not in " ".join(sql.upper().split()):
        return "rowid, *", "rowid"
    pk = sorted((r[5], r[1]) for r in con.execute(f'PRAGMA table_info("{name}")') if r[5])
    return "*", ", ".join(f'"{col}"' for _, col in pk)


def _digests(con: sqlite3.Connection) -> dict[str, str]:
    """SHA-256 of the schema, of each table's rows (in rowid order), of each frozen report's
    row, and of all of them together (key ``content``)."""
    objects = _objects(con)
    orders = {name: _row_order(con, name, sql) for kind, name, _, sql in objects if kind == "table"}
    old_factory = con.text_factory
    con.text_factory = bytes  # hash the stored bytes; a flipped bit is no decoding error here
    try:
        out: dict[str, str] = {}
        schema = hashlib.sha256()
        for obj in objects:
            for v in obj:
                _value(schema, v)
        out["schema"] = schema.hexdigest()
        for name, (columns, order) in orders.items():
            h = hashlib.sha256()
            report = name == "report_snapshot"
            for row in con.execute(f'SELECT {columns} FROM "{name}" ORDER BY {order}'):
                for v in row:
                    _value(h, v)
                if report:
                    r = hashlib.sha256()
                    for v in row:
                        _value(r, v)
                    out[f"report:{row[0]}"] = r.hexdigest()
            out[f"table:{name}"] = h.hexdigest()
        whole = hashlib.sha256()
        for key in sorted(out):
            whole.update(f"{key}={out[key]}\n".encode())
        out["content"] = whole.hexdigest()
        return out
    finally:
        con.text_factory = old_factory


def _seal(con: sqlite3.Connection, made_from: Path) -> None:
    """Write the seal into the backup copy ``con``."""
    digests = _digests(con)
    meta = {"format": SEAL_FORMAT, "made_at": dt.datetime.now().isoformat(timespec="seconds"),
            "made_from": str(made_from)}
    con.execute("BEGIN")
    con.execute(f"CREATE TABLE {SEAL_TABLE} (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    con.executemany(f"INSERT INTO {SEAL_TABLE} VALUES (?, ?)",
                    sorted({**digests, **{f"meta:{k}": v for k, v in meta.items()}}.items()))
    con.execute("COMMIT")


def _report_names(con: sqlite3.Connection, rowids: list[int]) -> list[str]:
    names = []
    for rowid in rowids:
        try:
            row = con.execute("SELECT kind, period FROM report_snapshot WHERE rowid = ?",
                              (rowid,)).fetchone()
        except sqlite3.Error:
            row = None
        names.append(f"{row[0]} {row[1]}" if row else f"#{rowid}")
    return names


def seal_problems(con: sqlite3.Connection) -> tuple[bool, str | None, list[str]]:
    """(is this copy sealed, when it was made, what no longer matches its seal)."""
    has = con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                      (SEAL_TABLE,)).fetchone()
    if not has:
        return False, None, []
    stored = dict(con.execute(f"SELECT key, value FROM {SEAL_TABLE}").fetchall())
    made_at = stored.get("meta:made_at")
    if stored.get("meta:format") != SEAL_FORMAT or "content" not in stored:
        return True, made_at, ["seal"]
    now = _digests(con)
    if now["content"] == stored["content"]:
        return True, made_at, []
    changed = [key.split(":", 1)[1] for key in sorted(now.keys() | stored.keys())
               if key.startswith("table:") and now.get(key) != stored.get(key)]
    if now["schema"] != stored.get("schema"):
        changed.insert(0, "schema")
    reports = [int(key.split(":", 1)[1]) for key in sorted(now.keys() | stored.keys())
               if key.startswith("report:") and now.get(key) != stored.get(key)]
    if reports:
        changed.append("reports " + ", ".join(_report_names(con, reports)))
    return True, made_at, changed or ["seal"]


def seal_check(path: Path) -> list[str]:
    """``db check`` of a sealed backup file: what no longer matches its seal (empty when the
    file is no sealed backup, or intact)."""
    try:
        con = _connect(path, readonly=True)
        try:
            sealed, made_at, changed = seal_problems(con)
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        return [f"backup seal: cannot be read ({_one_line(str(exc))})"]
    return [f"backup seal (made {made_at}): changed since the backup was made: {what}"
            for what in changed]


# --- checks ----------------------------------------------------------------------------------
def _check_magic(path: Path) -> None:
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise BadData("err.restore_unreadable", file=str(path), why=exc.strerror) from exc
    if head != SQLITE_MAGIC:
        raise BadData("err.restore_not_sqlite", file=str(path))


def check_file(path: Path, shown: Path | None = None, *, keep_broken: bool = False) -> DbSummary:
    """Check a database file: SQLite, intact, a projtrack database, a schema revision this
    program knows, and — for a sealed backup — its content as it was sealed; its append-only
    rows as they were written (``store.chain``), unless ``keep_broken`` (a backup copies a
    database as it is, evidence included: the summary's ``broken`` says what is wrong).
    Raises BadData with the reason (naming ``shown``, default ``path``)."""
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
            broken = chain.verify_sqlite(con, revision) if chain.applies(revision) else []
            if broken and not keep_broken:  # rows changed after the fact: refused (store.chain)
                chain.require_intact(broken, name)
            # then the seal: whatever else changed since the backup was made (any table, the schema)
            sealed, made_at, changed = seal_problems(con)
            if changed:
                raise BadData("err.backup_tampered", file=name, what=", ".join(changed))
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise BadData("err.restore_corrupt", file=name, why=_one_line(str(exc))) from exc
    return DbSummary(revision, projects, entries, sealed=sealed, made_at=made_at,
                     broken=tuple(p.render() for p in broken))


def _summary_of(con: sqlite3.Connection) -> DbSummary | None:
    try:
        revision = con.execute("SELECT version_num FROM main.alembic_version").fetchone()[0]
        projects = con.execute("SELECT count(*) FROM main.project").fetchone()[0]
        entries = con.execute("SELECT count(*) FROM main.ledger_entry").fetchone()[0]
    except (sqlite3.Error, TypeError):
        return None
    return DbSummary(revision, projects, entries)


def _target_state(live: Path) -> str:
    """What is at the restore's target: "new" (nothing, or an empty file), "database" (a
    projtrack database), "damaged" (a projtrack database too damaged to be read) — anything
    else is refused, naming it."""
    try:
        st = live.lstat()
    except FileNotFoundError:
        return "new"
    if stat.S_ISLNK(st.st_mode):
        raise BadUsage("err.file_is_symlink", file=str(live), to=os.readlink(live))
    if not stat.S_ISREG(st.st_mode):
        raise BadUsage("err.restore_target_not_file", file=str(live))
    if not st.st_mode & stat.S_IWUSR or not os.access(live, os.W_OK):
        raise BadData("err.restore_target_readonly", file=str(live),
                      mode=stat.filemode(st.st_mode))
    if st.st_size == 0:
        return "new"
    try:
        with live.open("rb") as fh:
            head = fh.read(1 << 20)
    except OSError as exc:
        raise BadData("err.restore_unreadable", file=str(live), why=exc.strerror) from exc
    if not head.startswith(SQLITE_MAGIC):
        raise BadData("err.restore_target_foreign", file=str(live), what=_kind_of(head))
    try:
        con = _connect(live, readonly=True)
        try:
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            whole = [r[0] for r in con.execute("PRAGMA quick_check(1)")] == ["ok"]
        finally:
            con.close()
    except sqlite3.DatabaseError:
        # too damaged to read its schema: projtrack's if its pages still name its tables
        if all(f"CREATE TABLE {t}".encode() in head or f'CREATE TABLE "{t}"'.encode() in head
               for t in ("alembic_version", "ledger_entry")):
            return "damaged"
        raise BadData("err.restore_target_foreign", file=str(live),
                      what="a damaged SQLite database of unknown origin") from None
    if not REQUIRED_TABLES <= tables:
        raise BadData("err.restore_target_foreign", file=str(live),
                      what="another program's SQLite database")
    return "database" if whole else "damaged"


def _kind_of(head: bytes) -> str:
    if head.startswith(b"PK\x03\x04"):
        return "a zip file (a workbook or an archive)"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "an old Office file"
    if head.startswith(b"%PDF"):
        return "a PDF"
    try:
        head[:4096].decode("utf-8")
    except UnicodeDecodeError:
        return "a binary file"
    return "a text file"


# --- backup ----------------------------------------------------------------------------------
def backup(target: str | None, dest: Path, *, overwrite: bool = False) -> BackupResult:
    """Copy the live database ``target`` to ``dest`` (a consistent snapshot, even while other
    processes write), sealed.  Returns what the copy holds, and the leftovers of interrupted
    runs removed beside it."""
    live = _given_path(target, what="backup")
    dest = Path(os.path.abspath(Path(dest).expanduser()))
    _refuse_link(dest)
    if not live.is_file():
        raise BadUsage("err.no_database", db=str(live))
    check_sqlite_file(live)  # a text file or another program's database: said, not copied
    if dest.resolve() == live.resolve():
        raise BadUsage("err.backup_same_file", file=str(dest))
    if dest.exists() and not overwrite:
        raise BadUsage("err.backup_exists", file=str(dest))
    if dest.exists() and not dest.is_file():
        raise BadUsage("err.restore_target_not_file", file=str(dest))
    if not dest.parent.is_dir():
        raise BadUsage("err.no_such_folder", folder=str(dest.parent))
    leftovers = sweep_leftovers(dest.parent, dest.name)
    need = live.stat().st_size
    with _writing(dest.parent, need):
        tmp = _private_temp(dest.parent, dest.name, "backup")
    try:
        with _writing(dest.parent, need):
            try:
                src = _connect(live)
                try:
                    _copy(src, tmp)
                finally:
                    src.close()
                con = _connect(tmp)
                try:
                    _seal(con, live)
                finally:
                    con.close()
            except sqlite3.DatabaseError as exc:
                if _disk_problem(exc, dest.parent, need) is not None:
                    raise
                raise BadData("err.backup_source_damaged", db=str(live),
                              why=_one_line(str(exc))) from exc
        summary = check_file(tmp, live, keep_broken=True)
        with _writing(dest.parent, need):
            _fsync(tmp)
            os.replace(tmp, dest)
    except BaseException:
        _remove(tmp)
        raise
    return BackupResult(summary, leftovers)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- restore ---------------------------------------------------------------------------------
def restore(target: str | None, source: Path, *, keep_current: bool = True) -> RestoreResult:
    """Put the backup ``source`` back as the database ``target``, after checking it.

    Only over a projtrack database or where there is none yet (see the module's text); the
    current database is first kept beside it as ``<name>.before-restore-<time>.db``."""
    live = _given_path(target, what="restore")
    source = Path(source).expanduser().absolute()
    if not source.is_file():
        raise BadUsage("err.no_such_file", file=str(source))
    if source.resolve() == live.resolve():
        raise BadUsage("err.backup_same_file", file=str(source))
    state = _target_state(live)
    _check_magic(source)
    if not live.parent.is_dir():
        with _writing(live.parent.parent if live.parent.parent.is_dir() else Path.cwd(), 0):
            live.parent.mkdir(parents=True, exist_ok=True)
    leftovers = sweep_leftovers(live.parent, live.name)
    need = source.stat().st_size * 2 + (live.stat().st_size if state != "new" else 0)
    with _writing(live.parent, need):
        candidate = _private_temp(live.parent, live.name, "restore")
    kept: Path | None = None
    replaced = Replaced(state, None)
    try:
        try:
            with _writing(live.parent, need):
                src = _connect(source, readonly=True)
                try:
                    _copy(src, candidate)
                finally:
                    src.close()
        except sqlite3.DatabaseError as exc:
            raise BadData("err.restore_corrupt", file=str(source), why=_one_line(str(exc))) from exc
        summary = check_file(candidate, source)
        if state == "database":
            try:
                with _writing(live.parent, need):
                    kept, old = _swap_in(live, candidate, keep_current)
                replaced = Replaced(state, old)
            except sqlite3.DatabaseError:  # damaged where the quick check did not look
                state = "damaged"
                replaced = Replaced(state, None)
        if state != "database":
            with _writing(live.parent, need):
                kept = _replace_file(live, candidate, keep_current and state == "damaged")
    finally:
        _remove(candidate)
    return RestoreResult(summary, kept, replaced, leftovers)


def _kept_name(live: Path) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    kept = live.with_name(f"{live.stem}.before-restore-{stamp}{live.suffix or '.db'}")
    n = 2
    while kept.exists() or kept.is_symlink():
        kept = live.with_name(f"{live.stem}.before-restore-{stamp}-{n}{live.suffix or '.db'}")
        n += 1
    return kept


def _create_order(objects: list[tuple[str, str, str, str]]) -> list[tuple[str, str, str, str]]:
    rank = {"table": 0, "view": 1, "index": 2, "trigger": 3}
    return sorted((o for o in objects if o[3]), key=lambda o: rank.get(o[0], 9))


def _swap_in(live: Path, candidate: Path, keep: bool) -> tuple[Path | None, DbSummary | None]:
    """Under one write lock on the live database: keep a copy of it as it is, then replace its
    content (schema and rows) with the candidate's, in one transaction."""
    con = _connect(live)
    kept: Path | None = None
    keep_tmp: Path | None = None
    try:
        con.execute("PRAGMA foreign_keys=OFF")
        con.execute("ATTACH DATABASE ? AS cand", (str(candidate),))
        try:
            con.execute("BEGIN IMMEDIATE")  # the writer at work finishes first; later ones wait
        except sqlite3.OperationalError as exc:
            if sqlite_busy(exc):
                raise sqlite_busy_error() from exc
            raise
        try:
            old = _summary_of(con)
            if keep:
                kept = _kept_name(live)
                keep_tmp = _private_temp(live.parent, kept.name, "keep")
                _logical_copy(con, keep_tmp)
            for kind, name, _, _ in _objects(con):
                if kind in ("trigger", "view"):
                    con.execute(f'DROP {kind.upper()} IF EXISTS main."{name}"')
            for kind, name, _, _ in _objects(con):
                if kind == "table":
                    con.execute(f'DROP TABLE IF EXISTS main."{name}"')
            objects = _objects(con, "cand")
            for kind, name, _, sql in _create_order(objects):
                if kind == "table":
                    con.execute(sql)
                    con.execute(f'INSERT INTO main."{name}" SELECT * FROM cand."{name}"')
                elif kind != "index" or sql:
                    con.execute(sql)
            has_seq = con.execute("SELECT 1 FROM main.sqlite_master WHERE name = 'sqlite_sequence'").fetchone()
            if has_seq:
                con.execute("DELETE FROM main.sqlite_sequence")
                if con.execute("SELECT 1 FROM cand.sqlite_master WHERE name = 'sqlite_sequence'").fetchone():
                    con.execute("INSERT INTO main.sqlite_sequence SELECT * FROM cand.sqlite_sequence")
            version = con.execute("PRAGMA cand.user_version").fetchone()[0]
            con.execute(f"PRAGMA main.user_version = {int(version)}")
            if keep_tmp is not None and kept is not None:
                _fsync(keep_tmp)
                os.replace(keep_tmp, kept)
                keep_tmp = None
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            if kept is not None and keep_tmp is None:  # the restore did not happen after all
                with contextlib.suppress(FileNotFoundError):
                    kept.unlink()
            raise
        con.execute("DETACH DATABASE cand")
        check = [r[0] for r in con.execute("PRAGMA main.quick_check").fetchall()]
        if check != ["ok"]:  # pragma: no cover - the candidate was checked before
            raise BadData("err.restore_corrupt", file=str(live), why=_one_line("; ".join(check)))
        return kept, old
    finally:
        con.close()
        if keep_tmp is not None:
            _remove(keep_tmp)


def _logical_copy(con: sqlite3.Connection, dest: Path) -> None:
    """The main database of ``con`` (inside its transaction, so exactly what it sees) → the
    file ``dest``, schema and rows, triggers created after the rows."""
    out = _connect(dest)
    try:
        out.execute("BEGIN")
        objects = _create_order([(k, n, t, s) for k, n, t, s in con.execute(
            "SELECT type, name, tbl_name, sql FROM main.sqlite_master WHERE name NOT LIKE 'sqlite_%'")])
        for kind, name, _, sql in objects:
            out.execute(sql)
            if kind == "table":
                cur = con.execute(f'SELECT * FROM main."{name}"')
                marks = ", ".join("?" * len(cur.description))
                out.executemany(f'INSERT INTO "{name}" VALUES ({marks})', cur)
        seq = con.execute("SELECT 1 FROM main.sqlite_master WHERE name = 'sqlite_sequence'").fetchone()
        if seq:
            out.execute("DELETE FROM sqlite_sequence")
            out.executemany("INSERT INTO sqlite_sequence VALUES (?, ?)",
                            con.execute("SELECT name, seq FROM main.sqlite_sequence"))
        out.execute(f"PRAGMA user_version = {int(con.execute('PRAGMA main.user_version').fetchone()[0])}")
        out.execute("COMMIT")
    finally:
        out.close()


def _replace_file(live: Path, candidate: Path, keep: bool) -> Path | None:
    """No database anyone can use at ``live`` (none, an empty file, or one too damaged to be
    read): the checked candidate, its seal dropped, takes its place as a file; a damaged one
    is kept as its bytes were."""
    con = _connect(candidate)
    try:
        con.execute(f"DROP TABLE IF EXISTS {SEAL_TABLE}")
        con.execute("VACUUM")
    finally:
        con.close()
    kept: Path | None = None
    mode = 0o600
    if live.exists():
        mode = stat.S_IMODE(live.stat().st_mode)
        if keep and live.stat().st_size > 0:
            kept = _kept_name(live)
            tmp = _private_temp(live.parent, kept.name, "keep")
            try:
                shutil.copyfile(live, tmp)
                os.replace(tmp, kept)
            except BaseException:
                _remove(tmp)
                raise
    os.chmod(candidate, mode)
    _fsync(candidate)
    for extra in (Path(f"{live}-wal"), Path(f"{live}-shm"), Path(f"{live}-journal")):
        with contextlib.suppress(FileNotFoundError):
            extra.unlink()
    os.replace(candidate, live)
    return kept


def integrity_of(path: Path) -> str:
    con = _connect(path)
    try:
        return _one_line("; ".join(r[0] for r in con.execute("PRAGMA integrity_check").fetchall()))
    finally:
        con.close()
