"""The portfolio table fits the terminal: its columns chosen by the width (a priority each,
again on a resize) or picked by the officer (C), scrolled by whole columns, a 原因 column;
the way back from a subtotal's projects; the view remembered between runs (a state file per
database, a broken one ignored with a notice); the filter in pinyin."""

from __future__ import annotations

from projtrack.services.database import store_name
from projtrack.tui import rows as R
from projtrack.tui import viewstate
from projtrack.tui.screens.dialogs import ColumnsDialog
from projtrack.tui.widgets.table import PagedTable, column_window
from tests.tui.helpers import press, screen_text, settle, type_text

NARROW = ("flag", "name", "rate", "variance", "reason")
WIDE = ("flag", "name", "phase", "annual_plan", "actual_this_year", "rate", "variance", "reason")


def fits(table: PagedTable) -> bool:
    """Every column shown is whole: their widths with padding fit the table's room."""
    used = sum(c.get_render_width(table) for c in table.columns.values())
    return used <= table.room(table.app.size.width)


async def test_80x24_shows_name_rate_against_time_variance_flag_and_reason(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#table", PagedTable)
        assert table.shown_keys == NARROW
        assert fits(table) and table.hidden_left == table.hidden_right == 0
        assert table.max_scroll_x == 0  # nothing to scroll sideways: nothing cut
        text = screen_text(app)
        for label in ("标", "项目名称", "完成率(较序时)", "偏差", "原因"):
            assert label in text
        assert "59.9% (-31.3)" in text and "滞后31.3点" in text


async def test_120x40_shows_more_and_a_resize_chooses_again(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#table", PagedTable)
        assert table.shown_keys == WIDE and fits(table)
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert table.shown_keys == NARROW and fits(table)
        await pilot.resize_terminal(200, 40)
        await settle(pilot)
        assert set(WIDE) < set(table.shown_keys) and fits(table)


async def test_english_at_80_keeps_the_columns_that_matter(make_app):
    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#table", PagedTable)
        assert table.shown_keys == NARROW and fits(table)


async def test_the_column_picker_and_whole_column_scrolling(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        table = screen.query_one("#table", PagedTable)
        await press(pilot, "C")
        dialog = app.screen
        assert isinstance(dialog, ColumnsDialog)
        ticked = {key for key, _, on in dialog.columns if on}
        assert ticked == set(NARROW)  # what is shown now
        keys = [key for key, _, _ in dialog.columns]
        # tick 总投资 and 建设地点, untick 原因
        for key in ("total_investment", "township", "reason"):
            dialog.query_one("#columns").highlighted = keys.index(key)
            await press(pilot, "space")
        await press(pilot, "ctrl+s")
        assert app.screen is screen
        assert screen.columns == ("flag", "name", "total_investment", "rate", "variance",
                                  "township")
        # more than 80 columns hold: whole columns only, the rest a key away
        assert fits(table) and table.max_scroll_x == 0
        assert table.shown_keys[:2] == ("flag", "name")
        assert table.hidden_right > 0 and table.hidden_left == 0
        assert "右侧另有" in screen_text(app)
        before = table.shown_keys
        await press(pilot, "right")
        assert table.hidden_left == 1 and fits(table)
        assert table.shown_keys[:2] == ("flag", "name") and table.shown_keys != before
        await press(pilot, "right", "right", "right", "right")
        assert table.shown_keys[-1] == "township" and table.hidden_right == 0 and fits(table)
        await press(pilot, "left", "left", "left", "left", "left", "left")
        assert table.shown_keys == before
        # 按终端宽度: the width chooses again
        await press(pilot, "C")
        await pilot.click("#auto")
        await settle(pilot)
        assert screen.columns is None and table.shown_keys == NARROW


def test_the_column_window_never_cuts_a_column():
    widths = [4, 28, 10, 10, 14, 10, 22]
    for room in range(40, 120, 3):
        for first in range(0, 6):
            used_first, shown = column_window(widths, 2, first, room)
            assert shown[:2] == [0, 1] and len(shown) >= 3
            if len(shown) > 3:
                assert sum(widths[i] + 2 for i in shown) <= room
            assert shown[2:] == list(range(2 + used_first, 2 + used_first + len(shown) - 2))


async def test_drilling_into_a_subtotal_and_back(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        table = screen.query_one("#table", PagedTable)
        table.move_cursor(row=table.get_row_index("group:幼儿园"))
        await press(pilot, "enter")
        assert screen.query_state.category == "幼儿园" and not screen.query_state.grouped
        assert "返回分组" in screen_text(app)  # the footer shows the way back
        await press(pilot, "escape")
        assert screen.query_state.grouped and screen.query_state.category is None
        assert table.current_key() == "group:幼儿园"
        assert "返回分组" not in screen_text(app)
        # and with backspace, from a sorted, filtered grouped view: back to exactly that
        await press(pilot, "f")
        table.move_cursor(row=table.get_row_index("group:中小学"))
        await press(pilot, "enter")
        await press(pilot, "backspace")
        assert screen.query_state.grouped and screen.query_state.flagged_only
        assert table.current_key() == "group:中小学"


async def test_view_sort_filter_and_columns_are_remembered_between_runs(make_app, demo_store,
                                                                       state_home):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "g", "f", "S", "slash")
        await type_text(pilot, "aj")
        await press(pilot, "escape", "C")
        app.screen.query_one("#columns").highlighted = 3  # 总投资
        await press(pilot, "space", "ctrl+s")
        first = app.screen.query_state
    path = viewstate.state_path(store_name(demo_store))
    assert path.exists() and str(path).startswith(str(state_home))
    assert path.stat().st_mode & 0o077 == 0
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        q = screen.query_state
        assert (q.grouped, q.flagged_only, q.descending, q.text) == (False, True, True, "aj")
        assert q == first.but(page=0)
        assert screen.query_one("#filter").value == "aj"
        assert "total_investment" in screen.columns
        assert "total_investment" in screen.query_one("#table").shown_keys


async def test_a_broken_state_file_is_ignored_with_a_notice(make_app, demo_store):
    path = viewstate.state_path(store_name(demo_store))
    path.parent.mkdir(parents=True)
    path.write_text('{"version": 1, "query": {"grouped": "no"', encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.query_state.grouped and screen.page.project_count == 88
        notices = [n.message for n in app._notifications]
        assert any(str(path) in n and "已忽略" in n for n in notices), notices
        await press(pilot, "g")  # and the next change writes a good one over it
    assert viewstate.load(store_name(demo_store), known_columns=R.SORTABLE,
                          known_values={}).query["grouped"] is False


def test_state_values_of_the_wrong_kind_or_unknown_are_refused_or_dropped(tmp_path, monkeypatch):
    import json

    import pytest

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    db = "sqlite:///x.db"
    path = viewstate.state_path(db)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"version": 1, "query": {"grouped": "yes"}}), encoding="utf-8")
    with pytest.raises(viewstate.StateUnreadable, match='grouped: "yes"'):
        viewstate.load(db, known_columns=R.SORTABLE, known_values={})
    path.write_text(json.dumps({"version": 7, "query": {}}), encoding="utf-8")
    with pytest.raises(viewstate.StateUnreadable, match="version: 7"):
        viewstate.load(db, known_columns=R.SORTABLE, known_values={})
    path.write_text(json.dumps({"version": 1, "columns": "name"}), encoding="utf-8")
    with pytest.raises(viewstate.StateUnreadable, match='columns: "name"'):
        viewstate.load(db, known_columns=R.SORTABLE, known_values={})
    path.write_bytes(b"\xff\xfe")
    with pytest.raises(viewstate.StateUnreadable):
        viewstate.load(db, known_columns=R.SORTABLE, known_values={})
    path.write_text(json.dumps({"version": 1, "query": {"category": "火星", "sort": "nope",
                                                        "text": "鳌江"},
                                "columns": ["name", "nope"]}), encoding="utf-8")
    got = viewstate.load(db, known_columns=R.SORTABLE, known_values={"category": (None, "中小学")})
    assert got == viewstate.ViewState({"text": "鳌江"}, ("name",))


async def test_filter_in_pinyin_initials_and_full(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        found = {}
        for text in ("鳌江", "aj", "aojiang", "AoJiang"):
            await press(pilot, "slash")
            screen.query_one("#filter").value = ""
            await type_text(pilot, text)
            found[text] = {r.view.id for r in screen.page.rows if r.view}
        assert found["鳌江"] and found["aojiang"] == found["AoJiang"] == found["鳌江"]
        assert found["鳌江"] <= found["aj"]


def test_pinyin_reads_words_whole_and_matches_from_a_syllable():
    from projtrack.tui.spelling import MARK, full_pattern, spell

    assert spell("重庆长江") == (MARK + MARK.join(["chong", "qing", "chang", "jiang"]), "cqcj")
    full, initials = spell("平阳县鳌江镇")
    assert initials == "pyxajz"
    assert full_pattern("aojiang").search(full) and full_pattern("aoj").search(full)
    assert not full_pattern("aojiang").search(spell("萧江镇")[0])  # xiao jiang
    assert spell("平阳ABC 12中学")[1] == "pyabc12zx"  # letters and digits as they are


def test_reason_cells_say_core_s_reasons_short(demo_store):
    from projtrack.core.terms import Reason
    from projtrack.services.portfolio import load_portfolio
    from projtrack.tui import cells
    from tests.tui.conftest import AS_OF

    views = load_portfolio(demo_store, AS_OF).projects
    w = {"zh": R.REASON_WIDTH, "en": 11}
    for v in views:
        fig = v.figures
        for lang in ("zh", "en"):
            text = cells.reasons(fig, lang, w[lang]).plain
            assert cells.cell_len(text) <= w[lang]
            if fig.flag == "green":
                assert text == "-"
    lagging = next(v.figures for v in views if v.figures.flag_reasons[:1] == (Reason.LAGGING_BADLY,)
                   and len(v.figures.flag_reasons) > 1)
    pts = f"{abs(lagging.points_vs_time) * 100:.1f}"
    assert cells.reasons(lagging, "zh", R.REASON_WIDTH).plain == f"滞后{pts}点+{len(lagging.flag_reasons) - 1}"
    assert cells.reasons(lagging, "zh", 80).plain.startswith(f"滞后{pts}点、")
    assert cells.reasons(lagging, "en", 11).plain == f"-{pts} pts+{len(lagging.flag_reasons) - 1}"
    stalled = next(v.figures for v in views if Reason.STALLED in v.figures.flag_reasons
                   and v.figures.last_actual_date is not None)
    weeks = (AS_OF - stalled.last_actual_date).days // 7
    assert f"停滞{weeks}周" in cells.reasons(stalled, "zh", 60).plain


async def test_a_state_folder_that_cannot_be_written_is_said_not_a_crash(make_app, tmp_path,
                                                                        monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "g")
        await pilot.pause(0.7)  # the write waits half a second after the last change
        await settle(pilot)
        assert not app.screen.query_state.grouped  # the app goes on
        assert any("视图状态未能保存" in n.message for n in app._notifications)


def nav_line(app) -> str:
    return screen_text(app).splitlines()[1]


async def test_the_nav_bar_shows_every_view_at_80_and_120_columns(make_app):
    from projtrack.tui.widgets.nav import VIEWS

    for lang, full, short in (("zh", "8 分项统计", "8 分项"), ("en", "8 Breakdowns", "8 Brk")):
        app = make_app(lang)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            for view, key in VIEWS:
                await press(pilot, key)
                line = nav_line(app)
                assert all(f" {k} " in line for _, k in VIEWS), (lang, view, line)
                assert short in line and full not in line
                assert app.tr("view_short." + view) in line
            await pilot.resize_terminal(120, 40)
            await settle(pilot)
            line = nav_line(app)
            assert full in line and all(f" {k} " in line for _, k in VIEWS)
            await pilot.resize_terminal(40, 24)  # too narrow for the short names: numbers
            await settle(pilot)
            line = nav_line(app)
            assert all(f" {k} " in line for _, k in VIEWS) and short in line  # the current view
            assert "1 总览" not in line and "1 Port" not in line


async def test_breakdown_at_80x24_shows_rate_and_variance_whole(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "8")
        groups = app.screen.query_one("#bd-groups", PagedTable)
        assert groups.shown_keys == ("group", "count", "annual_plan", "actual_this_year", "rate",
                                     "variance")
        assert fits(groups) and groups.max_scroll_x == 0 and groups.hidden_right == 4
        assert "-13,409.79" in screen_text(app) and "右侧另有4列" in screen_text(app)
        await press(pilot, "right")
        assert groups.hidden_left == 1 and fits(groups)
        assert f"左侧另有1列、右侧另有{groups.hidden_right}列" in screen_text(app)
        assert groups.hidden_right < 4 and "rate" in groups.shown_keys
        await press(pilot, "enter")  # a township's projects
        listing = app.screen.query_one("#bd-members", PagedTable)
        assert listing.shown_keys[:2] == ("flag", "name")
        assert {"rate", "variance"} <= set(listing.shown_keys) and fits(listing)
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert len(listing.shown_keys) == 8 and listing.hidden_right == 0 and fits(listing)
        await press(pilot, "escape", "b", "b")  # 资金来源
        assert groups.shown_keys[0] == "source" and fits(groups)


async def test_issues_at_80x24_show_who_and_how_long_whole(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "7")
        table = app.screen.query_one("#open-issues", PagedTable)
        assert table.shown_keys == ("issue.col_id", "issue.col_project", "issue.col_text",
                                    "issue.col_owner", "issue.col_days")
        assert fits(table) and table.max_scroll_x == 0
        assert "已开天数" in screen_text(app) and "右侧另有4列" in screen_text(app)
        for _ in range(8):
            await press(pilot, "right")
            assert fits(table) and table.shown_keys[0] == "issue.col_id"
        assert table.shown_keys[-1] == "issue.col_latest" and table.hidden_right == 0
    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "7")
        table = app.screen.query_one("#open-issues", PagedTable)
        assert "issue.col_days" in table.shown_keys and fits(table)
        assert "Days open" in screen_text(app)


async def test_the_other_lists_at_80x24_show_their_columns_whole(make_app):
    from textual.widgets import TabbedContent

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "2")
        due = app.screen.query_one("#due", PagedTable)
        assert due.shown_keys == ("col.project", "col.milestone", "col.planned", "col.actual",
                                  "col.slip") and fits(due) and due.max_scroll_x == 0
        assert "右侧另有2列" in screen_text(app)
        await press(pilot, "3")
        for tab, selector in (("tab-category", "#by-category"), ("tab-township", "#by-township")):
            app.screen.query_one("#tabs", TabbedContent).active = tab
            await settle(pilot)
            table = app.screen.query_one(selector, PagedTable)
            assert table.shown_keys[0] == "col.group" and table.max_scroll_x == 0
            assert {"col.variance", "col.rate", "col.variance_rate"} <= set(table.shown_keys)
            assert fits(table) and table.hidden_right > 0
            assert table.parent.max_scroll_x == 0  # nor wider than the pane it sits in
        await press(pilot, "5")
        app.screen.query_one("#tabs", TabbedContent).active = "tab-term"
        await settle(pilot)
        risk = app.screen.query_one("#term-risk", PagedTable)
        assert risk.shown_keys == ("col.name", "col.term_due", "col.forecast_handover",
                                   "col.days_late", "col.new_places")
        assert risk.max_scroll_x == 0 and risk.hidden_right == 1
        assert risk.parent.max_scroll_x == 0 and fits(risk)


