"""The history of annex imports, and undoing the latest one exactly.

While an annex import writes, ``BeforeState`` collects every row it is about to change as it
was — the whole project row (version, annex snapshot and source included), each annual plan and
milestone it updates — the plan years it adds and the ids of the projects it creates.
``record_import`` stores that with the import's counts in ``import_run.undo`` (JSON; money as
exact decimal text), together with the last audit row the import wrote.

``undo_import`` puts those rows back in one transaction and audits each change: the projects
the import added are deleted with their plans and milestones — unless money or progress entries
were recorded on them since: the ledger is append-only, so those projects are kept and marked
withdrawn, and their entries are listed.  Only the latest annex import that is not undone can be
undone; a later edit of a row the undo puts back is reverted too, and listed beforehand (its
audit rows stay).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, DateTime, bindparam, delete, func, inspect, select, update
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, SQLModel, col

from projtrack.core.jsonvalue import to_json
from projtrack.core.money import to_plain
from projtrack.core.terms import Status
from projtrack.errors import BadData, BadUsage
from projtrack.store.baseline import remove_of_import as remove_baselines
from projtrack.store.budget import projects_with_changes
from projtrack.store.budget import remove_of_import as remove_changes
from projtrack.store.issues import projects_with_issues
from projtrack.store.models import (
    AnnualPlan,
    AuditLog,
    Baseline,
    BudgetChangeRow,
    FundingPlan,
    ImportRun,
    LedgerEntry,
    Milestone,
    ProgressEntry,
    Project,
    table,
)
from projtrack.store.repo import Store, actor, record_audit
from projtrack.store.types import Scaled

FORMAT = 1  # of the ``undo`` JSON
# restored, but not audited column by column (the import did not audit them either)
_QUIET = frozenset({"version", "updated_at", "annex_facts"})
_AUDITED = {"annual_plan": {"amount"}, "milestone": {"planned", "actual"}}  # else every column


def _decode(column, value: object) -> object:
    if value is None:
        return None
    if isinstance(column.type, Scaled):
        return Decimal(str(value))
    base = column.type.impl if isinstance(column.type, TypeDecorator) else column.type
    if isinstance(base, DateTime):  # UTCDateTime too
        return dt.datetime.fromisoformat(str(value))
    if isinstance(base, Date):
        return dt.date.fromisoformat(str(value))
    return value


def row_data(obj: object) -> dict[str, object]:
    """Every column of an ORM row, by column name, as JSON-able values."""
    mapper = inspect(obj).mapper
    return {attr.columns[0].name: to_json(getattr(obj, attr.key)) for attr in mapper.column_attrs}


def _row_values(table, data: dict[str, object]) -> dict[str, Any]:
    return {c.name: _decode(c, data.get(c.name)) for c in table.columns}


@dataclass
class BeforeState:
    """The rows an import changes, as they were before it (see the module docstring)."""

    projects: dict[int, dict] = field(default_factory=dict)
    plans: dict[int, dict] = field(default_factory=dict)
    milestones: dict[int, dict] = field(default_factory=dict)
    plans_added: list[tuple[int, int]] = field(default_factory=list)  # (project id, year)
    funding_rows: dict[int, list[dict]] = field(default_factory=dict)  # project → its rows
    added: list[int] = field(default_factory=list)
    audit_start: int = 0  # the last audit row before the import's own

    def project(self, p: Project) -> None:
        self.projects.setdefault(p.id, row_data(p))  # type: ignore[arg-type]

    def plan(self, row: AnnualPlan) -> None:
        self.plans.setdefault(row.id, row_data(row))  # type: ignore[arg-type]

    def milestone(self, m: Milestone) -> None:
        self.milestones.setdefault(m.id, row_data(m))  # type: ignore[arg-type]

    def funding(self, project_id: int, rows: list[FundingPlan]) -> None:
        """A project's funding plan as it was, before the import replaced it."""
        self.funding_rows.setdefault(project_id, [row_data(r) for r in rows])

    def to_json(self, audit_mark: int) -> str:
        return json.dumps({"format": FORMAT, "audit_start": self.audit_start,
                           "audit_mark": audit_mark, "added": self.added,
                           "projects": list(self.projects.values()),
                           "plans": list(self.plans.values()),
                           "milestones": list(self.milestones.values()),
                           "funding": {str(k): v for k, v in self.funding_rows.items()},
                           "plans_added": self.plans_added}, ensure_ascii=False, sort_keys=True)


