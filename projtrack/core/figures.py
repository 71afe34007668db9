"""The figures officers read for one project at an as-of date d (DOMAIN.md, "Money, and the
figures officers read"), and its 红黄绿 flag.

Figures take *pre-aggregated* ledger sums (``LedgerSums``), so the store can compute them with one
SQL ``GROUP BY`` for the whole portfolio; ``ledger_sums`` is the pure reference that the store's
query must agree with.  Group figures (category, township, portfolio) live in
``projtrack.core.groups`` and are re-exported here.

Money is Decimal 万元; rates are Decimal fractions (0.4 is 40 %).  Nothing is quantized here:
display code formats.  Divisions are Decimal divisions at the context precision (28 digits);
flag thresholds are decided exactly (cross-multiplied Decimal products that are never rounded),
so "exactly 10 points behind" is never tipped over the line by a rounded digit.

Decisions where DOMAIN.md is silent:
- As-of consistency: ledger entries, milestone actual dates and progress points dated after d
  are ignored (a milestone done after d is "not done" at d).
- PV and variance use the in-period figures as DOMAIN.md defines them: PV sums the annual
  plans (the annex's plan years), and "actual" is 累计完成投资 in the period, without
  ``prior_actual``.  Earned value is measured over the whole life of the project, as EV
  (percent × 总投资) is: PV_life = prior actual + PV, AC_life = prior actual + 累计完成投资,
  SPI = EV ÷ PV_life, CPI = EV ÷ AC_life — so a 续建 project's years before the period count
  on both sides.  开累 and 超概 include prior actual too.
- Forecasts (``core.forecast``): the year-end forecast and its rate, EAC and the forecast
  overrun, the physical progress rate and the forecast 竣工 and 投用 with the term risk.  The
  dates are worked out only when the caller gives the project's progress ``points``
  (``None``: not asked, no forecast dates and no ``no_progress_rate``).  A project not in use
  at d cannot open before d + 1: its forecast 投用 is at least that (so a school whose term
  has passed unopened is at term risk whatever its rate said).  ``overrun_forecast`` is not
  said of a project in use (its work is done; 超概 says what it cost) nor of one over budget
  already (``overrun``).
- Milestone slip: done → actual − planned (negative = early); not done → days the planned
  date has passed, never negative (0 while it is still ahead or due today); None without a
  planned date.  Overdue = planned < d and not done by d.
- Stalled: phase in ``rules.stalled_phases`` (default 在建 only, so 暂缓 is never stalled) and
  no positive 完成投资 entry in the last ``rules.stalled_weeks`` weeks, i.e. no entry ever, or
  (d − last entry date) >= 7 × weeks days: an entry on a Monday and nothing since, read on the
  Monday eight weeks later, is stalled (56 days without one); read on the Sunday before, not.
- A withdrawn project or one in phase 取消 has its figures computed but no flag rule
  evaluated: green, no reasons, ``rules_applied`` False.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Context, Decimal, Inexact, InvalidOperation, Overflow
from fractions import Fraction
from functools import cached_property

from projtrack.core.calendar import time_progress, week_bounds, year_position
from projtrack.core.forecast import (
    ProgressRate,
    eac,
    forecast_completion,
    handover_gap_days,
    overrun_forecast,
    progress_rate,
    recent_window_start,
    term_at_risk,
    year_end_forecast,
    year_end_rate_below,
)
from projtrack.core.frozen import maker
from projtrack.core.groups import (
    GroupFigures,
    by_county,
    group_by,
    group_by_with_total,
    group_figures,
)
from projtrack.core.money import ZERO
from projtrack.core.terms import Flag, Phase, Reason, Status
from projtrack.core.types import (
    ACTUAL,
    DEFAULT_RULES,
    FUNDS,
    MILESTONES,
    PAYMENT,
    Entry,
    FlagRules,
    MilestoneFacts,
    ProgressPoint,
    ProjectFacts,
)

__all__ = [
    "FLAGS", "PHASE_MILESTONES", "REASONS", "Figures", "GroupFigures", "LedgerSums",
    "MilestoneStatus", "any_milestone_overdue", "by_county", "group_by", "group_by_with_total", "group_figures",
    "lag_level", "latest_progress", "ledger_sums", "milestone_status", "milestones_after",
    "phase_at", "project_figures", "reflag", "flag_of",
]

# module-level names for the members the hot path reads (a global, not an attribute lookup)
GREEN, YELLOW, RED = Flag.GREEN, Flag.YELLOW, Flag.RED
FLAGS: tuple[Flag, ...] = tuple(Flag)
LAGGING, LAGGING_BADLY = Reason.LAGGING, Reason.LAGGING_BADLY
OVERRUN, STALLED, MILESTONE_OVERDUE = Reason.OVERRUN, Reason.STALLED, Reason.MILESTONE_OVERDUE
YEAR_AT_RISK, OVERRUN_FORECAST = Reason.YEAR_AT_RISK, Reason.OVERRUN_FORECAST
TERM_AT_RISK, NO_PROGRESS_RATE = Reason.TERM_AT_RISK, Reason.NO_PROGRESS_RATE
IN_USE = Phase.IN_USE
REASONS: tuple[Reason, ...] = tuple(Reason)
NO_RULES_PHASES = (Phase.CANCELLED,)
NO_RULES_STATUSES = (Status.WITHDRAWN,)


@dataclass(frozen=True)
class LedgerSums:
    """Σ of one project's ledger entries dated <= as_of, in 万元 (reversals included)."""

    actual_to_date: Decimal = ZERO  # Σ 完成投资 in the period (prior actual is separate)
    actual_this_year: Decimal = ZERO  # Σ 完成投资 dated in as_of.year
    actual_this_week: Decimal = ZERO  # Σ 完成投资 dated Monday..as_of of as_of's ISO week
    funds_to_date: Decimal = ZERO  # Σ 到位资金
    payments_to_date: Decimal = ZERO  # Σ 拨付
    last_actual_date: dt.date | None = None  # latest positive 完成投资 entry
    funds_by_source: Mapping[str, Decimal] = field(default_factory=dict)  # 到位资金 by source ("" = none)
    actual_recent: Decimal = ZERO  # Σ 完成投资 dated after as_of − 56 days (core.forecast)


