"""Writing an annex import in one transaction (``annex_write``): the importer plans, this
writes — new projects in bulk, field changes with their audit rows, withdrawals — and keeps
every row it changes as it was (``store.history``), so that ``projtrack import undo`` can put
it back.

The transaction starts before the plan is made (``BEGIN IMMEDIATE`` on SQLite): the importer
reads the stored state through ``AnnexWrite.stored`` inside it, so no other writer can slip in
between the diff and the write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Protocol

from sqlalchemy import select, update
from sqlmodel import Session, SQLModel, col

from projtrack.core.budget import PLAN, TOTAL
from projtrack.core.budget import line as budget_line
from projtrack.core.defaults import default_milestone_dates
from projtrack.core.terms import BudgetState, Status
from projtrack.core.types import MILESTONES, ProjectFacts, SourceRef
from projtrack.store.baseline import any_baseline, freeze, name_taken
from projtrack.store.budget import insert_change
from projtrack.store.bulk import insert_columns
from projtrack.store.counties import assign_unnamed, set_county_setting, setting_county
from projtrack.store.history import RUN_COUNTIES, BeforeState, audit_mark, record_import
from projtrack.store.models import (
    AnnualPlan,
    AuditLog,
    Baseline,
    BudgetChangeRow,
    FundingPlan,
    Milestone,
    Project,
    table,
)
from projtrack.store.repo import Store, os_user, record_audit

CREATE_CHUNK = 5_000  # new projects written a statement at a time (with their rows)


class ChangedField(Protocol):
    """One field an import changes: a project column, ``plan.<year>`` or ``funding_plan``."""

    @property
    def field(self) -> str: ...
    @property
    def old(self) -> object: ...
    @property
    def new(self) -> object: ...


def stored_annex(store: Store) -> tuple[list[ProjectFacts], dict[int, dict | None]]:
    """``AnnexWrite.stored`` in one read snapshot, for a plan that writes nothing (a dry run,
    a preview)."""
    with store.read() as session:
        return store.projects(session=session), store.annex_snapshots(session)


@contextmanager
def annex_write(store: Store, context: str) -> Iterator[AnnexWrite]:
    """One write transaction of an annex import; ``context`` goes into every audit row
    ("import:<file>").  Committed when the block ends, rolled back on error; a block that
    writes nothing commits nothing."""
    with store.write() as session:
        yield AnnexWrite(store, session, context)


class AnnexWrite:
    def __init__(self, store: Store, session: Session, context: str) -> None:
        self.store, self.session, self.context = store, session, context
        self._rows: dict[int, Project] = {}
        self._before = BeforeState()
        self._changes: list[int] = []  # the budget changes it recorded
        self._baseline: int | None = None  # the baseline it set

    def stored(self) -> tuple[list[ProjectFacts], dict[int, dict | None]]:
        """Every stored project's facts and the annex row it was last imported from, as
        plain rows (tracked ORM rows are loaded by ``change`` only for the projects the plan
        changes: a re-import of 10,000 unchanged projects built 10,000 of them)."""
        return self.store.projects(session=self.session), self.store.annex_snapshots(self.session)

    def change(self, project_ids: Iterable[int]) -> None:
        """Load the projects the import changes, keeping each as it is now."""
        self._rows = self.store.tracked_projects(self.session, sorted(set(project_ids)))
        self._before = BeforeState(audit_start=audit_mark(self.session))
        for p in self._rows.values():
            self._before.project(p)

    def create(self, added: Sequence[ProjectFacts], *, fields: Sequence[str],
               phases: Sequence[str], statuses: Sequence[str],
               snapshot: Callable[[ProjectFacts], str]) -> None:
        """Insert new projects (``fields`` of each one's facts, its phase, status and annex
        snapshot, ``snapshot(facts)``) with their plans, default milestones, funding plans and
        audit rows in bulk: one executemany per table and ``CREATE_CHUNK`` projects instead of
        four round trips per project, so that the rows of a province's annex (a million
        milestones) are never all built at once."""
        if not added:
            return
        now = dt.datetime.now(dt.UTC)
        user = os_user()
        ctx = self.context
        conn = self.session.connection()  # the session's transaction
        for start in range(0, len(added), CREATE_CHUNK):
            part = added[start:start + CREATE_CHUNK]
            n = len(part)
            sources = [f.source for f in part]
            projects: dict[str, list] = {fld: [getattr(f, fld) for f in part] for fld in fields}
            projects.update(
                name=[f.name for f in part], county=[f.county for f in part],
                phase=list(phases[start:start + n]), status=list(statuses[start:start + n]),
                annex_facts=[snapshot(f) for f in part], created_at=[now] * n,
                updated_at=[now] * n, version=[1] * n,
                source_file=[src.file if src else None for src in sources],
                source_sheet=[src.sheet if src else None for src in sources],
                source_row=[src.row if src else None for src in sources])
            insert_columns(conn, table(Project), projects)
        # the new ids, by county and name: a project's name is unique within its county (a
        # constraint), and within this write transaction no other writer can add one
        by_name = self.store.ids_by_name(self.session, {f.county for f in added})
        ids = [by_name[(f.county, f.name)] for f in added]
        del by_name
        planned: dict[tuple[int | None, int | None], list] = {}  # by start and end year
        m = len(MILESTONES)
        for start in range(0, len(added), CREATE_CHUNK):
            part, part_ids = added[start:start + CREATE_CHUNK], ids[start:start + CREATE_CHUNK]
            n = len(part)
            plans = _per_key(part_ids, [f.annual_plan for f in part], "year")
            plans["version"] = [1] * len(plans["year"])
            dates = []
            for facts in part:
                span = (facts.start_year, facts.end_year)
                if span not in planned:
                    defaults = default_milestone_dates(*span)
                    planned[span] = [defaults.get(name) for name in MILESTONES]
                dates += planned[span]
            milestones: dict[str, list] = {
                "project_id": [pid for pid in part_ids for _ in range(m)],
                "name": list(MILESTONES) * n, "seq": list(range(m)) * n, "planned": dates,
                "actual": [None] * (m * n), "version": [1] * (m * n)}
            audits: dict[str, list] = {
                "at": [now] * n, "user": [user] * n, "action": ["create"] * n,
                "entity": ["project"] * n, "entity_id": part_ids, "project_id": part_ids,
                "field": ["name"] * n, "old_value": [None] * n,
                "new_value": [f.name for f in part], "context": [ctx] * n}
            funding = _per_key(part_ids, [f.funding_plan for f in part], "source")
            tables: tuple[tuple[type[SQLModel], dict[str, list]], ...] = (
                (AnnualPlan, plans), (Milestone, milestones), (AuditLog, audits),
                (FundingPlan, funding))
            for model, columns in tables:
                if columns["project_id"]:
                    insert_columns(conn, table(model), columns)
        self._before.added = ids

    def update(self, project_id: int, facts: ProjectFacts, changes: Iterable[ChangedField], *,
               snapshot: str, reactivate: bool, keep_source: bool) -> None:
        """Write an annex's ``changes`` to a project loaded by ``change`` (each audited), put it
        back in the portfolio when ``reactivate``, move its default milestone dates with its
        years, and keep ``snapshot`` as the annex row it was imported from (and the annex's
        place of the project, unless ``keep_source``)."""
        s, ctx, before = self.session, self.context, self._before
        p = self._rows[project_id]
        pid = project_id
        old_defaults = default_milestone_dates(p.start_year, p.end_year)
        for fc in changes:
            record_audit(s, action="update", entity="project", entity_id=pid, project_id=pid,
                         field=fc.field, old=fc.old, new=fc.new, context=ctx)
            if fc.field == "funding_plan":  # the annex's sources, replaced as a whole
                rows = list(s.execute(select(FundingPlan)
                                      .where(col(FundingPlan.project_id) == pid)).scalars())
                before.funding(pid, rows)
                for row in rows:
                    s.delete(row)
                s.flush()
                new = fc.new
                assert isinstance(new, Mapping)
                for source, amount in sorted(new.items()):
                    s.add(FundingPlan(project_id=pid, source=source, amount=amount))
            elif fc.field.startswith("plan."):
                year = int(fc.field.split(".", 1)[1])
                row = s.execute(select(AnnualPlan).where(
                    col(AnnualPlan.project_id) == pid, col(AnnualPlan.year) == year)
                ).scalar_one_or_none()
                amount = fc.new
                assert isinstance(amount, Decimal)
                if row is None:
                    s.add(AnnualPlan(project_id=pid, year=year, amount=amount))
                    before.plans_added.append((pid, year))
                else:
                    before.plan(row)
                    row.amount = amount
            else:
                setattr(p, fc.field, fc.new)
        if reactivate:
            record_audit(s, action="update", entity="project", entity_id=pid, project_id=pid,
                         field="status", old=p.status, new=Status.ACTIVE, context=ctx)
            p.status = Status.ACTIVE
        new_defaults = default_milestone_dates(p.start_year, p.end_year)
        if new_defaults != old_defaults:  # move default dates that nobody has changed since
            for m in s.execute(select(Milestone).where(col(Milestone.project_id) == pid)).scalars():
                if m.name in new_defaults and m.planned == old_defaults.get(m.name):
                    before.milestone(m)
                    record_audit(s, action="update", entity="milestone", entity_id=m.id,
                                 project_id=pid, field=f"{m.name}.planned", old=m.planned,
                                 new=new_defaults[m.name], context=ctx)
                    m.planned = new_defaults[m.name]
        p.annex_facts = snapshot
        if not keep_source:
            _set_source(p, facts.source)
        p.updated_at = dt.datetime.now(dt.UTC)

    def move(self, project_id: int, source: SourceRef | None) -> None:
        """An unchanged project found at another place of the annex: note the new place."""
        _set_source(self._rows[project_id], source)

    def withdraw(self, project_id: int) -> None:
        """A project the annex no longer lists: withdrawn (kept, with its history)."""
        p = self._rows[project_id]
        record_audit(self.session, action="withdraw", entity="project", entity_id=project_id,
                     project_id=project_id, field="status", old=p.status,
                     new=Status.WITHDRAWN, context=self.context)
        p.status = Status.WITHDRAWN

    def name_unnamed(self, county: str) -> int:
        """Give the projects without a county yet ``county`` (audited; kept by an undo of
        this import): how many."""
        return assign_unnamed(self.session, county, context=self.context)

    def county_setting(self, county: str) -> str | None:
        """Make ``county`` the database's ``county`` setting when it has none: the county set,
        else None."""
        if setting_county(self.session) is not None:
            return None
        set_county_setting(self.session, county, context=self.context)
        return county

    def record(self, *, file: str, sha256: str, added: int, changed: int, withdrawn: int,
               counties: Sequence[str] = ()) -> int:
        """Record the import with what undoing it needs (after its rows, its budget changes and
        baseline included, which then carry its id) and the counties it was for: its id."""
        run_id = record_import(self.session, file=file, sha256=sha256, added=added,
                               changed=changed, withdrawn=withdrawn, before=self._before,
                               county=RUN_COUNTIES.join(counties))
        conn = self.session.connection()
        if self._changes:
            c = table(BudgetChangeRow)
            conn.execute(update(c).where(c.c.id.in_(self._changes)).values(import_run_id=run_id))
        if self._baseline is not None:
            b = table(Baseline)
            conn.execute(update(b).where(b.c.id == self._baseline).values(import_run_id=run_id))
        return run_id

    def budget_changes(self, file: str,
                       changed: Iterable[tuple[int, Iterable[ChangedField]]]) -> int:
        """The 总投资 and plan changes this import wrote, recorded as approved budget changes
        (one per project) with the annex as their source (``record`` gives them the import's
        id: its undo removes them).  How many."""
        n = 0
        for pid, changes in changed:
            lines = [budget_line(TOTAL, None, _amount(fc.old), _amount(fc.new)) if fc.field == TOTAL
                     else budget_line(PLAN, int(fc.field.split(".", 1)[1]), _amount(fc.old),
                                      _amount(fc.new))
                     for fc in changes if fc.field == TOTAL or fc.field.startswith("plan.")]
            lines = [ln for ln in lines if ln.delta != 0 or ln.old != ln.new]
            if not lines:
                continue
            row = insert_change(self.session, pid, lines, state=BudgetState.APPROVED,
                                source=f"annex {file}", doc_no=None, decided_on=dt.date.today())
            assert row.id is not None
            self._changes.append(row.id)
            n += 1
        return n

    def first_baseline(self, file: str) -> str | None:
        """With no baseline in the database yet, the one this import sets: every active
        project as the import leaves it, named after the annex.  Its name, else None."""
        if any_baseline(self.session):
            return None
        name, n = file, 1
        while name_taken(self.session, name):
            n += 1
            name = f"{file} ({n})"
        self._baseline = freeze(self.session, name, source=f"annex {file}").id
        return name


def _amount(value: object) -> Decimal | None:
    return value if isinstance(value, Decimal) else None


def _set_source(p: Project, source: SourceRef | None) -> None:
    if source:
        p.source_file, p.source_sheet, p.source_row = source.file, source.sheet, source.row


def _per_key(ids: list[int], amounts: list[Mapping], key: str) -> dict[str, list]:
    """The columns of a project's amounts by year or by source (annual_plan, funding_plan),
    each project's in key order: project_id, ``key``, amount."""
    columns: dict[str, list] = {"project_id": [], key: [], "amount": []}
    for pid, by_key in zip(ids, amounts, strict=True):
        for k, amount in sorted(by_key.items()):
            columns["project_id"].append(pid)
            columns[key].append(k)
            columns["amount"].append(amount)
    return columns
