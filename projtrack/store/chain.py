"""The append-only tables' hash chain (migration 0007): ledger_entry, progress_entry, audit_log
and report_snapshot, and since 0009 the issues log's issue and issue_update.

Each row's ``row_hash`` is the sha256 of the previous row's ``row_hash`` (by id, "" for the
first row) and of the row's own content in a canonical, engine-independent form: money as the
stored scaled integer, dates and timestamps as ISO text (timestamps in UTC, to the
microsecond), booleans as true/false.  A row changed after it was written, removed from the
middle, or replaced, no longer matches; ``chain_head`` keeps each table's row count and last
hash, so rows removed from the end are noticed too.

One place computes the hashes of every insert: ``before_execute``, an engine event that
``store.engine.make_engine`` installs on every engine projtrack opens.  It sees each INSERT into
one of the chained tables (``TABLES``) — the ORM's flushes (``LedgerEntry(...)``,
``record_audit``), ORM bulk inserts and Core ``insert(table)`` alike — reads the chain's last
hash inside the write transaction (writers are serialized: SQLite's BEGIN IMMEDIATE,
PostgreSQL's advisory lock), stamps each row and, on SQLite, moves ``chain_head`` on.  On
PostgreSQL the database moves the heads itself (migration 0012: a trigger after each INSERT
into a chained table), and no login may write ``chain_head`` — whatever a login inserts
through other tools, the head counts it, and a row without a valid hash is named by ``verify``
with the user the database recorded for it.  An INSERT it cannot stamp (``.values()`` inline,
``INSERT … SELECT``) is refused.  ``db copy`` moves rows with their hashes through a twin of
each table that this event does not stamp again (and the heads as they were, the heads'
triggers off in its transaction: ``head_triggers``), so a copy keeps the chain as it was.

``verify`` (a SQLAlchemy connection) and ``verify_sqlite`` (a raw ``sqlite3`` connection, for a
backup before it is restored) check the append-only triggers, every row and the heads, and say
what is wrong: the first broken row of each table, with its id.  They read the driver's own
values with the same SQL on both engines, so a database copied from SQLite to PostgreSQL (and
back) verifies the same way.

What the chain does not do: the hash has no secret, so someone who can write the file with
other tools and recomputes every hash after the one they changed (and the head) is not caught
by it; keep backups elsewhere (a backup's chain is checked by ``restore``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Table, text
from sqlalchemy.engine import Connection
from sqlalchemy.sql.dml import Insert

from projtrack.errors import BadData
from projtrack.store.roles import WHO_COLUMNS
from projtrack.store.types import Scaled

VERSION = 1  # of the canonical form; part of every hash
CHAIN_REVISION = "0007"  # the schema revision that added the chain
HEAD_TABLE = "chain_head"

# each table's content columns, in the canonical order, with how each is written
INT, SCALED, TEXT, DATE, TIME, BOOL = "int", "scaled", "text", "date", "time", "bool"
COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "ledger_entry": (
        ("project_id", INT), ("kind", TEXT), ("entry_date", DATE), ("amount", SCALED),
        ("entered_cumulative", SCALED), ("source", TEXT), ("note", TEXT),
        ("reverses_id", INT), ("origin", TEXT), ("created_at", TIME), ("created_by", TEXT),
        ("correction", BOOL), ("basis", TEXT)),
    "progress_entry": (
        ("project_id", INT), ("entry_date", DATE), ("stage", TEXT), ("percent", SCALED),
        ("note", TEXT), ("reverses_id", INT), ("origin", TEXT), ("created_at", TIME),
        ("created_by", TEXT)),
    "audit_log": (
        ("at", TIME), ("user", TEXT), ("action", TEXT), ("entity", TEXT), ("entity_id", INT),
        ("project_id", INT), ("field", TEXT), ("old_value", TEXT), ("new_value", TEXT),
        ("context", TEXT)),
    "report_snapshot": (
        ("kind", TEXT), ("period", TEXT), ("as_of", DATE), ("issued_at", TIME),
        ("issued_by", TEXT), ("data", TEXT), ("sha256", TEXT)),
    "issue": (
        ("project_id", INT), ("raised_on", DATE), ("text", TEXT), ("owner", TEXT), ("due", DATE),
        ("origin", TEXT), ("created_at", TIME), ("created_by", TEXT)),
    "issue_update": (
        ("issue_id", INT), ("project_id", INT), ("update_date", DATE), ("text", TEXT),
        ("status", TEXT), ("who", TEXT), ("origin", TEXT), ("created_at", TIME),
        ("created_by", TEXT)),
}
TABLES = tuple(COLUMNS)
# the schema revision each table joined the chain at (the others: CHAIN_REVISION); migration
# 0007 chains the tables of its own revision only
SINCE = {"issue": "0009", "issue_update": "0009"}
TABLES_0007 = tuple(t for t in TABLES if t not in SINCE)
_DEFAULTS = {"correction": False}  # what the database puts in a column an INSERT leaves out

# the append-only triggers each table must have (migrations 0003 and 0007)
SQLITE_TRIGGERS = {t: tuple(f"{t}_no_{a}" for a in ("update", "delete", "replace")) for t in TABLES}
PG_TRIGGERS = {t: (f"{t}_append_only", f"{t}_no_truncate") for t in TABLES}

_SCALED = Scaled(6)


# --- the canonical form -----------------------------------------------------------------------
def _time(value: object) -> str:
    """A timestamp in UTC (the columns are UTCDateTime: aware on the way in, timestamptz on
    PostgreSQL, UTC text without an offset on SQLite)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if not isinstance(value, dt.datetime):
        raise TypeError(f"a timestamp, not {value!r}")
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.isoformat(sep=" ", timespec="microseconds")


