"""The 预测 view (key 5 and the command palette) on the demo portfolio: every project's
forecasts with the most at risk first, the term-risk list with its places, the places at risk
against the targets; and the project view's forecast with how it was worked out."""

from __future__ import annotations

from projtrack.services.forecast import how_worked, load_forecasts
from projtrack.tui.screens.forecast import ForecastScreen
from projtrack.tui.screens.project import ProjectScreen
from tests.tui.conftest import AS_OF
from tests.tui.helpers import palette, press, screen_text, settle


async def test_key_5_opens_the_forecast_view(make_app, demo_store):
    want = load_forecasts(demo_store, AS_OF)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "5")
        screen = app.screen
        assert isinstance(screen, ForecastScreen)
        data = screen.data
        assert [v.id for v in data.ranked] == [v.id for v in want.ranked]
        assert [v.id for v in data.at_risk] == [v.id for v in want.at_risk] and data.at_risk
        # the most at risk first: every term-risk project before any other
        risky = [v.figures.term_at_risk is True for v in data.ranked]
        assert risky == sorted(risky, reverse=True)
        table = screen.query_one("#forecast")
        assert table.row_count == len(data.rows) == 88
        text = screen_text(app)
        assert "5 预测" in text and "误开学" in text and "预计投用" in text
        first = data.ranked[0]
        assert first.facts.name[:8] in text and first.figures.forecast_handover.isoformat() in text
        summary = screen.query_one("#forecast-status").render().plain
        assert f"误开学 {want.totals.term_at_risk_count} 个项目" in summary
        # the term-risk tab: the list with the places each project carries, and by category
        screen.query_one("#tabs").active = "tab-term"
        await settle(pilot)
        assert screen.query_one("#term-risk").row_count == len(want.at_risk)
        places = screen.query_one("#places")
        assert places.row_count == len(want.places) >= 2
        text = screen_text(app)
        school = want.places[0]
        assert f"{school.places:,}" in text and "20,220" in text
        assert f"预计赶不上秋季开学的项目({len(want.at_risk)} 个)" in text
        # enter opens the project under the cursor
        await press(pilot, "enter")
        assert isinstance(app.screen, ProjectScreen)
        assert app.screen.project_id == want.at_risk[0].id


async def test_the_forecast_view_in_english_and_at_80_columns(make_app):
    app = make_app(lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "5")
        text = screen_text(app)
        assert "5 Fcst" in text and "Term" in text and "预测" not in text
        assert isinstance(app.screen, ForecastScreen)


async def test_the_command_palette_goes_to_the_forecast_view(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await palette(pilot, "转到预测")
        assert isinstance(app.screen, ForecastScreen)


async def test_the_project_view_says_how_the_forecast_was_worked_out(make_app, demo_store):
    fc = load_forecasts(demo_store, AS_OF)
    risky = fc.at_risk[0]
    rate = risky.figures.progress_rate
    assert rate is not None
    app = make_app()
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        app.open_project(risky.id)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ProjectScreen)
        facts = screen.query_one("#facts-scroll")
        facts.scroll_end(animate=False)
        await settle(pilot)
        text = "".join(screen_text(app).split())
        said = how_worked(risky.figures, "zh")
        assert said.startswith(f"由 {rate.start.date.isoformat()} 的")
        assert "".join(said.split())[:30] in text
        assert risky.figures.forecast_handover.isoformat() in text
        assert "误开学" in text and "形象进度速率" in text
    # one without a rate says why
    none = next(v for v in fc.rows if "no_progress_rate" in v.figures.flag_reasons)
    assert "无形象进度速率" in how_worked(none.figures, "zh")
    assert how_worked(none.figures, "en").startswith("no physical progress rate")


async def test_the_targets_view_shows_the_places_at_risk(make_app, demo_store):
    want = load_forecasts(demo_store, AS_OF).places
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "4")
        text = screen_text(app)
        assert "预计误开学的新增学位" in text
        school = want[0]
        assert school.category == "中小学" and school.places > 0
        assert f"中小学:{school.places:,} 个学位 / 目标 20,220" in text
