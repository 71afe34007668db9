"""The 分项统计 view (key 8): by township, by unit, by funding source (``b`` switches), Enter
on a group lists its projects, Escape goes back; on the demo portfolio and on the hand-worked
one (tests/services/breakdown_data.py), whose (未填) group is a row of its own."""

from __future__ import annotations

from projtrack.services.breakdown import breakdown
from projtrack.store.repo import Store
from projtrack.tui.screens.breakdown import BreakdownScreen
from projtrack.tui.screens.project import ProjectScreen
from tests.services.breakdown_data import AS_OF as SMALL_AS_OF
from tests.services.breakdown_data import build
from tests.tui.conftest import AS_OF
from tests.tui.helpers import press, screen_text, settle


async def test_key_8_opens_the_view_and_b_switches(make_app, demo_store):
    towns = breakdown(demo_store, AS_OF, "township")
    units = breakdown(demo_store, AS_OF, "unit")
    fund = breakdown(demo_store, AS_OF, "funding")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "8")
        screen = app.screen
        assert isinstance(screen, BreakdownScreen) and screen.kind == "township"
        table = screen.query_one("#bd-groups")
        assert table.row_count == len(towns.groups) + 1
        text = screen_text(app)
        assert f"分乡镇统计({len(towns.groups)} 个乡镇)" in text
        assert "697,510.00" in text and "37,820" in text  # the portfolio's 总投资, places
        await press(pilot, "b")
        assert screen.kind == "unit" and table.row_count == len(units.groups) + 1
        assert "县教育局" in screen_text(app)
        await press(pilot, "b")
        assert screen.kind == "funding" and table.row_count == len(fund.sources) + 1
        text = screen_text(app)
        assert "专项债" in text and f"{fund.received:,.2f}" in text and "拨付率" in text
        await press(pilot, "enter")  # no projects behind a source
        assert screen.group is None and table.display
        await press(pilot, "b")
        assert screen.kind == "township"


async def test_enter_lists_a_group_s_projects_and_escape_goes_back(make_app, tmp_path):
    store = Store.open(str(tmp_path / "small.db"))
    try:
        build(store)
        app = make_app(store=store, as_of=SMALL_AS_OF)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await press(pilot, "8")
            screen = app.screen
            groups = screen.query_one("#bd-groups")
            names = [groups.get_row_at(i)[0] for i in range(groups.row_count)]
            assert [str(n) for n in names] == ["昆阳镇", "鳌江镇", "(未填)", "合计"]
            text = screen_text(app)
            assert "4,300.00" in text and "22.0% (-18.0)" in text and "1,170" in text
            await press(pilot, "down", "down")  # (未填)
            await press(pilot, "enter")
            assert screen.group == ""
            listing = screen.query_one("#bd-members")
            assert listing.display and not groups.display and listing.row_count == 1
            text = screen_text(app)
            assert "(未填)的项目(1 个)" in text and "平阳县某幼儿园" in text
            await press(pilot, "enter")  # opens the project
            assert isinstance(app.screen, ProjectScreen)
            await press(pilot, "escape")
            assert app.screen is screen and screen.group == ""
            await press(pilot, "escape")  # back to the groups, the cursor on the group
            assert screen.group is None and groups.display and not listing.display
            assert groups.cursor_row == 2
            await press(pilot, "up", "enter")  # 鳌江镇: two projects, the withdrawn one not
            assert screen.group == "鳌江镇" and listing.row_count == 2
            await press(pilot, "escape", "down", "down", "enter")  # the total line: no list
            assert screen.group is None
            await press(pilot, "b")
            await press(pilot, "down", "enter")  # by unit: 教育局 has P1 and P3
            assert screen.group == "教育局" and listing.row_count == 2
            await press(pilot, "b")  # switching leaves the list
            assert screen.kind == "funding" and screen.group is None
            assert "760.00" in screen_text(app) and "42.1%" in screen_text(app)
    finally:
        store.close()


async def test_the_view_in_english_at_80_columns(make_app):
    app = make_app(lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "8")
        text = screen_text(app)
        assert isinstance(app.screen, BreakdownScreen)
        assert "By township" in text and "乡镇" not in text.split("By township")[1][:40]
        await press(pilot, "l")
        assert "分乡镇统计" in screen_text(app)