def ledger_sums(entries: Iterable[Entry], as_of: dt.date) -> LedgerSums:
    """The pure reference for one project's entries (the caller passes one project's entries).
    Entries after ``as_of`` and of unknown kinds are ignored; negative amounts (reversals) count.
    The week runs from as_of's Monday, which may fall in the previous year."""
    week_start, _ = week_bounds(as_of)
    recent_start = recent_window_start(as_of)
    actual = year = week = funds = paid = recent = ZERO
    last: dt.date | None = None
    by_source: dict[str, Decimal] = {}
    for e in entries:
        if e.date > as_of:
            continue
        if e.kind == ACTUAL:
            actual += e.amount
            if e.date.year == as_of.year:
                year += e.amount
            if e.date >= week_start:
                week += e.amount
            if e.date >= recent_start:
                recent += e.amount
            if e.amount > 0 and (last is None or e.date > last):
                last = e.date
        elif e.kind == FUNDS:
            funds += e.amount
            src = e.source or ""
            by_source[src] = by_source.get(src, ZERO) + e.amount
        elif e.kind == PAYMENT:
            paid += e.amount
    return LedgerSums(actual, year, week, funds, paid, last, by_source, recent)


def latest_progress(points: Iterable[ProgressPoint], as_of: dt.date) -> ProgressPoint | None:
    """The latest 形象进度 point dated <= as_of (same date: the higher id, then the later one)."""
    best: ProgressPoint | None = None
    best_key: tuple[dt.date, int, int] | None = None
    for i, p in enumerate(points):
        if p.date > as_of:
            continue
        key = (p.date, p.id if p.id is not None else -1, i)
        if best_key is None or key >= best_key:
            best, best_key = p, key
    return best


@dataclass(frozen=True)
class MilestoneStatus:
    name: str
    planned: dt.date | None
    actual: dt.date | None  # as recorded; ``done`` says whether it counts at the as-of date
    slip_days: int | None  # see the module docstring; None without a planned date
    overdue: bool  # planned < as_of and not done by as_of
    done: bool  # actual recorded and <= as_of


