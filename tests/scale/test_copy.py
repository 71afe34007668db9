"""``projtrack db copy --to URL``: SQLite → PostgreSQL → SQLite with identical figures, ids kept,
sequences moved on, row counts and money sums verified, and a non-empty target refused."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from projtrack.cli import main
from projtrack.store.copy import copy_database, table_stats
from projtrack.store.engine import make_engine
from projtrack.store.models import LedgerEntry, metadata
from projtrack.store.repo import Store
from tests.scale.helpers import AS_OF, pg_database, small_portfolio


def cli(capsys, db: str, *args: str, lang: str = "en"):
    rc = main(["--db", db, "--as-of", AS_OF, "--lang", lang, *args])
    out, err = capsys.readouterr()
    return rc, out, err


def export(capsys, db: str) -> dict:
    rc, out, err = cli(capsys, db, "export")
    assert rc == 0, err
    return json.loads(out)


def stats(url: str) -> dict:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {t.name: table_stats(conn, t) for t in metadata.sorted_tables}
    finally:
        engine.dispose()


def rows(url: str) -> dict[str, list[tuple]]:
    """Every row of every table in id order, timestamps included."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {t.name: [tuple(r) for r in conn.execute(
                select(t).order_by(*t.primary_key.columns))] for t in metadata.sorted_tables}
    finally:
        engine.dispose()


def want_actual(exported: dict, project_id: int) -> str:
    """The exported 累计完成投资 in the period of one project (as text, exact)."""
    for p in exported["projects"]:
        if p["id"] == project_id:
            return p["actual_to_date"]
    raise KeyError(project_id)


def test_sqlite_to_postgresql_and_back_gives_identical_figures(tmp_path, capsys):
    src = str(tmp_path / "county.db")
    small_portfolio(src)
    want = export(capsys, src)
    with pg_database() as pg:
        rc, out, err = cli(capsys, src, "db", "copy", "--to", pg, "--quiet")
        assert rc == 0, err
        assert "verified" in out and "ledger_entry" in out
        assert export(capsys, pg) == want
        back = str(tmp_path / "back.db")
        rc, out, err = cli(capsys, pg, "db", "copy", "--to", back, "--quiet")
        assert rc == 0, err
        assert export(capsys, back) == want
        assert stats(src) == stats(pg) == stats(back)
        assert rows(src) == rows(pg) == rows(back)
        # ids were kept and the sequences moved past them: the next entry gets a new id
        store = Store.open(pg, create=False)
        try:
            with store.read() as s:
                top = s.execute(select(func.max(LedgerEntry.id))).scalar_one()
            from projtrack.services.entries import record_entry

            e = record_entry(store, 3, amount=Decimal("1.5"), date=dt.date(2025, 6, 30),
                             origin="test").entry
            assert e.id == top + 1
            # the sums' trigger, off during the copy, keeps them again
            from projtrack.store.check import check_database

            assert check_database(store.engine).ok
            assert store.ledger_sums(dt.date(2025, 6, 30), [3])[3].actual_to_date == Decimal(
                want_actual(want, 3)) + Decimal("1.5")
        finally:
            store.close()


def test_copy_between_sqlite_files_keeps_every_row(tmp_path, capsys):
    src, dst = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    small_portfolio(src, n=8)
    report = copy_database(make_engine(src), dst, chunk=100)  # many chunks
    assert report.rows == sum(t.rows for t in stats(src).values())
    assert stats(src) == stats(dst)
    assert export(capsys, src) == export(capsys, dst)
    with make_engine(dst).connect() as conn:  # the reversal still points at its entry
        rev = conn.execute(text("SELECT reverses_id FROM ledger_entry WHERE reverses_id IS NOT NULL")).all()
        triggers = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))}
    assert len(rev) == 1
    assert "ledger_entry_sums" in triggers  # dropped for the copy, created again
    from projtrack.services.entries import record_entry
    from projtrack.store.check import check_database

    store = Store.open(dst, create=False)
    try:
        record_entry(store, 2, amount=Decimal("7"), date=dt.date(2025, 6, 30), origin="test")
        assert check_database(store.engine).ok  # and it keeps the sums again
    finally:
        store.close()


def test_a_non_empty_target_is_refused(db_url, tmp_path, capsys):
    src = str(tmp_path / "src.db")
    small_portfolio(src, n=3)
    target = Store.open(db_url)
    target.set_setting("x", 1)
    target.close()
    before = stats(db_url)
    rc, out, err = cli(capsys, src, "db", "copy", "--to", db_url)
    assert rc == 1
    assert "not empty" in err and "setting: 1" in err
    assert stats(db_url) == before
    rc, out, err = cli(capsys, src, "db", "copy", "--to", db_url, lang="zh")
    assert rc == 1 and "不是空的" in err


def test_an_empty_schema_is_a_valid_target(db_url, tmp_path, capsys):
    src = str(tmp_path / "src.db")
    small_portfolio(src, n=3)
    Store.open(db_url).close()  # `db upgrade` on a new database: schema, no rows
    rc, out, err = cli(capsys, src, "db", "copy", "--to", db_url, "--quiet")
    assert rc == 0, err
    assert export(capsys, db_url) == export(capsys, src)


def test_foreign_tables_and_the_database_itself_are_refused(tmp_path, capsys):
    import sqlite3

    src = str(tmp_path / "src.db")
    small_portfolio(src, n=2)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE payroll (id INTEGER)")
    rc, out, err = cli(capsys, src, "db", "copy", "--to", str(other))
    assert rc == 1 and "not a projtrack database" in err and "payroll" in err
    rc, out, err = cli(capsys, src, "db", "copy", "--to", src)
    assert rc == 1 and "database itself" in err


def test_an_old_source_schema_must_be_upgraded_first(tmp_path, capsys):
    from projtrack.store.migrate import upgrade

    src = tmp_path / "old.db"
    upgrade(make_engine(str(src)), "0001")
    rc, out, err = cli(capsys, str(src), "db", "copy", "--to", str(tmp_path / "new.db"))
    assert rc == 1 and "db upgrade" in err


def test_a_failed_copy_leaves_an_empty_target(tmp_path, monkeypatch):
    import projtrack.store.copy as copy_mod

    src, dst = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    small_portfolio(src, n=3)
    real = copy_mod.table_stats
    calls = {"n": 0}

    def broken(conn, t):
        got = real(conn, t)
        calls["n"] += 1
        if t.name == "ledger_entry" and calls["n"] % 2 == 0:  # the target's count is off
            got.rows += 1
        return got

    monkeypatch.setattr(copy_mod, "table_stats", broken)
    with pytest.raises(copy_mod.CopyRefused, match="does not match"):
        copy_database(make_engine(src), dst)
    monkeypatch.undo()
    assert all(t.rows == 0 for t in stats(dst).values())
    copy_database(make_engine(src), dst)  # and a second try succeeds
    assert stats(src) == stats(dst)


def test_a_missing_source_file_is_not_created(tmp_path, capsys):
    missing = tmp_path / "nope.db"
    rc, out, err = cli(capsys, str(missing), "db", "copy", "--to", str(tmp_path / "x.db"))
    assert rc == 2 and "nope.db" in err
    assert not missing.exists()
