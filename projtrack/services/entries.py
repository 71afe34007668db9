"""The verbs that change a project: ledger entries, progress, milestones, plans, phase, remarks.

Each verb is one transaction.  Editable records are checked against the version the caller
read (optimistic concurrency): a stale save raises Conflict naming the other change.
The ledger is append-only: corrections are new entries, undo a reversal (services.undo).
What an entry must have confirmed, and its plausibility warnings, are services.checks'.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from projtrack.core.money import ZERO, check_precision, format_wan
from projtrack.core.types import (
    ACTUAL,
    ENTRY_KINDS,
    FUND_SOURCES,
    FUNDS,
    MILESTONES,
    PHASES,
    STAGES,
)
from projtrack.errors import BadData, BadUsage, Conflict
from projtrack.services.checks import (
    BASES,
    Derived,
    date_issues,
    derive,
    echo,
    milestone_issues,
    money_issues,
    pending,
    progress_issues,
)
from projtrack.store.models import (
    AnnualPlan,
    AuditLog,
    LedgerEntry,
    Milestone,
    ProgressEntry,
    Project,
)
from projtrack.store.repo import Store, os_user, record_audit, to_facts
from projtrack.typed import CORRECTION, WARNING, Issue, Unconfirmed

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
    raise Conflict("err.conflict", other=_last_change(session, entity, project_id, field_like))


def _last_change(session: Session, entity: str, project_id: int, field_like: str | None) -> str:
    """The newest audited change of a record (see ``_check_version``), as the officer reads it."""
    which = (AuditLog.field.like(field_like) if field_like is not None
             else AuditLog.entity == entity)
    last = session.execute(
        select(AuditLog).where(AuditLog.project_id == project_id, which)
        .order_by(AuditLog.id.desc()).limit(1)
    ).scalar_one_or_none()
    return (f"{last.field}: {last.old_value} → {last.new_value} ({last.user}, "
            f"{last.at:%Y-%m-%d %H:%M})") if last else "?"


def _check_unchanged(session: Session, what: str, stored: object, expected: object,
                     entity: str, project_id: int, field_like: str | None) -> None:
    """Refuse a save whose caller said the stored value must still be ``expected``
    (``--if-unchanged``) when it is not, naming the value and its last change."""
    if expected is _UNSET or stored == expected:
        return
    raise Conflict("err.not_unchanged", what=what, stored=_shown(stored),
                   expected=_shown(expected),
                   other=_last_change(session, entity, project_id, field_like))


def _shown(value: object) -> str:
    if value is None:
        return "—"
    return format_wan(value) if isinstance(value, Decimal) else str(value)


@dataclass(frozen=True)
class Saved:
    """What a verb wrote (``record``, an ORM row) and the warnings it was saved with (the
    command line prints them; the forms asked first)."""

    record: Any
    warnings: tuple[Issue, ...] = ()


@dataclass(frozen=True)
class MoneyEntry(Saved):
    """A money entry as recorded: the row, and the amount as given and derived."""

    project: str = ""
    derived: Derived | None = None

    @property
    def entry(self) -> LedgerEntry:
        return self.record

    def echo(self, lang: str | None = None) -> str:
        e = self.record
        assert self.derived is not None
        return echo(e.kind, e.entry_date, self.derived, correction=e.correction, lang=lang)


def _settle(issues: list[Issue], *, force: bool, correction: bool, ask: bool) -> tuple[Issue, ...]:
    """Raise Unconfirmed for what is not confirmed; the warnings to report otherwise."""
    todo = pending(issues, force=force, correction=correction, ask=ask)
    if todo:
        raise Unconfirmed(todo)
    return tuple(i for i in issues if i.confirm == WARNING)


def _amounts(session: Session, project_id: int, kind: str, upto: dt.date
             ) -> list[tuple[dt.date, Decimal]]:
    return [(d, a) for d, a in session.execute(
        select(LedgerEntry.entry_date, LedgerEntry.amount)
        .where(LedgerEntry.project_id == project_id, LedgerEntry.kind == kind,
               LedgerEntry.entry_date <= upto)).all()]


def record_entry(store: Store, project_id: int, *, amount: Decimal, date: dt.date,
                 kind: str = ACTUAL, cumulative: str | None = None, source: str | None = None,
                 note: str | None = None, origin: str = "cli", force: bool = False,
                 correction: bool = False, ask: bool = False,
                 today: dt.date | None = None) -> MoneyEntry:
    """Append a money entry.  ``cumulative`` says how ``amount`` was given: None, the increment;
    "year" (本年累计), the series' total for the date's year up to the date; "total" (开累),
    its total since the project began (for 完成投资, prior actual included).  The increment is
    derived from what is on record up to the date, in this transaction.

    Refused unless confirmed (raises Unconfirmed, nothing written): a date before the start
    year or more than a week after ``today`` (``force``); a negative derived increment, or a
    cumulative that takes 开累 past 总投资 (``correction``; recorded as a correction).  A
    negative ``amount`` is refused, unless it is a ``correction``.  Warnings (an entry above
    half of 总投资, an increment that takes 开累 past it) are returned, or raised with
    ``ask`` (a form asks, then saves again without it)."""
    if kind not in ENTRY_KINDS:
        raise BadUsage("err.bad_kind", kind=kind, kinds="、".join(ENTRY_KINDS))
    if cumulative is not None and cumulative not in BASES:
        raise BadUsage("err.bad_basis", found=cumulative)
    if source is not None and kind != FUNDS:
        raise BadUsage("err.source_only_funds")
    if source is not None and source not in FUND_SOURCES:
        raise BadUsage("err.bad_source", source=source, sources="、".join(FUND_SOURCES))
    amount = check_precision(Decimal(amount))
    if amount < 0 and (cumulative is not None or not correction):
        raise BadData("err.negative_amount", found=amount)
    today = today or dt.date.today()
    with store.write() as s:
        p = _project(s, project_id)
        amounts = _amounts(s, project_id, kind, date)
        derived = derive(amount, cumulative, kind=kind, day=date, amounts=amounts,
                         prior=p.prior_actual)
        if cumulative and derived.increment == 0:
            raise BadData("err.cumulative_unchanged", total=format_wan(amount))
        actual = amounts if kind == ACTUAL else _amounts(s, project_id, ACTUAL, date)
        kailei = (p.prior_actual or ZERO) + sum((a for _, a in actual), ZERO)
        issues = date_issues(date, start_year=p.start_year, today=today) + \
            money_issues(to_facts(p), kind, derived, kailei_before=kailei)
        warnings = _settle(issues, force=force, correction=correction, ask=ask)
        is_correction = correction and (derived.increment < 0 or any(
            i.confirm == CORRECTION for i in issues))
        entry = LedgerEntry(project_id=project_id, kind=kind, entry_date=date,
                            amount=derived.increment,
                            entered_cumulative=amount if cumulative else None,
                            basis=cumulative, correction=is_correction, source=source,
                            note=note, origin=origin, created_by=os_user())
        s.add(entry)
        s.flush()
        record_audit(s, action="entry", entity="ledger_entry", entity_id=entry.id,
                     project_id=project_id, field=kind, new=f"{date} {derived.increment}",
                     context=origin)
    return MoneyEntry(entry, warnings, p.name, derived)


def last_percent(session: Session, project_id: int, upto: dt.date
                 ) -> tuple[dt.date, Decimal] | None:
    """The latest percent recorded up to ``upto`` (neither undone nor an undo), with its date."""
    e = ProgressEntry
    undone = select(e.reverses_id).where(e.reverses_id.is_not(None))
    row = session.execute(
        select(e.entry_date, e.percent)
        .where(e.project_id == project_id, e.entry_date <= upto, e.percent.is_not(None),
               e.reverses_id.is_(None), e.id.not_in(undone))
        .order_by(e.entry_date.desc(), e.id.desc()).limit(1)).first()
    return (row[0], row[1]) if row else None


def add_progress(store: Store, project_id: int, *, date: dt.date, stage: str | None,
                 percent: Decimal | None, note: str | None = None, origin: str = "cli",
                 force: bool = False, ask: bool = False, today: dt.date | None = None) -> Saved:
    """Record 形象进度.  A date outside the project's years needs ``force``; a percent below the
    last one is a warning (returned, or raised with ``ask``)."""
    if stage is not None and stage not in STAGES:
        raise BadUsage("err.bad_stage", stage=stage, stages="、".join(STAGES))
    if percent is not None and not (0 <= percent <= 1):
        raise BadData("err.bad_percent", found=percent)
    if stage is None and percent is None:
        raise BadUsage("err.progress_empty")
    today = today or dt.date.today()
    with store.write() as s:
        p = _project(s, project_id)
        issues = date_issues(date, start_year=p.start_year, today=today) + \
            progress_issues(percent, last_percent(s, project_id, date))
        warnings = _settle(issues, force=force, correction=False, ask=ask)
        entry = ProgressEntry(project_id=project_id, entry_date=date, stage=stage, percent=percent,
                              note=note, origin=origin, created_by=os_user())
        s.add(entry)
        s.flush()
        record_audit(s, action="entry", entity="progress_entry", entity_id=entry.id,
                     project_id=project_id, field="形象进度", new=f"{date} {stage or ''} {percent}",
                     context=origin)
    return Saved(entry, warnings)


def set_milestone(store: Store, project_id: int, name: str, *, planned=_UNSET, actual=_UNSET,
                  expected_version: int | None = None, expected: dict[str, object] | None = None,
                  origin: str = "cli", force: bool = False, ask: bool = False,
                  today: dt.date | None = None) -> Saved:
    """Set a milestone's planned and/or actual date (None clears it).  An actual date more than
    a week after today needs ``force``; dates out of the statutory order and 投用 planned after
    31 August of the end year are warnings (returned, or raised with ``ask``).

    ``expected_version`` is the milestone's version as the caller read it (0: it had no row
    yet); ``expected`` the dates ("planned", "actual") the caller says are stored now.  Either
    differing at the write is a Conflict naming the other change; nothing is written."""
    if name not in MILESTONES:
        raise BadUsage("err.bad_milestone", name=name, names="、".join(MILESTONES))
    if planned is _UNSET and actual is _UNSET:
        raise BadUsage("err.milestone_nothing")
    today = today or dt.date.today()
    try:
        with store.write() as s:
            p = _project(s, project_id)
            rows = {m.name: m for m in s.execute(
                select(Milestone).where(Milestone.project_id == project_id)).scalars()}
            m = rows.get(name)
            for fld, value in (expected or {}).items():
                _check_unchanged(s, f"{name}.{fld}", getattr(m, fld) if m else None, value,
                                 "milestone", project_id, f"{name}.{fld}")
            if m is not None:
                _check_version(s, "milestone", m, expected_version, project_id, f"{name}.%")
            else:  # no row yet: made now (a version read as 0 said so too)
                m = Milestone(project_id=project_id, name=name, seq=MILESTONES.index(name))
                s.add(m)
                s.flush()
            new = {"planned": m.planned, "actual": m.actual}
            for fld, value in (("planned", planned), ("actual", actual)):
                if value is not _UNSET:
                    new[fld] = value
            changed = [fld for fld in ("planned", "actual") if new[fld] != getattr(m, fld)]
            issues = []
            if "actual" in changed and new["actual"] is not None:
                issues += date_issues(new["actual"], start_year=None, today=today,
                                      field="actual", before_start=False)
            dates = {n: (r.planned, r.actual) for n, r in rows.items()}
            dates[name] = (new["planned"], new["actual"])
            issues += milestone_issues(name, dates, changed, p.end_year)
            warnings = _settle(issues, force=force, correction=False, ask=ask)
            for fld in changed:
                record_audit(s, action="update", entity="milestone", entity_id=m.id,
                             project_id=project_id, field=f"{name}.{fld}", old=getattr(m, fld),
                             new=new[fld], context=origin)
                setattr(m, fld, new[fld])
    except StaleDataError as exc:
        raise Conflict("err.conflict", other=name) from exc
    return Saved(m, warnings)


def set_plan(store: Store, project_id: int, year: int, amount: Decimal, *,
             expected_version: int | None = None, expected_amount: object = _UNSET,
             origin: str = "cli") -> AnnualPlan:
    """Set a year's plan.  ``expected_version``: the plan's version as the caller read it (0:
    none yet); ``expected_amount``: the amount the caller says is stored (None: none).  Either
    differing at the write is a Conflict naming the other change; nothing is written."""
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
            _check_unchanged(s, f"plan.{year}", row.amount if row else None, expected_amount,
                             "annual_plan", project_id, f"plan.{year}")
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
                   expected: dict[str, object] | None = None, origin: str = "cli",
                   **changes: object) -> Project:
    """Change editable project fields (phase, remarks, prior_actual, project_code …).
    ``expected_version``: the project's version as the caller read it; ``expected``: the values
    the caller says are stored now; either differing at the write is a Conflict."""
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
            for fld, value in (expected or {}).items():
                _check_unchanged(s, fld, getattr(p, fld), value, "project", project_id, fld)
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