def milestone_status(m: MilestoneFacts, as_of: dt.date) -> MilestoneStatus:
    done = m.actual is not None and m.actual <= as_of
    slip: int | None = None
    if m.planned is not None:
        if done:
            assert m.actual is not None
            slip = (m.actual - m.planned).days
        else:
            slip = max(0, (as_of - m.planned).days)
    overdue = m.planned is not None and m.planned < as_of and not done
    return MilestoneStatus(m.name, m.planned, m.actual, slip, overdue, done)


def any_milestone_overdue(milestones: Iterable[MilestoneFacts], as_of: dt.date) -> bool:
    """Is some milestone overdue at ``as_of``: planned before it and not done by it (no actual
    date, or one after as_of)?  (The store works this out in SQL for a whole portfolio,
    ``Store.packed_milestones``, and is tested against this.)"""
    return any(m.planned is not None and m.planned < as_of
               and (m.actual is None or m.actual > as_of) for m in milestones)


# the phases a project reaches by a milestone: it is 在建 once 开工 is done, and so on
PHASE_MILESTONES = (("在建", "开工"), ("竣工", "竣工验收"), ("投用", "投用"))
_PHASE_RANK = {p: i for i, p in enumerate(("前期", "在建", "竣工", "投用"))}


def milestones_after(milestones: Iterable[MilestoneFacts], as_of: dt.date) -> frozenset[str]:
    """The names among PHASE_MILESTONES' whose actual date is after ``as_of`` (the store works
    this out in SQL for a portfolio, ``Store.packed_milestones``, tested against this)."""
    names = {name for _, name in PHASE_MILESTONES}
    return frozenset(m.name for m in milestones
                     if m.name in names and m.actual is not None and m.actual > as_of)


def phase_at(phase: str, after: Iterable[str]) -> str:
    """The phase at an as-of date d: the recorded ``phase`` (what it is now), taken back while
    the milestone that begins it was reached after d (``after``: see ``milestones_after``) — a
    project in use since September 2024 was 在建 on 30 June 2023 if 开工 was done by then, 前期 if
    not.  A phase whose milestone has no actual date stands (nothing says otherwise); 暂缓 and
    取消 have no milestone and stand."""
    later = set(after)
    rank = _PHASE_RANK.get(phase)
    if rank is None:
        return phase
    while rank > 0 and PHASE_MILESTONES[rank - 1][1] in later:
        rank -= 1
    return PHASE_MILESTONES[rank - 1][0] if rank else "前期"


def _milestone_order(name: str) -> int:
    return MILESTONES.index(name) if name in MILESTONES else len(MILESTONES)


