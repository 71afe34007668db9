"""Planning a progress import against the database, and applying the plan in one transaction.

Entries are dated the day the sheet's figures refer to: the as-of date its template was made
at (the week's last day, or an earlier day of the week), so that the figures of that day
include them.  What makes an import safe to repeat:
- 本周完成投资: one answer per project and week.  The same amount again (the same file twice,
  a re-saved copy, two senders agreeing) records nothing; a different amount is an error
  naming the cell and the amount on record (correct it with ``spend undo`` / ``spend add``).
- 累计完成投资: the increment over what is recorded up to the week's last day; the same total
  again is an increment of 0 and records nothing; a total below what is recorded is an error.
- 形象进度: nothing when the same stage and percent are already recorded for that date.
- A milestone date: nothing when the same date is recorded; another date is an error.
Each recorded entry carries its origin "progress:<week>:<sha256 of the file>:<sheet>!<row>".
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import cast

from projtrack.core.cumulative import derive
from projtrack.core.money import ZERO, format_wan
from projtrack.core.records import LedgerRecord, ProgressRecord
from projtrack.core.terms import Status
from projtrack.core.text import clean_name
from projtrack.core.types import ACTUAL, ProjectFacts
from projtrack.i18n import t
from projtrack.progress_io.reader import FilledRow, ReturnedFile, SheetProblem
from projtrack.store.ledger import Ledger, NewEntry, NewProgress

PREFIX = "progress:"


@dataclass(frozen=True)
class Action:
    kind: str  # actual | progress | milestone
    project_id: int
    project: str
    cell: str  # "file Sheet!K7"
    date: dt.date
    origin: str
    amount: Decimal | None = None  # actual: the increment recorded
    entered_cumulative: Decimal | None = None  # actual: the total the sheet gave
    total_after: Decimal | None = None  # actual: Σ 完成投资 to the date, after this entry
    stage: str | None = None
    percent: Decimal | None = None
    milestone: str | None = None
    note: str | None = None
    basis: str | None = None  # actual: how the cumulative was given (None, year, total)


@dataclass(frozen=True)
class Skip:
    project_id: int
    project: str
    cell: str
    key: str
    params: dict = field(default_factory=dict)


@dataclass
class ProgressPlan:
    files: list[ReturnedFile] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)
    errors: list[SheetProblem] = field(default_factory=list)
    warnings: list[SheetProblem] = field(default_factory=list)
    imported_before: dict[str, dt.datetime] = field(default_factory=dict)  # file → when
    # projects that changed between the plan and the write, planned again in the write
    # transaction: "#12 name (完成投资 #812 wang)"
    rechecked: list[str] = field(default_factory=list)


def _origin(f: ReturnedFile, r: FilledRow) -> str:
    return f"{PREFIX}{f.period}:{f.sha256}:{r.sheet}!{r.row}"


class _Planner:
    def __init__(self, ledger: Ledger):
        self.ledger = ledger
        self.plan = ProgressPlan()
        self.batch_actual: list[tuple[int, dt.date, Decimal]] = []
        self.weekly: dict[tuple[int, str], tuple[Decimal, str]] = {}
        self.progress: set[tuple[int, dt.date, str | None, Decimal | None]] = set()
        self.milestones: dict[tuple[int, str], tuple[dt.date, str]] = {}

    # --- what the database holds -------------------------------------------------------------
    def total_actual(self, pid: int, upto: dt.date) -> Decimal:
        db = self.ledger.total(pid, ACTUAL, upto)
        return db + sum((a for p, d, a in self.batch_actual if p == pid and d <= upto), ZERO)

    def weekly_on_record(self, pid: int, period: str) -> Decimal | None:
        rows = self.ledger.unreversed_amounts(pid, ACTUAL, f"{PREFIX}{period}:%")
        return sum(rows, ZERO) if rows else None

    def progress_on_record(self, pid: int, day: dt.date, stage: str | None,
                           percent: Decimal | None) -> bool:
        return any(s == stage and p == percent for s, p in self.ledger.progress_on(pid, day))

    # --- one row -------------------------------------------------------------------------------
    def row(self, f: ReturnedFile, r: FilledRow) -> None:
        p = self.ledger.find_project(r.project_id)
        where_a = f"{f.name} {r.cell_a}"
        if p is None:
            self.plan.errors.append(SheetProblem(f.name, r.cell_a, "progress.err.unknown_project",
                                            {"found": r.project_id}))
            return
        if p.status == Status.WITHDRAWN:
            self.plan.errors.append(SheetProblem(f.name, r.cell_a, "progress.err.withdrawn",
                                            {"found": r.project_id, "name": p.name}))
            return
        if r.matched_by == "id" and r.name.strip() and clean_name(r.name) != clean_name(p.name):
            self.plan.errors.append(SheetProblem(f.name, r.cell_a, "progress.err.name_mismatch",
                                            {"found": r.project_id, "name": p.name,
                                             "sheet_name": r.name}))
            return
        pid, name, day, origin = p.id, p.name, f.entry_date, _origin(f, r)
        assert pid is not None and day is not None
        note = cast("str | None", r.note.value) if r.note else None  # the reader's text

        def err(cell: str, key: str, **params) -> None:
            self.plan.errors.append(SheetProblem(f.name, cell, key, params))

        def skip(cell: str, key: str, **params) -> None:
            self.plan.skips.append(Skip(pid, name, f"{f.name} {cell}", key, params))

        if r.week_actual is not None:
            amount = r.week_actual.value
            assert isinstance(amount, Decimal)
            cell = r.week_actual.cell
            earlier = self.weekly.get((pid, f.period))
            on_record = self.weekly_on_record(pid, f.period)
            if amount == 0:
                skip(cell, "progress.skip.zero")
            elif earlier is not None:
                if earlier[0] != amount:
                    err(cell, "progress.err.week_conflict_batch", amount=format_wan(amount),
                        other=format_wan(earlier[0]), where=earlier[1])
                else:
                    skip(cell, "progress.skip.same_in_batch", where=earlier[1])
            elif on_record is not None:
                if on_record != amount:
                    err(cell, "progress.err.week_conflict", amount=format_wan(amount),
                        recorded=format_wan(on_record),
                        week=f.period)
                else:
                    skip(cell, "progress.skip.week_recorded", amount=format_wan(amount),
                         week=f.period)
            else:
                self.weekly[(pid, f.period)] = (amount, f"{f.name} {cell}")
                self.batch_actual.append((pid, day, amount))
                self.plan.actions.append(Action(
                    "actual", pid, name, f"{f.name} {cell}", day, origin, amount=amount,
                    total_after=self.total_actual(pid, day), note=note))
        if r.cumulative is not None and r.basis is not None:
            self.cumulative_on_basis(f, r, p, day, origin, note)
        elif r.cumulative is not None:
            total = r.cumulative.value
            assert isinstance(total, Decimal)
            cell = r.cumulative.cell
            recorded = self.total_actual(pid, day)
            if total < recorded:
                err(cell, "progress.err.cumulative_below", total=format_wan(total),
                    recorded=format_wan(recorded),
                    date=day.isoformat())
            elif total == recorded:
                skip(cell, "progress.skip.cumulative_same", total=format_wan(total))
            else:
                self.batch_actual.append((pid, day, total - recorded))
                self.plan.actions.append(Action(
                    "actual", pid, name, f"{f.name} {cell}", day, origin,
                    amount=total - recorded, entered_cumulative=total, total_after=total,
                    note=note))
        if r.stage is not None or r.percent is not None:
            stage = cast("str | None", r.stage.value) if r.stage else None
            percent = cast("Decimal | None", r.percent.value) if r.percent else None
            read = r.percent or r.stage
            assert read is not None
            cell = read.cell
            key = (pid, day, stage, percent)
            if key in self.progress or self.progress_on_record(pid, day, stage, percent):
                skip(cell, "progress.skip.progress_recorded")
            else:
                self.progress.add(key)
                self.plan.actions.append(Action(
                    "progress", pid, name, f"{f.name} {cell}", day, origin, stage=stage,
                    percent=percent, note=note))
        for ms_name, value, shown in r.milestones:
            date = value.value
            assert isinstance(date, dt.date)
            earlier_ms = self.milestones.get((pid, ms_name))
            recorded_ms = self.ledger.milestone_actual(pid, ms_name)
            if recorded_ms is not None:
                if recorded_ms != date:
                    err(value.cell, "progress.err.milestone_recorded", milestone=ms_name,
                        recorded=recorded_ms.isoformat(), found=date.isoformat())
                elif not shown:  # a date the template printed is no news
                    skip(value.cell, "progress.skip.milestone_recorded", milestone=ms_name)
            elif earlier_ms is not None:
                if earlier_ms[0] != date:
                    err(value.cell, "progress.err.milestone_conflict_batch", milestone=ms_name,
                        other=earlier_ms[0].isoformat(), where=earlier_ms[1])
            else:
                self.milestones[(pid, ms_name)] = (date, f"{f.name} {value.cell}")
                self.plan.actions.append(Action("milestone", pid, name, f"{f.name} {value.cell}",
                                                date, origin, milestone=ms_name))
        if note and not (r.week_actual or r.cumulative or r.stage or r.percent):
            self.plan.warnings.append(SheetProblem(f.name, r.note.cell if r.note else where_a,
                                              "progress.warn.note_alone"))


    def cumulative_on_basis(self, f: ReturnedFile, r: FilledRow, p: ProjectFacts, day: dt.date,
                            origin: str, note: str | None) -> None:
        """本年累计 (``year``) or 开累 (``total``, prior actual included): the increment over
        what is on record on that basis up to the day (``core.cumulative.derive``, as an entry
        typed that way), this batch's rows included.  Below the record, or 开累 past 总投资:
        an error (a correction is recorded with ``spend add --correction``)."""
        assert r.cumulative is not None and p.id is not None
        typed = r.cumulative.value
        assert isinstance(typed, Decimal)
        pid, cell = p.id, r.cumulative.cell
        amounts = self.ledger.amounts(pid, ACTUAL, day) + [
            (d, a) for q, d, a in self.batch_actual if q == pid and d <= day]
        derived = derive(typed, r.basis, kind=ACTUAL, day=day, amounts=amounts,
                         prior=p.prior_actual)
        basis = t(f"basis.{r.basis}")
        where = f"{f.name} {cell}"
        if derived.increment < 0:
            self.plan.errors.append(SheetProblem(f.name, cell, "progress.err.basis_below", {
                "basis": basis, "total": format_wan(typed), "recorded": format_wan(derived.before),
                "date": day.isoformat()}))
            return
        if derived.increment == 0:
            self.plan.skips.append(Skip(pid, p.name, where, "progress.skip.cumulative_same",
                                        {"total": format_wan(typed)}))
            return
        before = self.total_actual(pid, day)
        kailei = (p.prior_actual or ZERO) + before
        if p.total_investment and kailei + derived.increment > p.total_investment >= kailei:
            self.plan.errors.append(SheetProblem(f.name, cell, "progress.err.past_budget", {
                "basis": basis, "total": format_wan(typed),
                "after": format_wan(kailei + derived.increment),
                "budget": format_wan(p.total_investment)}))
            return
        self.batch_actual.append((pid, day, derived.increment))
        self.plan.actions.append(Action(
            "actual", pid, p.name, where, day, origin, amount=derived.increment,
            entered_cumulative=typed, total_after=before + derived.increment, note=note,
            basis=r.basis))


def plan_import(ledger: Ledger, files: list[ReturnedFile],
                only: set[int] | None = None) -> ProgressPlan:
    """The plan of ``files`` against what ``ledger`` sees (its transaction); with ``only``, of
    the rows of those projects alone (a project's rows depend on its own record and rows only)."""
    planner = _Planner(ledger)
    planner.plan.files = files
    for f in files:
        if only is None:
            planner.plan.warnings.extend(f.warnings)
        if f.sha256 and only is None:
            when = ledger.first_import("progress", f.sha256)
            if when is not None:
                planner.plan.imported_before[f.name] = when
        for r in f.rows:
            if only is None or r.project_id in only:
                planner.row(f, r)
    return planner.plan


def guarded_projects(files: list[ReturnedFile]) -> tuple[set[int], set[int]]:
    """The projects a plan of ``files`` read (every row's), and those whose milestones it read."""
    rows = [r for f in files for r in f.rows]
    return {r.project_id for r in rows}, {r.project_id for r in rows if r.milestones}


def replan(plan: ProgressPlan, fresh: ProgressPlan, changed: dict[int, list[str]]) -> ProgressPlan:
    """``plan`` with the projects ``changed`` since it was made replaced by ``fresh`` (their
    rows planned again), in the order of the projects' first rows; ``rechecked`` says which
    changed and how."""
    order = {pid: i for i, pid in enumerate(dict.fromkeys(a.project_id for a in plan.actions))}
    kept = [a for a in plan.actions if a.project_id not in changed]
    actions = sorted(kept + fresh.actions, key=lambda a: order.get(a.project_id, len(order)))
    names = {a.project_id: a.project for a in plan.actions + fresh.actions} | \
        {s.project_id: s.project for s in plan.skips + fresh.skips}
    out = ProgressPlan(
        files=plan.files, actions=actions,
        skips=[s for s in plan.skips if s.project_id not in changed] + fresh.skips,
        errors=plan.errors + fresh.errors, warnings=plan.warnings,
        imported_before=plan.imported_before)
    out.rechecked = [f"#{pid} {names.get(pid, '')} ({', '.join(what)})".replace("  ", " ")
                     for pid, what in sorted(changed.items())]
    return out


def apply_plan(ledger: Ledger, plan: ProgressPlan) -> None:
    """Write every action of a plan without errors (``ledger``'s write transaction): the
    entries first, in one flush (the write transaction stays short), then their audit rows and
    the milestones in order, then one import run per file."""
    items: list[tuple[Action, NewEntry | NewProgress]] = []
    for a in plan.actions:
        if a.kind == "actual":
            assert a.amount is not None
            items.append((a, NewEntry(project_id=a.project_id, kind=ACTUAL, date=a.date,
                                      amount=a.amount, entered_cumulative=a.entered_cumulative,
                                      basis=a.basis, note=a.note, origin=a.origin)))
        elif a.kind == "progress":
            items.append((a, NewProgress(project_id=a.project_id, date=a.date, stage=a.stage,
                                         percent=a.percent, note=a.note, origin=a.origin)))
    records = ledger.insert([item for _, item in items])
    done: dict[int, LedgerRecord | ProgressRecord] = {
        id(a): rec for (a, _), rec in zip(items, records, strict=True)}
    for a in plan.actions:
        rec = done.get(id(a))
        if rec is not None:
            ledger.audit(rec)
        else:
            assert a.milestone is not None
            ledger.set_milestone_actual(a.project_id, a.milestone, a.date, context=a.origin)
    for f in plan.files:
        counts = {k: sum(1 for a in plan.actions if a.kind == k and a.cell.startswith(f.name + " "))
                  for k in ("actual", "progress", "milestone")}
        ledger.add_import_run(kind="progress", file=f.name, sha256=f.sha256,
                              summary=json.dumps({"period": f.period, **counts,
                                                  "read_by": f.read_by,
                                                  "projects": answered(f)}))


def answered(f: ReturnedFile) -> list[int]:
    """The projects a file gave a figure for (an amount, zero included, or a cumulative):
    what ``progress status`` counts as returned for the file's week."""
    return sorted({r.project_id for r in f.rows if r.week_actual or r.cumulative})
