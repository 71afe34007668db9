"""Recorded rows as the store hands them out: a ledger entry, a 形象进度 entry, an audit row.

Frozen and detached from any database session, so a front end can keep them (the project
view's tabs) and print them (``spend list``, ``audit list``).  Field names are the columns'
names; money is Decimal 万元, percents Decimal fractions, times UTC.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from projtrack.core.types import Entry


@dataclass(frozen=True, slots=True)
class LedgerRecord:
    """One append-only money entry (完成投资, 到位资金 or 拨付): ``amount`` is the increment
    (negative for a reversal); ``entered_cumulative`` what was typed when a cumulative total was
    entered; ``reverses_id`` the entry a reversal undoes."""

    id: int
    project_id: int
    kind: str
    entry_date: dt.date
    amount: Decimal
    entered_cumulative: Decimal | None
    source: str | None
    note: str | None
    reverses_id: int | None
    origin: str | None
    created_at: dt.datetime
    created_by: str
    correction: bool
    basis: str | None

    def as_entry(self) -> Entry:
        """The entry as the figures read it."""
        return Entry(self.project_id, self.kind, self.entry_date, self.amount, self.source,
                     self.note, self.id)


@dataclass(frozen=True, slots=True)
class ProgressRecord:
    """One append-only 形象进度 entry: a stage and a percent (fraction), dated."""

    id: int
    project_id: int
    entry_date: dt.date
    stage: str | None
    percent: Decimal | None
    note: str | None
    reverses_id: int | None
    origin: str | None
    created_at: dt.datetime
    created_by: str


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One change as the audit trail keeps it: old and new value as text (None: none)."""

    id: int
    at: dt.datetime
    user: str
    action: str
    entity: str
    entity_id: int | None
    project_id: int | None
    field: str | None
    old_value: str | None
    new_value: str | None
    context: str | None