@dataclass(frozen=True)
class Figures:
    as_of: dt.date
    phase: str  # the phase the figures were computed for (the override, or the project's)
    time_progress: Decimal  # 序时进度
    total_investment: Decimal | None  # 总投资
    prior_actual: Decimal | None  # before the period
    annual_plan: Decimal | None  # 年度计划投资 for as_of.year
    planned_to_date: Decimal  # PV
    actual_to_date: Decimal  # 累计完成投资 in the period
    actual_this_year: Decimal  # 本年完成投资
    actual_this_week: Decimal  # 本周完成投资
    annual_completion_rate: Decimal | None  # 年度投资完成率
    points_vs_time: Decimal | None  # rate − time progress (fraction; positive = ahead)
    cumulative_actual: Decimal  # prior + actual to date
    cumulative_completion_rate: Decimal | None  # 开累投资完成率
    variance: Decimal  # actual to date − PV
    variance_rate: Decimal | None
    overrun: Decimal | None  # 超概: amount above 总投资, None when not over
    funds_received: Decimal  # 到位资金
    payments: Decimal  # 拨付
    last_actual_date: dt.date | None
    stage: str | None  # 形象进度
    percent_complete: Decimal | None
    planned_life: Decimal  # PV_life = prior actual + PV
    actual_life: Decimal  # AC_life = prior actual + 累计完成投资 (the same sum as 开累)
    earned_value: Decimal | None
    spi: Decimal | None  # EV ÷ PV_life
    cpi: Decimal | None  # EV ÷ AC_life
    actual_recent: Decimal  # Σ 完成投资 of the last 56 days (the recent rate × 56)
    year_end_forecast: Decimal  # 预计全年完成
    year_end_forecast_rate: Decimal | None  # 预计年度完成率
    eac: Decimal | None  # 预计总投资
    overrun_forecast: Decimal | None  # 预计超概, when positive
    progress_rate: ProgressRate | None  # p0 → p (None: no rate, or points not given)
    forecast_completion: dt.date | None  # forecast 竣工
    forecast_handover: dt.date | None  # forecast 投用
    term_at_risk: bool | None  # forecast 投用 after 31 August of the end year; None: unknown
    milestone_facts: Sequence[MilestoneFacts]  # as given (immutable); ``milestones``: status
    milestone_overdue: bool  # some milestone planned before as_of and not done by then
    flag: Flag
    flag_reasons: tuple[Reason, ...]
    rules_applied: bool  # False for withdrawn and 取消 projects

    # Milestone statuses are worked out when first read, not for every project of a portfolio
    # that only shows its flags and a page of rows (nine objects per project at N = 10,000
    # were a fifth of the portfolio's load).  The flag needs only ``milestone_overdue``.
    @cached_property
    def milestones(self) -> tuple[MilestoneStatus, ...]:
        """Standard order, then any others."""
        return tuple(sorted((milestone_status(m, self.as_of) for m in self.milestone_facts),
                            key=lambda s: _milestone_order(s.name)))

    @cached_property
    def next_milestone(self) -> MilestoneStatus | None:
        """The first not done with a planned date."""
        return next((s for s in self.milestones if not s.done and s.planned is not None), None)

    @cached_property
    def max_slip_days(self) -> int | None:
        slips = [s.slip_days for s in self.milestones if s.slip_days is not None]
        return max(slips) if slips else None

    @property
    def lagging(self) -> bool:
        return LAGGING in self.flag_reasons or LAGGING_BADLY in self.flag_reasons


_make_figures = maker(Figures)


def _div(a: Decimal, b: Decimal | None) -> Decimal | None:
    return None if b is None or b == 0 else a / b


# Exact Decimal arithmetic: at 200 digits no product or difference of these figures is ever
# rounded, and should one be, Inexact is raised rather than a digit dropped.
_EXACT = Context(prec=200, traps=[Inexact, InvalidOperation, Overflow])


def _behind_by_more(as_of: dt.date, actual_this_year: Decimal, plan: Decimal,
                    thresholds: Sequence[Decimal]) -> list[bool]:
    """For each threshold t: is time progress − annual completion rate > t, exactly?

    time progress − actual ÷ plan > t  ⇔  day × plan − actual × days > t × days × plan  (plan > 0),
    so the comparison is made on exact products, without a division (a plan ≤ 0 takes the
    Fraction route)."""
    day, days = year_position(as_of)
    if plan > 0:
        try:
            mul, sub = _EXACT.multiply, _EXACT.subtract
            lhs = sub(mul(day, plan), mul(actual_this_year, days))
            return [lhs > mul(mul(t, days), plan) for t in thresholds]
        except (Inexact, InvalidOperation, Overflow):  # pragma: no cover - beyond any budget
            pass
    behind = Fraction(day, days) - Fraction(actual_this_year) / Fraction(plan)
    return [behind > Fraction(t) for t in thresholds]


def lag_level(points_vs_time: Decimal | None, rules: FlagRules = DEFAULT_RULES) -> Flag:
    """Green, yellow or red for a rate's distance from time progress (a fraction;
    negative = behind), by the flag rules' thresholds: what colours a completion rate, a
    project's or a group's.  A project's own flag also weighs overruns, stalls and milestones."""
    if points_vs_time is None:
        return GREEN
    if -points_vs_time > rules.red_behind:
        return RED
    if -points_vs_time > rules.yellow_behind:
        return YELLOW
    return GREEN


