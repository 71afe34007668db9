"""Schema migrations: a database of every older schema version upgrades in place with its data
intact; opening it without upgrading says what to do; a newer database is refused."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from projtrack.store.engine import make_engine
from projtrack.store.migrate import head_revision, known_revisions, upgrade
from projtrack.store.repo import Store
from tests.fixtures.db import make_fixture as fx
from tests.trust.helpers import cli, integrity, snapshot

OLDER = sorted(r for r in known_revisions() if r != head_revision())


def test_every_older_revision_has_a_fixture():
    missing = [r for r in OLDER if not fx.fixture_path(r).exists()]
    assert not missing, (f"no fixture database for schema {missing}: run "
                         f"`.venv/bin/python tests/fixtures/db/make_fixture.py REV` and commit it")


@pytest.mark.parametrize("revision", OLDER)
def test_committed_fixture_is_what_the_generator_makes(revision, tmp_path):
    """The committed file holds the generator's data (so the checks below mean something)."""
    fresh = fx.make(revision, tmp_path / "fresh.db")
    assert snapshot(str(fresh)) == snapshot(str(_copy(revision, tmp_path)))


def _copy(revision: str, tmp_path) -> str:
    dest = tmp_path / f"old-{revision}.db"
    shutil.copyfile(fx.fixture_path(revision), dest)
    return str(dest)


def _check_dataset(url: str) -> None:
    """Everything DATASET put in is there, read through the current program."""
    store = Store.open(url, create=False)
    try:
        projects = {p.id: p for p in store.projects()}
        assert len(projects) == len(fx.PROJECTS)
        for want in fx.PROJECTS:
            got = projects[want["id"]]
            for key, value in want.items():
                if key in ("source_file", "source_sheet", "source_row"):
                    continue
                assert getattr(got, key) == value, (want["name"], key)
            assert got.source.row == want["source_row"]
            plans = {(r["project_id"], r["year"]): r["amount"] for r in fx.PLANS}
            assert got.annual_plan == {y: a for (pid, y), a in plans.items() if pid == got.id}
        for pid in projects:
            entries = store.entries(pid)
            want = sorted((r for r in fx.LEDGER if r["project_id"] == pid),
                          key=lambda r: (r["entry_date"], r["id"]))
            assert [(e.id, e.kind, e.entry_date, e.amount, e.entered_cumulative, e.source,
                     e.reverses_id, e.note) for e in entries] == [
                (r["id"], r["kind"], r["entry_date"], r["amount"], r["entered_cumulative"],
                 r["source"], r["reverses_id"], r["note"]) for r in want]
            assert all(type(e.amount) is Decimal for e in entries)
        sums = store.ledger_sums(dt.date(2024, 12, 31))
        assert sums[1].actual_to_date == Decimal("6000")
        assert sums[1].funds_to_date == Decimal("5000")
        assert sums[1].payments_to_date == Decimal("1234.567891")
        assert sums[2].actual_to_date == Decimal("0.01")
        from projtrack.core.figures import ledger_sums as reference
        from projtrack.core.types import Entry
        from projtrack.store.check import check_database

        assert check_database(store.engine).ok  # the monthly sums (0004) were filled
        for as_of in (dt.date(2023, 6, 30), dt.date(2024, 3, 8), dt.date(2024, 12, 31)):
            got = store.ledger_sums(as_of)
            for pid in projects:
                want = reference([Entry(pid, e.kind, e.entry_date, e.amount, e.source)
                                  for e in store.entries(pid)], as_of)
                have = got.get(pid)
                if have is None:
                    assert want.actual_to_date == want.funds_to_date == want.payments_to_date == 0
                    continue
                assert (have.actual_to_date, have.actual_this_year, have.actual_this_week,
                        have.funds_to_date, have.payments_to_date, have.last_actual_date) == (
                    want.actual_to_date, want.actual_this_year, want.actual_this_week,
                    want.funds_to_date, want.payments_to_date, want.last_actual_date)
        assert [p.percent for p in store.progress_entries(1)] == [Decimal("0.35"), Decimal("0.8")]
        ms = store.milestones()
        assert {(m.project_id, m.name, m.planned, m.actual) for v in ms.values() for m in v} == {
            (r["project_id"], r["name"], r["planned"], r["actual"]) for r in fx.MILESTONES}
        audit = store.audit(limit=None)
        assert [(a.id, a.action, a.field, a.old_value, a.new_value, a.user) for a in reversed(audit)] == [
            (r["id"], r["action"], r["field"], r["old_value"], r["new_value"], fx.USER) for r in fx.AUDIT]
        assert store.rules() is not None
        # the upgraded database takes new work
        from projtrack.services.entries import record_entry, update_project

        record_entry(store, 2, amount=Decimal("1.5"), date=dt.date(2024, 6, 1))
        update_project(store, 1, expected_version=1, phase="竣工")
        assert store.project(1).phase == "竣工"
    finally:
        store.close()


