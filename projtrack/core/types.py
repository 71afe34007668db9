"""Frozen value types shared by the importer, the store, the figures, the CLI and the UI.

Words that officers read (category, annex class, phase …) are kept in the annex's own Chinese
terms; the i18n catalogs translate them for display.  Money is Decimal 万元, land Decimal 亩,
floor area Decimal m², places int, percents Decimal fractions (0.4 is 40 %).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from projtrack.core.terms import AnnexClass, Category, EntryKind, Phase, Status

# the enums' members in their order, for code that lists, joins or indexes them
CATEGORIES: tuple[Category, ...] = tuple(Category)
ANNEX_CLASSES: tuple[AnnexClass, ...] = tuple(AnnexClass)
CONSTRUCTION_TYPES = ("新建", "迁建", "改扩建", "扩建")
PHASES: tuple[Phase, ...] = tuple(Phase)
MILESTONES = ("立项", "可研批复", "用地批准", "初设批复", "施工许可", "开工", "主体结顶", "竣工验收", "投用")
ENTRY_KINDS: tuple[EntryKind, ...] = tuple(EntryKind)
FUND_SOURCES = ("中央", "省", "专项债", "县财政", "自筹")
# the sources an annex's funding plan (资金来源 columns) may name: the above, a city's share, other
FUNDING_SOURCES = ("中央", "省", "市", "专项债", "县财政", "自筹", "其他")
STAGES = ("基础", "主体结构", "屋面", "装饰装修", "收尾", "竣工")
STATUSES: tuple[Status, ...] = tuple(Status)

ACTUAL = EntryKind.ACTUAL
FUNDS = EntryKind.FUNDS
PAYMENT = EntryKind.PAYMENT


@dataclass(frozen=True, slots=True)  # slots: thousands of them, no attribute dicts
class SourceRef:
    """Where a project came from: file name, sheet and 1-based row."""

    file: str
    sheet: str
    row: int


@dataclass(frozen=True)
class ProjectFacts:
    """A project as the figures need it (and as the annex describes it)."""

    id: int | None
    name: str
    category: str | None = None
    annex_class: str | None = None
    construction_type: str | None = None
    township: str | None = None
    responsible_unit: str | None = None
    start_year: int | None = None
    end_year: int | None = None
    total_investment: Decimal | None = None
    period_plan: Decimal | None = None
    annual_plan: dict[int, Decimal] = field(default_factory=dict)
    land_mu: Decimal | None = None
    floor_area_m2: Decimal | None = None
    classes: int | None = None
    new_places: int | None = None
    content: str | None = None
    remarks: str | None = None
    project_code: str | None = None
    prior_actual: Decimal | None = None
    funding_plan: dict[str, Decimal] = field(default_factory=dict)  # 资金来源 → 万元 (the annex's)
    phase: str = Phase.PREPARATION
    status: str = Status.ACTIVE
    source: SourceRef | None = None
    county: str = ""  # 区县 (schema 0010); '' not yet named


@dataclass(frozen=True)
class Entry:
    """One ledger entry: an increment (万元, may be negative for a reversal) on a date."""

    project_id: int
    kind: str
    date: dt.date
    amount: Decimal
    source: str | None = None
    note: str | None = None
    id: int | None = None


@dataclass(frozen=True, slots=True)  # slots: thousands of them, no attribute dicts
class ProgressPoint:
    """形象进度 recorded on a date: a stage and, where known, a percent (fraction)."""

    project_id: int
    date: dt.date
    stage: str | None
    percent: Decimal | None
    note: str | None = None
    id: int | None = None


class MilestoneFacts(NamedTuple):
    """One milestone as recorded.  A named tuple, not a frozen dataclass: a portfolio of
    10,000 projects builds 90,000 of them, and a tuple is built in a third of the time."""

    project_id: int
    name: str
    planned: dt.date | None = None
    actual: dt.date | None = None


@dataclass(frozen=True)
class FlagRules:
    """红黄绿 rules as data.  Points are percentage points of the year (0.10 = 10 points)."""

    yellow_behind: Decimal = Decimal("0.10")
    red_behind: Decimal = Decimal("0.20")
    stalled_weeks: int = 8
    milestone_overdue_yellow: bool = True
    overrun_red: bool = True
    stalled_phases: tuple[str, ...] = (Phase.CONSTRUCTION,)
    # forecasts (DOMAIN.md, "Forecasts")
    year_at_risk_below: Decimal = Decimal("0.9")  # 预计年度完成率 below this → year_at_risk
    year_at_risk_from: str = "07-01"  # read on or after this day of the year (MM-DD)
    year_at_risk_yellow: bool = True
    overrun_forecast_yellow: bool = True
    term_at_risk_red: bool = True
    no_progress_rate_phases: tuple[str, ...] = (Phase.CONSTRUCTION,)  # said, not coloured

    def year_at_risk_applies(self, as_of: dt.date) -> bool:
        """Is ``as_of`` on or after the day of the year from which year_at_risk is read?"""
        month, day = (int(x) for x in self.year_at_risk_from.split("-"))
        return (as_of.month, as_of.day) >= (month, day)

    def as_dict(self) -> dict[str, object]:
        return {
            "yellow_behind": str(self.yellow_behind),
            "red_behind": str(self.red_behind),
            "stalled_weeks": self.stalled_weeks,
            "milestone_overdue_yellow": self.milestone_overdue_yellow,
            "overrun_red": self.overrun_red,
            "stalled_phases": list(self.stalled_phases),
            "year_at_risk_below": str(self.year_at_risk_below),
            "year_at_risk_from": self.year_at_risk_from,
            "year_at_risk_yellow": self.year_at_risk_yellow,
            "overrun_forecast_yellow": self.overrun_forecast_yellow,
            "term_at_risk_red": self.term_at_risk_red,
            "no_progress_rate_phases": list(self.no_progress_rate_phases),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FlagRules:
        """The rules as stored (the ``flag_rules`` setting, JSON); a missing key keeps its
        default."""
        base = cls()
        return cls(
            yellow_behind=Decimal(str(data.get("yellow_behind", base.yellow_behind))),
            red_behind=Decimal(str(data.get("red_behind", base.red_behind))),
            stalled_weeks=int(data.get("stalled_weeks", base.stalled_weeks)),
            milestone_overdue_yellow=bool(data.get("milestone_overdue_yellow", True)),
            overrun_red=bool(data.get("overrun_red", True)),
            stalled_phases=tuple(data.get("stalled_phases", base.stalled_phases)),
            year_at_risk_below=Decimal(str(data.get("year_at_risk_below",
                                                    base.year_at_risk_below))),
            year_at_risk_from=str(data.get("year_at_risk_from", base.year_at_risk_from)),
            year_at_risk_yellow=bool(data.get("year_at_risk_yellow", True)),
            overrun_forecast_yellow=bool(data.get("overrun_forecast_yellow", True)),
            term_at_risk_red=bool(data.get("term_at_risk_red", True)),
            no_progress_rate_phases=tuple(data.get("no_progress_rate_phases",
                                                   base.no_progress_rate_phases)),
        )


DEFAULT_RULES = FlagRules()
