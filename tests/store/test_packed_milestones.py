"""Milestones packed by the database for a portfolio (Store.packed_milestones): unpacked, they
are the milestones ``Store.milestones`` reads row by row, and the "any overdue" the query works
out is the one core.figures defines, on both engines; a portfolio's figures are the figures of
the milestones read in full."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, insert, text

from projtrack.core.figures import (
    LedgerSums,
    any_milestone_overdue,
    milestones_after,
    project_figures,
)
from projtrack.core.types import MILESTONES, MilestoneFacts
from projtrack.services.portfolio import load_portfolio
from projtrack.store.models import Milestone, Project
from projtrack.store.packed import FIELD, RECORD, PackedMilestones, unpack
from projtrack.store.repo import Store
from tests.conftest import new_project

NAMES = itertools.count()
LO, HI = dt.date(2023, 12, 25), dt.date(2024, 1, 8)  # a short span: many dates coincide
days = st.integers(0, (HI - LO).days).map(lambda n: LO + dt.timedelta(days=n))
maybe_days = st.one_of(st.none(), days)
# per project: which standard milestones it has (in the order they are inserted), and dates
projects = st.lists(
    st.lists(st.tuples(st.sampled_from(MILESTONES), maybe_days, maybe_days),
             max_size=len(MILESTONES), unique_by=lambda t: t[0]),
    min_size=1, max_size=4)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=projects, as_of=days)
def test_packed_milestones_are_the_rows_and_overdue_is_the_figures_definition(store, drawn, as_of):
    with store.write() as s:
        rows = [Project(name=f"P{next(NAMES)}") for _ in drawn]
        s.add_all(rows)
        s.flush()
        pids = [p.id for p in rows]
        values = [{"project_id": pid, "name": name, "seq": MILESTONES.index(name),
                   "planned": planned, "actual": actual}
                  for pid, ms in zip(pids, drawn, strict=True) for name, planned, actual in ms]
        if values:
            s.connection().execute(insert(Milestone.__table__), values)
    full = store.milestones(pids)
    packed = store.packed_milestones(as_of, pids)
    for pid, ms in zip(pids, drawn, strict=True):
        if not ms:
            assert pid not in packed and pid not in full
            continue
        seq, overdue, after = packed[pid]
        assert isinstance(seq, PackedMilestones)
        assert seq == tuple(full[pid])
        assert [m.name for m in seq] == [n for n in MILESTONES if n in {m[0] for m in ms}]
        assert overdue == any_milestone_overdue(full[pid], as_of)
        assert after == milestones_after(full[pid], as_of)


def test_a_portfolio_has_the_figures_of_its_milestones_read_in_full(loaded_store):
    """The portfolio (packed milestones, overdue from SQL) against the figures computed from
    the milestones read row by row, at dates before, around and after the sample's plans."""
    store = loaded_store
    facts = {f.id: f for f in store.projects()}
    full = store.milestones()
    for as_of in (dt.date(2015, 1, 1), dt.date(2021, 3, 1), dt.date(2023, 6, 30),
                  dt.date(2025, 12, 31)):
        portfolio = load_portfolio(store, as_of)
        sums = store.ledger_sums(as_of)
        progress = store.latest_progress(as_of)
        points = store.progress_points(as_of)
        for view in portfolio.projects:
            want = project_figures(facts[view.id], sums.get(view.id, LedgerSums()), as_of,
                                   progress=progress.get(view.id),
                                   milestones=full.get(view.id, ()), rules=store.rules(),
                                   points=points.get(view.id, ()))
            assert view.figures == want
            assert view.figures.milestones == want.milestones
            assert view.figures.next_milestone == want.next_milestone
            assert view.figures.max_slip_days == want.max_slip_days
            assert view.figures.milestone_overdue is want.milestone_overdue
    # the comparison saw both answers: some project late at the end, none before any plan
    assert any(v.figures.milestone_overdue
               for v in load_portfolio(store, dt.date(2025, 12, 31)).projects)
    assert not any(v.figures.milestone_overdue
                   for v in load_portfolio(store, dt.date(2015, 1, 1)).projects)


def test_dates_are_read_as_iso_whatever_the_postgresql_datestyle(store):
    if store.engine.dialect.name != "postgresql":
        pytest.skip("DateStyle is PostgreSQL's")
    pid = new_project(store, f"P{next(NAMES)}")
    with store.write() as s:
        s.add(Milestone(project_id=pid, name="开工", seq=5, planned=dt.date(2024, 3, 9)))
    # a server whose sessions print dates day first
    engine = create_engine(store.engine.url, connect_args={"options": "-c DateStyle=SQL,DMY"})
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT DATE '2024-03-09'::text")).scalar() == "09/03/2024"
        packed, _, _ = Store(engine).packed_milestones(dt.date(2024, 4, 1), [pid])[pid]
        assert list(packed) == [MilestoneFacts(pid, "开工", dt.date(2024, 3, 9), None)]
    finally:
        engine.dispose()


def test_unpacking_by_hand():
    text_ = RECORD.join([f"5{FIELD}开工{FIELD}2024-03-09{FIELD}",
                         f"0{FIELD}立项{FIELD}{FIELD}2023-01-02",
                         f"1{FIELD}可研批复{FIELD}{FIELD}"])
    want = (MilestoneFacts(7, "立项", None, dt.date(2023, 1, 2)),
            MilestoneFacts(7, "可研批复", None, None),
            MilestoneFacts(7, "开工", dt.date(2024, 3, 9), None))
    assert unpack(7, text_) == want
    packed = PackedMilestones(7, text_)
    assert "packed" in repr(packed)
    assert packed == want and want == packed and hash(packed) == hash(want)
    assert len(packed) == 3 and packed[0] == want[0] and packed[1:] == want[1:]
    assert "3 milestones" in repr(packed)
    assert packed == PackedMilestones(7, text_)
    assert packed != PackedMilestones(8, text_)
    assert packed != list(want)  # a sequence of the same facts, but not an immutable one
    assert unpack(7, "") == () and PackedMilestones(7, "") == ()