async def test_the_project_s_audit_trail_at_80x24_shows_its_columns_whole(make_app, demo_store):
    from textual.widgets import TabbedContent

    from tests.tui.helpers import go_to_project

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await go_to_project(pilot, 15)
        app.screen.query_one(TabbedContent).active = "tab-audit"
        await settle(pilot)
        audit = app.screen.query_one("#audit", PagedTable)
        assert audit.row_count >= 1
        assert {"col.when", "col.field", "col.old", "col.new"} <= set(audit.shown_keys)
        assert fits(audit)
        assert audit.max_scroll_x == 0 and audit.hidden_right > 0
        assert f"右侧另有{audit.hidden_right}列" in screen_text(app)
        audit.focus()
        await press(pilot, "right")
        assert audit.hidden_left == 1 and fits(audit)
        for _ in range(6):  # on to the last column, a whole column at a time
            if not audit.hidden_right:
                break
            await press(pilot, "right")
        assert "col.context" in audit.shown_keys and audit.hidden_right == 0 and fits(audit)


async def test_the_targets_and_the_ledger_fit_80_columns_in_both_languages(make_app):
    from textual.widgets import DataTable, TabbedContent

    from tests.tui.helpers import go_to_project

    for lang in ("zh", "en"):
        app = make_app(lang=lang)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await press(pilot, "4")
            targets = app.screen.query_one("#targets", DataTable)
            assert targets.row_count and targets.max_scroll_x == 0, lang
            await press(pilot, "1")
            await go_to_project(pilot, 15)
            app.screen.query_one(TabbedContent).active = "tab-money"
            await settle(pilot)
            ledger = app.screen.query_one("#ledger", DataTable)
            assert ledger.row_count and ledger.max_scroll_x == 0, lang
