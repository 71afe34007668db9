"""Engines for a SQLite file, an in-memory SQLite database or PostgreSQL.

SQLite is set up for several processes on one file (see PITFALLS): WAL, a busy timeout,
foreign keys on, and ``BEGIN IMMEDIATE`` for write transactions so that two writers queue
instead of failing with "database is locked".  Read-only sessions use a plain deferred BEGIN.
On PostgreSQL write transactions queue the same way, on an advisory lock.

No writer waits without end: a writer waits for the write lock up to ``PROJTRACK_LOCK_WAIT``
seconds (default 30; SQLite's busy timeout, PostgreSQL's lock_timeout; 0 waits for ever), then gives up with a
message (``DatabaseBusy``) that names who holds the lock and since when — on PostgreSQL, from
pg_locks and pg_stat_activity, where every projtrack session is named "projtrack <command> (<os
user>)"; SQLite cannot tell, and the message says so.  On PostgreSQL a statement may run
``PROJTRACK_STATEMENT_TIMEOUT`` seconds (default 600) and one of our sessions may sit idle inside
a transaction ``PROJTRACK_IDLE_TIMEOUT`` seconds (default 300) before the server ends it, so a
stalled projtrack client cannot hold every writer for ever (0 turns either off).
"""

from __future__ import annotations

import os
import sqlite3
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import StaticPool

from projtrack.errors import BadData, BadUsage, DatabaseBusy
from projtrack.redact import redact

BUSY_TIMEOUT_MS = 30_000  # the default wait for the write lock (PROJTRACK_LOCK_WAIT)
TIMEOUTS = {  # environment variable → default, in seconds
    "PROJTRACK_LOCK_WAIT": BUSY_TIMEOUT_MS // 1000,
    "PROJTRACK_STATEMENT_TIMEOUT": 600,
    "PROJTRACK_IDLE_TIMEOUT": 300,
}


def timeout_ms(var: str) -> int:
    """A timeout of ``TIMEOUTS`` in milliseconds, from its environment variable (seconds, a
    decimal fraction allowed; 0 = none) or its default; a usage error naming a bad value."""
    text = os.environ.get(var, "").strip()
    if not text:
        return TIMEOUTS[var] * 1000
    try:
        seconds = Decimal(text)
    except InvalidOperation:
        seconds = Decimal(-1)
    if not seconds.is_finite() or seconds < 0 or seconds > 86_400:
        raise BadUsage("err.bad_timeout", var=var, found=text)
    return int(seconds * 1000)


FOREVER_MS = 2**31 - 1  # SQLite's longest busy timeout: what a lock wait of 0 (none) means there


