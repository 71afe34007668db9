"""Forecasts (DOMAIN.md, "Forecasts"): what leadership asks each week — will this year's plan be
met, will the project cost more than approved, will the school open for the autumn term.

Pure functions of a project's figures' inputs; ``core.figures.project_figures`` calls them and
keeps their results on ``Figures``.  Money is Decimal 万元, percents and rates Decimal fractions.

- The recent daily rate of spending r = Σ 完成投资 dated after d − 56 days and up to d, ÷ 56;
  R = days left in d's year after d (31 December − d).  预计全年完成 = 本年完成投资 + r × R,
  worked as actual_this_year + recent × R ÷ 56 (one division); 预计年度完成率 = that ÷ the
  year's plan (none without a plan, or with a plan of 0).  "Below 0.9" is decided exactly, on
  cross-multiplied products, as the lag lines are.
- EAC = AC_life + (总投资 − EV) ÷ CPI, with CPI = EV ÷ AC_life: worked as
  AC_life + (总投资 − EV) × AC_life ÷ EV (one division; the same number).  None without EV, or
  where CPI is none or 0.  预计超概 = EAC − 总投资 when positive: since EAC − 总投资 =
  总投资 × (AC_life − EV) ÷ EV, it is positive exactly when AC_life > EV (总投资 > 0), which is
  how it is decided.
- The physical progress rate: p = the latest point (dated ≤ d) that has a percent, p0 = of the
  points with a percent dated at least 28 days before p, the one closest to 56 days before p
  (a tie: the earlier; the same day: the higher id, then the later given).  Rate =
  (p − p0) ÷ days between them; none with fewer than two such points or no gain.
  forecast 竣工 = p's date + ⌈(1 − p) ÷ rate⌉ days (p at 100 %: p's date); forecast 投用 =
  forecast 竣工 + max(0, planned 投用 − planned 竣工验收) days (0 without both planned dates).
  A project already in use (投用 at d) has no forecast dates and is at no term risk; one not
  in use at d has a forecast 投用 of at least d + 1 (``core.figures``).
- Term risk: forecast 投用 after 31 August of the end year; None (unknown) without a forecast or
  an end year.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Context, Decimal, Inexact, InvalidOperation, Overflow
from fractions import Fraction

from projtrack.core.calendar import autumn_term_start
from projtrack.core.types import MilestoneFacts, ProgressPoint

__all__ = [
    "MIN_RATE_DAYS", "RECENT_DAYS", "ProgressRate", "days_left_in_year", "eac",
    "forecast_completion", "handover_gap_days", "overrun_forecast", "progress_rate",
    "recent_window_start", "term_at_risk", "year_end_forecast", "year_end_rate_below",
]

RECENT_DAYS = 56  # the window of the recent daily rate of spending and of progress
MIN_RATE_DAYS = 28  # the least distance between the two progress points of a rate

_EXACT = Context(prec=200, traps=[Inexact, InvalidOperation, Overflow])


def recent_window_start(as_of: dt.date) -> dt.date:
    """The first day counted in the recent rate: entries dated after d − 56 days, i.e. from
    d − 55 days, up to d (56 days)."""
    return as_of - dt.timedelta(days=RECENT_DAYS - 1)


def days_left_in_year(as_of: dt.date) -> int:
    """R = 31 December of d's year − d, in days (0 on 31 December)."""
    return (dt.date(as_of.year, 12, 31) - as_of).days


def year_end_forecast(actual_this_year: Decimal, recent: Decimal, as_of: dt.date) -> Decimal:
    """预计全年完成 = 本年完成投资 + r × R, r = ``recent`` ÷ 56."""
    left = days_left_in_year(as_of)
    return actual_this_year + recent * left / RECENT_DAYS


def year_end_rate_below(actual_this_year: Decimal, recent: Decimal, as_of: dt.date,
                        plan: Decimal, line: Decimal) -> bool:
    """Is (本年完成投资 + recent × R ÷ 56) ÷ plan < line, exactly?  For plan > 0:
    56 × actual + recent × R < line × 56 × plan (no division).  A plan ≤ 0 takes Fractions."""
    left = days_left_in_year(as_of)
    if plan > 0:
        try:
            mul, add = _EXACT.multiply, _EXACT.add
            lhs = add(mul(actual_this_year, RECENT_DAYS), mul(recent, left))
            return lhs < mul(mul(line, RECENT_DAYS), plan)
        except (Inexact, InvalidOperation, Overflow):  # pragma: no cover - beyond any budget
            pass
    if plan == 0:
        return False
    rate = (Fraction(actual_this_year) + Fraction(recent) * left / RECENT_DAYS) / Fraction(plan)
    return rate < Fraction(line)


