"""Write an import plan in one transaction.

The plan is rebuilt inside the write transaction (``BEGIN IMMEDIATE`` on SQLite) from the
stored state seen by that transaction, so a concurrent writer cannot slip in between the diff
and the write.  Nothing is written when the annex has errors, when nothing changed, or when the
plan needs a confirmation (it blanks fields or withdraws many projects) that was not given.
Every row the import changes is kept as it was (``store.history``), so that ``projtrack import
undo`` can put it back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from projtrack.core.calendar import autumn_term_start
from projtrack.core.terms import AnnexClass, Phase, Status
from projtrack.core.types import MILESTONES, ProjectFacts
from projtrack.gcpause import collector_paused
from projtrack.importer.plan import FIELDS, ImportPlan, build_plan, snapshot_json
from projtrack.store.bulk import insert_columns
from projtrack.store.history import BeforeState, audit_mark, record_import
from projtrack.store.models import AnnualPlan, AuditLog, FundingPlan, Milestone, Project
from projtrack.store.repo import Store, os_user, record_audit


def default_milestone_dates(start_year: int | None, end_year: int | None) -> dict[str, dt.date]:
    """开工 by the end of the start year; 投用 by 31 August of the end year (the autumn term)."""
    out: dict[str, dt.date] = {}
    if start_year:
        out["开工"] = dt.date(start_year, 12, 31)
    if end_year:
        out["投用"] = autumn_term_start(end_year)
        if start_year == end_year:  # a one-year project must start before its autumn term
            out["开工"] = dt.date(start_year, 3, 31)
    return out


def initial_phase(facts: ProjectFacts) -> str:
    return Phase.CONSTRUCTION if facts.annex_class == AnnexClass.CONTINUING else Phase.PREPARATION


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _stored_state(session: Session, store: Store) -> tuple[list[ProjectFacts], dict[int, dict | None]]:
    """Every stored project's facts and the annex row it was last imported from, read in
    ``session`` as plain rows (tracked ORM objects are loaded afterwards, only for the projects
    the plan changes: a re-import of 10,000 unchanged projects built 10,000 of them)."""
    return store.projects(session=session), store.annex_snapshots(session)


def plan_import(store: Store, parsed, sha256: str, *, keep_missing: bool = False,
                carried: dict[str, tuple[str, str]] | None = None) -> ImportPlan:
    """The diff only (for --dry-run and previews); writes nothing."""
    with store.read() as s:
        facts, snaps = _stored_state(s, store)
    return build_plan(parsed, facts, snaps, sha256, keep_missing=keep_missing, carried=carried)


def _set_source(p: Project, facts: ProjectFacts) -> None:
    if facts.source:
        p.source_file, p.source_sheet, p.source_row = (facts.source.file, facts.source.sheet,
                                                       facts.source.row)


def _create_all(store: Store, s: Session, added: list[ProjectFacts], ctx: str,
                carried: dict[str, tuple[str, str]]) -> list[int]:
    """Insert new projects with their plans, default milestones and audit rows in bulk: one
    executemany per table instead of four round trips per project (an annex of thousands).
    A projtrack export's projects keep their phase and status (``carried``).  The new ids."""
    if not added:
        return []
    now = dt.datetime.now(dt.UTC)
    user = os_user()
    n = len(added)
    sources = [f.source for f in added]
    projects: dict[str, list] = {fld: [getattr(f, fld) for f in added] for fld in FIELDS}
    projects.update(
        name=[f.name for f in added],
        phase=[carried[f.name][0] if f.name in carried else initial_phase(f) for f in added],
        status=[carried[f.name][1] if f.name in carried else Status.ACTIVE for f in added],
        annex_facts=[snapshot_json(f) for f in added],
        created_at=[now] * n, updated_at=[now] * n, version=[1] * n,
        source_file=[src.file if src else None for src in sources],
        source_sheet=[src.sheet if src else None for src in sources],
        source_row=[src.row if src else None for src in sources])
    conn = s.connection()  # the session's transaction
    insert_columns(conn, Project.__table__, projects)
    # the new ids, by name: a project's name is unique in the table (a constraint), and within
    # this write transaction no other writer can add one
    by_name = store.ids_by_name(s)
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
    funding: dict[str, list] = {"project_id": [], "source": [], "amount": []}
    for pid, facts in zip(ids, added, strict=True):
        for source, amount in sorted(facts.funding_plan.items()):
            funding["project_id"].append(pid)
            funding["source"].append(source)
            funding["amount"].append(amount)
    for model, columns in ((AnnualPlan, plans), (Milestone, milestones), (AuditLog, audits),
                           (FundingPlan, funding)):
        if model is not FundingPlan or columns["project_id"]:
            insert_columns(conn, model.__table__, columns)
    return ids


