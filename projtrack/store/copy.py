"""Copy a whole projtrack database to another engine: ``projtrack db copy --to URL``.

The way from one SQLite file to a shared PostgreSQL server (and back).  The target must be new
or empty — no tables at all, or a projtrack schema without a single row (as ``projtrack db
upgrade`` leaves it); anything else is refused, so a copy never mixes two databases.

Steps: the source must be at this program's schema; the target is migrated to it (Alembic, the
same migrations as ``db upgrade``); every table is copied in foreign-key order (parents first,
rows by primary key so a reversal follows the entry it reverses), streamed in chunks with ids
kept; PostgreSQL sequences are moved past the copied ids; then row counts and the sum of every
money column (scaled integers, so exact) are compared table by table.  A table the database
keeps itself (``ledger_year``, ``ledger_month``: sums its trigger adds each entry to) is not
copied: the trigger is off during the copy, the sums are rebuilt from the copied entries in one
statement each, and compared with the source's the same way.  Every row keeps the user it
records (``roles.keep_users``: on PostgreSQL the database would otherwise record the copy's
login) and its hash; the chain's heads are copied too, their triggers off meanwhile.  All rows go in one target
transaction: a failure leaves the target with an empty schema, ready for another try.

The source is read in one transaction (a snapshot); entries recorded elsewhere while the copy
runs are not in it — stop the officers' writes for the few minutes a copy takes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import (
    BigInteger,
    Engine,
    Integer,
    Table,
    column,
    func,
    inspect,
    select,
    table,
    text,
    type_coerce,
)
from sqlalchemy import insert as sa_insert

from projtrack.errors import BadData
from projtrack.i18n import current_lang
from projtrack.store.chain import head_triggers
from projtrack.store.check import rebuild_sums
from projtrack.store.engine import make_engine, normalize_url
from projtrack.store.migrate import current_revision, head_revision, known_revisions, upgrade
from projtrack.store.models import DERIVED_TABLES, metadata
from projtrack.store.roles import keep_users
from projtrack.store.types import Scaled

SUMS_TRIGGER = "ledger_entry_sums"  # migration 0004
CHUNK = 10_000

_MESSAGES = {
    "en": {
        "copy.same": "the target is the database itself: {url}",
        "copy.not_empty": "the target database is not empty ({what}); db copy writes only into a "
                          "new or empty database — create one (e.g. createdb projtrack) and try again",
        "copy.foreign": "the target database holds tables that are not projtrack's ({tables}); "
                        "use a new, empty database",
        "copy.target_newer": "the target database was made by a newer projtrack (schema {rev})",
        "copy.source_schema": "the source database's schema ({rev}) is not this program's ({head}); "
                              "run `projtrack db upgrade` on it first",
        "copy.mismatch": "the copy does not match the source ({what}); the target was rolled back",
    },
    "zh": {
        "copy.same": "目标就是当前数据库本身:{url}",
        "copy.not_empty": "目标数据库不是空的({what});db copy 只写入新建或空的数据库——"
                          "请新建一个(例如 createdb projtrack)后重试",
        "copy.foreign": "目标数据库中有不属于 projtrack 的表({tables});请使用新建的空数据库",
        "copy.target_newer": "目标数据库由更新版本的 projtrack 创建(结构版本 {rev})",
        "copy.source_schema": "源数据库的结构版本({rev})与本程序({head})不一致;"
                              "请先对它运行 `projtrack db upgrade`",
        "copy.mismatch": "复制结果与源数据库不一致({what});目标数据库已回滚",
    },
}


class CopyRefused(BadData):
    """The copy was refused or did not verify; nothing was kept in the target."""

    def render(self, lang: str | None = None) -> str:
        lang = lang if lang in _MESSAGES else current_lang()
        return _MESSAGES[lang][self.key].format(**self.params)


@dataclass
class TableCopy:
    name: str
    rows: int
    money: dict[str, int] = field(default_factory=dict)  # column → Σ scaled integer


@dataclass
class CopyReport:
    source: str
    target: str
    revision: str
    tables: list[TableCopy]
    seconds: float

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)


def _money_columns(t: Table) -> list[str]:
    return [c.name for c in t.columns if isinstance(c.type, Scaled)]


def _raw(t: Table):
    """A lightweight twin of ``t`` whose money columns are plain integers: rows move across
    as the stored scaled integers, without a round trip through Decimal."""
    cols = [column(c.name, BigInteger() if isinstance(c.type, Scaled) else c.type)
            for c in t.columns]
    return table(t.name, *cols)


def _select_raw(t: Table):
    cols = [type_coerce(c, BigInteger()).label(c.name) if isinstance(c.type, Scaled) else c
            for c in t.columns]
    return select(*cols).order_by(*t.primary_key.columns)


def table_stats(conn, t: Table) -> TableCopy:
    """Row count and Σ of each money column (exact integers) of one table."""
    money = _money_columns(t)
    exprs = [func.count()] + [func.coalesce(func.sum(type_coerce(t.c[m], BigInteger())), 0)
                              for m in money]
    row = conn.execute(select(*exprs).select_from(t)).one()
    return TableCopy(t.name, int(row[0]), {m: int(v) for m, v in zip(money, row[1:], strict=True)})


def _check_target(engine: Engine) -> None:
    names = set(inspect(engine).get_table_names())
    if not names:
        return
    ours = {t.name for t in metadata.sorted_tables} | {"alembic_version"}
    foreign = sorted(names - ours)
    if foreign:
        raise CopyRefused("copy.foreign", tables=", ".join(foreign[:5]))
    rev = current_revision(engine)
    if rev is not None and rev not in known_revisions():
        raise CopyRefused("copy.target_newer", rev=rev)
    filled = []
    with engine.connect() as conn:
        for t in metadata.sorted_tables:
            if t.name in names:
                n = conn.execute(select(func.count()).select_from(t)).scalar_one()
                if n:
                    filled.append(f"{t.name}: {n:,}")
    if filled:
        raise CopyRefused("copy.not_empty", what=", ".join(filled))


def reset_sequences(engine: Engine) -> None:
    """PostgreSQL: move each serial id's sequence past the highest id, so the next insert does
    not collide with a copied row.  Nothing to do on SQLite (it takes max(rowid) + 1)."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as conn:
        for t in metadata.sorted_tables:
            pk = list(t.primary_key.columns)
            if len(pk) != 1 or not isinstance(pk[0].type, Integer):
                continue
            seq = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                               {"t": t.name, "c": pk[0].name}).scalar()
            if seq is None:
                continue
            conn.execute(text(f'SELECT setval(:seq, COALESCE((SELECT MAX("{pk[0].name}") '
                              f'FROM "{t.name}"), 0) + 1, false)'), {"seq": seq})


