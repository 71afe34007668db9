"""The one writer of audited edits: a project's editable fields (phase, remarks …), a
milestone's dates, a year's plan.  ``edits_write`` is one write transaction; the ``Edits`` it
gives reads each record with its version (optimistic concurrency: the caller compares it with
the version it read), names a record's last change, and writes each change with its audit row.

A save that another writer overtook between the read and the write (a record's version moved:
SQLAlchemy's StaleDataError) is a ``Conflict`` naming the record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col

from projtrack.core.records import AuditRecord
from projtrack.core.types import MILESTONES, MilestoneFacts, ProjectFacts
from projtrack.errors import BadUsage, Conflict
from projtrack.store.models import AnnualPlan, AuditLog, Milestone, Project
from projtrack.store.repo import MAX_ID, Store, record_audit, to_facts


@contextmanager
def edits_write(store: Store, *, what: str) -> Iterator[Edits]:
    """One write transaction of edits; ``what`` names the record(s) in the Conflict raised when
    another writer changed one of them between the read and the write."""
    try:
        with store.write() as session:
            yield Edits(session)
    except StaleDataError as exc:
        raise Conflict("err.conflict", other=what) from exc


def audit_record(a: AuditLog) -> AuditRecord:
    """An audit row as the core record of it."""
    assert a.id is not None
    return AuditRecord(a.id, a.at, a.user, a.action, a.entity, a.entity_id, a.project_id,
                       a.field, a.old_value, a.new_value, a.context)


class Edits:
    """Editable records inside one write transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # --- reads ---------------------------------------------------------------------------------
    def _project_row(self, project_id: int) -> Project:
        p = self.session.get(Project, project_id) if 0 < project_id <= MAX_ID else None
        if p is None:
            raise BadUsage("err.project_not_found", ref=project_id)
        return p

    def project(self, project_id: int) -> tuple[ProjectFacts, int]:
        """The project's facts (its plans left out) and version; a usage error when none."""
        p = self._project_row(project_id)
        return to_facts(p), p.version

    def milestones(self, project_id: int) -> dict[str, tuple[MilestoneFacts, int]]:
        """The project's milestones that have a row, by name, each with its version."""
        rows = self.session.execute(select(Milestone).where(
            col(Milestone.project_id) == project_id)).scalars()
        return {m.name: (MilestoneFacts(project_id, m.name, m.planned, m.actual), m.version)
                for m in rows}

    def plan(self, project_id: int, year: int) -> tuple[Decimal, int] | None:
        """The project's plan for ``year`` and its version, if it has one."""
        row = self._plan_row(project_id, year)
        return (row.amount, row.version) if row is not None else None

    def _plan_row(self, project_id: int, year: int) -> AnnualPlan | None:
        return self.session.execute(select(AnnualPlan).where(
            col(AnnualPlan.project_id) == project_id,
            col(AnnualPlan.year) == year)).scalar_one_or_none()

    def last_change(self, project_id: int, *, entity: str,
                    field_like: str | None = None) -> AuditRecord | None:
        """The newest audited change of a record of the project: of the audit field like
        ``field_like`` when given (a milestone's ``<name>.%``, a plan's ``plan.<year>``: an
        import writes a plan change as entity "project"), else of ``entity``."""
        which = (col(AuditLog.field).like(field_like) if field_like is not None
                 else col(AuditLog.entity) == entity)
        last = self.session.execute(
            select(AuditLog).where(col(AuditLog.project_id) == project_id, which)
            .order_by(col(AuditLog.id).desc()).limit(1)).scalar_one_or_none()
        return audit_record(last) if last is not None else None

    # --- writes --------------------------------------------------------------------------------
    def set_milestone(self, project_id: int, name: str, dates: Mapping[str, dt.date | None], *,
                      context: str, audit_all: bool = False) -> MilestoneFacts:
        """Set the milestone's ``dates`` ("planned", "actual"; its row made when it has none),
        each changed one with its audit row (``audit_all``: every one given, changed or not)."""
        m = self.session.execute(select(Milestone).where(
            col(Milestone.project_id) == project_id,
            col(Milestone.name) == name)).scalar_one_or_none()
        if m is None:
            m = Milestone(project_id=project_id, name=name, seq=MILESTONES.index(name))
            self.session.add(m)
            self.session.flush()
        for fld, value in dates.items():
            if fld not in ("planned", "actual"):
                raise ValueError(fld)
            old = getattr(m, fld)
            if old == value and not audit_all:
                continue
            record_audit(self.session, action="update", entity="milestone", entity_id=m.id,
                         project_id=project_id, field=f"{name}.{fld}", old=old, new=value,
                         context=context)
            setattr(m, fld, value)
        return MilestoneFacts(project_id, name, m.planned, m.actual)

    def set_plan(self, project_id: int, year: int, amount: Decimal, *, context: str) -> Decimal:
        """Set the project's plan for ``year`` (made when it has none), audited; nothing when
        it holds ``amount`` already."""
        row = self._plan_row(project_id, year)
        old = None
        if row is None:
            row = AnnualPlan(project_id=project_id, year=year, amount=amount)
            self.session.add(row)
            self.session.flush()
        else:
            old = row.amount
            if old == amount:
                return amount
            row.amount = amount
        record_audit(self.session, action="update", entity="annual_plan", entity_id=row.id,
                     project_id=project_id, field=f"plan.{year}", old=old, new=amount,
                     context=context)
        return amount

    def update_project(self, project_id: int, changes: Mapping[str, object], *,
                       context: str) -> ProjectFacts:
        """Change the project's fields, each changed one with its audit row (its time of
        change set when any is)."""
        p = self._project_row(project_id)
        changed = False
        for fld, value in changes.items():
            old = getattr(p, fld)
            if old == value:
                continue
            record_audit(self.session, action="update", entity="project", entity_id=p.id,
                         project_id=p.id, field=fld, old=old, new=value, context=context)
            setattr(p, fld, value)
            changed = True
        if changed:
            p.updated_at = dt.datetime.now(dt.UTC)
        return to_facts(p)
