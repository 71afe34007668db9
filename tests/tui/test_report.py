"""The weekly report from the terminal UI: P (or the command palette) opens the dialog, the
files are written by a worker and their paths shown; the week is issued on its first print and
reprinted after; bad input and failures stay in the dialog."""

from __future__ import annotations

import datetime as dt

from projtrack.services.weekly import issued_periods
from projtrack.tui.screens.dialogs import ConfirmDialog
from projtrack.tui.screens.report import ReportDialog
from tests.tui.helpers import palette, press, settle, type_text

WEEK = "2026-W48"  # the week containing the as-of date, Sunday 2026-11-29: over that day


def text_of(dialog: ReportDialog, selector: str) -> str:
    return str(dialog.query_one(selector).render())


async def open_dialog(pilot) -> ReportDialog:
    await settle(pilot)
    await press(pilot, "P")
    dialog = pilot.app.screen
    assert isinstance(dialog, ReportDialog)
    return dialog


async def print_into(pilot, dialog: ReportDialog, folder) -> None:
    dialog.query_one("#report-folder").value = str(folder)
    await settle(pilot)
    await press(pilot, "ctrl+s")


async def test_default_week_is_the_one_the_cli_reports(make_app):
    """The dialog proposes the week ``projtrack report weekly`` prints without --week: the
    ISO week containing the as-of date (one function decides it for both)."""
    from projtrack.core.calendar import resolve_week

    assert resolve_week(None, dt.date(2026, 11, 29))[0] == "2026-W48"  # a Sunday
    assert resolve_week(None, dt.date(2026, 11, 30))[0] == "2026-W49"
    assert resolve_week(None, dt.date(2027, 1, 3))[0] == "2026-W53"
    app = make_app(as_of=dt.date(2026, 12, 2))
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_dialog(pilot)
        assert dialog.query_one("#report-week").value == "2026-W49"


async def test_print_writes_both_files_and_lists_them(make_app, demo_store, tmp_path):
    app = make_app()
    out = tmp_path / "out" / "reports"  # missing: created
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_dialog(pilot)
        assert dialog.query_one("#report-week").value == WEEK
        assert dialog.query_one("#report-folder").value == "reports"
        assert "2026-11-23 至 2026-11-29" in text_of(dialog, "#hint-week")
        assert "签发并冻结" in text_of(dialog, "#hint-week")
        await print_into(pilot, dialog, out)
        assert app.screen is dialog and not dialog.running
        files = [out / f"周报-{WEEK}.xlsx", out / f"周报-{WEEK}.pdf"]
        result = text_of(dialog, "#report-result")
        for path in files:
            assert path.is_file() and path.stat().st_size > 0
            assert str(path) in result
        assert f"已签发 {WEEK} 周报,数字已冻结" in result
        assert issued_periods(demo_store) == [WEEK]
        assert "按签发时的内容重印" in text_of(dialog, "#hint-week")

        # printed again: reproduced from the frozen figures, nothing issued anew
        for path in files:
            path.unlink()
        await press(pilot, "ctrl+s")
        assert all(path.is_file() for path in files)
        assert "按签发时的内容重印" in text_of(dialog, "#report-result")
        await press(pilot, "escape")
        assert not isinstance(app.screen, ReportDialog)


async def test_invalid_week_shows_a_message_and_writes_nothing(make_app, demo_store, tmp_path):
    app = make_app()
    out = tmp_path / "reports"
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_dialog(pilot)
        dialog.query_one("#report-folder").value = str(out)
        dialog.query_one("#report-week").value = ""
        dialog.query_one("#report-week").focus()
        await type_text(pilot, "2026-48")
        assert "2026-W48" in text_of(dialog, "#hint-week")
        assert dialog.query_one("#hint-week").has_class("-error")
        assert dialog.query_one("#print").disabled
        await press(pilot, "ctrl+s", "enter")
        assert not out.exists() and issued_periods(demo_store) == []
        assert not dialog.query_one("#report-result").display

        dialog.query_one("#report-week").value = "[/b]2026"  # shown as typed, not as markup
        await settle(pilot)
        assert "[/b]2026" in text_of(dialog, "#hint-week")
        dialog.query_one("#report-week").value = "2026-W54"  # no such week
        await settle(pilot)
        assert dialog.query_one("#print").disabled
        dialog.query_one("#report-week").value = "2026-w48"  # lower case is fine
        await settle(pilot)
        assert not dialog.query_one("#print").disabled

        for fmt in ("xlsx", "pdf"):
            dialog.query_one(f"#report-{fmt}").value = False
        await settle(pilot)
        assert "至少选一种格式" in text_of(dialog, "#hint-formats")
        await press(pilot, "ctrl+s")
        assert not out.exists()


async def test_unfinished_week_prints_a_draft_and_freezes_nothing(make_app, demo_store, tmp_path):
    app = make_app("en")
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_dialog(pilot)
        dialog.query_one("#report-week").value = "2026-W49"
        dialog.query_one("#report-pdf").value = False
        await settle(pilot)
        assert "a draft only" in text_of(dialog, "#hint-week")
        await print_into(pilot, dialog, tmp_path)
        assert (tmp_path / "weekly-report-2026-W49-draft.xlsx").is_file()
        assert not list(tmp_path.glob("*.pdf"))
        assert "Draft of the report for 2026-W49" in text_of(dialog, "#report-result")
        assert issued_periods(demo_store) == []