def _date(value: object) -> str:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    return dt.date.fromisoformat(str(value)[:10]).isoformat()


def _canonical(kind: str, value: object) -> object:
    """A value as the driver hands it back (a scaled column's count of units, a date as a date
    or as SQLite's ISO text …), in canonical form."""
    if value is None:
        return None
    if kind in (INT, SCALED):
        return int(value)  # type: ignore[call-overload]
    if kind == BOOL:
        return bool(value)
    if kind == DATE:
        return _date(value)
    if kind == TIME:
        return _time(value)
    return str(value)


def row_hash(table: str, previous: str, values: Sequence[object]) -> str:
    """The hash of a row of ``table`` whose content columns (``COLUMNS[table]``, in order) hold
    ``values`` as stored (money as its scaled integer), following the row whose hash is
    ``previous``."""
    content = [_canonical(kind, v) for (_, kind), v in zip(COLUMNS[table], values, strict=True)]
    body = json.dumps([VERSION, table, content], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{previous}\n{body}".encode()).hexdigest()


# --- stamping every insert ----------------------------------------------------------------------
def _last_hash(conn: Connection, table: str) -> str:
    """The chain's last hash: on PostgreSQL a login under row-level security asks the
    database's own function (migration 0011), since it may not see the last row."""
    from projtrack.store.roles import owns

    if not owns(conn):
        return conn.execute(text("SELECT projtrack_last_hash(:t)"), {"t": table}).scalar_one()
    got = conn.execute(text(f"SELECT row_hash FROM {table} ORDER BY id DESC LIMIT 1")).first()
    return (got[0] or "") if got is not None else ""


def stamp(conn: Connection, table: str, rows: list[dict]) -> None:
    """Give each of ``rows`` (about to be inserted into ``table``, in this order, in the
    connection's write transaction) its ``row_hash``, and move the table's head on.  A content
    column a row leaves out is set to what the database would put there."""
    if not rows:
        return
    previous = _last_hash(conn, table)
    columns = COLUMNS[table]
    defaults = _column_defaults(table)
    for row in rows:
        stored = []
        for name, kind in columns:
            if name not in row:
                row[name] = defaults[name]() if name in defaults else _DEFAULTS.get(name)
            value = row[name]
            if kind == SCALED:
                value = _SCALED.process_bind_param(value, None)
            stored.append(value)
        previous = row["row_hash"] = row_hash(table, previous, stored)
    if conn.dialect.name == "postgresql" and conn.execute(text(
            "SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass(:t) "
            "AND tgname = :n)"), {"t": table, "n": f"{table}_chain_head"}).scalar_one():
        return  # the database's trigger moves the head (0012; not in an older schema's)
    conn.execute(text(
        f"INSERT INTO {HEAD_TABLE} (name, rows, last_hash) VALUES (:name, :rows, :last) "
        f"ON CONFLICT (name) DO UPDATE SET rows = {HEAD_TABLE}.rows + excluded.rows, "
        "last_hash = excluded.last_hash"), {"name": table, "rows": len(rows), "last": previous})


def _column_defaults(table: str) -> dict[str, Callable[[], object]]:
    """The model's Python-side column defaults of ``table`` (created_at's clock, created_by's
    ""), which SQLAlchemy would otherwise fill in after the hash was made."""
    from projtrack.store.models import metadata

    out: dict[str, Callable[[], object]] = {}
    for column in metadata.tables[table].columns:
        d = column.default
        if d is None:
            continue
        if getattr(d, "is_scalar", False):
            out[column.name] = lambda v=d.arg: v  # type: ignore[attr-defined,misc]
        elif getattr(d, "is_callable", False):
            out[column.name] = lambda f=d.arg: f(None)  # type: ignore[attr-defined,misc]
    return out


class UnchainedInsert(RuntimeError):
    """An INSERT into a chained table in a form the chain cannot stamp (a programming error)."""


def _chained_tables() -> dict[Table, str]:
    from projtrack.store.models import metadata

    return {metadata.tables[name]: name for name in TABLES if name in metadata.tables}


_CHAINED: dict[Table, str] = {}


def before_execute(conn, clauseelement, multiparams, params, execution_options):
    """The engine event (``retval=True``): stamp an INSERT into a chained table."""
    if not isinstance(clauseelement, Insert):
        return clauseelement, multiparams, params
    if not _CHAINED:
        _CHAINED.update(_chained_tables())
    name = _CHAINED.get(clauseelement.table)
    if name is None:
        return clauseelement, multiparams, params
    if clauseelement._values or clauseelement.select is not None \
            or clauseelement._multi_values:
        raise UnchainedInsert(f"an INSERT into {name} must pass its rows as parameters, "
                              "so that each is given its hash")
    rows = [dict(r) for r in (multiparams or [params])]
    stamp(conn, name, rows)
    if multiparams:
        if conn.dialect.name == "postgresql" and len(rows) > 1 and not (
                clauseelement._returning or clauseelement._return_defaults):
            # many rows in a few statements (SQLAlchemy's "insertmanyvalues" batches, which
            # RETURNING selects): the heads' trigger runs once a statement, and one row per
            # statement would update a table's head once per row in one transaction (a
            # statement that returns its defaults is batched so already)
            clauseelement = clauseelement.returning(clauseelement.table.c.id)
        return clauseelement, rows, {}
    return clauseelement, [], rows[0]


# --- verifying --------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChainProblem:
    """Something wrong with the append-only tables: an i18n key and its fields."""

    key: str
    params: dict[str, object] = field(default_factory=dict)

    def render(self, lang: str | None = None) -> str:
        from projtrack.i18n import t

        return t(self.key, lang=lang, **self.params)

    def __str__(self) -> str:
        return self.render()


def select_rows(table: str, where: str = "") -> str:
    """SELECT id, row_hash and the content columns of ``table`` as the driver gives them,
    by id (the same SQL on both engines)."""
    cols = ", ".join(f'"{n}"' for n, _ in COLUMNS[table])
    return f"SELECT id, row_hash, {cols} FROM {table} {where} ORDER BY id"


Execute = Callable[[str, dict], Iterable[Sequence[object]]]


# each table's column naming who made a row (the database sets it on PostgreSQL)
WHO = {t: WHO_COLUMNS[t][0] for t in TABLES}
SHOWN = 20  # broken rows of one table named one by one before "N rows in all"


def _check_rows(table: str, rows: Iterable[Sequence[object]], previous: str = ""
                ) -> tuple[list[ChainProblem], int, str]:
    """Walk ``rows`` (id, row_hash, content…, by id): each broken one (the first SHOWN, with
    the user recorded for it), how many are broken, how many rows, and the last hash (as
    stored)."""
    who = [n for n, _ in COLUMNS[table]].index(WHO[table])
    problems: list[ChainProblem] = []
    broken = count = 0
    for row in rows:
        count += 1
        rid, stored, values = row[0], row[1], row[2:]
        if stored is None:
            key = "chain.no_hash"
        elif stored != row_hash(table, previous, values):
            key = "chain.broken"
        else:
            key = ""
        if key:
            broken += 1
            if broken <= SHOWN:
                problems.append(ChainProblem(key, {"table": table, "id": rid,
                                                   "user": values[who] or "?"}))
        previous = str(stored or "")
    if broken > SHOWN:
        problems.append(ChainProblem("chain.more", {"table": table, "count": broken}))
    return problems, count, previous


def tables_at(revision: str | None) -> tuple[str, ...]:
    """The chained tables of a database at schema ``revision`` (None: this program's)."""
    if revision is None:
        return TABLES
    return tuple(t for t in TABLES if SINCE.get(t, CHAIN_REVISION) <= revision)


def _verify(execute: Execute, triggers: list[ChainProblem],
            tables: tuple[str, ...] = TABLES) -> list[ChainProblem]:
    """The rows' problems first (what was changed), then the triggers' (how it could be)."""
    problems: list[ChainProblem] = []
    heads = {name: (rows, last) for name, rows, last in
             execute(f"SELECT name, rows, last_hash FROM {HEAD_TABLE}", {})}
    for table in tables:
        found, count, last = _check_rows(table, execute(select_rows(table), {}))
        problems += found
        kept_rows, kept_last = heads.get(table, (0, ""))
        if count != kept_rows:
            problems.append(ChainProblem("chain.head_count", {"table": table, "rows": count,
                                                         "kept": kept_rows}))
        elif (kept_last or "") != last:
            problems.append(ChainProblem("chain.head_hash", {"table": table}))
    return problems + triggers


def _sqlite_triggers(execute: Execute, tables: tuple[str, ...] = TABLES) -> list[ChainProblem]:
    have = {name for (name,) in execute("SELECT name FROM sqlite_master WHERE type = 'trigger'", {})}
    return [ChainProblem("chain.no_trigger", {"table": t, "trigger": n})
            for t in tables for n in SQLITE_TRIGGERS[t] if n not in have]


def _pg_triggers(execute: Execute) -> list[ChainProblem]:
    have = {(t, n): enabled for t, n, enabled in execute(
        "SELECT c.relname, g.tgname, g.tgenabled FROM pg_trigger g "
        "JOIN pg_class c ON c.oid = g.tgrelid WHERE NOT g.tgisinternal", {})}
    out = []
    for t, names in PG_TRIGGERS.items():
        for n in names:
            state = have.get((t, n))
            if state is None:
                out.append(ChainProblem("chain.no_trigger", {"table": t, "trigger": n}))
            elif state == "D":
                out.append(ChainProblem("chain.trigger_off", {"table": t, "trigger": n}))
    return out + _pg_roles(execute, have)


def _pg_roles(execute: Execute, have: dict) -> list[ChainProblem]:
    """Migration 0011's guards (a database that has them): the trigger that records who made
    each row, and row-level security on every table its policies are on."""
    policed = {t: on for t, on in execute(
        "SELECT c.relname, c.relrowsecurity FROM pg_class c JOIN pg_policy p "
        "ON p.polrelid = c.oid WHERE c.relnamespace = to_regnamespace(current_schema())", {})}
    if not policed:  # before 0011, or a database made without it: nothing to check
        return []
    out = []
    for t in WHO_COLUMNS:
        state = have.get((t, f"{t}_who"))
        if state is None or state == "D":
            out.append(ChainProblem("chain.who_trigger", {"table": t, "trigger": f"{t}_who"}))
    for t in TABLES:  # migration 0012: the database moves the heads
        state = have.get((t, f"{t}_chain_head"))
        if state is None or state == "D":
            out.append(ChainProblem("chain.head_trigger", {"table": t,
                                                           "trigger": f"{t}_chain_head"}))
    out += [ChainProblem("chain.rls_off", {"table": t}) for t, on in sorted(policed.items())
            if not on]
    return out


def head_triggers(conn: Connection, *, on: bool) -> None:
    """PostgreSQL: switch the triggers that move the chain's heads (migration 0012) off for a
    copy, which brings the heads with the rows, and on again, inside its transaction (as the
    schema's owner; the change is the transaction's own).  Nothing to do on SQLite."""
    if conn.dialect.name != "postgresql":
        return
    for t in TABLES:
        conn.exec_driver_sql(f"ALTER TABLE {t} {'ENABLE' if on else 'DISABLE'} "
                             f"TRIGGER {t}_chain_head")


def verify(conn: Connection) -> list[ChainProblem]:
    """Every problem of the append-only tables of the database ``conn`` is open on (empty:
    the triggers are there and every chain holds)."""
    streaming = conn.execution_options(stream_results=True)

    def execute(sql: str, params: dict) -> Iterable[Sequence[object]]:
        return streaming.execute(text(sql), params)

    triggers = _pg_triggers if conn.dialect.name == "postgresql" else _sqlite_triggers
    return _verify(execute, triggers(execute))


def verify_sqlite(con: sqlite3.Connection, revision: str | None = None) -> list[ChainProblem]:
    """``verify`` on a raw sqlite3 connection (a backup file being checked), whose schema is at
    ``revision`` (None: this program's): the tables chained at that revision."""
    def execute(sql: str, params: dict) -> Iterable[Sequence[object]]:
        return con.execute(sql, params)

    tables = tables_at(revision)
    return _verify(execute, _sqlite_triggers(execute, tables), tables)


def verify_file(path: str | Path) -> list[ChainProblem]:
    """``verify`` of the SQLite file at ``path``, opened read-only."""
    con = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        return verify_sqlite(con)
    finally:
        con.close()


def applies(revision: str | None) -> bool:
    """Whether a database at schema ``revision`` has the chain (older ones are chained by
    ``projtrack db upgrade``)."""
    return revision is not None and revision >= CHAIN_REVISION


def verify_row(conn: Connection, table: str, row_id: int) -> ChainProblem | None:
    """Whether one row of ``table`` is as it was written: its own hash against the row before
    it, and the row after it (or the table's head, for the last row) against it."""
    before = conn.execute(text(f"SELECT row_hash FROM {table} WHERE id < :id "
                               "ORDER BY id DESC LIMIT 1"), {"id": row_id}).first()
    previous = (before[0] or "") if before is not None else ""
    rows = conn.execute(text(select_rows(table, "WHERE id >= :id") + " LIMIT 2"),
                        {"id": row_id}).fetchall()
    found, _, last = _check_rows(table, rows, previous)
    if found:
        return found[0]
    if len(rows) == 1:  # the last row: the head must be its hash
        head = conn.execute(text(f"SELECT last_hash FROM {HEAD_TABLE} WHERE name = :t"),
                            {"t": table}).first()
        if head is None or head[0] != last:
            return ChainProblem("chain.head_hash", {"table": table})
    return None


def require_intact(problems: list[ChainProblem], what: str) -> None:
    """BadData naming ``what`` (a file, a database) and the first problem, if any."""
    if problems:
        raise BadData("err.chain_broken", file=what, what=problems[0].render())


__all__ = ["COLUMNS", "ChainProblem", "TABLES", "TABLES_0007", "WHO", "applies", "before_execute",
           "head_triggers", "require_intact", "row_hash", "stamp", "tables_at", "verify", "verify_file",
           "verify_row", "verify_sqlite"]
