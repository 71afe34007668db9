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
from pathlib import Path

from projtrack.core.defaults import initial_phase
from projtrack.core.terms import Status
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


def plan_import(store: Store, parsed, sha256: str, *, keep_missing: bool = False,
                carried: dict[str, tuple[str, str]] | None = None) -> ImportPlan:
    """The diff only (for --dry-run and previews); writes nothing."""
    facts, snaps = stored_annex(store)
    return build_plan(parsed, facts, snaps, sha256, keep_missing=keep_missing, carried=carried)


def apply_import(store: Store, parsed, sha256: str, *, keep_missing: bool = False,
                 carried: dict[str, tuple[str, str]] | None = None,
                 confirmed: bool = False) -> ImportPlan:
    """Diff and write in one transaction; returns the plan that was applied (``held`` when it
    needed a confirmation and ``confirmed`` is false: then nothing was written).  A projtrack
    export's projects keep their phase and status (``carried``)."""
    with collector_paused(), annex_write(store, f"import:{parsed.file}") as write:
        facts, snaps = write.stored()
        plan = build_plan(parsed, facts, snaps, sha256, keep_missing=keep_missing, carried=carried)
        if plan.errors or not plan.has_changes:
            return plan
        if plan.needs_confirmation and not confirmed:
            plan.held = True
            return plan
        write.change({c.project_id for c in plan.changed + plan.moved}
                     | {pid for pid, _name in plan.withdrawn})
        kept = plan.carried
        write.create(plan.added, fields=FIELDS,
                     phases=[kept[f.name][0] if f.name in kept else initial_phase(f)
                             for f in plan.added],
                     statuses=[kept[f.name][1] if f.name in kept else Status.ACTIVE
                               for f in plan.added],
                     snapshots=[snapshot_json(f) for f in plan.added])
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
                     changed=len(plan.changed), withdrawn=len(plan.withdrawn))
    return plan