async def test_draft_and_reissue_exclude_each_other_and_reissue_asks(make_app, demo_store,
                                                                      tmp_path):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_dialog(pilot)
        dialog.query_one("#report-pdf").value = False
        await print_into(pilot, dialog, tmp_path)  # issues W48
        dialog.query_one("#report-draft").value = True
        await settle(pilot)
        dialog.query_one("#report-reissue").value = True
        await settle(pilot)
        assert not dialog.query_one("#report-draft").value
        assert "替换已冻结" in text_of(dialog, "#hint-week")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ConfirmDialog)
        await press(pilot, "escape")  # not confirmed: nothing happens
        assert app.screen is dialog
        assert "已签发 2026-W48" in text_of(dialog, "#report-result")
        await press(pilot, "ctrl+s", "enter")
        assert app.screen is dialog
        assert "已重新签发 2026-W48" in text_of(dialog, "#report-result")


async def test_a_failure_is_shown_in_the_dialog(make_app, demo_store, tmp_path):
    app = make_app()
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_dialog(pilot)
        dialog.query_one("#report-folder").value = str(blocker)
        await settle(pilot)
        assert "不是文件夹" in text_of(dialog, "#hint-folder")
        assert dialog.query_one("#print").disabled
        await print_into(pilot, dialog, blocker / "sub")  # cannot be created
        assert app.is_running and app.screen is dialog
        result = text_of(dialog, "#report-result")
        # its own message naming the folder, not an unexpected error
        assert "周报未能写出" in result and f"{blocker} 不是文件夹" in result
        assert "出错" not in result
        assert not dialog.running and not dialog.query_one("#report-week").disabled


async def test_command_palette_opens_the_dialog(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await palette(pilot, "打印周报")
        assert isinstance(app.screen, ReportDialog)
        await press(pilot, "P")  # typed into the week field, not a second dialog
        assert len([s for s in app.screen_stack if isinstance(s, ReportDialog)]) == 1
        assert app.screen.query_one("#report-week").value == "P"  # the week was selected
        assert "2026-W48" in text_of(app.screen, "#hint-week")


async def test_an_issued_week_edited_in_the_database_is_not_reprinted(make_app, demo_store,
                                                                      tmp_path):
    """The dialog calls the same service as `report weekly`: a frozen week whose figures were
    changed in the database after it was issued is refused in the dialog, no file written."""
    import hashlib
    import sqlite3

    from projtrack.services.weekly import issue
    from projtrack.store.engine import sqlite_path

    issue(demo_store, as_of=dt.date(2026, 11, 29))
    con = sqlite3.connect(sqlite_path(demo_store.url), isolation_level=None)
    try:
        data = con.execute("SELECT data FROM report_snapshot").fetchone()[0]
        forged = data.replace('"county":"平阳县"', '"county":"别的县"')
        assert forged != data
        con.execute("DROP TRIGGER report_snapshot_no_update")
        con.execute("UPDATE report_snapshot SET data = ?, sha256 = ?",
                    (forged, hashlib.sha256(forged.encode()).hexdigest()))
    finally:
        con.close()
    app = make_app("en")
    out = tmp_path / "reports"
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_dialog(pilot)
        await print_into(pilot, dialog, out)
        assert app.screen is dialog and not dialog.running
        result = text_of(dialog, "#report-result")
        assert f"the issued report of {WEEK} no longer matches what was issued" in result
        assert "not reprinted as issued" in result
        assert not out.exists() or not list(out.iterdir())


async def test_b_copies_the_brief_and_says_so(make_app, demo_store, tmp_path):
    """b copies the week's 通报 paragraph (ctrl+b in a text field, where b is a letter): a draft
    from the current figures before the week is issued, its frozen paragraph after."""
    from projtrack.services.weekly import brief

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_dialog(pilot)
        assert app.focused is dialog.query_one("#report-week")
        await press(pilot, "ctrl+b")
        assert dialog.query_one("#report-week").value == WEEK
        await settle(pilot)
        expected = brief(demo_store, period=WEEK, as_of=app.as_of, lang="zh").text
        assert app.clipboard == expected and expected.startswith("截至2026年11月29日")
        notes = [n.message for n in app._notifications]
        assert f"已复制 {WEEK} 通报(草稿,按当前数字)到剪贴板" in notes
        await print_into(pilot, dialog, tmp_path / "out")  # issued now
        app.copy_to_clipboard("")
        dialog.query_one("#report-draft").focus()
        await press(pilot, "b")
        await settle(pilot)
        assert app.clipboard == expected  # the frozen week says what the draft said
        assert f"已复制 {WEEK} 通报到剪贴板" in [n.message for n in app._notifications]
        folder = dialog.query_one("#report-folder")
        folder.focus()
        folder.value = ""
        await type_text(pilot, "b")
        assert folder.value == "b"
