"""Each view opens on the demo portfolio and shows its data; filter, sort, quick filters,
paging; language switch; as-of date; help and the command palette."""

from __future__ import annotations

import datetime as dt

from projtrack.tui.screens.help import HelpScreen
from projtrack.tui.screens.milestones import MilestonesScreen
from projtrack.tui.screens.portfolio import PortfolioScreen
from projtrack.tui.screens.project import ProjectScreen
from projtrack.tui.screens.targets import TargetsScreen
from projtrack.tui.screens.variance import VarianceScreen
from tests.tui.helpers import go_to_project, palette, press, screen_text, settle, type_text


def project_keys(table) -> list[str]:
    return [str(k.value) for k in table.rows if str(k.value).isdigit()]


async def test_portfolio_lists_every_project_grouped_by_category(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PortfolioScreen)
        table = screen.query_one("#table")
        assert len(project_keys(table)) == 88
        groups = [str(k.value) for k in table.rows if str(k.value).startswith("group:")]
        assert groups == ["group:中小学", "group:幼儿园", "group:职业教育", "group:特殊教育", "group:其他"]
        assert screen.page.totals.count == 88
        text = screen_text(app)
        assert "截至 2026-11-29" in text and "合计 88 个项目" in text and "一、中小学(44个)" in text


async def test_filter_narrows_as_you_type_and_totals_follow(make_app, demo_store):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "slash")
        await type_text(pilot, "鳌江")
        screen = app.screen
        wanted = {p.id for p in demo_store.projects(include_withdrawn=False)
                  if "鳌江" in p.name or "鳌江" in (p.township or "") or "鳌江" in (p.responsible_unit or "")}
        assert {int(k) for k in project_keys(screen.query_one("#table"))} == wanted
        assert screen.page.totals.count == len(wanted)
        assert f"合计 {len(wanted)} 个项目" in screen_text(app)
        # the screen records when the repaint of its last page was done, after the ask
        from time import perf_counter

        before = perf_counter()
        await press(pilot, "escape", "x")  # back to the table, clear the filters
        assert len(project_keys(screen.query_one("#table"))) == 88
        assert before < screen.painted_at <= perf_counter()
        assert 0 < screen.response_seconds < perf_counter() - before