def audit_mark(session: Session) -> int:
    """The id of the latest audit row (0: none), read in ``session``."""
    return session.execute(select(func.max(col(AuditLog.id)))).scalar_one() or 0


RUN_COUNTIES = ","  # between the counties of an import of a city table's sections


def run_counties(value: str | None) -> tuple[str, ...]:
    """The counties an import run was for (``import_run.county``; () for none named)."""
    return tuple(c for c in (value or "").split(RUN_COUNTIES) if c)


def record_import(session: Session, *, file: str, sha256: str, added: int, changed: int,
                  withdrawn: int, before: BeforeState, county: str = "") -> int:
    """Record an annex import written in ``session`` (after its rows): its id."""
    session.flush()
    mark = audit_mark(session)
    counts = {"added": added, "changed": changed, "withdrawn": withdrawn}
    run = ImportRun(user=actor(session), kind="annex", county=county, file=file, sha256=sha256,
                    summary=json.dumps(counts), undo=before.to_json(mark), added=added,
                    changed=changed, withdrawn=withdrawn)
    session.add(run)
    session.flush()
    return run.id  # type: ignore[return-value]


@dataclass(frozen=True)
class ImportRecord:
    id: int
    at: dt.datetime
    user: str
    file: str
    sha256: str
    added: int
    changed: int
    withdrawn: int
    undoable: bool  # recorded with its before-state
    undone_at: dt.datetime | None
    undone_by: str | None
    county: str = ""  # the counties it was for (``run_counties``), '' none named

    @property
    def counties(self) -> tuple[str, ...]:
        return run_counties(self.county)


_RECORD = (col(ImportRun.id), col(ImportRun.at), col(ImportRun.user), col(ImportRun.file), col(ImportRun.sha256),
           col(ImportRun.added), col(ImportRun.changed), col(ImportRun.withdrawn), col(ImportRun.undo).is_not(None),
           col(ImportRun.undone_at), col(ImportRun.undone_by), col(ImportRun.county))


def import_runs(store: Store, limit: int | None = None) -> list[ImportRecord]:
    """The annex imports that wrote something, newest first."""
    stmt = select(*_RECORD).where(col(ImportRun.kind) == "annex").order_by(col(ImportRun.id).desc())
    if limit:
        stmt = stmt.limit(limit)
    with store.read() as s:
        return [ImportRecord(*row) for row in s.execute(stmt).all()]


@dataclass(frozen=True)
class EntryLine:
    """A money or progress entry recorded on a project the import added."""

    project_id: int
    name: str
    table: str  # ledger_entry or progress_entry
    id: int
    date: dt.date
    what: str  # the entry kind, or the stage
    amount: Decimal | None  # 万元, or the percent as a fraction


@dataclass
class UndoPlan:
    run: ImportRecord
    removed: list[tuple[int, str]] = field(default_factory=list)  # added by it: deleted
    kept: list[tuple[int, str]] = field(default_factory=list)  # added, with entries: withdrawn
    entries: list[EntryLine] = field(default_factory=list)  # on the kept projects
    restored: list[tuple[int, str, str]] = field(default_factory=list)  # id, name now, before
    edited: list[tuple[int, str, str]] = field(default_factory=list)  # later edits undone too
    baselines: list[str] = field(default_factory=list)  # the baseline it set: removed
    budget_changes: int = 0  # the budget changes it recorded: removed
    done: bool = False


