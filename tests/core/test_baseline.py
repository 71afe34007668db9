"""Hand-worked figures against a baseline (core.baseline) and budget changes (core.budget)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from projtrack.core.baseline import BaselineProject, compare, planned_to_date
from projtrack.core.budget import (
    PLAN,
    TOTAL,
    BudgetChange,
    check_move,
    line,
    move_lines,
    pending_summary,
)
from projtrack.core.figures import LedgerSums, project_figures
from projtrack.core.types import MilestoneFacts, ProjectFacts

PLANS = {2023: D("1000"), 2024: D("3660"), 2025: D("500")}


def test_pv_in_a_leap_year_by_hand():
    # 2024-03-01 is day 61 of 366: 1000 + 3660 × 61 / 366 = 1000 + 610
    assert planned_to_date(PLANS, dt.date(2024, 3, 1)) == D("1610")
    assert planned_to_date(PLANS, dt.date(2024, 12, 31)) == D("4660")
    assert planned_to_date(PLANS, dt.date(2022, 12, 31)) == 0  # before the first plan year
    assert planned_to_date({}, dt.date(2024, 3, 1)) == 0
    # a year without a plan adds nothing for itself: 2026 is all the years before
    assert planned_to_date(PLANS, dt.date(2026, 1, 1)) == D("5160")


@pytest.mark.parametrize("day", [dt.date(2024, 3, 1), dt.date(2023, 7, 19), dt.date(2025, 2, 28)])
def test_pv_is_the_figures_pv(day):
    facts = ProjectFacts(id=1, name="x", annual_plan=dict(PLANS))
    assert planned_to_date(PLANS, day) == project_figures(facts, LedgerSums(), day).planned_to_date


def _facts(**kw) -> ProjectFacts:
    base = dict(id=7, name="平阳县某小学", total_investment=D("12000"), annual_plan=dict(PLANS))
    base.update(kw)
    return ProjectFacts(**base)


FROZEN = BaselineProject(7, "平阳县某小学", D("11000"), {2023: D("1000"), 2024: D("3000"),
                                                      2025: D("1160")},
                         {"开工": dt.date(2023, 3, 1), "竣工验收": dt.date(2024, 6, 30),
                          "投用": dt.date(2024, 8, 31)})


def test_compare_by_hand():
    now = [MilestoneFacts(7, "开工", dt.date(2023, 3, 1), dt.date(2023, 3, 20)),
           MilestoneFacts(7, "竣工验收", dt.date(2024, 12, 31), None),
           MilestoneFacts(7, "投用", dt.date(2025, 8, 31), None)]
    c = compare(_facts(), FROZEN, now, dt.date(2024, 9, 30), actual_to_date=D("3000"))
    # 2024-09-30: day 274 of 366; baseline 1000 + 3000 × 274/366, current 1000 + 3660 × 274/366
    assert c.pv_baseline == 1000 + D(3000) * 274 / 366
    assert c.pv_current == 1000 + D(3660) * 274 / 366 == D("3740")
    assert c.pv_delta == c.pv_current - c.pv_baseline
    assert c.variance_baseline == D("3000") - c.pv_baseline
    assert c.total_changed and c.total_delta == D("1000")
    assert [(p.year, p.baseline, p.current, p.delta) for p in c.plan_changes] == [
        (2024, D("3000"), D("3660"), D("660")), (2025, D("1160"), D("500"), D("-660"))]
    slips = {m.name: m for m in c.milestones}
    assert (slips["开工"].slip_days, slips["开工"].moved_days) == (19, 0)  # done 19 days late
    # not done: days past the baseline date (2024-06-30 → 2024-09-30 is 92), moved 184 days
    assert (slips["竣工验收"].slip_days, slips["竣工验收"].moved_days) == (92, 184)
    assert (slips["投用"].slip_days, slips["投用"].moved_days) == (30, 365)
    assert [m.name for m in c.moved_milestones] == ["竣工验收", "投用"]
    assert c.differs


def test_a_milestone_ahead_of_its_baseline_date_has_not_slipped_and_one_without_a_date_has_none():
    frozen = BaselineProject(7, "x", D("12000"), dict(PLANS), {"投用": dt.date(2025, 8, 31),
                                                              "立项": None})
    now = [MilestoneFacts(7, "投用", dt.date(2025, 8, 31), dt.date(2025, 8, 20)),
           MilestoneFacts(7, "立项", None, dt.date(2022, 1, 5))]
    c = compare(_facts(), frozen, now, dt.date(2025, 6, 1))
    slips = {m.name: m for m in c.milestones}
    assert slips["投用"].slip_days == 0  # ahead of the date, done after as_of: not done yet
    assert slips["立项"].slip_days is None and slips["立项"].moved_days is None
    later = compare(_facts(), frozen, now, dt.date(2025, 9, 1))
    assert {m.name: m.slip_days for m in later.milestones}["投用"] == -11  # done 11 days early
    assert not c.differs and not c.total_changed and c.plan_changes == ()


def test_a_project_added_after_the_baseline():
    c = compare(_facts(), None, [], dt.date(2024, 3, 1))
    assert not c.in_baseline and c.differs
    assert c.pv_baseline is None and c.pv_delta is None and c.total_delta is None
    assert c.pv_current == D("1610")


def _change(i, state, *lines) -> BudgetChange:
    return BudgetChange(i, 7, "x", state, None, "cli", dt.datetime(2024, 1, 1), "u", None, None,
                        None, None, tuple(lines))


def test_budget_change_amounts_and_the_pending_summary_by_hand():
    total = _change(1, "拟调整", line(TOTAL, None, D("11000"), D("12250")),
                    line(PLAN, 2025, D("500"), D("800")))
    move = _change(2, "拟调整", line(PLAN, 2024, D("3660"), D("3360")),
                   line(PLAN, 2025, D("500"), D("800")))
    plan = _change(3, "拟调整", line(PLAN, 2026, None, D("300")))
    done = _change(4, "已批复", line(TOTAL, None, D("12250"), D("13000")))
    assert (total.amount, total.total_delta, total.plan_delta) == (D("1250"), D("1250"), D("300"))
    assert move.is_move and move.amount == 0 and move.total_delta is None
    assert not plan.is_move and plan.amount == D("300")
    s = pending_summary([total, move, plan, done])
    assert (s.count, s.amount, s.total_delta, s.plan_delta) == (3, D("1550"), D("1250"), D("600"))
    assert pending_summary([done]).count == 0


def test_moves_between_years_sum_to_zero():
    plans = {2024: D("3660"), 2025: D("500")}
    moved = move_lines([(2024, 2025, D("300")), (2024, 2026, D("60"))], plans)
    assert moved == {2024: D("3300"), 2025: D("800"), 2026: D("60")}
    lines = [line(PLAN, y, plans.get(y), a) for y, a in moved.items()]
    assert check_move(lines) and sum(ln.delta for ln in lines) == 0
    assert not check_move([line(PLAN, 2024, D("1"), D("2"))])
    with pytest.raises(ValueError, match="same_year"):
        move_lines([(2024, 2024, D("1"))], plans)
    with pytest.raises(ValueError, match="not_positive"):
        move_lines([(2024, 2025, D("0"))], plans)
