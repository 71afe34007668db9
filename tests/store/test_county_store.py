"""The store's side of counties, on SQLite and PostgreSQL: the counties a database holds, and
each county's frozen reports kept apart from the city's (``core.periods.snapshot_kind``)."""

from __future__ import annotations

import datetime as dt

from projtrack.services import weekly
from projtrack.services.portfolio import load_portfolio
from tests.conftest import COUNTIES, split_counties

AS_OF = dt.date(2023, 12, 10)
WEEK, EARLIER = "2023-W49", "2023-W48"


def test_counties_and_their_reports(loaded_store):
    store = loaded_store
    assert store.counties() == ["平阳县"]  # the sample names its county in its title
    split_counties(store)
    assert store.counties() == sorted(COUNTIES)
    assert load_portfolio(store, AS_OF).counties == COUNTIES
    weekly.issue(store, week=EARLIER, as_of=AS_OF, county="苍南县")
    city = weekly.issue(store, week=WEEK, as_of=AS_OF)
    mine = weekly.issue(store, week=WEEK, as_of=AS_OF, county="苍南县")
    assert city.report.counties is not None and city.report.changes.previous_period is None
    assert mine.report.scope == "苍南县" and mine.report.changes.previous_period == EARLIER
    assert store.snapshot_periods("weekly", "苍南县") == [EARLIER, WEEK]
    assert store.snapshot_periods("weekly") == [WEEK]
    assert store.snapshot("weekly", WEEK, "平阳县") is None
    assert weekly.load_snapshot(store, WEEK, county="苍南县") == mine.report
