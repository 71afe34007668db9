"""Figures of a group of projects (a county, a category, a township, the whole portfolio).

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
from projtrack.core.terms import Category, Flag, Status
from projtrack.core.types import CATEGORIES, PHASES, ProjectFacts

if TYPE_CHECKING:  # figures imports this module; no runtime import back
    from projtrack.core.figures import Figures

WITHDRAWN = Status.WITHDRAWN


def category_of(f: ProjectFacts) -> str:
    """The category a project is grouped under: its own, or 其他 when the annex gave none."""
    return f.category or Category.OTHER


UNFILLED = ""  # the group key of projects without a township (or unit): shown as “(未填)”


def township_of(f: ProjectFacts) -> str:
    """The township (乡镇) a project is grouped under; ``UNFILLED`` when none is recorded."""
    return (f.township or "").strip() or UNFILLED


def unit_of(f: ProjectFacts) -> str:
    """The responsible unit (责任单位) a project is grouped under; ``UNFILLED`` when none."""
    return (f.responsible_unit or "").strip() or UNFILLED


def county_of(f: ProjectFacts) -> str:
    """The county (区县) a project is grouped under; ``UNFILLED`` when none is named yet."""
    return (f.county or "").strip() or UNFILLED


def unfilled_last(groups: dict[Hashable, GroupFigures]) -> dict[Hashable, GroupFigures]:
    """``groups`` in their order, but the ``UNFILLED`` group (if any) moved to the end."""
    out = {k: g for k, g in groups.items() if k != UNFILLED}
    if UNFILLED in groups:
        out[UNFILLED] = groups[UNFILLED]
    return out


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
    flag_counts: dict[str, int]  # always has every Flag, green first
    lagging_count: int  # flagged lagging or lagging_badly
    overdue_count: int  # with an overdue milestone (rules applied)
    phase_counts: dict[str, int]  # PHASES order, then any other phase
    # forecasts (core.forecast), from the group's sums
    year_end_forecast: Decimal  # Σ 预计全年完成
    year_end_forecast_rate: Decimal | None  # Σ forecast ÷ Σ annual plan
    eac: Decimal  # Σ EAC of the projects that have one
    eac_count: int  # how many have one
    overrun_forecast: Decimal  # Σ 预计超概
    overrun_forecast_count: int
    forecast_completion: dt.date | None  # the latest forecast 竣工 of its projects
    forecast_handover: dt.date | None  # the latest forecast 投用
    term_at_risk: bool | None  # some project at term risk; False: none, and some known; None
    term_at_risk_count: int
    places_at_risk: int  # new places of the projects at term risk


def _div(a: Decimal, b: Decimal) -> Decimal | None:
    return None if b == 0 else a / b


class _Sums:
    """Running sums of a group, one project at a time (one pass over the projects for every
    figure, instead of one pass per figure)."""

    __slots__ = ("count", "total", "plan", "pv", "actual", "year", "week", "cumulative",
                 "known_total", "known_cum", "overrun", "overruns", "funds", "payments", "land",
                 "floor", "places", "flags", "lagging", "overdue", "phases",
                 "forecast", "eac", "eacs", "over_fc", "over_fcs", "at_risk", "risk_known",
                 "risk_places", "completion", "handover")

    def __init__(self) -> None:
        z = ZERO
        self.count = self.overruns = self.places = self.lagging = self.overdue = 0
        self.total = self.plan = self.pv = self.actual = self.year = self.week = z
        self.cumulative = self.known_total = self.known_cum = self.overrun = z
        self.funds = self.payments = self.land = self.floor = z
        self.flags: dict[str, int] = dict.fromkeys(Flag, 0)
        self.phases: dict[str, int] = {}
        self.forecast = self.eac = self.over_fc = z
        self.eacs = self.over_fcs = self.at_risk = self.risk_known = self.risk_places = 0
        self.completion: dt.date | None = None
        self.handover: dt.date | None = None

    def add(self, f: ProjectFacts, fig: Figures) -> None:
        self.count += 1
        ti = fig.total_investment
        if ti is not None:
            self.total += ti
            self.known_total += ti
            self.known_cum += fig.cumulative_actual
        if fig.annual_plan is not None:
            self.plan += fig.annual_plan
        self.pv += fig.planned_to_date
        self.actual += fig.actual_to_date
        self.year += fig.actual_this_year
        self.week += fig.actual_this_week
        self.cumulative += fig.cumulative_actual
        if fig.overrun is not None:
            self.overrun += fig.overrun
            self.overruns += 1
        self.funds += fig.funds_received
        self.payments += fig.payments
        if f.land_mu is not None:
            self.land += f.land_mu
        if f.floor_area_m2 is not None:
            self.floor += f.floor_area_m2
        self.places += f.new_places or 0
        self.flags[fig.flag] = self.flags.get(fig.flag, 0) + 1
        self.phases[fig.phase] = self.phases.get(fig.phase, 0) + 1
        if fig.lagging:
            self.lagging += 1
        if fig.rules_applied and fig.milestone_overdue:
            self.overdue += 1
        self.forecast += fig.year_end_forecast
        if fig.eac is not None:
            self.eac += fig.eac
            self.eacs += 1
        if fig.overrun_forecast is not None:
            self.over_fc += fig.overrun_forecast
            self.over_fcs += 1
        if fig.term_at_risk is not None:
            self.risk_known += 1
            if fig.term_at_risk:
                self.at_risk += 1
                self.risk_places += f.new_places or 0
        self._later(fig.forecast_completion, fig.forecast_handover)

    def _later(self, completion: dt.date | None, handover: dt.date | None) -> None:
        if completion is not None and (self.completion is None or completion > self.completion):
            self.completion = completion
        if handover is not None and (self.handover is None or handover > self.handover):
            self.handover = handover

    def merge(self, other: _Sums) -> None:
        """Add another group's sums to these: the same digits as adding its projects one by
        one for every exact sum; not for PV, whose per-project rounding makes the order
        matter (``group_by_with_total`` adds it project by project)."""
        for name in _ADDED:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self._later(other.completion, other.handover)
        for counts, more in ((self.flags, other.flags), (self.phases, other.phases)):
            for k, n in more.items():
                counts[k] = counts.get(k, 0) + n

    def figures(self, as_of: dt.date, key: object) -> GroupFigures:
        tp = time_progress(as_of)
        rate = _div(self.year, self.plan)
        variance = self.actual - self.pv
        order: dict[str, int] = {p: i for i, p in enumerate(PHASES)}
        phases = dict(sorted(self.phases.items(),
                             key=lambda kv: (order.get(kv[0], len(order)), kv[0])))
        return GroupFigures(
            key=key, as_of=as_of, count=self.count, total_investment=self.total,
            annual_plan=self.plan, planned_to_date=self.pv, actual_to_date=self.actual,
            actual_this_year=self.year, actual_this_week=self.week,
            cumulative_actual=self.cumulative, annual_completion_rate=rate,
            cumulative_completion_rate=_div(self.known_cum, self.known_total),
            time_progress=tp, points_vs_time=rate - tp if rate is not None else None,
            variance=variance, variance_rate=_div(variance, self.pv),
            overrun_total=self.overrun, overrun_count=self.overruns, funds_received=self.funds,
            payments=self.payments, land_mu=self.land, floor_area_m2=self.floor,
            new_places=self.places, flag_counts=dict(self.flags), lagging_count=self.lagging,
            overdue_count=self.overdue, phase_counts=phases,
            year_end_forecast=self.forecast, year_end_forecast_rate=_div(self.forecast, self.plan),
            eac=self.eac, eac_count=self.eacs, overrun_forecast=self.over_fc,
            overrun_forecast_count=self.over_fcs, forecast_completion=self.completion,
            forecast_handover=self.handover,
            term_at_risk=(self.at_risk > 0) if self.risk_known else None,
            term_at_risk_count=self.at_risk, places_at_risk=self.risk_places,
        )


_ADDED = tuple(name for name in _Sums.__slots__
               if name not in ("flags", "phases", "completion", "handover"))


def group_figures(items: Iterable[tuple[ProjectFacts, Figures]], as_of: dt.date,
                  key: object = None) -> GroupFigures:
    sums = _Sums()
    for f, fig in items:
        if f.status != WITHDRAWN:
            sums.add(f, fig)
    return sums.figures(as_of, key)


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


def _buckets(items: Iterable[tuple[ProjectFacts, Figures]],
             keyfunc: Callable[[ProjectFacts], Hashable],
             each: Callable[[ProjectFacts, Figures], None] | None = None) -> dict[Hashable, _Sums]:
    """The sums of each group (``keyfunc``) of the projects not withdrawn, in one pass;
    ``each`` is told of every project added."""
    buckets: dict[Hashable, _Sums] = {}
    for f, fig in items:
        if f.status == WITHDRAWN:
            continue
        k = keyfunc(f)
        b = buckets.get(k)
        if b is None:
            b = buckets[k] = _Sums()
        b.add(f, fig)
        if each is not None:
            each(f, fig)
    return buckets


def group_by_with_total(items: Iterable[tuple[ProjectFacts, Figures]],
                        keyfunc: Callable[[ProjectFacts], Hashable], as_of: dt.date,
                        total_key: object = "total") -> tuple[GroupFigures, dict[Hashable, GroupFigures]]:
    """``group_figures`` of everything and ``group_by`` at once, in one pass (what a table with
    subtotal rows and a totals line needs): each project is added to its group's sums, and
    the total is the groups' sums added together — the same digits as adding every project
    to it, since those sums are exact (no division; at most 19 significant digits each in a
    28-digit context).  PV is the exception: a project's PV carries a division rounded at
    the 28th digit, so the total's PV is still added project by project, in order, exactly
    as ``group_figures`` adds it."""
    pv = [ZERO]

    def counted(f: ProjectFacts, fig: Figures) -> None:
        pv[0] += fig.planned_to_date

    buckets = _buckets(items, keyfunc, counted)
    everything = _Sums()
    for b in buckets.values():
        everything.merge(b)
    everything.pv = pv[0]
    return (everything.figures(as_of, total_key),
            {k: buckets[k].figures(as_of, k) for k in _ordered_keys(list(buckets))})



def by_county(items: Iterable[tuple[ProjectFacts, Figures]], as_of: dt.date,
              total_key: object = "total") -> tuple[GroupFigures, dict[Hashable, GroupFigures]]:
    """The city's figures and each county's (``county_of``; sorted by name, the unnamed county
    ``UNFILLED`` last), in one pass.  The city is its counties added up — every sum, PV
    included, is the Σ of the counties' own (``_Sums.merge``), so a city's 年度计划, 完成投资,
    偏差 and counts equal the sums of its counties' to the last digit, and its rates are
    worked out from those sums (never an average of the counties' rates)."""
    buckets = _buckets(items, county_of)
    ordered = sorted(buckets, key=lambda k: (k == UNFILLED, k))
    city = _Sums()
    for k in ordered:
        city.merge(buckets[k])  # PV too: the city's PV is the counties' PVs added
    return city.figures(as_of, total_key), {k: buckets[k].figures(as_of, k) for k in ordered}
