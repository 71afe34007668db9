"""A portfolio at an as-of date: every project's facts with its figures, and the groupings
the views and reports read (totals, by category, by township).  Pure data: the store loads it
(``services.portfolio.load_portfolio``), every figure in it comes from ``core.figures``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property

from projtrack.core.figures import (
    Figures,
    GroupFigures,
    by_county,
    group_by,
    group_by_with_total,
    group_figures,
    reflag,
)
from projtrack.core.groups import category_of, county_of, township_of
from projtrack.core.terms import Status
from projtrack.core.types import FlagRules, ProjectFacts


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
        return self.by(category_of, views)

    def totals_and_by_category(self, views: Iterable[ProjectView] | None = None
                               ) -> tuple[GroupFigures, dict[object, GroupFigures]]:
        """``totals`` and ``by_category`` of the same projects, in one pass."""
        return group_by_with_total(self.items(views), category_of, self.as_of)

    def totals_and_by(self, keyfunc: Callable[[ProjectFacts], object],
                      views: Iterable[ProjectView] | None = None
                      ) -> tuple[GroupFigures, dict[object, GroupFigures]]:
        """``totals`` and ``by(keyfunc)`` of the same projects, in one pass."""
        return group_by_with_total(self.items(views), keyfunc, self.as_of)

    def by_township(self, views: Iterable[ProjectView] | None = None) -> dict[object, GroupFigures]:
        """By township as every breakdown groups them (``township_of``: trimmed, none as
        ``UNFILLED``)."""
        return self.by(township_of, views)

    def totals_and_by_county(self, views: Iterable[ProjectView] | None = None
                             ) -> tuple[GroupFigures, dict[object, GroupFigures]]:
        """The city's figures and each county's (``core.groups.by_county``): the city is the
        sum of its counties, to the last digit."""
        return by_county(self.items(views), self.as_of)

    @cached_property
    def counties(self) -> tuple[str, ...]:
        """The counties (区县) the projects that are not withdrawn belong to, by name, the
        unnamed one ("") last; one (or none) for a county's own database."""
        names = {county_of(v.facts) for v in self.projects if v.facts.status != Status.WITHDRAWN}
        return tuple(sorted(names, key=lambda k: (k == "", k)))

    @property
    def multi_county(self) -> bool:
        """More than one county: a city's (or a province's) database."""
        return len(self.counties) > 1

    def of_county(self, county: str) -> Portfolio:
        """The projects of one county (``county_of``), the same figures: a county's portfolio
        within a city's."""
        return Portfolio(self.as_of, self.rules,
                         tuple(v for v in self.projects if county_of(v.facts) == county))

    @cached_property
    def _by_id(self) -> dict[int, ProjectView]:
        return {v.id: v for v in self.projects}

    def under(self, rules: FlagRules) -> Portfolio:
        """The same projects and figures with the flags ``rules`` give them (``reflag``):
        what a change of the rules would show, without reading the database again."""
        if rules == self.rules:
            return self
        return Portfolio(self.as_of, rules, tuple(ProjectView(v.facts, reflag(v.figures, rules))
                                                  for v in self.projects))

    def get(self, project_id: int) -> ProjectView | None:
        """The project's view, found by id in constant time (a lookup per row stays linear)."""
        return self._by_id.get(project_id)