def flag_of(as_of: dt.date, plan: Decimal | None, actual_this_year: Decimal,
            overrun: Decimal | None, phase: str, last_actual_date: dt.date | None,
            milestone_overdue: bool, actual_recent: Decimal, overrun_forecast: Decimal | None,
            term_at_risk: bool | None, no_rate: bool,
            rules: FlagRules) -> tuple[Flag, tuple[Reason, ...]]:
    """The 红黄绿 flag and its reasons of a project to which the rules apply — the one home of
    the flag rules (DOMAIN.md; ``project_figures`` and ``reflag`` both call it).  ``no_rate``:
    the progress points were given and no progress rate follows from them."""
    reasons: list[Reason] = []
    red = yellow = False
    if plan is not None and plan != 0:
        red_line, yellow_line = _behind_by_more(as_of, actual_this_year, plan,
                                                (rules.red_behind, rules.yellow_behind))
        if red_line:
            reasons.append(LAGGING_BADLY)
            red = True
        elif yellow_line:
            reasons.append(LAGGING)
            yellow = True
    if overrun is not None and rules.overrun_red:
        reasons.append(OVERRUN)
        red = True
    if phase in rules.stalled_phases and (
            last_actual_date is None or (as_of - last_actual_date).days >= 7 * rules.stalled_weeks):
        reasons.append(STALLED)
        red = True
    if rules.milestone_overdue_yellow and milestone_overdue:
        reasons.append(MILESTONE_OVERDUE)
        yellow = True
    if (rules.year_at_risk_yellow and plan is not None and plan != 0
            and rules.year_at_risk_applies(as_of)
            and year_end_rate_below(actual_this_year, actual_recent, as_of, plan,
                                    rules.year_at_risk_below)):
        reasons.append(YEAR_AT_RISK)
        yellow = True
    if (rules.overrun_forecast_yellow and overrun_forecast is not None and overrun is None
            and phase != IN_USE):
        reasons.append(OVERRUN_FORECAST)
        yellow = True
    if rules.term_at_risk_red and term_at_risk:
        reasons.append(TERM_AT_RISK)
        red = True
    if no_rate and phase in rules.no_progress_rate_phases:
        reasons.append(NO_PROGRESS_RATE)  # said, not coloured
    return (RED if red else YELLOW if yellow else GREEN), tuple(reasons)


def reflag(figures: Figures, rules: FlagRules, *, points_known: bool = True) -> Figures:
    """``figures`` with the flag and reasons ``rules`` give them, from the figures alone (what a
    change of the rules would do, without reading the ledger again): equal to what
    ``project_figures`` gives with ``rules``.  ``points_known``: the figures were computed
    with the project's progress points (a portfolio's always are)."""
    if not figures.rules_applied:
        return figures
    flag, reasons = flag_of(figures.as_of, figures.annual_plan, figures.actual_this_year,
                            figures.overrun, figures.phase, figures.last_actual_date,
                            figures.milestone_overdue, figures.actual_recent,
                            figures.overrun_forecast, figures.term_at_risk,
                            points_known and figures.progress_rate is None, rules)
    if flag == figures.flag and reasons == figures.flag_reasons:
        return figures
    return replace(figures, flag=flag, flag_reasons=reasons)


