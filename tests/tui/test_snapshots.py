"""SVG snapshots of the main views: the demo portfolio at 2026-11-29, fixed terminal sizes.
Update them on purpose with ``pytest tests/tui --snapshot-update`` and look at the report."""

from __future__ import annotations

from tests.tui.helpers import BIG, SMALL, go_to_project, keys, press, settle

PID = 15


async def ready(pilot) -> None:
    await settle(pilot)



def project(*names: str, tab: str | None = None):
    async def run(pilot) -> None:
        await settle(pilot)
        await go_to_project(pilot, PID)
        if tab:
            pilot.app.screen.query_one("#tabs").active = tab
        await press(pilot, *names)
    return run


def test_portfolio(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=BIG, run_before=ready)


def test_portfolio_small_terminal(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=SMALL, run_before=ready)


def test_portfolio_english_flat_sorted(snap_compare, make_app):
    async def run(pilot) -> None:
        await settle(pilot)
        await press(pilot, "g", "f")
        pilot.app.screen.sort_by("variance")
        await settle(pilot)
    assert snap_compare(make_app("en"), terminal_size=BIG, run_before=run)


def test_portfolio_filtered(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=BIG, run_before=keys("slash", *"鳌江"))


def test_project_facts(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=BIG, run_before=project())


def test_project_investment(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=BIG, run_before=project(tab="tab-money"))


def test_project_milestones_small(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=SMALL,
                        run_before=project(tab="tab-milestones"))


def test_milestones(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=BIG, run_before=keys("2"))


def test_timeline(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=BIG, run_before=keys("2", tab="tab-timeline"))


def test_variance(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=BIG, run_before=keys("3"))


def test_variance_by_category_chart(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=BIG,
                        run_before=keys("3", tab="tab-category"))


def test_targets(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=BIG, run_before=keys("4"))


def test_spend_form_with_an_error(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=SMALL, run_before=project("e", *"12x"))


def test_weekly_report_dialog(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=BIG, run_before=keys("P"))


def test_help(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=BIG, run_before=keys("question_mark"))


def test_forecast(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=BIG, run_before=keys("5"))


def test_forecast_term_risk_small(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=SMALL, run_before=keys("5", tab="tab-term"))
