"""SVG snapshots of the 分项统计 view (key 8) on the demo portfolio at 2026-11-29: by township at
120×40, by funding source and a township's projects at 80×24.  Update them on purpose with
``pytest tests/tui --snapshot-update`` and look at the report."""

from __future__ import annotations

from tests.tui.helpers import BIG, SMALL, keys


def test_breakdown_by_township(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=BIG, run_before=keys("8"))


def test_breakdown_by_funding_small(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=SMALL, run_before=keys("8", "b", "b"))


def test_breakdown_township_projects_small(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=SMALL,
                        run_before=keys("8", "down", "enter"))
