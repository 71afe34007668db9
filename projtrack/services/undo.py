"""Undo: the last change an officer made, named before it is reversed, and reversed by a new
audited record — nothing is deleted from the ledger or the progress series, and nothing else is
overwritten.

A change is what the audit trail recorded for one field or one entry: a money entry (reversed
by an entry of the opposite amount on the same date), a progress entry (reversed by an entry
that marks it undone: the figures skip both), a milestone date, a year's plan, the phase or
the remarks (each set back to what it was, as an ``undo`` audit row that names the change it
undid as ``↩#<audit id>`` in its context).  Changes made by an annex import are the import's to
undo (``projtrack import undo``), not these, and the figures an approved budget change moved
are reversed by another budget change.

``user`` narrows to one officer's changes (the portfolio view undoes only the officer's own
last change); ``project_id`` to one project; ``kinds`` to some kinds (``spend undo``: money).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, or_, select
from sqlmodel import Session

from projtrack.core.money import format_rate, format_wan
from projtrack.errors import BadUsage, Conflict
from projtrack.i18n import t, term
from projtrack.store.models import (
    AnnualPlan,
    AuditLog,
    LedgerEntry,
    Milestone,
    ProgressEntry,
    Project,
)
from projtrack.store.repo import Store, os_user, record_audit

KINDS = ("money", "progress", "milestone", "plan", "phase", "remarks")
_ENTITY = {"ledger_entry": "money", "progress_entry": "progress", "milestone": "milestone",
           "annual_plan": "plan"}
# contexts of changes not undone here: an import's (import undo), the demo's, and the figures
# an approved budget change moved (a budget change is reversed by another one)
_NOT_OFFICERS = ("import:%", "undo-import:%", "demo", "budget:%")
_UNDID = re.compile(r"↩#(\d+)")
_BATCH = 50


@dataclass(frozen=True)
class Change:
    """One change on record, as undo names it."""

    audit_id: int
    project_id: int
    project: str
    kind: str  # one of KINDS
    field: str  # the audited field: 完成投资, 开工.actual, plan.2026, phase, remarks …
    old: str | None  # as audited (text)
    new: str | None
    user: str
    at: dt.datetime
    entity_id: int | None
    amount: Decimal | None = None  # money: the entry's amount
    day: dt.date | None = None  # money, progress: the entry's date
    stage: str | None = None  # progress
    percent: Decimal | None = None

    def describe(self, lang: str | None = None) -> str:
        """Project, kind, amount or values, date, who and when."""
        what = self._what(lang)
        return t("change.line", lang=lang, project=self.project, id=self.project_id, what=what,
                 user=self.user, at=f"{_local(self.at):%Y-%m-%d %H:%M}")

    def _what(self, lang: str | None) -> str:
        if self.kind == "money":
            return t("change.money", lang=lang, kind=term(self.field, lang),
                     amount=format_wan(self.amount), date=self.day.isoformat() if self.day else "",
                     entry=self.entity_id)
        if self.kind == "progress":
            return t("change.progress", lang=lang, stage=term(self.stage, lang) or "—",
                     percent=format_rate(self.percent, 0), date=self.day.isoformat()
                     if self.day else "", entry=self.entity_id)
        old, new = self.old or "—", self.new or "—"
        if self.kind == "milestone":
            name, which = self.field.split(".", 1)
            return t("change.milestone", lang=lang, milestone=term(name, lang),
                     which=t(f"field.{which}", lang=lang), old=old, new=new)
        if self.kind == "plan":
            return t("change.plan", lang=lang, year=self.field.removeprefix("plan."),
                     old=old, new=new)
        if self.kind == "phase":
            return t("change.phase", lang=lang, old=term(self.old, lang) or "—",
                     new=term(self.new, lang) or "—")
        return t("change.remarks", lang=lang, old=old, new=new)


@dataclass(frozen=True)
class Undone:
    change: Change
    record_id: int | None  # the reversal entry (money, progress), else the undo audit row's

    def describe(self, lang: str | None = None) -> str:
        return t("change.undone", lang=lang, change=self.change.describe(lang))


def _local(at: dt.datetime) -> dt.datetime:
    return at.replace(tzinfo=dt.UTC).astimezone() if at.tzinfo is None else at.astimezone()


def _kind(a: AuditLog) -> str | None:
    if a.entity == "project":
        return a.field if a.field in ("phase", "remarks") else None
    return _ENTITY.get(a.entity)


def _candidates(s: Session, project_id: int | None, user: str | None, kinds: tuple[str, ...],
                below: int | None):
    a = AuditLog
    entity = []
    for entity_name, kind in _ENTITY.items():
        if kind in kinds:
            entity.append(a.entity == entity_name)
    fields = [f for f in ("phase", "remarks") if f in kinds]
    if fields:
        entity.append(and_(a.entity == "project", a.field.in_(fields)))
    if not entity:
        return []
    stmt = (select(a).where(a.action.in_(("entry", "update")), or_(*entity),
                            a.project_id.is_not(None),
                            or_(a.context.is_(None), and_(*(~a.context.like(c)
                                                            for c in _NOT_OFFICERS))))
            .order_by(a.id.desc()).limit(_BATCH))
    if project_id is not None:
        stmt = stmt.where(a.project_id == project_id)
    if user is not None:
        stmt = stmt.where(a.user == user)
    if below is not None:
        stmt = stmt.where(a.id < below)
    return list(s.execute(stmt).scalars())


def _undone(s: Session, since_audit: int, since_ledger: int, since_progress: int
            ) -> tuple[set[int], set[int], set[int]]:
    """What is undone already: audit ids named by later undo rows, ledger and progress entries
    reversed by later entries (an undo is always newer than what it undid: id ranges only)."""
    audit = {int(m[1]) for (ctx,) in s.execute(
        select(AuditLog.context).where(AuditLog.id > since_audit,
                                       AuditLog.action.in_(("reverse", "undo")))).all()
        for m in [_UNDID.search(ctx or "")] if m}
    ledger = set(s.execute(select(LedgerEntry.reverses_id).where(
        LedgerEntry.id > since_ledger, LedgerEntry.reverses_id.is_not(None))).scalars())
    progress = set(s.execute(select(ProgressEntry.reverses_id).where(
        ProgressEntry.id > since_progress, ProgressEntry.reverses_id.is_not(None))).scalars())
    return audit, ledger, progress


def _find(s: Session, project_id: int | None, user: str | None,
          kinds: tuple[str, ...]) -> tuple[AuditLog, str] | None:
    below = None
    while True:
        rows = _candidates(s, project_id, user, kinds, below)
        if not rows:
            return None
        low = rows[-1].id
        ledger_ids = [r.entity_id for r in rows if r.entity == "ledger_entry" and r.entity_id]
        progress_ids = [r.entity_id for r in rows if r.entity == "progress_entry" and r.entity_id]
        undone, reversed_ledger, reversed_progress = _undone(
            s, low, min(ledger_ids, default=0), min(progress_ids, default=0))
        for r in rows:
            kind = _kind(r)
            if kind is None or r.id in undone:
                continue
            if r.entity == "ledger_entry" and r.entity_id in reversed_ledger:
                continue
            if r.entity == "progress_entry" and r.entity_id in reversed_progress:
                continue
            return r, kind
        below = low


def _change(s: Session, a: AuditLog, kind: str) -> Change:
    p = s.get(Project, a.project_id)
    name = p.name if p is not None else f"#{a.project_id}"
    base = dict(audit_id=a.id, project_id=a.project_id, project=name, kind=kind, field=a.field or "",
                old=a.old_value, new=a.new_value, user=a.user, at=a.at, entity_id=a.entity_id)
    if kind == "money":
        e = s.get(LedgerEntry, a.entity_id)
        if e is not None:
            return Change(**base, amount=e.amount, day=e.entry_date)
    if kind == "progress":
        e = s.get(ProgressEntry, a.entity_id)
        if e is not None:
            return Change(**base, day=e.entry_date, stage=e.stage, percent=e.percent)
    return Change(**base)


def _kinds(kinds: Iterable[str] | None) -> tuple[str, ...]:
    return tuple(kinds) if kinds is not None else KINDS


def last_change(store: Store, *, project_id: int | None = None, user: str | None = None,
                kinds: Iterable[str] | None = None) -> Change | None:
    """The change an undo would reverse now, or None."""
    with store.read() as s:
        found = _find(s, project_id, user, _kinds(kinds))
        return _change(s, *found) if found else None


def undo_change(store: Store, *, expected: int | None = None, project_id: int | None = None,
                user: str | None = None, kinds: Iterable[str] | None = None,
                origin: str = "cli") -> Undone:
    """Reverse the last change (see the module docstring), in one transaction.  ``expected``:
    the audit id of the change the officer was shown; when the last change is now another one
    (someone undid it meanwhile), nothing is done and Conflict names the new one."""
    with store.write() as s:
        found = _find(s, project_id, user, _kinds(kinds))
        if found is None:
            raise BadUsage("err.nothing_to_undo")
        a, kind = found
        change = _change(s, a, kind)
        if expected is not None and a.id != expected:
            raise Conflict("err.undo_moved", other=change.describe())
        ctx = f"{origin} ↩#{a.id}"
        if kind == "money":
            record_id = _reverse_money(s, a, ctx, origin)
        elif kind == "progress":
            record_id = _reverse_progress(s, a, ctx, origin)
        else:
            _set_back(s, a, kind, change, ctx)
            record_id = None
    return Undone(change, record_id)


def undo_last_entry(store: Store, project_id: int | None = None, *,
                    origin: str = "cli") -> Undone:
    """Reverse the last money entry (of a project, or of the database)."""
    return undo_change(store, project_id=project_id, kinds=("money",), origin=origin)


def _reverse_money(s: Session, a: AuditLog, ctx: str, origin: str) -> int:
    last = s.get(LedgerEntry, a.entity_id)
    if last is None:  # pragma: no cover - the ledger is append-only
        raise BadUsage("err.nothing_to_undo")
    rev = LedgerEntry(project_id=last.project_id, kind=last.kind, entry_date=last.entry_date,
                      amount=-last.amount, source=last.source, reverses_id=last.id,
                      note=f"撤销 #{last.id}" + (f" {last.note}" if last.note else ""),
                      origin=origin, created_by=os_user())
    s.add(rev)
    s.flush()
    record_audit(s, action="reverse", entity="ledger_entry", entity_id=rev.id,
                 project_id=last.project_id, field=last.kind,
                 old=f"#{last.id} {last.entry_date} {last.amount}", new=f"{-last.amount}",
                 context=ctx)
    assert rev.id is not None
    return rev.id


def _reverse_progress(s: Session, a: AuditLog, ctx: str, origin: str) -> int:
    last = s.get(ProgressEntry, a.entity_id)
    if last is None:  # pragma: no cover - progress entries are append-only
        raise BadUsage("err.nothing_to_undo")
    rev = ProgressEntry(project_id=last.project_id, entry_date=last.entry_date, stage=None,
                        percent=None, reverses_id=last.id, note=f"撤销 #{last.id}",
                        origin=origin, created_by=os_user())
    s.add(rev)
    s.flush()
    record_audit(s, action="reverse", entity="progress_entry", entity_id=rev.id,
                 project_id=last.project_id, field="形象进度",
                 old=f"#{last.id} {last.entry_date} {last.stage or ''} {last.percent}", new=None,
                 context=ctx)
    assert rev.id is not None
    return rev.id


def _text(value: object) -> str | None:
    from projtrack.core.money import to_plain

    if value is None:
        return None
    if isinstance(value, Decimal):
        return to_plain(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _set_back(s: Session, a: AuditLog, kind: str, change: Change, ctx: str) -> None:
    """Put the field back to its old value, if it still holds what the change wrote."""
    old = a.old_value
    if kind == "milestone":
        name, which = (a.field or "").split(".", 1)
        row = s.get(Milestone, a.entity_id)
        current = getattr(row, which) if row is not None else None
        value: object = dt.date.fromisoformat(old) if old else None
    elif kind == "plan":
        row = s.get(AnnualPlan, a.entity_id)
        current = row.amount if row is not None else None
        value = Decimal(old) if old else None
    else:
        row = s.get(Project, a.project_id)
        current = getattr(row, kind) if row is not None else None
        value = old
    if row is None or _text(current) != a.new_value:
        raise Conflict("err.undo_changed_since", change=change.describe(),
                       now=_text(current) or "—")
    record_audit(s, action="undo", entity=a.entity, entity_id=a.entity_id,
                 project_id=a.project_id, field=a.field, old=current, new=value, context=ctx)
    if kind == "plan" and value is None:
        s.delete(row)
    elif kind == "milestone":
        setattr(row, which, value)
    elif kind == "plan":
        row.amount = value
    else:
        setattr(row, kind, value)
        row.updated_at = dt.datetime.now(dt.UTC)
