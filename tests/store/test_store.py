"""Storage: exact money on every engine, schema checks, file permissions, ledger sums."""

from __future__ import annotations

import datetime as dt
import os
import stat
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text

from projtrack.core.figures import ledger_sums
from projtrack.core.types import Entry
from projtrack.store.models import LedgerEntry, Project
from projtrack.store.repo import Store
from tests.conftest import new_project


def test_money_is_exact_on_storage_and_in_sums(store):
    amounts = [Decimal("9000000000000.567891"), Decimal("1.005"), Decimal("0.000001"),
               Decimal("0.1"), Decimal("0.2")]
    with store.write() as s:
        p = Project(name="P")
        s.add(p)
        s.flush()
        for i, a in enumerate(amounts):
            s.add(LedgerEntry(project_id=p.id, kind="完成投资", entry_date=dt.date(2024, 1, 1 + i),
                              amount=a))
        pid = p.id
    got = [e.amount for e in store.entries(pid)]
    assert got == amounts
    sums = store.ledger_sums(dt.date(2024, 12, 31))
    assert sums[pid].actual_to_date == sum(amounts)
    assert sums[pid].actual_to_date == Decimal("9000000000001.872892")


def test_sqlite_stores_money_as_integers(sqlite_db):
    store = Store.open(sqlite_db)
    with store.write() as s:
        s.add(Project(name="P", total_investment=Decimal("1.005")))
    with store.engine.connect() as conn:
        kind, raw = conn.execute(text("select typeof(total_investment), total_investment from project")).one()
    assert (kind, raw) == ("integer", 1005000)


def test_an_amount_beyond_the_column_is_refused(store):
    with pytest.raises(Exception, match="too large"):
        with store.write() as s:
            s.add(Project(name="P", total_investment=Decimal("10000000000000")))


def test_a_float_never_reaches_the_database(store):
    with pytest.raises(Exception, match="float"):
        with store.write() as s:
            s.add(Project(name="P", total_investment=1.5))


def test_more_than_six_decimals_is_refused(store):
    with pytest.raises(Exception, match="decimals"):
        with store.write() as s:
            s.add(Project(name="P", total_investment=Decimal("1.0000001")))


def test_database_file_is_readable_by_its_owner_only(tmp_path):
    path = tmp_path / "sub" / "new.db"
    Store.open(str(path)).close()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_ledger_sums_in_sql_equal_the_pure_reference(store):
    import random

    rng = random.Random(7)
    entries = []
    with store.write() as s:
        p = Project(name="P")
        s.add(p)
        s.flush()
        for _i in range(300):
            kind = rng.choice(["完成投资", "到位资金", "拨付"])
            day = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randint(0, 900))
            amount = Decimal(rng.randint(-5000, 900000)) / 10000
            s.add(LedgerEntry(project_id=p.id, kind=kind, entry_date=day, amount=amount))
            entries.append(Entry(p.id, kind, day, amount))
        pid = p.id
    for as_of in (dt.date(2023, 12, 31), dt.date(2024, 2, 29), dt.date(2024, 7, 3), dt.date(2025, 6, 1)):
        ref = ledger_sums(entries, as_of)
        got = store.ledger_sums(as_of)[pid]
        assert (got.actual_to_date, got.actual_this_year, got.actual_this_week, got.funds_to_date,
                got.payments_to_date, got.last_actual_date) == (
            ref.actual_to_date, ref.actual_this_year, ref.actual_this_week, ref.funds_to_date,
            ref.payments_to_date, ref.last_actual_date)


def test_a_newer_database_is_refused(sqlite_db):
    from projtrack.store.migrate import SchemaError

    store = Store.open(sqlite_db)
    with store.engine.begin() as conn:
        conn.execute(text("update alembic_version set version_num = '9999'"))
    store.close()
    with pytest.raises(SchemaError, match="newer"):
        Store.open(sqlite_db)


def test_a_foreign_sqlite_file_is_refused(tmp_path):
    import sqlite3

    from projtrack.store.migrate import SchemaError

    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("create table x (a)")
    con.commit()
    con.close()
    with pytest.raises(SchemaError, match="not a projtrack database"):
        Store.open(str(path))


def test_migrations_match_the_models(sqlite_db):
    """`alembic check`: the migration scripts create exactly what the models declare."""
    from alembic import command

    from projtrack.store.migrate import alembic_config

    store = Store.open(sqlite_db)
    cfg = alembic_config(store.engine)
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.check(cfg)


