"""The project view's baseline panel on the demo: the current baseline's values where they
differ, the pending and decided budget changes, and a change approved from the command line's
service showing after a refresh (Pilot, headless)."""

from __future__ import annotations

from projtrack.services.budget import approve, changes
from projtrack.tui.screens.project import ProjectScreen
from tests.tui.helpers import go_to_project, screen_text, settle


async def _panel_text(pilot) -> str:
    """What the terminal shows of the panel: the facts tab scrolled to its end."""
    pilot.app.screen.query_one("#facts-scroll").scroll_end(animate=False)
    await settle(pilot)
    return " ".join(screen_text(pilot.app).split())


async def test_the_project_view_shows_baseline_differences_and_budget_changes(make_app, demo_store):
    by_project = {c.project_id: c for c in changes(demo_store)}
    pending = next(c for c in by_project.values() if c.pending and c.total_delta)
    approved = next(c for c in by_project.values() if c.state == "已批复")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await go_to_project(pilot, pending.project_id)
        screen = app.screen
        assert isinstance(screen, ProjectScreen)
        await settle(pilot)
        text = await _panel_text(pilot)
        assert "基准与预算调整" in text
        assert "当前基准“2026年中期调整”(来源 demo)" in text
        assert "与基准一致" in text  # a pending change moves nothing
        assert "待批调整 1 项,+1,250.00 万元" in text
        assert f"#{pending.id} 拟调整" in text and "材料价格上涨" in text
        # approved meanwhile (another officer's command line): the view follows a refresh
        approve(demo_store, pending.id, doc_no="平发改〔2026〕77号")
        screen.refresh_data(None)
        await settle(pilot)
        text = await _panel_text(pilot)
        assert "无待批调整" in text and f"#{pending.id} 已批复" in text
        assert "总投资:基准" in text and "(+1,250.00)" in text
        await pilot.press("escape")
        await settle(pilot)
        await go_to_project(pilot, approved.project_id)
        await settle(pilot)
        text = await _panel_text(pilot)
        year = approved.lines[0].year
        assert f"{year} 年计划:基准 — → 当前 500.00(+500.00)" in text
        assert "平发改投资〔2026〕58号" in text


async def test_the_panel_speaks_english(make_app, demo_store):
    (c,) = [c for c in changes(demo_store) if c.state == "未批准"]
    app = make_app(lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await go_to_project(pilot, c.project_id)
        await settle(pilot)
        text = await _panel_text(pilot)
        assert "Baseline and budget changes" in text and "as in the baseline" in text
        assert "no pending budget changes" in text and f"#{c.id} rejected" in text
