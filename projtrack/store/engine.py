"""Engines for a SQLite file, an in-memory SQLite database or PostgreSQL.

SQLite is set up for several processes on one file (see PITFALLS): WAL, a busy timeout,
foreign keys on, and ``BEGIN IMMEDIATE`` for write transactions so that two writers queue
instead of failing with "database is locked".  Read-only sessions use a plain deferred BEGIN.
On PostgreSQL write transactions queue the same way, on an advisory lock.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import StaticPool

from projtrack.errors import BadData, BadUsage
from projtrack.redact import redact

BUSY_TIMEOUT_MS = 30_000
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

        raise SchemaError("err.schema_foreign")


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
    committed before it.  Under plain READ COMMITTED two such writers would interleave."""
    if not conn.get_execution_options().get("projtrack_readonly"):
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_WRITE_LOCK})")


ENGINES = ("sqlite", "postgresql")  # what the schema, its triggers and the queries are for


def make_engine(target: str | os.PathLike[str] | None) -> Engine:
    url = normalize_url(target)
    backend = make_url(url).get_backend_name()
    if backend not in ENGINES:
        raise BadUsage("err.db_engine", backend=backend)
    if not is_sqlite(url):
        engine = create_engine(url, pool_pre_ping=True)
        if engine.dialect.name == "postgresql":
            event.listen(engine, "begin", _pg_serialize_writers)
        return engine
    path = sqlite_path(url)
    if path is None:
        engine = create_engine(
            url, connect_args={"check_same_thread": False}, poolclass=StaticPool
        )
    else:
        check_sqlite_file(path)  # before the connection below switches it to WAL
        _prepare_sqlite_file(path)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}
        )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no branch
        dbapi_connection.isolation_level = None  # let SQLAlchemy's BEGIN below take over
        cur = dbapi_connection.cursor()
        if path is not None:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        if conn.get_execution_options().get("projtrack_readonly"):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine
