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

from sqlalchemy import func, select, type_coerce
from sqlmodel import Session

from projtrack.core.money import ZERO, format_wan
from projtrack.core.types import ACTUAL, MILESTONES
from projtrack.progress_io.reader import FilledRow, Problem, ReturnedFile
from projtrack.store.models import ImportRun, LedgerEntry, Milestone, ProgressEntry, Project
from projtrack.store.repo import os_user, record_audit
from projtrack.store.types import Scaled

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
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    imported_before: dict[str, dt.datetime] = field(default_factory=dict)  # file → when
    # projects that changed between the plan and the write, planned again in the write
    # transaction: "#12 name (完成投资 #812 wang)"
    rechecked: list[str] = field(default_factory=list)


def _origin(f: ReturnedFile, r: FilledRow) -> str:
    return f"{PREFIX}{f.period}:{f.sha256}:{r.sheet}!{r.row}"


def _reversed_ids():
    return select(LedgerEntry.reverses_id).where(LedgerEntry.reverses_id.is_not(None))


class _Planner:
    def __init__(self, session: Session):
        self.s = session
        self.plan = ProgressPlan()
        self.batch_actual: list[tuple[int, dt.date, Decimal]] = []
        self.weekly: dict[tuple[int, str], tuple[Decimal, str]] = {}
        self.progress: set[tuple[int, dt.date, str | None, Decimal | None]] = set()
        self.milestones: dict[tuple[int, str], tuple[dt.date, str]] = {}

    # --- what the database holds -------------------------------------------------------------
    def total_actual(self, pid: int, upto: dt.date) -> Decimal:
        db = self.s.execute(
            select(type_coerce(func.coalesce(func.sum(LedgerEntry.amount), 0), Scaled(6)))
            .where(LedgerEntry.project_id == pid, LedgerEntry.kind == ACTUAL,
                   LedgerEntry.entry_date <= upto)).scalar_one() or ZERO
        return db + sum((a for p, d, a in self.batch_actual if p == pid and d <= upto), ZERO)

    def weekly_on_record(self, pid: int, period: str) -> Decimal | None:
        rows = self.s.execute(
            select(LedgerEntry.amount).where(
                LedgerEntry.project_id == pid, LedgerEntry.kind == ACTUAL,
                LedgerEntry.origin.like(f"{PREFIX}{period}:%"),
                LedgerEntry.entered_cumulative.is_(None),
                LedgerEntry.id.not_in(_reversed_ids()))).scalars().all()
        return sum(rows, ZERO) if rows else None

    def progress_on_record(self, pid: int, day: dt.date, stage, percent) -> bool:
        rows = self.s.execute(select(ProgressEntry.stage, ProgressEntry.percent).where(
            ProgressEntry.project_id == pid, ProgressEntry.entry_date == day)).all()
        return any(s == stage and p == percent for s, p in rows)

    # --- one row -------------------------------------------------------------------------------
    def row(self, f: ReturnedFile, r: FilledRow) -> None:
        p = self.s.get(Project, r.project_id)
        where_a = f"{f.name} {r.cell_a}"
        if p is None:
            self.plan.errors.append(Problem(f.name, r.cell_a, "progress.err.unknown_project",
                                            {"found": r.project_id}))
            return
        if p.status == "withdrawn":
            self.plan.errors.append(Problem(f.name, r.cell_a, "progress.err.withdrawn",
                                            {"found": r.project_id, "name": p.name}))
            return
        if r.name.strip() and r.name.strip() != p.name:
            self.plan.errors.append(Problem(f.name, r.cell_a, "progress.err.name_mismatch",
                                            {"found": r.project_id, "name": p.name,
                                             "sheet_name": r.name}))
            return
        pid, name, day, origin = p.id, p.name, f.entry_date, _origin(f, r)
        assert pid is not None and day is not None
        note = r.note.value if r.note else None

        def err(cell: str, key: str, **params) -> None:
            self.plan.errors.append(Problem(f.name, cell, key, params))

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
        if r.cumulative is not None:
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
            stage = r.stage.value if r.stage else None
            percent = r.percent.value if r.percent else None
            cell = (r.percent or r.stage).cell  # type: ignore[union-attr]
            key = (pid, day, stage, percent)
            if key in self.progress or self.progress_on_record(pid, day, stage, percent):
                skip(cell, "progress.skip.progress_recorded")
            else:
                self.progress.add(key)
                self.plan.actions.append(Action(
                    "progress", pid, name, f"{f.name} {cell}", day, origin, stage=stage,  # type: ignore[arg-type]
                    percent=percent, note=note))  # type: ignore[arg-type]
        for ms_name, value, shown in r.milestones:
            date = value.value
            assert isinstance(date, dt.date)
            earlier_ms = self.milestones.get((pid, ms_name))
            recorded_ms = self.s.execute(select(Milestone.actual).where(
                Milestone.project_id == pid, Milestone.name == ms_name)).scalar_one_or_none()
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
            self.plan.warnings.append(Problem(f.name, r.note.cell if r.note else where_a,
                                              "progress.warn.note_alone"))


