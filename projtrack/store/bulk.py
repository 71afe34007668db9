"""Bulk inserts: many rows in one statement, given column by column.

The importer creates thousands of projects with their plans, milestones and audit rows in one
write; going through the ORM (or SQLAlchemy's own executemany, row dict by row dict) cost more
than the reading of the annex.  ``insert_columns`` puts each value through its column type's
bind processor once per distinct object and hands the rows to the driver as they are.
"""

from __future__ import annotations

from sqlalchemy import Connection, Table, insert

from projtrack.store.chain import TABLES as CHAINED


def _bound(process, values: list) -> list:
    """``process`` applied to each value, once per distinct object (the import's one timestamp,
    None, the dates many projects share)."""
    done: dict[int, object] = {}
    out = []
    for value in values:
        key = id(value)  # every value is alive in ``values`` meanwhile: ids are not reused
        if key in done:
            out.append(done[key])
        else:
            done[key] = bound = process(value)
            out.append(bound)
    return out


def insert_columns(conn: Connection, table: Table, columns: dict[str, list]) -> None:
    """One INSERT for many rows, given column by column (``columns[key][i]`` is row i's value;
    every column without a default is given).  Each value goes through its column type's own
    bind processor (money to scaled integers, dates …) as SQLAlchemy would do it row by row,
    and the rows go to the driver's executemany as they are.  Should the statement need a
    value the columns do not give (a column default added to the model), or the table be one
    of the hash chain's (whose rows ``store.chain`` stamps as SQLAlchemy executes them),
    SQLAlchemy's own executemany runs instead."""
    keys = list(columns)
    count = len(columns[keys[0]])
    if not count:
        return
    dialect = conn.dialect
    sql, positional, names, escaped = _compiled_insert(table, dialect, tuple(keys))
    if sorted(names) != sorted(keys) or escaped or table.name in CHAINED:
        conn.execute(insert(table), [dict(zip(keys, row, strict=True))
                                     for row in zip(*columns.values(), strict=True)])
        return
    bound = []
    for key in names:
        values = columns[key]
        if len(values) != count:
            raise ValueError(f"column {key} has {len(values)} values, not {count}")
        process = table.c[key].type.dialect_impl(dialect).bind_processor(dialect)
        bound.append(values if process is None else _bound(process, values))
    params: list = list(zip(*bound, strict=True))
    if not positional:
        params = [dict(zip(names, row, strict=True)) for row in params]
    conn.exec_driver_sql(sql, params)


_INSERTS: dict[tuple, tuple[str, bool, list[str], bool]] = {}


def _compiled_insert(table: Table, dialect, keys: tuple[str, ...]
                     ) -> tuple[str, bool, list[str], bool]:
    """The INSERT of ``keys`` into ``table`` as the dialect writes it: (SQL, positional,
    parameter names in order, any escaped names).  Compiled once per table, columns and kind
    of dialect in a process (an import is a few of them; compiling was a fifth of a small
    annex's write)."""
    key = (table, type(dialect), dialect.paramstyle, keys)
    got = _INSERTS.get(key)
    if got is None:
        compiled = insert(table).inline().compile(dialect=dialect, column_keys=list(keys))
        names = list(compiled.positiontup or ()) if compiled.positional else list(compiled.binds)
        got = _INSERTS[key] = (compiled.string, bool(compiled.positional), names,
                               bool(getattr(compiled, "escaped_bind_names", None)))
    return got
