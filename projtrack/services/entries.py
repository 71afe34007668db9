"""The verbs that change a project: ledger entries, progress, milestones, plans, phase, remarks.

Each verb is one transaction.  Editable records are checked against the version the caller
read (optimistic concurrency): a stale save raises Conflict naming the other change.
The ledger is append-only: corrections and undo are reversal entries.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from projtrack.core.money import check_precision
from projtrack.core.types import ENTRY_KINDS, FUND_SOURCES, FUNDS, MILESTONES, PHASES, STAGES
from projtrack.errors import BadData, BadUsage, Conflict
from projtrack.store.models import (
    AnnualPlan,
    AuditLog,
    LedgerEntry,
    Milestone,
    ProgressEntry,
    Project,
)
from projtrack.store.repo import Store, os_user, record_audit

_UNSET = object()


def resolve_project(store: Store, ref: str | int) -> int:
    """An id, a name, or a unique part of a name → the project's id."""
    if isinstance(ref, int):
        if store.project(ref) is None:
            raise BadUsage("err.project_not_found", ref=ref)
        return ref
    text = str(ref).strip()
    if not text:
        raise BadUsage("err.project_not_found", ref=ref)
    matches = store.find(text)
    if not matches:
        raise BadUsage("err.project_not_found", ref=text)
    if len(matches) > 1:
        listing = "\n".join(f"  {pid}  {name}" for pid, name in matches[:20])
        more = f"\n  … (+{len(matches) - 20})" if len(matches) > 20 else ""
        raise BadUsage("err.project_ambiguous", ref=text, n=len(matches), matches=listing + more)
    return matches[0][0]


def _project(session: Session, project_id: int) -> Project:
    p = session.get(Project, project_id)
    if p is None:
        raise BadUsage("err.project_not_found", ref=project_id)
    return p


def _check_version(session: Session, entity: str, row, expected: int | None, project_id: int,
                   field_like: str | None = None) -> None:
    """Refuse a save based on a stale read, naming the newest change of *that* record (a
    milestone's or a year plan's audit field is ``<name>.…`` / ``plan.<year>``; an import writes a
    plan change as entity "project", so records with a field pattern match on it alone)."""
    if expected is None or row.version == expected:
        return
    which = (AuditLog.field.like(field_like) if field_like is not None
             else AuditLog.entity == entity)
    last = session.execute(
        select(AuditLog).where(AuditLog.project_id == project_id, which)
        .order_by(AuditLog.id.desc()).limit(1)
    ).scalar_one_or_none()
    other = (f"{last.field}: {last.old_value} → {last.new_value} ({last.user}, "
             f"{last.at:%Y-%m-%d %H:%M})") if last else "?"
    raise Conflict("err.conflict", other=other)


def _sum_kind(session: Session, project_id: int, kind: str, upto: dt.date) -> Decimal:
    from sqlalchemy import type_coerce

    from projtrack.store.types import Scaled

    total = session.execute(
        select(type_coerce(func.coalesce(func.sum(LedgerEntry.amount), 0), Scaled(6)))
        .where(LedgerEntry.project_id == project_id, LedgerEntry.kind == kind,
               LedgerEntry.entry_date <= upto)
    ).scalar_one()
    return total or Decimal(0)


def record_entry(store: Store, project_id: int, *, amount: Decimal, date: dt.date,
                 kind: str = "完成投资", cumulative: bool = False, source: str | None = None,
                 note: str | None = None, origin: str = "cli") -> LedgerEntry:
    """Append a money entry.  With ``cumulative`` the amount is the new cumulative total of the
    series as of ``date`` and the increment is derived from the entries up to that date."""
    if kind not in ENTRY_KINDS:
        raise BadUsage("err.bad_kind", kind=kind, kinds="、".join(ENTRY_KINDS))
    if source is not None and kind != FUNDS:
        raise BadUsage("err.source_only_funds")
    if source is not None and source not in FUND_SOURCES:
        raise BadUsage("err.bad_source", source=source, sources="、".join(FUND_SOURCES))
    amount = check_precision(Decimal(amount))
    if amount < 0:
        raise BadData("err.negative_amount", found=amount)
    with store.write() as s:
        _project(s, project_id)
        entered = None
        if cumulative:
            entered = amount
            amount = amount - _sum_kind(s, project_id, kind, date)
            if amount == 0:
                raise BadData("err.cumulative_unchanged", total=entered)
        entry = LedgerEntry(project_id=project_id, kind=kind, entry_date=date, amount=amount,
                            entered_cumulative=entered, source=source, note=note, origin=origin,
                            created_by=os_user())
        s.add(entry)
        s.flush()
        record_audit(s, action="entry", entity="ledger_entry", entity_id=entry.id,
                     project_id=project_id, field=kind, new=f"{date} {amount}", context=origin)
    return entry


