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
from typing import Final, Generic, TypeVar, cast

from projtrack.core.money import ZERO, check_precision, format_wan
from projtrack.core.records import AuditRecord, LedgerRecord, ProgressRecord
from projtrack.core.types import (
    ACTUAL,
    ENTRY_KINDS,
    FUND_SOURCES,
    FUNDS,
    MILESTONES,
    PHASES,
    STAGES,
    MilestoneFacts,
    ProjectFacts,
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
from projtrack.services.roles import require_fill
from projtrack.store.edits import Edits, edits_write
from projtrack.store.ledger import NewEntry, NewProgress, ledger_write
from projtrack.store.repo import Store
from projtrack.typed import CORRECTION, WARNING, Concern, Unconfirmed

_UNSET = object()
UNSET: Final = _UNSET  # a keyword not given: the value is kept
R = TypeVar("R")


def resolve_project(store: Store, ref: str | int) -> int:
    """An id, a name, or a unique part of a name → the project's id; "COUNTY/NAME" looks in
    that county only (a name two counties share is otherwise ambiguous, both listed)."""
    if isinstance(ref, int):
        if store.project(ref) is None:
            raise BadUsage("err.project_not_found", ref=ref)
        return ref
    text = str(ref).strip()
    if not text:
        raise BadUsage("err.project_not_found", ref=ref)
    matches = store.find(text)
    county, slash, rest = text.partition("/")
    if not matches and slash and county and rest:  # "苍南县/城关第一小学": that county's
        found = store.find(rest)
        counties = {p.id: p.county for p in store.projects(
            include_withdrawn=True, project_ids=[pid for pid, _ in found])}
        matches = [(pid, name) for pid, name in found if counties.get(pid) == county.strip()]
    if not matches:
        raise BadUsage("err.project_not_found", ref=text)
    if len(matches) > 1:  # (two counties may each have a project of the name: say whose)
        counties = {p.id: p.county for p in store.projects(
            include_withdrawn=True, project_ids=[pid for pid, _ in matches[:20]])}
        listing = "\n".join(f"  {pid}  {name}" + (f"  ({counties[pid]})" if counties.get(pid) else "")
                            for pid, name in matches[:20])
        more = f"\n  … (+{len(matches) - 20})" if len(matches) > 20 else ""
        raise BadUsage("err.project_ambiguous", ref=text, n=len(matches), matches=listing + more)
    return matches[0][0]


def _check_version(w: Edits, entity: str, version: int, expected: int | None,
                   project_id: int, field_like: str | None = None) -> None:
    """Refuse a save based on a stale read, naming the newest change of *that* record (a
    milestone's or a year plan's audit field is ``<name>.…`` / ``plan.<year>``; an import writes a
    plan change as entity "project", so records with a field pattern match on it alone)."""
    if expected is None or version == expected:
        return
    raise Conflict("err.conflict", other=_last_change(w, entity, project_id, field_like))


def _last_change(w: Edits, entity: str, project_id: int, field_like: str | None) -> str:
    """The newest audited change of a record (see ``_check_version``), as the officer reads it."""
    last: AuditRecord | None = w.last_change(project_id, entity=entity, field_like=field_like)
    return (f"{last.field}: {last.old_value} → {last.new_value} ({last.user}, "
            f"{last.at:%Y-%m-%d %H:%M})") if last else "?"


def _check_unchanged(w: Edits, what: str, stored: object, expected: object,
                     entity: str, project_id: int, field_like: str | None) -> None:
    """Refuse a save whose caller said the stored value must still be ``expected``
    (``--if-unchanged``) when it is not, naming the value and its last change."""
    if expected is _UNSET or stored == expected:
        return
    raise Conflict("err.not_unchanged", what=what, stored=_shown(stored),
                   expected=_shown(expected),
                   other=_last_change(w, entity, project_id, field_like))


def _shown(value: object) -> str:
    if value is None:
        return "—"
    return format_wan(value) if isinstance(value, Decimal) else str(value)


@dataclass(frozen=True)
class Saved(Generic[R]):
    """What a verb wrote (``record``: a ledger or 形象进度 record, a milestone) and the
    warnings it was saved with (the command line prints them; the forms asked first)."""

    record: R
    warnings: tuple[Concern, ...] = ()


@dataclass(frozen=True)
class MoneyEntry(Saved[LedgerRecord]):
    """A money entry as recorded: the record, and the amount as given and derived."""

    project: str = ""
    derived: Derived | None = None

    @property
    def entry(self) -> LedgerRecord:
        return self.record

    def echo(self, lang: str | None = None) -> str:
        e = self.record
        assert self.derived is not None
        return echo(e.kind, e.entry_date, self.derived, correction=e.correction, lang=lang)


def _settle(issues: list[Concern], *, force: bool, correction: bool, ask: bool) -> tuple[Concern, ...]:
    """Raise Unconfirmed for what is not confirmed; the warnings to report otherwise."""
    todo = pending(issues, force=force, correction=correction, ask=ask)
    if todo:
        raise Unconfirmed(todo)
    return tuple(i for i in issues if i.confirm == WARNING)


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
    with ledger_write(store) as w:  # the read, the derivation and the append: one transaction
        p = w.project(project_id)
        require_fill(store, p, "record_spend")
        amounts = w.amounts(project_id, kind, date)
        derived = derive(amount, cumulative, kind=kind, day=date, amounts=amounts,
                         prior=p.prior_actual)
        if cumulative and derived.increment == 0:
            raise BadData("err.cumulative_unchanged", total=format_wan(amount))
        actual = amounts if kind == ACTUAL else w.amounts(project_id, ACTUAL, date)
        kailei = (p.prior_actual or ZERO) + sum((a for _, a in actual), ZERO)
        issues = date_issues(date, start_year=p.start_year, today=today) + \
            money_issues(p, kind, derived, kailei_before=kailei)
        warnings = _settle(issues, force=force, correction=correction, ask=ask)
        is_correction = correction and (derived.increment < 0 or any(
            i.confirm == CORRECTION for i in issues))
        entry = w.add_entry(NewEntry(
            project_id=project_id, kind=kind, date=date, amount=derived.increment,
            entered_cumulative=amount if cumulative else None, basis=cumulative,
            correction=is_correction, source=source, note=note, origin=origin))
    return MoneyEntry(entry, warnings, p.name, derived)


def add_progress(store: Store, project_id: int, *, date: dt.date, stage: str | None,
                 percent: Decimal | None, note: str | None = None, origin: str = "cli",
                 force: bool = False, ask: bool = False,
                 today: dt.date | None = None) -> Saved[ProgressRecord]:
    """Record 形象进度.  A date outside the project's years needs ``force``; a percent below the
    last one is a warning (returned, or raised with ``ask``)."""
    if stage is not None and stage not in STAGES:
        raise BadUsage("err.bad_stage", stage=stage, stages="、".join(STAGES))
    if percent is not None and not (0 <= percent <= 1):
        raise BadData("err.bad_percent", found=percent)
    if stage is None and percent is None:
        raise BadUsage("err.progress_empty")
    today = today or dt.date.today()
    with ledger_write(store) as w:
        p = w.project(project_id)
        require_fill(store, p, "add_progress")
        issues = date_issues(date, start_year=p.start_year, today=today) + \
            progress_issues(percent, w.last_percent(project_id, date))
        warnings = _settle(issues, force=force, correction=False, ask=ask)
        entry = w.add_progress(NewProgress(project_id=project_id, date=date, stage=stage,
                                           percent=percent, note=note, origin=origin))
    return Saved(entry, warnings)


def set_milestone(store: Store, project_id: int, name: str, *, planned: object = _UNSET,
                  actual: object = _UNSET, expected_version: int | None = None,
                  expected: dict[str, object] | None = None, origin: str = "cli",
                  force: bool = False, ask: bool = False,
                  today: dt.date | None = None) -> Saved[MilestoneFacts]:
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
    with edits_write(store, what=name) as w:
        p, _ = w.project(project_id)
        require_fill(store, p, "set_milestone")
        rows = w.milestones(project_id)
        stored = rows.get(name)
        m = stored[0] if stored else MilestoneFacts(project_id, name)
        for fld, value in (expected or {}).items():
            _check_unchanged(w, f"{name}.{fld}", getattr(m, fld) if stored else None, value,
                             "milestone", project_id, f"{name}.{fld}")
        if stored is not None:
            _check_version(w, "milestone", stored[1], expected_version, project_id, f"{name}.%")
        new: dict[str, dt.date | None] = {"planned": m.planned, "actual": m.actual}
        for fld, value in (("planned", planned), ("actual", actual)):
            if value is not _UNSET:
                new[fld] = cast("dt.date | None", value)
        changed = [fld for fld in ("planned", "actual") if new[fld] != getattr(m, fld)]
        issues: list[Concern] = []
        new_actual = new["actual"]
        if "actual" in changed and new_actual is not None:
            issues += date_issues(new_actual, start_year=None, today=today,
                                  field="actual", before_start=False)
        dates = {n: (r.planned, r.actual) for n, (r, _) in rows.items()}
        dates[name] = (new["planned"], new["actual"])
        issues += milestone_issues(name, dates, changed, p.end_year)
        warnings = _settle(issues, force=force, correction=False, ask=ask)
        saved = w.set_milestone(project_id, name, {fld: new[fld] for fld in changed},
                                context=origin)
    return Saved(saved, warnings)


def set_plan(store: Store, project_id: int, year: int, amount: Decimal, *,
             expected_version: int | None = None, expected_amount: object = _UNSET,
             origin: str = "cli") -> Decimal:
    """Set a year's plan; returns the amount stored.  ``expected_version``: the plan's version
    as the caller read it (0: none yet); ``expected_amount``: the amount the caller says is
    stored (None: none).  Either differing at the write is a Conflict naming the other change;
    nothing is written."""
    if not 1900 < year < 2200:
        raise BadUsage("err.bad_year", year=year)
    amount = check_precision(Decimal(amount))
    if amount < 0:
        raise BadData("err.negative_amount", found=amount)
    with edits_write(store, what=f"plan.{year}") as w:
        w.project(project_id)
        stored = w.plan(project_id, year)
        _check_unchanged(w, f"plan.{year}", stored[0] if stored else None, expected_amount,
                         "annual_plan", project_id, f"plan.{year}")
        if stored is not None:
            _check_version(w, "annual_plan", stored[1], expected_version, project_id,
                           f"plan.{year}")
        return w.set_plan(project_id, year, amount, context=origin)


EDITABLE = frozenset({"phase", "remarks", "prior_actual", "project_code", "responsible_unit",
                      "township", "total_investment", "new_places", "land_mu", "floor_area_m2"})


def update_project(store: Store, project_id: int, *, expected_version: int | None = None,
                   expected: dict[str, object] | None = None, origin: str = "cli",
                   **changes: object) -> ProjectFacts:
    """Change editable project fields (phase, remarks, prior_actual, project_code …); returns
    the project as changed (its plans left out).  ``expected_version``: the project's version
    as the caller read it; ``expected``: the values the caller says are stored now; either
    differing at the write is a Conflict."""
    if "phase" in changes and changes["phase"] not in PHASES:
        raise BadUsage("err.bad_phase", phase=changes["phase"], phases="、".join(PHASES))
    unknown = set(changes) - EDITABLE
    if unknown:
        raise BadUsage("err.not_editable", fields=", ".join(sorted(unknown)))
    with edits_write(store, what=", ".join(changes)) as w:
        p, version = w.project(project_id)
        for fld, value in (expected or {}).items():
            _check_unchanged(w, fld, getattr(p, fld), value, "project", project_id, fld)
        _check_version(w, "project", version, expected_version, project_id)
        return w.update_project(project_id, changes, context=origin)


# --- what the front ends read before they call the verbs above -------------------------------

def record_versions(store: Store, project_id: int) -> dict[str, int]:
    """The version of each editable record of a project ("project", "milestone:<name>",
    "plan:<year>"), read as a command starts: passed back as ``expected_version``, the write
    refuses a record changed meanwhile."""
    return store.versions(project_id)


def project_entries(store: Store, project_id: int, kind: str | None = None
                    ) -> tuple[ProjectFacts, list[LedgerRecord]]:
    """A project and its money entries (only ``kind``'s when given), oldest first, read
    together (``spend list``)."""
    with store.consistent():
        facts = store.project(project_id)
        if facts is None:
            raise BadUsage("err.project_not_found", ref=project_id)
        return facts, store.entries(project_id, kind)


@dataclass(frozen=True)
class EntryContext:
    """What a data-entry form on one project reads as it opens, in one snapshot: the project,
    the version of each editable record (passed back as ``expected_version``), its milestones
    by name and its money entries as (kind, date, amount)."""

    facts: ProjectFacts
    versions: dict[str, int]
    milestones: dict[str, MilestoneFacts]
    ledger: tuple[tuple[str, dt.date, Decimal], ...] = ()


def entry_context(store: Store, project_id: int) -> EntryContext | None:
    """The ``EntryContext`` of a project, None when there is no such project."""
    with store.consistent():
        facts = store.project(project_id)
        if facts is None:
            return None
        versions = store.versions(project_id)
        ms = {m.name: m for m in store.milestones([project_id]).get(project_id, [])}
        ledger = tuple((e.kind, e.entry_date, e.amount) for e in store.entries(project_id))
    return EntryContext(facts, versions, ms, ledger)