async def test_totals_keep_their_height_in_step_with_their_text(make_app):
    """The totals line is updated without a layout pass unless its wrapped height changes:
    in a narrow terminal it wraps, and a filter that shortens it gives the lines back."""
    from rich.console import Console

    app = make_app(lang="en")
    async with app.run_test(size=(70, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        totals = screen.query_one("#totals")

        def wrapped() -> int:
            from projtrack.tui import rows as R

            page = screen.page
            text = R.totals_text(page.totals, page.project_count, "en", app.portfolio.rules)
            return min(3, len(text.wrap(Console(width=200), totals.content_size.width)))

        tall = totals.size.height
        assert tall == wrapped() > 1  # the long totals of 88 projects wrap at 70 columns
        await press(pilot, "slash")
        await type_text(pilot, "zzzz-no-such-project")
        await settle(pilot)
        assert screen.page.project_count == 0
        assert totals.size.height == wrapped() <= tall
        await press(pilot, "escape", "x")
        await settle(pilot)
        assert totals.size.height == tall


async def test_sort_by_any_column_none_last(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "g")  # flat
        await press(pilot, "s")
        picker = app.screen
        keys = [k for k, _ in picker.options]
        await press(pilot, *["down"] * keys.index("annual_plan"), "enter")
        screen = app.screen
        assert screen.query_state.sort == "annual_plan" and not screen.query_state.descending
        plans = [r.view.figures.annual_plan for r in screen.page.rows]
        known = [p for p in plans if p is not None]
        assert known == sorted(known)
        assert plans[len(known):] == [None] * (len(plans) - len(known))  # missing last
        await press(pilot, "S")  # reverse: still missing last
        plans = [r.view.figures.annual_plan for r in screen.page.rows]
        known = [p for p in plans if p is not None]
        assert known == sorted(known, reverse=True) and plans[len(known):] == [None] * (len(plans) - len(known))
        assert "按本年计划降序" in screen_text(app)


async def test_quick_filters(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        await press(pilot, "f")
        flags = {r.view.figures.flag for r in screen.page.rows if r.view}
        assert flags and "green" not in flags
        await press(pilot, "f", "c")  # all again, then category 中小学
        assert {r.view.facts.category for r in screen.page.rows if r.view} == {"中小学"}
        assert screen.page.project_count == 44
        await press(pilot, "t")  # phase 前期
        assert {r.view.figures.phase for r in screen.page.rows if r.view} <= {"前期"}
        await press(pilot, "x")
        assert screen.page.project_count == 88


async def test_open_project_shows_facts_and_tabs(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await go_to_project(pilot, 15)
        screen = app.screen
        assert isinstance(screen, ProjectScreen) and screen.project_id == 15
        text = screen_text(app)
        assert screen.detail.view.facts.name in text and "来源单元格" in text
        for tab in ("tab-money", "tab-milestones", "tab-audit"):
            screen.query_one("#tabs").active = tab
            await settle(pilot)
        assert screen.query_one("#ledger").row_count == len(screen.detail.ledger) > 0
        assert screen.query_one("#milestones").row_count == 9
        assert screen.query_one("#audit").row_count >= 1
        await press(pilot, "escape")
        assert isinstance(app.screen, PortfolioScreen)


async def test_milestones_variance_targets_views(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "2")
        assert isinstance(app.screen, MilestonesScreen)
        lists = app.screen.data.lists
        assert lists["overdue"] and all(d.milestone.overdue for d in lists["overdue"])
        assert app.screen.query_one("#due").row_count >= len(lists["overdue"]) + 4
        timeline = app.screen.query_one("#timeline")
        assert len(timeline.rows) > 80
        await press(pilot, "3")
        assert isinstance(app.screen, VarianceScreen)
        variances = [v.figures.variance for v in app.screen.data.ranked]
        assert variances == sorted(variances)
        assert app.screen.query_one("#by-category").row_count == 6  # five categories + total
        await press(pilot, "4")
        assert isinstance(app.screen, TargetsScreen)
        keys = [line.key for line in app.screen.lines]
        assert keys[:2] == ["places_primary", "places_kindergarten"]
        assert "20,220" in screen_text(app) and "12,100" in screen_text(app)
        await press(pilot, "1")
        assert isinstance(app.screen, PortfolioScreen)


async def test_language_switch(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "l")
        assert app.lang == "en"
        text = screen_text(app)
        assert "as of 2026-11-29" in text and "Project" in text and "Total 88 projects" in text
        assert "Primary & secondary" in text
        await press(pilot, "2")
        assert "Overdue (" in screen_text(app)
        await press(pilot, "l")
        assert "逾期节点(" in screen_text(app)


async def test_english_from_the_start(make_app):
    app = make_app(lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Portfolio" in text and "filter" in text and "项目总览" not in text


async def test_as_of_date_changes_everything(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        before = app.portfolio.totals().actual_to_date
        await press(pilot, "d")
        box = app.screen.query_one("#field-date")
        box.value = ""
        await type_text(pilot, "2025年6月30日")
        await press(pilot, "ctrl+s")
        assert app.as_of == dt.date(2025, 6, 30)
        assert app.portfolio.as_of == dt.date(2025, 6, 30)
        assert app.portfolio.totals().actual_to_date < before
        assert "截至 2025-06-30" in screen_text(app)


async def test_help_and_command_palette(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert "截至日期" in screen_text(app)
        await press(pilot, "escape")
        await palette(pilot, "切换到偏差")
        assert isinstance(app.screen, VarianceScreen)
        await palette(pilot, app.portfolio.get(15).facts.name[3:8])
        assert isinstance(app.screen, ProjectScreen)


async def test_quit(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_mouse_views_quick_filters_and_header_sort(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.click("NavBar", offset=(15, 0))  # " 2 节点 "
        await settle(pilot)
        assert isinstance(app.screen, MilestonesScreen)
        await pilot.click("NavBar", offset=(2, 0))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PortfolioScreen)
        await pilot.click("#quick", offset=(3, 0))  # the category chip cycles
        await settle(pilot)
        assert screen.query_state.category == "中小学"
        await pilot.click("#table", offset=(45, 0))  # the 本年计划 header (after 标, 名称, 阶段)
        await settle(pilot)
        assert screen.query_state.sort == "annual_plan"


async def test_an_empty_database_opens_every_view(make_app, tmp_path):
    from projtrack.store.repo import Store

    empty = Store.open(str(tmp_path / "empty.db"))
    app = make_app(store=empty)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.screen.page.project_count == 0
        for key in ("2", "3", "4", "1", "e", "l"):
            await press(pilot, key)
        assert "请先选中一个项目" in "".join(str(n.message) for n in app._notifications)
    empty.close()
