"""Breakdowns of the portfolio's figures: by township (乡镇), by responsible unit (责任单位), by
funding source (到位资金 against the annex's funding plan, 拨付 against 到位), by county (区县, a
city's database: the total is the city's, the sum of its counties', ``core.groups.by_county``).

Every figure comes from core: a township's or a unit's figures are ``GroupFigures`` of its
projects (``core.groups``, grouped by ``township_of`` / ``unit_of``), the funding lines are
``core.funding.funding_breakdown``.  Projects without a township (or unit) form the group
``UNFILLED`` (shown as “(未填)”), listed last, never dropped: the groups add up to the
portfolio's totals.  Withdrawn projects are left out, as everywhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from projtrack.core.figures import GroupFigures
from projtrack.core.funding import FundingBreakdown, funding_breakdown
from projtrack.core.groups import UNFILLED, county_of, township_of, unfilled_last, unit_of
from projtrack.core.portfolio import Portfolio, ProjectView
from projtrack.core.terms import Status
from projtrack.core.types import ProjectFacts
from projtrack.errors import BadUsage
from projtrack.i18n import current_lang, t
from projtrack.reports.breakdown import (
    breakdowns_of,
    funding_lines,
    funding_table,
    group_table,
    line_of,
    lines_of,
    table_csv,
    table_text,
)
from projtrack.reports.model import Breakdowns
from projtrack.reports.text import Fmt
from projtrack.services.portfolio import load_portfolio
from projtrack.store.repo import Store

GROUP_KINDS = ("township", "unit", "county")
KINDS = ("township", "unit", "funding", "county")  # county last: a county's own cycle unchanged
_KEYS: dict[str, Callable[[ProjectFacts], str]] = {"township": township_of, "unit": unit_of,
                                                   "county": county_of}

OUTPUTS = ("text", "csv")

__all__ = ["GROUP_KINDS", "KINDS", "OUTPUTS", "UNFILLED", "FundingBreakdown", "GroupBreakdown",
           "breakdown", "breakdown_output", "funding", "funding_of", "group_breakdown", "members",
           "weekly_breakdowns"]


@dataclass(frozen=True)
class GroupBreakdown:
    """The figures of each township (or unit) and of all of them together (``total``, the
    portfolio's totals)."""

    kind: str  # "township" | "unit" | "county"
    as_of: dt.date
    total: GroupFigures
    groups: dict[str, GroupFigures]  # by name, sorted; UNFILLED last


COUNTY_SEP = "·"  # 苍南县·灵溪镇: a township (or unit) of a city's database, named with its county


def _keyfunc(portfolio: Portfolio, kind: str) -> Callable[[ProjectFacts], str]:
    """The group key of ``kind``.  In a city's database a township or a unit is one county's:
    two counties' 城关镇 are two groups, each named with its county (苍南县·城关镇); the projects
    without one stay the one group ``UNFILLED``."""
    plain = _KEYS[kind]
    if kind == "county" or not portfolio.multi_county:
        return plain

    def qualified(f: ProjectFacts) -> str:
        key = plain(f)
        return f"{county_of(f)}{COUNTY_SEP}{key}" if key != UNFILLED else UNFILLED

    return qualified


def _check(kind: str, kinds: tuple[str, ...]) -> None:
    if kind not in kinds:
        raise BadUsage("err.breakdown_kind", kind=kind, kinds="、".join(kinds))


def group_breakdown(portfolio: Portfolio, kind: str) -> GroupBreakdown:
    """By township, by unit or by county, from a loaded portfolio (no query)."""
    _check(kind, GROUP_KINDS)
    views = [v for v in portfolio.projects if v.facts.status != Status.WITHDRAWN]
    if kind == "county":  # the city is its counties added up, to the last digit
        total, groups = portfolio.totals_and_by_county(views)
    else:
        total, groups = portfolio.totals_and_by(_keyfunc(portfolio, kind), views)
    ordered: dict[Hashable, GroupFigures] = unfilled_last(groups)
    return GroupBreakdown(kind, portfolio.as_of, total,
                          {str(k): g for k, g in ordered.items()})


def members(portfolio: Portfolio, kind: str, key: str) -> list[ProjectView]:
    """The projects of one township's (or unit's, or county's) group, in id order (withdrawn left out)."""
    _check(kind, GROUP_KINDS)
    keyfunc = _keyfunc(portfolio, kind)
    return [v for v in portfolio.projects
            if v.facts.status != Status.WITHDRAWN and keyfunc(v.facts) == key]


def funding_of(portfolio: Portfolio,
               by_source: Mapping[int, Mapping[str, Decimal]]) -> FundingBreakdown:
    """By funding source, from a portfolio and each project's 到位资金 by source."""
    empty: Mapping[str, Decimal] = {}
    return funding_breakdown(((v.facts, v.figures, by_source.get(v.id, empty))
                              for v in portfolio.projects), portfolio.as_of)


def funding(store: Store, portfolio: Portfolio) -> FundingBreakdown:
    """By funding source for a loaded portfolio (one query: the funds by source at its date)."""
    return funding_of(portfolio, store.funds_by_source_all(portfolio.as_of))


def breakdown(store: Store, as_of: dt.date, kind: str) -> GroupBreakdown | FundingBreakdown:
    """The breakdown ``kind`` (township, unit or funding) at ``as_of``, read in one
    transaction."""
    _check(kind, KINDS)
    with store.consistent():
        portfolio = load_portfolio(store, as_of)
        if kind == "funding":
            return funding(store, portfolio)
    return group_breakdown(portfolio, kind)


def weekly_breakdowns(store: Store, portfolio: Portfolio) -> Breakdowns:
    """The three breakdowns of a week's portfolio, as the weekly report freezes them."""
    township, unit = group_breakdown(portfolio, "township"), group_breakdown(portfolio, "unit")
    return breakdowns_of(township.total, township.groups, unit.groups, funding(store, portfolio))


def breakdown_output(store: Store, as_of: dt.date, kind: str, *, output: str = "text",
                     lang: str | None = None) -> str:
    """What ``projtrack breakdown KIND`` prints: the table as text (a title line with the
    as-of date, the heading, the table) or as CSV (exact values)."""
    _check(kind, KINDS)
    if output not in OUTPUTS:
        raise BadUsage("err.breakdown_format", fmt=output, formats="、".join(OUTPUTS))
    fmt = Fmt(lang or current_lang())
    b = breakdown(store, as_of, kind)
    if isinstance(b, GroupBreakdown):
        table = group_table(fmt, kind, lines_of(b.groups), line_of("", b.total))
    else:
        table = funding_table(fmt, *funding_lines(b))
    if output == "csv":
        return table_csv(table)
    return table_text(table, t("breakdown.title", lang=fmt.lang, as_of=as_of.isoformat()))