def undo_import(store: Store, run_id: int | None = None, *, apply: bool,
                county: str | None = None) -> UndoPlan:
    """What undoing the import ``run_id`` (default: the latest not undone, of ``county`` when
    given) does, and with ``apply`` do it, in one write transaction.  Raises BadUsage when
    there is nothing to undo or no such import, BadData when it cannot be undone (undone
    already, a later import of the same county not undone, recorded before undo was
    possible).  An import touches the projects of its counties only: a later import of another
    county does not stand in its way."""
    with (store.write() if apply else store.read()) as s:
        run = _target(s, run_id, county)
        data = json.loads(run.undo or "{}")
        plan = _plan(s, run, data)
        if apply:
            _apply(s, run, data, plan)
            plan.done = True
    return plan


def _record(run: ImportRun) -> ImportRecord:
    return ImportRecord(run.id, run.at, run.user, run.file, run.sha256, run.added,  # type: ignore[arg-type]
                        run.changed, run.withdrawn, run.undo is not None, run.undone_at,
                        run.undone_by, run.county)


def _shares_county(a: str, b: str) -> bool:
    """Whether two runs may have touched the same projects: a county in common, or either
    named none (a run from before counties touched the whole database)."""
    ca, cb = run_counties(a), run_counties(b)
    return not ca or not cb or bool(set(ca) & set(cb))


def _target(s: Session, run_id: int | None, county: str | None = None) -> ImportRun:
    runs = s.execute(select(col(ImportRun.id), col(ImportRun.undone_at), col(ImportRun.county))
                     .where(col(ImportRun.kind) == "annex").order_by(col(ImportRun.id).desc())).all()
    open_runs = [(rid, c) for rid, undone, c in runs if undone is None]
    if run_id is None:
        mine = [rid for rid, c in open_runs if county is None or county in run_counties(c)]
        if not mine:
            raise BadUsage("undo.nothing_county" if county else "undo.nothing", county=county or "")
        run_id = mine[0]
    elif run_id not in {rid for rid, _, _ in runs}:
        raise BadUsage("undo.no_such_import", id=run_id)
    run = s.get(ImportRun, run_id)
    assert run is not None
    if run.undone_at is not None:
        raise BadData("undo.already", id=run.id, file=run.file, by=run.undone_by or "",
                      at=f"{run.undone_at:%Y-%m-%d %H:%M}")
    later = [rid for rid, c in open_runs if rid > run_id and _shares_county(c, run.county)]
    if later:
        raise BadData("undo.not_latest", id=run.id, later=", ".join(f"#{i}" for i in sorted(later)))
    if run.undo is None:
        raise BadData("undo.no_record", id=run.id, file=run.file)
    return run


CHUNK = 5000  # ids per IN (…): under every engine's limit of bound parameters


