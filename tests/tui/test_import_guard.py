"""The import dialog shows the same guard as the command line: an import that blanks fields an
earlier annex filled says so, ctrl+s does not import it and only ctrl+y does; projtrack's own
fill-in sheet is refused with the command that takes it."""

from __future__ import annotations

import datetime as dt

import openpyxl

from projtrack.progress_io.layout import SECRET_SETTING
from projtrack.progress_io.template import select_projects, write_template
from projtrack.services.portfolio import load_portfolio
from projtrack.tui.widgets.import_preview import ImportScreen
from tests.tui.conftest import AS_OF, SAMPLE
from tests.tui.helpers import press, screen_text, settle


async def test_an_import_that_blanks_fields_needs_ctrl_y(make_app, demo_store, imports_dir):
    wb = openpyxl.load_workbook(SAMPLE)
    ws = wb.worksheets[0]
    name = ws["B9"].value
    ws["P9"] = None  # 责任单位 of one project: 县教育局 → blank
    wb.save(imports_dir / "annex-blank.xlsx")
    pid = demo_store.find(name)[0][0]
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "i", "enter")
        screen = app.screen
        assert isinstance(screen, ImportScreen) and screen.preview is not None
        assert screen.preview.needs_confirmation
        text = screen_text(app)
        assert "清空早先附件已填写的 1 个字段" in text and "ctrl+y" in text
        assert screen.query_one("#apply").disabled
        await press(pilot, "ctrl+s")
        assert demo_store.project(pid).responsible_unit == "县教育局"  # not imported
        await press(pilot, "ctrl+y")
        assert demo_store.project(pid).responsible_unit is None
        assert screen.written and "已导入" in screen_text(app)
        assert screen.risky is None and not screen.check_action("apply_anyway", ())


async def test_the_fill_in_sheet_is_refused_in_the_dialog(make_app, demo_store, imports_dir):
    portfolio = load_portfolio(demo_store, AS_OF)
    write_template(portfolio, select_projects(portfolio), imports_dir / "填报表.xlsx",
                   period="2026-W48", week_start=dt.date(2026, 11, 23),
                   week_end=dt.date(2026, 11, 29), lang="zh",
                   secret=demo_store.secret(SECRET_SETTING))
    before = [(p.id, p.status, p.category) for p in demo_store.projects()]
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "i", "enter")
        text = screen_text(app)
        assert "进度填报表" in text and "progress import" in text
        assert app.screen.query_one("#apply").disabled
        await press(pilot, "ctrl+y", "ctrl+s")
    assert [(p.id, p.status, p.category) for p in demo_store.projects()] == before
