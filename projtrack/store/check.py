"""``projtrack db check``: is the database whole, and do the sums it keeps agree with the ledger?

- SQLite: ``PRAGMA quick_check`` (pages, indexes) and ``PRAGMA foreign_key_check``.
- Every engine: ``ledger_year`` and ``ledger_month`` (migration 0004: Σ of each kind of entry
  per project and year or month, kept by a trigger on every ledger insert) are compared, period by period, with
  the same sums computed from ``ledger_entry`` itself.  They can only differ if someone wrote to
  them by hand or dropped the trigger; ``rebuild_ledger_sums`` (``db check --repair``) then
  recomputes both from the entries in one transaction.
- Every engine: the append-only tables (``store.chain``): their triggers are there (and, on
  PostgreSQL, enabled), each row matches its hash and its place in the chain, and each table's
  head (row count, last hash) is the one kept.  Nothing repairs these: a broken chain is
  evidence, kept as it is; ``db check --repair`` does not recompute the sums from a ledger
  whose chain is broken.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    Integer,
    Table,
    and_,
    case,
    cast,
    delete,
    extract,
    func,
    insert,
    select,
    text,
    type_coerce,
)
from sqlalchemy.engine import Connection, Engine

from projtrack.core.types import ACTUAL, FUNDS, PAYMENT
from projtrack.store.chain import ChainProblem, verify
from projtrack.store.models import LedgerEntry, LedgerMonth, LedgerYear
from projtrack.store.models import table as table_of

if TYPE_CHECKING:
    from projtrack.store.repo import Store

SUM_TABLES: tuple[Table, ...] = (table_of(LedgerYear), table_of(LedgerMonth))

MAX_SHOWN = 20  # problems of one kind listed before "… and N more"


@dataclass(frozen=True)
class CheckResult:
    problems: tuple[str, ...]
    sums_checked: int  # rows of ledger_year and ledger_month
    entries_checked: int
    drift: bool = False  # the kept sums disagree with the entries (what --repair recomputes)
    tampered: tuple[ChainProblem, ...] = ()  # append-only triggers or a hash chain (nothing repairs)

    @property
    def ok(self) -> bool:
        return not self.problems


def period_key(conn: Engine | Connection, table: Table, column):
    """``column`` (a date) as the period ``table`` (ledger_year or ledger_month) keys it by:
    the year, or year × 100 + month."""
    if conn.dialect.name == "sqlite":
        fmt = "%Y" if table.name == "ledger_year" else "%Y%m"
        return cast(func.strftime(fmt, column), Integer)
    year = cast(extract("year", column), Integer)
    return year if table.name == "ledger_year" else year * 100 + cast(extract("month", column), Integer)


def _period(table: Table):
    return table.c.year if table.name == "ledger_year" else table.c.month


def _expected(conn: Connection, table: Table):
    e = table_of(LedgerEntry).c
    period = period_key(conn, table, e.entry_date)

    def total(kind: str):
        return func.sum(case((e.kind == kind, type_coerce(e.amount, BigInteger)), else_=0))

    return (select(e.project_id, period.label("period"), total(ACTUAL).label("actual"),
                   total(FUNDS).label("funds"), total(PAYMENT).label("payments"),
                   func.count().label("entries"),
                   func.max(case((and_(e.kind == ACTUAL, e.amount > 0), e.entry_date)))
                   .label("last_actual"))
            .group_by(e.project_id, period))


def _day_text(value: object) -> str | None:
    return None if value is None else str(value)[:10]


def check_database(engine: Engine) -> CheckResult:
    problems: list[str] = []
    kept_rows = entries = 0
    drift_found = False
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            quick = [r[0] for r in conn.execute(text("PRAGMA quick_check"))]
            if quick != ["ok"]:
                problems.extend(f"quick_check: {line}" for line in quick[:MAX_SHOWN])
            fks = conn.execute(text("PRAGMA foreign_key_check")).fetchall()
            problems.extend(f"foreign key: {table} row {rowid} → {parent}"
                            for table, rowid, parent, _ in fks[:MAX_SHOWN])
        for table in SUM_TABLES:
            c = table.c
            kept = select(c.project_id, _period(table), *(type_coerce(c[k], BigInteger)
                                                          for k in ("actual", "funds", "payments")),
                          c.entries, c.last_actual)
            want = {(pid, period): (int(a), int(f), int(p), int(n), _day_text(last))
                    for pid, period, a, f, p, n, last in conn.execute(_expected(conn, table))}
            got = {(pid, period): (int(a), int(f), int(p), int(n), _day_text(last))
                   for pid, period, a, f, p, n, last in conn.execute(kept)}
            entries = sum(v[3] for v in want.values())
            kept_rows += len(got)
            drift = [f"{table.name} project {key[0]} {key[1]}: kept {_show(got.get(key))}, "
                     f"entries give {_show(want.get(key))}"
                     for key in sorted(want.keys() | got.keys()) if want.get(key) != got.get(key)]
            problems.extend(drift[:MAX_SHOWN])
            if len(drift) > MAX_SHOWN:
                problems.append(f"… and {len(drift) - MAX_SHOWN} more {table.name} rows")
            drift_found = drift_found or bool(drift)
        tampered = tuple(verify(conn))
    problems.extend(p.render() for p in tampered)
    return CheckResult(tuple(problems), kept_rows, entries, drift_found, tampered)


def _show(row: tuple[int, int, int, int, str | None] | None) -> str:
    if row is None:
        return "nothing"
    actual, funds, payments, n, last = row
    return (f"完成投资 {Decimal(actual).scaleb(-6)}, 到位资金 {Decimal(funds).scaleb(-6)}, "
            f"拨付 {Decimal(payments).scaleb(-6)} 万元 over {n} entries "
            f"(last positive 完成投资 {last or '—'})")


def rebuild_ledger_sums(engine: Engine) -> int:
    """Recompute ``ledger_year`` and ``ledger_month`` from the entries, in one transaction;
    returns how many rows they hold."""
    with engine.begin() as conn:
        return rebuild_sums(conn)


def rebuild_sums(conn: Connection) -> int:
    """``rebuild_ledger_sums`` inside the caller's transaction."""
    rows = 0
    for table in SUM_TABLES:
        conn.execute(delete(table))
        conn.execute(insert(table).from_select(
            ["project_id", _period(table).name, "actual", "funds", "payments", "entries",
             "last_actual"], _expected(conn, table)))
        rows += conn.execute(select(func.count()).select_from(table)).scalar_one()
    return rows


def repair_sums(store: Store, drift: list[str]) -> int:
    """``rebuild_sums`` in one write transaction of ``store``, with an audit row saying what
    was wrong (``drift``, the first five); returns how many rows the sums hold."""
    from projtrack.store.repo import record_audit

    with store.write() as s:
        rows = rebuild_sums(s.connection())
        record_audit(s, action="repair", entity="ledger_sums", entity_id=None, project_id=None,
                     field="ledger_year,ledger_month", old="; ".join(drift[:5]) or None,
                     new=f"{rows} rows recomputed from the entries", context="db check --repair")
    return rows
