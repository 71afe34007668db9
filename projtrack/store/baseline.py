"""Baselines (基准): freezing every active project's annual plans, milestone planned dates and
总投资 under a name, and reading them back as core types (``core.baseline.BaselineProject``).

``freeze`` writes in the caller's session (``projtrack baseline set`` in its own transaction, an
annex import in its own), so a baseline is a copy of one committed state.  At most one baseline
is current; a new one becomes current.  Both are audited.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Integer, String, func, insert, literal, select, type_coerce, update
from sqlmodel import Session

from projtrack.core.baseline import BaselineProject
from projtrack.core.terms import Status
from projtrack.errors import BadData
from projtrack.store.models import (
    AnnualPlan,
    Baseline,
    BaselineMilestone,
    BaselinePlan,
    BaselineProjectRow,
    Milestone,
    Project,
    table,
)
from projtrack.store.repo import Store, _day, actor, record_audit


@dataclass(frozen=True)
class BaselineInfo:
    id: int
    name: str
    created_at: dt.datetime
    created_by: str
    source: str
    current: bool
    projects: int
    import_run_id: int | None


def set_new(store: Store, name: str, *, source: str) -> BaselineInfo:
    """In one write transaction: the baseline ``name`` of every active project, made current;
    BadData for a name taken or a portfolio without active projects."""
    with store.write() as s:
        if name_taken(s, name):
            raise BadData("err.baseline_taken", name=name)
        if not store.projects(include_withdrawn=False, session=s):
            raise BadData("err.baseline_empty")
        return freeze(s, name, source=source)


def freeze(session: Session, name: str, *, source: str,
           import_run_id: int | None = None) -> BaselineInfo:
    """A new baseline ``name`` of every active project as ``session`` sees it, made current
    (the one current before is no longer), audited.  The caller checks the name is free."""
    user = actor(session)
    b = table(Baseline)
    conn = session.connection()
    was = conn.execute(select(b.c.id, b.c.name).where(b.c.current.is_(True))).first()
    if was is not None:
        conn.execute(update(b).where(b.c.id == was.id).values(current=False))
    row = Baseline(name=name, created_by=user, source=source, current=True,
                   import_run_id=import_run_id)
    session.add(row)
    session.flush()
    bid = row.id
    p, a, m = table(Project).c, table(AnnualPlan).c, table(Milestone).c
    active = select(p.id).where(p.status == Status.ACTIVE)
    bid_ = literal(bid, Integer)
    # copied inside the database (INSERT … SELECT): the stored money is copied as it is stored,
    # and 10,000 projects' rows do not come through Python and back
    bp, bpl, bm = table(BaselineProjectRow), table(BaselinePlan), table(BaselineMilestone)
    conn.execute(insert(bp).from_select(
        ["baseline_id", "project_id", "name", "total_investment"],
        select(bid_, p.id, p.name, p.total_investment)
        .where(p.status == Status.ACTIVE).order_by(p.id)))
    # counted, not taken from the statement's rowcount (psycopg gives -1 for INSERT … SELECT)
    projects = conn.execute(select(func.count()).select_from(bp)
                            .where(bp.c.baseline_id == bid)).scalar_one()
    conn.execute(insert(bpl).from_select(
        ["baseline_id", "project_id", "year", "amount"],
        select(bid_, a.project_id, a.year, a.amount)
        .where(a.project_id.in_(active)).order_by(a.project_id, a.year)))
    conn.execute(insert(bm).from_select(
        ["baseline_id", "project_id", "name", "planned"],
        select(bid_, m.project_id, m.name, m.planned)
        .where(m.project_id.in_(active)).order_by(m.project_id, m.seq)))
    record_audit(session, action="baseline", entity="baseline", entity_id=bid, project_id=None,
                 field="current", old=was.name if was is not None else None, new=name,
                 context=source)
    return BaselineInfo(bid, name, row.created_at, user, source, True, projects,  # type: ignore[arg-type]
                        import_run_id)


def _infos(session: Session, where=None) -> list[BaselineInfo]:
    b, bp = table(Baseline).c, table(BaselineProjectRow).c
    counts = (select(bp.baseline_id, func.count().label("n")).group_by(bp.baseline_id)
              .subquery())
    stmt = (select(b.id, b.name, b.created_at, b.created_by, b.source, b.current,
                   func.coalesce(counts.c.n, 0), b.import_run_id)
            .select_from(table(Baseline).outerjoin(counts, counts.c.baseline_id == b.id))
            .order_by(b.id.desc()))
    if where is not None:
        stmt = stmt.where(where)
    return [BaselineInfo(i, n, at, by, src, bool(cur), int(count), run)
            for i, n, at, by, src, cur, count, run in session.execute(stmt).all()]


def baselines(store: Store) -> list[BaselineInfo]:
    """Every baseline, newest first."""
    with store.read() as s:
        return _infos(s)


def find(store: Store, name: str | None) -> BaselineInfo | None:
    """The baseline ``name`` (None: the current one), if there is one."""
    b = table(Baseline).c
    with store.read() as s:
        found = _infos(s, b.current.is_(True) if name is None else b.name == name)
    return found[0] if found else None


def name_taken(session: Session, name: str) -> bool:
    b = table(Baseline).c
    return session.execute(select(b.id).where(b.name == name)).first() is not None


def any_baseline(session: Session) -> bool:
    return session.execute(select(table(Baseline).c.id).limit(1)).first() is not None


def items(store: Store, baseline_id: int) -> dict[int, BaselineProject]:
    """What the baseline froze, by project id."""
    bp, pl, ms = table(BaselineProjectRow).c, table(BaselinePlan).c, table(BaselineMilestone).c
    with store.read() as s:
        conn = s.connection()
        heads = conn.execute(select(bp.project_id, bp.name, bp.total_investment)
                             .where(bp.baseline_id == baseline_id)).all()
        plans: dict[int, dict[int, object]] = defaultdict(dict)
        for pid, year, amount in conn.execute(
                select(pl.project_id, pl.year, pl.amount).where(pl.baseline_id == baseline_id)
                .order_by(pl.project_id, pl.year)).all():
            plans[pid][year] = amount
        dates: dict[int, dict[str, dt.date | None]] = defaultdict(dict)
        for pid, name, planned in conn.execute(
                select(ms.project_id, ms.name, type_coerce(ms.planned, String))
                .where(ms.baseline_id == baseline_id).order_by(ms.project_id, ms.id)).all():
            dates[pid][name] = _day(planned)
    return {pid: BaselineProject(pid, name, total, dict(plans.get(pid, {})),  # type: ignore[arg-type]
                                 dict(dates.get(pid, {})))
            for pid, name, total in heads}


def remove_of_import(session: Session, run_id: int, context: str) -> list[str]:
    """Delete the baselines an annex import set (its undo), audited; when one of them was
    current, the newest baseline left becomes current.  Their names."""
    b = table(Baseline)
    conn = session.connection()
    rows = conn.execute(select(b.c.id, b.c.name, b.c.current)
                        .where(b.c.import_run_id == run_id)).all()
    if not rows:
        return []
    ids = [r.id for r in rows]
    for child in (BaselineProjectRow, BaselinePlan, BaselineMilestone):
        conn.execute(table(child).delete().where(table(child).c.baseline_id.in_(ids)))
    conn.execute(b.delete().where(b.c.id.in_(ids)))
    for r in rows:
        record_audit(session, action="undo", entity="baseline", entity_id=r.id, project_id=None,
                     field="name", old=r.name, new=None, context=context)
    if any(r.current for r in rows):
        newest = conn.execute(select(b.c.id, b.c.name).order_by(b.c.id.desc()).limit(1)).first()
        if newest is not None:
            conn.execute(update(b).where(b.c.id == newest.id).values(current=True))
            record_audit(session, action="undo", entity="baseline", entity_id=newest.id,
                         project_id=None, field="current", old=None, new=newest.name,
                         context=context)
    return [r.name for r in rows]
