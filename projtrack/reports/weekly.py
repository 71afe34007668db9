"""Build the weekly variance report from a Portfolio — every figure comes from core.figures and
core.groups through the portfolio; nothing is computed here but the grouping and the selection.

The week is an ISO week; its figures are as of its last day (Sunday).  The main table is grouped
like the annex: category (in the annex's order), then annex class (续建, 新开工, 前期), each with
its subtotal, each category with its own, and a grand total.  Withdrawn projects are left out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

from projtrack.core.budget import BudgetChange
from projtrack.core.calendar import autumn_term_start
from projtrack.core.figures import GroupFigures
from projtrack.core.groups import category_of
from projtrack.core.issues import ProjectIssue
from projtrack.core.portfolio import Portfolio, ProjectView
from projtrack.core.targets import at_term_risk, places_at_risk
from projtrack.core.terms import Status
from projtrack.core.types import ANNEX_CLASSES, CATEGORIES
from projtrack.reports.changes import compare
from projtrack.reports.model import (
    CategoryBlock,
    ClassBlock,
    ForecastLine,
    Forecasts,
    MilestoneAlert,
    MilestoneState,
    OverrunForecast,
    PlacesLine,
    ReportRow,
    TermRisk,
    Totals,
    WeeklyReport,
)

DUE_SOON_DAYS = 14  # "due in the next two weeks": planned within as_of … as_of + 14 days


def totals_of(g: GroupFigures) -> Totals:
    return Totals(
        count=g.count, total_investment=g.total_investment, annual_plan=g.annual_plan,
        actual_this_week=g.actual_this_week, actual_this_year=g.actual_this_year,
        annual_completion_rate=g.annual_completion_rate, time_progress=g.time_progress,
        points_vs_time=g.points_vs_time, cumulative_actual=g.cumulative_actual,
        cumulative_completion_rate=g.cumulative_completion_rate,
        funds_received=g.funds_received, payments=g.payments, variance=g.variance,
        lagging_count=g.lagging_count, overrun_count=g.overrun_count,
        overdue_count=g.overdue_count, flag_counts=dict(g.flag_counts),
        phase_counts=dict(g.phase_counts),
    )


def _row(v: ProjectView) -> ReportRow:
    f, g = v.facts, v.figures
    return ReportRow(
        id=v.id, name=f.name, township=f.township, responsible_unit=f.responsible_unit,
        phase=g.phase, stage=g.stage, percent_complete=g.percent_complete,
        total_investment=g.total_investment, annual_plan=g.annual_plan,
        actual_this_week=g.actual_this_week, actual_this_year=g.actual_this_year,
        annual_completion_rate=g.annual_completion_rate, points_vs_time=g.points_vs_time,
        cumulative_actual=g.cumulative_actual,
        cumulative_completion_rate=g.cumulative_completion_rate,
        funds_received=g.funds_received, payments=g.payments, variance=g.variance,
        flag=g.flag, flag_reasons=tuple(g.flag_reasons),
        milestones=tuple(MilestoneState(s.name, s.planned, s.actual if s.done else None,
                                        s.done, s.overdue) for s in g.milestones),
    )


def _ordered(keys: Iterable[str], order: tuple[str, ...]) -> list[str]:
    return sorted(set(keys), key=lambda k: (k not in order, order.index(k) if k in order else 0,
                                            k == "", k))


def _alerts(views: Iterable[ProjectView], as_of: dt.date) -> tuple[MilestoneAlert, ...]:
    overdue: list[MilestoneAlert] = []
    soon: list[MilestoneAlert] = []
    horizon = as_of + dt.timedelta(days=DUE_SOON_DAYS)
    for v in views:
        g = v.figures
        if not g.rules_applied:
            continue
        for s in g.milestones:
            if s.planned is None or s.done:
                continue
            f, planned = v.facts, s.planned
            if s.overdue:
                overdue.append(MilestoneAlert("overdue", v.id, f.name, f.township,
                                              f.responsible_unit, s.name, planned,
                                              (as_of - planned).days))
            elif planned <= horizon:
                soon.append(MilestoneAlert("due_soon", v.id, f.name, f.township,
                                           f.responsible_unit, s.name, planned,
                                           (planned - as_of).days))
    overdue.sort(key=lambda a: (-a.days, a.project_id))
    soon.sort(key=lambda a: (a.planned, a.project_id))
    return tuple(overdue + soon)


_COUNTY = re.compile(r"^(.{1,6}?[县市区旗])")


def guess_county(names: Iterable[str]) -> str | None:
    """The county most project names start with ("平阳县…"), when more than half do."""
    names = list(names)
    found = Counter(m[1] for n in names if (m := _COUNTY.match(n)))
    if not found:
        return None
    county, n = found.most_common(1)[0]
    return county if n * 2 > len(names) else None


def forecasts_of(portfolio: Portfolio, views: list[ProjectView],
                 targets: dict[str, int]) -> Forecasts:
    """预测与风险 from the portfolio's figures: the year-end forecast by category and in total,
    the projects at term risk (the latest forecast 投用 first), the places at risk by category
    against ``targets``, the forecast overruns (the largest first)."""
    total, by_category = portfolio.totals_and_by_category(views)

    def line(key: str, g: GroupFigures) -> ForecastLine:
        return ForecastLine(key, g.annual_plan, g.actual_this_year, g.year_end_forecast,
                            g.year_end_forecast_rate)

    items = portfolio.items(views)
    risky = [TermRisk(f.id, f.name, category_of(f),  # type: ignore[arg-type]
                      autumn_term_start(f.end_year) if f.end_year else None,
                      fig.forecast_handover, f.new_places or 0)
             for f, fig in at_term_risk(items)]
    overruns = sorted(
        (OverrunForecast(v.id, v.facts.name, category_of(v.facts), v.figures.total_investment,
                         v.figures.eac, v.figures.overrun_forecast)
         for v in views if v.figures.overrun_forecast is not None and v.figures.rules_applied
         and "overrun_forecast" in v.figures.flag_reasons),
        key=lambda o: (-o.overrun_forecast, o.project_id))
    return Forecasts(
        lines=tuple([line(str(k), g) for k, g in by_category.items()] + [line("", total)]),
        term_risk=tuple(risky),
        places=tuple(PlacesLine(p.category, p.target, p.places, p.projects)
                     for p in places_at_risk(items, targets)),
        overruns=tuple(overruns))


def build_weekly(portfolio: Portfolio, *, period: str, week_start: dt.date,
                 previous: WeeklyReport | None = None, county: str | None = None,
                 targets: dict[str, int] | None = None,
                 pending: Iterable[BudgetChange] = (),
                 issues: Iterable[ProjectIssue] = ()) -> WeeklyReport:
    """The report for the week ``period`` from a portfolio loaded at the week's last day;
    ``previous`` is the last issued report, which "what changed" compares with; ``pending``
    the budget changes awaiting approval (their table in 预测与风险); ``issues`` the issues log,
    whose issues open at the week's end are its own section."""
    from projtrack.reports.issues import open_issue_lines

    as_of = portfolio.as_of
    views = [v for v in portfolio.projects if v.facts.status != Status.WITHDRAWN]
    blocks: list[CategoryBlock] = []
    by_category: dict[str, list[ProjectView]] = {}
    for v in views:
        by_category.setdefault(category_of(v.facts), []).append(v)
    for cat in _ordered(by_category, CATEGORIES):
        cat_views = by_category[cat]
        by_class: dict[str, list[ProjectView]] = {}
        for v in cat_views:
            by_class.setdefault(v.facts.annex_class or "", []).append(v)
        classes = tuple(
            ClassBlock(cls, tuple(_row(v) for v in by_class[cls]),
                       totals_of(portfolio.totals(by_class[cls])))
            for cls in _ordered(by_class, ANNEX_CLASSES)
        )
        blocks.append(CategoryBlock(cat, classes, totals_of(portfolio.totals(cat_views))))
    summary = totals_of(portfolio.totals(views))
    categories = tuple(blocks)
    rows = [r for c in categories for k in c.classes for r in k.rows]
    return WeeklyReport(
        period=period, week_start=week_start, week_end=as_of, as_of=as_of,
        county=county if county is not None else guess_county(r.name for r in rows),
        summary=summary, categories=categories, milestones=_alerts(views, as_of),
        changes=replace(compare(previous, rows, categories, summary),
                        previous_rules=previous.rules if previous is not None else None),
        forecasts=replace(forecasts_of(portfolio, views, targets if targets is not None else {}),
                          pending=tuple(pending)),
        rules=portfolio.rules,
        issues=open_issue_lines(issues, as_of),
    )
