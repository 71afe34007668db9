"""New rows of the append-only ledger (完成投资, 到位资金, 拨付) and of 形象进度: built here,
from core types, for the writers that add many at once.  The database refuses any update or
delete of them (migration 0003); a correction is a reversal entry.  Being append-only, they
also say cheaply what changed since a moment (``watermark``, ``changes``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session

from projtrack.core.types import Entry, ProgressPoint
from projtrack.store.models import LedgerEntry, Milestone, ProgressEntry, Project, table


def add_entries(session: Session, entries: Iterable[Entry], *, origin: str, user: str) -> None:
    """Add ``entries`` (their ``id`` is ignored: the database gives one) in ``session``, in
    order, each recorded as made by ``user`` from ``origin``."""
    session.add_all(LedgerEntry(project_id=e.project_id, kind=e.kind, entry_date=e.date,
                                amount=e.amount, source=e.source, note=e.note, origin=origin,
                                created_by=user) for e in entries)


def add_progress(session: Session, points: Iterable[ProgressPoint], *, origin: str,
                 user: str) -> None:
    """Add 形象进度 ``points`` in ``session``, in order (as ``add_entries`` does)."""
    session.add_all(ProgressEntry(project_id=p.project_id, entry_date=p.date, stage=p.stage,
                                  percent=p.percent, note=p.note, origin=origin, created_by=user)
                    for p in points)


@dataclass(frozen=True)
class Watermark:
    """What a plan made outside the write transaction was made against, for the projects it
    read: the newest ledger and 形象进度 entry ids (both tables are append-only, so any entry
    added later has a higher id — writers are serialised, so ids are given in commit order),
    each project's name and status, and the milestones' dates and versions.  ``changes`` tells,
    inside the write transaction, which of those projects changed since."""

    ledger_max: int
    progress_max: int
    projects: dict[int, tuple[str, str]]
    milestones: dict[tuple[int, str], tuple[object, int]]
    milestone_projects: frozenset[int]


def _chunks(ids: Iterable[int], size: int = 5000) -> Iterator[list[int]]:
    """Ids in chunks under every engine's limit of bound parameters."""
    items = sorted(ids)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _project_rows(session: Session, ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    c = table(Project).c
    out: dict[int, tuple[str, str]] = {}
    for chunk in _chunks(ids):
        out.update((pid, (name, status)) for pid, name, status in session.connection().execute(
            select(c.id, c.name, c.status).where(c.id.in_(chunk))))
    return out


def _milestone_rows(session: Session, ids: Iterable[int]
                    ) -> dict[tuple[int, str], tuple[object, int]]:
    c = table(Milestone).c
    out: dict[tuple[int, str], tuple[object, int]] = {}
    for chunk in _chunks(ids):
        out.update(((pid, name), (actual, version)) for pid, name, actual, version in
                   session.connection().execute(select(c.project_id, c.name, c.actual, c.version)
                                                .where(c.project_id.in_(chunk))))
    return out


def _max_id(session: Session, model: type) -> int:
    return session.connection().execute(select(func.max(table(model).c.id))).scalar() or 0


def watermark(session: Session, project_ids: Iterable[int],
              milestone_projects: Iterable[int]) -> Watermark:
    """The state of ``project_ids`` (and the milestones of ``milestone_projects``) as
    ``session`` sees it: read in the same snapshot as the plan it guards."""
    ms = frozenset(milestone_projects)
    return Watermark(_max_id(session, LedgerEntry), _max_id(session, ProgressEntry),
                     _project_rows(session, project_ids), _milestone_rows(session, ms), ms)


def changes(session: Session, mark: Watermark, kind: str) -> dict[int, list[str]]:
    """The projects of ``mark`` that changed since it was taken, as ``session`` sees them (the
    write transaction), each with what changed: a new ``kind`` (完成投资) or 形象进度 entry
    ("完成投资 #812 wang"), its name or status, a milestone's date."""
    out: dict[int, list[str]] = {}
    le = table(LedgerEntry).c
    for eid, pid, created_by in session.connection().execute(
            select(le.id, le.project_id, le.created_by)
            .where(le.id > mark.ledger_max, le.kind == kind).order_by(le.id)):
        if pid in mark.projects:
            out.setdefault(pid, []).append(f"{kind} #{eid} {created_by}".rstrip())
    pe = table(ProgressEntry).c
    for eid, pid, created_by in session.connection().execute(
            select(pe.id, pe.project_id, pe.created_by)
            .where(pe.id > mark.progress_max).order_by(pe.id)):
        if pid in mark.projects:
            out.setdefault(pid, []).append(f"形象进度 #{eid} {created_by}".rstrip())
    now = _project_rows(session, mark.projects)
    for pid, before in mark.projects.items():
        if now.get(pid) != before:
            out.setdefault(pid, []).append("项目")
    milestones = _milestone_rows(session, mark.milestone_projects)
    for key in sorted(set(milestones) | set(mark.milestones)):
        if milestones.get(key) != mark.milestones.get(key):
            out.setdefault(key[0], []).append(key[1])
    return out
