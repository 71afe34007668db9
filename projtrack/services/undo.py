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
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from projtrack.core.money import format_rate, format_wan, to_plain
from projtrack.core.records import AuditRecord, LedgerRecord, ProgressRecord
from projtrack.errors import BadUsage, Conflict
from projtrack.i18n import t, term
from projtrack.store.repo import Store
from projtrack.store.undo import UndoWork, undo_read, undo_write

KINDS = ("money", "progress", "milestone", "plan", "phase", "remarks")


@dataclass(frozen=True)
class UndoableChange:
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
    change: UndoableChange
    record_id: int | None  # the reversal entry (money, progress), else the undo audit row's

    def describe(self, lang: str | None = None) -> str:
        return t("change.undone", lang=lang, change=self.change.describe(lang))


def _local(at: dt.datetime) -> dt.datetime:
    return at.replace(tzinfo=dt.UTC).astimezone() if at.tzinfo is None else at.astimezone()


def _change(w: UndoWork, a: AuditRecord, kind: str) -> UndoableChange:
    assert a.project_id is not None
    name = w.project_name(a.project_id) or f"#{a.project_id}"
    e = w.entry(a) if kind in ("money", "progress") else None
    amount = e.amount if isinstance(e, LedgerRecord) else None
    day = e.entry_date if e is not None else None
    stage, percent = (e.stage, e.percent) if isinstance(e, ProgressRecord) else (None, None)
    return UndoableChange(audit_id=a.id, project_id=a.project_id, project=name, kind=kind,
                  field=a.field or "", old=a.old_value, new=a.new_value, user=a.user, at=a.at,
                  entity_id=a.entity_id, amount=amount, day=day, stage=stage, percent=percent)


def _kinds(kinds: Iterable[str] | None) -> tuple[str, ...]:
    return tuple(kinds) if kinds is not None else KINDS


def last_change(store: Store, *, project_id: int | None = None, user: str | None = None,
                kinds: Iterable[str] | None = None) -> UndoableChange | None:
    """The change an undo would reverse now, or None."""
    with undo_read(store) as w:
        found = w.find(project_id, user, _kinds(kinds))
        return _change(w, *found) if found else None


def undo_change(store: Store, *, expected: int | None = None, project_id: int | None = None,
                user: str | None = None, kinds: Iterable[str] | None = None,
                origin: str = "cli") -> Undone:
    """Reverse the last change (see the module docstring), in one transaction.  ``expected``:
    the audit id of the change the officer was shown; when the last change is now another one
    (someone undid it meanwhile), nothing is done and Conflict names the new one."""
    with undo_write(store) as w:
        found = w.find(project_id, user, _kinds(kinds))
        if found is None:
            raise BadUsage("err.nothing_to_undo")
        a, kind = found
        change = _change(w, a, kind)
        if expected is not None and a.id != expected:
            raise Conflict("err.undo_moved", other=change.describe())
        ctx = f"{origin} ↩#{a.id}"
        record_id: int | None = None
        if kind == "money":
            record_id = w.reverse_money(a, context=ctx, origin=origin)
        elif kind == "progress":
            record_id = w.reverse_progress(a, context=ctx, origin=origin)
        else:
            _set_back(w, a, kind, change, ctx)
    return Undone(change, record_id)


def undo_last_entry(store: Store, project_id: int | None = None, *,
                    origin: str = "cli") -> Undone:
    """Reverse the last money entry (of a project, or of the database)."""
    return undo_change(store, project_id=project_id, kinds=("money",), origin=origin)


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return to_plain(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _set_back(w: UndoWork, a: AuditRecord, kind: str, change: UndoableChange, ctx: str) -> None:
    """Put the field back to its old value, if it still holds what the change wrote."""
    old = a.old_value
    value: object
    if kind == "milestone":
        value = dt.date.fromisoformat(old) if old else None
    elif kind == "plan":
        value = Decimal(old) if old else None
    else:
        value = old
    exists, current = w.current(a, kind)
    if not exists or _text(current) != a.new_value:
        raise Conflict("err.undo_changed_since", change=change.describe(),
                       now=_text(current) or "—")
    w.set_back(a, kind, value, current=current, context=ctx)