def undo_last_entry(store: Store, project_id: int | None = None, *, origin: str = "cli") -> LedgerEntry:
    """Reverse the newest entry (of a project, or of the database) that is neither a reversal
    nor already reversed: a new entry of the opposite amount, on the same date."""
    with store.write() as s:
        reversed_ids = select(LedgerEntry.reverses_id).where(LedgerEntry.reverses_id.is_not(None))
        stmt = (select(LedgerEntry).where(LedgerEntry.reverses_id.is_(None),
                                          LedgerEntry.id.not_in(reversed_ids))
                .order_by(LedgerEntry.id.desc()).limit(1))
        if project_id is not None:
            stmt = stmt.where(LedgerEntry.project_id == project_id)
        last = s.execute(stmt).scalar_one_or_none()
        if last is None:
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
                     context=origin)
    return rev


def add_progress(store: Store, project_id: int, *, date: dt.date, stage: str | None,
                 percent: Decimal | None, note: str | None = None, origin: str = "cli") -> ProgressEntry:
    if stage is not None and stage not in STAGES:
        raise BadUsage("err.bad_stage", stage=stage, stages="、".join(STAGES))
    if percent is not None and not (0 <= percent <= 1):
        raise BadData("err.bad_percent", found=percent)
    if stage is None and percent is None:
        raise BadUsage("err.progress_empty")
    with store.write() as s:
        _project(s, project_id)
        entry = ProgressEntry(project_id=project_id, entry_date=date, stage=stage, percent=percent,
                              note=note, origin=origin, created_by=os_user())
        s.add(entry)
        s.flush()
        record_audit(s, action="entry", entity="progress_entry", entity_id=entry.id,
                     project_id=project_id, field="形象进度", new=f"{date} {stage or ''} {percent}",
                     context=origin)
    return entry


def set_milestone(store: Store, project_id: int, name: str, *, planned=_UNSET, actual=_UNSET,
                  expected_version: int | None = None, origin: str = "cli") -> Milestone:
    if name not in MILESTONES:
        raise BadUsage("err.bad_milestone", name=name, names="、".join(MILESTONES))
    if planned is _UNSET and actual is _UNSET:
        raise BadUsage("err.milestone_nothing")
    try:
        with store.write() as s:
            _project(s, project_id)
            m = s.execute(select(Milestone).where(Milestone.project_id == project_id,
                                                  Milestone.name == name)).scalar_one_or_none()
            if m is None:
                m = Milestone(project_id=project_id, name=name, seq=MILESTONES.index(name))
                s.add(m)
                s.flush()
            _check_version(s, "milestone", m, expected_version, project_id, f"{name}.%")
            for fld, value in (("planned", planned), ("actual", actual)):
                if value is _UNSET or getattr(m, fld) == value:
                    continue
                record_audit(s, action="update", entity="milestone", entity_id=m.id,
                             project_id=project_id, field=f"{name}.{fld}", old=getattr(m, fld),
                             new=value, context=origin)
                setattr(m, fld, value)
    except StaleDataError as exc:
        raise Conflict("err.conflict", other=name) from exc
    return m


def set_plan(store: Store, project_id: int, year: int, amount: Decimal, *,
             expected_version: int | None = None, origin: str = "cli") -> AnnualPlan:
    if not 1900 < year < 2200:
        raise BadUsage("err.bad_year", year=year)
    amount = check_precision(Decimal(amount))
    if amount < 0:
        raise BadData("err.negative_amount", found=amount)
    try:
        with store.write() as s:
            _project(s, project_id)
            row = s.execute(select(AnnualPlan).where(AnnualPlan.project_id == project_id,
                                                     AnnualPlan.year == year)).scalar_one_or_none()
            old = None
            if row is None:
                row = AnnualPlan(project_id=project_id, year=year, amount=amount)
                s.add(row)
                s.flush()
            else:
                _check_version(s, "annual_plan", row, expected_version, project_id,
                               f"plan.{year}")
                old = row.amount
                if old == amount:
                    return row
                row.amount = amount
            record_audit(s, action="update", entity="annual_plan", entity_id=row.id,
                         project_id=project_id, field=f"plan.{year}", old=old, new=amount,
                         context=origin)
    except StaleDataError as exc:
        raise Conflict("err.conflict", other=f"plan.{year}") from exc
    return row


def update_project(store: Store, project_id: int, *, expected_version: int | None = None,
                   origin: str = "cli", **changes: object) -> Project:
    """Change editable project fields (phase, remarks, prior_actual, project_code …)."""
    if "phase" in changes and changes["phase"] not in PHASES:
        raise BadUsage("err.bad_phase", phase=changes["phase"], phases="、".join(PHASES))
    editable = {"phase", "remarks", "prior_actual", "project_code", "responsible_unit",
                "township", "total_investment", "new_places", "land_mu", "floor_area_m2"}
    unknown = set(changes) - editable
    if unknown:
        raise BadUsage("err.not_editable", fields=", ".join(sorted(unknown)))
    try:
        with store.write() as s:
            p = _project(s, project_id)
            _check_version(s, "project", p, expected_version, project_id)
            changed = False
            for fld, value in changes.items():
                old = getattr(p, fld)
                if old == value:
                    continue
                record_audit(s, action="update", entity="project", entity_id=p.id,
                             project_id=p.id, field=fld, old=old, new=value, context=origin)
                setattr(p, fld, value)
                changed = True
            if changed:
                p.updated_at = dt.datetime.now(dt.UTC)
    except StaleDataError as exc:
        raise Conflict("err.conflict", other=", ".join(changes)) from exc
    return p
