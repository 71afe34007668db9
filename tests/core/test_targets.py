"""The plan's targets against what the projects delivered (core.targets), worked by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from projtrack.core.figures import LedgerSums, project_figures
from projtrack.core.targets import PUBLISHED_TARGETS, merged, target_lines
from projtrack.core.types import ProjectFacts

AS_OF = dt.date(2025, 6, 30)


def item(pid, category, phase, places=None, area=None, period_plan=None, actual="0",
         status="active"):
    f = ProjectFacts(id=pid, name=f"P{pid}", category=category, phase=phase, status=status,
                     new_places=places, floor_area_m2=D(area) if area else None,
                     period_plan=D(period_plan) if period_plan else None)
    return f, project_figures(f, LedgerSums(actual_to_date=D(actual)), AS_OF)


def test_each_target_counts_only_what_its_rule_says():
    items = [
        item(1, "中小学", "投用", places=900, area="12000", period_plan="5000", actual="4800"),
        item(2, "中小学", "竣工", places=450, area="8000.5", period_plan="3000", actual="2900"),
        item(3, "幼儿园", "投用", places=270, area="5000", period_plan="1000", actual="990"),
        item(4, "中小学", "在建", places=1200, period_plan="9000", actual="100"),
        item(5, "幼儿园", "前期", places=360, period_plan="800"),
        item(6, "中小学", "投用", places=5000, area="90000", period_plan="7000", actual="7000",
             status="withdrawn"),  # left out of everything
    ]
    spent = {f.id: fig.actual_to_date for f, fig in items}  # all of it dated in the period
    lines = {ln.key: ln for ln in target_lines(items, merged({"projects": 10}), spent)}
    assert lines["places_primary"].actual == 900  # in use only: not the completed 450
    assert lines["places_kindergarten"].actual == 270
    assert lines["floor_area_primary"].actual == D("20000.5")  # completed or in use
    assert lines["started"].actual == 4 and lines["completed"].actual == 3
    assert lines["in_use"].actual == 2
    assert lines["started"].target == 10 and lines["started"].rate == D("0.4")
    assert lines["investment"].target == D(18800) and lines["investment"].actual == D(8790)
    assert not lines["investment"].editable
    assert lines["places_primary"].target == PUBLISHED_TARGETS["places_primary"]


def test_no_period_plan_means_no_investment_target():
    lines = {ln.key: ln for ln in target_lines([item(1, "中小学", "在建")], merged(None), {})}
    assert lines["investment"].target is None and lines["investment"].rate is None


def test_places_at_risk_by_category_against_the_targets():
    import datetime as dt
    from decimal import Decimal as D

    from projtrack.core.figures import LedgerSums, project_figures
    from projtrack.core.targets import at_term_risk, places_at_risk
    from projtrack.core.types import ProgressPoint, ProjectFacts

    as_of = dt.date(2026, 11, 1)
    points = [ProgressPoint(0, dt.date(2026, 9, 1), None, D("0.4")),
              ProgressPoint(0, dt.date(2026, 10, 27), None, D("0.68"))]

    def item(pid, category, end_year, places, status="active"):
        f = ProjectFacts(pid, f"p{pid}", category=category, end_year=end_year, new_places=places,
                         phase="在建", status=status)
        # forecast 投用 2026-12-30 (see test_forecast): a 2026 term is missed, a 2027 one kept
        return f, project_figures(f, LedgerSums(last_actual_date=as_of), as_of, points=points)

    items = [item(1, "中小学", 2026, 900), item(2, "中小学", 2027, 300), item(3, "幼儿园", 2026, 180),
             item(4, "职业教育", 2026, 2000), item(5, "中小学", 2026, 50, status="withdrawn")]
    assert [f.id for f, _ in at_term_risk(items)] == [1, 3, 4]
    lines = places_at_risk(items, {"places_primary": 20220, "places_kindergarten": 12100})
    assert [(p.category, p.places, p.projects, p.target) for p in lines] == [
        ("中小学", 900, 1, D(20220)), ("幼儿园", 180, 1, D(12100)), ("职业教育", 2000, 1, None)]
    assert lines[0].share == D(900) / D(20220) and lines[2].share is None
    # no one at risk: the two targeted categories still show, with none
    lines = places_at_risk(items[1:2], {"places_primary": 20220})
    assert [(p.category, p.places) for p in lines] == [("中小学", 0), ("幼儿园", 0)]
    assert lines[1].target is None