def _update(s: Session, p: Project, change, ctx: str, before: BeforeState, *,
            keep_source: bool) -> None:
    facts: ProjectFacts = change.facts
    old_defaults = default_milestone_dates(p.start_year, p.end_year)
    for fc in change.changes:
        record_audit(s, action="update", entity="project", entity_id=p.id, project_id=p.id,
                     field=fc.field, old=fc.old, new=fc.new, context=ctx)
        if fc.field == "funding_plan":  # the annex's sources, replaced as a whole
            rows = list(s.execute(select(FundingPlan).where(FundingPlan.project_id == p.id)).scalars())
            before.funding(p.id, rows)  # type: ignore[arg-type]
            for row in rows:
                s.delete(row)
            s.flush()
            for source, amount in sorted(fc.new.items()):  # type: ignore[attr-defined]
                s.add(FundingPlan(project_id=p.id, source=source, amount=amount))
        elif fc.field.startswith("plan."):
            year = int(fc.field.split(".", 1)[1])
            row = s.execute(select(AnnualPlan).where(AnnualPlan.project_id == p.id,
                                                     AnnualPlan.year == year)).scalar_one_or_none()
            if row is None:
                s.add(AnnualPlan(project_id=p.id, year=year, amount=fc.new))
                before.plans_added.append((p.id, year))  # type: ignore[arg-type]
            else:
                before.plan(row)
                row.amount = fc.new
        else:
            setattr(p, fc.field, fc.new)
    if change.reactivated:
        record_audit(s, action="update", entity="project", entity_id=p.id, project_id=p.id,
                     field="status", old=p.status, new=Status.ACTIVE, context=ctx)
        p.status = Status.ACTIVE
    new_defaults = default_milestone_dates(p.start_year, p.end_year)
    if new_defaults != old_defaults:  # move default dates that nobody has changed since
        for m in s.execute(select(Milestone).where(Milestone.project_id == p.id)).scalars():
            if m.name in new_defaults and m.planned == old_defaults.get(m.name):
                before.milestone(m)
                record_audit(s, action="update", entity="milestone", entity_id=m.id,
                             project_id=p.id, field=f"{m.name}.planned", old=m.planned,
                             new=new_defaults[m.name], context=ctx)
                m.planned = new_defaults[m.name]
    p.annex_facts = snapshot_json(facts)
    if not keep_source:
        _set_source(p, facts)
    p.updated_at = dt.datetime.now(dt.UTC)


def apply_import(store: Store, parsed, sha256: str, *, keep_missing: bool = False,
                 carried: dict[str, tuple[str, str]] | None = None,
                 confirmed: bool = False) -> ImportPlan:
    """Diff and write in one transaction; returns the plan that was applied (``held`` when it
    needed a confirmation and ``confirmed`` is false: then nothing was written)."""
    ctx = f"import:{parsed.file}"
    with collector_paused(), store.write() as s:
        facts, snaps = _stored_state(s, store)
        plan = build_plan(parsed, facts, snaps, sha256, keep_missing=keep_missing, carried=carried)
        if plan.errors or not plan.has_changes:
            return plan
        if plan.needs_confirmation and not confirmed:
            plan.held = True
            return plan
        rows = store.tracked_projects(s, sorted({c.project_id for c in plan.changed + plan.moved}
                                                | {pid for pid, _name in plan.withdrawn}))
        before = BeforeState(audit_start=audit_mark(s))
        for p in rows.values():
            before.project(p)
        before.added = _create_all(store, s, plan.added, ctx, plan.carried)
        for change in plan.changed:
            _update(s, rows[change.project_id], change, ctx, before, keep_source=plan.export)
        for change in plan.moved:
            _set_source(rows[change.project_id], change.facts)
        for pid, _name in plan.withdrawn:
            p = rows[pid]
            record_audit(s, action="withdraw", entity="project", entity_id=pid, project_id=pid,
                         field="status", old=p.status, new=Status.WITHDRAWN, context=ctx)
            p.status = Status.WITHDRAWN
        record_import(s, file=parsed.file, sha256=sha256, added=len(plan.added),
                      changed=len(plan.changed), withdrawn=len(plan.withdrawn), before=before)
    return plan
