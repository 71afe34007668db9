"""The forms read what officers type with the command line's parser and say why a value is
refused; what the command line refuses without --force or --correction, and what it warns of,
the forms ask before saving; undo names what it reverses and, outside a project's view, only
undoes the officer's own change; a new as-of date recomputes the phase and the targets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from projtrack.services.entries import record_entry
from projtrack.store.repo import os_user
from projtrack.tui.screens.dialogs import ConfirmDialog
from projtrack.tui.screens.project import ProjectScreen
from projtrack.tui.widgets.entry_forms import MilestoneForm, ProgressForm
from tests.tui.helpers import go_to_project, press, screen_text, settle, type_text

PID = 15  # 在建, 总投资 21,665, lagging


def hint(form, name: str) -> str:
    return str(form.query_one(f"#hint-{name}").render())


async def test_typed_values_are_refused_with_the_field_and_what_was_typed(make_app, demo_store):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        n = len(demo_store.entries(PID))
        await go_to_project(pilot, PID)
        await press(pilot, "e")
        form = app.screen
        await type_text(pilot, "120,5")
        assert "金额“120,5”:逗号只能每三位分节" in hint(form, "amount")
        form.query_one("#field-amount").value = "120，5"  # a full-width comma too
        await settle(pilot)
        assert "逗号只能每三位分节" in hint(form, "amount")
        form.query_one("#field-amount").value = "120.5"
        form.query_one("#field-date").value = "11/27"
        await settle(pilot)
        assert "日期“11/27”:缺少年份" in hint(form, "date")
        form.query_one("#field-date").value = "03/04/2026"
        await settle(pilot)
        assert "日和月分不清" in hint(form, "date")
        assert form.query_one("#save").disabled
        await press(pilot, "ctrl+s")
        assert app.screen is form and len(demo_store.entries(PID)) == n


async def test_a_date_more_than_a_week_ahead_is_asked_and_a_no_saves_nothing(make_app, demo_store):
    app = make_app()
    later = dt.date.today() + dt.timedelta(days=30)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        n = len(demo_store.entries(PID))
        await go_to_project(pilot, PID)
        await press(pilot, "e")
        form = app.screen
        form.query_one("#field-amount").value = "10"
        form.query_one("#field-date").value = later.isoformat()
        await settle(pilot)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ConfirmDialog)
        assert "晚一周以上" in screen_text(app)
        await press(pilot, "escape")
        assert app.screen is form and "未保存" in str(form.query_one("#form-error").render())
        assert len(demo_store.entries(PID)) == n
        await press(pilot, "ctrl+s", "enter")
        assert isinstance(app.screen, ProjectScreen)
        assert demo_store.entries(PID)[-1].entry_date == later


async def test_a_cumulative_below_the_record_is_asked_and_saved_as_a_correction(make_app, demo_store):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await go_to_project(pilot, PID)
        await press(pilot, "e")
        form = app.screen
        form.query_one("#field-mode").value = "year"  # 本年累计
        await settle(pilot)
        await type_text(pilot, "100")
        this_year = app.portfolio.get(PID).figures.actual_this_year
        echo = str(form.query_one("#form-echo").render())
        assert "按本年累计 100.00 万元" in echo and "记录 完成投资 -" in echo  # shown first
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ConfirmDialog) and "增量为" in screen_text(app)
        await press(pilot, "enter")
        last = demo_store.entries(PID)[-1]
        assert (last.amount, last.basis, last.correction) == (100 - this_year, "year", True)


async def test_progress_down_and_milestones_out_of_order_are_asked(make_app, demo_store):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await go_to_project(pilot, PID)
        n = len(demo_store.progress_entries(PID))
        await press(pilot, "v")
        assert isinstance(app.screen, ProgressForm)
        app.screen.query_one("#field-percent").value = "10%"
        await settle(pilot)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ConfirmDialog) and "低于" in screen_text(app)
        await press(pilot, "enter")
        assert len(demo_store.progress_entries(PID)) == n + 1
        await press(pilot, "m")
        form = app.screen
        assert isinstance(form, MilestoneForm)
        form.query_one("#field-name").value = "施工许可"
        await settle(pilot)
        form.query_one("#field-actual").value = "2026-11-28"  # after 开工 was done
        await settle(pilot)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ConfirmDialog) and "顺序不符" in screen_text(app)
        await press(pilot, "escape", "escape")
        ms = {m.name: m for m in demo_store.milestones([PID])[PID]}
        assert ms["施工许可"].actual != dt.date(2026, 11, 28)


async def test_undo_names_the_change_and_in_the_portfolio_only_ones_own(make_app, demo_store,
                                                                        monkeypatch):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        record_entry(demo_store, PID, amount=Decimal("300"), date=dt.date(2026, 11, 27))
        monkeypatch.setenv("LOGNAME", "colleague")
        record_entry(demo_store, 1, amount=Decimal("44"), date=dt.date(2026, 11, 28))
        monkeypatch.undo()
        await press(pilot, "u")  # the portfolio: one's own last change, not the colleague's
        assert isinstance(app.screen, ConfirmDialog)
        text = str(app.screen.body)
        assert "完成投资 300.00 万元,日期 2026-11-27" in text and f"({os_user()} " in text
        assert "44.00" not in text
        await press(pilot, "enter")
        assert demo_store.entries(PID)[-1].amount == -300
        assert demo_store.entries(1)[-1].amount == 44  # the colleague's entry stands
        await go_to_project(pilot, 1)  # a project's view: its last change, whoever made it
        await press(pilot, "u")
        text = str(app.screen.body)
        assert "44.00" in text and "colleague" in text
        await press(pilot, "escape")
        assert demo_store.entries(1)[-1].amount == 44


async def test_a_new_as_of_date_recomputes_the_phase_and_the_targets(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.portfolio.get(1).figures.phase == "投用"  # in use since 2021-08-26
        await press(pilot, "4")
        in_use = next(ln for ln in app.screen.lines if ln.key == "in_use").actual
        invest = next(ln for ln in app.screen.lines if ln.key == "investment").actual
        # the 十四五 row: only what was spent 2021–2025 (the demo spends on into 2026)
        assert invest < app.portfolio.totals().actual_to_date
        await press(pilot, "d")
        app.screen.query_one("#field-date").value = "2021-06-30"
        await settle(pilot)
        await press(pilot, "ctrl+s")
        assert app.portfolio.as_of == dt.date(2021, 6, 30)
        assert app.portfolio.get(1).figures.phase == "在建"  # 开工 2019, 竣工验收 2021-07
        lines = {ln.key: ln for ln in app.screen.lines}
        assert lines["in_use"].actual < in_use
        assert lines["investment"].actual == app.portfolio.totals().actual_this_year  # 2021 only
