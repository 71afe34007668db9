"""Plan an import against the database, and write it in one transaction.

The plan is rebuilt inside the write transaction (``store.annex.annex_write``: ``BEGIN
IMMEDIATE`` on SQLite) from the stored state seen by that transaction, so a concurrent writer
cannot slip in between the diff and the write.  Nothing is written when the annex has errors,
when nothing changed, or when the plan needs a confirmation (it blanks fields or withdraws many
projects) that was not given.  The store keeps every row the import changes as it was, so that
``projtrack import undo`` can put it back.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

from projtrack.core.defaults import initial_phase
from projtrack.core.terms import Status
from projtrack.core.types import ProjectFacts
from projtrack.gcpause import collector_paused
from projtrack.importer.plan import FIELDS, ImportPlan, build_plan, snapshot_json
from projtrack.store.annex import annex_write, stored_annex
from projtrack.store.repo import Store


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _of_counties(facts: list[ProjectFacts], counties: tuple[str, ...],
                 unnamed_to: str | None) -> list[ProjectFacts]:
    """The stored projects an import for ``counties`` compares: theirs, and those without a
    county yet when they are to become ``unnamed_to``'s."""
    wanted = set(counties)
    out = []
    for f in facts:
        if not f.county and unnamed_to:
            out.append(replace(f, county=unnamed_to))
        elif f.county in wanted:
            out.append(f)
    return out


def _unnamed(facts: list[ProjectFacts]) -> int:
    return sum(1 for f in facts if not f.county)


def plan_import(store: Store, parsed, sha256: str, *, keep_missing: bool = False,
                carried: dict[str, tuple[str, str]] | None = None,
                counties: tuple[str, ...] = ("",), unnamed_to: str | None = None) -> ImportPlan:
    """The diff only (for --dry-run and previews); writes nothing.  ``counties``: those the
    annex is for (its projects carry theirs); ``unnamed_to``: the county the projects without
    one would be given."""
    facts, snaps = stored_annex(store)
    unnamed = _unnamed(facts) if unnamed_to else 0
    plan = build_plan(parsed, _of_counties(facts, counties, unnamed_to), snaps, sha256,
                      keep_missing=keep_missing, carried=carried)
    plan.assigned = unnamed
    plan.unnamed = 0 if unnamed_to else _unnamed(facts)
    return plan


def apply_import(store: Store, parsed, sha256: str, *, keep_missing: bool = False,
                 carried: dict[str, tuple[str, str]] | None = None,
                 confirmed: bool = False, counties: tuple[str, ...] = ("",),
                 unnamed_to: str | None = None) -> ImportPlan:
    """Diff and write in one transaction; returns the plan that was applied (``held`` when it
    needed a confirmation and ``confirmed`` is false: then nothing was written).  A projtrack
    export's projects keep their phase and status (``carried``).  Only the stored projects of
    ``counties`` are compared (and withdrawn when missing); the projects without a county are
    given ``unnamed_to`` first (when given), and a database without a ``county`` setting
    takes the county of an import for one."""
    with collector_paused(), annex_write(store, f"import:{parsed.file}") as write:
        facts, snaps = write.stored()
        unnamed = _unnamed(facts) if unnamed_to else 0
        plan = build_plan(parsed, _of_counties(facts, counties, unnamed_to), snaps, sha256,
                          keep_missing=keep_missing, carried=carried)
        plan.assigned = unnamed
        plan.unnamed = 0 if unnamed_to else _unnamed(facts)
        if plan.errors or not plan.has_changes:
            if not plan.errors and (unnamed or len(counties) == 1 and counties[0]):
                _name_counties(write, plan, counties, unnamed_to)  # the county, at least
            return plan
        if plan.needs_confirmation and not confirmed:
            plan.held = True
            return plan
        _name_counties(write, plan, counties, unnamed_to)
        write.change({c.project_id for c in plan.changed + plan.moved}
                     | {pid for pid, _name in plan.withdrawn})
        kept = plan.carried
        write.create(plan.added, fields=FIELDS,
                     phases=[kept[f.name][0] if f.name in kept else initial_phase(f)
                             for f in plan.added],
                     statuses=[kept[f.name][1] if f.name in kept else Status.ACTIVE
                               for f in plan.added],
                     snapshot=snapshot_json)
        for change in plan.changed:
            write.update(change.project_id, change.facts, change.changes,
                         snapshot=snapshot_json(change.facts), reactivate=change.reactivated,
                         keep_source=plan.export)
        for change in plan.moved:
            write.move(change.project_id, change.facts.source)
        for pid, _name in plan.withdrawn:
            write.withdraw(pid)
        plan.budget_changes = write.budget_changes(
            parsed.file, ((c.project_id, c.changes) for c in plan.changed))
        plan.baseline = write.first_baseline(parsed.file)
        write.record(file=parsed.file, sha256=sha256, added=len(plan.added),
                     changed=len(plan.changed), withdrawn=len(plan.withdrawn),
                     counties=[c for c in counties if c])
    return plan


def _name_counties(write, plan: ImportPlan, counties: tuple[str, ...],
                   unnamed_to: str | None) -> None:
    """The projects without a county given ``unnamed_to``'s; a database without a ``county``
    setting given the county of an import for one."""
    if unnamed_to:
        plan.assigned = write.name_unnamed(unnamed_to)
    if len(counties) == 1 and counties[0]:
        plan.county_setting = write.county_setting(counties[0])
