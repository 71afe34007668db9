"""The weekly report's content on the demo database at a fixed date, and its snapshots: issued
once, reprinted exactly, compared with next week."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from sqlalchemy import select

from projtrack.core.types import CATEGORIES
from projtrack.reports.model import WeeklyReport, from_data, to_data
from projtrack.services.entries import record_entry, set_milestone, update_project
from projtrack.services.portfolio import load_portfolio
from projtrack.services.weekly import issue as issue_weekly
from projtrack.services.weekly import load_snapshot
from projtrack.store.models import ReportSnapshot
from tests.reports.demo import AS_OF, WEEK

W49_END = dt.date(2026, 12, 6)


def test_content_at_a_fixed_date(demo_store):
    issued = issue_weekly(demo_store, as_of=AS_OF)
    r = issued.report
    assert issued.status == "issued" and not r.draft
    assert (r.period, r.week_start, r.week_end, r.as_of) == (
        WEEK, dt.date(2026, 11, 23), AS_OF, AS_OF)
    assert r.county == "平阳县"

    # every figure is the portfolio's own, at the week's last day
    portfolio = load_portfolio(demo_store, AS_OF, include_withdrawn=False)
    totals = portfolio.totals()
    s = r.summary
    assert s.count == totals.count == 88
    assert (s.annual_plan, s.actual_this_year, s.actual_this_week) == (
        totals.annual_plan, totals.actual_this_year, totals.actual_this_week)
    assert s.annual_completion_rate == totals.annual_completion_rate
    assert s.time_progress == Decimal(333) / Decimal(365)
    assert s.phase_counts == totals.phase_counts and sum(s.phase_counts.values()) == 88
    assert (s.lagging_count, s.overrun_count, s.overdue_count) == (
        totals.lagging_count, totals.overrun_count, totals.overdue_count)
    assert s.flag_counts == totals.flag_counts

    # grouped like the annex: categories in order, then annex classes, subtotals that add up
    assert [c.category for c in r.categories] == [c for c in CATEGORIES
                                                  if c in {c.category for c in r.categories}]
    assert {c.category: c.totals.count for c in r.categories} == {
        "中小学": 44, "幼儿园": 35, "职业教育": 4, "特殊教育": 1, "其他": 4}
    school = r.categories[0]
    assert [k.annex_class for k in school.classes] == ["续建", "新开工", "前期"]
    assert [len(k.rows) for k in school.classes] == [9, 34, 1]
    for cat in r.categories:
        assert sum(k.totals.actual_this_year for k in cat.classes) == cat.totals.actual_this_year
        assert sum(k.totals.count for k in cat.classes) == cat.totals.count
    assert sum(c.totals.actual_this_week for c in r.categories) == s.actual_this_week

    views = {v.id: v.figures for v in portfolio.projects}
    assert len(r.rows) == 88
    for row in r.rows:
        g = views[row.id]
        assert (row.actual_this_week, row.actual_this_year, row.annual_completion_rate,
                row.points_vs_time, row.cumulative_actual, row.variance, row.flag,
                row.flag_reasons, row.phase, row.percent_complete) == (
            g.actual_this_week, g.actual_this_year, g.annual_completion_rate,
            g.points_vs_time, g.cumulative_actual, g.variance, g.flag, g.flag_reasons,
            g.phase, g.percent_complete)

    # milestones overdue at the date, then those due within two weeks
    overdue = [a for a in r.milestones if a.kind == "overdue"]
    expected = sorted((v.id, m.name) for v in portfolio.projects for m in v.figures.milestones
                      if m.overdue and v.figures.rules_applied)
    assert sorted((a.project_id, a.milestone) for a in overdue) == expected
    assert all(a.days == (AS_OF - a.planned).days > 0 for a in overdue)
    assert all(0 <= a.days <= 14 for a in r.milestones if a.kind == "due_soon")
    assert r.changes.previous_period is None  # nothing was issued before


def test_snapshot_round_trips_through_json(demo_store):
    r = issue_weekly(demo_store, as_of=AS_OF).report
    again = from_data(WeeklyReport, json.loads(json.dumps(to_data(r))))
    assert again == r
    with demo_store.read() as s:
        row = s.execute(select(ReportSnapshot)).scalar_one()
    assert (row.kind, row.period, row.as_of) == ("weekly", WEEK, AS_OF)
    assert len(row.sha256) == 64 and row.issued_by


def test_a_back_dated_entry_does_not_change_the_reprint(demo_store):
    first = issue_weekly(demo_store, as_of=AS_OF).report
    pid = first.rows[0].id
    record_entry(demo_store, pid, amount=Decimal("500"), date=dt.date(2026, 11, 25))

    reprint = issue_weekly(demo_store, week=WEEK, as_of=dt.date(2026, 12, 20))
    assert reprint.status == "reprinted"
    assert reprint.report == first  # exactly as issued, issue time and all

    draft = issue_weekly(demo_store, week=WEEK, as_of=AS_OF, draft=True).report
    assert draft.draft and draft.summary.actual_this_week == first.summary.actual_this_week + 500
    assert load_snapshot(demo_store, WEEK) == first  # a draft freezes nothing


def test_next_week_compares_with_what_was_issued(demo_store):
    w48 = issue_weekly(demo_store, as_of=AS_OF).report
    rows = {r.id: r for r in w48.rows}
    building = [r for r in w48.rows if r.phase == "在建"]
    # (the demo's running projects all carry a forecast risk now: one not yet red)
    green = next(r for r in building if r.flag != "red" and r.total_investment)
    backdated = building[1]
    # a back-dated entry in W48, after W48 was issued
    record_entry(demo_store, backdated.id, amount=Decimal("300"), date=dt.date(2026, 11, 24))
    # in W49: an overrun turns a green project red, a milestone is reached, a phase changes
    over = green.total_investment * 2
    record_entry(demo_store, green.id, amount=over, date=dt.date(2026, 12, 2))
    todo = next(m for m in rows[backdated.id].milestones if not m.done)
    set_milestone(demo_store, backdated.id, todo.name, actual=dt.date(2026, 12, 3))
    in_use = next(r for r in w48.rows if r.phase == "投用")
    update_project(demo_store, in_use.id, phase="竣工")

    w49 = issue_weekly(demo_store, as_of=W49_END)
    assert w49.status == "issued"
    ch = w49.report.changes
    assert (ch.previous_period, ch.previous_as_of) == (WEEK, AS_OF)
    kinds = {(c.kind, c.project_id) for c in ch.items}
    assert ("flag_worse", green.id) in kinds
    worse = next(c for c in ch.items if c.kind == "flag_worse" and c.project_id == green.id)
    assert (worse.old, worse.new) == (green.flag, "red") and "overrun" in (worse.detail or "")
    assert ("milestone_reached", backdated.id) in kinds
    assert ("phase", in_use.id) in kinds
    # the rate movement starts from the frozen W48 figures, not from a recomputed W48
    total = next(m for m in ch.rates if m.key == "")
    assert total.old == w48.summary.annual_completion_rate
    recomputed = load_portfolio(demo_store, AS_OF, include_withdrawn=False).totals()
    assert recomputed.annual_completion_rate != total.old


def test_a_week_not_over_is_a_draft_and_reissue_replaces(demo_store):
    draft = issue_weekly(demo_store, week="2026-W49", as_of=AS_OF)
    assert draft.status == "draft" and draft.week_not_over and draft.report.draft
    assert load_snapshot(demo_store, "2026-W49") is None

    first = issue_weekly(demo_store, as_of=AS_OF).report
    record_entry(demo_store, first.rows[0].id, amount=Decimal("10"), date=AS_OF)
    again = issue_weekly(demo_store, as_of=AS_OF, reissue=True)
    assert again.status == "reissued"
    assert again.report.summary.actual_this_week == first.summary.actual_this_week + 10
    assert load_snapshot(demo_store, WEEK) == again.report