@pytest.mark.parametrize("revision", OLDER)
def test_an_older_database_is_refused_with_the_way_out_then_upgraded_intact(revision, tmp_path, capsys):
    db = _copy(revision, tmp_path)
    before = snapshot(db)
    for lang, words in (("en", ("older", "projtrack db upgrade")), (None, ("较旧", "projtrack db upgrade"))):
        rc, out, err = cli(capsys, db, "export", lang=lang)
        assert rc == 1 and out == ""
        assert err.count("\n") == 1 and "Traceback" not in err, err
        assert all(w in err for w in words), err
        assert revision in err and head_revision() in err
    assert snapshot(db) == before  # refused without writing anything

    rc, out, err = cli(capsys, db, "db", "upgrade")
    assert rc == 0, err
    assert f"{revision} → {head_revision()}" in out
    assert integrity(db) == "ok"
    _check_dataset(db)
    rc, out, err = cli(capsys, db, "export")
    assert rc == 0, err


def test_upgrade_from_the_first_schema_on_each_engine(db_url, capsys):
    """The same data, made at schema 0001 on SQLite or PostgreSQL, comes through `db upgrade`."""
    engine = make_engine(db_url)
    try:
        upgrade(engine, "0001")
        fx.populate(engine)
    finally:
        engine.dispose()
    rc, out, err = cli(capsys, db_url, "spend", "list", "1")
    assert rc == 1 and "projtrack db upgrade" in err
    rc, out, err = cli(capsys, db_url, "db", "upgrade")
    assert rc == 0, err
    _check_dataset(db_url)
    rc, out, err = cli(capsys, db_url, "db", "upgrade")  # again: nothing to do, no harm
    assert rc == 0, err


def _stamp(url: str, rev: str) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": rev})
    finally:
        engine.dispose()


def test_a_database_from_a_newer_projtrack_is_refused_everywhere(db_url, capsys, tmp_path):
    store = Store.open(db_url)
    store.close()
    _stamp(db_url, "0999_future")
    before = snapshot(db_url)
    for args in (("export",), ("spend", "list", "1"), ("db", "upgrade"), ("audit", "list")):
        for lang, word in (("en", "newer"), (None, "更新版本")):
            rc, out, err = cli(capsys, db_url, *args, lang=lang)
            assert rc == 1, (args, out, err)
            assert word in err and "0999_future" in err, err
            assert err.count("\n") == 1 and "Traceback" not in err
    assert snapshot(db_url) == before


def test_a_newer_backup_is_not_restored(tmp_path, capsys):
    live = str(tmp_path / "live.db")
    newer = str(tmp_path / "newer.db")
    Store.open(live).close()
    Store.open(newer).close()
    _stamp(newer, "0999_future")
    before = snapshot(live)
    rc, out, err = cli(capsys, live, "restore", newer)
    assert rc == 1 and "newer" in err and "0999_future" in err
    assert snapshot(live) == before


def test_a_foreign_sqlite_file_is_not_touched(tmp_path, capsys):
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("create table x (a)")
    con.commit()
    con.close()
    for args in (("export",), ("db", "upgrade")):
        rc, out, err = cli(capsys, str(path), *args)
        assert rc == 1, (args, out, err)
        assert "not a projtrack database" in err or "projtrack" in err
    con = sqlite3.connect(path)
    assert [r[0] for r in con.execute("select name from sqlite_master")] == ["x"]
    con.close()