def checked_pair(source: Engine, target_url: str) -> tuple[str, str, str]:
    """(target URL, source URL, both normalized; the schema head), after checking that
    ``source`` is at this program's schema and is not the target itself (CopyRefused naming
    what is wrong): for a copy and a merge."""
    head = head_revision()
    src_rev = current_revision(source)
    if src_rev != head:
        raise CopyRefused("copy.source_schema", rev=src_rev or "∅", head=head)
    target_url = normalize_url(target_url)
    src_url = normalize_url(source.url.render_as_string(hide_password=False))
    if target_url == src_url:
        raise CopyRefused("copy.same", url=source.url.render_as_string(hide_password=True))
    return target_url, src_url, head


def copy_database(source: Engine, target_url: str, *, chunk: int = CHUNK,
                  progress: Callable[[str, int], None] | None = None) -> CopyReport:
    """Copy every row of ``source`` into the new or empty database at ``target_url``."""
    started = time.perf_counter()
    target_url, src_url, head = checked_pair(source, target_url)
    target = make_engine(target_url)
    try:
        _check_target(target)
        upgrade(target)
        copied: list[TableCopy] = []
        reader = source.execution_options(projtrack_readonly=True)
        if source.dialect.name == "postgresql":
            reader = reader.execution_options(isolation_level="REPEATABLE READ")
        fast = target.dialect.name == "postgresql" and target.dialect.driver == "psycopg"
        derived: list[tuple[Table, TableCopy]] = []
        with reader.connect() as src, target.begin() as dst:
            with src.begin():
                dst = keep_users(dst)  # every row's user as it was recorded
                head_triggers(dst, on=False)  # the heads are copied with the rows
                trigger = sums_trigger(dst, on=False)  # not two upserts per copied entry
                for t in metadata.sorted_tables:
                    want = table_stats(src, t)
                    if t.name in DERIVED_TABLES:  # kept by the target's own triggers
                        derived.append((t, want))
                        continue
                    raw = _raw(t)
                    result = src.execution_options(stream_results=True, yield_per=chunk).execute(
                        _select_raw(t))
                    done = 0
                    for rows in result.partitions(chunk):
                        if fast:
                            _copy_in(dst, t, rows)
                        else:
                            dst.execute(sa_insert(raw), [r._asdict() for r in rows])
                        done += len(rows)
                        if progress:
                            progress(t.name, done)
                    got = table_stats(dst, t)
                    if got != want:
                        raise CopyRefused("copy.mismatch", what=_difference(want, got))
                    copied.append(got)
                sums_trigger(dst, on=True, sql=trigger)
                head_triggers(dst, on=True)
                rebuild_sums(dst)  # the yearly and monthly sums, set-based, in this transaction
                for t, want in derived:
                    got = table_stats(dst, t)
                    if got != want:
                        raise CopyRefused("copy.mismatch", what=_difference(want, got))
                    copied.append(got)
        reset_sequences(target)
        return CopyReport(src_url, target.url.render_as_string(hide_password=True), head,
                          copied, time.perf_counter() - started)
    finally:
        target.dispose()


