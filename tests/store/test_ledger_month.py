"""The yearly and monthly sums the database keeps (ledger_year, ledger_month, migration 0004)
and the ledger sums read through them agree with the pure reference (projtrack.core.figures.ledger_sums), whatever the
order entries arrive in, on both engines; ``db check`` finds a sum that was changed by hand and
``--repair`` puts it right."""

from __future__ import annotations

import datetime as dt
import itertools
import sqlite3
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, text

from projtrack.core.figures import ledger_sums as reference
from projtrack.core.types import Entry
from projtrack.store.check import check_database, rebuild_ledger_sums
from projtrack.store.models import LedgerEntry, Project
from projtrack.store.repo import Store
from tests.trust.helpers import cli

NAMES = itertools.count()
KINDS = ("完成投资", "到位资金", "拨付")
LO, HI = dt.date(2023, 11, 20), dt.date(2025, 2, 10)
# the boundaries the two-part query must get right: month starts and ends, a Monday and the
# Sunday before it, a year's first and last day, and a week that straddles two years
BOUNDARIES = [dt.date(2024, 1, 1), dt.date(2023, 12, 31), dt.date(2024, 2, 29),
              dt.date(2024, 3, 1), dt.date(2024, 7, 1), dt.date(2024, 6, 30),
              dt.date(2024, 12, 30), dt.date(2025, 1, 2), dt.date(2025, 1, 5),
              dt.date(2024, 9, 2), dt.date(2024, 9, 1)]

days = st.integers(0, (HI - LO).days).map(lambda n: LO + dt.timedelta(days=n))
amounts = st.integers(-50_000_000, 900_000_000).map(lambda n: Decimal(n).scaleb(-6))
entries = st.lists(st.tuples(st.integers(0, 2), st.sampled_from(KINDS), days, amounts),
                   min_size=0, max_size=60)


def _fields(s):
    return (s.actual_to_date, s.actual_this_year, s.actual_this_week, s.funds_to_date,
            s.payments_to_date, s.last_actual_date)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=entries, as_of=st.one_of(days, st.sampled_from(BOUNDARIES)), batches=st.integers(1, 4))
def test_sums_through_the_months_equal_the_reference(store, rows, as_of, batches):
    with store.write() as s:
        projects = [Project(name=f"P{next(NAMES)}") for _ in range(3)]
        s.add_all(projects)
        s.flush()
        pids = [p.id for p in projects]
    # several transactions, each a slice in the order drawn (back-dated entries included)
    size = max(1, len(rows) // batches + 1)
    for start in range(0, len(rows), size):
        with store.write() as s:
            s.connection().execute(insert(LedgerEntry.__table__), [
                {"project_id": pids[p], "kind": k, "entry_date": d, "amount": a,
                 "created_by": "t"} for p, k, d, a in rows[start:start + size]])
    got = store.ledger_sums(as_of, pids)
    for i, pid in enumerate(pids):
        want = reference([Entry(pid, k, d, a) for p, k, d, a in rows if p == i], as_of)
        have = got.get(pid)
        if have is None:  # nothing up to as_of
            assert not [r for r in rows if r[0] == i and r[2] <= as_of]
            continue
        assert _fields(have) == _fields(want), (pid, as_of)
    assert check_database(store.engine).ok


def test_every_boundary_on_one_weekly_history(store):
    """A project with an entry every day: each boundary date splits months, weeks and years."""
    with store.write() as s:
        p = Project(name="P")
        s.add(p)
        s.flush()
        pid = p.id
        day, rows = LO, []
        while day <= HI:
            amount = Decimal(day.toordinal() % 97 - 10).scaleb(-2)
            rows.append(Entry(pid, KINDS[day.toordinal() % 3], day, amount))
            day += dt.timedelta(days=1)
        s.connection().execute(insert(LedgerEntry.__table__), [
            {"project_id": pid, "kind": e.kind, "entry_date": e.date, "amount": e.amount,
             "created_by": "t"} for e in reversed(rows)])
    for as_of in BOUNDARIES + [LO - dt.timedelta(days=1), LO, HI, HI + dt.timedelta(days=40)]:
        got = store.ledger_sums(as_of, [pid]).get(pid)
        want = reference(rows, as_of)
        if got is None:
            assert as_of < LO
            continue
        assert _fields(got) == _fields(want), as_of


def _tamper(path: str) -> None:
    con = sqlite3.connect(path)
    con.execute("UPDATE ledger_year SET funds = funds + 1 WHERE (project_id, year) = "
                "(SELECT project_id, year FROM ledger_year ORDER BY 1, 2 LIMIT 1)")
    con.execute("DELETE FROM ledger_month WHERE (month, project_id) = "
                "(SELECT month, project_id FROM ledger_month ORDER BY 1 DESC, 2 LIMIT 1)")
    con.commit()
    con.close()


def test_db_check_finds_a_changed_sum_and_repair_recomputes_it(tmp_path, capsys):
    db = str(tmp_path / "demo.db")
    assert cli(capsys, db, "demo")[0] == 0
    rc, out, _ = cli(capsys, db, "db", "check")
    assert rc == 0 and "no problem found" in out
    _tamper(db)
    rc, out, err = cli(capsys, db, "db", "check")
    assert rc == 1
    assert "2 problem(s)" in err
    assert "kept nothing, entries give" in err
    assert "Traceback" not in out + err
    rc, out, _ = cli(capsys, db, "db", "check", "--repair")
    assert rc == 0 and "recomputed" in out
    assert cli(capsys, db, "db", "check")[0] == 0


def test_rebuild_gives_what_the_trigger_kept(store):
    with store.write() as s:
        p = Project(name="P")
        s.add(p)
        s.flush()
        for i in range(40):
            s.add(LedgerEntry(project_id=p.id, kind=KINDS[i % 3],
                              entry_date=dt.date(2024, 1, 1) + dt.timedelta(days=9 * i),
                              amount=Decimal(i * 37 - 400).scaleb(-1)))
    def kept():
        with store.engine.connect() as conn:
            return [conn.execute(text(f"SELECT * FROM {t} ORDER BY 1, 2")).all()
                    for t in ("ledger_year", "ledger_month")]

    before = kept()
    assert all(before)
    assert rebuild_ledger_sums(store.engine) == sum(map(len, before))
    assert kept() == before


def test_a_fresh_store_has_an_empty_month_table(sqlite_db):
    store = Store.open(sqlite_db)
    try:
        result = check_database(store.engine)
        assert result.ok and result.sums_checked == 0 and result.entries_checked == 0
    finally:
        store.close()
