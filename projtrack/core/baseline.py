"""A project's figures against a baseline (基准): the frozen copy of its annual plans, milestone
planned dates and 总投资, read beside the current ones.

- PV to date (DOMAIN.md): Σ plans of the years before d's year + that year's plan × time
  progress, for the baseline's plans and for the current ones (``planned_to_date``: the same
  formula and the same single rounding as ``core.figures.project_figures``, tested against it);
  the variance against each is actual to date − that PV.
- Milestone slip against the baseline date: done by d → actual − baseline planned (negative:
  early); not done → days the baseline date has passed, never negative; None without a baseline
  date (``core.figures.milestone_status``'s rule, with the baseline's date).  ``moved_days`` is
  how far the current planned date moved from the baseline's (current − baseline).
- Plan changes since the baseline: every year whose plan differs (a year one side lacks counts
  as 0 there, and is shown as none); 总投资 changes the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from projtrack.core.calendar import year_position
from projtrack.core.money import ZERO
from projtrack.core.types import MILESTONES, MilestoneFacts, ProjectFacts


@dataclass(frozen=True)
class BaselineProject:
    """One project as a baseline froze it."""

    project_id: int
    name: str
    total_investment: Decimal | None
    annual_plan: Mapping[int, Decimal] = field(default_factory=dict)
    milestones: Mapping[str, dt.date | None] = field(default_factory=dict)  # name → planned


def planned_to_date(plans: Mapping[int, Decimal], as_of: dt.date) -> Decimal:
    """PV at ``as_of`` of the annual ``plans``: Σ plans of the years before as_of's year + that
    year's plan × day ÷ days in the year (one division, as core.figures does)."""
    year = as_of.year
    day, days = year_position(as_of)
    plan = plans.get(year)
    part = plan * day / days if plan is not None else ZERO
    return sum((v for y, v in plans.items() if y < year), ZERO) + part


@dataclass(frozen=True)
class PlanChange:
    year: int
    baseline: Decimal | None
    current: Decimal | None

    @property
    def delta(self) -> Decimal:
        return (self.current or ZERO) - (self.baseline or ZERO)


@dataclass(frozen=True)
class MilestoneSlip:
    name: str
    baseline: dt.date | None  # planned date in the baseline
    planned: dt.date | None  # planned date now
    actual: dt.date | None  # as recorded (counted only when <= as_of)
    slip_days: int | None  # against the baseline date (see the module docstring)
    moved_days: int | None  # current planned − baseline planned; None when either is missing

    @property
    def differs(self) -> bool:
        return self.baseline != self.planned


@dataclass(frozen=True)
class BaselineComparison:
    project_id: int
    name: str
    in_baseline: bool  # False: the project was added after the baseline was set
    as_of: dt.date
    pv_baseline: Decimal | None  # None when not in the baseline
    pv_current: Decimal
    actual_to_date: Decimal | None
    total_baseline: Decimal | None
    total_current: Decimal | None
    plan_changes: tuple[PlanChange, ...]
    milestones: tuple[MilestoneSlip, ...]

    @property
    def total_delta(self) -> Decimal | None:
        if not self.in_baseline:
            return None
        return (self.total_current or ZERO) - (self.total_baseline or ZERO)

    @property
    def total_changed(self) -> bool:
        return self.in_baseline and self.total_baseline != self.total_current

    @property
    def pv_delta(self) -> Decimal | None:
        return None if self.pv_baseline is None else self.pv_current - self.pv_baseline

    @property
    def variance_baseline(self) -> Decimal | None:
        """Actual to date − the baseline's PV."""
        if self.pv_baseline is None or self.actual_to_date is None:
            return None
        return self.actual_to_date - self.pv_baseline

    @property
    def moved_milestones(self) -> tuple[MilestoneSlip, ...]:
        return tuple(m for m in self.milestones if m.differs)

    @property
    def differs(self) -> bool:
        """Whether anything of the project differs from its baseline (or it has none)."""
        return (not self.in_baseline or self.total_changed or bool(self.plan_changes)
                or bool(self.moved_milestones))


def _slip(baseline: dt.date | None, actual: dt.date | None, as_of: dt.date) -> int | None:
    if baseline is None:
        return None
    if actual is not None and actual <= as_of:
        return (actual - baseline).days
    return max(0, (as_of - baseline).days)


def compare(current: ProjectFacts, baseline: BaselineProject | None,
            milestones: Iterable[MilestoneFacts], as_of: dt.date, *,
            actual_to_date: Decimal | None = None) -> BaselineComparison:
    """``current`` (its plans, 总投资 and ``milestones``) against ``baseline`` at ``as_of``."""
    assert current.id is not None
    now = {m.name: m for m in milestones}
    pv_current = planned_to_date(current.annual_plan, as_of)
    if baseline is None:
        return BaselineComparison(current.id, current.name, False, as_of, None, pv_current,
                                  actual_to_date, None, current.total_investment, (), ())
    years = sorted(set(baseline.annual_plan) | set(current.annual_plan))
    changes = tuple(PlanChange(y, baseline.annual_plan.get(y), current.annual_plan.get(y))
                    for y in years if baseline.annual_plan.get(y) != current.annual_plan.get(y))
    names = [n for n in MILESTONES if n in baseline.milestones or n in now]
    names += sorted((set(baseline.milestones) | set(now)) - set(MILESTONES))
    slips = []
    for name in names:
        base = baseline.milestones.get(name)
        m = now.get(name)
        planned, actual = (m.planned, m.actual) if m is not None else (None, None)
        moved = (planned - base).days if planned is not None and base is not None else None
        slips.append(MilestoneSlip(name, base, planned, actual, _slip(base, actual, as_of), moved))
    return BaselineComparison(
        current.id, current.name, True, as_of, planned_to_date(baseline.annual_plan, as_of),
        pv_current, actual_to_date, baseline.total_investment, current.total_investment,
        changes, tuple(slips))
