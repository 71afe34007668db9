"""The weekly report as data: what an issued report says, frozen as JSON in ``report_snapshot``.

Everything here is language-neutral — domain words as the annex writes them (中小学, 续建, 在建),
flag and reason codes (``red``, ``lagging``) and raw Decimals — so a frozen report can be
reprinted in either language and the renderers translate.  Money is Decimal 万元; rates and
``points_vs_time`` are Decimal fractions (0.4 is 40 %, −0.05 is 5 points behind).

``to_data`` / ``from_data`` turn any of these dataclasses into JSON-ready values and back:
Decimals as strings (exact), dates as ISO strings, tuples as lists.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from projtrack.core.budget import BudgetChange
from projtrack.core.jsonvalue import to_json
from projtrack.core.types import FlagRules

SCHEMA = 1


@dataclass(frozen=True)
class Totals:
    """The figures of a group (a category, a category's annex class, the whole portfolio);
    taken from ``core.groups.GroupFigures``."""

    count: int
    total_investment: Decimal
    annual_plan: Decimal
    actual_this_week: Decimal
    actual_this_year: Decimal
    annual_completion_rate: Decimal | None
    time_progress: Decimal
    points_vs_time: Decimal | None
    cumulative_actual: Decimal
    cumulative_completion_rate: Decimal | None
    funds_received: Decimal
    payments: Decimal
    variance: Decimal
    lagging_count: int
    overrun_count: int
    overdue_count: int
    flag_counts: dict[str, int] = field(default_factory=dict)
    phase_counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class MilestoneState:
    """A milestone as it stood at the report's as-of date (kept for next week's comparison)."""

    name: str
    planned: dt.date | None
    actual: dt.date | None
    done: bool
    overdue: bool


@dataclass(frozen=True)
class ReportRow:
    """One project line of the main table."""

    id: int
    name: str
    township: str | None
    responsible_unit: str | None
    phase: str
    stage: str | None
    percent_complete: Decimal | None
    total_investment: Decimal | None
    annual_plan: Decimal | None
    actual_this_week: Decimal
    actual_this_year: Decimal
    annual_completion_rate: Decimal | None
    points_vs_time: Decimal | None
    cumulative_actual: Decimal
    cumulative_completion_rate: Decimal | None
    funds_received: Decimal
    payments: Decimal
    variance: Decimal
    flag: str
    flag_reasons: tuple[str, ...]
    milestones: tuple[MilestoneState, ...] = ()


@dataclass(frozen=True)
class ClassBlock:
    """The projects of one annex class (续建, 新开工, 前期; "" when unknown) within a category."""

    annex_class: str
    rows: tuple[ReportRow, ...]
    totals: Totals


@dataclass(frozen=True)
class CategoryBlock:
    category: str
    classes: tuple[ClassBlock, ...]
    totals: Totals


@dataclass(frozen=True)
class MilestoneAlert:
    """A milestone overdue at the as-of date (``days`` late) or due within two weeks (``days``
    until its planned date)."""

    kind: str  # "overdue" | "due_soon"
    project_id: int
    project: str
    township: str | None
    responsible_unit: str | None
    milestone: str
    planned: dt.date
    days: int


@dataclass(frozen=True)
class Change:
    """One thing that changed since the previous report.

    kinds: ``flag_worse`` / ``flag_better`` (old, new: flag codes), ``phase`` (old, new: phases),
    ``milestone_reached`` (detail: milestone, new: actual date), ``milestone_overdue`` (detail:
    milestone, new: planned date — newly overdue), ``milestone_replanned`` (detail: milestone,
    old → new planned date, later), ``new_project``, ``gone_project``."""

    kind: str
    project_id: int
    project: str
    old: str | None = None
    new: str | None = None
    detail: str | None = None


@dataclass(frozen=True)
class RateMove:
    """Annual completion rate of a category (or ``""`` for the whole portfolio) last report and
    now."""

    key: str
    old: Decimal | None
    new: Decimal | None
    old_time_progress: Decimal | None
    new_time_progress: Decimal


@dataclass(frozen=True)
class Changes:
    previous_period: str | None  # None: no earlier report was issued
    previous_as_of: dt.date | None
    items: tuple[Change, ...] = ()
    rates: tuple[RateMove, ...] = ()
    # the rules the previous report was issued with (None: none, or not recorded then): a flag
    # that moved because the rules changed is said to have
    previous_rules: FlagRules | None = None


@dataclass(frozen=True)
class ForecastLine:
    """The year-end forecast of a category (``""``: the whole portfolio) against its plan."""

    key: str
    annual_plan: Decimal
    actual_this_year: Decimal
    year_end_forecast: Decimal
    year_end_forecast_rate: Decimal | None


@dataclass(frozen=True)
class TermRisk:
    """A project whose forecast 投用 misses its autumn term (31 August of its end year)."""

    project_id: int
    project: str
    category: str
    due: dt.date | None
    forecast_handover: dt.date | None
    new_places: int


@dataclass(frozen=True)
class PlacesLine:
    """The new places of a category's projects at term risk, against the plan's target."""

    category: str
    target: Decimal | None
    places: int
    projects: int


@dataclass(frozen=True)
class OverrunForecast:
    """A project whose EAC is above its 总投资."""

    project_id: int
    project: str
    category: str
    total_investment: Decimal | None
    eac: Decimal | None
    overrun_forecast: Decimal


@dataclass(frozen=True)
class Forecasts:
    """预测与风险: the year-end forecast against the plan by category, the projects at term
    risk with the places they carry, the places at risk by category, the forecast overruns."""

    lines: tuple[ForecastLine, ...] = ()
    term_risk: tuple[TermRisk, ...] = ()
    places: tuple[PlacesLine, ...] = ()
    overruns: tuple[OverrunForecast, ...] = ()
    # the budget changes awaiting approval (拟调整) on the week's last day; None in a report
    # frozen before they were reported: its reprint has no such table
    pending: tuple[BudgetChange, ...] | None = None


@dataclass(frozen=True)
class BreakdownLine:
    """The figures of one township's (or one unit's) projects, or of all of them (the total):
    taken from ``core.groups.GroupFigures``.  ``key`` "" is the group of the projects without
    one (printed “(未填)”); in a total line it is "" too."""

    key: str
    count: int
    total_investment: Decimal
    annual_plan: Decimal
    actual_this_year: Decimal
    annual_completion_rate: Decimal | None
    time_progress: Decimal
    points_vs_time: Decimal | None
    variance: Decimal
    red: int
    yellow: int
    new_places: int


@dataclass(frozen=True)
class FundingLine:
    """到位资金 from one source against the annex's plan for it (``core.funding``); ``source``
    "" is the funds entered without a source."""

    source: str
    planned: Decimal | None  # None: no project's funding plan names the source
    received: Decimal
    received_rate: Decimal | None


@dataclass(frozen=True)
class FundingTotals:
    planned: Decimal | None  # None: no project has a funding plan
    received: Decimal
    received_rate: Decimal | None  # 到位 ÷ plan
    payments: Decimal
    payment_rate: Decimal | None  # 拨付 ÷ 到位


@dataclass(frozen=True)
class Breakdowns:
    """分项统计: by township, by responsible unit, by funding source."""

    townships: tuple[BreakdownLine, ...]
    units: tuple[BreakdownLine, ...]
    total: BreakdownLine  # every project: the townships' and the units' lines add up to it
    funding: tuple[FundingLine, ...]
    funding_total: FundingTotals


@dataclass(frozen=True)
class OpenIssueLine:
    """An issue open at the week's end (存在问题及协调事项), as the week knew it: its state and
    latest update dated on or before that day, its days open then."""

    issue_id: int
    project_id: int
    project: str
    text: str
    owner: str | None  # who must act (责任单位/领导)
    due: dt.date | None
    state: str  # an IssueState value
    raised_on: dt.date
    days_open: int
    latest: str | None = None  # the latest update's text
    latest_date: dt.date | None = None


@dataclass(frozen=True)
class CountyLine:
    """One county's line of a city's consolidated report (每县一行): its figures, taken from
    ``core.groups.by_county``; ``county`` "" is the projects of no named county."""

    county: str
    totals: Totals


@dataclass(frozen=True)
class WeeklyReport:
    period: str  # ISO week, "2026-W48"
    week_start: dt.date
    week_end: dt.date
    as_of: dt.date  # the week's last day
    county: str | None  # the place the title names: the county, or the city (a consolidated one)
    summary: Totals
    categories: tuple[CategoryBlock, ...]
    milestones: tuple[MilestoneAlert, ...]
    changes: Changes
    issued_at: dt.datetime | None = None  # None while a draft
    issued_by: str | None = None
    draft: bool = False
    schema: int = SCHEMA
    # None in a report frozen before forecasts were reported: its reprint has no such section
    forecasts: Forecasts | None = None
    # None in a report frozen before the breakdowns were reported: its reprint has none
    breakdowns: Breakdowns | None = None
    # the period's kind: "weekly" (an ISO week), "monthly" ("2026-11"), "quarterly" ("2026-Q4");
    # week_start … week_end are then the period's first and last days.  A report frozen before
    # months and quarters were reported is a weekly one.
    kind: str = "weekly"
    # the 红黄绿 rules the flags were worked out with, frozen with them; None in a report frozen
    # before the rules were recorded: its reprint prints no rules line
    rules: FlagRules | None = None
    # the issues open at the week's end, oldest first; None in a report frozen before the
    # issues log existed: its reprint has no such section
    issues: tuple[OpenIssueLine, ...] | None = None
    # the county of a city's database this report is of (``report --county``); None: the
    # whole database.  Its snapshot is kept under its own kind (``core.periods.snapshot_kind``)
    scope: str | None = None
    # a city's consolidated report: a line per county (the first section's 每县一行 table),
    # whose figures add up to ``summary``; None in any other report (a county's, or one frozen
    # before counties were reported)
    counties: tuple[CountyLine, ...] | None = None

    @property
    def rows(self) -> list[ReportRow]:
        return [r for c in self.categories for k in c.classes for r in k.rows]


# --- JSON ---------------------------------------------------------------------------------------
def to_data(obj: object) -> object:
    """A report (or any part of it) as JSON-ready values; each Decimal as its exact text, so
    ``from_data`` gives back the very same digits."""
    return to_json(obj, decimal=str)


def _convert(tp: object, value: Any) -> object:
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return _convert(inner[0], value)
    if origin is tuple:
        return tuple(_convert(typing.get_args(tp)[0], v) for v in value)
    if origin is dict:
        _, vt = typing.get_args(tp)
        return {k: _convert(vt, v) for k, v in value.items()}
    if dataclasses.is_dataclass(tp):
        return from_data(tp, value)  # type: ignore[arg-type]
    if tp is Decimal:
        return Decimal(str(value))
    if tp is dt.datetime:
        return dt.datetime.fromisoformat(str(value))
    if tp is dt.date:
        return dt.date.fromisoformat(str(value))
    return value


T = typing.TypeVar("T")


def from_data(cls: type[T], data: dict) -> T:
    """The inverse of ``to_data`` for a dataclass ``cls`` (unknown keys are ignored, so a newer
    field missing from an old snapshot takes its default)."""
    hints = typing.get_type_hints(cls)
    kwargs = {f.name: _convert(hints[f.name], data[f.name])
              for f in dataclasses.fields(cls) if f.name in data}  # type: ignore[arg-type]
    return cls(**kwargs)
