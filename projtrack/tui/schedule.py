"""Portfolio milestones at the as-of date: overdue, due within 14 and 30 days, recently done;
and one timeline row per project (quarters, planned span, slip, milestone marks).

Pure Python over a loaded Portfolio (runs in a worker); statuses come from the figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from projtrack.core.figures import MilestoneStatus
from projtrack.core.portfolio import Portfolio, ProjectView
from projtrack.core.terms import Phase, Status
from projtrack.core.types import CATEGORIES

SECTIONS = ("overdue", "due14", "due30", "done30")
SECTION_LIMIT = 300  # rows listed per section; the header says how many there are


@dataclass(frozen=True)
class Due:
    view: ProjectView
    milestone: MilestoneStatus


@dataclass(frozen=True)
class Mark:
    quarter: int
    name: str
    state: str  # "done", "overdue", "pending"


@dataclass(frozen=True)
class TimelineRow:
    project_id: int
    name: str
    start: int  # quarter index of the planned start
    planned_end: int  # quarter index of the planned handover (投用) or the end year's last quarter
    late_end: int | None  # where the work really ends (or the as-of quarter) when past plan
    marks: tuple[Mark, ...]


def _active(portfolio: Portfolio) -> list[ProjectView]:
    return [v for v in portfolio.projects if v.facts.status != Status.WITHDRAWN
            and v.figures.phase != Phase.CANCELLED]


def due_lists(portfolio: Portfolio) -> dict[str, list[Due]]:
    as_of = portfolio.as_of
    out: dict[str, list[Due]] = {s: [] for s in SECTIONS}
    for v in _active(portfolio):
        for m in v.figures.milestones:
            if m.overdue:
                out["overdue"].append(Due(v, m))
            elif not m.done and m.planned is not None and m.planned >= as_of:
                days = (m.planned - as_of).days
                if days <= 14:
                    out["due14"].append(Due(v, m))
                elif days <= 30:
                    out["due30"].append(Due(v, m))
            elif m.done and m.actual is not None and (as_of - m.actual).days <= 30:
                out["done30"].append(Due(v, m))
    out["overdue"].sort(key=lambda d: (-(d.milestone.slip_days or 0), d.view.id))
    out["due14"].sort(key=lambda d: (d.milestone.planned, d.view.id))
    out["due30"].sort(key=lambda d: (d.milestone.planned, d.view.id))
    out["done30"].sort(key=lambda d: (d.milestone.actual, d.view.id), reverse=True)
    return out


def quarter(day: dt.date, first_year: int) -> int:
    return (day.year - first_year) * 4 + (day.month - 1) // 3


def span(portfolio: Portfolio) -> tuple[int, int]:
    """First and last year of the timeline: earliest start to latest end (or slip)."""
    years = {portfolio.as_of.year}
    for v in _active(portfolio):
        f = v.facts
        years.update(y for y in (f.start_year, f.end_year) if y)
        for m in v.figures.milestones:
            years.update(d.year for d in (m.planned, m.actual) if d)
    years = {y for y in years if 1990 <= y <= 2100}
    return min(years), max(years)


def timeline_rows(portfolio: Portfolio, first_year: int) -> list[TimelineRow]:
    as_of = portfolio.as_of
    rows = []
    views = sorted(_active(portfolio), key=lambda v: (
        CATEGORIES.index(v.facts.category) if v.facts.category in CATEGORIES else 99,
        v.facts.start_year or 9999, v.id))
    for v in views:
        f, ms = v.facts, {m.name: m for m in v.figures.milestones}
        dated = [m.planned for m in v.figures.milestones if m.planned]
        start_day = dt.date(f.start_year, 1, 1) if f.start_year else (min(dated) if dated else None)
        if start_day is None:
            continue
        handover = ms.get("投用")
        if handover and handover.planned:
            planned_end = quarter(handover.planned, first_year)
        elif f.end_year:
            planned_end = quarter(dt.date(f.end_year, 12, 31), first_year)
        else:
            planned_end = quarter(max(dated), first_year) if dated else quarter(start_day, first_year)
        late_end = None
        if handover and handover.done and handover.actual:
            actual_end = quarter(handover.actual, first_year)
            late_end = actual_end if actual_end > planned_end else None
        elif v.figures.phase != Phase.IN_USE and quarter(as_of, first_year) > planned_end:
            late_end = quarter(as_of, first_year)
        marks = []
        for m in v.figures.milestones:
            day = m.actual if m.done else m.planned
            if day is None:
                continue
            state = "done" if m.done else "overdue" if m.overdue else "pending"
            marks.append(Mark(quarter(day, first_year), m.name, state))
        rows.append(TimelineRow(v.id, f.name, quarter(start_day, first_year), planned_end,
                                late_end, tuple(marks)))
    return rows
