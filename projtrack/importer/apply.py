"""Write an import plan in one transaction.

The plan is rebuilt inside the write transaction (``BEGIN IMMEDIATE`` on SQLite) from the
stored state seen by that transaction, so a concurrent writer cannot slip in between the diff
and the write.  Nothing is written when the annex has errors or when nothing changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from sqlalchemy import Connection, Table, insert, select
from sqlmodel import Session

from projtrack.core.types import MILESTONES, ProjectFacts
from projtrack.gcpause import collector_paused
from projtrack.importer.plan import FIELDS, ImportPlan, build_plan, snapshot_json
from projtrack.store.models import AnnualPlan, AuditLog, ImportRun, Milestone, Project
from projtrack.store.repo import Store, os_user, record_audit


def default_milestone_dates(start_year: int | None, end_year: int | None) -> dict[str, dt.date]:
    """开工 by the end of the start year; 投用 by 31 August of the end year (the autumn term)."""
    out: dict[str, dt.date] = {}
    if start_year:
        out["开工"] = dt.date(start_year, 12, 31)
    if end_year:
        out["投用"] = dt.date(end_year, 8, 31)
        if start_year == end_year:  # a one-year project must start before its autumn term
            out["开工"] = dt.date(start_year, 3, 31)
    return out


def initial_phase(facts: ProjectFacts) -> str:
    return "在建" if facts.annex_class == "续建" else "前期"


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _stored_state(session: Session, store: Store) -> tuple[list[ProjectFacts], dict[int, dict | None]]:
    """Every stored project's facts and the annex row it was last imported from, read in
    ``session`` as plain rows (tracked ORM objects are loaded afterwards for the projects the
    plan changes, ``_tracked``: a re-import of 10,000 unchanged projects built 10,000 of them)."""
    facts = store.projects(session=session)
    snaps = {pid: (json.loads(text) if text else None) for pid, text in session.connection().execute(
        select(Project.__table__.c.id, Project.__table__.c.annex_facts))}
    return facts, snaps


def _tracked(session: Session, ids: list[int]) -> dict[int, Project]:
    """The ORM objects of the projects ``ids``, to be changed in ``session``."""
    out: dict[int, Project] = {}
    for start in range(0, len(ids), 5000):  # under every engine's limit of bound parameters
        chunk = ids[start:start + 5000]
        out.update((p.id, p) for p in session.execute(
            select(Project).where(Project.id.in_(chunk))).scalars())
    return out


def plan_import(store: Store, parsed, sha256: str, *, keep_missing: bool = False) -> ImportPlan:
    """The diff only (for --dry-run and previews); writes nothing."""
    with store.read() as s:
        facts, snaps = _stored_state(s, store)
    return build_plan(parsed, facts, snaps, sha256, keep_missing=keep_missing)


def _set_source(p: Project, facts: ProjectFacts) -> None:
    if facts.source:
        p.source_file, p.source_sheet, p.source_row = (facts.source.file, facts.source.sheet,
                                                       facts.source.row)


def _bound(process, values: list) -> list:
    """``process`` applied to each value, once per distinct object (the import's one timestamp,
    None, the dates many projects share)."""
    done: dict[int, object] = {}
    out = []
    for value in values:
        key = id(value)  # every value is alive in ``values`` meanwhile: ids are not reused
        if key in done:
            out.append(done[key])
        else:
            done[key] = bound = process(value)
            out.append(bound)
    return out


def _insert_rows(conn: Connection, table: Table, columns: dict[str, list]) -> None:
    """One INSERT for many rows, given column by column (``columns[key][i]`` is row i's value;
    every column without a default is given).  Each value goes through its column type's own
    bind processor (money to scaled integers, dates …) as SQLAlchemy would do it row by row,
    and the rows go to the driver's executemany as they are.  Should the statement need a
    value the columns do not give (a column default added to the model), SQLAlchemy's own
    executemany runs instead."""
    keys = list(columns)
    count = len(columns[keys[0]])
    if not count:
        return
    dialect = conn.dialect
    sql, positional, names, escaped = _compiled_insert(table, dialect, tuple(keys))
    if sorted(names) != sorted(keys) or escaped:
        conn.execute(insert(table), [dict(zip(keys, row, strict=True))
                                     for row in zip(*columns.values(), strict=True)])
        return
    bound = []
    for key in names:
        values = columns[key]
        if len(values) != count:
            raise ValueError(f"column {key} has {len(values)} values, not {count}")
        process = table.c[key].type.dialect_impl(dialect).bind_processor(dialect)
        bound.append(values if process is None else _bound(process, values))
    params: list = list(zip(*bound, strict=True))
    if not positional:
        params = [dict(zip(names, row, strict=True)) for row in params]
    conn.exec_driver_sql(sql, params)


_INSERTS: dict[tuple, tuple[str, bool, list[str], bool]] = {}


def _compiled_insert(table: Table, dialect, keys: tuple[str, ...]
                     ) -> tuple[str, bool, list[str], bool]:
    """The INSERT of ``keys`` into ``table`` as the dialect writes it: (SQL, positional,
    parameter names in order, any escaped names).  Compiled once per table, columns and kind
    of dialect in a process (an import is a few of them; compiling was a fifth of a small
    annex's write)."""
    key = (table, type(dialect), dialect.paramstyle, keys)
    got = _INSERTS.get(key)
    if got is None:
        compiled = insert(table).inline().compile(dialect=dialect, column_keys=list(keys))
        names = list(compiled.positiontup or ()) if compiled.positional else list(compiled.binds)
        got = _INSERTS[key] = (compiled.string, bool(compiled.positional), names,
                               bool(getattr(compiled, "escaped_bind_names", None)))
    return got


def _create_all(s: Session, added: list[ProjectFacts], ctx: str) -> None:
    """Insert new projects with their plans, default milestones and audit rows in bulk: one
    executemany per table instead of four round trips per project (an annex of thousands)."""
    if not added:
        return
    now = dt.datetime.now(dt.UTC)
    user = os_user()
    n = len(added)
    sources = [f.source for f in added]
    projects: dict[str, list] = {fld: [getattr(f, fld) for f in added] for fld in FIELDS}
    projects.update(
        name=[f.name for f in added], phase=[initial_phase(f) for f in added],
        status=["active"] * n,
        annex_facts=[snapshot_json(f) for f in added],
        created_at=[now] * n, updated_at=[now] * n, version=[1] * n,
        source_file=[src.file if src else None for src in sources],
        source_sheet=[src.sheet if src else None for src in sources],
        source_row=[src.row if src else None for src in sources])
    conn = s.connection()  # the session's transaction
    project = Project.__table__
    _insert_rows(conn, project, projects)
    # the new ids, by name: a project's name is unique in the table (a constraint), and within
    # this write transaction no other writer can add one
    by_name = dict(conn.execute(select(project.c.name, project.c.id)).all())
    ids = [by_name[f.name] for f in added]
    plans: dict[str, list] = {"project_id": [], "year": [], "amount": []}
    for pid, facts in zip(ids, added, strict=True):
        for year, amount in sorted(facts.annual_plan.items()):
            plans["project_id"].append(pid)
            plans["year"].append(year)
            plans["amount"].append(amount)
    plans["version"] = [1] * len(plans["year"])
    planned: dict[tuple[int | None, int | None], list] = {}  # by start and end year
    dates = []
    for facts in added:
        span = (facts.start_year, facts.end_year)
        if span not in planned:
            defaults = default_milestone_dates(*span)
            planned[span] = [defaults.get(name) for name in MILESTONES]
        dates += planned[span]
    m = len(MILESTONES)
    milestones = {"project_id": [pid for pid in ids for _ in range(m)],
                  "name": list(MILESTONES) * n, "seq": list(range(m)) * n, "planned": dates,
                  "actual": [None] * (m * n), "version": [1] * (m * n)}
    audits = {"at": [now] * n, "user": [user] * n, "action": ["create"] * n,
              "entity": ["project"] * n, "entity_id": ids, "project_id": ids,
              "field": ["name"] * n, "old_value": [None] * n,
              "new_value": [f.name for f in added], "context": [ctx] * n}
    for model, columns in ((AnnualPlan, plans), (Milestone, milestones), (AuditLog, audits)):
        _insert_rows(conn, model.__table__, columns)


def _update(s: Session, p: Project, change, ctx: str) -> None:
    facts: ProjectFacts = change.facts
    old_defaults = default_milestone_dates(p.start_year, p.end_year)
    for fc in change.changes:
        record_audit(s, action="update", entity="project", entity_id=p.id, project_id=p.id,
                     field=fc.field, old=fc.old, new=fc.new, context=ctx)
        if fc.field.startswith("plan."):
            year = int(fc.field.split(".", 1)[1])
            row = s.execute(select(AnnualPlan).where(AnnualPlan.project_id == p.id,
                                                     AnnualPlan.year == year)).scalar_one_or_none()
            if row is None:
                s.add(AnnualPlan(project_id=p.id, year=year, amount=fc.new))
            else:
                row.amount = fc.new
        else:
            setattr(p, fc.field, fc.new)
    if change.reactivated:
        record_audit(s, action="update", entity="project", entity_id=p.id, project_id=p.id,
                     field="status", old=p.status, new="active", context=ctx)
        p.status = "active"
    new_defaults = default_milestone_dates(p.start_year, p.end_year)
    if new_defaults != old_defaults:  # move default dates that nobody has changed since
        for m in s.execute(select(Milestone).where(Milestone.project_id == p.id)).scalars():
            if m.name in new_defaults and m.planned == old_defaults.get(m.name):
                record_audit(s, action="update", entity="milestone", entity_id=m.id,
                             project_id=p.id, field=f"{m.name}.planned", old=m.planned,
                             new=new_defaults[m.name], context=ctx)
                m.planned = new_defaults[m.name]
    p.annex_facts = snapshot_json(facts)
    _set_source(p, facts)
    p.updated_at = dt.datetime.now(dt.UTC)


def apply_import(store: Store, parsed, sha256: str, *, keep_missing: bool = False) -> ImportPlan:
    """Diff and write in one transaction; returns the plan that was applied."""
    ctx = f"import:{parsed.file}"
    with collector_paused(), store.write() as s:
        facts, snaps = _stored_state(s, store)
        plan = build_plan(parsed, facts, snaps, sha256, keep_missing=keep_missing)
        if plan.errors or not plan.has_changes:
            return plan
        rows = _tracked(s, sorted({c.project_id for c in plan.changed + plan.moved}
                                  | {pid for pid, _name in plan.withdrawn}))
        _create_all(s, plan.added, ctx)
        for change in plan.changed:
            _update(s, rows[change.project_id], change, ctx)
        for change in plan.moved:
            _set_source(rows[change.project_id], change.facts)
        for pid, _name in plan.withdrawn:
            p = rows[pid]
            record_audit(s, action="withdraw", entity="project", entity_id=pid, project_id=pid,
                         field="status", old=p.status, new="withdrawn", context=ctx)
            p.status = "withdrawn"
        s.add(ImportRun(user=os_user(), kind="annex", file=parsed.file, sha256=sha256,
                        summary=json.dumps({"added": len(plan.added), "changed": len(plan.changed),
                                            "withdrawn": len(plan.withdrawn)})))
    return plan