@given(st.integers(-(2**63) + 1, 2**63 - 1))
def test_the_read_conversion_is_the_stored_decimal(units):
    from projtrack.store.types import Scaled, from_units

    process = Scaled(6).result_processor(None, None)
    got = process(units)
    assert got == from_units(units) == Decimal(units).scaleb(-6)
    assert process(None) is None
    # the written form too: no trailing zeros after the point, and a whole amount stays whole
    # (1200 万元 reads "1200", never "1.2E+3")
    whole, rest = divmod(units, 10**6)
    expected = str(whole) if not rest else str(Decimal(units).scaleb(-6).normalize())
    assert str(got) == str(from_units(units)) == expected
    assert got.as_tuple().exponent <= 0


@pytest.mark.parametrize(("units", "text"), [
    (0, "0"), (1_500_000, "1.5"), (5_000_000, "5"), (1_200_000_000, "1200"), (7, "0.000007"),
    (-1_500_000, "-1.5"), (-3, "-0.000003"), (2**63 - 1, "9223372036854.775807")])
def test_the_read_conversion_by_hand(units, text):
    from projtrack.store.types import Scaled, from_units

    assert str(from_units(units)) == text
    assert str(Scaled(6).result_processor(None, None)(units)) == text


def test_a_float_coming_back_is_refused():
    from projtrack.store.types import Scaled

    with pytest.raises(TypeError, match="float"):
        Scaled(6).result_processor(None, None)(1.5)


def test_projects_read_as_rows_equal_the_orm_objects_facts(store):
    from sqlmodel import select

    from projtrack.store.models import AnnualPlan
    from projtrack.store.repo import to_facts

    with store.write() as s:
        a = Project(name="甲", category="中小学", total_investment=Decimal("1.5"), land_mu=Decimal("30"),
                    source_file="附件.xlsx", source_sheet="表1", source_row=7, content="新建",
                    prior_actual=Decimal("0.000001"), new_places=900, start_year=2021)
        b = Project(name="乙", status="withdrawn", phase="在建")
        s.add_all([a, b])
        s.flush()
        s.add_all([AnnualPlan(project_id=a.id, year=2023, amount=Decimal("5")),
                   AnnualPlan(project_id=a.id, year=2021, amount=Decimal("7.25"))])
    with store.read() as s:
        orm = [to_facts(p, store.plans(s, [p.id]).get(p.id))
               for p in s.exec(select(Project).order_by(Project.id))]
    got = store.projects()
    assert got == orm
    assert list(got[0].annual_plan) == [2021, 2023] and got[1].annual_plan == {}
    assert got[0].source.file == "附件.xlsx" and got[1].source is None
    assert store.projects(include_withdrawn=False) == orm[:1]


def test_latest_progress_in_sql_equals_the_pure_reference(store):
    """One seek per project (a LATERAL join on PostgreSQL, a correlated subquery on SQLite):
    the latest point dated <= as_of, the higher id on the same date, none before the first."""
    import random

    from projtrack.core.figures import latest_progress
    from projtrack.core.types import ProgressPoint
    from projtrack.store.models import ProgressEntry

    rng = random.Random(11)
    points: dict[int, list[ProgressPoint]] = {}
    with store.write() as s:
        projects = [Project(name=f"进度{i}") for i in range(6)]
        s.add_all(projects)
        s.flush()
        for p in projects[:5]:  # the sixth has no point at all
            for _ in range(rng.randint(1, 12)):
                day = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 90))
                e = ProgressEntry(project_id=p.id, entry_date=day, stage=f"阶段{rng.randint(1, 9)}",
                                  percent=Decimal(rng.randint(0, 100)) / 100)
                s.add(e)
                s.flush()
                points.setdefault(p.id, []).append(ProgressPoint(p.id, day, e.stage, e.percent,
                                                                 None, e.id))
        ids = [p.id for p in projects]
    for as_of in (dt.date(2023, 12, 31), dt.date(2024, 1, 1), dt.date(2024, 2, 15),
                  dt.date(2024, 3, 31), dt.date(2025, 1, 1)):
        got = store.latest_progress(as_of)
        want = {pid: latest_progress(pts, as_of) for pid, pts in points.items()}
        assert got == {pid: pt for pid, pt in want.items() if pt is not None}, as_of
        assert store.latest_progress(as_of, ids[:2]) == {
            pid: pt for pid, pt in want.items() if pt is not None and pid in ids[:2]}


