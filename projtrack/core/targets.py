"""The plan's targets against what the portfolio has delivered at the as-of date.

Targets are data: the ``targets`` setting in the database, editable in the 目标 view.  Until
the bureau saves its own, the figures published in the plan (DOMAIN.md) are used; the
investment target is the sum of the projects' period plans (“十四五”计划投资) as imported, and
what counts against it is 完成投资 dated in the period (2021–2025) up to the as-of date — not
the years before it (续建 projects), nor 2026 and after.  New places count when a project is in
use (投用) at the as-of date; floor area when completed (竣工 or 投用).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from projtrack.core.terms import Category, Phase, Status
from projtrack.core.types import ProjectFacts

if TYPE_CHECKING:  # figures imports nothing from here; no runtime import needed
    from projtrack.core.figures import Figures

# the plan's published figures, used while the database holds no "targets" setting
PUBLISHED_TARGETS: dict[str, int] = {
    "places_primary": 20220,
    "places_kindergarten": 12100,
    "floor_area_primary": 900000,
    "projects": 88,
}
PERIOD = (2021, 2025)  # “十四五”: the years the plan and its investment target cover
STARTED = (Phase.CONSTRUCTION, Phase.COMPLETED, Phase.IN_USE)
COMPLETED = (Phase.COMPLETED, Phase.IN_USE)
IN_USE = (Phase.IN_USE,)


@dataclass(frozen=True)
class TargetLine:
    key: str  # also the catalog key ui.target.<key>
    target: Decimal | None
    actual: Decimal
    unit: str  # catalog key ui.unit.<unit>
    editable: bool = True

    @property
    def rate(self) -> Decimal | None:
        return self.actual / self.target if self.target else None


def whole_years(as_of: dt.date) -> tuple[int, int] | None:
    """The period's years wholly before ``as_of``'s year (first, last), or None."""
    first, last = PERIOD[0], min(PERIOD[1], as_of.year - 1)
    return (first, last) if first <= last else None


def period_actual(figures: Figures, earlier: Decimal) -> Decimal:
    """A project's 完成投资 dated in the period up to the as-of date: ``earlier``, the Σ of its
    entries in the period's years before the as-of year (``whole_years``), and the as-of year's
    own (``actual_this_year``) when that year is in the period."""
    year = figures.as_of.year
    return earlier + (figures.actual_this_year if PERIOD[0] <= year <= PERIOD[1] else Decimal(0))


def merged(stored: object) -> dict[str, int]:
    data = dict(PUBLISHED_TARGETS)
    if isinstance(stored, dict):
        data.update({k: v for k, v in stored.items() if isinstance(v, int)})
    return data


def target_lines(items: Iterable[tuple[ProjectFacts, Figures]], targets: dict[str, int],
                 in_period: Mapping[int, Decimal]) -> list[TargetLine]:
    """Each target with what the projects (withdrawn ones left out) have delivered;
    ``in_period``: each project's 完成投资 dated in the period (``period_actual``)."""
    views = [(f, fig) for f, fig in items if f.status != Status.WITHDRAWN]

    def total(values) -> Decimal:
        return sum((Decimal(x) for x in values if x is not None), Decimal(0))

    def in_phase(phases: tuple[str, ...], category: str | None = None):
        return [(f, fig) for f, fig in views if fig.phase in phases
                and (category is None or f.category == category)]

    def target(key: str) -> Decimal | None:
        value = targets.get(key)
        return Decimal(value) if value is not None else None

    return [
        TargetLine("places_primary", target("places_primary"),
                   total(f.new_places for f, _ in in_phase(IN_USE, Category.SCHOOL)), "places"),
        TargetLine("places_kindergarten", target("places_kindergarten"),
                   total(f.new_places for f, _ in in_phase(IN_USE, Category.KINDERGARTEN)), "places"),
        TargetLine("floor_area_primary", target("floor_area_primary"),
                   total(f.floor_area_m2 for f, _ in in_phase(COMPLETED, Category.SCHOOL)), "m2"),
        TargetLine("started", target("projects"), Decimal(len(in_phase(STARTED))), "projects"),
        TargetLine("completed", target("projects"), Decimal(len(in_phase(COMPLETED))), "projects"),
        TargetLine("in_use", target("projects"), Decimal(len(in_phase(IN_USE))), "projects"),
        TargetLine("investment", total(f.period_plan for f, _ in views) or None,
                   total(in_period.get(f.id) for f, _ in views if f.id is not None), "wan",
                   editable=False),
    ]


# the categories whose new places the plan sets a target for, with the target's key
PLACES_TARGETS = ((Category.SCHOOL, "places_primary"), (Category.KINDERGARTEN, "places_kindergarten"))


@dataclass(frozen=True)
class PlacesAtRisk:
    """New places (学位) of one category's projects whose forecast 投用 misses their autumn
    term (``Figures.term_at_risk``), against the plan's target for that category."""

    category: str
    target_key: str | None  # the targets setting's key, for 中小学 and 幼儿园
    target: Decimal | None
    places: int  # new places of the projects at term risk
    projects: int  # how many projects at term risk

    @property
    def share(self) -> Decimal | None:
        """The places at risk as a fraction of the target."""
        return Decimal(self.places) / self.target if self.target else None


def at_term_risk(items: Iterable[tuple[ProjectFacts, Figures]]
                 ) -> list[tuple[ProjectFacts, Figures]]:
    """The projects (withdrawn ones left out) whose forecast 投用 misses their autumn term, the
    latest forecast first (then by name)."""
    risky = [(f, fig) for f, fig in items
             if f.status != Status.WITHDRAWN and fig.term_at_risk and fig.rules_applied]
    return sorted(risky, key=lambda it: (-(it[1].forecast_handover or dt.date.min).toordinal(),
                                         it[0].name))


def places_at_risk(items: Iterable[tuple[ProjectFacts, Figures]],
                   targets: Mapping[str, int]) -> list[PlacesAtRisk]:
    """By category: 中小学 and 幼儿园 always (against their targets), any other category when
    some project of it is at term risk."""
    risky = at_term_risk(items)
    out = []
    for category, key in PLACES_TARGETS:
        mine = [f for f, _ in risky if f.category == category]
        value = targets.get(key)
        out.append(PlacesAtRisk(category, key, Decimal(value) if value is not None else None,
                                sum(f.new_places or 0 for f in mine), len(mine)))
    named = {c for c, _ in PLACES_TARGETS}
    others = [c for c in Category if c not in named]
    for category in others:
        mine = [f for f, _ in risky if (f.category or Category.OTHER) == category]
        if mine:
            out.append(PlacesAtRisk(category, None, None, sum(f.new_places or 0 for f in mine),
                                    len(mine)))
    return out


EDIT_KEY = {"started": "projects", "completed": "projects", "in_use": "projects"}


def setting_key(line_key: str) -> str:
    """The targets-setting entry a line is measured against."""
    return EDIT_KEY.get(line_key, line_key)
