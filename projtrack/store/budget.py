"""Budget changes (调整): the rows, written in the caller's session, and read back as core types
(``core.budget.BudgetChange``).  The verbs (propose, approve, reject) are services.budget's; an
annex import records the 总投资 and plan changes it makes as approved changes here
(``store.annex``), and its undo removes them (``remove_of_import``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col

from projtrack.core.budget import TOTAL, BudgetChange, BudgetLine
from projtrack.core.money import ZERO, format_wan
from projtrack.core.terms import BudgetState
from projtrack.core.types import ProjectFacts
from projtrack.errors import BadData, BadUsage, Conflict
from projtrack.store.models import AnnualPlan, BudgetChangeLine, Project, table
from projtrack.store.models import BudgetChangeRow as ChangeRow
from projtrack.store.repo import MAX_ID, Store, actor, record_audit, to_facts


def insert_change(session: Session, project_id: int, lines: Sequence[BudgetLine], *,
                  state: str, source: str, reason: str | None = None,
                  doc_no: str | None = None, decided_on: dt.date | None = None,
                  import_run_id: int | None = None) -> ChangeRow:
    """A new change of ``project_id`` with its ``lines``, audited ("propose", or "approve" for
    one recorded as approved, an annex import's).  Moves no figure: the caller does."""
    user = actor(session)
    now = dt.datetime.now(dt.UTC)
    decided = state != BudgetState.PROPOSED
    row = ChangeRow(project_id=project_id, state=state, reason=reason, source=source,
                    proposed_by=user, proposed_at=now, doc_no=doc_no, decided_on=decided_on,
                    decided_at=now if decided else None, decided_by=user if decided else None,
                    import_run_id=import_run_id)
    session.add(row)
    session.flush()
    assert row.id is not None
    for ln in lines:
        session.add(BudgetChangeLine(change_id=row.id, field=ln.field, year=ln.year, old=ln.old,
                                     new=ln.new, delta=ln.delta))
    record_audit(session, action="propose" if not decided else "approve",
                 entity="budget_change", entity_id=row.id, project_id=project_id,
                 field="state", old=None, new=state, context=source)
    return row


def _lines(session: Session, ids: list[int]) -> dict[int, list[BudgetLine]]:
    c = table(BudgetChangeLine).c
    out: dict[int, list[BudgetLine]] = defaultdict(list)
    for start in range(0, len(ids), 5000):
        for cid, fld, year, old, new, delta in session.execute(
                select(c.change_id, c.field, c.year, c.old, c.new, c.delta)
                .where(c.change_id.in_(ids[start:start + 5000])).order_by(c.change_id, c.id)):
            out[cid].append(BudgetLine(fld, year, old, new, delta))
    return out


def read_changes(session: Session, *, project_ids: Iterable[int] | None = None,
                 state: str | None = None, ids: Iterable[int] | None = None
                 ) -> list[BudgetChange]:
    """Budget changes (of ``project_ids``, in ``state``, or ``ids`` when given), oldest first,
    read in ``session``."""
    c, p = table(ChangeRow).c, table(Project).c
    stmt = (select(c.id, c.project_id, p.name, c.state, c.reason, c.source, c.proposed_at,
                   c.proposed_by, c.doc_no, c.decided_on, c.decided_by, c.decision_note)
            .join_from(table(ChangeRow), table(Project), p.id == c.project_id).order_by(c.id))
    if project_ids is not None:
        stmt = stmt.where(c.project_id.in_(list(project_ids)))
    if state is not None:
        stmt = stmt.where(c.state == state)
    if ids is not None:
        stmt = stmt.where(c.id.in_(list(ids)))
    rows = session.execute(stmt).all()
    lines = _lines(session, [r[0] for r in rows])
    return [BudgetChange(
        id=r[0], project_id=r[1], project=r[2], state=r[3], reason=r[4], source=r[5],
        proposed_at=r[6], proposed_by=r[7], doc_no=r[8], decided_on=r[9], decided_by=r[10],
        decision_note=r[11], lines=tuple(lines.get(r[0], ()))) for r in rows]


def changes(store: Store, *, project_ids: Iterable[int] | None = None,
            state: str | None = None) -> list[BudgetChange]:
    with store.read() as s:
        return read_changes(s, project_ids=project_ids, state=state)


def projects_with_changes(session: Session, project_ids: Iterable[int], *,
                          except_run: int | None = None) -> set[int]:
    """Which of ``project_ids`` have budget changes (other than those of the import
    ``except_run``)."""
    c = table(ChangeRow).c
    ids = list(project_ids)
    out: set[int] = set()
    for start in range(0, len(ids), 5000):
        stmt = select(c.project_id).where(c.project_id.in_(ids[start:start + 5000]))
        if except_run is not None:
            stmt = stmt.where((c.import_run_id.is_(None)) | (c.import_run_id != except_run))
        out.update(session.execute(stmt).scalars())
    return out


def remove_of_import(session: Session, run_id: int, context: str) -> int:
    """Delete the changes an annex import recorded (its undo puts the figures back), audited.
    How many."""
    c = table(ChangeRow)
    conn = session.connection()
    rows = conn.execute(select(c.c.id, c.c.project_id, c.c.state)
                        .where(c.c.import_run_id == run_id)).all()
    if not rows:
        return 0
    ids = [r.id for r in rows]
    lines = table(BudgetChangeLine)
    conn.execute(lines.delete().where(lines.c.change_id.in_(ids)))
    conn.execute(c.delete().where(c.c.id.in_(ids)))
    for r in rows:
        record_audit(session, action="undo", entity="budget_change", entity_id=r.id,
                     project_id=r.project_id, field="state", old=r.state, new=None,
                     context=context)
    return len(rows)


def propose(store: Store, project_id: int,
            make_lines: Callable[[ProjectFacts], Sequence[BudgetLine]], *, source: str,
            reason: str | None) -> BudgetChange:
    """A proposed change of ``project_id`` whose lines ``make_lines`` works out from the project
    as this write transaction reads it (so "old" is what is on record as it is written)."""
    with store.write() as s:
        p = s.get(Project, project_id) if 0 < project_id <= MAX_ID else None
        if p is None:
            raise BadUsage("err.project_not_found", ref=project_id)
        facts = to_facts(p, store.plans(s, [project_id]).get(project_id))
        row = insert_change(s, project_id, make_lines(facts), state=BudgetState.PROPOSED,
                            source=source, reason=reason)
        s.flush()
        return read_changes(s, ids=[row.id])[0]  # type: ignore[list-item]


def _shown(value: Decimal | None) -> str:
    return "—" if value is None else format_wan(value)


def decide(store: Store, change_id: int, state: str, *, doc_no: str | None, day: dt.date,
           note: str | None, source: str) -> BudgetChange:
    """Approve (``state`` 已批复: its figures move, each audited with the context
    ``budget:#ID 文号``) or reject the proposed change ``change_id``.  BadUsage for no such
    change; BadData for one decided already, or (approving) a figure that changed since it
    was proposed; Conflict when another decision got there first."""
    try:
        with store.write() as s:
            row = s.get(ChangeRow, change_id) if 0 < change_id <= MAX_ID else None
            if row is None:
                raise BadUsage("err.budget_not_found", id=change_id)
            if row.state != BudgetState.PROPOSED:
                raise BadData("err.budget_decided", id=row.id, state=row.state,
                              doc=row.doc_no or "—", by=row.decided_by or "—",
                              on=row.decided_on.isoformat() if row.decided_on else "—")
            if state == BudgetState.APPROVED:
                (change,) = read_changes(s, ids=[change_id])
                _apply(s, row.project_id, change, f"budget:#{change_id} {doc_no or ''}".strip())
            record_audit(s, action="approve" if state == BudgetState.APPROVED else "reject",
                         entity="budget_change", entity_id=row.id, project_id=row.project_id,
                         field="state", old=row.state, new=state,
                         context=f"{source} {doc_no}" if doc_no else source)
            row.state = state
            row.doc_no = doc_no
            row.decided_on = day
            row.decided_at = dt.datetime.now(dt.UTC)
            row.decided_by = actor(s)
            row.decision_note = note
            s.flush()
            return read_changes(s, ids=[change_id])[0]
    except StaleDataError as exc:
        raise Conflict("err.conflict", other=f"#{change_id}") from exc


def _apply(s: Session, project_id: int, change: BudgetChange, ctx: str) -> None:
    """Move the figures of ``change``, after checking each is still what it was proposed from."""
    p = s.get(Project, project_id)
    assert p is not None
    plans = {r.year: r for r in s.execute(select(AnnualPlan).where(
        col(AnnualPlan.project_id) == project_id)).scalars()}
    for ln in change.lines:
        if ln.field == TOTAL:
            if p.total_investment != ln.old:
                raise BadData("err.budget_stale_total", id=change.id, then=_shown(ln.old),
                              now=_shown(p.total_investment))
        else:
            now = plans[ln.year].amount if ln.year in plans else None
            if now != ln.old:
                raise BadData("err.budget_stale_plan", id=change.id, year=ln.year,
                              then=_shown(ln.old), now=_shown(now))
    for ln in change.lines:
        if ln.field == TOTAL:
            record_audit(s, action="update", entity="project", entity_id=p.id, project_id=p.id,
                         field=TOTAL, old=p.total_investment, new=ln.new, context=ctx)
            p.total_investment = ln.new
            p.updated_at = dt.datetime.now(dt.UTC)
            continue
        assert ln.year is not None
        amount = ln.new if ln.new is not None else ZERO
        plan = plans.get(ln.year)
        if plan is None:
            plan = AnnualPlan(project_id=project_id, year=ln.year, amount=amount)
            s.add(plan)
            s.flush()
        else:
            plan.amount = amount
        record_audit(s, action="update", entity="annual_plan", entity_id=plan.id,
                     project_id=project_id, field=f"plan.{ln.year}", old=ln.old, new=amount,
                     context=ctx)
