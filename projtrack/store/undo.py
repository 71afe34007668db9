"""What undo reads and reverses (``services.undo`` says which change is undone and how it is
named): the last undoable change in the audit trail, the entry it recorded, and the reversal —
a new entry for money and 形象进度 (the ledger is append-only), the old value put back with an
``undo`` audit row for a milestone date, a year's plan, the phase or the remarks.

A change undone names the audit row it undid as ``↩#<audit id>`` in its context; an entry
reversed is named by its reversal's ``reverses_id``.  Changes made by an annex import
(``import:…``), by its undo or by the demo are not an officer's and are never found here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import and_, or_, select
from sqlmodel import Session, col

from projtrack.core.records import AuditRecord, LedgerRecord, ProgressRecord
from projtrack.errors import BadUsage
from projtrack.store.edits import audit_record
from projtrack.store.ledger import entry_record
from projtrack.store.models import (
    AnnualPlan,
    AuditLog,
    LedgerEntry,
    Milestone,
    ProgressEntry,
    Project,
)
from projtrack.store.repo import Store, actor, record_audit

# the kind of change each audited entity is (a project's phase and remarks are their own kinds)
ENTITY_KINDS = {"ledger_entry": "money", "progress_entry": "progress", "milestone": "milestone",
                "annual_plan": "plan"}
PROJECT_KINDS = ("phase", "remarks")
# contexts of changes not undone here: an import's (import undo), the demo's, and the figures an
# approved budget change moved (a budget change is reversed by another one)
_NOT_OFFICERS = ("import:%", "undo-import:%", "demo", "budget:%")
_UNDID = re.compile(r"↩#(\d+)")
_BATCH = 50


@contextmanager
def undo_read(store: Store) -> Iterator[UndoWork]:
    with store.read() as session:
        yield UndoWork(session)


@contextmanager
def undo_write(store: Store) -> Iterator[UndoWork]:
    """One write transaction: the change found and reversed in it."""
    with store.write() as session:
        yield UndoWork(session)


def kind_of(a: AuditRecord | AuditLog) -> str | None:
    """The kind of change an audit row records ("money", "plan", "phase" …), None when undo
    does not undo it."""
    if a.entity == "project":
        return a.field if a.field in PROJECT_KINDS else None
    return ENTITY_KINDS.get(a.entity)


class UndoWork:
    def __init__(self, session: Session) -> None:
        self.session = session

    # --- finding the change --------------------------------------------------------------------
    def _candidates(self, project_id: int | None, user: str | None, kinds: tuple[str, ...],
                    below: int | None) -> list[AuditLog]:
        a = AuditLog
        entity = [col(a.entity) == name for name, kind in ENTITY_KINDS.items() if kind in kinds]
        fields = [f for f in PROJECT_KINDS if f in kinds]
        if fields:
            entity.append(and_(col(a.entity) == "project", col(a.field).in_(fields)))
        if not entity:
            return []
        context = col(a.context)
        stmt = (select(a).where(col(a.action).in_(("entry", "update")), or_(*entity),
                                col(a.project_id).is_not(None),
                                or_(context.is_(None), and_(*(~context.like(c)
                                                              for c in _NOT_OFFICERS))))
                .order_by(col(a.id).desc()).limit(_BATCH))
        if project_id is not None:
            stmt = stmt.where(col(a.project_id) == project_id)
        if user is not None:
            stmt = stmt.where(col(a.user) == user)
        if below is not None:
            stmt = stmt.where(col(a.id) < below)
        return list(self.session.execute(stmt).scalars())

    def _undone(self, since_audit: int, since_ledger: int, since_progress: int
                ) -> tuple[set[int], set[int], set[int]]:
        """What is undone already: audit ids named by later undo rows, ledger and progress
        entries reversed by later entries (an undo is always newer than what it undid: id
        ranges only)."""
        s = self.session
        audit = {int(m[1]) for (ctx,) in s.execute(
            select(col(AuditLog.context)).where(col(AuditLog.id) > since_audit,
                                                col(AuditLog.action).in_(("reverse", "undo"))))
            for m in [_UNDID.search(ctx or "")] if m}
        ledger = {i for i in s.execute(select(col(LedgerEntry.reverses_id)).where(
            col(LedgerEntry.id) > since_ledger, col(LedgerEntry.reverses_id).is_not(None)))
            .scalars() if i is not None}
        progress = {i for i in s.execute(select(col(ProgressEntry.reverses_id)).where(
            col(ProgressEntry.id) > since_progress, col(ProgressEntry.reverses_id).is_not(None)))
            .scalars() if i is not None}
        return audit, ledger, progress

    def find(self, project_id: int | None, user: str | None,
             kinds: tuple[str, ...]) -> tuple[AuditRecord, str] | None:
        """The newest change of ``kinds`` (of one project, of one officer) not undone yet, with
        its kind; None when there is none."""
        below = None
        while True:
            rows = self._candidates(project_id, user, kinds, below)
            if not rows:
                return None
            low = rows[-1].id
            assert low is not None
            ledger_ids = [r.entity_id for r in rows if r.entity == "ledger_entry" and r.entity_id]
            progress_ids = [r.entity_id for r in rows
                            if r.entity == "progress_entry" and r.entity_id]
            undone, reversed_ledger, reversed_progress = self._undone(
                low, min(ledger_ids, default=0), min(progress_ids, default=0))
            for r in rows:
                kind = kind_of(r)
                if kind is None or r.id in undone:
                    continue
                if r.entity == "ledger_entry" and r.entity_id in reversed_ledger:
                    continue
                if r.entity == "progress_entry" and r.entity_id in reversed_progress:
                    continue
                return audit_record(r), kind
            below = low

    def project_name(self, project_id: int) -> str | None:
        p = self.session.get(Project, project_id)
        return p.name if p is not None else None

    def entry(self, a: AuditRecord) -> LedgerRecord | ProgressRecord | None:
        """The money or 形象进度 entry the change ``a`` recorded (None: it is neither)."""
        if a.entity_id is None:
            return None
        row: LedgerEntry | ProgressEntry | None = None
        if a.entity == "ledger_entry":
            row = self.session.get(LedgerEntry, a.entity_id)
        elif a.entity == "progress_entry":
            row = self.session.get(ProgressEntry, a.entity_id)
        return entry_record(row) if row is not None else None

    # --- reversing it --------------------------------------------------------------------------
    def reverse_money(self, a: AuditRecord, *, context: str, origin: str) -> int:
        """A reversal entry of the money entry ``a`` recorded, audited; its id."""
        last = self.session.get(LedgerEntry, a.entity_id)
        if last is None:  # pragma: no cover - the ledger is append-only
            raise BadUsage("err.nothing_to_undo")
        rev = LedgerEntry(project_id=last.project_id, kind=last.kind, entry_date=last.entry_date,
                          amount=-last.amount, source=last.source, reverses_id=last.id,
                          note=f"撤销 #{last.id}" + (f" {last.note}" if last.note else ""),
                          origin=origin, created_by=actor(self.session))
        self.session.add(rev)
        self.session.flush()
        record_audit(self.session, action="reverse", entity="ledger_entry", entity_id=rev.id,
                     project_id=last.project_id, field=last.kind,
                     old=f"#{last.id} {last.entry_date} {last.amount}", new=f"{-last.amount}",
                     context=context)
        assert rev.id is not None
        return rev.id

    def reverse_progress(self, a: AuditRecord, *, context: str, origin: str) -> int:
        """An entry that marks the 形象进度 entry ``a`` recorded undone, audited; its id."""
        last = self.session.get(ProgressEntry, a.entity_id)
        if last is None:  # pragma: no cover - progress entries are append-only
            raise BadUsage("err.nothing_to_undo")
        rev = ProgressEntry(project_id=last.project_id, entry_date=last.entry_date, stage=None,
                            percent=None, reverses_id=last.id, note=f"撤销 #{last.id}",
                            origin=origin, created_by=actor(self.session))
        self.session.add(rev)
        self.session.flush()
        record_audit(self.session, action="reverse", entity="progress_entry", entity_id=rev.id,
                     project_id=last.project_id, field="形象进度",
                     old=f"#{last.id} {last.entry_date} {last.stage or ''} {last.percent}",
                     new=None, context=context)
        assert rev.id is not None
        return rev.id

    def _row(self, a: AuditRecord, kind: str) -> Milestone | AnnualPlan | Project | None:
        if kind == "milestone":
            return self.session.get(Milestone, a.entity_id)
        if kind == "plan":
            return self.session.get(AnnualPlan, a.entity_id)
        return self.session.get(Project, a.project_id)

    @staticmethod
    def _field(a: AuditRecord, kind: str) -> str:
        if kind == "milestone":
            return (a.field or "").split(".", 1)[1]
        return "amount" if kind == "plan" else kind

    def current(self, a: AuditRecord, kind: str) -> tuple[bool, object]:
        """Whether the record the edit ``a`` changed is still there, and its field's value."""
        row = self._row(a, kind)
        return row is not None, getattr(row, self._field(a, kind)) if row is not None else None

    def set_back(self, a: AuditRecord, kind: str, value: object, *, current: object,
                 context: str) -> None:
        """Put the field the edit ``a`` changed back to ``value`` (a plan set back to none is
        removed), with an ``undo`` audit row from ``current``."""
        row = self._row(a, kind)
        assert row is not None
        record_audit(self.session, action="undo", entity=a.entity, entity_id=a.entity_id,
                     project_id=a.project_id, field=a.field, old=current, new=value,
                     context=context)
        if kind == "plan" and value is None:
            self.session.delete(row)
            return
        setattr(row, self._field(a, kind), value)
        if isinstance(row, Project):
            row.updated_at = dt.datetime.now(dt.UTC)