def plan_import(session: Session, files: list[ReturnedFile],
                only: set[int] | None = None) -> ProgressPlan:
    """The plan of ``files`` against what ``session`` sees; with ``only``, of the rows of those
    projects alone (a project's rows depend on its own record and rows only)."""
    planner = _Planner(session)
    planner.plan.files = files
    for f in files:
        if f.sha256 and only is None:
            when = session.execute(select(func.min(ImportRun.at)).where(
                ImportRun.kind == "progress", ImportRun.sha256 == f.sha256)).scalar_one_or_none()
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


def apply_plan(session: Session, plan: ProgressPlan) -> None:
    """Write every action of a plan without errors (the caller's transaction): the entries
    first, in one flush (the write transaction stays short), then their audit rows in order."""
    user = os_user()
    rows: list[tuple[Action, LedgerEntry | ProgressEntry]] = []
    for a in plan.actions:
        if a.kind == "actual":
            rows.append((a, LedgerEntry(project_id=a.project_id, kind=ACTUAL, entry_date=a.date,
                                        amount=a.amount, entered_cumulative=a.entered_cumulative,
                                        note=a.note, origin=a.origin, created_by=user)))
        elif a.kind == "progress":
            rows.append((a, ProgressEntry(project_id=a.project_id, entry_date=a.date,
                                          stage=a.stage, percent=a.percent, note=a.note,
                                          origin=a.origin, created_by=user)))
    session.add_all(row for _, row in rows)
    session.flush()
    done = {id(a): row for a, row in rows}
    for a in plan.actions:
        row = done.get(id(a))
        if isinstance(row, LedgerEntry):
            record_audit(session, action="entry", entity="ledger_entry", entity_id=row.id,
                         project_id=a.project_id, field=ACTUAL, new=f"{a.date} {a.amount}",
                         context=a.origin)
        elif isinstance(row, ProgressEntry):
            record_audit(session, action="entry", entity="progress_entry", entity_id=row.id,
                         project_id=a.project_id, field="形象进度",
                         new=f"{a.date} {a.stage or ''} {a.percent}", context=a.origin)
        else:
            assert a.milestone is not None
            m = session.execute(select(Milestone).where(
                Milestone.project_id == a.project_id, Milestone.name == a.milestone)
            ).scalar_one_or_none()
            if m is None:
                m = Milestone(project_id=a.project_id, name=a.milestone,
                              seq=MILESTONES.index(a.milestone))
                session.add(m)
                session.flush()
            record_audit(session, action="update", entity="milestone", entity_id=m.id,
                         project_id=a.project_id, field=f"{a.milestone}.actual", old=m.actual,
                         new=a.date, context=a.origin)
            m.actual = a.date
    for f in plan.files:
        counts = {k: sum(1 for a in plan.actions if a.kind == k and a.cell.startswith(f.name + " "))
                  for k in ("actual", "progress", "milestone")}
        session.add(ImportRun(user=user, kind="progress", file=f.name, sha256=f.sha256,
                              summary=json.dumps({"period": f.period, **counts})))
    session.flush()
