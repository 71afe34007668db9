"""SVG snapshots of the county level (a city's database: the two-county demo at 2026-11-29): the
counties at 120×40 and at 80×24, and a county opened at 80×24.  Update them on purpose with
``pytest tests/tui --snapshot-update`` and look at the report."""

from __future__ import annotations

from tests.tui.helpers import BIG, SMALL, keys


def test_counties(snap_compare, make_app, county_store):
    assert snap_compare(make_app(store=county_store), terminal_size=BIG, run_before=keys())


def test_counties_small(snap_compare, make_app, county_store):
    assert snap_compare(make_app(store=county_store), terminal_size=SMALL, run_before=keys())


def test_a_county_opened_small(snap_compare, make_app, county_store):
    assert snap_compare(make_app(store=county_store), terminal_size=SMALL,
                        run_before=keys("down", "enter"))