def _chained(url: str) -> None:
    """Every row of the four append-only tables chained, each head its table's, db check ok."""
    from projtrack.store import chain
    from projtrack.store.check import check_database

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            assert [p.render("en") for p in chain.verify(conn)] == []
            heads = dict(conn.execute(text("SELECT name, rows FROM chain_head")).all())
            for t, rows in (("ledger_entry", fx.LEDGER), ("progress_entry", fx.PROGRESS),
                            ("audit_log", fx.AUDIT), ("report_snapshot", fx.REPORTS)):
                n, unhashed = conn.execute(text(
                    f"SELECT count(*), count(*) - count(row_hash) FROM {t}")).one()
                assert (unhashed, heads.get(t, 0)) == (0, n), t
                assert n == len(rows) or (t == "report_snapshot" and n == 0), t  # 0001: none
        assert check_database(engine).ok
    finally:
        engine.dispose()


@pytest.mark.parametrize("revision", OLDER)
def test_the_upgrade_chains_the_rows_already_there(revision, tmp_path, capsys):
    db = _copy(revision, tmp_path)
    rc, out, err = cli(capsys, db, "db", "upgrade")
    assert rc == 0, err
    _chained(db)
    rc, out, err = cli(capsys, db, "db", "check")
    assert rc == 0 and "hash chains" in out, out + err


def test_0006_to_0007_on_each_engine_chains_the_rows_and_keeps_the_issued_report(db_url, capsys):
    engine = make_engine(db_url)
    try:
        upgrade(engine, "0006")
        fx.populate(engine)
        upgrade(engine, "0007")
        upgrade(engine)  # and on to this program's schema, which Store.open requires
    finally:
        engine.dispose()
    _chained(db_url)
    store = Store.open(db_url, create=False)
    try:
        assert store.snapshot_periods("weekly") == ["2024-W10"]
        with store.engine.connect() as conn:  # the old one-row-per-week key is gone
            conn.execute(text("INSERT INTO report_snapshot (kind, period, as_of, issued_at, "
                              "issued_by, data, sha256) SELECT kind, period, as_of, issued_at, "
                              "issued_by, data, sha256 FROM report_snapshot"))
            conn.rollback()
    finally:
        store.close()
    rc, out, err = cli(capsys, db_url, "spend", "add", "1", "5", "--date", "2024-06-01")
    assert rc == 0, err
    rc, out, err = cli(capsys, db_url, "db", "check")  # the new rows follow the backfilled ones
    assert rc == 0 and "hash chains" in out, out + err


def _upgraded_from(capsys, db_url: str, revision: str, *command: str) -> str:
    """The data set at schema ``revision``: ``command`` refused until it is upgraded (it is
    older), then ``db upgrade`` to this program's schema with the data and the chains intact;
    what the upgrade said."""
    engine = make_engine(db_url)
    try:
        upgrade(engine, revision)
        fx.populate(engine)
    finally:
        engine.dispose()
    rc, out, err = cli(capsys, db_url, *command)
    assert rc == 1 and "projtrack db upgrade" in err, err
    rc, out, err = cli(capsys, db_url, "db", "upgrade")
    assert rc == 0 and f"{revision} → {head_revision()}" in out, err
    _chained(db_url)
    _check_dataset(db_url)
    return out


def test_0007_to_0008_on_each_engine_adds_baselines_and_budget_changes(db_url, capsys):
    """0008 on SQLite and PostgreSQL: the data of 0007 (its chain too) comes through, there is no
    baseline yet, and the new tables take a baseline and a budget change through the CLI."""
    _upgraded_from(capsys, db_url, "0007", "baseline", "list")
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            for t in ("baseline", "baseline_project", "baseline_plan", "baseline_milestone",
                      "budget_change", "budget_change_line"):
                assert conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() == 0, t
    finally:
        engine.dispose()
    rc, out, err = cli(capsys, db_url, "baseline", "list", lang="en")
    assert rc == 0 and "no baseline yet" in out, err
    rc, out, err = cli(capsys, db_url, "baseline", "set", "升级后", lang="en")
    assert rc == 0 and "2 projects" in out, err  # the two active ones of the data set
    rc, out, err = cli(capsys, db_url, "budget", "change", "1", "--total", "36,500",
                       "--reason", "概算调整")
    assert rc == 0, err
    rc, out, err = cli(capsys, db_url, "budget", "approve", "1", "--doc", "平发改〔2024〕9号")
    assert rc == 0, err
    store = Store.open(db_url, create=False)
    try:
        assert store.project(1).total_investment == Decimal("36500")
    finally:
        store.close()
    rc, out, err = cli(capsys, db_url, "db", "check")
    assert rc == 0, out + err