def _names(s: Session, ids: list[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for i in range(0, len(ids), CHUNK):
        out.update(s.execute(select(col(Project.id), col(Project.name))
                             .where(col(Project.id).in_(ids[i:i + CHUNK]))).all())
    return out


def _added_plans(s: Session, pairs: list) -> list[tuple[int, int, int, Decimal]]:
    """The annual plan rows (id, project id, year, amount) of the (project id, year) pairs an
    import added."""
    wanted = {(pid, year) for pid, year in pairs}
    ids = sorted({pid for pid, _ in wanted})
    c = table(AnnualPlan).c
    out = []
    for i in range(0, len(ids), CHUNK):
        rows = s.execute(select(c.id, c.project_id, c.year, c.amount)
                         .where(c.project_id.in_(ids[i:i + CHUNK]))).all()
        out += [(rid, pid, year, amount) for rid, pid, year, amount in rows if (pid, year) in wanted]
    return out


def _plan(s: Session, run: ImportRun, data: dict) -> UndoPlan:
    plan = UndoPlan(_record(run))
    data["run_id"] = run.id
    added: list[int] = data.get("added", [])
    names = _names(s, added + [p["id"] for p in data.get("projects", [])])
    for model, what, amount in ((LedgerEntry, "kind", "amount"),
                                (ProgressEntry, "stage", "percent")):
        c = table(model).c
        for i in range(0, len(added), CHUNK):
            rows = s.execute(select(c.project_id, c.id, c.entry_date, c[what], c[amount])
                             .where(c.project_id.in_(added[i:i + CHUNK]))
                             .order_by(c.project_id, c.entry_date, c.id)).all()
            plan.entries += [EntryLine(pid, names.get(pid, ""), table(model).name, eid, day,
                                       kind or "", value) for pid, eid, day, kind, value in rows]
    with_entries = {e.project_id for e in plan.entries}
    # an added project with budget changes of its own since (the change's foreign key): kept too
    with_entries |= projects_with_changes(s, added, except_run=run.id)
    with_entries |= projects_with_issues(s, added)  # an issue raised since: kept, its history too
    b, c = table(Baseline).c, table(BudgetChangeRow).c
    plan.baselines = list(s.execute(select(b.name).where(b.import_run_id == run.id)
                                    .order_by(b.id)).scalars())
    plan.budget_changes = s.execute(select(func.count()).select_from(table(BudgetChangeRow))
                                    .where(c.import_run_id == run.id)).scalar_one()
    plan.kept = [(pid, names[pid]) for pid in added if pid in with_entries and pid in names]
    plan.removed = [(pid, names[pid]) for pid in added if pid not in with_entries and pid in names]
    plan.restored = [(p["id"], names.get(p["id"], p["name"]), p["name"])
                     for p in data.get("projects", [])]
    plan.edited = _edited_since(s, data, names, {pid for pid, _ in plan.removed})
    return plan


def _edited_since(s: Session, data: dict, names: dict[int, str],
                  removed: set[int]) -> list[tuple[int, str, str]]:
    """Edits made after the import to the rows the undo puts back or deletes: the audit rows of
    those projects, plans and milestones since the import's last one."""
    projects = {p["id"] for p in data.get("projects", [])}
    plans = {p["id"] for p in data.get("plans", [])}
    plans.update(rid for rid, *_ in _added_plans(s, data.get("plans_added", [])))
    milestones = {m["id"] for m in data.get("milestones", [])}
    # later imports are undone (or this one could not be): their rows and their undo's cancel out
    spans, undos = [], set()
    for later_id, later in s.execute(select(col(ImportRun.id), col(ImportRun.undo)).where(
            col(ImportRun.kind) == "annex", col(ImportRun.id) > data.get("run_id", 0),
            col(ImportRun.undo).is_not(None))).all():
        marks = json.loads(later)
        spans.append((marks.get("audit_start", 0), marks.get("audit_mark", 0)))
        undos.add(f"undo-import:{later_id}:")
    a = table(AuditLog).c
    rows = s.execute(select(a.id, a.project_id, a.entity, a.entity_id, a.field, a.context)
                     .where(a.id > data.get("audit_mark", 0),
                            a.entity.in_(("project", "annual_plan", "milestone")))
                     .order_by(a.id)).all()
    out = []
    for aid, pid, entity, eid, fld, context in rows:
        if any(lo < aid <= hi for lo, hi in spans) or (context or "").startswith(tuple(undos)):
            continue
        hit = ((entity == "project" and pid in projects | removed)
               or (entity == "annual_plan" and (eid in plans or pid in removed))
               or (entity == "milestone" and (eid in milestones or pid in removed)))
        if hit:
            out.append((pid, names.get(pid, ""), fld or entity))
    return out


def _apply(s: Session, run: ImportRun, data: dict, plan: UndoPlan) -> None:
    ctx = f"undo-import:{run.id}:{run.file}"
    conn = s.connection()
    assert run.id is not None
    remove_changes(s, run.id, ctx)  # the figures they name are put back below
    remove_baselines(s, run.id, ctx)
    removed = [pid for pid, _ in plan.removed]
    for i in range(0, len(removed), CHUNK):
        chunk = removed[i:i + CHUNK]
        for dependent in (Milestone, AnnualPlan, FundingPlan):
            conn.execute(delete(table(dependent)).where(table(dependent).c.project_id.in_(chunk)))
        conn.execute(delete(table(Project)).where(table(Project).c.id.in_(chunk)))
    for pid, name in plan.removed:
        record_audit(s, action="delete", entity="project", entity_id=pid, project_id=pid,
                     field="name", old=name, new=None, context=ctx)
    for pid, _name in plan.kept:
        p = s.get(Project, pid)
        if p is not None and p.status != Status.WITHDRAWN:
            record_audit(s, action="withdraw", entity="project", entity_id=pid, project_id=pid,
                         field="status", old=p.status, new=Status.WITHDRAWN, context=ctx)
            p.status = Status.WITHDRAWN
    s.flush()
    plan_rows = table(AnnualPlan)
    for rid, pid, year, amount in _added_plans(s, data.get("plans_added", [])):
        conn.execute(delete(plan_rows).where(plan_rows.c.id == rid))
        record_audit(s, action="undo", entity="annual_plan", entity_id=rid, project_id=pid,
                     field=f"plan.{year}", old=amount, new=None, context=ctx)
    funding = table(FundingPlan)
    for pid_text, rows in (data.get("funding") or {}).items():  # the annex's sources as they were
        pid = int(pid_text)
        now = {r.source: r.amount for r in s.execute(
            select(funding.c.source, funding.c.amount).where(funding.c.project_id == pid))}
        conn.execute(delete(funding).where(funding.c.project_id == pid))
        if rows:
            conn.execute(funding.insert(), [_row_values(funding, r) for r in rows])
        was = {r["source"]: Decimal(str(r["amount"])) for r in rows}
        if was != now:
            record_audit(s, action="undo", entity="project", entity_id=pid, project_id=pid,
                         field="funding_plan", old=funding_text(now), new=funding_text(was),
                         context=ctx)
    put_back: tuple[tuple[type[SQLModel], list[dict], Callable[[dict, str], str] | None], ...] = (
        (AnnualPlan, data.get("plans", []), _plan_label),
        (Milestone, data.get("milestones", []), _milestone_label),
        (Project, data.get("projects", []), None))
    for model, rows, label in put_back:
        _put_back(s, model, rows, label, ctx)
    run.undone_at = dt.datetime.now(dt.UTC)
    run.undone_by = actor(s)
    record_audit(s, action="undo", entity="import_run", entity_id=run.id, project_id=None,
                 field="file", old=run.file, new=None, context=ctx)


def funding_text(funding: dict) -> str | None:
    """A funding plan for the audit trail: "中央 1200;省 300" (None when empty)."""
    return ";".join(f"{k} {to_plain(Decimal(str(v)))}" for k, v in sorted(funding.items())) or None


def _plan_label(row: dict, column: str) -> str:
    return f"plan.{row['year']}"


def _milestone_label(row: dict, column: str) -> str:
    return f"{row['name']}.{column}"


def _put_back(s: Session, model, rows: list[dict], label, ctx: str) -> None:
    """Write ``rows`` (rows as they were) back exactly — their version too — in one
    executemany, auditing each column that changes; insert a row again when it is not there."""
    if not rows:
        return
    t = table(model)
    wanted = [_row_values(t, row) for row in rows]
    ids = [w["id"] for w in wanted]
    current: dict[int, dict] = {}
    for i in range(0, len(ids), CHUNK):
        current.update((r["id"], dict(r)) for r in s.execute(
            select(t).where(t.c.id.in_(ids[i:i + CHUNK]))).mappings())
    audited = _AUDITED.get(str(t.name))
    inserts: list[dict] = []
    updates: list[dict] = []
    audits: list[dict] = []
    for row, values in zip(rows, wanted, strict=True):
        old_row = current.get(values["id"])
        if old_row is None:
            inserts.append(values)
        elif old_row != values:
            updates.append({f"v_{k}": v for k, v in values.items()})
        pid = values["id"] if model is Project else values["project_id"]
        for name, value in values.items():
            old = old_row[name] if old_row is not None else None
            if name in _QUIET or name == "id" or old == value:
                continue
            if audited is None or name in audited:
                audits.append(dict(entity_id=values["id"], project_id=pid, old=old, new=value,
                                   field=label(row, name) if label else name))
    conn = s.connection()
    if inserts:
        conn.execute(t.insert(), inserts)
    if updates:
        conn.execute(update(t).where(t.c.id == bindparam("v_id")).values(
            {c.name: bindparam(f"v_{c.name}") for c in t.columns if c.name != "id"}), updates)
    for a in audits:
        record_audit(s, action="undo", entity=t.name, context=ctx, **a)
