"""The portfolio at an as-of date: every project's facts with its figures.

Ledger sums come from one SQL aggregate per series (see Store.ledger_sums); every figure is
computed by projtrack.core.figures — nowhere else.  The phase is the one at the as-of date
(``phase_at``): a project in use today was under construction on an earlier date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from projtrack.core.figures import (
    Figures,
    GroupFigures,
    LedgerSums,
    group_by,
    group_by_with_total,
    group_figures,
    phase_at,
    project_figures,
)
from projtrack.core.money import ZERO
from projtrack.core.targets import period_actual, whole_years
from projtrack.core.types import FlagRules, ProjectFacts
from projtrack.gcpause import collector_paused
from projtrack.store.repo import Store


@dataclass(frozen=True, slots=True)  # slots: one per project, no attribute dict
class ProjectView:
    facts: ProjectFacts
    figures: Figures

    @property
    def id(self) -> int:
        assert self.facts.id is not None
        return self.facts.id


@dataclass(frozen=True)
class Portfolio:
    as_of: dt.date
    rules: FlagRules
    projects: tuple[ProjectView, ...]

    def items(self, views: Iterable[ProjectView] | None = None) -> list[tuple[ProjectFacts, Figures]]:
        return [(v.facts, v.figures) for v in (self.projects if views is None else views)]

    def totals(self, views: Iterable[ProjectView] | None = None) -> GroupFigures:
        return group_figures(self.items(views), self.as_of, key="total")

    def by(self, keyfunc: Callable[[ProjectFacts], object],
           views: Iterable[ProjectView] | None = None) -> dict[object, GroupFigures]:
        return group_by(self.items(views), keyfunc)

    def by_category(self, views: Iterable[ProjectView] | None = None) -> dict[object, GroupFigures]:
        return self.by(lambda f: f.category or "其他", views)

    def totals_and_by_category(self, views: Iterable[ProjectView] | None = None
                               ) -> tuple[GroupFigures, dict[object, GroupFigures]]:
        """``totals`` and ``by_category`` of the same projects, in one pass."""
        return group_by_with_total(self.items(views), lambda f: f.category or "其他", self.as_of)

    def by_township(self, views: Iterable[ProjectView] | None = None) -> dict[object, GroupFigures]:
        return self.by(lambda f: f.township or "", views)

    @cached_property
    def _by_id(self) -> dict[int, ProjectView]:
        return {v.id: v for v in self.projects}

    def get(self, project_id: int) -> ProjectView | None:
        """The project's view, found by id in constant time (a lookup per row stays linear)."""
        return self._by_id.get(project_id)


def load_portfolio(store: Store, as_of: dt.date, *, include_withdrawn: bool = True,
                   project_ids: Iterable[int] | None = None) -> Portfolio:
    # one read transaction: every query sees the same moment (Store.consistent)
    with collector_paused(), store.consistent():  # tens of thousands of objects, no cycles
        return _load(store, as_of, include_withdrawn, project_ids)


def _load(store: Store, as_of: dt.date, include_withdrawn: bool,
          project_ids: Iterable[int] | None) -> Portfolio:
    ids = list(project_ids) if project_ids is not None else None
    facts = store.projects(include_withdrawn=include_withdrawn, project_ids=ids)
    sums = store.ledger_sums(as_of, ids)
    progress = store.latest_progress(as_of, ids)
    milestones = store.packed_milestones(as_of, ids)  # each unpacked when first shown
    rules = store.rules()
    empty, none = LedgerSums(), ((), False, frozenset())
    views = []
    for f in facts:
        packed, overdue, after = milestones.get(f.id, none)
        views.append(ProjectView(f, project_figures(
            f, sums.get(f.id, empty), as_of, progress=progress.get(f.id), milestones=packed,
            rules=rules, milestone_overdue=overdue,
            phase=phase_at(f.phase, after) if after else f.phase)))
    return Portfolio(as_of, rules, tuple(views))


def project_view(store: Store, project_id: int, as_of: dt.date) -> ProjectView | None:
    portfolio = load_portfolio(store, as_of, project_ids=[project_id])
    return portfolio.get(project_id)


def period_spending(store: Store, portfolio: Portfolio) -> dict[int, Decimal]:
    """Each project's 完成投资 dated in the plan's period (2021–2025) up to the portfolio's
    as-of date: what the 目标 view counts against the “十四五” investment target."""
    years = whole_years(portfolio.as_of)
    earlier = store.actual_by_years(*years) if years else {}
    return {v.id: period_actual(v.figures, earlier.get(v.id, ZERO)) for v in portfolio.projects}