def inspect_tables(conn) -> list[str]:
    from sqlalchemy import inspect

    return inspect(conn).get_table_names()


def test_0008_to_0009_on_each_engine_adds_the_issues_log_chained_and_append_only(db_url, capsys):
    """0009 on SQLite and PostgreSQL: the data of 0008 comes through, the issues log is empty,
    an issue and its update join the hash chain, db check knows the new tables' triggers, and
    the downgrade takes them away again."""
    from projtrack.store import chain

    _upgraded_from(capsys, db_url, "0008", "issue", "list")
    rc, out, err = cli(capsys, db_url, "issue", "list", "--all", lang="en")
    assert rc == 0 and "no issues" in out, err
    rc, out, err = cli(capsys, db_url, "issue", "add", "1", "用地指标未落实", "--date", "2024-03-01",
                       "--due", "2024-04-30", "--owner", "县自然资源局")
    assert rc == 0, err
    rc, out, err = cli(capsys, db_url, "issue", "close", "1", "已落实", "--date", "2024-03-20")
    assert rc == 0, err
    rc, out, err = cli(capsys, db_url, "db", "check")
    assert rc == 0 and "hash chains" in out, out + err
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            assert chain.verify(conn) == []
            heads = dict(conn.execute(text("SELECT name, rows FROM chain_head")).all())
            assert heads["issue"] == 1 and heads["issue_update"] == 1
        from alembic import command

        from projtrack.store.migrate import alembic_config

        cfg = alembic_config(engine)
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0008")
        with engine.connect() as conn:
            names = set(conn.execute(text("SELECT name FROM chain_head")).scalars())
            assert not names & {"issue", "issue_update"}
            assert not {"issue", "issue_update"} & set(inspect_tables(conn))
    finally:
        engine.dispose()


def test_0009_to_0010_on_each_engine_gives_every_project_its_county(db_url, capsys):
    """0010 on SQLite and PostgreSQL: the data of 0009 comes through, each project takes the
    county the ``county`` setting names, a name is unique within its county only, and the
    downgrade takes the column away again."""
    engine = make_engine(db_url)
    try:
        upgrade(engine, "0009")
        fx.populate(engine)
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO setting (key, value, version) VALUES "
                              "('county', '\"平阳县\"', 1)"))
    finally:
        engine.dispose()
    rc, out, err = cli(capsys, db_url, "db", "upgrade")
    assert rc == 0 and f"0009 → {head_revision()}" in out, err
    _chained(db_url)
    _check_dataset(db_url)
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            counties = set(conn.execute(text("SELECT county FROM project")).scalars())
            assert counties == {"平阳县"}
            runs = set(conn.execute(text("SELECT county FROM import_run")).scalars())
            assert runs <= {"平阳县"}
        with engine.begin() as conn:  # another county may have a project of the same name
            name = conn.execute(text("SELECT name FROM project ORDER BY id")).scalars().first()
            conn.execute(text(
                "INSERT INTO project (county, name, phase, status, created_at, updated_at, "
                "version) SELECT '苍南县', name, phase, status, created_at, updated_at, 1 "
                "FROM project WHERE name = :n"), {"n": name})
        with pytest.raises(IntegrityError), engine.begin() as conn:  # not twice in one county
            conn.execute(text(
                "INSERT INTO project (county, name, phase, status, created_at, updated_at, "
                "version) SELECT '苍南县', name, phase, status, created_at, updated_at, 1 "
                "FROM project WHERE name = :n AND county = '平阳县'"), {"n": name})
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM project WHERE county = '苍南县'"))
        from alembic import command

        from projtrack.store.migrate import alembic_config

        cfg = alembic_config(engine)
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0009")
        with engine.connect() as conn:
            from sqlalchemy import inspect

            for t in ("project", "import_run"):
                assert "county" not in {c["name"] for c in inspect(conn).get_columns(t)}
    finally:
        engine.dispose()
