"""What the scale work changed in the portfolio service: constant-time lookup by id, and the
garbage collector paused only while a portfolio is built (and left as it was found)."""

from __future__ import annotations

import datetime as dt
import gc

import pytest

from projtrack.services.portfolio import load_portfolio, project_view
from tests.scale.helpers import small_portfolio


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_left_as_it_was_found(sqlite_db, enabled):
    small_portfolio(sqlite_db, n=3)
    from projtrack.store.repo import Store

    store = Store.open(sqlite_db, create=False)
    seen = []
    real = store.ledger_sums

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    store.ledger_sums = spy  # type: ignore[method-assign]
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        load_portfolio(store, dt.date(2025, 6, 30))
        assert gc.isenabled() is enabled
        assert seen == [False]  # paused while building
        store.ledger_sums = lambda *a, **k: 1 / 0  # type: ignore[method-assign]
        with pytest.raises(ZeroDivisionError):
            load_portfolio(store, dt.date(2025, 6, 30))
        assert gc.isenabled() is enabled  # restored after an error too
    finally:
        gc.enable() if was else gc.disable()
        store.close()


def test_get_finds_every_project_by_id(sqlite_db):
    small_portfolio(sqlite_db, n=6)
    from projtrack.store.repo import Store

    store = Store.open(sqlite_db, create=False)
    try:
        p = load_portfolio(store, dt.date(2025, 6, 30))
        assert [p.get(v.id) for v in p.projects] == list(p.projects)
        assert p.get(10_000) is None
        one = project_view(store, 4, dt.date(2025, 6, 30))
        assert one == p.get(4)
        part = load_portfolio(store, dt.date(2025, 6, 30), project_ids=[2, 5])
        assert [v.id for v in part.projects] == [2, 5] and part.get(3) is None
    finally:
        store.close()
