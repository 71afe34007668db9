"""One project's detail, as the project view shows it: its figures, ledger, progress, audit
trail, the plan and actual by year, and the monthly cumulative planned-versus-actual series for
the curve.  Everything in it is a core type, detached from the database.

Every figure comes from projtrack.core.figures (PV at a month end is ``planned_to_date`` at that
date; actual is ``ledger_sums``), so the curve and the tables agree with the portfolio.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from projtrack.core.figures import Figures, LedgerSums, ledger_sums, project_figures
from projtrack.core.portfolio import ProjectView
from projtrack.core.records import AuditRecord, LedgerRecord, ProgressRecord
from projtrack.core.types import ACTUAL, Entry
from projtrack.services.portfolio import project_view
from projtrack.store.repo import Store


@dataclass(frozen=True)
class YearRow:
    year: int
    figures: Figures  # at the year's end (or the as-of date in the as-of year)


@dataclass(frozen=True)
class Curve:
    months: list[dt.date]  # month ends
    planned: list[Decimal]  # cumulative PV at each month end
    actual: list[Decimal | None]  # cumulative actual; None after the as-of date


@dataclass
class Detail:
    view: ProjectView
    ledger: list[LedgerRecord] = field(default_factory=list)  # oldest first
    progress: list[ProgressRecord] = field(default_factory=list)  # oldest first
    audit: list[AuditRecord] = field(default_factory=list)  # newest first
    years: list[YearRow] = field(default_factory=list)
    curve: Curve | None = None


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def year_rows(view: ProjectView, entries: list[Entry], as_of: dt.date) -> list[YearRow]:
    facts = view.facts
    years = set(facts.annual_plan) | {e.date.year for e in entries if e.date <= as_of}
    out = []
    for year in sorted(y for y in years if y <= as_of.year):
        day = min(dt.date(year, 12, 31), as_of)
        out.append(YearRow(year, project_figures(facts, ledger_sums(entries, day), day)))
    return out


def curve(view: ProjectView, entries: list[Entry], as_of: dt.date) -> Curve | None:
    facts = view.facts
    actual_entries = [e for e in entries if e.kind == ACTUAL]
    years = set(facts.annual_plan) | {e.date.year for e in actual_entries}
    if not years:
        return None
    first, last = min(years), max(years)
    months: list[dt.date] = []
    planned: list[Decimal] = []
    actual: list[Decimal | None] = []
    for year in range(first, last + 1):
        for month in range(1, 13):
            end = _month_end(year, month)
            months.append(end)
            planned.append(project_figures(facts, LedgerSums(), end).planned_to_date)
            if end <= as_of or (end.year, end.month) == (as_of.year, as_of.month):
                actual.append(ledger_sums(actual_entries, min(end, as_of)).actual_to_date)
            else:
                actual.append(None)
    return Curve(months, planned, actual)


def load_detail(store: Store, project_id: int, as_of: dt.date) -> Detail | None:
    view = project_view(store, project_id, as_of)
    if view is None:
        return None
    ledger = store.entries(project_id)
    entries = [r.as_entry() for r in ledger]
    return Detail(view=view, ledger=ledger, progress=store.progress_entries(project_id),
                  audit=store.audit(project_id, 300), years=year_rows(view, entries, as_of),
                  curve=curve(view, entries, as_of))