def sqlite_busy(exc: BaseException | None) -> bool:
    """Whether ``exc`` (a driver's error) is SQLite's "database is locked": the busy timeout ran
    out while another connection held the write lock."""
    import sqlite3

    if not isinstance(exc, sqlite3.OperationalError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    return (code & 0xFF) == 5 if code is not None else "database is locked" in str(exc)


def sqlite_busy_error() -> DatabaseBusy:
    """What a writer that gave up waiting for a SQLite file's write lock says."""
    return DatabaseBusy("err.db_busy_sqlite",
                        seconds=_seconds(timeout_ms("PROJTRACK_LOCK_WAIT") or FOREVER_MS))


_VALUED = {"--db", "--as-of", "--lang"}  # the global options that take a value


def application_name(argv: list[str] | None = None) -> str:
    """What a PostgreSQL session of this process is called (pg_stat_activity's
    application_name): "projtrack <command> (<os user>)", the command read from the process's
    arguments ("projtrack milestone set (wang)"; the terminal UI without a command)."""
    from projtrack.store.repo import os_user

    words: list[str] = []
    args = list(sys.argv[1:] if argv is None else argv)
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg.startswith("-"):
            skip = arg in _VALUED
        elif arg.isascii() and arg.replace("-", "").isalpha() and len(words) < 2:
            words.append(arg)
        else:
            break
    command = " ".join(words) or "tui"
    return f"projtrack {command} ({os_user()})"[:63]  # the server keeps 63 bytes
DEFAULT_DB = Path("db") / "projtrack.db"


def normalize_url(target: str | os.PathLike[str] | None) -> str:
    """A file path or an SQLAlchemy URL → an SQLAlchemy URL string."""
    if target is None or str(target) == "":
        target = DEFAULT_DB
    text = str(target)
    if "://" in text or text in ("sqlite://", ":memory:"):
        if text == ":memory:":
            return "sqlite://"
        if text.startswith("postgresql://"):  # prefer psycopg 3 over psycopg2
            text = "postgresql+psycopg://" + text[len("postgresql://"):]
        _check_url(text)
        return text
    path = Path(text).expanduser().resolve()
    return f"sqlite:///{path}"


def _check_url(text: str) -> None:
    """A URL SQLAlchemy can read, with a port that is a number from 1 to 65535; BadUsage
    naming it (its password hidden) otherwise."""
    try:
        url = make_url(text)
        port = url.port
    except (ArgumentError, ValueError) as exc:
        raise BadUsage("err.bad_db_url", db=redact(text), why=" ".join(str(exc).split())) from exc
    if port is not None and not 0 < port < 65536:
        raise BadUsage("err.bad_db_url", db=redact(text), why=f"port {port}")


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path | None:
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


SQLITE_MAGIC = b"SQLite format 3\x00"
OWN_TABLES = frozenset({"alembic_version", "project"})  # what every projtrack schema has


def check_sqlite_file(path: Path) -> None:
    """Refuse, before anything opens it for writing, a file at ``path`` that is not a SQLite
    database (BadData ``err.not_sqlite``), a folder (BadUsage) or another program's SQLite
    database (BadData ``err.schema_foreign``).  The file is only read (opened read-only, its
    journal mode untouched); a missing or empty file, or a database without tables, passes."""
    if path.is_dir():
        raise BadUsage("err.db_is_folder", db=str(path))
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        return
    except OSError as exc:
        raise BadData("err.db_unreadable", db=str(path), why=exc.strerror or exc) from exc
    if not head:
        return
    if head != SQLITE_MAGIC:
        raise BadData("err.not_sqlite", db=str(path))
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        con = sqlite3.connect(uri, uri=True)
        try:
            tables = {r[0] for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise BadData("err.not_sqlite", db=str(path)) from exc
    if tables and not OWN_TABLES <= tables:
        from projtrack.store.migrate import SchemaError

        raise SchemaError("err.db_foreign", db=str(path),
                          tables=", ".join(sorted(tables)[:5]) + (" …" if len(tables) > 5 else ""))


def _prepare_sqlite_file(path: Path) -> None:
    """Create the parent folder, and the file readable by its owner only; BadData naming the
    path when the system refuses (a read-only disk, no permission, a file where a folder is)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_NOFOLLOW, 0o600)
            os.close(fd)
    except OSError as exc:
        raise BadData("err.write_failed", path=str(path), why=exc.strerror or exc) from exc


PG_WRITE_LOCK = 0x70726A74  # "prjt": the advisory lock key every projtrack writer takes


def _pg_serialize_writers(conn) -> None:
    """PostgreSQL's counterpart of SQLite's BEGIN IMMEDIATE: a write transaction first takes a
    transaction-level advisory lock, so writers queue and each one's read-then-write (a
    cumulative total's increment, the entry an undo reverses, an import's diff) sees every write
    committed before it.  Under plain READ COMMITTED two such writers would interleave.

    The lock is tried first; when another session holds it the writer queues for it up to the
    lock wait (the session's lock_timeout) inside a savepoint, and when that runs out it rolls
    the savepoint back, asks the server who holds the lock and raises DatabaseBusy naming them.
    """
    if conn.get_execution_options().get("projtrack_readonly"):
        return
    if conn.exec_driver_sql(f"SELECT pg_try_advisory_xact_lock({PG_WRITE_LOCK})").scalar():
        return
    # the slow path on the driver's cursor: an error handled by SQLAlchemy here, before the
    # transaction is its own, would roll the whole transaction back (savepoint and all)
    cur = conn.connection.dbapi_connection.cursor()
    try:
        cur.execute("SAVEPOINT projtrack_write_lock")
        try:
            cur.execute(f"SELECT pg_advisory_xact_lock({PG_WRITE_LOCK})")
        except Exception as exc:
            if getattr(exc, "sqlstate", None) != "55P03":  # lock_not_available
                raise
            cur.execute("ROLLBACK TO SAVEPOINT projtrack_write_lock")
            raise _pg_busy(cur) from exc
        cur.execute("RELEASE SAVEPOINT projtrack_write_lock")
    finally:
        cur.close()


def _pg_busy(cur) -> DatabaseBusy:
    """Who holds projtrack's write lock, from pg_locks and pg_stat_activity, as the message of
    the writer that gave up waiting for it."""
    cur.execute(
        "SELECT a.pid, a.usename, a.application_name, host(a.client_addr), a.xact_start, "
        "a.state, a.state_change, clock_timestamp() FROM pg_locks l "
        "JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 "
        f"AND l.objid = {PG_WRITE_LOCK} AND l.objsubid = 1 "  # in this database: the server
        "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
        "LIMIT 1")  # holds one such lock per database
    row = cur.fetchone()
    seconds = _seconds(timeout_ms("PROJTRACK_LOCK_WAIT"))
    if row is None:  # let go of it between the timeout and this question
        return DatabaseBusy("err.db_busy_pg_gone", seconds=seconds)
    pid, user, app, addr, xact_start, state, state_change, now = row
    return DatabaseBusy(
        "err.db_busy_pg", seconds=seconds, pid=pid, user=user or "?",
        app=app or "?", client=addr or "local socket", since=_when(xact_start),
        held=_seconds(int((now - xact_start).total_seconds() * 1000)) if xact_start else "?",
        state=state or "?", state_since=_when(state_change))


def _when(moment) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S") if moment is not None else "?"


def _seconds(ms: int) -> str:
    return f"{Decimal(ms) / 1000:f}".rstrip("0").rstrip(".") if ms % 1000 else str(ms // 1000)


def _pg_on_connect(dbapi_connection, record) -> None:
    """Our own sessions' limits and name (see the module's docstring), and who the session is
    (store.roles)."""
    from projtrack.store.roles import on_connect

    cur = dbapi_connection.cursor()
    for setting, var in (("lock_timeout", "PROJTRACK_LOCK_WAIT"),
                         ("statement_timeout", "PROJTRACK_STATEMENT_TIMEOUT"),
                         ("idle_in_transaction_session_timeout", "PROJTRACK_IDLE_TIMEOUT")):
        cur.execute(f"SET {setting} = {timeout_ms(var)}")
    cur.execute("SELECT set_config('application_name', %s, false)", (application_name(),))
    cur.close()
    on_connect(dbapi_connection, record)
    dbapi_connection.commit()  # psycopg opened a transaction for the SETs: end it


ENGINES = ("sqlite", "postgresql")  # what the schema, its triggers and the queries are for


def make_engine(target: str | os.PathLike[str] | None) -> Engine:
    url = normalize_url(target)
    backend = make_url(url).get_backend_name()
    if backend not in ENGINES:
        raise BadUsage("err.db_engine", backend=backend)
    if not is_sqlite(url):
        engine = create_engine(url, pool_pre_ping=True)
        if engine.dialect.name == "postgresql":
            timeout_ms("PROJTRACK_LOCK_WAIT")  # a bad setting is said before connecting
            event.listen(engine, "connect", _pg_on_connect)
            event.listen(engine, "begin", _pg_serialize_writers)
        _chain_inserts(engine)
        return engine
    path = sqlite_path(url)
    wait_ms = timeout_ms("PROJTRACK_LOCK_WAIT") or FOREVER_MS
    if path is None:
        engine = create_engine(
            url, connect_args={"check_same_thread": False}, poolclass=StaticPool
        )
    else:
        check_sqlite_file(path)  # before the connection below switches it to WAL
        _prepare_sqlite_file(path)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": wait_ms / 1000}
        )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no branch
        dbapi_connection.isolation_level = None  # let SQLAlchemy's BEGIN below take over
        cur = dbapi_connection.cursor()
        if path is not None:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute(f"PRAGMA busy_timeout={wait_ms}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        if conn.get_execution_options().get("projtrack_readonly"):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    _chain_inserts(engine)
    return engine


def _chain_inserts(engine: Engine) -> None:
    """Every insert into an append-only table gets its place in the hash chain (store.chain),
    after its user column is set to the session's PostgreSQL login (store.roles)."""
    from projtrack.store.chain import before_execute
    from projtrack.store.roles import before_execute as stamp_who

    event.listen(engine, "before_execute", stamp_who, retval=True)
    event.listen(engine, "before_execute", before_execute, retval=True)