def test_report_snapshots_freeze_keep_and_reissue(store):
    """A period is frozen once; a second freeze without ``replace_existing`` keeps the first
    (someone issued it meanwhile); a reissue is a new row that is then the period's report,
    the earlier issue kept; each write is audited."""
    import hashlib

    from sqlalchemy import select

    from projtrack.store.models import AuditLog, ReportSnapshot

    def sha(data: str) -> str:
        return hashlib.sha256(data.encode()).hexdigest()

    def freeze(data: str, replace: bool, period: str = "2026-W48"):
        return store.freeze_snapshot("weekly", period, as_of=dt.date(2026, 11, 29),
                                     issued_at=dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC),
                                     issued_by="u", data=data, sha256=sha(data),
                                     replace_existing=replace)

    assert store.snapshot("weekly", "2026-W48") is None
    assert freeze('{"a":1}', False) == ("issue", '{"a":1}')
    assert freeze('{"a":2}', False) == ("kept", '{"a":1}')
    assert store.snapshot("weekly", "2026-W48") == '{"a":1}'
    assert freeze('{"a":3}', True) == ("reissue", '{"a":3}')
    assert store.snapshot("weekly", "2026-W48") == '{"a":3}'
    assert freeze('{"a":4}', False) == ("kept", '{"a":3}')  # the latest issue is the report
    assert store.snapshot("monthly", "2026-W48") is None
    freeze('{"b":1}', False, "2026-W46")
    assert store.snapshot_periods("weekly") == ["2026-W46", "2026-W48"]
    assert store.previous_snapshot("weekly", "2026-W48") == '{"b":1}'
    assert store.previous_snapshot("weekly", "2026-W49") == '{"a":3}'
    assert store.previous_snapshot("weekly", "2026-W46") is None
    with store.read() as s:
        audit = [(a.action, a.field, a.old_value, a.new_value) for a in s.execute(
            select(AuditLog).where(AuditLog.entity == "report_snapshot").order_by(AuditLog.id))
            .scalars()]
        kept = [r.data for r in s.execute(select(ReportSnapshot).order_by(ReportSnapshot.id))
                .scalars()]
    assert audit == [("issue", "weekly 2026-W48", None, sha('{"a":1}')),
                     ("reissue", "weekly 2026-W48", sha('{"a":1}'), sha('{"a":3}')),
                     ("issue", "weekly 2026-W46", None, sha('{"b":1}'))]
    assert kept == ['{"a":1}', '{"a":3}', '{"b":1}']  # append-only: the first issue is kept


def test_consistent_reads_see_one_moment_while_others_write(store):
    """Inside ``Store.consistent()`` every read shares one read transaction: an entry another
    connection commits meanwhile shows in none of them (PostgreSQL: REPEATABLE READ, not a
    snapshot per statement), and does show once the snapshot is over."""
    from projtrack.services.entries import record_entry

    pid = new_project(store)
    day = dt.date(2024, 3, 1)
    record_entry(store, pid, amount=Decimal("5"), date=day)
    writer = Store(store.engine)  # another officer, on other connections
    with store.consistent():
        before = store.ledger_sums(day)[pid].actual_to_date
        with store.read() as s:  # reads inside share its session
            shared = s
        record_entry(writer, pid, amount=Decimal("7"), date=day)
        assert store.ledger_sums(day)[pid].actual_to_date == before == Decimal("5")
        assert [e.amount for e in store.entries(pid)] == [Decimal("5")]
        with store.consistent():  # nested: the same transaction
            assert store.ledger_sums(day)[pid].actual_to_date == Decimal("5")
        with writer.read() as other:  # another Store is not in it
            assert other is not shared
    assert store.ledger_sums(day)[pid].actual_to_date == Decimal("12")
    with store.read() as s:
        assert s is not shared


def test_a_driver_error_comes_out_of_the_store_as_projtrack_database_error(store):
    """The store translates SQLAlchemy's errors: the front ends catch projtrack's own error,
    and it says the driver's message, as the CLI always has (exit code 1)."""
    from sqlalchemy.exc import DBAPIError

    from projtrack.errors import DatabaseError

    with pytest.raises(DatabaseError, match="no_such_table") as failed:
        with store.read() as s:
            s.connection().exec_driver_sql("SELECT * FROM no_such_table")
    assert isinstance(failed.value.__cause__, DBAPIError)
    assert failed.value.exit_code == 1
    assert failed.value.render("en") == f"database error: {failed.value.__cause__.orig}"
    with pytest.raises(DatabaseError):
        with store.consistent(), store.read() as s:
            s.connection().exec_driver_sql("SELECT * FROM no_such_table")
