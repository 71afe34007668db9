"""Budget changes (调整) as the figures and the views read them: a change of a project's 总投资
and/or of one or more years' plans, with its state (拟调整 proposed → 已批复 approved, or 未批准
rejected).  Only an approved change has moved the figures; the pending ones are summed for the
report and the project view ("待批调整 3 项, +1,250 万元").

A change's lines each hold a figure as it was when the change was proposed (``old``), what it
becomes (``new``) and the difference (``delta``).  Moving plan money between years is one change
whose plan lines sum to 0 (``check_move``).

Decisions where DOMAIN.md is silent:
- A change's amount (``BudgetChange.amount``) is its 总投资 difference when it changes 总投资, else
  the net of its plan lines (a move between years: 0).  The pending summary adds those amounts.
- A line's figure that was unknown (no 总投资, no plan for the year) counts as 0 in its delta.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from projtrack.core.money import ZERO
from projtrack.core.terms import BudgetState

TOTAL = "total_investment"
PLAN = "plan"


@dataclass(frozen=True)
class BudgetLine:
    field: str  # TOTAL, or PLAN with its year
    year: int | None
    old: Decimal | None
    new: Decimal | None
    delta: Decimal

    @property
    def label(self) -> str:
        """``total_investment`` or ``plan.2025`` (the audit trail's field names)."""
        return self.field if self.year is None else f"{self.field}.{self.year}"


@dataclass(frozen=True)
class BudgetChange:
    id: int
    project_id: int
    project: str
    state: str  # a BudgetState value
    reason: str | None
    source: str
    proposed_at: dt.datetime
    proposed_by: str
    doc_no: str | None
    decided_on: dt.date | None
    decided_by: str | None
    decision_note: str | None
    lines: tuple[BudgetLine, ...]

    @property
    def pending(self) -> bool:
        return self.state == BudgetState.PROPOSED

    @property
    def total_delta(self) -> Decimal | None:
        """The 总投资 difference, or None when the change leaves 总投资 alone."""
        deltas = [ln.delta for ln in self.lines if ln.field == TOTAL]
        return sum(deltas, ZERO) if deltas else None

    @property
    def plan_delta(self) -> Decimal:
        return sum((ln.delta for ln in self.lines if ln.field == PLAN), ZERO)

    @property
    def amount(self) -> Decimal:
        """What the change is worth: its 总投资 difference, else the net of its plan lines."""
        total = self.total_delta
        return total if total is not None else self.plan_delta

    @property
    def is_move(self) -> bool:
        """Plan money moved between years: only plan lines, at least two, summing to 0."""
        plans = [ln for ln in self.lines if ln.field == PLAN]
        return len(plans) == len(self.lines) >= 2 and self.plan_delta == 0


def line(field: str, year: int | None, old: Decimal | None, new: Decimal | None) -> BudgetLine:
    """A line from a figure's value before and after (an unknown one counts as 0)."""
    return BudgetLine(field, year, old, new, (new or ZERO) - (old or ZERO))


def move_lines(moves: Iterable[tuple[int, int, Decimal]],
               plans: Mapping[int, Decimal]) -> dict[int, Decimal]:
    """The new plan of each year that ``moves`` ((from year, to year, amount) …) touch, from the
    current ``plans``: the amount leaves the first year and joins the second.  Several moves
    from or into one year add up.  Raises ValueError for a move within one year or of a
    non-positive amount."""
    out: dict[int, Decimal] = {}
    for source, target, amount in moves:
        if source == target:
            raise ValueError("same_year")
        if amount <= 0:
            raise ValueError("not_positive")
        for year, sign in ((source, -1), (target, 1)):
            base = out.get(year, plans.get(year, ZERO))
            out[year] = base + sign * amount
    return out


def check_move(lines: Iterable[BudgetLine]) -> bool:
    """Whether the plan lines of a move sum to 0 (the money only changes years)."""
    return sum((ln.delta for ln in lines if ln.field == PLAN), ZERO) == 0


@dataclass(frozen=True)
class PendingSummary:
    """The pending (拟调整) changes of a portfolio or a project: how many, and their amounts
    added up (``BudgetChange.amount``), with the 总投资 and plan parts apart."""

    count: int = 0
    amount: Decimal = ZERO
    total_delta: Decimal = ZERO
    plan_delta: Decimal = ZERO


def pending_summary(changes: Iterable[BudgetChange]) -> PendingSummary:
    count, amount, total, plan = 0, ZERO, ZERO, ZERO
    for c in changes:
        if not c.pending:
            continue
        count += 1
        amount += c.amount
        total += c.total_delta or ZERO
        plan += c.plan_delta
    return PendingSummary(count, amount, total, plan)
