"""The 填报 view (key 6): who has returned the week's sheet, the 催报 list, copying and saving
it; a snapshot at the demo's as-of date."""

from __future__ import annotations

from projtrack.services.returns import return_status, status_text
from tests.tui.conftest import AS_OF
from tests.tui.helpers import press, screen_text, settle

BIG = (120, 40)


async def test_key_6_shows_the_week_s_returns_and_copies_the_list(make_app, demo_store,
                                                                  tmp_path):
    app = make_app()
    app.reports_dir = tmp_path / "reports"
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await press(pilot, "6")
        assert app.current_mode == "returns"
        screen = app.screen
        want = return_status(demo_store, week=None, as_of=AS_OF, by="township")
        assert screen.status == want
        table = screen.query_one("#returns")
        assert table.row_count == len(want.groups)
        text = screen_text(app)
        assert "2026-W48" in text and "【催报】" in text
        first = next(g for g in want.groups if g.missing)
        assert f"#{first.missing[0].project_id} {first.missing[0].name}" in text
        copied = []
        app.copy_to_clipboard = copied.append  # what the terminal would be sent
        await press(pilot, "c")
        assert copied == [status_text(want, "zh")]
        await press(pilot, "s")
        saved = tmp_path / "reports" / "催报-2026-W48-乡镇.txt"
        assert saved.read_text(encoding="utf-8") == status_text(want, "zh") + "\n"
        await press(pilot, "b")
        assert screen.status.by == "unit"
        assert screen.status == return_status(demo_store, week=None, as_of=AS_OF, by="unit")
        await press(pilot, "left_square_bracket")
        assert screen.status.period == "2026-W47"


async def test_a_return_imported_meanwhile_shows_after_reload(make_app, demo_store):
    from projtrack.services.entries import record_entry

    app = make_app()
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await press(pilot, "6")
        before = app.screen.status
        pid = next(p.project_id for g in before.groups for p in g.missing)
        record_entry(demo_store, pid, amount=5, date=AS_OF, today=AS_OF)
        await press(pilot, "ctrl+r")
        assert app.screen.status.missing == before.missing - 1


def test_returns_view_snapshot(snap_compare, make_app):
    async def run(pilot) -> None:
        await settle(pilot)
        await press(pilot, "6")
    assert snap_compare(make_app(), terminal_size=BIG, run_before=run)
