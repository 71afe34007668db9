"""SVG snapshot of the flag rules form (R) with a change typed and its preview: the demo
portfolio at 2026-11-29.  Update on purpose with ``--snapshot-update`` and look at it."""

from __future__ import annotations

from tests.tui.helpers import press, settle

BIG = (120, 40)


async def _changed(pilot) -> None:
    await settle(pilot)
    await press(pilot, "R")
    screen = pilot.app.screen
    screen.query_one("#field-yellow_behind").value = "5"
    screen.query_one("#field-term_at_risk_red").value = False
    await settle(pilot)


def test_rules_form_with_its_preview(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=BIG, run_before=_changed)