def eac(total: Decimal | None, ev: Decimal | None, ac_life: Decimal) -> Decimal | None:
    """预计总投资 EAC = AC_life + (总投资 − EV) ÷ CPI (CPI = EV ÷ AC_life); None without 总投资
    or EV, or where CPI is none (AC_life 0) or 0 (EV 0)."""
    if total is None or ev is None or ev == 0 or ac_life == 0:
        return None
    return ac_life + (total - ev) * ac_life / ev


def overrun_forecast(total: Decimal | None, ev: Decimal | None, ac_life: Decimal,
                     estimate: Decimal | None) -> Decimal | None:
    """预计超概 = EAC − 总投资 when positive (decided exactly: AC_life > EV with 总投资 > 0)."""
    if estimate is None or total is None or ev is None:
        return None
    over = (ac_life > ev) if total > 0 and ev > 0 else estimate > total
    return estimate - total if over else None


@dataclass(frozen=True, slots=True)
class ProgressRate:
    """The physical progress rate between two points: ``start`` (p0) and ``end`` (p)."""

    start: ProgressPoint
    end: ProgressPoint

    @property
    def days(self) -> int:
        return (self.end.date - self.start.date).days

    @property
    def gain(self) -> Decimal:
        assert self.start.percent is not None and self.end.percent is not None
        return self.end.percent - self.start.percent

    @property
    def per_day(self) -> Decimal:
        """Fraction of the whole per day (0.003 is 0.3 points a day)."""
        return self.gain / self.days


def _latest_key(p: ProgressPoint, i: int) -> tuple[dt.date, int, int]:
    return (p.date, p.id if p.id is not None else -1, i)


def progress_rate(points: Iterable[ProgressPoint], as_of: dt.date) -> ProgressRate | None:
    """p and p0 as the module docstring says, or None (fewer than two points with a percent at
    least 28 days apart, or no gain)."""
    usable = [(p, i) for i, p in enumerate(points) if p.percent is not None and p.date <= as_of]
    if len(usable) < 2:
        return None
    end, end_i = max(usable, key=lambda t: _latest_key(*t))
    target = end.date - dt.timedelta(days=RECENT_DAYS)
    latest_base = end.date - dt.timedelta(days=MIN_RATE_DAYS)
    best: ProgressPoint | None = None
    best_key: tuple[int, int, int, int] | None = None
    for p, i in usable:
        if p.date > latest_base:
            continue
        # closest to the target; a tie: the earlier day; the same day: the higher id, later
        key = (abs((p.date - target).days), p.date.toordinal(),
               -(p.id if p.id is not None else -1), -i)
        if best_key is None or key < best_key:
            best, best_key = p, key
    if best is None:
        return None
    rate = ProgressRate(best, end)
    return rate if rate.gain > 0 else None


def forecast_completion(rate: ProgressRate) -> dt.date:
    """forecast 竣工 = p's date + ⌈(1 − p) ÷ rate⌉ days, exactly (Fractions, then the ceiling)."""
    end = rate.end.percent
    assert end is not None
    if end >= 1:
        return rate.end.date
    days = math.ceil((1 - Fraction(end)) * rate.days / Fraction(rate.gain))
    return rate.end.date + dt.timedelta(days=days)


def handover_gap_days(milestones: Sequence[MilestoneFacts]) -> int:
    """max(0, planned 投用 − planned 竣工验收) in days; 0 without both planned dates."""
    planned = {m.name: m.planned for m in milestones}
    done, used = planned.get("竣工验收"), planned.get("投用")
    if done is None or used is None:
        return 0
    return max(0, (used - done).days)


def term_at_risk(handover: dt.date | None, end_year: int | None) -> bool | None:
    """Does the forecast 投用 fall after 31 August of the end year?  None when unknown."""
    if handover is None or end_year is None:
        return None
    return handover > autumn_term_start(end_year)

