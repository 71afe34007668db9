"""10,000 projects: the portfolio loads in a worker, and filter, sort and paging work through
the keyboard.  Times are measured and printed (run with -s to read them), never asserted: they
depend on the machine.  A 10 ms ticker measures the longest stall of the event loop."""

from __future__ import annotations

import datetime as dt
from time import perf_counter

import pytest

from projtrack.tui.app import ProjtrackApp
from projtrack.tui.model import PAGE_SIZE
from tests.tui.bigstore import build_big_store
from tests.tui.helpers import press, settle

N = 10_000


@pytest.fixture(scope="module")
def big_store(tmp_path_factory):
    start = perf_counter()
    store = build_big_store(str(tmp_path_factory.mktemp("big") / "big.db"), N)
    print(f"\n[scale] built {N:,} projects in {perf_counter() - start:.2f} s")
    yield store
    store.close()


class Ticker:
    """The longest gap between ticks of a 10 ms timer: how long the UI could not respond."""

    def __init__(self, app) -> None:
        self.last = perf_counter()
        self.worst = 0.0
        app.set_interval(0.01, self.tick)

    def tick(self) -> None:
        now = perf_counter()
        self.worst = max(self.worst, now - self.last)
        self.last = now

    def reset(self) -> float:
        worst, self.worst, self.last = self.worst, 0.0, perf_counter()
        return worst


async def test_ten_thousand_projects_filter_sort_page(big_store):
    """Functional checks at 10,000 projects; prints, per step, the wall time through Pilot,
    the app's response time (from the ask to the table repainted) and the longest stall."""
    app = ProjtrackApp(big_store, dt.date(2026, 11, 29), "zh", steady=True)
    report: list[str] = []
    start = perf_counter()
    async with app.run_test(size=(120, 40)) as pilot:
        ticker = Ticker(app)
        screen = app.screen
        while screen.page is None:
            await pilot.pause(0.05)
        await settle(pilot)
        report.append(f"open: first page after {perf_counter() - start:.2f} s "
                      f"(load_portfolio {app.load_seconds:.2f} s in a worker); "
                      f"longest stall {ticker.reset() * 1000:.0f} ms")
        table = screen.query_one("#table")
        assert screen.page.project_count == N and table.row_count == PAGE_SIZE

        async def step(name: str, *keys: str) -> None:
            ticker.reset()
            t0 = perf_counter()
            await press(pilot, *keys)
            report.append(f"{name}: {perf_counter() - t0:.2f} s through Pilot, response "
                          f"{screen.response_seconds * 1000:.0f} ms (worker "
                          f"{screen.filter_seconds * 1000:.0f} ms), longest stall "
                          f"{ticker.reset() * 1000:.0f} ms")

        await press(pilot, "slash")
        responses = []
        for ch in "鳌江镇第1":
            await step(f"filter key {ch!r}", ch)
            responses.append(screen.response_seconds)
        names = [r.view.facts.name for r in screen.page.rows if r.view]
        assert names and all("鳌江镇第1" in n for n in names)
        assert screen.page.project_count == sum(
            1 for v in app.portfolio.projects if "鳌江镇第1" in v.facts.name)

        await step("clear the filter (10,000 again)", "escape", "x")
        assert screen.page.project_count == N
        await step("flat list", "g")
        screen.sort_by("variance")
        await settle(pilot)
        await step("sort by variance, reversed", "S")
        await step("sort by variance", "S")
        variances = [r.view.figures.variance for r in screen.page.rows]
        assert variances == sorted(variances)
        assert variances[0] == min(v.figures.variance for v in app.portfolio.projects)

        await step("next page", "right_square_bracket")
        assert screen.page.first == PAGE_SIZE and table.row_count == PAGE_SIZE
        table.move_cursor(row=PAGE_SIZE - 1)
        await settle(pilot)
        await step("cursor past the page edge", "down")
        assert screen.page.first == 2 * PAGE_SIZE and table.cursor_row == 0

        await step("group by category (subtotals)", "g")
        assert str(next(iter(table.rows)).value) == "group:中小学"
        await step("quick filter: category", "c")
        assert {r.view.facts.category for r in screen.page.rows if r.view} == {"中小学"}
    print("\n[scale] " + "\n[scale] ".join(report))


def test_the_loaded_portfolio_is_frozen_out_of_the_collector(big_store):
    """frozen_after: no collection while building; what was built is frozen before the collector
    runs again; the collector's previous state comes back, also after an error."""
    import gc

    from projtrack.gcpause import frozen_after
    from projtrack.services.portfolio import load_portfolio

    gc.unfreeze()
    try:
        with frozen_after():
            assert not gc.isenabled()
            portfolio = load_portfolio(big_store, dt.date(2025, 6, 30))
        assert gc.isenabled()
        assert gc.get_freeze_count() > len(portfolio.projects)  # the views and all they hold
        gc.unfreeze()
        with pytest.raises(RuntimeError), frozen_after():
            raise RuntimeError("the load failed")
        assert gc.isenabled()
    finally:
        gc.unfreeze()
        gc.enable()
