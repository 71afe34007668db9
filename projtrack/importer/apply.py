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

from sqlalchemy import insert, select
from sqlmodel import Session

from projtrack.core.types import MILESTONES, ProjectFacts
from projtrack.importer.plan import ImportPlan, build_plan, snapshot, snapshot_json
from projtrack.store.models import AnnualPlan, AuditLog, ImportRun, Milestone, Project
from projtrack.store.repo import Store, os_user, record_audit, to_facts


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


def _stored_state(session: Session, store: Store) -> tuple[list[ProjectFacts], dict[int, dict | None], dict[int, Project]]:
    rows = session.execute(select(Project).order_by(Project.id)).scalars().all()
    plans = store.plans(session)
    facts = [to_facts(p, plans.get(p.id)) for p in rows]
    snaps = {p.id: (json.loads(p.annex_facts) if p.annex_facts else None) for p in rows}
    return facts, snaps, {p.id: p for p in rows}


def plan_import(store: Store, parsed, sha256: str, *, keep_missing: bool = False) -> ImportPlan:
    """The diff only (for --dry-run and previews); writes nothing."""
    with store.read() as s:
        facts, snaps, _ = _stored_state(s, store)
    return build_plan(parsed, facts, snaps, sha256, keep_missing=keep_missing)


def _set_source(p: Project, facts: ProjectFacts) -> None:
    if facts.source:
        p.source_file, p.source_sheet, p.source_row = (facts.source.file, facts.source.sheet,
                                                       facts.source.row)


_DECIMALS = ("total_investment", "period_plan", "land_mu", "floor_area_m2", "prior_actual")


def _create_all(s: Session, added: list[ProjectFacts], ctx: str) -> None:
    """Insert new projects with their plans, default milestones and audit rows in bulk: a few
    multi-row statements instead of four round trips per project (an annex of thousands)."""
    if not added:
        return
    now = dt.datetime.now(dt.UTC)
    user = os_user()
    rows = []
    for facts in added:
        row = {k: v for k, v in snapshot(facts).items() if k != "annual_plan"}
        row.update({fld: getattr(facts, fld) for fld in _DECIMALS})
        row.update(name=facts.name, phase=initial_phase(facts), status="active",
                   annex_facts=snapshot_json(facts), created_at=now, updated_at=now, version=1,
                   source_file=facts.source.file if facts.source else None,
                   source_sheet=facts.source.sheet if facts.source else None,
                   source_row=facts.source.row if facts.source else None)
        rows.append(row)
    ids = s.execute(insert(Project).returning(Project.id, sort_by_parameter_order=True),
                    rows).scalars().all()
    plans, milestones, audits = [], [], []
    for pid, facts in zip(ids, added, strict=True):
        plans += [{"project_id": pid, "year": y, "amount": a, "version": 1}
                  for y, a in sorted(facts.annual_plan.items())]
        defaults = default_milestone_dates(facts.start_year, facts.end_year)
        milestones += [{"project_id": pid, "name": name, "seq": seq,
                        "planned": defaults.get(name), "actual": None, "version": 1}
                       for seq, name in enumerate(MILESTONES)]
        audits.append({"at": now, "user": user, "action": "create", "entity": "project",
                       "entity_id": pid, "project_id": pid, "field": "name", "old_value": None,
                       "new_value": facts.name, "context": ctx})
    for model, batch in ((AnnualPlan, plans), (Milestone, milestones), (AuditLog, audits)):
        if batch:
            s.execute(insert(model), batch)


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
    with store.write() as s:
        facts, snaps, rows = _stored_state(s, store)
        plan = build_plan(parsed, facts, snaps, sha256, keep_missing=keep_missing)
        if plan.errors or not plan.has_changes:
            return plan
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
