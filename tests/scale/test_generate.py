"""The benchmark generator at a small N: its annex imports back to the same projects, its
database is a valid projtrack database, and the store's bulk queries (one pass for the whole
portfolio) agree with the pure figures computed project by project."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import replace
from decimal import Decimal

import openpyxl
import pytest

from bench.generate import projects, write_annex, write_database
from projtrack.core.figures import latest_progress, ledger_sums, project_figures
from projtrack.core.types import Entry, ProgressPoint
from projtrack.services.portfolio import load_portfolio
from projtrack.store.repo import Store
from tests.conftest import new_project
from tests.scale.helpers import small_portfolio


def test_projects_are_deterministic_and_consistent():
    a, b = projects(60), projects(60)
    assert a == b
    assert len({s.facts.name for s in a}) == 60
    for s in a:
        f = s.facts
        assert sum(f.annual_plan.values(), Decimal(0)) == f.period_plan <= f.total_investment
        assert f.start_year <= f.end_year
    classes = Counter(s.facts.annex_class for s in projects(400))
    assert set(classes) == {"续建", "新开工", "前期"}


def test_the_annex_imports_back_to_the_same_projects(tmp_path):
    from projtrack.importer import read_annex

    items = projects(40)
    path = write_annex(items, tmp_path / "annex.xlsx")
    wb = openpyxl.load_workbook(path)
    assert "A4:A5" in {str(r) for r in wb.active.merged_cells.ranges}
    parsed = read_annex(path)
    assert not parsed.errors, parsed.errors[:3]
    assert not [w for w in parsed.warnings if w.code in ("subtotal_mismatch", "count_mismatch")]
    got = {p.name: p for p in parsed.projects}
    assert len(got) == 40
    for s in items:
        f, g = s.facts, got[s.facts.name]
        assert (g.category, g.annex_class, g.construction_type, g.township) == (
            f.category, f.annex_class, f.construction_type, f.township)
        assert (g.start_year, g.end_year, g.new_places) == (f.start_year, f.end_year,
                                                           f.new_places)
        assert g.total_investment == f.total_investment and g.land_mu == f.land_mu
        assert {y: a for y, a in g.annual_plan.items() if a} == f.annual_plan


@pytest.mark.parametrize("cadence, low, high", [("weekly", 180, 280), ("monthly", 40, 100)])
def test_the_database_has_the_history_asked_for(tmp_path, cadence, low, high):
    url = str(tmp_path / "p.db")
    counts = write_database(projects(30), url, cadence)
    assert counts["project"] == 30 and counts["milestone"] == 270
    built = sum(1 for s in projects(30) if s.facts.annex_class != "前期")
    assert low <= counts["ledger_entry"] / built <= high
    with pytest.raises(ValueError, match="not empty"):
        write_database(projects(30), url, cadence)


def test_the_generated_sums_are_right_and_kept_after(db_url):
    """The generator loads the history with the sums' trigger off and builds the sums after:
    they agree with the entries, and the trigger keeps them for entries recorded later."""
    from projtrack.services.entries import record_entry
    from projtrack.store.check import check_database

    small_portfolio(db_url, n=6)
    store = Store.open(db_url, create=False)
    try:
        result = check_database(store.engine)
        assert result.ok and result.sums_checked > 0, result
        before = store.ledger_sums(dt.date(2026, 6, 30))[2].actual_to_date
        record_entry(store, 2, amount=Decimal("7"), date=dt.date(2026, 6, 29), origin="test")
        assert store.ledger_sums(dt.date(2026, 6, 30))[2].actual_to_date == before + 7
        assert check_database(store.engine).ok
    finally:
        store.close()


def test_bulk_queries_equal_the_pure_figures_on_every_engine(db_url):
    small_portfolio(db_url, n=10)
    store = Store.open(db_url, create=False)
    try:
        facts = {f.id: f for f in store.projects()}
        for as_of in (dt.date(2021, 1, 3), dt.date(2023, 12, 31), dt.date(2024, 1, 1),
                      dt.date(2025, 6, 30), dt.date(2026, 3, 1)):
            portfolio = load_portfolio(store, as_of)
            sums = store.ledger_sums(as_of)
            progress = store.latest_progress(as_of)
            milestones = store.milestones()
            for pid, f in facts.items():
                entries = [Entry(e.project_id, e.kind, e.entry_date, e.amount, e.source)
                           for e in store.entries(pid)]
                ref = replace(ledger_sums(entries, as_of), funds_by_source={})
                if any(e.date <= as_of for e in entries):
                    assert sums[pid] == ref, (pid, as_of)
                else:
                    assert pid not in sums
                points = [ProgressPoint(p.project_id, p.entry_date, p.stage, p.percent, p.note, p.id)
                          for p in store.progress_entries(pid)]
                assert progress.get(pid) == latest_progress(points, as_of), (pid, as_of)
                want = project_figures(f, ref, as_of, progress=latest_progress(points, as_of),
                                       milestones=milestones.get(pid, ()), rules=store.rules(),
                                       points=points)
                assert portfolio.get(pid).figures == want
    finally:
        store.close()


def test_latest_progress_takes_the_higher_id_on_the_same_day(store):
    from projtrack.services.entries import add_progress

    pid = new_project(store)
    day = dt.date(2024, 5, 6)
    add_progress(store, pid, date=day, stage="基础", percent=Decimal("0.1"))
    second = add_progress(store, pid, date=day, stage="主体结构", percent=Decimal("0.3")).record
    add_progress(store, pid, date=day + dt.timedelta(days=1), stage="屋面", percent=Decimal("0.6"))
    got = store.latest_progress(day)[pid]
    assert (got.id, got.stage, got.percent) == (second.id, "主体结构", Decimal("0.3"))
    assert store.latest_progress(day - dt.timedelta(days=1)) == {}
    assert store.latest_progress(day, [pid + 1]) == {}


def test_the_annex_and_the_database_agree(tmp_path):
    """Importing the generated annex into the generated database changes nothing: they are
    the same portfolio (so a re-import can be measured on them too)."""
    from projtrack.services.annex import import_annex

    items = projects(40)
    path = write_annex(items, tmp_path / "annex.xlsx")
    url = str(tmp_path / "p.db")
    write_database(items, url, "monthly")
    store = Store.open(url, create=False)
    try:
        plan = import_annex(store, path, dry_run=True)
    finally:
        store.close()
    assert not plan.errors
    assert (len(plan.added), len(plan.changed), len(plan.withdrawn)) == (0, 0, 0), (
        [(c.name, [(fc.field, fc.old, fc.new) for fc in c.changes]) for c in plan.changed][:3])


def test_a_cached_database_of_an_older_schema_is_upgraded_in_place(tmp_path):
    """A portfolio generated before the newest migration is brought up to date, not left for the
    benchmark to fail on (or generated again), and the run says so; its rows are kept."""
    import sqlite3

    from alembic import command

    from bench.generate import build
    from projtrack.store.engine import make_engine
    from projtrack.store.migrate import alembic_config
    from projtrack.store.revisions import _graph, head_revision

    first = build(12, tmp_path, "weekly", annex=False)
    db = first["database"]
    head = head_revision()
    previous = _graph()[head]
    assert previous is not None
    engine = make_engine(db)
    with engine.begin() as conn:
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, previous)
    engine.dispose()
    count = sqlite3.connect(db).execute("SELECT count(*) FROM ledger_entry").fetchone()[0]
    again = build(12, tmp_path, "weekly", annex=False)
    assert again["upgraded"] == f"{previous} → {head}" and "database_seconds" not in again
    con = sqlite3.connect(db)
    assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [(head,)]
    assert con.execute("SELECT count(*) FROM ledger_entry").fetchone()[0] == count
    assert "upgraded" not in build(12, tmp_path, "weekly", annex=False)
