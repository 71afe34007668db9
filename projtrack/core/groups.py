"""Figures of a group of projects (a category, a township, the whole portfolio).

Group rates are computed from the group's sums, never as an average of project rates.
Withdrawn projects are left out entirely; cancelled (取消) projects stay in (money spent is
spent) and show in ``phase_counts``.  Import these from ``projtrack.core.figures``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from projtrack.core.calendar import time_progress
from projtrack.core.money import ZERO
from projtrack.core.types import CATEGORIES, PHASES, ProjectFacts

if TYPE_CHECKING:  # figures imports this module; no runtime import back
    from projtrack.core.figures import Figures

WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class GroupFigures:
    key: object
    as_of: dt.date
    count: int  # projects in the group (withdrawn ones excluded)
    total_investment: Decimal  # Σ known 总投资
    annual_plan: Decimal  # Σ plans for as_of.year (0 when none)
    planned_to_date: Decimal  # Σ PV
    actual_to_date: Decimal
    actual_this_year: Decimal
    actual_this_week: Decimal
    cumulative_actual: Decimal  # Σ (prior + actual to date), all projects
    annual_completion_rate: Decimal | None  # Σ actual this year ÷ Σ annual plan
    cumulative_completion_rate: Decimal | None  # over projects with a known 总投资 only
    time_progress: Decimal
    points_vs_time: Decimal | None
    variance: Decimal  # Σ actual to date − Σ PV
    variance_rate: Decimal | None
    overrun_total: Decimal
    overrun_count: int
    funds_received: Decimal
    payments: Decimal
    land_mu: Decimal  # Σ known values
    floor_area_m2: Decimal
    new_places: int
    flag_counts: dict[str, int]  # always has "green", "yellow" and "red"
    lagging_count: int  # flagged lagging or lagging_badly
    overdue_count: int  # with an overdue milestone (rules applied)
    phase_counts: dict[str, int]  # PHASES order, then any other phase


def _div(a: Decimal, b: Decimal) -> Decimal | None:
    return None if b == 0 else a / b


def group_figures(items: Iterable[tuple[ProjectFacts, Figures]], as_of: dt.date,
                  key: object = None) -> GroupFigures:
    kept = [(f, fig) for f, fig in items if f.status != WITHDRAWN]
    z = ZERO

    def total(getter: Callable[[ProjectFacts, Figures], Decimal | None]) -> Decimal:
        return sum((v for f, fig in kept if (v := getter(f, fig)) is not None), z)

    plan = total(lambda f, fig: fig.annual_plan)
    pv = total(lambda f, fig: fig.planned_to_date)
    actual = total(lambda f, fig: fig.actual_to_date)
    year = total(lambda f, fig: fig.actual_this_year)
    known = [(f, fig) for f, fig in kept if fig.total_investment is not None]
    known_total = sum((fig.total_investment for _, fig in known), z)  # type: ignore[misc]
    known_cum = sum((fig.cumulative_actual for _, fig in known), z)
    tp = time_progress(as_of)
    rate = _div(year, plan)
    variance = actual - pv
    flags = {"green": 0, "yellow": 0, "red": 0}
    phases: dict[str, int] = {}
    for _, fig in kept:
        flags[fig.flag] = flags.get(fig.flag, 0) + 1
        phases[fig.phase] = phases.get(fig.phase, 0) + 1
    order = {p: i for i, p in enumerate(PHASES)}
    phases = dict(sorted(phases.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))
    return GroupFigures(
        key=key, as_of=as_of, count=len(kept),
        total_investment=total(lambda f, fig: fig.total_investment), annual_plan=plan,
        planned_to_date=pv, actual_to_date=actual, actual_this_year=year,
        actual_this_week=total(lambda f, fig: fig.actual_this_week),
        cumulative_actual=total(lambda f, fig: fig.cumulative_actual),
        annual_completion_rate=rate, cumulative_completion_rate=_div(known_cum, known_total),
        time_progress=tp, points_vs_time=rate - tp if rate is not None else None,
        variance=variance, variance_rate=_div(variance, pv),
        overrun_total=total(lambda f, fig: fig.overrun),
        overrun_count=sum(1 for _, fig in kept if fig.overrun is not None),
        funds_received=total(lambda f, fig: fig.funds_received),
        payments=total(lambda f, fig: fig.payments),
        land_mu=total(lambda f, fig: f.land_mu),
        floor_area_m2=total(lambda f, fig: f.floor_area_m2),
        new_places=sum(f.new_places or 0 for f, _ in kept),
        flag_counts=flags,
        lagging_count=sum(1 for _, fig in kept if fig.lagging),
        overdue_count=sum(1 for _, fig in kept if fig.rules_applied and fig.milestone_overdue),
        phase_counts=phases,
    )


def _ordered_keys(keys: list[Hashable]) -> list[Hashable]:
    if keys and all(k in CATEGORIES for k in keys):
        return sorted(keys, key=CATEGORIES.index)
    try:
        return sorted(keys)  # type: ignore[type-var]
    except TypeError:  # mixed types or None
        return sorted(keys, key=lambda k: (k is None, type(k).__name__, str(k)))


def group_by(items: Iterable[tuple[ProjectFacts, Figures]],
             keyfunc: Callable[[ProjectFacts], Hashable]) -> dict[Hashable, GroupFigures]:
    """One GroupFigures per key (withdrawn projects left out before grouping, so no group is
    made of them alone).  Ordered: categories in CATEGORIES order when every key is a category,
    otherwise sorted."""
    buckets: dict[Hashable, list[tuple[ProjectFacts, Figures]]] = {}
    as_of: dt.date | None = None
    for f, fig in items:
        as_of = fig.as_of
        if f.status == WITHDRAWN:
            continue
        buckets.setdefault(keyfunc(f), []).append((f, fig))
    return {k: group_figures(buckets[k], as_of, key=k)  # type: ignore[arg-type]
            for k in _ordered_keys(list(buckets))}