def sums_trigger(dst, *, on: bool, sql: str | None = None) -> str | None:
    """Switch the trigger that keeps the yearly and monthly sums (migration 0004) off for a
    bulk load (a copy, the benchmark's generator), and on again after it, inside the load's
    transaction: the sums are then rebuilt in one INSERT … SELECT each (``rebuild_sums``)
    instead of two upserts per loaded entry (2.9 million rows: 100 s with the trigger on).
    SQLite cannot disable a trigger: it is dropped and created again from its own SQL
    (``sql``, what switching it off returns), in the same transaction."""
    if dst.dialect.name == "postgresql":
        dst.exec_driver_sql(f"ALTER TABLE ledger_entry {'ENABLE' if on else 'DISABLE'} "
                            f"TRIGGER {SUMS_TRIGGER}")
        return None
    if on:
        if sql:
            dst.exec_driver_sql(sql)
        return None
    saved = dst.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND "
                                f"name = '{SUMS_TRIGGER}'").scalar()
    if saved:
        dst.exec_driver_sql(f"DROP TRIGGER {SUMS_TRIGGER}")
    return saved


def _copy_in(dst, t: Table, rows) -> None:
    """PostgreSQL with psycopg: the rows through COPY FROM STDIN, in the same transaction —
    several times faster than INSERT … executemany, row by row."""
    cols = ", ".join(f'"{c.name}"' for c in t.columns)
    dbapi = dst.connection.dbapi_connection
    with dbapi.cursor() as cur, cur.copy(f'COPY "{t.name}" ({cols}) FROM STDIN') as pipe:
        for row in rows:
            pipe.write_row(tuple(row))


def _difference(want: TableCopy, got: TableCopy) -> str:
    if want.rows != got.rows:
        return f"{want.name}: {want.rows} rows in the source, {got.rows} copied"
    for col, amount in want.money.items():
        if got.money.get(col) != amount:
            return f"{want.name}.{col}: Σ {amount} in the source, {got.money.get(col)} copied"
    return want.name