def project_figures(project: ProjectFacts, sums: LedgerSums, as_of: dt.date, *,
                    progress: ProgressPoint | None = None,
                    milestones: Sequence[MilestoneFacts] = (),
                    rules: FlagRules = DEFAULT_RULES,
                    phase: str | None = None,
                    milestone_overdue: bool | None = None,
                    points: Iterable[ProgressPoint] | None = None) -> Figures:
    """Every figure of one project at ``as_of``.  ``progress`` is the latest point <= as_of (see
    ``latest_progress``; a later one is ignored).  The phase is the one at ``as_of``
    (``phase_at`` of ``project.phase`` and ``milestones``), or ``phase`` when given.

    ``milestone_overdue``, when given, is whether any of ``milestones`` is overdue at as_of,
    worked out where they were read (the store's portfolio query does, by this definition,
    and is tested against it); ``milestones`` is then an immutable sequence, kept unread, and
    ``phase`` is the caller's (the store's query works out ``milestones_after`` too).

    ``points``: the project's 形象进度 points (any order; those after as_of are ignored), from
    which the progress rate and the forecast dates are worked out; None leaves them unknown."""
    if milestone_overdue is None:
        milestones = tuple(milestones)
    if phase is None:
        phase = project.phase if milestone_overdue is not None else \
            phase_at(project.phase, milestones_after(milestones, as_of))
    tp = time_progress(as_of)
    year = as_of.year
    plans = project.annual_plan
    plan = plans.get(year)
    # plan × day ÷ days: one rounding (at the 28th digit), not two as plan × rounded tp would
    day, days = year_position(as_of)
    part = plan * day / days if plan is not None else ZERO
    pv = sum((v for y, v in plans.items() if y < year), ZERO) + part
    total = project.total_investment
    prior = project.prior_actual
    actual = sums.actual_to_date

    rate = _div(sums.actual_this_year, plan)
    cumulative = (prior or ZERO) + actual
    over = cumulative - total if total is not None and cumulative > total else None
    variance = actual - pv

    if progress is not None and progress.date > as_of:
        progress = None
    stage = progress.stage if progress else None
    percent = progress.percent if progress else None
    ev = percent * total if percent is not None and total is not None else None
    pv_life = (prior or ZERO) + pv
    ac_life = cumulative
    spi = _div(ev, pv_life) if ev is not None else None
    cpi = _div(ev, ac_life) if ev is not None else None

    recent = sums.actual_recent
    year_end = year_end_forecast(sums.actual_this_year, recent, as_of)
    year_end_rate = _div(year_end, plan)
    estimate = eac(total, ev, ac_life)
    over_forecast = overrun_forecast(total, ev, ac_life, estimate)

    prate: ProgressRate | None = None
    completion = handover = None
    at_risk: bool | None = None
    if phase == IN_USE:
        at_risk = False if points is not None else None
    elif points is not None:
        prate = progress_rate(points, as_of)
        if prate is not None:
            completion = forecast_completion(prate)
            # not in use at d: it cannot open before d + 1, whatever the rate says
            handover = max(completion + dt.timedelta(days=handover_gap_days(milestones)),
                           as_of + dt.timedelta(days=1))
            at_risk = term_at_risk(handover, project.end_year)

    if milestone_overdue is None:
        overdue = any_milestone_overdue(milestones, as_of)
    else:
        overdue = milestone_overdue

    applied = project.status not in NO_RULES_STATUSES and phase not in NO_RULES_PHASES
    if applied:
        flag, reasons = flag_of(as_of, plan, sums.actual_this_year, over, phase,
                                sums.last_actual_date, overdue, recent, over_forecast, at_risk,
                                points is not None and prate is None, rules)
    else:
        flag, reasons = GREEN, ()

    return _make_figures(
        as_of=as_of, phase=phase, time_progress=tp, total_investment=total, prior_actual=prior,
        annual_plan=plan, planned_to_date=pv, actual_to_date=actual,
        actual_this_year=sums.actual_this_year, actual_this_week=sums.actual_this_week,
        annual_completion_rate=rate, points_vs_time=rate - tp if rate is not None else None,
        cumulative_actual=cumulative, cumulative_completion_rate=_div(cumulative, total),
        variance=variance, variance_rate=_div(variance, pv), overrun=over,
        funds_received=sums.funds_to_date, payments=sums.payments_to_date,
        last_actual_date=sums.last_actual_date, stage=stage, percent_complete=percent,
        planned_life=pv_life, actual_life=ac_life, earned_value=ev, spi=spi, cpi=cpi,
        actual_recent=recent, year_end_forecast=year_end, year_end_forecast_rate=year_end_rate,
        eac=estimate, overrun_forecast=over_forecast, progress_rate=prate,
        forecast_completion=completion, forecast_handover=handover, term_at_risk=at_risk,
        milestone_facts=milestones,
        milestone_overdue=overdue,
        flag=flag, flag_reasons=reasons,
        rules_applied=applied,
    )
