"""The county level of the portfolio view in a city's database: the counties with their figures
and the city's total first, Enter opens one (its projects alone, its name above), Escape or
Backspace goes back up, the county remembered between runs; a county's own database has none."""

from __future__ import annotations

from projtrack.tui.model import PortfolioIndex, Query
from projtrack.tui.screens.portfolio import PortfolioScreen
from tests.conftest import COUNTIES
from tests.tui.helpers import press, screen_text, settle

BIG, SMALL = (120, 40), (80, 24)


def _keys(table) -> list[str]:
    return [str(k.value) for k in table.rows]


async def test_the_counties_come_first_and_enter_opens_one(make_app, county_store):
    app = make_app(store=county_store)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PortfolioScreen) and screen.county_level()
        counties = screen.query_one("#counties")
        assert counties.display and not screen.query_one("#table").display
        assert _keys(counties) == [f"county:{c}" for c in COUNTIES] + ["total"]
        text = screen_text(app)
        assert "平阳县" in text and "苍南县" in text and "全市" in text and "各区县(2 个)" in text
        city, by_county = app.index.counties()
        assert city.count == sum(g.count for g in by_county.values()) == 88
        assert city.annual_plan == sum(g.annual_plan for g in by_county.values())
        await press(pilot, "down", "enter")  # 苍南县
        assert screen.query_state.county == "苍南县" and not screen.county_level()
        assert screen.query_one("#table").display and not counties.display
        assert screen.page is not None and screen.page.project_count == by_county["苍南县"].count
        assert {app.index.portfolio.get(pid).facts.county for pid in screen.page.ids} == {"苍南县"}
        assert "苍南县  ·  Esc/退格 返回各区县" in screen_text(app)
        await press(pilot, "escape")
        assert screen.county_level() and screen.query_state.county is None
        assert counties.current_key() == "county:苍南县"  # the cursor back on it
        await press(pilot, "enter")
        assert screen.query_state.county == "苍南县"
        await press(pilot, "backspace")
        assert screen.county_level()


async def test_a_category_drill_goes_back_to_the_county_first(make_app, county_store):
    app = make_app(store=county_store)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        screen = app.screen
        await press(pilot, "enter")  # 平阳县
        await press(pilot, "enter")  # its first category's subtotal row
        assert screen.drilled_from is not None and screen.query_state.county == "平阳县"
        await press(pilot, "escape")
        assert screen.drilled_from is None and screen.query_state.county == "平阳县"
        await press(pilot, "escape")
        assert screen.county_level()


async def test_the_county_is_remembered(make_app, county_store):
    app = make_app(store=county_store)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await press(pilot, "down", "enter")
        app.screen.save_state()
    again = make_app(store=county_store)
    async with again.run_test(size=BIG) as pilot:
        await settle(pilot)
        assert again.screen.query_state.county == "苍南县" and not again.screen.county_level()
        assert again.screen.page.project_count == 29


async def test_at_80_columns_the_rate_and_variance_stay(make_app, county_store):
    app = make_app(store=county_store)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        counties = app.screen.query_one("#counties")
        shown = counties.shown_keys
        assert shown[0] == "county" and "rate" in shown and "variance" in shown
        assert sum(w + 2 for w in (col.width for col in counties.columns.values())) <= 80


async def test_a_county_database_has_no_county_level(make_app):
    app = make_app()
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        screen = app.screen
        assert not screen.county_level() and not screen.query_one("#scope").display
        assert not screen.query_one("#counties").display and screen.query_one("#table").display


def test_the_index_filters_by_county(county_store):
    from projtrack.services.portfolio import load_portfolio
    from tests.reports.demo import AS_OF

    index = PortfolioIndex(load_portfolio(county_store, AS_OF))
    page = index.page(Query(county="平阳县", grouped=False))
    assert page.project_count == 59
    assert page.totals.annual_plan == index.counties()[1]["平阳县"].annual_plan


async def test_the_report_from_a_county_is_that_countys(make_app, county_store, tmp_path):
    from projtrack.services.weekly import issued_periods
    from projtrack.tui.screens.report import ReportDialog

    app = make_app(store=county_store)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await press(pilot, "down", "enter", "P")
        dialog = app.screen
        assert isinstance(dialog, ReportDialog) and dialog.county == "苍南县"
        assert "打印苍南县周报" in screen_text(app)
        dialog.query_one("#report-folder").value = str(tmp_path)
        await settle(pilot)
        await press(pilot, "ctrl+s")
        await settle(pilot, 6)
    assert issued_periods(county_store, county="苍南县") == ["2026-W48"]
    assert issued_periods(county_store) == []
    assert (tmp_path / "周报-2026-W48.xlsx").exists()
