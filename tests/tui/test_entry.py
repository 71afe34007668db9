"""Data entry without leaving the app: spend (and the figures change), validation as you type,
milestones, phase with optimistic concurrency, plan, remarks, progress, undo, import with
preview, targets."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal

from projtrack.services.entries import update_project
from projtrack.store.repo import Store
from projtrack.tui.screens.dialogs import ConfirmDialog
from projtrack.tui.screens.project import ProjectScreen
from projtrack.tui.widgets.entry_forms import MilestoneForm, PhaseForm, SpendForm
from projtrack.tui.widgets.import_preview import ImportScreen
from tests.tui.conftest import SAMPLE
from tests.tui.helpers import go_to_project, press, screen_text, settle, type_text

PID = 15  # an 在建 project of the demo, behind plan


def actual(app, pid: int = PID) -> Decimal:
    return app.portfolio.get(pid).figures.actual_to_date


async def test_record_spend_and_see_the_figures_change(make_app, demo_store):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        before = actual(app)
        entries = len(demo_store.entries(PID))
        await go_to_project(pilot, PID)
        await press(pilot, "e")
        assert isinstance(app.screen, SpendForm)
        await type_text(pilot, "１,２００.5")  # full-width digits and a separator, as officers type
        assert "记录 完成投资 1,200.50 万元,日期 2026-11-29" in screen_text(app)  # what it read
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ConfirmDialog)  # this project is near its budget: asked
        assert "超过总投资 21,665.00 万元" in screen_text(app)
        assert len(demo_store.entries(PID)) == entries  # nothing saved before the yes
        await press(pilot, "enter")
        assert isinstance(app.screen, ProjectScreen)
        assert actual(app) == before + Decimal("1200.5")
        assert app.screen.detail.view.figures.actual_to_date == before + Decimal("1200.5")
        assert len(demo_store.entries(PID)) == entries + 1
        assert demo_store.entries(PID)[-1].origin == "tui"
        assert "1,200.50" in screen_text(app)


async def test_cumulative_entry_derives_the_increment(make_app, demo_store):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        before = actual(app)
        await go_to_project(pilot, PID)
        await press(pilot, "e")
        app.screen.query_one("#field-mode").value = "total"  # 开累 (no prior actual here)
        await type_text(pilot, str(before + 100))
        assert "记录 完成投资 100.00 万元" in screen_text(app)  # the increment, before saving
        await press(pilot, "ctrl+s")
        assert actual(app) == before + 100
        assert demo_store.entries(PID)[-1].amount == 100


async def test_form_validates_as_you_type_and_saves_nothing_until_valid(make_app, demo_store):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        entries = len(demo_store.entries(PID))
        await go_to_project(pilot, PID)
        await press(pilot, "e")
        form = app.screen
        await type_text(pilot, "12x")
        assert form.query_one("#save").disabled
        assert "不是金额" in str(form.query_one("#hint-amount").render())
        await press(pilot, "ctrl+s")
        assert app.screen is form and len(demo_store.entries(PID)) == entries
        form.query_one("#field-amount").value = "[/b]"  # quoted back in the message: not markup
        await settle(pilot)
        assert "[/b]" in str(form.query_one("#hint-amount").render())
        form.query_one("#field-amount").value = "-5"
        await settle(pilot)
        assert "负数" in str(form.query_one("#hint-amount").render())
        form.query_one("#field-amount").value = "5"
        form.query_one("#field-date").value = "2026年13月1日"
        await settle(pilot)
        assert "不是日期" in str(form.query_one("#hint-date").render())
        assert form.query_one("#save").disabled
        form.query_one("#field-date").value = "2026.11.2"
        form.query_one("#field-source").value = "省"
        await settle(pilot)
        assert "只用于到位资金" in str(form.query_one("#hint-source").render())
        form.query_one("#field-kind").value = "到位资金"
        await settle(pilot)
        assert not form.query_one("#save").disabled
        await press(pilot, "ctrl+s")
        last = demo_store.entries(PID)[-1]
        assert (last.kind, last.entry_date, last.amount, last.source) == ("到位资金", dt.date(2026, 11, 2), 5, "省")


async def test_set_a_milestone(make_app, demo_store):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await go_to_project(pilot, PID)
        await press(pilot, "m")
        form = app.screen
        assert isinstance(form, MilestoneForm)
        form.query_one("#field-name").value = "竣工验收"
        await settle(pilot)
        form.query_one("#field-actual").value = "2026年11月20日"
        await settle(pilot)
        await press(pilot, "ctrl+s")
        ms = {m.name: m for m in demo_store.milestones([PID])[PID]}
        assert ms["竣工验收"].actual == dt.date(2026, 11, 20)
        status = {m.name: m for m in app.screen.detail.view.figures.milestones}
        assert status["竣工验收"].done and not status["竣工验收"].overdue


async def test_phase_conflict_is_shown_and_nothing_is_overwritten(make_app, demo_store):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await go_to_project(pilot, PID)
        await press(pilot, "p")
        form = app.screen
        assert isinstance(form, PhaseForm)
        other = Store.open(demo_store.url)  # another officer, another connection
        update_project(other, PID, phase="暂缓")
        other.close()
        form.query_one("#field-phase").value = "竣工"
        await settle(pilot)
        await press(pilot, "ctrl+s")
        assert app.screen is form
        assert "已被他人修改" in str(form.query_one("#form-error").render())
        assert demo_store.project(PID).phase == "暂缓"
        await press(pilot, "escape", "p")  # opened again: it reads the new version and saves
        app.screen.query_one("#field-phase").value = "竣工"
        await settle(pilot)
        await press(pilot, "ctrl+s")
        assert demo_store.project(PID).phase == "竣工"
        assert app.portfolio.get(PID).figures.phase == "竣工"


async def test_plan_remarks_and_progress(make_app, demo_store):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await go_to_project(pilot, PID)
        await press(pilot, "y")
        form = app.screen
        form.query_one("#field-year").value = "2027"
        await settle(pilot)
        form.query_one("#field-amount").value = "880"
        await settle(pilot)
        await press(pilot, "ctrl+s")
        assert demo_store.project(PID).annual_plan[2027] == 880
        await press(pilot, "r")
        app.screen.query_one("#field-remarks").value = "主体验收延期,已约谈施工单位"
        await settle(pilot)
        await press(pilot, "ctrl+s")
        assert demo_store.project(PID).remarks == "主体验收延期,已约谈施工单位"
        await press(pilot, "v")
        app.screen.query_one("#field-stage").value = "收尾"
        app.screen.query_one("#field-percent").value = "97%"
        await settle(pilot)
        await press(pilot, "ctrl+s")
        last = demo_store.progress_entries(PID)[-1]
        assert (last.stage, last.percent) == ("收尾", Decimal("0.97"))


async def test_undo_by_reversal(make_app, demo_store):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        before = actual(app)
        await go_to_project(pilot, PID)
        await press(pilot, "e")
        await type_text(pilot, "300")
        await press(pilot, "ctrl+s")
        assert actual(app) == before + 300
        await press(pilot, "u")
        assert isinstance(app.screen, ConfirmDialog)
        await press(pilot, "enter")
        assert actual(app) == before
        last = demo_store.entries(PID)[-1]
        assert last.amount == -300 and last.reverses_id is not None  # nothing deleted


async def test_import_with_preview_then_confirm(make_app, imports_dir, tmp_path):
    shutil.copy(SAMPLE, imports_dir / "sample-annex.xlsx")
    empty = Store.open(str(tmp_path / "empty.db"))
    app = make_app(store=empty)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "i")
        screen = app.screen
        assert isinstance(screen, ImportScreen)
        await press(pilot, "enter")  # the highlighted workbook: preview
        assert screen.preview is not None and len(screen.preview.added) == 88
        assert empty.projects() == []  # a preview writes nothing
        assert "预览" in screen_text(app) and not screen.query_one("#apply").disabled
        await press(pilot, "ctrl+s")
        assert len(empty.projects()) == 88
        await press(pilot, "escape")
        await settle(pilot)
        assert app.portfolio is not None and len(app.portfolio.projects) == 88
    empty.close()


async def test_import_preview_shows_changes_field_by_field(make_app, demo_store, imports_dir):
    import openpyxl

    wb = openpyxl.load_workbook(SAMPLE)
    ws = wb.worksheets[0]
    name = ws.cell(10, 2).value
    ws.cell(10, 17).value = "列入2027年维修计划"  # 备注 of one project
    wb.save(imports_dir / "annex-2027.xlsx")
    pid = demo_store.find(name)[0][0]
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "i", "enter")
        screen = app.screen
        assert [c.name for c in screen.preview.changed] == [name]
        text = screen_text(app)
        assert f"~ {name}" in text and "备注:- 改为 列入2027年维修计划" in text
        assert demo_store.project(pid).remarks is None  # not before the confirmation
        await press(pilot, "ctrl+s")
        assert demo_store.project(pid).remarks == "列入2027年维修计划"
        assert "已导入" in screen_text(app)


async def test_edit_a_target(make_app, demo_store):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "4", "enter")
        form = app.screen
        form.query_one("#field-value").value = "21000"
        await settle(pilot)
        await press(pilot, "ctrl+s")
        assert demo_store.setting("targets")["places_primary"] == 21000
        for _ in range(40):  # the view reloads in a worker: on a loaded machine, a few rounds
            if "21,000" in screen_text(app):
                break
            await settle(pilot)
        assert "21,000" in screen_text(app)
        line = app.screen.lines[0]  # the view measures against the saved target
        assert (line.key, line.target) == ("places_primary", 21000) and app.screen.stored


async def test_a_form_reads_its_fields_into_a_typed_result(make_app, demo_store):
    """What the spend and progress forms hand to check, preview and submit: typed results (an
    empty choice is None), and a value of the wrong type is an error, never passed on."""
    import pytest

    from projtrack.tui.widgets.entry_forms import (
        FormContext,
        ProgressForm,
        ProgressValues,
        SpendValues,
    )

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        ctx = FormContext.fetch(demo_store, PID, dt.date(2026, 11, 29), "zh")
        assert ctx is not None
        day = dt.date(2026, 11, 29)
        spend = SpendForm(ctx).collect({"kind": "完成投资", "mode": "year",
                                        "amount": Decimal("12"), "date": day, "source": "",
                                        "note": None})
        assert spend == SpendValues("完成投资", "year", Decimal("12"), day, None, None)
        progress = ProgressForm(ctx).collect({"date": day, "stage": "", "percent": None,
                                              "note": "x"})
        assert progress == ProgressValues(day, None, None, "x")
        with pytest.raises(TypeError):
            SpendForm(ctx).collect({"kind": "完成投资", "mode": "year", "amount": "12",
                                    "date": day, "source": "", "note": None})
